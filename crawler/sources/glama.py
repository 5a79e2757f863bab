"""The ``glama`` source: the Glama directory API, ``GET {glama_url}/api/mcp/v1/servers``.

Pages are fetched through the crawler's shared polite client with ``first`` (page size, at most 100) and
``after`` (the previous page's ``pageInfo.endCursor``) until ``hasNextPage`` is false. The cursor is kept in
``ctx.state["cursor"]`` after every page so a killed discovery resumes where it stopped; it is cleared when the
walk completes. ``--source glama`` walks the whole directory; ``glama:TEXT`` passes TEXT as the ``query`` search
parameter; ``glama:PATH`` reads saved pages (one page, a list of pages or servers, or JSON lines) offline.
The base URL is the ``glama_url`` setting (``--glama-url`` / ``MCP_CATALOG_GLAMA_URL``).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from crawler.parse.docker import DumpEntryError
from crawler.parse.glama import GlamaPage, parse_glama_page
from crawler.sources.base import DiscoveredServer, SourceContext
from crawler.sources.inputs import SourceInputError, is_url

API_PATH = "/api/mcp/v1/servers"
PAGE_SIZE = 100  # the API's maximum; settings.extra["glama_page_size"] may ask for less
MAX_PAGES = 10_000  # a runaway guard: 1M servers


def servers_url(base: str) -> str:
    """The list endpoint from a site URL (``https://host``), the API's server URL (``.../api/mcp``) or itself."""
    base = base.rstrip("/")
    if base.endswith(API_PATH):
        return base
    if base.endswith("/api/mcp"):
        return base + "/v1/servers"
    return base + API_PATH


def saved_pages(path: Path) -> list[Any]:
    """Decoded pages from a saved file: one page, a JSON list of pages or of servers, or JSON lines."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if isinstance(data, list) and data and all(isinstance(p, dict) and "servers" in p for p in data):
        return data
    return [data]


class GlamaSource:
    name = "glama"

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def _page(self, label: str, data: Any) -> GlamaPage | None:
        try:
            page = parse_glama_page(data)
        except DumpEntryError as exc:
            self.problems.append((label, str(exc)))
            return None
        self.problems.extend((f"{label} {where}", why) for where, why in page.problems)
        return page

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DiscoveredServer]:
        self.problems = []
        argument = (ctx.argument or "").strip()
        if argument and not is_url(argument) and Path(argument).expanduser().exists():
            path = Path(argument).expanduser()
            files = sorted(path.glob("*.json*")) if path.is_dir() else [path]
            for file in files:
                try:
                    pages = saved_pages(file)
                except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                    self.problems.append((str(file), f"invalid JSON: {exc}"))
                    continue
                for i, data in enumerate(pages):
                    page = self._page(f"{file}[{i}]", data)
                    for server in page.servers if page else []:
                        yield server
            return
        url = servers_url(argument if is_url(argument) else ctx.settings.glama_url)
        query = argument if argument and not is_url(argument) else None
        async for server in self._walk(ctx, url, query):
            yield server

    async def _walk(self, ctx: SourceContext, url: str, query: str | None) -> AsyncIterator[DiscoveredServer]:
        cursor: str | None = ctx.state.get("cursor") if ctx.state.get("query") == query else None
        seen: set[str] = set()
        page_size = max(1, min(int(ctx.settings.extra.get("glama_page_size", PAGE_SIZE)), PAGE_SIZE))
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {"first": page_size}
            if cursor:
                params["after"] = cursor
            if query:
                params["query"] = query
            page = self._page(f"{url}?after={cursor or ''}", await ctx.http.get_json(url, params=params))
            if page is None:
                return  # a page that is not a page: no cursor to go on with (recorded)
            for server in page.servers:
                yield server
            if not page.has_next_page or not page.end_cursor:
                ctx.state.pop("cursor", None)
                ctx.state.pop("query", None)
                return
            if page.end_cursor in seen:
                self.problems.append((url, f"the API repeated cursor {page.end_cursor!r}; stopped to avoid a loop"))
                return
            seen.add(page.end_cursor)
            cursor = page.end_cursor
            ctx.state["cursor"] = cursor
            ctx.state["query"] = query
        raise SourceInputError(f"glama: more than {MAX_PAGES} pages; stopped (is the API returning endless pages?)")


SOURCE = GlamaSource()
