"""The only schema of the catalog (SQLModel). Every stage reads and writes these tables and nothing else.

Natural keys carry uniqueness (server slug, (server, tool name), fetch URL, work-item key) so that every
stage can upsert and re-run without creating duplicates.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Timezone-aware UTC: SQLModel refuses naive datetimes, and PostgreSQL keeps the zone."""
    return datetime.now(UTC)


def _json(default: Any = None) -> Any:
    factory = (lambda: list(default)) if isinstance(default, list) else (lambda: dict(default or {}))
    if default is None:
        return Field(default=None, sa_column=Column(JSON, nullable=True))
    return Field(default_factory=factory, sa_column=Column(JSON, nullable=False))


class SchemaMeta(SQLModel, table=True):
    """One row: the schema version this database was created or upgraded to."""

    __tablename__ = "schema_meta"
    id: int = Field(default=1, primary_key=True)
    version: int
    app_version: str = ""
    upgraded_at: datetime = Field(default_factory=utcnow)


class Server(SQLModel, table=True):
    __tablename__ = "server"
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(index=True, unique=True, max_length=200)
    name: str = Field(default="", max_length=300)  # registry name (io.github.x/y) or package/display name
    title: str | None = None
    description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    version: str | None = None
    repository_url: str | None = Field(default=None, index=True)  # normalised https://github.com/owner/repo
    repository_subfolder: str | None = None
    # [{"registry_type": "npm"|"pypi"|"oci"|..., "identifier": str, "version": str|None, ...}]
    packages: list[dict[str, Any]] = _json([])
    remotes: list[dict[str, Any]] = _json([])
    env_vars: list[dict[str, Any]] = _json([])  # [{"name", "is_secret", "description"}]
    license: str | None = None
    stars: int | None = None
    archived: bool | None = None
    default_branch: str | None = None
    pushed_at: datetime | None = None
    status: str = Field(default="active", index=True)  # active | deprecated | deleted
    sources: list[str] = _json([])  # every source that found it: registry, github, npm, local, dump:docker...
    # Where the current tool list came from: "package:npm:name@1.2.3", "github:owner/repo@sha", "local:...",
    # "dump:docker", "live:stdio"...
    tools_origin: str | None = None
    unresolved: list[dict[str, Any]] = _json([])  # dynamic tool names the extractor could not resolve
    extra: dict[str, Any] = _json({})  # source-specific metadata kept verbatim (categories, list entries...)
    first_seen: datetime = Field(default_factory=utcnow)
    last_seen: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ServerSource(SQLModel, table=True):
    """One row per (server, source) sighting, so a merged server remembers every place it was found."""

    __tablename__ = "server_source"
    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_server_source"),)
    id: int | None = Field(default=None, primary_key=True)
    server_id: int = Field(foreign_key="server.id", index=True)
    source: str = Field(max_length=60)
    external_id: str = Field(max_length=500)  # the key of the server in that source
    url: str | None = None
    data: dict[str, Any] = _json({})
    first_seen: datetime = Field(default_factory=utcnow)
    last_seen: datetime = Field(default_factory=utcnow)


class Tool(SQLModel, table=True):
    __tablename__ = "tool"
    __table_args__ = (UniqueConstraint("server_id", "name", name="uq_tool_server_name"),)
    id: int | None = Field(default=None, primary_key=True)
    server_id: int = Field(foreign_key="server.id", index=True)
    name: str = Field(max_length=500)
    title: str | None = None
    description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    input_schema: dict[str, Any] | None = _json()
    output_schema: dict[str, Any] | None = _json()
    # Declared annotations verbatim; a key absent here is "not declared" (tri-state with true/false).
    annotations: dict[str, Any] = _json({})
    origin: str = Field(default="static", max_length=40)  # static | package | live | dump
    origin_detail: str | None = None  # file:line, package@version, dump name...
    conditional: str | None = None  # why the tool is only sometimes registered
    fingerprint: str = Field(max_length=64, index=True)
    present: bool = Field(default=True, index=True)  # false once a crawl no longer finds it
    first_seen: datetime = Field(default_factory=utcnow)
    last_seen: datetime = Field(default_factory=utcnow)


class ToolChange(SQLModel, table=True):
    __tablename__ = "tool_change"
    id: int | None = Field(default=None, primary_key=True)
    server_id: int = Field(foreign_key="server.id", index=True)
    tool_id: int | None = Field(default=None, foreign_key="tool.id", index=True)
    tool_name: str = Field(max_length=500)
    run_id: int | None = Field(default=None, foreign_key="run.id", index=True)
    kind: str = Field(max_length=16)  # added | changed | removed
    before_fingerprint: str | None = None
    after_fingerprint: str | None = None
    changed_fields: list[str] = _json([])
    before: dict[str, Any] | None = _json()  # the canonical definition before (None when added)
    after: dict[str, Any] | None = _json()
    at: datetime = Field(default_factory=utcnow, index=True)


class Classification(SQLModel, table=True):
    __tablename__ = "classification"
    __table_args__ = (UniqueConstraint("tool_id", "classifier_version", name="uq_classification"),)
    id: int | None = Field(default=None, primary_key=True)
    tool_id: int = Field(foreign_key="tool.id", index=True)
    classifier_version: str = Field(max_length=40)
    tool_fingerprint: str = Field(max_length=64)  # the definition that was classified
    category: str = Field(max_length=20, index=True)
    risk: str = Field(max_length=10, index=True)
    capabilities: list[str] = _json([])
    confidence: float = 0.0
    evidence: list[dict[str, Any]] = _json([])
    rationale: str = ""
    inferred_hints: dict[str, Any] = _json({})
    hint_mismatches: list[dict[str, Any]] = _json([])
    integrity: list[dict[str, Any]] = _json([])
    created_at: datetime = Field(default_factory=utcnow)


# The classification columns the classifier produces (the rest say which tool, definition and version):
# the classify stage writes exactly these and the site reads them, so they are named once, here.
CLASSIFICATION_RESULT_FIELDS = (
    "category",
    "risk",
    "capabilities",
    "confidence",
    "evidence",
    "rationale",
    "inferred_hints",
    "hint_mismatches",
    "integrity",
)


class Run(SQLModel, table=True):
    __tablename__ = "run"
    id: int | None = Field(default=None, primary_key=True)
    stage: str = Field(max_length=40, index=True)  # crawl | classify | build | ...
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    status: str = Field(default="running", max_length=16)  # running | ok | failed | interrupted
    settings: dict[str, Any] = _json({})
    summary: dict[str, Any] = _json({})


class Fetch(SQLModel, table=True):
    """HTTP cache and fetch log: one row per URL, revalidated with ETag / Last-Modified."""

    __tablename__ = "fetch"
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(unique=True, index=True)
    status_code: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    content_type: str | None = None
    size: int | None = None
    body_path: str | None = None  # file in the on-disk cache
    fetched_at: datetime = Field(default_factory=utcnow)
    error: str | None = None


class WorkItem(SQLModel, table=True):
    """The crawl queue. Workers claim items (SKIP LOCKED on PostgreSQL); a dead worker's claim expires."""

    __tablename__ = "work_item"
    __table_args__ = (Index("ix_work_item_status_kind", "status", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=600)  # e.g. "fetch:npm:@scope/name"
    kind: str = Field(max_length=40)
    payload: dict[str, Any] = _json({})
    status: str = Field(default="pending", max_length=16)  # pending | claimed | done | failed
    attempts: int = 0
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    last_error: str | None = None
    run_id: int | None = Field(default=None, foreign_key="run.id")
    updated_at: datetime = Field(default_factory=utcnow)


class Problem(SQLModel, table=True):
    """A recorded failure (fetch, archive, parse...): the crawl goes on, the operator can see what broke."""

    __tablename__ = "problem"
    id: int | None = Field(default=None, primary_key=True)
    run_id: int | None = Field(default=None, foreign_key="run.id", index=True)
    server_id: int | None = Field(default=None, foreign_key="server.id", index=True)
    subject: str = Field(max_length=1000)  # URL, path, package...
    stage: str = Field(max_length=40)  # fetch | archive | extract | classify | build ...
    message: str = Field(sa_column=Column(Text, nullable=False))
    at: datetime = Field(default_factory=utcnow)
