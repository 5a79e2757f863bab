"""The crawl, end to end: ``crawl(catalog, settings, sources)``.

Discovery runs each named source and merges what it finds; the fetch phase then works through the durable
queue. ``discover_only`` stops after discovery (a later crawl, or ``--worker`` processes on other machines,
fetch what it queued); ``worker`` skips discovery and only drains the queue.
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from catalog.config import Settings
from catalog.db import Catalog
from crawler.crawl import queue
from crawler.crawl.discovery import discover_source, load_index
from crawler.crawl.extracting import Extractor, default_extractor
from crawler.crawl.fetching import run_fetch_phase, worker_id
from crawler.http import HttpError, PoliteClient
from crawler.registries import RegistryNotConfigured
from crawler.sources.base import SourceContext
from crawler.sources.local import crawl_local
from crawler.sources.registry import UnknownSourceError, get_source, source_names
from crawler.store import ToolSyncSummary, finish_run, record_problem, start_run


class CrawlError(Exception):
    """A crawl cannot start (unknown source, bad argument); the message says what to change."""


@dataclass
class CrawlSummary:
    found: dict[str, int] = field(default_factory=dict)  # sightings per source
    servers_new: int = 0
    merged: int = 0
    deleted: int = 0
    queued: int = 0
    fetched: int = 0
    from_cache: int = 0
    unchanged: int = 0
    no_tools: int = 0
    failed: int = 0
    source_errors: dict[str, str] = field(default_factory=dict)
    tools_added: int = 0
    tools_changed: int = 0
    tools_removed: int = 0
    requests: dict[str, Any] = field(default_factory=dict)
    queue: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    run_id: int | None = None

    def add_tools(self, tools: ToolSyncSummary) -> None:
        self.tools_added += tools.added
        self.tools_changed += tools.changed
        self.tools_removed += tools.removed

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_sources(specs: list[str]) -> list[tuple[str, str | None]]:
    """``registry,npm`` -> two sources; ``npm:a,b`` -> one source with argument ``a,b``."""
    out: list[tuple[str, str | None]] = []
    for spec in specs:
        spec = spec.strip()
        if not spec:
            continue
        name, sep, arg = spec.partition(":")
        if sep:
            out.append((name.strip(), arg.strip() or None))
        else:
            out += [(n.strip(), None) for n in name.split(",") if n.strip()]
    # The registry knows most identities of a server (repository and packages), so it runs first and later
    # sightings (npm, GitHub, lists) join the servers it created instead of creating look-alikes.
    out.sort(key=lambda pair: 0 if pair[0] == "registry" else 1)
    for name, arg in out:
        if name == "local":
            if not arg:
                raise CrawlError("local needs a path: --source local:PATH")
            continue
        if name not in source_names():
            raise CrawlError(f"unknown source {name!r}; known: local, {', '.join(source_names())}")
    return out


def _progress(enabled: bool, console: Console | None) -> Progress | AbstractContextManager[None]:
    if not enabled:
        return nullcontext()
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console or Console(stderr=True),
        transient=False,
    )


async def _crawl(
    catalog: Catalog,
    settings: Settings,
    sources: list[tuple[str, str | None]],
    *,
    discover_only: bool,
    worker: bool,
    progress: bool,
    transport: httpx.AsyncBaseTransport | None,
    extractor: Extractor,
    concurrency: int,
    console: Console | None,
    idle_wait: float,
) -> CrawlSummary:
    summary = CrawlSummary()
    started = time.perf_counter()
    with catalog.session() as session, _progress(progress, console) as bar:
        run = start_run(
            session, "crawl", {**settings.public_dict(), "sources": [f"{n}:{a}" if a else n for n, a in sources]}
        )
        summary.run_id = run.id
        status = "ok"
        async with PoliteClient(settings, transport=transport) as http:
            try:
                if not worker:
                    index = load_index(session)
                    for name, arg in sources:
                        spec = f"{name}:{arg}" if arg else name
                        task = bar.add_task(f"discover {spec}", total=None) if bar else None
                        if name == "local":
                            result = crawl_local(session, Path(arg or ""), run_id=run.id)
                            summary.found[spec] = result.servers
                            summary.add_tools(result.tools)
                            continue
                        try:
                            try:
                                source = get_source(name)
                            except ImportError as exc:
                                raise CrawlError(
                                    f"source {name!r} is not available in this installation: {exc}"
                                ) from exc
                            ctx = SourceContext(settings=settings, http=http, argument=arg)
                            stats = await discover_source(
                                session,
                                spec,
                                source,
                                ctx,
                                index,
                                run.id,
                                on_found=(lambda n, t=task: bar.update(t, completed=n)) if bar else (lambda n: None),
                            )
                        except Exception as exc:  # one failing source never stops the others
                            expected = (HttpError, RegistryNotConfigured, ValueError, OSError, UnknownSourceError)
                            message = (
                                str(exc)
                                if isinstance(exc, expected + (CrawlError,))
                                else f"{type(exc).__name__}: {exc}"
                            )
                            session.rollback()
                            summary.source_errors[spec] = message
                            record_problem(session, subject=spec, stage="discover", message=message, run_id=run.id)
                            continue
                        if bar and task is not None:
                            bar.update(task, total=stats.found, completed=stats.found)
                        summary.found[spec] = stats.found
                        summary.servers_new += stats.new
                        summary.merged += stats.merged
                        summary.deleted += stats.deleted
                        summary.queued += stats.queued
                        summary.add_tools(stats.tools)
                if not discover_only:
                    queue.retry_failed(session)
                    if not worker and any(name != "local" for name, _ in sources):
                        # unversioned artifacts (repository HEAD, latest package) are revalidated each crawl
                        queue.refresh_unpinned(session)
                    pending = queue.counts(session).get("pending", 0)
                    task = bar.add_task("fetch", total=pending) if bar else None
                    fetched = await run_fetch_phase(
                        session,
                        http,
                        settings,
                        extractor,
                        run_id=run.id,
                        concurrency=concurrency,
                        on_progress=(lambda n: bar.update(task, completed=n)) if bar else (lambda n: None),
                        idle_wait=idle_wait if worker else 0.0,
                    )
                    summary.fetched = fetched.fetched
                    summary.from_cache = fetched.from_cache
                    summary.unchanged = fetched.unchanged
                    summary.no_tools = fetched.no_tools
                    summary.failed = fetched.failed
                    summary.add_tools(fetched.tools)
            except (KeyboardInterrupt, asyncio.CancelledError):
                status = "interrupted"
                session.rollback()
                queue.release_worker(session, worker_id())
                raise
            finally:
                summary.requests = http.stats.as_dict()
                summary.queue = queue.counts(session)
                summary.seconds = round(time.perf_counter() - started, 3)
                finish_run(session, run, summary.as_dict(), status=status)
    return summary


def crawl(
    catalog: Catalog,
    settings: Settings,
    sources: list[str],
    *,
    discover_only: bool = False,
    worker: bool = False,
    progress: bool = True,
    transport: httpx.AsyncBaseTransport | None = None,
    extractor: Extractor | None = None,
    concurrency: int | None = None,
    console: Console | None = None,
    idle_wait: float = 0.0,
) -> CrawlSummary:
    """Crawl the named sources into the catalog and return what happened.

    ``idle_wait`` (workers only): keep polling an empty queue this many seconds before returning.
    ``transport`` and ``extractor`` are for tests and benchmarks (a fixture server, a stand-in extractor).
    """
    parsed = parse_sources(sources)
    if not parsed and not worker:
        raise CrawlError("no source given: use --source registry, --source seeds:FILE, ... (or --worker)")
    return asyncio.run(
        _crawl(
            catalog,
            settings,
            parsed,
            discover_only=discover_only,
            worker=worker,
            progress=progress,
            transport=transport,
            extractor=extractor or default_extractor,
            concurrency=concurrency or max(4, settings.concurrency_per_host * 2),
            console=console,
            idle_wait=idle_wait,
        )
    )


def peak_memory_of(func: Any, *args: Any, **kwargs: Any) -> tuple[Any, int]:
    """Run ``func`` and return its result and the peak Python memory it allocated (bytes)."""
    tracemalloc.start()
    try:
        result = func(*args, **kwargs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak
