"""ToolHive's registry JSON (stacklok/toolhive): ``servers`` (container images) and ``remote_servers`` (URLs).

Entries carry the image, repository URL, tool *names* only, a permission profile (outbound network hosts and
ports, file system mounts), environment variables with a ``secret`` flag, status (Active/Deprecated), tier
(Official/Community) and transport. Tool names never become ToolRecords: a names-only list must not overwrite a
richer list from the server's package, so they go to ``extra["tool_names"]``. The permission profile is kept
whole in ``extra["permissions"]``: it is what the publisher of the image says the server needs.
"""

from __future__ import annotations

from typing import Any

from crawler.parse.common import env_var, text, tool_names
from crawler.parse.docker import DumpEntryError
from crawler.sources.base import DiscoveredServer, PackageRef
from crawler.urls import parse_repo_url

_STATUS = {"active": "active", "deprecated": "deprecated", "archived": "deprecated", "deleted": "deleted"}


def _entries(group: Any) -> list[tuple[str, Any]]:
    """Entries keyed by name (the classic format) or a list of objects with a ``name``."""
    if isinstance(group, dict):
        return [(str(k), v) for k, v in group.items()]
    if isinstance(group, list):
        return [(str(v.get("name") or ""), v) for v in group if isinstance(v, dict)]
    return []


def parse_toolhive_entry(key: str, entry: Any, *, remote: bool) -> DiscoveredServer:
    if not isinstance(entry, dict) or not key:
        raise DumpEntryError(f"{key or '?'}: expected an object keyed by server name")
    packages: list[PackageRef] = []
    if isinstance(entry.get("image"), str) and entry["image"].strip():
        packages.append(PackageRef("oci", entry["image"].strip(), extra={"registry": "toolhive"}))
    remotes: list[dict[str, Any]] = []
    transport = text(entry.get("transport"))
    if remote and isinstance(entry.get("url"), str):
        remote_entry: dict[str, Any] = {"type": transport or "streamable-http", "url": entry["url"]}
        headers = [h.get("name") for h in entry.get("headers") or [] if isinstance(h, dict) and h.get("name")]
        if headers:
            remote_entry["headers"] = headers
        remotes.append(remote_entry)
    env_vars = []
    for env in entry.get("env_vars") or []:
        if isinstance(env, dict) and isinstance(env.get("name"), str):
            secret = env.get("secret")
            env_vars.append(
                env_var(
                    env["name"],
                    is_secret=bool(secret) if secret is not None else None,
                    description=text(env.get("description")),
                    required=env.get("required"),
                )
            )
    repo = parse_repo_url(entry.get("repository_url"))
    metadata = entry.get("metadata") if isinstance(entry.get("metadata"), dict) else {}
    custom = entry.get("custom_metadata") if isinstance(entry.get("custom_metadata"), dict) else {}
    extra: dict[str, Any] = {"kind": "remote" if remote else "container"}
    names = tool_names(entry.get("tools") or [])
    if names:
        extra["tool_names"] = names
    for field in ("tier", "transport", "permissions", "tags", "target_port", "args", "provenance", "oauth_config"):
        if entry.get(field) not in (None, "", [], {}):
            extra[field] = entry[field]
    if metadata.get("last_updated"):
        extra["last_updated"] = metadata["last_updated"]
    if custom.get("homepage"):
        extra["homepage"] = custom["homepage"]
    if custom.get("author"):
        extra["author"] = custom["author"]
    stars = metadata.get("stars")
    return DiscoveredServer(
        source="dump:toolhive",
        external_id=key,
        name=key,
        title=text(entry.get("title")),
        description=text(entry.get("description")),
        repository_url=repo.url if repo else text(entry.get("repository_url")),
        repository_subfolder=repo.subfolder if repo else None,
        packages=packages,
        remotes=remotes,
        env_vars=env_vars,
        status=_STATUS.get(str(entry.get("status") or "active").lower(), "active"),
        stars=stars if isinstance(stars, int) else None,
        categories=[],
        tools=None,
        extra=extra,
    )


def parse_toolhive_registry(data: Any) -> tuple[list[DiscoveredServer], list[tuple[str, str]]]:
    """All entries of a registry document; a broken entry becomes a problem, the rest goes on."""
    if not isinstance(data, dict) or not ("servers" in data or "remote_servers" in data):
        raise DumpEntryError("expected a ToolHive registry object with 'servers' and/or 'remote_servers'")
    servers: list[DiscoveredServer] = []
    problems: list[tuple[str, str]] = []
    for group, remote in (("servers", False), ("remote_servers", True)):
        for key, entry in _entries(data.get(group)):
            try:
                servers.append(parse_toolhive_entry(key, entry, remote=remote))
            except DumpEntryError as exc:
                problems.append((f"{group}/{key or '?'}", str(exc)))
    return servers, problems
