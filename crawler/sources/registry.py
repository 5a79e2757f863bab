"""The registry of sources: name -> module. Each module exposes ``SOURCE``, an object implementing
``crawler.sources.base.Source``. Sources are imported lazily so one broken or absent module never stops
the others."""

from __future__ import annotations

import importlib

from crawler.sources.base import Source

SOURCE_MODULES: dict[str, str] = {
    "registry": "crawler.sources.mcp_registry",  # the official MCP Registry API (/v0.1/servers)
    "github": "crawler.sources.github",  # repository metadata and tarballs
    "npm": "crawler.sources.npm",  # package metadata and tarballs, from the user's npm registry
    "pypi": "crawler.sources.pypi",  # package metadata and sdists/wheels, from the user's pip index
    "seeds": "crawler.sources.seeds",  # a seed file of github:/npm:/pypi:/local:/url: lines
    "awesome": "crawler.sources.awesome",  # awesome-list READMEs (markdown or HTML)
    "docker": "crawler.sources.docker_registry",  # docker/mcp-registry servers/*/server.yaml + tools.json
    "mcpm": "crawler.sources.mcpm",  # MCPM registry servers/*.json
    "toolhive": "crawler.sources.toolhive",  # ToolHive registry JSON
    "glama": "crawler.sources.glama",  # the Glama API /api/mcp/v1/servers
}


class UnknownSourceError(KeyError):
    pass


def source_names() -> list[str]:
    return sorted(SOURCE_MODULES)


def get_source(name: str) -> Source:
    try:
        module_name = SOURCE_MODULES[name]
    except KeyError:
        raise UnknownSourceError(f"unknown source {name!r}; known: {', '.join(source_names())}") from None
    module = importlib.import_module(module_name)
    return module.SOURCE  # type: ignore[no-any-return]
