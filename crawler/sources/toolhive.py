"""The ``toolhive`` source: ToolHive's registry JSON (stacklok/toolhive ``registry.json``), a file or a URL.

``--source toolhive:PATH_OR_URL``. Container servers and remote servers both become DiscoveredServers; tool
names stay in ``extra["tool_names"]`` (never ToolRecords). Parsing is in ``crawler.parse.toolhive``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from crawler.parse.docker import DumpEntryError
from crawler.parse.toolhive import parse_toolhive_registry
from crawler.sources.base import DiscoveredServer, SourceContext
from crawler.sources.inputs import SourceInputError, is_url, local_path, read_json, require_argument


class ToolHiveSource:
    name = "toolhive"

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DiscoveredServer]:
        self.problems = []
        location, _ = require_argument(ctx, self.name, "ToolHive's registry.json")
        if not is_url(location) and local_path(location, self.name).is_dir():
            location = str(local_path(location, self.name) / "registry.json")
        try:
            data = await read_json(ctx, location)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SourceInputError(f"toolhive: cannot read {location} as JSON: {exc}") from None
        try:
            servers, problems = parse_toolhive_registry(data)
        except DumpEntryError as exc:
            raise SourceInputError(f"toolhive: {location}: {exc}") from None
        self.problems.extend(problems)
        for server in servers:
            yield server


SOURCE = ToolHiveSource()
