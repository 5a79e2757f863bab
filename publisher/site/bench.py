"""`mcp-catalog bench site`: full and incremental builds of a synthetic catalog, as figures.

The synthetic catalog (catalog/synthetic.py) has no classifications, so this derives plausible ones
quickly from the generator's own vocabulary (the verb's kind gives the category, parameter names and the
domain give capabilities) and runs them through the rubric in catalog.taxonomy. They exist only to give
the pages realistic content; nothing here is presented as a real classification.
"""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlmodel import Session

from catalog.config import Settings
from catalog.db import Catalog
from catalog.models import Classification, Run, Tool, ToolChange, utcnow
from catalog.synthetic import VERBS, populate
from catalog.taxonomy import inferred_hints, risk_for
from publisher.site.builder import build_site

KIND_CATEGORY = {
    "read": "Read",
    "write": "Write",
    "destructive": "Destructive",
    "execute": "Execute",
    "financial": "Financial",
}
PARAM_CAPS = {
    "command": "code_execution",
    "sql": "code_execution",
    "url": "network_egress",
    "recipient": "sends_communication",
    "path": "filesystem",
}
DOMAIN_CAPS = {
    "gmail": "private_data",
    "slack": "untrusted_content",
    "aws": "infrastructure",
    "kubernetes": "infrastructure",
    "docker": "infrastructure",
    "browser": "untrusted_content",
}
_VERB_KIND = sorted(((v, k) for k, verbs in VERBS.items() for v in verbs), key=lambda p: -len(p[0]))


def fake_label(name: str, schema: dict[str, Any] | None, domain: str) -> tuple[str, list[str]]:
    """Category and capabilities for a synthetic tool, from the words the generator used."""
    snake = "".join("_" + c.lower() if c.isupper() else c for c in name).replace("-", "_")
    kind = next((k for verb, k in _VERB_KIND if snake.startswith(verb + "_")), "read")
    props = (schema or {}).get("properties") or {}
    caps = sorted(
        {PARAM_CAPS[p] for p in props if p in PARAM_CAPS} | ({DOMAIN_CAPS[domain]} if domain in DOMAIN_CAPS else set())
    )
    return KIND_CATEGORY[kind], caps


def classify_synthetic(session: Session, tool_ids: list[int] | None = None, version: str = "bench-1") -> int:
    """Insert one classification per (given) tool, in bulk."""
    table = Tool.__table__
    query = select(table.c.id, table.c.name, table.c.input_schema, table.c.fingerprint, table.c.server_id)
    if tool_ids is not None:
        query = query.where(table.c.id.in_(tool_ids))
    from catalog.models import Server

    slugs = dict(session.connection().execute(select(Server.__table__.c.id, Server.__table__.c.slug)).all())
    rows = []
    now = utcnow()
    for tool_id, name, schema, fp, server_id in session.connection().execute(query):
        domain = slugs[server_id].split("-")[1]
        category, caps = fake_label(name, schema, domain)
        rows.append(
            {
                "tool_id": tool_id,
                "classifier_version": version,
                "tool_fingerprint": fp,
                "category": category,
                "risk": risk_for(category, caps).value,
                "capabilities": caps,
                "confidence": 0.8,
                "evidence": [
                    {"source": "name", "rule": "synthetic-verb", "signal": name.split("_")[0], "supports": category}
                ],
                "rationale": f"{category}: synthetic benchmark label from the tool name.",
                "inferred_hints": inferred_hints(category, caps),
                "hint_mismatches": [],
                "integrity": [],
                "created_at": now,
            }
        )
    for n in range(0, len(rows), 5000):
        session.execute(insert(Classification.__table__), rows[n : n + 5000])
    session.commit()
    return len(rows)


