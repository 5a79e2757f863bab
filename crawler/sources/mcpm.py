"""The ``mcpm`` source: the MCPM registry's server manifests (pathintegral-institute/mcpm.sh).

``--source mcpm:ARG`` where ARG is a checkout or its ``servers`` folder (one ``<name>.json`` per server), one
manifest file, or a combined JSON (a list of manifests or an object of them keyed by name) as a file or URL.
Broken manifests are recorded in ``problems`` and skipped. Parsing is in ``crawler.parse.mcpm``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from crawler.parse.docker import DumpEntryError
from crawler.parse.mcpm import parse_mcpm_manifest
from crawler.sources.base import DiscoveredServer, SourceContext
from crawler.sources.inputs import is_url, local_path, read_json, require_argument


def manifests_in(data: Any) -> Iterator[tuple[str, Any]]:
    """(label, manifest) pairs from one manifest, a list of them, or an object keyed by name."""
    if isinstance(data, dict) and isinstance(data.get("name"), str):
        yield data["name"], data
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield f"[{i}]", item
    elif isinstance(data, dict):
        for key, item in data.items():
            if isinstance(item, dict):
                item.setdefault("name", key)
            yield str(key), item


class McpmSource:
    name = "mcpm"

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def _parse(self, label: str, data: Any, file: str) -> DiscoveredServer | None:
        try:
            return parse_mcpm_manifest(data, file=file)
        except DumpEntryError as exc:
            self.problems.append((label, str(exc)))
            return None

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DiscoveredServer]:
        self.problems = []
        location, _ = require_argument(ctx, self.name, "the MCPM registry checkout, its servers folder or a JSON")
        if not is_url(location) and local_path(location, self.name).is_dir():
            root = Path(location).expanduser()
            folder = root / "servers" if (root / "servers").is_dir() else root
            for path in sorted(folder.glob("*.json")):
                try:
                    data = json.loads(path.read_text(encoding="utf-8-sig"))
                except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                    self.problems.append((str(path), f"invalid JSON: {exc}"))
                    continue
                server = self._parse(str(path), data, path.name)
                if server is not None:
                    server.extra["file"] = str(path.relative_to(root))  # no machine paths in published pages
                    yield server
            return
        try:
            data = await read_json(ctx, location)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.problems.append((location, f"invalid JSON: {exc}"))
            return
        for label, manifest in manifests_in(data):
            server = self._parse(f"{location}:{label}", manifest, label)
            if server is not None:
                yield server


SOURCE = McpmSource()
