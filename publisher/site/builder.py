"""Build the static site: `build_site(session, settings, out_dir) -> summary`.

The catalog is loaded once into plain dicts; per-server work (server page, tool pages, JSON API,
policy downloads) is spread over worker processes forked from the parent, which share the loaded data
copy-on-write; meanwhile the parent writes the catalog-wide files (home, browse pages, search index,
feeds, sitemap, llms.txt). Every file goes through `Writer`, so a rebuild renders only pages whose
inputs changed and writes only files whose bytes changed.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from catalog.config import Settings
from catalog.taxonomy import CAPABILITY_DESCRIPTIONS, CATEGORY_DESCRIPTIONS, RISK_ORDER, Capability, Category
from publisher.site import keys, urls
from publisher.site.charts import risk_bars, risk_stack
from publisher.site.loader import SiteData, decode_lazy, load_site_data
from publisher.site.machine import atom_feed, llms_full_lines, llms_txt, sitemaps
from publisher.site.pages import (
    CAPABILITY_FLAGS,
    CATEGORY_NAMES,
    RISK_RANK,
    UNCLASSIFIED,
    page_meta,
    risk_of,
    server_api,
    server_context,
    server_title,
    short,
    tool_api,
    tool_context,
)
from publisher.site.policy_files import PolicyIndex, download_links, load_policy_index, tool_snippets
from publisher.site.related import Neighbourhoods
from publisher.site.render import STATIC_FILES, code_salt, environment, static_dir
from publisher.site.search_index import build_search_files
from publisher.site.writer import MANIFEST_NAME, Writer, context_hash, digest, load_manifest, remove_stale, save_manifest

PAGE_SIZE = 500
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"
PARALLEL_MIN_TOOLS = 3000
ProgressCallback = Callable[[int, int], None]


def site_url(settings: Settings) -> str:
    """The public base URL (for canonical links, sitemap and feed): settings.extra or MCP_CATALOG_SITE_URL."""
    value = str(settings.extra.get("site_url") or os.environ.get("MCP_CATALOG_SITE_URL") or DEFAULT_SITE_URL)
    return value if value.endswith("/") else value + "/"


def _json(data: Any) -> str:
    # Compact separators keep json on its C encoder (indent= falls back to the slow Python one).
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"


@dataclass
class BuildState:
    """What the workers need; set in the parent before forking so children inherit it without pickling."""

    data: SiteData
    hood: Neighbourhoods
    policies: PolicyIndex
    previous: dict[str, list[str]]
    out_dir: Path
    base_url: str
    salt: str
    servers_by_id: dict[int, dict[str, Any]]
    server_changes: dict[int, list[dict[str, Any]]]


_STATE: BuildState | None = None


def _change_row(change: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": change["id"],
        "at": change["at"],
        "kind": change["kind"],
        "tool": change["tool_name"],
        "url": urls.tool_path(change["server_slug"], change["tool_slug"]) if change.get("tool_slug") else None,
        "server": change["server_slug"],
        "server_url": urls.server_path(change["server_slug"]),
        "fields": list(change.get("changed_fields") or []),
    }


def _render_servers(indices: list[int]) -> tuple[dict[str, list[str]], dict[str, int]]:
    """Worker: every file of the given servers (pages, JSON, policy downloads).

    Each file's input key (see `keys`) is compared with the previous build first; contexts are built
    and templates rendered only for files whose inputs changed.
    """
    state = _STATE
    assert state is not None, "build state is set before the workers start"
    writer = Writer(state.out_dir, state.previous)
    for index in indices:
        _render_server(state, writer, state.data.servers[index])
    return writer.entries, writer.counts()


def _render_server(state: BuildState, writer: Writer, server: dict[str, Any]) -> None:
    env = environment()
    tools = [state.data.tools[i] for i in server["tool_ids"]]
    downloads = download_links(state.policies, server["slug"])
    policy_parts = []
    for group in downloads:
        for f in group["files"]:
            source = Path(f["source"])
            stat = source.stat()
            signature = f"{stat.st_size}:{stat.st_mtime_ns}"
            policy_parts.append(f"{f['target']}:{signature}")
            writer.emit(f["target"], signature, source.read_bytes)
    policy_key = "|".join(policy_parts)
    snippets: dict[str, list[dict[str, Any]]] | None = None

    def snippets_for(name: str) -> list[dict[str, Any]]:
        nonlocal snippets
        if snippets is None:  # parse the policy files only when a page of this server is rendered
            snippets = tool_snippets(state.policies, server["slug"], [t["name"] for t in tools])
        return snippets.get(name, [])

    changes = state.server_changes.get(server["id"], [])
    similar = [state.servers_by_id[i] for i in state.hood.similar.get(server["id"], [])]
    server_key = keys.server_page_key(server, tools, similar, changes, policy_key)
    context: dict[str, Any] = {}

    def server_ctx() -> dict[str, Any]:
        if not context:
            for tool in tools:
                decode_lazy(tool)
            context.update(
                server_context(server, tools, state.hood, downloads, changes, state.servers_by_id)
            )
        return context

    def render_server() -> str:
        ctx = server_ctx()
        chart = risk_stack(ctx["counts"]["by_risk"])
        return env.get_template("server.j2").render(ctx, chart=chart, base_url=state.base_url)

    server_hash = digest((state.salt + server_key).encode())
    writer.emit(urls.file_for(urls.server_path(server["slug"])), server_hash, render_server)
    writer.emit(urls.server_api_path(server["slug"]), server_hash, lambda: _json(server_api(server_ctx())))
    tool_tpl = env.get_template("tool.j2")
    shared_key = policy_key + "\x1d" + keys.server_links_key(tools)
    for tool in tools:
        page_key = keys.tool_page_key(tool, server, state.hood, state.servers_by_id, shared_key)

        def render_tool(tool: dict[str, Any] = tool) -> str:
            decode_lazy(tool)
            ctx = tool_context(tool, server, state.hood, snippets_for(tool["name"]), state.servers_by_id)
            return tool_tpl.render(ctx, base_url=state.base_url)

        writer.emit(
            urls.file_for(urls.tool_path(server["slug"], tool["slug"])),
            digest((state.salt + page_key).encode()),
            render_tool,
        )
        writer.emit(
            urls.tool_api_path(server["slug"], tool["slug"]),
            digest((state.salt + server["slug"] + keys.tool_signature(tool)).encode()),
            lambda tool=tool: _json(tool_api(decode_lazy(tool), server)),
        )


def _chunks(servers: list[dict[str, Any]], parts: int) -> list[list[int]]:
    """Contiguous server ranges of similar tool counts (contiguous keeps each worker's writes local)."""
    total = sum(len(s["tool_ids"]) + 1 for s in servers) or 1
    target = total / max(parts, 1)
    chunks: list[list[int]] = [[]]
    size = 0
    for index, server in enumerate(servers):
        if size >= target and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(index)
        size += len(server["tool_ids"]) + 1
    return [c for c in chunks if c]


def _listing_rows(tool_ids: list[int], data: SiteData, servers_by_id: dict[int, dict[str, Any]]) -> list[dict]:
    rows = []
    for tool_id in tool_ids:
        tool = data.tools[tool_id]
        server = servers_by_id[tool["server_id"]]
        rows.append(
            {
                "name": tool["name"],
                "url": urls.tool_path(server["slug"], tool["slug"]),
                "server": server_title(server),
                "server_url": urls.server_path(server["slug"]),
                "category": tool["cls"]["category"] if tool.get("cls") else "",
                "risk": risk_of(tool),
            }
        )
    return rows


def _pages(base: str, rows: list[Any]) -> Iterator[tuple[int, str, list[Any], dict[str, Any]]]:
    count = max(1, -(-len(rows) // PAGE_SIZE))
    pages = [{"n": n, "url": urls.paged_path(base, n)} for n in range(1, count + 1)]
    for n in range(1, count + 1):
        yield n, urls.paged_path(base, n), rows[(n - 1) * PAGE_SIZE : n * PAGE_SIZE], {"pages": pages, "current": n}


class GlobalPages:
    """The catalog-wide files, written by the parent while the workers render servers and tools."""

    def __init__(self, state: BuildState, writer: Writer) -> None:
        self.state = state
        self.writer = writer
        self.env = environment()
        self.sitemap_paths: list[str] = []

    def page(self, template: str, ctx: dict[str, Any], **markup: Any) -> None:
        path = ctx["page"]["path"]
        self.sitemap_paths.append(path)
        digest = context_hash(ctx, self.state.salt)
        tpl = self.env.get_template(template)
        self.writer.emit(urls.file_for(path), digest, lambda: tpl.render(ctx, base_url=self.state.base_url, **markup))

    def write_all(self) -> dict[str, Any]:
        data, _by_id = self.state.data, self.state.servers_by_id
        ordered = sorted(
            data.tools,
            key=lambda i: (-RISK_RANK.get(risk_of(data.tools[i]), -1), data.tools[i]["name"].lower(), i),
        )
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for tool_id in ordered:
            tool = data.tools[tool_id]
            groups[("risk", risk_of(tool))].append(tool_id)
            if tool.get("cls"):
                groups[("category", tool["cls"]["category"])].append(tool_id)
                for cap in tool["cls"].get("capabilities") or []:
                    if cap in CAPABILITY_FLAGS:
                        groups[("capability", cap)].append(tool_id)
        stats = {
            "servers": len(data.servers),
            "tools": len(data.tools),
            "by_risk": {
                r: len(groups[("risk", r)]) for r in [*reversed(list(RISK_RANK)), UNCLASSIFIED] if groups[("risk", r)]
            },
            "by_category": {c: len(groups[("category", c)]) for c in CATEGORY_NAMES if groups[("category", c)]},
            "by_capability": {c: len(groups[("capability", c)]) for c in CAPABILITY_FLAGS if groups[("capability", c)]},
        }
        self._home(stats)
        self._listings(groups, stats)
        self._servers_index()
        self._changes()
        self._search()
        self._machine(stats)
        self._static()
        return stats

    def _home(self, stats: dict[str, Any]) -> None:
        recent = [_change_row(c) for c in self.state.data.changes[:10]]
        ctx = {
            "page": page_meta(
                "", "MCP tool risk catalog", f"Risk, capabilities and policies for {stats['tools']} MCP tools."
            ),
            "stats": stats,
            "recent": recent,
            "generated_at": self.state.data.generated_at,
        }
        self.page("home.j2", ctx, chart=risk_bars(stats["by_risk"]))

    def _listings(self, groups: dict[tuple[str, str], list[int]], stats: dict[str, Any]) -> None:
        specs = {
            "risk": (
                [r.value for r in reversed(RISK_ORDER)] + [UNCLASSIFIED],
                stats["by_risk"],
                lambda k: f"Tools rated {k} under taxonomy version 1.",
            ),
            "category": (
                CATEGORY_NAMES,
                stats["by_category"],
                lambda k: f"The tool {CATEGORY_DESCRIPTIONS[Category(k)]}.",
            ),
            "capability": (
                CAPABILITY_FLAGS,
                stats["by_capability"],
                lambda k: f"The tool {CAPABILITY_DESCRIPTIONS[Capability(k)]}.",
            ),
        }
        for kind, (keys, counts, describe) in specs.items():
            present = [k for k in keys if counts.get(k)]
            label = {"risk": "Risk levels", "category": "Categories", "capability": "Capabilities"}[kind]
            self.page(
                "group_index.j2",
                {
                    "page": page_meta(f"{kind}/", f"Tools by {kind}", f"MCP tools grouped by {kind}."),
                    "heading": f"Tools by {kind}",
                    "intro": f"{len(present)} {label.lower()} in use; pick one to list its tools, riskiest first.",
                    "groups": [
                        {"label": k, "url": urls.listing_path(kind, k), "count": counts[k], "text": describe(k)}
                        for k in present
                    ],
                },
            )
            for key in present:
                rows = _listing_rows(groups[(kind, key)], self.state.data, self.state.servers_by_id)
                siblings = [
                    {"label": k, "url": urls.listing_path(kind, k), "count": counts[k], "current": k == key}
                    for k in present
                ]
                for n, path, chunk, pagination in _pages(urls.listing_path(kind, key), rows):
                    heading = f"{key} risk" if kind == "risk" else key
                    ctx = {
                        "page": page_meta(
                            path, f"{heading} MCP tools" + (f" (page {n})" if n > 1 else ""), describe(key)
                        ),
                        "kicker": f"Tools by {kind}",
                        "heading": heading,
                        "intro": describe(key),
                        "siblings": siblings,
                        "siblings_label": label,
                        "rows": chunk,
                        "total": len(rows),
                        "pagination": pagination,
                    }
                    self.page("listing.j2", ctx)

    def _servers_index(self) -> None:
        data = self.state.data
        rows = []
        for server in data.servers:
            counts = Counter(risk_of(data.tools[i]) for i in server["tool_ids"])
            worst = max(counts, key=lambda r: RISK_RANK.get(r, -1), default=UNCLASSIFIED)
            rows.append(
                {
                    "title": server_title(server),
                    "url": urls.server_path(server["slug"]),
                    "description": short(server.get("description"), 140),
                    "tools": len(server["tool_ids"]),
                    "worst": worst,
                    "counts": dict(sorted(counts.items())),
                }
            )
        tools_total = len(data.tools)
        for n, path, chunk, pagination in _pages("servers/", rows):
            ctx = {
                "page": page_meta(
                    path, "All MCP servers" + (f" (page {n})" if n > 1 else ""), "Every MCP server in the catalog."
                ),
                "rows": chunk,
                "total": len(rows),
                "tools_total": tools_total,
                "pagination": pagination,
            }
            digest = context_hash(ctx, self.state.salt)
            self.sitemap_paths.append(path)

            def render(ctx: dict[str, Any] = ctx) -> str:
                shown = [dict(r, chart=risk_stack(r["counts"], width=160, height=14)) for r in ctx["rows"]]
                return self.env.get_template("servers.j2").render(dict(ctx, rows=shown), base_url=self.state.base_url)

            self.writer.emit(urls.file_for(path), digest, render)

    def _changes(self) -> None:
        changes = self.state.data.changes
        latest_run = next((c["run_id"] for c in changes if c.get("run_id") is not None), None)
        if latest_run is not None:
            batch = [c for c in changes if c.get("run_id") == latest_run]
        else:
            latest_day = changes[0]["at"][:10] if changes else ""
            batch = [c for c in changes if c["at"][:10] == latest_day]
        counts = Counter(c["kind"] for c in batch)
        ctx = {
            "page": page_meta("changes/", "What changed", "Tools added, changed and removed in the latest crawl."),
            "latest": batch[0]["at"] if batch else None,
            "counts": {k: counts.get(k, 0) for k in ("added", "changed", "removed")},
            "rows": [_change_row(c) for c in batch[:500]],
            "more": max(0, len(batch) - 500),
        }
        self.page("changes.j2", ctx)
        updated = changes[0]["at"] if changes else self.state.data.generated_at
        self.writer.emit_text("changes/feed.xml", atom_feed(self.state.base_url, changes, updated))

    def _search(self) -> None:
        self.page("search.j2", {"page": page_meta("search/", "Search", "Search MCP tools and servers by name.")})
        data = self.state.data
        docs = []
        for server in data.servers:
            title = server_title(server)
            docs.append(
                {
                    "kind": "s",
                    "name": title,
                    "url": urls.server_path(server["slug"]),
                    "words": f"{server['name']} {server['slug']}",
                }
            )
            for tool_id in server["tool_ids"]:
                tool = data.tools[tool_id]
                cls = tool.get("cls") or {}
                docs.append(
                    {
                        "kind": "t",
                        "name": tool["name"],
                        "server": title,
                        "risk": cls.get("risk", ""),
                        "category": cls.get("category", ""),
                        "url": urls.tool_path(server["slug"], tool["slug"]),
                        "words": tool.get("title") or "",
                    }
                )
        # Tokenising 100k names is the slow part: skip it when the documents are the same as last time.
        docs_hash = context_hash(docs, self.state.salt)
        previous = {
            rel: hashes
            for rel, hashes in self.state.previous.items()
            if rel.startswith("search/") and rel.endswith(".js")
        }
        if previous and all(h[0] == docs_hash and (self.state.out_dir / rel).exists() for rel, h in previous.items()):
            self.writer.entries.update(previous)
            self.writer.unchanged += len(previous)
            return
        for rel, content in build_search_files(docs).items():
            self.writer.emit(rel, docs_hash, lambda content=content: content)

    def _machine(self, stats: dict[str, Any]) -> None:
        data, base = self.state.data, self.state.base_url
        self.writer.emit_text("llms.txt", llms_txt(base, stats, data.servers))
        full = [llms_txt(base, stats, [], max_servers=0)]
        for server in data.servers:
            full.append(llms_full_lines(base, server, [data.tools[i] for i in server["tool_ids"]]))
        self.writer.emit_text("llms-full.txt", "\n".join(full))
        paths = list(self.sitemap_paths)
        for server in data.servers:
            paths.append(urls.server_path(server["slug"]))
            paths += [urls.tool_path(server["slug"], data.tools[i]["slug"]) for i in server["tool_ids"]]
        for rel, content in sitemaps(base, sorted(paths), data.generated_at).items():
            self.writer.emit_text(rel, content)
        self.writer.emit_text("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n")
        self.writer.emit_text(
            "api/index.json",
            _json(
                {
                    "generated_at": data.generated_at,
                    "servers": stats["servers"],
                    "tools": stats["tools"],
                    "by_risk": stats["by_risk"],
                    "server_api": "api/servers/{slug}.json",
                    "tool_api": "api/tools/{server}/{tool}.json",
                    "server_slugs": [s["slug"] for s in data.servers],
                }
            ),
        )

    def _static(self) -> None:
        for name in STATIC_FILES:
            self.writer.emit_text(f"static/{name}", (static_dir() / name).read_bytes())


def build_site(
    session: Session,
    settings: Settings,
    out_dir: Path,
    *,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Write the site into `out_dir`; returns counts (pages written/unchanged, removed, seconds...)."""
    global _STATE
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    base_url = site_url(settings)
    data = load_site_data(session)
    loaded = time.perf_counter()
    salt = code_salt() + base_url
    previous_salt, previous = load_manifest(out_dir)
    # Until this build saves its own manifest, files on disk may be half-updated: a crash must not leave
    # a manifest that vouches for them.
    (out_dir / MANIFEST_NAME).unlink(missing_ok=True)
    if previous and previous_salt != salt:
        # Templates or code changed: re-render everything, but still skip writes of identical bytes.
        previous = {rel: ["", hashes[1]] for rel, hashes in previous.items()}
    servers_by_id = {s["id"]: s for s in data.servers}
    server_changes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for change in data.changes:
        rows = server_changes[servers_by_id[change["server_id"]]["id"]]
        if len(rows) < 50:
            rows.append(_change_row(change))
    _STATE = BuildState(
        data=data,
        hood=Neighbourhoods(data.servers, data.tools),
        policies=load_policy_index(settings.policies_dir),
        previous=previous,
        out_dir=out_dir,
        base_url=base_url,
        salt=salt,
        servers_by_id=servers_by_id,
        server_changes=dict(server_changes),
    )
    n_workers = workers if workers is not None else int(settings.extra.get("site_workers") or os.cpu_count() or 1)
    n_workers = max(1, min(n_workers, 8))
    parallel = n_workers > 1 and data.tool_count >= PARALLEL_MIN_TOOLS
    chunks = _chunks(data.servers, n_workers * 8 if parallel else 1)
    entries: dict[str, list[str]] = {}
    totals: Counter[str] = Counter()
    global_writer = Writer(out_dir, previous)
    prepared = time.perf_counter()
    try:
        if parallel:
            with multiprocessing.get_context("fork").Pool(n_workers) as pool:
                results = pool.imap_unordered(_render_servers, chunks)
                stats = GlobalPages(_STATE, global_writer).write_all()
                globals_done = time.perf_counter()
                for done, (chunk_entries, counts) in enumerate(results, 1):
                    entries.update(chunk_entries)
                    totals.update(counts)
                    if progress:
                        progress(done, len(chunks))
        else:
            stats = GlobalPages(_STATE, global_writer).write_all()
            globals_done = time.perf_counter()
            for done, chunk in enumerate(chunks, 1):
                chunk_entries, counts = _render_servers(chunk)
                entries.update(chunk_entries)
                totals.update(counts)
                if progress:
                    progress(done, len(chunks))
    finally:
        _STATE = None
    entries.update(global_writer.entries)
    totals.update(global_writer.counts())
    removed = remove_stale(out_dir, previous, entries)
    save_manifest(out_dir, entries, salt)
    seconds = time.perf_counter() - started
    pages = sum(1 for rel in entries if rel.endswith(".html"))
    return {
        "out_dir": str(out_dir),
        "servers": stats["servers"],
        "tools": stats["tools"],
        "pages": pages,
        "files": len(entries),
        "written": totals["written"],
        "rendered": totals["rendered"],
        "unchanged": totals["unchanged"],
        "removed": removed,
        "workers": n_workers if parallel else 1,
        "load_seconds": round(loaded - started, 3),
        "prepare_seconds": round(prepared - loaded, 3),  # neighbourhoods, manifest
        "global_pages_seconds": round(globals_done - prepared, 3),
        "seconds": round(seconds, 3),
        "pages_per_second": round(pages / seconds, 1) if seconds else 0.0,
        "generated_at": data.generated_at,
    }
