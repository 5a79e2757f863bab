"""The ``docker`` source: a checkout of the Docker MCP registry (docker/mcp-registry).

``--source docker:FOLDER`` where FOLDER is the checkout (``servers/<name>/server.yaml``) or a folder laid out
as ``<name>/server.yaml`` directly. Each entry's optional ``tools.json`` is read beside it. A broken entry is
recorded in ``problems`` and skipped; the rest goes on. Parsing is in ``crawler.parse.docker``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from crawler.parse.docker import DumpEntryError, parse_docker_server
from crawler.sources.base import DiscoveredServer, SourceContext
from crawler.sources.inputs import SourceInputError, is_url, local_path, require_argument


def server_folders(root: Path) -> list[Path]:
    """Entry folders under a checkout: ``servers/*/`` when present, else ``*/``; only those with server.yaml."""
    base = root / "servers" if (root / "servers").is_dir() else root
    if (base / "server.yaml").is_file():
        return [base]  # pointed at one entry
    return [p for p in sorted(base.iterdir()) if p.is_dir() and (p / "server.yaml").is_file()]


class DockerRegistrySource:
    name = "docker"

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DiscoveredServer]:
        self.problems = []
        location, _ = require_argument(ctx, self.name, "a checkout of the Docker MCP registry")
        if is_url(location):
            raise SourceInputError("docker: pass a local checkout of the registry (git clone it first), not a URL")
        root = local_path(location, self.name)
        if not root.is_dir():
            raise SourceInputError(f"docker: {root} is not a folder; pass the registry checkout")
        for folder in server_folders(root):
            tools_path = folder / "tools.json"
            try:
                server_yaml = (folder / "server.yaml").read_text(encoding="utf-8-sig")
                tools_json = tools_path.read_text(encoding="utf-8-sig") if tools_path.is_file() else None
                server, warnings = parse_docker_server(folder.name, server_yaml, tools_json)
            except (OSError, UnicodeDecodeError, DumpEntryError) as exc:
                self.problems.append((str(folder), str(exc)))
                continue
            self.problems.extend((str(folder), w) for w in warnings)
            # Relative to the checkout: a machine's own paths never reach published pages.
            server.extra["file"] = str((folder / "server.yaml").relative_to(root)) if folder != root else "server.yaml"
            yield server


SOURCE = DockerRegistrySource()
