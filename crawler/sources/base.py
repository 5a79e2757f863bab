"""The contract of a source: discovery yields ``DiscoveredServer`` records; the crawler stores and fetches them.

Sources are registered by name in ``crawler.sources.registry`` and enabled with ``--source NAME[:ARG]``.
A source never writes to the database itself: the crawl pipeline merges what it yields (by normalised
repository URL and package identifiers) and records every sighting.
"""

# Problems: a source may expose ``problems: list[tuple[str, str]]`` ((where, why) pairs), reset at the start of
# each ``discover`` and filled as it goes with entries it skipped (bad YAML/JSON in one entry, a relative link
# with no base...). The pipeline records them after discovery; one bad entry never stops the rest.
# A missing or unreadable argument raises ``crawler.sources.inputs.SourceInputError`` (a ValueError) instead.

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from catalog.config import Settings
from catalog.records import ToolRecord


@dataclass
class PackageRef:
    registry_type: str  # npm | pypi | oci | nuget | mcpb | cargo | go | unknown
    identifier: str
    version: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # transport, runtime hint, arguments...

    def key(self) -> str:
        return f"{self.registry_type}:{self.identifier}".lower()


@dataclass
class DiscoveredServer:
    source: str  # registry | github | npm | pypi | awesome | dump:docker | dump:mcpm | dump:toolhive | glama | seed
    external_id: str  # the server's key within that source
    name: str
    url: str | None = None  # where the source describes it
    title: str | None = None
    description: str | None = None
    version: str | None = None
    repository_url: str | None = None  # any form; the pipeline normalises GitHub URLs
    repository_subfolder: str | None = None
    packages: list[PackageRef] = field(default_factory=list)
    remotes: list[dict[str, Any]] = field(default_factory=list)  # {"type": "streamable-http"|"sse", "url"}
    env_vars: list[dict[str, Any]] = field(default_factory=list)  # {"name", "is_secret", "description"}
    status: str = "active"  # active | deprecated | deleted
    license: str | None = None
    stars: int | None = None
    categories: list[str] = field(default_factory=list)
    tools: list[ToolRecord] | None = None  # dumps that already hold tool definitions
    extra: dict[str, Any] = field(default_factory=dict)


class HttpClient(Protocol):
    """What sources need from the crawler's shared polite client (``crawler.http``)."""

    async def get_json(
        self, url: str, *, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Any: ...

    async def get_text(
        self, url: str, *, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> str: ...

    async def get_bytes(
        self, url: str, *, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> bytes: ...


@dataclass
class SourceContext:
    settings: Settings
    http: HttpClient
    argument: str | None = None  # the part after "name:" in --source name:ARG (a path, a file, a URL)
    since: str | None = None  # ISO timestamp of the last successful discovery, for incremental sources
    state: dict[str, Any] = field(default_factory=dict)  # per-source persisted cursor/state


class Source(Protocol):
    name: str

    def discover(self, ctx: SourceContext) -> AsyncIterator[DiscoveredServer]: ...
