"""Reading a source's ``--source NAME:ARG`` argument: a local file or folder, or a URL fetched through the
crawler's shared polite client. Shared by the list and dump sources so they all accept the same forms.

Options ride in the fragment, which is never sent to a server: ``README.md#base=https://github.com/o/r/tree/main``
tells the awesome source where relative links in a local copy point.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from crawler.sources.base import SourceContext


class SourceInputError(ValueError):
    """The source's argument is missing or unreadable; the message says what to pass instead."""


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def split_argument(argument: str) -> tuple[str, dict[str, str]]:
    """``LOCATION#key=value&key2=value2`` -> (LOCATION, options). A bare ``#anchor`` is kept on URLs."""
    location, sep, fragment = argument.partition("#")
    if not sep or "=" not in fragment:
        return argument, {}
    return location, dict(parse_qsl(fragment, keep_blank_values=True))


def require_argument(ctx: SourceContext, name: str, what: str) -> tuple[str, dict[str, str]]:
    if not ctx.argument or not ctx.argument.strip():
        raise SourceInputError(f"the {name} source needs {what}: --source {name}:PATH_OR_URL")
    return split_argument(ctx.argument.strip())


def local_path(location: str, name: str) -> Path:
    path = Path(location).expanduser()
    if not path.exists():
        raise SourceInputError(f"{name}: {path} does not exist; pass a local file or folder, or an http(s) URL")
    return path


async def read_text(ctx: SourceContext, location: str) -> str:
    """A URL through ctx.http, else a local file (UTF-8, BOM tolerated)."""
    if is_url(location):
        return await ctx.http.get_text(location)
    return Path(location).expanduser().read_text(encoding="utf-8-sig")


async def read_json(ctx: SourceContext, location: str) -> Any:
    if is_url(location):
        return await ctx.http.get_json(location)
    return json.loads(Path(location).expanduser().read_text(encoding="utf-8-sig"))


def base_for_list_url(url: str) -> str | None:
    """Where relative links of a README fetched from ``url`` point: its folder on the repository's web view."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    segments = [s for s in parts.path.split("/") if s]
    if host == "raw.githubusercontent.com" and len(segments) >= 3:
        owner, repo, branch, *rest = segments
        folder = "/".join(rest[:-1])
        return f"https://github.com/{owner}/{repo}/tree/{branch}/{folder}".rstrip("/") + "/"
    if host.removeprefix("www.") == "github.com" and len(segments) >= 2:
        owner, repo, *rest = segments
        if len(rest) >= 2 and rest[0] in {"blob", "tree"}:
            branch, path = rest[1], rest[2:]
            folder = "/".join(path[:-1] if rest[0] == "blob" else path)
            return f"https://github.com/{owner}/{repo}/tree/{branch}/{folder}".rstrip("/") + "/"
        return f"https://github.com/{owner}/{repo}/tree/HEAD/"
    return url.rsplit("/", 1)[0] + "/"
