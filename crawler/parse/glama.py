"""The Glama directory API (``GET /api/mcp/v1/servers``): relay-style cursor pages of servers with tools.

A page is ``{"pageInfo": {"endCursor", "hasNextPage", ...}, "servers": [McpServer]}``; a server has id,
namespace, slug, name, description, repository.url, spdxLicense, url, attributes (``author:official``,
``hosting:remote-capable``...), ``environmentVariablesJsonSchema`` and ``tools[]`` (name, description,
inputSchema). An empty ``tools`` list means Glama has not inspected the server, not that it has none, so it
yields ``tools=None`` rather than wiping a list found elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.parse.common import env_var, has_definitions, text, tool_names, tool_records
from crawler.parse.docker import DumpEntryError
from crawler.sources.base import DiscoveredServer
from crawler.urls import parse_repo_url


@dataclass
class GlamaPage:
    servers: list[DiscoveredServer]
    problems: list[tuple[str, str]]
    end_cursor: str | None
    has_next_page: bool


def _env_vars(schema: Any) -> list[dict[str, Any]]:
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return []
    required = set(schema.get("required") or [])
    out = []
    for name, prop in schema["properties"].items():
        prop = prop if isinstance(prop, dict) else {}
        out.append(env_var(str(name), description=text(prop.get("description")), required=name in required))
    return out


def parse_glama_server(item: Any) -> DiscoveredServer:
    if not isinstance(item, dict) or not (item.get("id") or (item.get("namespace") and item.get("slug"))):
        raise DumpEntryError("expected a server object with an 'id' or 'namespace' and 'slug'")
    namespace, slug = text(item.get("namespace")), text(item.get("slug"))
    name = f"{namespace}/{slug}" if namespace and slug else str(item.get("id"))
    repository = item.get("repository") if isinstance(item.get("repository"), dict) else {}
    repo = parse_repo_url(repository.get("url"))
    license_info = item.get("spdxLicense") if isinstance(item.get("spdxLicense"), dict) else {}
    attributes = [str(a) for a in item.get("attributes") or [] if isinstance(a, str)]
    tools_raw = item.get("tools") if isinstance(item.get("tools"), list) else []
    extra: dict[str, Any] = {"glama_id": item.get("id")}
    if attributes:
        extra["attributes"] = attributes
    if "author:official" in attributes:
        extra["official"] = True
    names = tool_names(tools_raw)
    if names and not has_definitions(tools_raw):
        extra["tool_names"] = names  # names only: definitions come from elsewhere
    return DiscoveredServer(
        source="glama",
        external_id=str(item.get("id") or name),
        name=name,
        url=text(item.get("url")),
        title=text(item.get("name")),
        description=text(item.get("description")),
        repository_url=repo.url if repo else text(repository.get("url")),
        repository_subfolder=repo.subfolder if repo else None,
        env_vars=_env_vars(item.get("environmentVariablesJsonSchema")),
        license=text(license_info.get("name")),
        tools=tool_records(tools_raw, file="glama") if has_definitions(tools_raw) else None,
        extra=extra,
    )


def parse_glama_page(data: Any) -> GlamaPage:
    """One API page (or a saved list of servers); broken server objects become problems."""
    if isinstance(data, list):
        data = {"servers": data, "pageInfo": {"hasNextPage": False, "endCursor": None}}
    if not isinstance(data, dict) or not isinstance(data.get("servers"), list):
        raise DumpEntryError("expected a Glama page: an object with a 'servers' list and 'pageInfo'")
    servers: list[DiscoveredServer] = []
    problems: list[tuple[str, str]] = []
    for index, item in enumerate(data["servers"]):
        try:
            servers.append(parse_glama_server(item))
        except DumpEntryError as exc:
            problems.append((f"servers[{index}]", str(exc)))
    info = data.get("pageInfo") if isinstance(data.get("pageInfo"), dict) else {}
    cursor = info.get("endCursor")
    return GlamaPage(
        servers=servers,
        problems=problems,
        end_cursor=cursor if isinstance(cursor, str) and cursor else None,
        has_next_page=bool(info.get("hasNextPage")),
    )
