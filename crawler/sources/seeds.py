"""Seed files: a plain list of servers for quick, reproducible crawls.

One entry per line (``#`` starts a comment)::

    github:owner/repo[/tree/branch/subfolder]
    npm:@scope/name[@version]
    pypi:name[==version]
    local:PATH            (relative to the seed file)
    url:https://host/mcp  (a remote server; its tools come from live mode)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from crawler.merge import parse_github_url
from crawler.sources import npm, pypi
from crawler.sources.base import DiscoveredServer, SourceContext


class SeedError(ValueError):
    """A seed line that cannot be understood; the message names the file and line."""


def parse_seed_line(line: str, base: Path, where: str = "") -> DiscoveredServer | None:
    text = line.split("#", 1)[0].strip() if not line.strip().startswith("url:") else line.strip()
    if not text or text.startswith("#"):
        return None
    kind, sep, value = text.partition(":")
    value = value.strip()
    if not sep or not value:
        raise SeedError(f"{where}: expected KIND:VALUE (github:, npm:, pypi:, local:, url:), got {text!r}")
    kind = kind.strip().lower()
    if kind in ("npm", "pypi"):
        try:
            return (npm if kind == "npm" else pypi).package_sighting(value, source="seeds")
        except ValueError as exc:
            raise SeedError(f"{where}: {exc}") from None
    if kind == "github":
        ref = parse_github_url(value if "github.com" in value else f"https://github.com/{value}")
        if ref is None:
            raise SeedError(f"{where}: not a GitHub repository: {value!r}")
        return DiscoveredServer(
            source="seeds",
            external_id=f"github:{ref.full_name}" + (f"#{ref.subfolder}" if ref.subfolder else ""),
            name=ref.full_name if not ref.subfolder else f"{ref.full_name}/{ref.subfolder}",
            repository_url=ref.url,
            repository_subfolder=ref.subfolder,
        )
    if kind == "local":
        path = Path(value).expanduser()
        path = path if path.is_absolute() else (base / path)
        return DiscoveredServer(
            source="seeds", external_id=f"local:{path.resolve()}", name=path.name, extra={"local_path": str(path)}
        )
    if kind == "url":
        if not value.startswith(("https://", "http://")):
            raise SeedError(f"{where}: url: needs an http(s) URL, got {value!r}")
        return DiscoveredServer(
            source="seeds",
            external_id=f"url:{value}",
            name=value.split("://", 1)[1].rstrip("/"),
            url=value,
            remotes=[{"type": "sse" if value.rstrip("/").endswith("/sse") else "streamable-http", "url": value}],
        )
    raise SeedError(f"{where}: unknown kind {kind!r}; use github:, npm:, pypi:, local: or url:")


def parse_seed_file(path: Path) -> list[DiscoveredServer]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise SeedError(f"{path}: no such seed file") from None
    except UnicodeDecodeError as exc:
        raise SeedError(f"{path}: not UTF-8 text ({exc.reason})") from None
    found = [parse_seed_line(line, path.parent, f"{path}:{n}") for n, line in enumerate(lines, 1)]
    return [f for f in found if f is not None]


class SeedsSource:
    name = "seeds"

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DiscoveredServer]:
        if not ctx.argument:
            raise SeedError("the seeds source needs a file: --source seeds:PATH")
        for found in parse_seed_file(Path(ctx.argument).expanduser()):
            yield found


SOURCE = SeedsSource()