def change_fraction(session: Session, fraction: float = 0.01, version: str = "bench-2") -> int:
    """Change the description of every 1/fraction-th tool, reclassify it (new version) and record the change."""
    table = Tool.__table__
    ids = [row[0] for row in session.connection().execute(select(table.c.id).order_by(table.c.id))]
    step = max(1, round(1 / fraction))
    chosen = ids[::step]
    run = Run(stage="crawl", status="ok", finished_at=utcnow())
    session.add(run)
    session.flush()
    now = utcnow()
    rows = (
        session.connection()
        .execute(
            select(table.c.id, table.c.server_id, table.c.name, table.c.description, table.c.fingerprint).where(
                table.c.id.in_(chosen)
            )
        )
        .all()
    )
    for tool_id, _server_id, _name, description, fp in rows:
        session.execute(
            update(table)
            .where(table.c.id == tool_id)
            .values(description=(description or "") + " Also sends a notification to the owner.", fingerprint=fp[::-1])
        )
    session.execute(
        insert(ToolChange.__table__),
        [
            {
                "server_id": s,
                "tool_id": t,
                "tool_name": n,
                "run_id": run.id,
                "kind": "changed",
                "before_fingerprint": fp,
                "after_fingerprint": fp[::-1],
                "changed_fields": ["description"],
                "at": now,
            }
            for t, s, n, _d, fp in rows
        ],
    )
    session.commit()
    classify_synthetic(session, [r[0] for r in rows], version=version)
    return len(rows)


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (the build workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _timed_build(session: Session, settings: Settings, out: Path, workers: int | None) -> dict[str, Any]:
    """A build plus the CPU seconds it used: on a shared machine wall time alone says little."""
    before = _cpu_seconds()
    summary = build_site(session, settings, out, workers=workers)
    cpu = _cpu_seconds() - before
    summary["cpu_seconds"] = round(cpu, 3)
    summary["pages_per_cpu_second"] = round(summary["pages"] / cpu, 1) if cpu else 0.0
    return summary


def _search_index_size(out: Path) -> dict[str, Any]:
    """Total and largest shard of the search index: what a visitor's query may download."""
    sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in (out / "search").rglob("*.js")}
    terms = [v for k, v in sizes.items() if k.startswith("search/t/")]
    docs = [v for k, v in sizes.items() if k.startswith("search/d/")]
    return {
        "files": len(sizes),
        "total_kb": round(sum(sizes.values()) / 1024, 1),
        "largest_term_shard_kb": round(max(terms, default=0) / 1024, 1),
        "largest_doc_shard_kb": round(max(docs, default=0) / 1024, 1),
    }


def _peak_mb() -> dict[str, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_parent_mb": round(me, 1), "peak_rss_worker_mb": round(children, 1)}


def _write_policies(session: Session, settings: Settings, log: Callable[[str], None]) -> dict[str, Any]:
    """The policies stage on the synthetic catalog (untimed), as `mcp-catalog build` runs it before the site."""
    from publisher.policy.writer import write_all_policies

    t = time.perf_counter()
    summary = write_all_policies(session, settings, settings.policies_dir)
    log(f"policies: {summary['files_written']} files written ({time.perf_counter() - t:.1f}s, not part of the figures)")
    return summary


def run_site_bench(
    servers: int,
    seed: int = 0,
    workers: int | None = None,
    keep: Path | None = None,
    log: Callable[[str], None] = print,
    policies: bool = False,
) -> dict[str, Any]:
    """Populate, classify, full build, 1% change, incremental build, no-change build; returns the figures.

    `policies`: generate the recommended policies first, as a real build does, so tool pages carry their
    snippets in every format and server pages their downloads (the site copies 15 files per server).
    """
    tmp = Path(tempfile.mkdtemp(prefix="mcp-site-bench-"))
    try:
        catalog = Catalog(str(tmp / "bench.db"))
        out = keep or tmp / "site"
        policies_dir = tmp / ("policies" if policies else "no-policies")
        settings = Settings(db=str(tmp / "bench.db"), policies_dir=policies_dir)
        with catalog.session() as session:
            t = time.perf_counter()
            counts = populate(session, servers, seed)
            classified = classify_synthetic(session)
            log(
                f"synthetic catalog: {counts['servers']} servers, {counts['tools']} tools ({time.perf_counter() - t:.1f}s)"
            )
            if policies:
                _write_policies(session, settings, log)
            full = _timed_build(session, settings, out, workers)
            log(f"full build: {full['pages']} pages in {full['seconds']}s ({full['pages_per_second']} pages/s)")
            search = _search_index_size(out)
            changed = change_fraction(session, 0.01)
            if policies:
                _write_policies(session, settings, log)
            incremental = _timed_build(session, settings, out, workers)
            log(
                f"incremental build after {changed} tool changes: {incremental['seconds']}s, {incremental['written']} files written"
            )
            again = _timed_build(session, settings, out, workers)
        catalog.dispose()
        return {
            "servers": counts["servers"],
            "tools": counts["tools"],
            "classified": classified,
            "policies": policies,
            "full": {
                k: full[k]
                for k in (
                    "pages",
                    "files",
                    "written",
                    "seconds",
                    "load_seconds",
                    "pages_per_second",
                    "cpu_seconds",
                    "pages_per_cpu_second",
                    "workers",
                )
            },
            "incremental": {"tools_changed": changed}
            | {
                k: incremental[k]
                for k in (
                    "written",
                    "rendered",
                    "unchanged",
                    "removed",
                    "servers_changed",
                    "servers_skipped",
                    "artifacts_kept",
                    "seconds",
                    "load_seconds",
                    "cpu_seconds",
                )
            },
            "no_change": {k: again[k] for k in ("written", "rendered", "servers_skipped", "seconds", "cpu_seconds")},
            "machine_load_average": round(os.getloadavg()[0], 2),
            "search_index": search,
            **_peak_mb(),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
