"""The Docker MCP registry (docker/mcp-registry): ``server.yaml`` plus an optional ``tools.json`` per server.

``server.yaml`` gives the image, the source repository (project, branch, commit, directory), the category and
tags, secrets (always credentials) and plain environment variables, remote endpoints and OAuth providers.
``tools.json`` comes in three shapes: a list of tools, ``{"tools": [...]}``, or names only; Docker's own list
shape describes parameters as ``arguments: [{name, type, desc, optional}]``, which is turned into a JSON schema
so the classifier sees the same thing it sees from any other source. An empty list or a name-only list is not a
definition: names go to ``extra["tool_names"]`` and ``tools`` stays None, so a richer tool list from the
server's package is never overwritten by a poorer one.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from catalog.records import ToolRecord
from crawler.extract.tools_json import ToolsJsonError, tool_list_from_json
from crawler.parse.common import dedupe_packages, env_var, has_definitions, text, tool_names, tool_records
from crawler.sources.base import DiscoveredServer, PackageRef
from crawler.urls import parse_repo_url


class DumpEntryError(ValueError):
    """One entry of a dump could not be read; the message says which file and why. The rest goes on."""


def _arguments_schema(arguments: list[Any]) -> dict[str, Any]:
    """Docker's ``arguments`` list to a JSON schema object (arguments are required unless ``optional``)."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for arg in arguments:
        if not isinstance(arg, dict) or not isinstance(arg.get("name"), str):
            continue
        prop: dict[str, Any] = {}
        if isinstance(arg.get("type"), str):
            prop["type"] = arg["type"]
        desc = text(arg.get("desc")) or text(arg.get("description"))
        if desc:
            prop["description"] = desc
        if isinstance(arg.get("items"), dict):
            prop["items"] = arg["items"]
        properties[arg["name"]] = prop
        if arg.get("required", not arg.get("optional", False)):
            required.append(arg["name"])
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def docker_tools(data: Any, *, file: str | None = None) -> tuple[list[ToolRecord] | None, list[str]]:
    """(definitions or None, names) from a decoded tools.json or an inline ``tools:`` list."""
    try:
        items = tool_list_from_json(data)
    except ToolsJsonError as exc:
        raise DumpEntryError(str(exc)) from None
    names = tool_names(items)
    if not items or not has_definitions(items):
        return None, names
    converted = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("arguments"), list) and "inputSchema" not in item:
            item = {**item, "inputSchema": _arguments_schema(item["arguments"])}
        converted.append(item)
    return tool_records(converted, file=file), names


def _env_vars(config: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for secret in config.get("secrets") or []:
        if isinstance(secret, dict) and (secret.get("env") or secret.get("name")):
            out.append(
                env_var(
                    str(secret.get("env") or secret["name"]),
                    is_secret=True,
                    description=text(secret.get("description")),
                    required=secret.get("required"),
                )
            )
    for env in config.get("env") or []:
        if isinstance(env, dict) and env.get("name"):
            out.append(
                env_var(str(env["name"]), description=text(env.get("description")), required=env.get("required"))
            )
    return out


def _remotes(data: dict[str, Any]) -> list[dict[str, Any]]:
    remote = data.get("remote")
    if not isinstance(remote, dict) or not isinstance(remote.get("url"), str):
        return []
    entry: dict[str, Any] = {"type": str(remote.get("transport_type") or "streamable-http"), "url": remote["url"]}
    headers = remote.get("headers")
    if isinstance(headers, dict):
        entry["headers"] = sorted(str(h) for h in headers)  # header names only: values are secret templates
    return [entry]


def parse_docker_server(
    folder: str, server_yaml: str, tools_json: str | None = None
) -> tuple[DiscoveredServer, list[str]]:
    """One registry entry; returns the server and warnings (a broken tools.json costs only the tools)."""
    try:
        data = yaml.safe_load(server_yaml)
    except yaml.YAMLError as exc:
        raise DumpEntryError(f"{folder}/server.yaml: invalid YAML: {exc}") from None
    if not isinstance(data, dict) or not (data.get("name") or folder):
        raise DumpEntryError(f"{folder}/server.yaml: expected a mapping with a 'name'")
    warnings: list[str] = []
    name = str(data.get("name") or folder)
    about = data.get("about") if isinstance(data.get("about"), dict) else {}
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    source = data.get("source") if isinstance(data.get("source"), dict) else {}
    config = data.get("config") if isinstance(data.get("config"), dict) else {}
    extra: dict[str, Any] = {"type": data.get("type")}

    packages: list[PackageRef] = []
    if isinstance(data.get("image"), str):
        packages.append(PackageRef("oci", data["image"], extra={"registry": "docker"}))

    repo = parse_repo_url(source.get("project")) if source.get("project") else None
    repository_url = repo.url if repo else text(source.get("project"))
    subfolder = text(source.get("directory")) or (repo.subfolder if repo else None)
    for key in ("branch", "commit", "upstream", "dockerfile"):
        if source.get(key):
            extra[f"source_{key}"] = str(source[key])

    tools: list[ToolRecord] | None = None
    names: list[str] = []
    if isinstance(data.get("tools"), list):  # "poci" servers declare their tools inline
        try:
            tools, names = docker_tools(data["tools"], file="server.yaml")
        except DumpEntryError as exc:
            warnings.append(f"{folder}/server.yaml tools: {exc}")
    if tools_json is not None:
        try:
            file_tools, file_names = docker_tools(json.loads(tools_json), file="tools.json")
            tools = file_tools if file_tools is not None else tools
            names = file_names or names
        except (json.JSONDecodeError, DumpEntryError) as exc:
            warnings.append(f"{folder}/tools.json: {exc}")
    if names and tools is None:
        extra["tool_names"] = names  # names only: definitions come from elsewhere
    dynamic = data.get("dynamic")
    if isinstance(dynamic, dict) and dynamic.get("tools"):
        extra["tools_dynamic"] = True
    tags = [str(t) for t in meta.get("tags") or [] if isinstance(t, str | int)]
    if tags:
        extra["tags"] = tags
    parameters = config.get("parameters")
    if isinstance(parameters, dict) and isinstance(parameters.get("properties"), dict):
        extra["config_parameters"] = sorted(str(k) for k in parameters["properties"])
    oauth = [o.get("provider") for o in data.get("oauth") or [] if isinstance(o, dict) and o.get("provider")]
    if oauth:
        extra["oauth_providers"] = oauth
    if about.get("icon"):
        extra["icon"] = about["icon"]
    title = text(about.get("title"))
    return (
        DiscoveredServer(
            source="dump:docker",
            external_id=name,
            name=name,
            title=title,
            description=text(about.get("description")),
            repository_url=repository_url,
            repository_subfolder=subfolder,
            packages=dedupe_packages(packages),
            remotes=_remotes(data),
            env_vars=_env_vars(config),
            status="deprecated" if title and "(archived)" in title.lower() else "active",
            categories=[str(meta["category"])] if meta.get("category") else [],
            tools=tools,
            extra={k: v for k, v in extra.items() if v is not None},
        ),
        warnings,
    )
