"""npm: MCP server packages from the user's npm registry (found with its search API, or named).

``--source npm`` searches ``keywords:mcp``; ``--source npm:search=TEXT`` another text; ``--source
npm:@scope/name,other@1.2.3`` names packages. The registry URL is the user's own (``npm config get registry``)
unless ``--npm-registry`` says otherwise. The fetch phase downloads the tarball of the named or latest version.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from crawler.sources.base import DiscoveredServer, PackageRef, SourceContext
from crawler.urls import npm_package

DEFAULT_SEARCH = "keywords:mcp"
PAGE_SIZE = 250
MAX_RESULTS = 5000


def _repo_url(pkg: dict[str, Any]) -> str | None:
    links = pkg.get("links") if isinstance(pkg.get("links"), dict) else {}
    repo = pkg.get("repository")
    if isinstance(repo, dict):
        repo = repo.get("url")
    return (links or {}).get("repository") or (repo if isinstance(repo, str) else None)


def parse_search_object(obj: Any) -> DiscoveredServer | None:
    pkg = obj.get("package") if isinstance(obj, dict) else None
    if not isinstance(pkg, dict) or not isinstance(pkg.get("name"), str):
        return None
    name = pkg["name"]
    return DiscoveredServer(
        source="npm",
        external_id=name,
        name=name,
        description=pkg.get("description"),
        version=pkg.get("version"),
        repository_url=_repo_url(pkg),
        packages=[PackageRef("npm", name, pkg.get("version"))],
        categories=[k for k in pkg.get("keywords") or [] if isinstance(k, str)][:20],
        extra={"npm_date": pkg.get("date")} if pkg.get("date") else {},
    )


def package_sighting(spec: str, source: str = "npm") -> DiscoveredServer:
    """A named package (``@scope/name[@version]``); raises ValueError for something that is not a name."""
    pkg = npm_package(spec)
    if pkg is None:
        raise ValueError(f"not an npm package name: {spec!r}")
    return DiscoveredServer(
        source=source, external_id=pkg.identifier, name=pkg.identifier, version=pkg.version, packages=[pkg]
    )


class NpmSource:
    name = "npm"

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DiscoveredServer]:
        arg = (ctx.argument or "").strip()
        if arg and not arg.startswith("search="):
            for spec in [a for a in arg.split(",") if a.strip()]:
                yield package_sighting(spec)
            return
        from crawler.registries import npm_registry_url

        base = npm_registry_url(ctx.settings.npm_registry_url)
        text = arg[len("search=") :] if arg else DEFAULT_SEARCH
        offset = int(ctx.state.get("from", 0))
        while offset < MAX_RESULTS:
            data = await ctx.http.get_json(
                f"{base}/-/v1/search", params={"text": text, "size": PAGE_SIZE, "from": offset}
            )
            objects = data.get("objects") if isinstance(data, dict) else None
            if not objects:
                break
            for obj in objects:
                found = parse_search_object(obj)
                if found:
                    yield found
            offset += len(objects)
            ctx.state["from"] = offset
            total = data.get("total")
            if isinstance(total, int) and offset >= total:
                break
        ctx.state.pop("from", None)


SOURCE = NpmSource()
