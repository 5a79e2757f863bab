"""Helpers for source tests: run a source's async discovery with a test double of the HTTP client."""

from __future__ import annotations

import asyncio
from typing import Any

from catalog.config import Settings
from crawler.sources.base import DiscoveredServer, SourceContext


class NoHttp:
    """An HttpClient double for sources that must not touch the network with the given argument."""

    async def get_json(self, url: str, **_: Any) -> Any:
        raise AssertionError(f"unexpected request to {url}")

    async def get_text(self, url: str, **_: Any) -> str:
        raise AssertionError(f"unexpected request to {url}")

    async def get_bytes(self, url: str, **_: Any) -> bytes:
        raise AssertionError(f"unexpected request to {url}")


def run_discover(source: Any, ctx: SourceContext) -> list[DiscoveredServer]:
    async def collect() -> list[DiscoveredServer]:
        return [server async for server in source.discover(ctx)]

    return asyncio.run(collect())


def discover(source: Any, argument: str | None, http: Any = None, **settings: Any) -> list[DiscoveredServer]:
    ctx = SourceContext(settings=Settings(**settings), http=http or NoHttp(), argument=argument)
    return run_discover(source, ctx)
