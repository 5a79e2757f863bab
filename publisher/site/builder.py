"""Build the static site: `build_site(session, settings, out_dir) -> summary`.

The catalog is loaded once into plain dicts; per-server work (server page, tool pages, JSON API,
policy downloads) is spread over worker processes forked from the parent, which share the loaded data
copy-on-write; meanwhile the parent writes the catalog-wide files (home, browse pages, search index,
feeds, sitemap, llms.txt). Every file goes through `Writer`, so a rebuild renders only pages whose
inputs changed and writes only files whose bytes changed.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session

from catalog.config import Settings
from publisher.site import keys, urls
from publisher.site.charts import risk_stack
from publisher.site.global_pages import BuildState, GlobalPages, change_row, to_json
from publisher.site.loader import decode_lazy, load_site_data
from publisher.site.pages import (
    server_api,
    server_context,
    tool_api,
    tool_context,
)
from publisher.site.policy_files import download_links, load_policy_index, tool_snippets
from publisher.site.related import Neighbourhoods
from publisher.site.render import code_salt, environment
from publisher.site.writer import (
    MANIFEST_NAME,
    ServerGroups,
    Writer,
    digest,
    load_manifest,
    remove_stale,
    save_manifest,
)

DEFAULT_SITE_URL = "http://127.0.0.1:8000/"
PARALLEL_MIN_TOOLS = 3000
ProgressCallback = Callable[[int, int], None]


def site_url(settings: Settings) -> str:
    """The public base URL (for canonical links, sitemap and feed): settings.extra or MCP_CATALOG_SITE_URL."""
    value = str(settings.extra.get("site_url") or os.environ.get("MCP_CATALOG_SITE_URL") or DEFAULT_SITE_URL)
    return value if value.endswith("/") else value + "/"


_STATE: BuildState | None = None


def _render_servers(indices: list[int]) -> tuple[ServerGroups, dict[str, int], int]:
    """Worker: every file of the given servers (pages, JSON, policy downloads), grouped by server.

    A server whose digest (every input of every file of it) matches the previous build keeps its
    previous files wholesale; otherwise each file's input key (see `keys`) is compared with the previous
    build, and contexts are built and templates rendered only for files whose inputs changed.
    Returns (groups, counts, servers skipped).
    """
    state = _STATE
    assert state is not None, "build state is set before the workers start"
    groups: ServerGroups = {}
    totals: Counter[str] = Counter()
    skipped = 0
    for index in indices:
        writer = Writer(state.out_dir, state.previous, verify=state.verify)
        server = state.data.servers[index]
        server_digest, adopted = _render_server(state, writer, server)
        skipped += adopted
        groups[server["slug"]] = [server_digest, writer.entries]
        totals.update(writer.counts())
    return groups, dict(totals), skipped


def _render_server(state: BuildState, writer: Writer, server: dict[str, Any]) -> tuple[str, bool]:
    """Emit one server's files; returns (its digest, whether its previous files were kept wholesale)."""
    env = environment()
    tools = [state.data.tools[i] for i in server["tool_ids"]]
    downloads = download_links(state.policies, server["slug"])
    policy_files: list[tuple[str, str, Path]] = []
    for group in downloads:
        for f in group["files"]:
            source = Path(f["source"])
            stat = source.stat()
            policy_files.append((f["target"], f"{stat.st_size}:{stat.st_mtime_ns}", source))
    policy_key = "|".join(f"{target}:{signature}" for target, signature, _ in policy_files)
    snippets: dict[str, list[dict[str, Any]]] | None = None

    def snippets_for(name: str) -> list[dict[str, Any]]:
        nonlocal snippets
        if snippets is None:  # parse the policy files only when a page of this server is rendered
            snippets = tool_snippets(state.policies, server["slug"], [t["name"] for t in tools])
        return snippets.get(name, [])

    changes = state.server_changes.get(server["id"], [])
    similar = [state.servers_by_id[i] for i in state.hood.similar.get(server["id"], [])]
    # Every key is computed before anything of this server is rendered: rendering decodes the tools' JSON
    # fields, and keys must see the same raw text in every build.
    server_key = keys.server_page_key(server, tools, similar, changes, policy_key)
    # Hashed once per server: joined into every tool key as text, it made key hashing quadratic in tools.
    shared_key = digest((policy_key + "\x1d" + keys.server_links_key(tools)).encode("utf-8"))
    # Everything every file of this server shows: the server key holds the server's fields, its tools'
    # signatures and slugs and the policy files' signatures; the shared key the sibling links; the rest
    # are each tool's links to other servers. The per-file keys are built only if this digest changed.
    server_digest = digest(
        "\x1d".join(
            [
                state.salt,
                server_key,
                shared_key,
                *(keys.elsewhere_key(t, state.hood, state.servers_by_id) for t in tools),
            ]
        ).encode("utf-8")
    )
    previous = state.previous_servers.get(server["slug"])
    if previous is not None and previous[0] == server_digest:
        writer.adopt(previous[1])
        return server_digest, True
    for target, signature, source in policy_files:
        writer.emit(target, signature, source.read_bytes)
    tool_keys = {
        t["id"]: (
            keys.tool_page_key(t, server, state.hood, state.servers_by_id, shared_key),
            server["slug"] + keys.tool_signature(t),
        )
        for t in tools
    }
    context: dict[str, Any] = {}

    def server_ctx() -> dict[str, Any]:
        if not context:
            for tool in tools:
                decode_lazy(tool)
            context.update(server_context(server, tools, state.hood, downloads, changes, state.servers_by_id))
        return context

    def render_server() -> str:
        ctx = server_ctx()
        chart = risk_stack(ctx["counts"]["by_risk"])
        return env.get_template("server.j2").render(ctx, chart=chart, base_url=state.base_url)

    server_hash = digest((state.salt + server_key).encode())
    writer.emit(urls.file_for(urls.server_path(server["slug"])), server_hash, render_server)
    writer.emit(urls.server_api_path(server["slug"]), server_hash, lambda: to_json(server_api(server_ctx())))
    tool_tpl = env.get_template("tool.j2")
    for tool in tools:
        page_key, api_key = tool_keys[tool["id"]]

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
            digest((state.salt + api_key).encode()),
            lambda tool=tool: to_json(tool_api(decode_lazy(tool), server)),
        )
    return server_digest, False


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


