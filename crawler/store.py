"""Writing crawl results into the catalog: servers, tools, fingerprints and the change history.

Every function is an upsert on a natural key, so re-running a crawl never duplicates rows, and an
unchanged server records no change at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from catalog.models import Problem, Run, Server, ServerSource, Tool, ToolChange, utcnow
from catalog.records import CANONICAL_FIELDS, ToolRecord, canonical_definition, fingerprint
from catalog.slugs import slugify


@dataclass
class ToolSyncSummary:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    changes: list[tuple[str, str]] = field(default_factory=list)  # (kind, tool name)

    def merge(self, other: ToolSyncSummary) -> None:
        self.added += other.added
        self.changed += other.changed
        self.removed += other.removed
        self.unchanged += other.unchanged
        self.changes += other.changes

    def as_dict(self) -> dict[str, int]:
        return {"added": self.added, "changed": self.changed, "removed": self.removed, "unchanged": self.unchanged}


def start_run(session: Session, stage: str, settings: dict[str, Any] | None = None) -> Run:
    run = Run(stage=stage, settings=settings or {})
    session.add(run)
    session.commit()
    session.refresh(run)
    return run


def finish_run(session: Session, run: Run, summary: dict[str, Any], status: str = "ok") -> Run:
    run.finished_at = utcnow()
    run.summary = summary
    run.status = status
    session.add(run)
    session.commit()
    return run


def record_problem(
    session: Session,
    *,
    subject: str,
    stage: str,
    message: str,
    run_id: int | None = None,
    server_id: int | None = None,
) -> Problem:
    problem = Problem(subject=subject[:1000], stage=stage, message=message, run_id=run_id, server_id=server_id)
    session.add(problem)
    session.commit()
    return problem


def unique_slug(session: Session, wanted: str) -> str:
    base = slugify(wanted)
    slug, n = base, 2
    while session.exec(select(Server.id).where(Server.slug == slug)).first() is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def upsert_server(
    session: Session,
    *,
    slug: str | None = None,
    name: str,
    source: str,
    external_id: str | None = None,
    url: str | None = None,
    source_data: dict[str, Any] | None = None,
    **fields: Any,
) -> Server:
    """Find the server by slug, else by (source, external_id); create it if new. Updates given fields.

    Merging servers found by several sources (same repository, same package) is the crawler's job; this
    function only guarantees one row per key and that each source sighting is remembered.
    """
    server: Server | None = None
    ext = external_id or name
    if slug:
        server = session.exec(select(Server).where(Server.slug == slug)).first()
    if server is None:
        link = session.exec(
            select(ServerSource).where(ServerSource.source == source, ServerSource.external_id == ext)
        ).first()
        if link is not None:
            server = session.get(Server, link.server_id)
    now = utcnow()
    if server is None:
        server = Server(slug=slug or unique_slug(session, name), name=name, first_seen=now)
    for key, value in fields.items():
        if value is not None:
            setattr(server, key, value)
    server.last_seen = now
    server.updated_at = now
    if source not in server.sources:
        server.sources = sorted({*server.sources, source})
    session.add(server)
    session.flush()
    link = session.exec(
        select(ServerSource).where(ServerSource.source == source, ServerSource.external_id == ext)
    ).first()
    if link is None:
        link = ServerSource(server_id=server.id, source=source, external_id=ext, url=url, data=source_data or {})
    else:
        link.last_seen = now
        link.server_id = server.id  # type: ignore[assignment]
        if source_data is not None:
            link.data = source_data
        if url:
            link.url = url
    session.add(link)
    session.commit()
    session.refresh(server)
    return server


def _tool_canonical(tool: Tool) -> dict[str, Any]:
    return canonical_definition(
        name=tool.name,
        title=tool.title,
        description=tool.description,
        input_schema=tool.input_schema,
        output_schema=tool.output_schema,
        annotations=tool.annotations,
    )


def sync_tools(
    session: Session,
    server: Server,
    records: list[ToolRecord],
    *,
    run_id: int | None = None,
    origin_label: str | None = None,
    complete: bool = True,
) -> ToolSyncSummary:
    """Make the server's present tools equal to ``records`` and log every difference as a ToolChange.

    ``complete=False`` means the list is partial (e.g. one file of many): tools not in it are kept.
    Duplicate names in ``records`` (read-only and read-write variants of one tool) count once: the first wins.
    """
    summary = ToolSyncSummary()
    now = utcnow()
    existing = {t.name: t for t in session.exec(select(Tool).where(Tool.server_id == server.id)).all()}
    seen: set[str] = set()
    # Changes are collected and flushed once per server (not once per tool): new tools get their ids in one go.
    pending: list[tuple[Tool, ToolChange]] = []
    for rec in records:
        if rec.name in seen:
            continue
        seen.add(rec.name)
        canon = rec.canonical()
        fp = fingerprint(canon)
        origin_detail = f"{rec.file}:{rec.line}" if rec.file and rec.line else (rec.file or origin_label)
        tool = existing.get(rec.name)
        if tool is None:
            tool = Tool(server_id=server.id, name=rec.name, fingerprint=fp, first_seen=now)
            kind: str | None = "added"
            before = None
        elif not tool.present:
            kind, before = "added", None
        elif tool.fingerprint != fp:
            kind, before = "changed", _tool_canonical(tool)
        else:
            kind, before = None, None
        before_fp = tool.fingerprint if kind == "changed" else None
        tool.title = rec.title
        tool.description = rec.description
        tool.input_schema = rec.input_schema
        tool.output_schema = rec.output_schema
        tool.annotations = dict(rec.annotations or {})
        tool.origin = rec.origin
        tool.origin_detail = origin_detail
        tool.conditional = rec.conditional
        tool.fingerprint = fp
        tool.present = True
        tool.last_seen = now
        session.add(tool)
        if kind is None:
            summary.unchanged += 1
            continue
        changed_fields = (
            [f for f in CANONICAL_FIELDS if (before or {}).get(f) != canon.get(f)] if before else list(CANONICAL_FIELDS)
        )
        change = ToolChange(
            server_id=server.id,
            tool_name=rec.name,
            run_id=run_id,
            kind=kind,
            before_fingerprint=before_fp,
            after_fingerprint=fp,
            changed_fields=changed_fields,
            before=before,
            after=canon,
            at=now,
        )
        pending.append((tool, change))
        summary.changes.append((kind, rec.name))
        if kind == "added":
            summary.added += 1
        else:
            summary.changed += 1
    if pending:
        session.flush()
        for tool, change in pending:
            change.tool_id = tool.id
            session.add(change)
    if complete:
        for name, tool in existing.items():
            if name in seen or not tool.present:
                continue
            tool.present = False
            session.add(tool)
            session.add(
                ToolChange(
                    server_id=server.id,
                    tool_id=tool.id,
                    tool_name=name,
                    run_id=run_id,
                    kind="removed",
                    before_fingerprint=tool.fingerprint,
                    after_fingerprint=None,
                    changed_fields=[],
                    before=_tool_canonical(tool),
                    after=None,
                    at=now,
                )
            )
            summary.removed += 1
            summary.changes.append(("removed", name))
    if origin_label:
        server.tools_origin = origin_label
        session.add(server)
    session.commit()
    return summary
