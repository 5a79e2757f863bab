"""Build the static site: `build_site(session, settings, out_dir) -> summary`.

The catalog is loaded once into plain dicts; per-server work (server page, tool pages, JSON API,
policy downloads) is spread over worker processes forked from the parent, which share the loaded data
copy-on-write; meanwhile the parent writes the catalog-wide files (home, browse pages, search index,
feeds, sitemap, llms.txt). Every file goes through `Writer`, so a rebuild renders only pages whose
inputs changed and writes only files whose bytes changed.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session

from catalog.config import Settings
from catalog.gc_pause import paused_gc
from publisher.site import keys, urls
from publisher.site.build_cache import BuildCache, drop_cache, load_cache, save_cache
from publisher.site.charts import risk_stack
from publisher.site.global_pages import BuildState, GlobalPages, artifact_keys, change_row, to_json
from publisher.site.loader import decode_lazy, load_definitions, load_site_data
from publisher.site.pages import (
    server_api,
    server_context,
    tool_api,
    tool_context,
)
from publisher.site.policy_files import download_links, load_policy_index, tool_snippets
from publisher.site.rebuild_plan import plan_rebuild, similar_by_slug
from publisher.site.render import code_salt, environment
from publisher.site.writer import (
    MANIFEST_NAME,
    Manifest,
    ServerGroups,
    Writer,
    digest,
    group_files,
    load_manifest,
    remove_stale,
    save_manifest,
    server_group,
)

DEFAULT_SITE_URL = "http://127.0.0.1:8000/"
PARALLEL_MIN_TOOLS = 3000
CHUNKS_PER_WORKER = 32
ProgressCallback = Callable[[int, int], None]


def site_url(settings: Settings) -> str:
    """The public base URL (for canonical links, sitemap and feed): settings.extra or MCP_CATALOG_SITE_URL."""
    value = str(settings.extra.get("site_url") or os.environ.get("MCP_CATALOG_SITE_URL") or DEFAULT_SITE_URL)
    return value if value.endswith("/") else value + "/"


_STATE: BuildState | None = None


@dataclass
class ChunkResult:
    """What a worker returns: the servers' file groups, file counts, servers kept wholesale, and the
    servers it left for later because their tool definitions are not loaded yet."""

    groups: ServerGroups = field(default_factory=dict)  # servers (partly) re-examined
    kept_slugs: list[str] = field(default_factory=list)  # servers whose previous group stands as it is
    links: dict[str, str] = field(default_factory=dict)  # server slug -> its `links` digest, where computed
    counts: dict[str, int] = field(default_factory=dict)
    kept: int = 0
    pending: list[int] = field(default_factory=list)


def _freeze_inherited() -> None:
    """In a forked worker, move everything inherited from the parent (the loaded catalog: millions of
    objects it only reads) out of the cyclic collector's reach.

    Otherwise each full collection re-scans all of them (a tenth of a worker's time at 100k tools) and
    writes to their headers, copying their shared pages. Never in the parent: a serial build runs there,
    and frozen objects would outlive the build.
    """
    global _FROZEN
    if not _FROZEN and multiprocessing.parent_process() is not None:
        gc.freeze()
        gc.enable()  # the parent pauses the collector while it loads; a worker collects its own garbage
        _FROZEN = True


_FROZEN = False


def _render_servers(indices: list[int]) -> ChunkResult:
    """Worker: every file of the given servers (pages, JSON, policy downloads), grouped by server.

    A server whose digest (every input of every file of it) matches the previous build keeps its
    previous files wholesale; otherwise each file's input key (see `keys`) is compared with the previous
    build, and contexts are built and templates rendered only for files whose inputs changed.
    """
    state = _STATE
    assert state is not None, "build state is set before the workers start"
    _freeze_inherited()
    result = ChunkResult()
    totals: Counter[str] = Counter()
    for index in indices:
        server = state.data.servers[index]
        # The previous files are looked up only for a server that is re-examined (`_render_server`):
        # decoding every kept server's manifest entries was a share of a rebuild's fixed cost.
        writer = Writer(state.out_dir, {}, verify=state.verify)
        server_digest, links, outcome = _render_server(state, writer, server)
        if outcome == "pending":
            result.pending.append(index)
            continue
        if outcome == "kept":
            result.kept += 1
            result.kept_slugs.append(server["slug"])  # the parent has the group: nothing to send back
        else:
            result.groups[server["slug"]] = server_group(server_digest, writer.entries)
            result.links[server["slug"]] = links
        totals.update(writer.counts())
    result.counts = dict(totals)
    return result


def _previous_files(state: BuildState, slug: str) -> dict[str, list[str]]:
    """The previous build's files of one server; after a code change only their output hashes count."""
    files = state.manifest.server_files(slug)
    if state.manifest.salt != state.salt:
        return {rel: ["", hashes[1]] for rel, hashes in files.items()}
    return files


def _render_server(state: BuildState, writer: Writer, server: dict[str, Any]) -> tuple[str, str, str]:
    """Emit one server's files; returns (its digest, its links digest, outcome): "kept" (the previous files, wholesale),
    "built" (each file checked, changed ones rendered) or "pending" (changed, but the tool definitions
    are not loaded yet: nothing emitted)."""
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
    links = state.known_links.get(server["id"])
    if links is None:
        links = digest("\x1e".join(keys.elsewhere_key(t, state.hood, state.servers_by_id) for t in tools).encode())
    # Everything any file of this server shows: its own rows (`_raw`: fields, tools, classifications,
    # changes), the policy files, similar servers, and the links to related tools of other servers.
    # Per-file keys are built only if this digest changed.
    server_digest = digest(
        "\x1d".join((state.salt, server["_raw"], keys.similar_key(similar), policy_key, links)).encode("utf-8")
    )
    previous = state.previous_servers.get(server["slug"])
    if previous is not None and previous[0] == server_digest:
        writer.adopt_count(previous[2])
        return server_digest, links, "kept"
    if not state.definitions and server["id"] not in state.defined:
        return server_digest, links, "pending"
    writer.previous = _previous_files(state, server["slug"])
    env = environment()  # only for servers that are (partly) re-rendered
    if not os.path.exists(os.path.join(state.out_dir, urls.server_api_path(server["slug"]))):
        _make_folders(state.out_dir, server["slug"], tools)  # a new server: one mkdir per folder
    # Every key is computed before anything of this server is rendered: rendering decodes the tools' JSON
    # fields, and keys must see the same raw text in every build.
    server_key = keys.server_page_key(server, tools, similar, changes, policy_key)
    # Hashed once per server: joined into every tool key as text, it made key hashing quadratic in tools.
    shared_key = digest((policy_key + "\x1d" + keys.server_links_key(tools)).encode("utf-8"))
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
    return server_digest, links, "built"


def _make_folders(out_dir: Path, slug: str, tools: list[dict[str, Any]]) -> None:
    """Create a new server's folders before its files are written.

    A full build creates one folder per tool page (100,000 of them); made here, each costs one mkdir,
    where the writer would first fail to open the file, then stat the parent and make the folder.
    """
    root = str(out_dir)
    for folder in (urls.server_path(slug), urls.tool_path(slug, ""), os.path.dirname(urls.tool_api_path(slug, "x"))):
        os.makedirs(os.path.join(root, folder), exist_ok=True)
    for tool in tools:
        with suppress(FileExistsError):
            os.mkdir(os.path.join(root, urls.tool_path(slug, tool["slug"])))


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


def _run_chunks(
    chunks: list[list[int]],
    parallel: bool,
    n_workers: int,
    done: ChunkResult,
    progress: ProgressCallback | None,
    global_writer: Writer | None,
) -> GlobalPages | None:
    """Run `_render_servers` over the chunks (forked workers when `parallel`) and merge into `done`;
    with `global_writer`, the parent writes the catalog-wide pages meanwhile (returned, with their stats)."""
    assert _STATE is not None
    pages = GlobalPages(_STATE, global_writer) if global_writer is not None else None
    if parallel:
        with multiprocessing.get_context("fork").Pool(n_workers) as pool:
            results = pool.imap_unordered(_render_servers, chunks)
            if pages is not None:
                pages.stats = pages.write_all()
            _merge(done, results, len(chunks), progress)
    else:
        if pages is not None:
            pages.stats = pages.write_all()
        _merge(done, map(_render_servers, chunks), len(chunks), progress)
    return pages


def _merge(done: ChunkResult, results: Iterable[ChunkResult], total: int, progress: ProgressCallback | None) -> None:
    counts = Counter(done.counts)
    for n, result in enumerate(results, 1):
        done.groups.update(result.groups)
        done.kept_slugs += result.kept_slugs
        done.links.update(result.links)
        counts.update(result.counts)
        done.kept += result.kept
        done.pending += result.pending
        if progress:
            progress(n, total)
    done.counts = dict(counts)


def _finish_manifest(
    out_dir: Path,
    manifest: Manifest,
    previous: dict[str, list[str]],
    global_entries: dict[str, list[str]],
    done: ChunkResult,
    salt: str,
) -> tuple[ServerGroups, int]:
    """Delete what the previous build wrote and this one did not, save the new manifest; returns the
    server groups and the number of files removed. Groups of servers kept whole are carried over as
    they are (their entries still JSON text), so only re-examined servers' files are compared."""
    groups = dict(done.groups)
    old, new = dict(previous), dict(global_entries)
    kept = set(done.kept_slugs)
    for slug, group in manifest.servers.items():
        if slug in kept:
            groups[slug] = group
        else:
            old.update(group_files(group))
    for group in done.groups.values():
        new.update(group[1])
    removed = remove_stale(out_dir, old, new)
    save_manifest(out_dir, global_entries, salt, groups)
    return groups, removed


# The parent loads the catalog (millions of objects, no cycles) with the collector paused; workers
# re-enable it for their own garbage (`_freeze_inherited`).
@paused_gc()
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
    salt = code_salt() + base_url
    manifest = load_manifest(out_dir)
    previous, previous_servers = manifest.files, manifest.servers
    # Until this build saves its own manifest, files on disk may be half-updated: a crash must not leave
    # a manifest that vouches for them.
    (out_dir / MANIFEST_NAME).unlink(missing_ok=True)
    if manifest.salt != salt:
        # Templates or code changed: re-render everything, but still skip writes of identical bytes.
        previous = {rel: ["", hashes[1]] for rel, hashes in previous.items()}
        previous_servers = {}
    if verify:
        previous_servers = {}  # check every file, not just the servers' digests
    cache = load_cache(out_dir, salt) if previous_servers else None
    drop_cache(out_dir)
    if cache is None:
        previous_servers = {}  # without the cache, links to other servers' tools are not known to be the same
    # A rebuild (servers' digests to compare) loads tool definitions only for the servers it re-renders.
    data = load_site_data(session, definitions=not previous_servers)
    loaded = time.perf_counter()
    defined: set[int] = set()

    def load_servers(servers: list[dict[str, Any]]) -> None:
        """Tool definitions and classification texts of these servers, unless loaded already."""
        todo = [s for s in servers if s["id"] not in defined]
        if todo:
            load_definitions(session, data.tools, [t for s in todo for t in s["tool_ids"]])
            defined.update(s["id"] for s in todo)

    # The servers whose rows changed are re-rendered for sure: their definitions are loaded before their
    # contributions to the catalog-wide files are computed, so they render in the first pass, beside
    # the catalog-wide pages. Servers re-examined for other reasons (links to other servers, policy
    # files) wait for a second pass.
    plan = plan_rebuild(data, cache, load_servers if previous_servers else None)
    servers_by_id = {s["id"]: s for s in data.servers}
    server_changes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for change in data.changes:
        rows = server_changes[servers_by_id[change["server_id"]]["id"]]
        if len(rows) < 50:
            rows.append(change_row(change))
    _STATE = BuildState(
        data=data,
        hood=plan.hood,
        policies=load_policy_index(settings.policies_dir),
        previous=previous,
        previous_servers=previous_servers,
        manifest=manifest,
        out_dir=out_dir,
        base_url=base_url,
        salt=salt,
        servers_by_id=servers_by_id,
        server_changes=dict(server_changes),
        verify=verify,
        definitions=not previous_servers,
        defined=defined,
        load_servers=load_servers if previous_servers else None,
        known_links=plan.known_links,
        artifact_keys=artifact_keys(data.servers, {slug: s.contrib for slug, s in plan.summaries.items()}),
        previous_artifacts=cache.artifacts if cache is not None else {},
        changed=plan.changed,
    )
    n_workers = workers if workers is not None else int(settings.extra.get("site_workers") or os.cpu_count() or 1)
    n_workers = max(1, min(n_workers, 8))
    parallel = n_workers > 1 and data.tool_count >= PARALLEL_MIN_TOOLS
    done = ChunkResult()
    global_writer = Writer(out_dir, previous, verify=verify)
    prepared = time.perf_counter()
    try:
        # Small chunks (about 1,500 pages each at 100k tools): when one worker takes the last chunk, the
        # other core idles for at most that long.
        chunks = _chunks(data.servers, n_workers * CHUNKS_PER_WORKER if parallel else 1)
        global_pages = _run_chunks(chunks, parallel, n_workers, done, progress, global_writer)
        assert global_pages is not None
        globals_done = time.perf_counter()
        if done.pending:
            # Second pass: the changed servers, now with their tools' definitions.
            pending = [data.servers[i] for i in sorted(done.pending)]
            load_definitions(session, data.tools, [t for s in pending for t in s["tool_ids"]])
            _STATE.definitions = True
            again = parallel and sum(len(s["tool_ids"]) for s in pending) >= PARALLEL_MIN_TOOLS
            indices, done.pending = sorted(done.pending), []
            parts = [indices[n :: n_workers * 2] for n in range(n_workers * 2)] if again else [indices]
            _run_chunks([p for p in parts if p], again, n_workers, done, progress, None)
    finally:
        _STATE = None
    totals = Counter(done.counts)
    totals.update(global_writer.counts())
    groups, removed = _finish_manifest(out_dir, manifest, previous, global_writer.entries, done, salt)
    for slug, links in done.links.items():
        plan.summaries[slug].links = links
    save_cache(out_dir, BuildCache(salt, plan.summaries, similar_by_slug(data, plan.hood), global_pages.artifacts))
    stats = global_pages.stats
    seconds = time.perf_counter() - started
    pages = sum(1 for rel in global_writer.entries if rel.endswith(".html")) + sum(g[3] for g in groups.values())
    files = len(global_writer.entries) + sum(g[2] for g in groups.values())
    return {
        "out_dir": str(out_dir),
        "servers": stats["servers"],
        "tools": stats["tools"],
        "pages": pages,
        "files": files,
        "written": totals["written"],
        "rendered": totals["rendered"],
        "unchanged": totals["unchanged"],
        "removed": removed,
        "servers_skipped": done.kept,  # unchanged servers whose files were kept without per-file checks
        "servers_changed": len(plan.changed),  # servers whose own rows differ from the previous build's
        "artifacts_kept": global_pages.kept,  # catalog-wide file sets kept because no server's part changed
        "workers": n_workers if parallel else 1,
        "load_seconds": round(loaded - started, 3),
        "prepare_seconds": round(prepared - loaded, 3),  # neighbourhoods, manifest
        "global_pages_seconds": round(globals_done - prepared, 3),
        "seconds": round(seconds, 3),
        "pages_per_second": round(pages / seconds, 1) if seconds else 0.0,
        "generated_at": data.generated_at,
    }
