"""The official MCP Registry: the stable ``/v0.1/servers`` API, or a local JSON file of entries.

Pagination follows ``metadata.nextCursor`` with ``limit=100``; an incremental sync passes ``updated_since`` (the
registry then includes deleted entries, which we mark deleted rather than drop). Parsing is tolerant: the current
camelCase ``server.json``, the snake_case shapes of older registry versions and the 2025 seed format
(``version_detail``, ``packages[].registry_name``) all map to one DiscoveredServer.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

from crawler.sources.base import DiscoveredServer, PackageRef, SourceContext

OFFICIAL_META = "io.modelcontextprotocol.registry/official"
PAGE_LIMIT = 100


def _get(obj: dict[str, Any], *names: str) -> Any:
    for name in names:
        if name in obj and obj[name] is not None:
            return obj[name]
    return None


def _env_vars(items: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for env in items if isinstance(items, list) else []:
        if not isinstance(env, dict) or not isinstance(env.get("name"), str):
            continue
        out.append(
            {
                "name": env["name"],
                "is_secret": bool(_get(env, "isSecret", "is_secret")),
                "is_required": bool(_get(env, "isRequired", "is_required")),
                "description": env.get("description"),
            }
        )
    return out


def _package(pkg: dict[str, Any]) -> PackageRef | None:
    kind = _get(pkg, "registryType", "registry_type", "registry_name", "registryName")
    ident = _get(pkg, "identifier", "name")
    if not isinstance(ident, str) or not ident:
        return None
    kind = str(kind or "unknown").lower()
    if kind == "docker":
        kind = "oci"
    extra: dict[str, Any] = {}
    for key, out in (("runtimeHint", "runtime_hint"), ("runtime_hint", "runtime_hint"), ("transport", "transport")):
        if pkg.get(key) is not None:
            extra[out] = pkg[key]
    version = _get(pkg, "version")
    return PackageRef(kind, ident, str(version) if version else None, extra)


def _status(entry: dict[str, Any], server: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    meta = entry.get("_meta") or server.get("_meta") or {}
    official = meta.get(OFFICIAL_META) if isinstance(meta, dict) else None
    official = official if isinstance(official, dict) else {}
    status = str(official.get("status") or server.get("status") or "active").lower()
    if status not in ("active", "deprecated", "deleted"):
        status = "active"
    return status, official


def parse_entry(entry: Any) -> DiscoveredServer | None:
    """One registry list item (``{"server": {...}, "_meta": {...}}`` or a bare server.json) to a sighting."""
    if not isinstance(entry, dict):
        return None
    server = entry.get("server") if isinstance(entry.get("server"), dict) else entry
    name = server.get("name")
    if not isinstance(name, str) or not name:
        return None
    status, official = _status(entry, server)
    if official.get("isLatest") is False or official.get("is_latest") is False:
        return None
    version_detail = _get(server, "version_detail", "versionDetail") or {}
    if isinstance(version_detail, dict) and version_detail.get("is_latest") is False:
        return None
    version = server.get("version") or (version_detail.get("version") if isinstance(version_detail, dict) else None)
    repo = server.get("repository") if isinstance(server.get("repository"), dict) else {}
    packages: list[PackageRef] = []
    env_vars: list[dict[str, Any]] = []
    for raw in server.get("packages") or []:
        if isinstance(raw, dict) and (pkg := _package(raw)):
            packages.append(pkg)
            env_vars += [
                e
                for e in _env_vars(_get(raw, "environmentVariables", "environment_variables"))
                if e["name"] not in {x["name"] for x in env_vars}
            ]
    remotes = [
        {"type": r.get("type") or r.get("transport_type"), "url": r.get("url")}
        for r in server.get("remotes") or []
        if isinstance(r, dict) and r.get("url")
    ]
    extra: dict[str, Any] = {}
    for key in ("publishedAt", "updatedAt", "published_at", "updated_at"):
        if official.get(key):
            extra[key.replace("At", "_at").lower()] = official[key]
    if server.get("websiteUrl") or server.get("website_url"):
        extra["website_url"] = server.get("websiteUrl") or server.get("website_url")
    return DiscoveredServer(
        source="registry",
        external_id=name,
        name=name,
        title=server.get("title"),
        description=server.get("description"),
        version=str(version) if version else None,
        repository_url=repo.get("url") or None,
        repository_subfolder=repo.get("subfolder") or None,
        packages=packages,
        remotes=remotes,
        env_vars=env_vars,
        status=status,
        extra=extra,
    )


def parse_page(data: Any) -> tuple[list[DiscoveredServer], str | None]:
    """A page of ``/v0.1/servers`` (or an old ``/v0/servers`` page, or a bare list) and its next cursor."""
    if isinstance(data, list):
        items: Iterable[Any] = data
        cursor = None
    elif isinstance(data, dict):
        items = data.get("servers") or []
        meta = data.get("metadata") or {}
        cursor = meta.get("nextCursor") or meta.get("next_cursor") if isinstance(meta, dict) else None
    else:
        raise ValueError(f"a registry page is a JSON object with 'servers', not {type(data).__name__}")
    found = [s for s in (parse_entry(item) for item in items) if s is not None]
    return found, cursor or None


class RegistrySource:
    name = "registry"

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DiscoveredServer]:
        if ctx.argument:  # a local file of registry entries (e.g. the 2025 seed list)
            data = json.loads(Path(ctx.argument).expanduser().read_text(encoding="utf-8-sig"))
            found, _ = parse_page(data)
            for server in found:
                yield server
            return
        base = ctx.settings.registry_url.rstrip("/")
        cursor = ctx.state.get("cursor")
        while True:
            params: dict[str, Any] = {"limit": PAGE_LIMIT}
            if cursor:
                params["cursor"] = cursor
            if ctx.since:
                params["updated_since"] = ctx.since
            data = await ctx.http.get_json(f"{base}/v0.1/servers", params=params)
            found, next_cursor = parse_page(data)
            for server in found:
                yield server
            if not next_cursor or next_cursor == cursor:
                break
            cursor = next_cursor
            ctx.state["cursor"] = cursor  # a killed discovery resumes from this page
        ctx.state.pop("cursor", None)


SOURCE = RegistrySource()
