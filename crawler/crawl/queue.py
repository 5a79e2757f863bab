"""The durable work queue on the WorkItem table.

Claims are one UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING statement: on PostgreSQL
concurrent workers on any machine never claim the same item; on SQLite the statement is atomic under the
database write lock. A claim carries a time; claims older than the lease are handed out again, so a worker
that dies loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import Session

from catalog.models import WorkItem, utcnow

FETCH = "fetch"
DEFAULT_LEASE = timedelta(minutes=15)
MAX_ATTEMPTS = 5


@dataclass
class Claimed:
    id: int
    key: str
    kind: str
    payload: dict[str, Any]
    attempts: int


def enqueue(session: Session, key: str, kind: str, payload: dict[str, Any], *, run_id: int | None = None) -> str:
    """Add or refresh an item. Returns "new", "requeued" (payload changed or refresh asked) or "unchanged".

    An item already done with the same payload stays done: discovery of an unchanged world enqueues nothing.
    Payloads with ``refresh: True`` (unversioned artifacts such as a repository HEAD) are re-queued each time;
    their fetch then costs only a conditional request.
    """
    item = session.execute(select(WorkItem).where(WorkItem.key == key)).scalars().first()
    if item is None:
        session.add(WorkItem(key=key, kind=kind, payload=payload, run_id=run_id))
        return "new"
    if item.status in ("pending", "claimed"):
        if item.payload != payload:
            item.payload = payload
            session.add(item)
        return "unchanged"
    if item.payload == payload and not payload.get("refresh") and item.status == "done":
        return "unchanged"
    item.payload = payload
    item.status = "pending"
    item.attempts = 0
    item.last_error = None
    item.claimed_by = None
    item.run_id = run_id
    item.updated_at = utcnow()
    session.add(item)
    return "requeued"


def requeue_expired(session: Session, lease: timedelta = DEFAULT_LEASE, *, all_claims: bool = False) -> int:
    """Hand out again the items whose claim is older than the lease (their worker died or hung)."""
    stmt = update(WorkItem).where(WorkItem.status == "claimed")
    if not all_claims:
        stmt = stmt.where(WorkItem.claimed_at < utcnow() - lease)
    result = session.execute(stmt.values(status="pending", claimed_by=None, updated_at=utcnow()))
    session.commit()
    return int(result.rowcount or 0)


def claim(session: Session, worker_id: str, *, kind: str = FETCH, limit: int = 1) -> list[Claimed]:
    """Atomically claim up to ``limit`` pending items for this worker."""
    pick = (
        select(WorkItem.id)
        .where(WorkItem.status == "pending", WorkItem.kind == kind)
        .order_by(WorkItem.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(WorkItem)
        .where(WorkItem.id.in_(pick.scalar_subquery()))  # type: ignore[union-attr]
        .values(
            status="claimed",
            claimed_by=worker_id,
            claimed_at=utcnow(),
            attempts=WorkItem.attempts + 1,
            updated_at=utcnow(),
        )
        .returning(WorkItem.id, WorkItem.key, WorkItem.kind, WorkItem.payload, WorkItem.attempts)
    )
    rows = session.execute(stmt).all()
    session.commit()
    return [Claimed(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def complete(session: Session, item_id: int, worker_id: str, *, error: str | None = None) -> None:
    """Mark done (or failed / back to pending for a retry). Only the claimant's claim counts."""
    item = session.get(WorkItem, item_id)
    if item is None or item.claimed_by != worker_id:
        return  # the lease expired and someone else owns it now
    if error is None:
        item.status = "done"
        item.last_error = None
    else:
        item.last_error = error[:2000]
        item.status = "failed"  # retried by the next crawl (retry_failed), not again in this one
    item.claimed_by = None
    item.updated_at = utcnow()
    session.add(item)
    session.commit()


def retry_failed(session: Session, max_attempts: int = MAX_ATTEMPTS) -> int:
    """At the start of a crawl: failed items that have attempts left go back to the queue."""
    stmt = (
        update(WorkItem)
        .where(WorkItem.status == "failed", WorkItem.attempts < max_attempts)
        .values(status="pending", updated_at=utcnow())
    )
    result = session.execute(stmt)
    session.commit()
    return int(result.rowcount or 0)


def refresh_unpinned(session: Session, kind: str = FETCH) -> int:
    """Queue again the done items whose artifact is unversioned (repository HEAD, latest package): their
    fetch revalidates with a conditional request and downloads only when something changed."""
    rows = session.execute(
        select(WorkItem.id, WorkItem.payload).where(WorkItem.status == "done", WorkItem.kind == kind)
    )
    ids = [item_id for item_id, payload in rows if (payload or {}).get("refresh")]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(
            update(WorkItem).where(WorkItem.id.in_(chunk)).values(status="pending", attempts=0, updated_at=utcnow())  # type: ignore[union-attr]
        )
    session.commit()
    return len(ids)


def release_worker(session: Session, worker_id: str) -> int:
    """Give back every claim of one worker (it is stopping: Ctrl-C), so nothing waits for the lease."""
    result = session.execute(
        update(WorkItem)
        .where(WorkItem.status == "claimed", WorkItem.claimed_by == worker_id)
        .values(status="pending", claimed_by=None, updated_at=utcnow())
    )
    session.commit()
    return int(result.rowcount or 0)


def release(session: Session, item_id: int, worker_id: str, error: str) -> None:
    """Give an item back without counting it as failed (rate limited: try later)."""
    item = session.get(WorkItem, item_id)
    if item is None or item.claimed_by != worker_id:
        return
    item.status = "pending"
    item.attempts = max(0, item.attempts - 1)
    item.last_error = error[:2000]
    item.claimed_by = None
    item.updated_at = utcnow()
    session.add(item)
    session.commit()


def counts(session: Session, kind: str = FETCH) -> dict[str, int]:
    rows = session.execute(
        select(WorkItem.status, func.count()).where(WorkItem.kind == kind).group_by(WorkItem.status)
    ).all()
    return {status: int(n) for status, n in rows}
