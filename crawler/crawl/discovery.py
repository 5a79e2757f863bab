"""Discovery: run a source, merge each sighting into the catalog, and queue the fetch of its artifact.

Each source's progress (cursor, page) and the time of its last complete pass live in a ``discover:SPEC`` work
item, so a killed discovery resumes at its page and the next full pass asks only for what changed since.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from catalog.models import Server, ServerSource, WorkItem, utcnow
from crawler.crawl import queue
from crawler.merge import (
    MergeIndex,
    merge_env_vars,
    merge_keys,
    merge_packages,
    parse_github_url,
    server_keys,
    source_rank,
)
from crawler.sources.base import DiscoveredServer, SourceContext
from crawler.sources.local import crawl_local
from crawler.store import ToolSyncSummary, sync_tools, upsert_server

PLAN_KINDS = ("npm", "pypi")


@dataclass
class DiscoveryStats:
    found: int = 0
    new: int = 0
    merged: int = 0  # sightings that joined a server another source had found
    queued: int = 0
    deleted: int = 0
    tools: ToolSyncSummary = field(default_factory=ToolSyncSummary)


def load_index(session: Session) -> MergeIndex:
    index = MergeIndex()
    rows = session.execute(select(Server.id, Server.repository_url, Server.repository_subfolder, Server.packages))
    for sid, repo, sub, packages in rows:
        index.add(sid, server_keys(repo, sub, packages or []))
    return index


def load_state(session: Session, spec: str) -> dict[str, Any]:
    """{"state": source cursor, "since": start of the last complete pass, "started": start of this pass}."""
    item = session.execute(select(WorkItem).where(WorkItem.key == f"discover:{spec}")).scalars().first()
    return dict(item.payload) if item is not None else {}


def save_state(
    session: Session, spec: str, state: dict[str, Any], since: str | None, started: str | None, *, done: bool
) -> None:
    key = f"discover:{spec}"
    item = session.execute(select(WorkItem).where(WorkItem.key == key)).scalars().first()
    if item is None:
        item = WorkItem(key=key, kind="discover", payload={})
    item.payload = {"state": dict(state), "since": since, "started": started}
    item.status = "done" if done else "pending"
    item.updated_at = utcnow()
    session.add(item)
    session.commit()


def _pick(existing: Any, new: Any, better: bool) -> Any:
    if new in (None, "", [], {}):
        return existing
    if existing in (None, "", [], {}) or better:
        return new
    return existing


def _fields_for(server: Server | None, found: DiscoveredServer) -> dict[str, Any]:
    """Merged server fields: a better-ranked source (registry > packages > GitHub > lists) wins text fields;
    any source fills an empty one; GitHub is authoritative on repository metadata."""
    ref = parse_github_url(found.repository_url, found.repository_subfolder)
    best = (server.extra or {}).get("_rank", 99) if server else 99
    better = source_rank(found.source) <= best
    cur = server or Server(slug="", name="")
    fields: dict[str, Any] = {
        "title": _pick(cur.title, found.title, better),
        "description": _pick(cur.description, found.description, better),
        "version": _pick(cur.version, found.version, better),
        "repository_url": _pick(cur.repository_url, ref.url if ref else None, better),
        "repository_subfolder": _pick(cur.repository_subfolder, ref.subfolder if ref else None, better),
        "packages": merge_packages(cur.packages or [], found.packages, authoritative=found.source == "registry"),
        "remotes": cur.remotes or found.remotes or [],
        "env_vars": merge_env_vars(cur.env_vars or [], found.env_vars),
        "license": _pick(cur.license, found.license, found.source == "github"),
        "stars": _pick(cur.stars, found.stars, True),
    }
    if found.source == "registry" or server is None:
        fields["status"] = found.status
    extra = dict(cur.extra or {})
    extra["_rank"] = min(best, source_rank(found.source))
    if found.categories:
        extra.setdefault("categories", {})[found.source] = found.categories
    if found.extra:
        extra.setdefault("by_source", {})[found.source] = {k: v for k, v in found.extra.items() if k != "local_path"}
        gh = found.extra if found.source == "github" else {}
        if gh.get("default_branch"):
            fields["default_branch"] = gh["default_branch"]
        if gh.get("archived") is not None:
            fields["archived"] = gh["archived"]
    fields["extra"] = extra
    return fields


def fetch_plan(server: Server) -> dict[str, Any] | None:
    """What to download for a server, best first: published packages (pinned, then latest), then GitHub."""
    if server.status == "deleted":
        return None
    plans: list[dict[str, Any]] = []
    for pkg in sorted(server.packages or [], key=lambda p: 0 if p.get("version") else 1):
        if pkg.get("registry_type") in PLAN_KINDS:
            plans.append({"kind": pkg["registry_type"], "name": pkg["identifier"], "version": pkg.get("version")})
    ref = parse_github_url(server.repository_url, server.repository_subfolder)
    if ref:
        plans.append({"kind": "github", "repo": ref.full_name, "subfolder": ref.subfolder})
    if not plans:
        return None
    refresh = any(p["kind"] == "github" or not p.get("version") for p in plans[:1])
    return {"server_id": server.id, "plans": plans, "refresh": refresh}


def record_sighting(
    session: Session, index: MergeIndex, found: DiscoveredServer, stats: DiscoveryStats, run_id: int | None
) -> Server | None:
    """Merge one sighting into the catalog and queue its fetch."""
    stats.found += 1
    local_path = found.extra.get("local_path")
    if local_path:
        result = crawl_local(session, Path(local_path), run_id=run_id)
        stats.tools.merge(result.tools)
        return None
    keys = merge_keys(found)
    sid = index.find(keys)
    existing = session.get(Server, sid) if sid is not None else None
    if existing is None:
        link = (
            session.execute(
                select(ServerSource).where(
                    ServerSource.source == found.source, ServerSource.external_id == found.external_id
                )
            )
            .scalars()
            .first()
        )
        existing = session.get(Server, link.server_id) if link else None
    if existing is not None and found.source not in (existing.sources or []):
        stats.merged += 1
    fields = _fields_for(existing, found)
    server = upsert_server(
        session,
        slug=existing.slug if existing else None,
        name=existing.name if existing else found.name,
        source=found.source,
        external_id=found.external_id,
        url=found.url,
        source_data={"name": found.name, "version": found.version, "status": found.status},
        **fields,
    )
    if existing is None:
        stats.new += 1
    if found.status == "deleted":
        stats.deleted += 1
    assert server.id is not None
    index.add(server.id, server_keys(server.repository_url, server.repository_subfolder, server.packages))
    label = found.source if found.source.startswith("dump:") else f"dump:{found.source}"
    # A dump's tool list is used only until something better (a package, a repository) is fetched, and only from
    # the dump that first supplied it: two dumps with different snapshots of one server must not replace each
    # other's lists on every crawl (that would record changes in an unchanged world).
    sighting = f"{label}#{found.external_id}"
    owner = (server.extra or {}).get("dump_tools_from")
    if found.tools is not None and (
        server.tools_origin is None or (server.tools_origin == label and owner in (None, sighting))
    ):
        server.extra = {**(server.extra or {}), "dump_tools_from": sighting}
        stats.tools.merge(sync_tools(session, server, found.tools, run_id=run_id, origin_label=label))
    plan = fetch_plan(server)
    if plan is not None:
        # Committed with the next sighting or checkpoint: a kill before that replays this sighting anyway,
        # since discovery resumes at the last saved page.
        outcome = queue.enqueue(session, f"fetch:{server.id}", queue.FETCH, plan, run_id=run_id)
        session.flush()
        if outcome != "unchanged":
            stats.queued += 1
    return server


async def discover_source(
    session: Session,
    spec: str,
    source: Any,
    ctx: SourceContext,
    index: MergeIndex,
    run_id: int | None,
    on_found: Callable[[int], None] = lambda n: None,
    checkpoint_every: int = 100,
) -> DiscoveryStats:
    """Run one source to the end, checkpointing its cursor so a kill resumes where it was."""
    stats = DiscoveryStats()
    saved = load_state(session, spec)
    state = dict(saved.get("state") or {})
    since = saved.get("since")
    # A resumed pass keeps the start time of the interrupted one, so nothing changed in between is missed.
    started = (saved.get("started") if state else None) or utc_iso()
    ctx.state = state
    ctx.since = overlap(since)
    save_state(session, spec, state, since, started, done=False)
    async for found in source.discover(ctx):
        record_sighting(session, index, found, stats, run_id)
        on_found(stats.found)
        if stats.found % checkpoint_every == 0:
            save_state(session, spec, ctx.state, since, started, done=False)
    save_state(session, spec, {}, started, None, done=True)
    return stats


SINCE_OVERLAP = timedelta(minutes=10)


def overlap(since: str | None) -> str | None:
    """Ask for changes a little before the last pass started: clocks differ between us and the source, and
    seeing an entry twice is harmless (merging is idempotent) while missing one is not."""
    if not since:
        return None
    try:
        when = datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError:
        return since
    return (when - SINCE_OVERLAP).isoformat().replace("+00:00", "Z")


def utc_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
