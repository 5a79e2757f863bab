"""Catalog counts: what `mcp-catalog stats` prints, and what operators watch between crawls."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from catalog.models import Classification, Problem, Server, ServerSource, Tool, ToolChange, WorkItem
from catalog.queries import latest_classification_ids


def catalog_stats(session: Session, classifier_version: str | None = None) -> dict[str, Any]:
    servers_by_status = dict(session.exec(select(Server.status, func.count()).group_by(Server.status)).all())
    by_source = dict(
        session.exec(
            select(ServerSource.source, func.count(func.distinct(ServerSource.server_id))).group_by(ServerSource.source)
        ).all()
    )
    tools = session.exec(select(func.count()).select_from(Tool).where(Tool.present)).one()
    tools_removed = session.exec(select(func.count()).select_from(Tool).where(Tool.present == False)).one()  # noqa: E712
    cls = (
        select(Classification.category, Classification.risk, func.count())
        .join(Tool, Tool.id == Classification.tool_id)
        .where(Tool.present)
    )
    if classifier_version:
        cls = cls.where(Classification.classifier_version == classifier_version)
    else:
        cls = cls.where(Classification.id.in_(latest_classification_ids()))  # type: ignore[union-attr]
    by_category: dict[str, int] = {}
    by_risk: dict[str, int] = {}
    for category, risk, n in session.exec(cls.group_by(Classification.category, Classification.risk)).all():
        by_category[category] = by_category.get(category, 0) + n
        by_risk[risk] = by_risk.get(risk, 0) + n
    changes = dict(session.exec(select(ToolChange.kind, func.count()).group_by(ToolChange.kind)).all())
    problems = dict(session.exec(select(Problem.stage, func.count()).group_by(Problem.stage)).all())
    work: dict[str, dict[str, int]] = {}
    for kind, status, n in session.exec(
        select(WorkItem.kind, WorkItem.status, func.count()).group_by(WorkItem.kind, WorkItem.status)
    ).all():
        work.setdefault(kind, {})[status] = n
    origins: dict[str, int] = {}
    for origin, n in session.exec(select(Server.tools_origin, func.count()).group_by(Server.tools_origin)).all():
        key = (
            (origin or "none").split(":", 1)[0]
            if not (origin or "").startswith("package:")
            else ":".join(origin.split(":")[:2])
        )
        origins[key] = origins.get(key, 0) + n
    return {
        "servers": sum(servers_by_status.values()),
        "servers_by_status": dict(sorted(servers_by_status.items())),
        "servers_by_source": dict(sorted(by_source.items())),
        "tools": tools,
        "tools_removed": tools_removed,
        "tools_classified": sum(by_category.values()),
        "tools_by_category": dict(sorted(by_category.items())),
        "tools_by_risk": dict(sorted(by_risk.items())),
        "changes_by_kind": dict(sorted(changes.items())),
        "problems_by_stage": dict(sorted(problems.items())),
        "servers_by_tools_origin": dict(sorted(origins.items())),  # package:npm, package:pypi, github, dump, none
        "work_queue": {k: dict(sorted(v.items())) for k, v in sorted(work.items())},  # crawl queue by kind, status
    }
