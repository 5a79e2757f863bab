"""Files for machines: sitemap.xml, llms.txt, llms-full.txt and the Atom feed of changes.

Plain string builders (no templates) because these formats are line-oriented; every crawled string
passes `xml_text` (escaped, control characters that XML forbids removed) or `plain` (one line).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

SITEMAP_LIMIT = 45_000
_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACE = re.compile(r"\s+")


def xml_text(value: Any) -> str:
    return escape(_XML_FORBIDDEN.sub("", str(value or "")), {'"': "&quot;"})


def plain(value: Any, limit: int = 0) -> str:
    text = _SPACE.sub(" ", _XML_FORBIDDEN.sub("", str(value or ""))).strip()
    return text[: limit - 1] + "…" if limit and len(text) > limit else text


def sitemaps(base_url: str, paths: list[str], lastmod: str) -> dict[str, str]:
    """sitemap.xml (a urlset, or an index of parts when the site outgrows one file)."""

    def urlset(chunk: Iterable[str]) -> str:
        body = "".join(f"<url><loc>{xml_text(base_url + p)}</loc></url>\n" for p in chunk)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{body}</urlset>\n'
        )

    if len(paths) <= SITEMAP_LIMIT:
        return {"sitemap.xml": urlset(paths)}
    files = {}
    for n in range(0, len(paths), SITEMAP_LIMIT):
        files[f"sitemaps/{n // SITEMAP_LIMIT}.xml"] = urlset(paths[n : n + SITEMAP_LIMIT])
    files["sitemap.xml"] = sitemap_index(base_url, list(files), lastmod)
    return files


def sitemap_index(base_url: str, parts: list[str], lastmod: str) -> str:
    """The sitemap index over its parts: the only sitemap file that shows the date of the data."""
    entries = [f"<sitemap><loc>{xml_text(base_url + name)}</loc><lastmod>{lastmod}</lastmod></sitemap>\n" for name in parts]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{"".join(entries)}</sitemapindex>\n'
    )


def atom_feed(base_url: str, changes: list[dict[str, Any]], updated: str, limit: int = 100) -> str:
    """The newest tool changes as an Atom feed; entry ids are stable tag URIs from the change id."""
    entries = []
    for change in changes[:limit]:
        if change.get("tool_slug"):
            link = f"{base_url}tools/{change['server_slug']}/{change['tool_slug']}/"
        else:
            link = f"{base_url}servers/{change['server_slug']}/"
        fields = ", ".join(change.get("changed_fields") or [])
        summary = f"{change['kind']} tool {change['tool_name']} on {change['server_slug']}"
        if fields:
            summary += f" (changed: {fields})"
        entries.append(
            "<entry>"
            f"<id>{xml_text(base_url)}changes/#{change['id']}</id>"
            f"<title>{xml_text(plain(change['kind'] + ': ' + change['tool_name'], 200))}</title>"
            f'<link href="{xml_text(link)}"/>'
            f"<updated>{change['at']}</updated>"
            f"<summary>{xml_text(plain(summary, 400))}</summary>"
            "</entry>\n"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "<title>MCP tool catalog: tool changes</title>\n"
        f'<link rel="self" href="{xml_text(base_url)}changes/feed.xml"/>\n'
        f'<link href="{xml_text(base_url)}changes/"/>\n'
        f"<id>{xml_text(base_url)}changes/</id>\n"
        f"<updated>{updated}</updated>\n"
        "<author><name>mcp-catalog</name></author>\n" + "".join(entries) + "</feed>\n"
    )


def llms_txt(base_url: str, stats: dict[str, Any], servers: list[dict[str, Any]], max_servers: int = 2000) -> str:
    """The llmstxt.org summary: what the site is, where things are, and (for modest catalogs) every server."""
    lines = [
        "# MCP tool risk catalog",
        "",
        f"> {stats['tools']:,} tools of {stats['servers']:,} MCP servers, each classified by category "
        "(Read, Write, Execute, Destructive, Financial), capabilities and risk (Low, Medium, High, Critical), "
        "with recommended policies.",
        "",
        "Every tool has a page at /tools/<server>/<tool>/ and JSON at /api/tools/<server>/<tool>.json; every "
        "server at /servers/<slug>/ and /api/servers/<slug>.json.",
        "",
        "## Browse",
        f"- [All servers]({base_url}servers/): index of every server",
        f"- [Changes]({base_url}changes/): what changed in the latest crawl",
        f"- [Full text]({base_url}llms-full.txt): every tool with its description and classification",
    ]
    lines += [
        f"- [{r} risk]({base_url}risk/{r.lower()}/): tools rated {r}" for r in ("Critical", "High", "Medium", "Low")
    ]
    lines += ["", "## Servers"]
    for server in servers[:max_servers]:
        title = plain(server.get("title") or server["name"], 120)
        description = plain(server.get("description"), 160)
        lines.append(f"- [{title}]({base_url}servers/{server['slug']}/)" + (f": {description}" if description else ""))
    if len(servers) > max_servers:
        lines.append(f"- [{len(servers) - max_servers:,} more servers]({base_url}servers/)")
    return "\n".join(lines) + "\n"


def llms_full_lines(base_url: str, server: dict[str, Any], tools: list[dict[str, Any]]) -> str:
    """One server's block of llms-full.txt: the server, then each tool with its classification."""
    out = [f"## {plain(server.get('title') or server['name'], 200)} ({server['slug']})", ""]
    if server.get("description"):
        out += [plain(server["description"], 2000), ""]
    out.append(f"URL: {base_url}servers/{server['slug']}/")
    out.append("")
    for tool in tools:
        cls = tool.get("cls")
        rating = (
            f"{cls['risk']} risk, {cls['category']}"
            + (f"; capabilities: {', '.join(cls.get('capabilities') or [])}" if cls.get("capabilities") else "")
            if cls
            else "not classified yet"
        )
        out.append(f"### {plain(tool['name'], 200)}")
        out.append(f"{rating}. {base_url}tools/{server['slug']}/{tool['slug']}/")
        if tool.get("description"):
            out.append(plain(tool["description"], 4000))
        out.append("")
    return "\n".join(out) + "\n"