def build_site(
    session: Session,
    settings: Settings,
    out_dir: Path,
    *,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    verify: bool | None = None,
) -> dict[str, Any]:
    """Write the site into `out_dir`; returns counts (pages written/unchanged, removed, seconds...).

    `verify` (default: settings.extra["site_verify"]): check every file the previous manifest lists is
    still on disk instead of trusting it, and re-create missing ones.
    """
    global _STATE
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    base_url = site_url(settings)
    if verify is None:
        verify = bool(settings.extra.get("site_verify"))
    data = load_site_data(session)
    loaded = time.perf_counter()
    salt = code_salt() + base_url
    manifest = load_manifest(out_dir)
    previous, previous_servers = manifest.files, manifest.servers
    # Until this build saves its own manifest, files on disk may be half-updated: a crash must not leave
    # a manifest that vouches for them.
    (out_dir / MANIFEST_NAME).unlink(missing_ok=True)
    if previous and manifest.salt != salt:
        # Templates or code changed: re-render everything, but still skip writes of identical bytes.
        previous = {rel: ["", hashes[1]] for rel, hashes in previous.items()}
        previous_servers = {}
    if verify:
        previous_servers = {}  # check every file, not just the servers' digests
    servers_by_id = {s["id"]: s for s in data.servers}
    server_changes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for change in data.changes:
        rows = server_changes[servers_by_id[change["server_id"]]["id"]]
        if len(rows) < 50:
            rows.append(change_row(change))
    _STATE = BuildState(
        data=data,
        hood=Neighbourhoods(data.servers, data.tools),
        policies=load_policy_index(settings.policies_dir),
        previous=previous,
        previous_servers=previous_servers,
        out_dir=out_dir,
        base_url=base_url,
        salt=salt,
        servers_by_id=servers_by_id,
        server_changes=dict(server_changes),
        verify=verify,
    )
    n_workers = workers if workers is not None else int(settings.extra.get("site_workers") or os.cpu_count() or 1)
    n_workers = max(1, min(n_workers, 8))
    parallel = n_workers > 1 and data.tool_count >= PARALLEL_MIN_TOOLS
    chunks = _chunks(data.servers, n_workers * 8 if parallel else 1)
    groups: ServerGroups = {}
    totals: Counter[str] = Counter()
    skipped = 0
    global_writer = Writer(out_dir, previous, verify=verify)
    prepared = time.perf_counter()
    try:
        if parallel:
            with multiprocessing.get_context("fork").Pool(n_workers) as pool:
                results = pool.imap_unordered(_render_servers, chunks)
                stats = GlobalPages(_STATE, global_writer).write_all()
                globals_done = time.perf_counter()
                for done, (chunk_groups, counts, chunk_skipped) in enumerate(results, 1):
                    groups.update(chunk_groups)
                    totals.update(counts)
                    skipped += chunk_skipped
                    if progress:
                        progress(done, len(chunks))
        else:
            stats = GlobalPages(_STATE, global_writer).write_all()
            globals_done = time.perf_counter()
            for done, chunk in enumerate(chunks, 1):
                chunk_groups, counts, chunk_skipped = _render_servers(chunk)
                groups.update(chunk_groups)
                totals.update(counts)
                skipped += chunk_skipped
                if progress:
                    progress(done, len(chunks))
    finally:
        _STATE = None
    totals.update(global_writer.counts())
    entries = dict(global_writer.entries)
    for _, files in groups.values():
        entries.update(files)
    removed = remove_stale(out_dir, previous, entries)
    save_manifest(out_dir, global_writer.entries, salt, groups)
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
        "servers_skipped": skipped,  # unchanged servers whose files were kept without per-file checks
        "workers": n_workers if parallel else 1,
        "load_seconds": round(loaded - started, 3),
        "prepare_seconds": round(prepared - loaded, 3),  # neighbourhoods, manifest
        "global_pages_seconds": round(globals_done - prepared, 3),
        "seconds": round(seconds, 3),
        "pages_per_second": round(pages / seconds, 1) if seconds else 0.0,
        "generated_at": data.generated_at,
    }
