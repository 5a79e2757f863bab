"""PyPI: MCP server packages from the user's Python package index (the simple index, so mirrors work).

``--source pypi:name,other==1.2`` names packages. ``--source pypi`` lists the index's projects (PEP 691 JSON or
PEP 503 HTML) and keeps names that contain "mcp" as a word part: PyPI has no search API, and this is one
conditional request on a warm crawl. The fetch phase downloads the sdist (else a wheel) of the named or
latest version.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from crawler.merge import normalise_package_id
from crawler.sources.base import DiscoveredServer, SourceContext
from crawler.urls import pypi_package

SIMPLE_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
_MCP_WORD = re.compile(r"(^|[-_.])mcp($|[-_.])")


def package_sighting(spec: str, source: str = "pypi") -> DiscoveredServer:
    """A named distribution (``name[==version]``); raises ValueError for something that is not a name."""
    pkg = pypi_package(spec)
    if pkg is None:
        raise ValueError(f"not a PyPI distribution name: {spec!r}")
    return DiscoveredServer(
        source=source,
        external_id=normalise_package_id("pypi", pkg.identifier).split(":", 1)[1],
        name=pkg.identifier,
        version=pkg.version,
        packages=[pkg],
    )


def looks_like_mcp(name: str) -> bool:
    return bool(_MCP_WORD.search(name.lower()))


def project_names(body: bytes, content_type: str) -> list[str]:
    """Project names from the simple index root, in either format."""
    if "json" in content_type:
        import json

        data = json.loads(body)
        return [p["name"] for p in data.get("projects", []) if isinstance(p, dict) and isinstance(p.get("name"), str)]
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    return [a.text(strip=True) for a in HTMLParser(body.decode("utf-8", errors="replace")).css("a")]


class PypiSource:
    name = "pypi"

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DiscoveredServer]:
        arg = (ctx.argument or "").strip()
        if arg:
            for spec in [a for a in arg.split(",") if a.strip()]:
                yield package_sighting(spec)
            return
        from crawler.registries import pypi_index_url

        base = pypi_index_url(ctx.settings.pypi_index_url)
        fetch = getattr(ctx.http, "fetch", None)
        if fetch is not None:
            resp = await fetch(f"{base}/", headers={"Accept": SIMPLE_ACCEPT})
            names = project_names(resp.content(), resp.headers.get("content-type", ""))
        else:
            names = project_names((await ctx.http.get_text(f"{base}/")).encode(), "text/html")
        for name in sorted({n for n in names if looks_like_mcp(n)}):
            yield package_sighting(name)


SOURCE = PypiSource()
