"""Read helpers shared by the publisher and scan: the catalog as the later stages see it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, func
from sqlmodel import Session, select

from catalog.models import Classification, Server, Tool


def latest_classification_ids() -> Select:
    """A subquery of the newest classification id per tool: the one the catalog shows."""
    return select(func.max(Classification.id)).group_by(Classification.tool_id)


def latest_classifications(session: Session, tool_ids: Iterable[int] | None = None) -> dict[int, Classification]:
    """The newest classification of each tool (highest id), keyed by tool id."""
    query = select(Classification).where(Classification.id.in_(latest_classification_ids()))  # type: ignore[union-attr]
    if tool_ids is not None:
        ids = list(tool_ids)
        if not ids:
            return {}
        query = query.where(Classification.tool_id.in_(ids))  # type: ignore[attr-defined]
    return {c.tool_id: c for c in session.exec(query).all()}


def published_servers(session: Session) -> list[Server]:
    """Servers that appear on the site and get policies: not deleted."""
    return list(session.exec(select(Server).where(Server.status != "deleted").order_by(Server.slug)).all())


def present_tools(session: Session, server_id: int) -> list[Tool]:
    return list(session.exec(select(Tool).where(Tool.server_id == server_id, Tool.present).order_by(Tool.name)).all())
