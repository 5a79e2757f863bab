"""Stable, site-relative URLs. Every page links relatively (`root` + path) so the site works under any
prefix, from any static host, and from `mcp-catalog serve`."""

from __future__ import annotations


def tool_path(server_slug: str, tool_slug: str) -> str:
    return f"tools/{server_slug}/{tool_slug}/"


def server_path(slug: str) -> str:
    return f"servers/{slug}/"


def tool_api_path(server_slug: str, tool_slug: str) -> str:
    return f"api/tools/{server_slug}/{tool_slug}.json"


def server_api_path(slug: str) -> str:
    return f"api/servers/{slug}.json"


def listing_path(kind: str, key: str, page: int = 1) -> str:
    """Browse pages: `risk/critical/`, `category/write/2/`, `capability/secrets/`."""
    base = f"{kind}/{key.lower()}/"
    return base if page == 1 else f"{base}{page}/"


def paged_path(base: str, page: int) -> str:
    return base if page == 1 else f"{base}{page}/"


def root_for(path: str) -> str:
    """The relative prefix from a page at `path` (a folder URL such as `tools/a/b/`) back to the site root."""
    return "../" * path.count("/")


def file_for(path: str) -> str:
    return path + "index.html" if path == "" or path.endswith("/") else path
