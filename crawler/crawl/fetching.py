"""The fetch phase: claim queued servers, download their artifact, extract the tools, store them.

Several coroutines share the polite client (so per-host limits hold); extraction runs in threads. Every item
is marked done only after its tools are stored, so a kill at any moment loses at most the items in flight,
which are handed out again.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from catalog.config import Settings
from catalog.models import Fetch, Server, WorkItem, utcnow
from crawler.crawl import queue
from crawler.crawl.artifacts import Artifact, ArtifactError, Unchanged, fetch_plan
from crawler.crawl.extracting import Extractor, pinned_versions, run_extractor, select_servers
from crawler.http import HttpError, PoliteClient, RateLimited
from crawler.merge import parse_github_url
from crawler.registries import RegistryNotConfigured, RegistryUrls
from crawler.sources.github import repo_fields
from crawler.store import ToolSyncSummary, record_problem, sync_tools, upsert_server


@dataclass
class FetchStats:
    processed: int = 0
    fetched: int = 0  # artifacts downloaded and extracted
    from_cache: int = 0  # of which the body came from the cache
    unchanged: int = 0  # artifact already indexed: nothing downloaded
    no_tools: int = 0
    failed: int = 0
    tools: ToolSyncSummary = field(default_factory=ToolSyncSummary)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def requeue_dead_local_claims(session: Session) -> int:
    """Claims held by processes of this machine that no longer exist go back to the queue at once."""
    host = socket.gethostname()
    n = 0
    for item in session.exec(select(WorkItem).where(WorkItem.status == "claimed")).all():
        owner = item.claimed_by or ""
        name, _, pid = owner.rpartition(":")
        if name == host and pid.isdigit() and not _pid_alive(int(pid)):
            item.status, item.claimed_by = "pending", None
            session.add(item)
            n += 1
    session.commit()
    return n


def _store(
    session: Session,
    server: Server,
    art: Artifact,
    found: list[Any],
    subfolder: str | None,
    run_id: int | None,
) -> ToolSyncSummary:
    """Store extracted tools; a repository with several servers and no subfolder gives one server each."""
    total = ToolSyncSummary()
    if len(found) == 1 or subfolder or not art.origin.startswith("github:"):
        records = [t for s in found for t in s.tools]
        total.merge(sync_tools(session, server, records, run_id=run_id, origin_label=art.origin))
        return total
    for extraction in found:
        target = server
        if extraction.subpath:
            repo = art.origin.split(":", 1)[1].split("@", 1)[0]
            target = upsert_server(
                session,
                name=f"{repo}/{extraction.subpath}",
                source="github",
                external_id=f"{repo}#{extraction.subpath}",
                url=f"{server.repository_url}/tree/HEAD/{extraction.subpath}",
                repository_url=server.repository_url,
                repository_subfolder=extraction.subpath,
                description=server.description if not extraction.subpath else None,
                stars=server.stars,
                license=server.license,
            )
        total.merge(sync_tools(session, target, extraction.tools, run_id=run_id, origin_label=art.origin))
    return total


async def process_item(
    session: Session,
    http: PoliteClient,
    settings: Settings,
    registries: RegistryUrls,
    item: queue.Claimed,
    extractor: Extractor,
    stats: FetchStats,
    run_id: int | None,
) -> str | None:
    """Fetch one server; returns an error message when every plan failed (the item is retried later)."""
    server = session.get(Server, item.payload.get("server_id"))
    if server is None:
        return None
    errors: list[str] = []
    pushed = server.pushed_at.isoformat().replace("+00:00", "Z") if server.pushed_at else None
    plans: list[dict[str, Any]] = list(item.payload.get("plans", []))
    for plan in plans:
        subject = plan.get("name") or plan.get("repo") or str(plan)
        try:
            art = await fetch_plan(http, settings, registries, plan, server.tools_origin, pushed)
        except RateLimited:
            raise
        except (HttpError, ArtifactError, RegistryNotConfigured, ValueError, KeyError) as exc:
            errors.append(f"{plan.get('kind')}:{subject}: {exc}")
            record_problem(
                session, subject=subject, stage="fetch", message=str(exc), run_id=run_id, server_id=server.id
            )
            continue
        if art.server_fields:
            _apply_fields(session, server, art.server_fields)
        if isinstance(art, Unchanged):
            stats.unchanged += 1
            return None
        record_fetch(session, art)
        result = await asyncio.to_thread(run_extractor, extractor, art.path, art.suffix)
        for problem in result.problems[:20]:
            record_problem(
                session,
                subject=f"{art.origin}:{problem.path}",
                stage="extract",
                message=problem.reason,
                run_id=run_id,
                server_id=server.id,
            )
        found = select_servers(result, plan.get("subfolder") or server.repository_subfolder)
        stats.fetched += 1
        stats.from_cache += int(art.from_cache)
        if not found:
            errors.append(f"{art.origin}: no tools found")
            dependency = delegated_dependency(result, plan, pinned_versions(art.path))
            if dependency is not None and len(plans) < 8:
                # A launcher or renamed package: its tools are declared in the dependency it hands over to.
                _note_delegation(session, server, art.origin, dependency)
                plans.append(dependency)
            continue  # try the next artifact (e.g. the repository when the package is compiled)
        stats.tools.merge(_store(session, server, art, found, plan.get("subfolder"), run_id))
        return None
    if errors and all("no tools found" in e for e in errors):
        stats.no_tools += 1
        return None
    return "; ".join(errors) or None


DELEGATION = "no tools: package delegates to dependency "


def _pypi_key(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def delegated_dependency(
    result: Any, plan: dict[str, Any], pins: dict[str, str] | None = None
) -> dict[str, Any] | None:
    """The plan to fetch the dependency a tool-less npm/PyPI package delegates to (one level only).

    `pins` (dependency name -> the exact version the package declares) fetches what the launcher really runs:
    a launcher pinned to a pre-release of its core must not be read from the core's latest release.
    """
    if plan.get("kind") not in ("npm", "pypi") or plan.get("delegated_from"):
        return None
    for server in getattr(result, "servers", []):
        for entry in server.unresolved:
            reason = entry.get("reason") if isinstance(entry, dict) else None
            if isinstance(reason, str) and reason.startswith(DELEGATION):
                name = reason[len(DELEGATION) :].strip()
                if name and name != plan.get("name"):
                    dependency = {"kind": plan["kind"], "name": name, "delegated_from": plan.get("name")}
                    version = (pins or {}).get(name) or (pins or {}).get(_pypi_key(name))
                    return {**dependency, "version": version} if version else dependency
    return None


def _note_delegation(session: Session, server: Server, origin: str, dependency: dict[str, Any]) -> None:
    """Remember on the server why its tools come from another package (shown on its page and in stats)."""
    note = {"reason": f"{origin} delegates to dependency {dependency['name']}", "file": None, "line": None}
    if note not in (server.unresolved or []):
        server.unresolved = [*(server.unresolved or []), note]
        session.add(server)


def record_fetch(session: Session, art: Artifact) -> None:
    """One Fetch row per artifact URL: validators, digest and size of what the tools were extracted from
    (committed with the tools)."""
    from crawler.http import SHA256_HEADER, SIZE_HEADER

    row = session.exec(select(Fetch).where(Fetch.url == art.url)).first() or Fetch(url=art.url)
    size = art.headers.get(SIZE_HEADER, "")
    row.status_code = 200
    row.etag = art.headers.get("etag")
    row.last_modified = art.headers.get("last-modified")
    row.content_hash = art.headers.get(SHA256_HEADER)
    row.content_type = art.headers.get("content-type")
    row.size = int(size) if size.isdigit() else None
    row.body_path = str(art.path)
    row.fetched_at = utcnow()
    row.error = None
    session.add(row)


async def refresh_repo_metadata(
    session: Session, http: PoliteClient, settings: Settings, server_id: int | None, run_id: int | None
) -> None:
    """Stars, licence, archived flag and last push of a server's GitHub repository, for servers whose tools
    came from a package (one conditional request; GitHub-fetched servers have them already)."""
    server = session.get(Server, server_id) if server_id is not None else None
    if server is None or (server.tools_origin or "").startswith("github:"):
        return
    ref = parse_github_url(server.repository_url)
    if ref is None:
        return
    api = settings.github_api_url.rstrip("/")
    try:
        resp = await http.fetch(f"{api}/repos/{ref.full_name}", headers={"Accept": "application/vnd.github+json"})
        fields = {k: v for k, v in repo_fields(resp.json()).items() if v is not None and v != "NOASSERTION"}
    except (HttpError, ValueError) as exc:
        record_problem(session, subject=ref.url, stage="fetch", message=str(exc), run_id=run_id, server_id=server.id)
        return
    _apply_fields(session, server, fields)


def _apply_fields(session: Session, server: Server, fields: dict[str, Any]) -> None:
    from datetime import datetime

    for key, value in fields.items():
        if key == "pushed_at" and isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
        if value is not None and getattr(server, key, None) != value:
            setattr(server, key, value)
    session.add(server)
    session.commit()


async def run_fetch_phase(
    session: Session,
    http: PoliteClient,
    settings: Settings,
    extractor: Extractor,
    *,
    run_id: int | None,
    concurrency: int = 8,
    lease: timedelta = queue.DEFAULT_LEASE,
    me: str | None = None,
    on_progress: Callable[[int], None] = lambda n: None,
    idle_wait: float = 0.0,
    poll_interval: float = 2.0,
) -> FetchStats:
    """Process pending fetch items until the queue is empty (and has stayed empty ``idle_wait`` seconds:
    workers started before, or alongside, a discovery keep polling for the work it queues)."""
    me = me or worker_id()
    stats = FetchStats()
    registries = RegistryUrls(settings.npm_registry_url, settings.pypi_index_url)
    queue.requeue_expired(session, lease)
    requeue_dead_local_claims(session)

    loop = asyncio.get_running_loop()
    last_work = loop.time()
    poll_interval = min(poll_interval, max(0.1, idle_wait / 10))

    async def lane() -> None:
        nonlocal last_work
        while True:
            items = queue.claim(session, me, limit=1)
            if not items:
                if loop.time() - last_work >= idle_wait:
                    return
                await asyncio.sleep(poll_interval)
                queue.requeue_expired(session, lease)
                continue
            last_work = loop.time()
            item = items[0]
            try:
                error = await process_item(session, http, settings, registries, item, extractor, stats, run_id)
                if settings.fetch_repo_metadata:
                    await refresh_repo_metadata(session, http, settings, item.payload.get("server_id"), run_id)
            except RateLimited as exc:
                queue.release(session, item.id, me, str(exc))
                return
            except Exception as exc:  # one broken server never stops the crawl
                session.rollback()
                error = f"{type(exc).__name__}: {exc}"
                record_problem(session, subject=item.key, stage="fetch", message=error, run_id=run_id)
            stats.processed += 1
            if error:
                stats.failed += 1
            queue.complete(session, item.id, me, error=error)
            last_work = loop.time()
            on_progress(stats.processed)

    await asyncio.gather(*(lane() for _ in range(max(1, concurrency))))
    return stats
