"""The ``awesome`` source: curated awesome-list READMEs (markdown or rendered HTML) to servers.

``--source awesome:ARG`` where ARG is a README (``.md``) or its HTML, a folder of them, or a URL. A local copy
whose relative links (``src/everything``) should resolve takes ``#base=URL``, e.g.
``awesome:README.md#base=https://github.com/modelcontextprotocol/servers/tree/main``; a URL argument works out
its own base. Parsing is in ``crawler.parse.awesome``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from crawler.parse.awesome import parse_awesome
from crawler.sources.base import DiscoveredServer, SourceContext
from crawler.sources.inputs import base_for_list_url, is_url, local_path, read_text, require_argument

LIST_SUFFIXES = {".md", ".markdown", ".html", ".htm"}


def list_documents(location: str) -> list[str]:
    """The documents an argument names: the URL or file itself, or the list files of a folder, sorted."""
    if is_url(location):
        return [location]
    path = local_path(location, "awesome")
    if path.is_dir():
        return [str(p) for p in sorted(path.iterdir()) if p.is_file() and p.suffix.lower() in LIST_SUFFIXES]
    return [str(path)]


class AwesomeSource:
    name = "awesome"

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DiscoveredServer]:
        self.problems = []
        location, options = require_argument(ctx, self.name, "an awesome-list README, its HTML, or a folder")
        for document in list_documents(location):
            try:
                text = await read_text(ctx, document)
            except (OSError, UnicodeDecodeError) as exc:
                self.problems.append((document, f"unreadable: {exc}"))
                continue
            base = options.get("base") or (base_for_list_url(document) if is_url(document) else None)
            list_name = document if is_url(document) else Path(document).name
            parsed = parse_awesome(text, list_name=list_name, base_url=base)
            self.problems.extend(parsed.problems)
            for server in parsed.servers:
                yield server


SOURCE = AwesomeSource()
