"""The MCPM registry (pathintegral-institute/mcpm.sh): one ``servers/<name>.json`` manifest per server.

A manifest names the repository, categories and tags, configuration ``arguments`` (environment variables),
``installations`` (npm / uvx / python / docker / http / custom launch commands) and usually the tools with their
``inputSchema``. Installations become PackageRefs (the artifact users run) or remotes; custom and CLI
installations are kept in ``extra`` because they run local files or installers, not a fetchable package.
"""

from __future__ import annotations

from typing import Any

from crawler.parse.commands import package_from_command
from crawler.parse.common import dedupe_packages, env_var, has_definitions, text, tool_names, tool_records
from crawler.parse.docker import DumpEntryError
from crawler.sources.base import DiscoveredServer, PackageRef
from crawler.urls import package_from_url, parse_repo_url, pypi_package


def _installations(data: dict[str, Any]) -> tuple[list[PackageRef], list[dict[str, Any]], list[dict[str, Any]]]:
    """(packages, remotes, summaries), recommended installations first."""
    raw = data.get("installations")
    entries = [(k, v) for k, v in raw.items() if isinstance(v, dict)] if isinstance(raw, dict) else []
    entries.sort(key=lambda kv: not kv[1].get("recommended", False))
    packages: list[PackageRef] = []
    remotes: list[dict[str, Any]] = []
    summaries: list[dict[str, Any]] = []
    for key, inst in entries:
        kind = str(inst.get("type") or key)
        summaries.append({"key": key, "type": kind, "command": inst.get("command"), "args": inst.get("args")})
        if kind in {"http", "sse", "streamable-http"} and isinstance(inst.get("url"), str):
            remotes.append({"type": "sse" if kind == "sse" else "streamable-http", "url": inst["url"]})
            continue
        pkg = package_from_command(inst.get("command"), inst.get("args"))
        declared = inst.get("package")
        if pkg is None and isinstance(declared, str) and declared and not declared.startswith("["):
            if kind == "npm":
                pkg = PackageRef("npm", declared)
            elif kind in {"uvx", "python"}:
                pkg = pypi_package(declared)
        if pkg is not None:
            pkg.extra.setdefault("installation", key)
            packages.append(pkg)
    return packages, remotes, summaries


def _env_vars(data: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    arguments = data.get("arguments")
    if isinstance(arguments, dict):
        for name, spec in arguments.items():
            spec = spec if isinstance(spec, dict) else {}
            out.append(env_var(str(name), description=text(spec.get("description")), required=spec.get("required")))
    return out


def parse_mcpm_manifest(data: Any, *, file: str) -> DiscoveredServer:
    """One manifest (decoded JSON) to a server; raises DumpEntryError for anything that is not a manifest."""
    if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"].strip():
        raise DumpEntryError(f"{file}: expected an object with a 'name'")
    name = data["name"].strip()
    packages, remotes, installs = _installations(data)
    repository = data.get("repository") if isinstance(data.get("repository"), dict) else {}
    repo_url = repository.get("url") if isinstance(repository.get("url"), str) else None
    repo = parse_repo_url(repo_url)
    if repo is None and repo_url:
        pkg = package_from_url(repo_url)
        if pkg is not None:
            packages.append(pkg)
    tools_raw = data.get("tools") if isinstance(data.get("tools"), list) else []
    extra: dict[str, Any] = {"installations": installs}
    names = tool_names(tools_raw)
    if names and not has_definitions(tools_raw):
        extra["tool_names"] = names  # names only: definitions come from elsewhere
    for key in ("tags", "homepage", "docker_url", "is_official", "is_archived"):
        if data.get(key) not in (None, "", []):
            extra[key] = data[key]
    author = data.get("author")
    if isinstance(author, dict) and author.get("name"):
        extra["author"] = author["name"]
    if repo is not None and repo.subfolder:
        extra["repository_branch"] = repo.branch
    return DiscoveredServer(
        source="dump:mcpm",
        external_id=name,
        name=name,
        title=text(data.get("display_name")),
        description=text(data.get("description")),
        repository_url=repo.url if repo else None,
        repository_subfolder=repo.subfolder if repo else None,
        packages=dedupe_packages(packages),
        remotes=remotes,
        env_vars=_env_vars(data),
        status="deprecated" if data.get("is_archived") else "active",
        license=text(data.get("license")),
        categories=[str(c) for c in data.get("categories") or [] if isinstance(c, str)],
        tools=tool_records(tools_raw, file=file) if has_definitions(tools_raw) else None,
        extra=extra,
    )
