"""Load the published part of the catalog into plain dicts, once, with bulk column queries.

The builder renders 100,000 pages in worker processes forked from the parent, so the data is kept as
plain, picklable Python values (no ORM objects, no open session) that the children share copy-on-write.
Bulk `select` of columns instead of ORM entities keeps loading a 100k-tool catalog within a second or two.
"""

from __future__ import annotations

import hashlib
import json
import marshal
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Text, cast, func, select
from sqlmodel import Session

from catalog.models import CLASSIFICATION_RESULT_FIELDS, Classification, Server, Tool, ToolChange
from catalog.slugs import tool_slug

SERVER_COLUMNS = (
    "id",
    "slug",
    "name",
    "title",
    "description",
    "version",
    "repository_url",
    "repository_subfolder",
    "packages",
    "remotes",
    "env_vars",
    "license",
    "stars",
    "archived",
    "status",
    "sources",
    "tools_origin",
    "first_seen",
    "last_seen",
)
TOOL_COLUMNS = (
    "id",
    "server_id",
    "name",
    "title",
    "origin",
    "origin_detail",
    "conditional",
    "fingerprint",
    "first_seen",
    "last_seen",
)
# A tool's definition, shown only on its own pages and its server's (and, cleaned, in llms-full.txt):
# the fingerprint covers all of it (description included) in every key, so a rebuild loads these only
# for the servers it re-renders (see `load_definitions`). The description is the heaviest text of a
# tool; reading it for 100k unchanged tools was a large part of a rebuild's fixed cost.
DEFINITION_COLUMNS = ("description", "input_schema", "output_schema", "annotations")
CLASSIFICATION_COLUMNS = (
    "id",
    "tool_id",
    "classifier_version",
    "tool_fingerprint",
    *CLASSIFICATION_RESULT_FIELDS,
    "created_at",
)
CHANGE_COLUMNS = ("id", "server_id", "tool_name", "run_id", "kind", "changed_fields", "at")
MAX_CHANGES_PER_TOOL = 20
# JSON columns fetched as text and decoded only for pages that are rendered: decoding every schema and
# evidence list of a 100k-tool catalog would take seconds that an incremental rebuild does not have.
LAZY_JSON = frozenset(
    {"input_schema", "output_schema", "annotations", "evidence", "inferred_hints", "hint_mismatches", "integrity"}
)


def iso(value: datetime | str | None) -> str | None:
    """Dates as ISO-8601 UTC strings: SQLite returns naive datetimes, PostgreSQL aware ones."""
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class SiteData:
    """Everything the site shows, as plain values keyed by ids, servers sorted by slug."""

    servers: list[dict[str, Any]] = field(default_factory=list)
    tools: dict[int, dict[str, Any]] = field(default_factory=dict)
    changes: list[dict[str, Any]] = field(default_factory=list)  # newest first
    generated_at: str = "1970-01-01T00:00:00Z"

    @property
    def tool_count(self) -> int:
        return len(self.tools)


# Short JSON values that repeat across rows (capability lists): decoded once per distinct text.
SMALL_JSON = frozenset({"capabilities"})


@lru_cache(maxsize=4096)
def _small_json_text(text: str) -> Any:
    return json.loads(text)


def _small_json(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        decoded = _small_json_text(value)
    except ValueError:
        return []
    return list(decoded) if isinstance(decoded, list) else decoded


DATE_COLUMNS = frozenset({"first_seen", "last_seen", "created_at", "at"})
# Other JSON columns the site shows decoded (server facts, a change's field list) and boolean columns
# (SQLite hands them out as 0/1).
JSON_COLUMNS = frozenset({"packages", "remotes", "env_vars", "sources", "changed_fields"})
BOOL_COLUMNS = frozenset({"archived"})


def _json_value(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return None


SQLITE_ISO = "%Y-%m-%dT%H:%M:%SZ"  # what `iso` makes of a date, in SQLite's strftime


def _fetch(session: Session, model: Any, columns: tuple[str, ...], *where: Any) -> list[tuple[Any, ...]]:
    """Rows as plain tuples straight from the DB-API cursor.

    SQLAlchemy's per-row result processing costs several times the fetch itself over 100k rows, so the
    columns that would need it (JSON, SQLite dates) are selected as text and converted by the caller.
    """
    table = model.__table__
    sqlite = session.get_bind().dialect.name == "sqlite"
    selected = []
    for c in columns:
        if sqlite and c in DATE_COLUMNS:
            # SQLite keeps UTC dates as text; it formats them as ISO-8601 faster than Python parses them.
            selected.append(func.strftime(SQLITE_ISO, table.c[c]))
        elif c in LAZY_JSON or c in SMALL_JSON or c in JSON_COLUMNS:
            selected.append(cast(table.c[c], Text))
        else:
            selected.append(table.c[c])
    query = select(*selected)
    for clause in where:
        query = query.where(clause)
    result = session.connection().execute(query)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _rows(
    session: Session, model: Any, columns: tuple[str, ...], *where: Any, raw: list[tuple[Any, ...]] | None = None
) -> list[dict[str, Any]]:
    """`_fetch` as dicts, with dates as ISO strings and short JSON values decoded; `raw` receives the
    rows as fetched (for digests of what the database holds)."""
    fetched = _fetch(session, model, columns, *where)
    if raw is not None:
        raw.extend(fetched)
    rows = [dict(zip(columns, row, strict=True)) for row in fetched]
    sqlite = session.get_bind().dialect.name == "sqlite"
    dates = [] if sqlite else [c for c in columns if c in DATE_COLUMNS]
    decoded = [c for c in columns if c in SMALL_JSON or c in JSON_COLUMNS]
    flags = [c for c in columns if c in BOOL_COLUMNS]
    for row in rows:
        for c in dates:
            row[c] = iso(row[c])
        for c in decoded:
            row[c] = _small_json(row[c]) if c in SMALL_JSON else _json_value(row[c])
        for c in flags:
            row[c] = None if row[c] is None else bool(row[c])
    return rows


def _latest_classification_rows(session: Session, raw: list[tuple[Any, ...]] | None = None) -> list[dict[str, Any]]:
    """Columns of the newest classification per tool (the same rule as catalog.queries).

    All of them, the explanation too: a classifier may rewrite a row in place, so only its whole text
    tells whether it changed (as JSON text: decoded only for pages that are rendered)."""
    table = Classification.__table__
    latest = select(func.max(table.c.id)).group_by(table.c.tool_id)
    return _rows(session, Classification, CLASSIFICATION_COLUMNS, table.c.id.in_(latest), raw=raw)


def load_site_data(session: Session, definitions: bool = True) -> SiteData:
    """Published servers, their present tools with the latest classification, and the change history.

    `definitions=False` leaves out the tools' descriptions, schemas and annotations (the heaviest
    columns); call `load_definitions` for the tools whose pages are rendered.
    """
    raw_servers: list[tuple[Any, ...]] = []
    raw_tools: list[tuple[Any, ...]] = []
    raw_cls: list[tuple[Any, ...]] = []
    servers = _rows(session, Server, SERVER_COLUMNS, Server.__table__.c.status != "deleted", raw=raw_servers)
    servers.sort(key=lambda s: s["slug"])
    by_id = {s["id"]: s for s in servers}
    newest: list[str] = []
    for server in servers:
        server["tool_ids"] = []
        newest.append(server["last_seen"] or "")
    tools: dict[int, dict[str, Any]] = {}
    columns = TOOL_COLUMNS + DEFINITION_COLUMNS if definitions else TOOL_COLUMNS
    tool_rows = _rows(session, Tool, columns, Tool.__table__.c.present.is_(True), raw=raw_tools)
    tool_rows.sort(key=lambda t: (t["server_id"], t["name"]))
    for tool in tool_rows:
        server = by_id.get(tool["server_id"])
        if server is None:
            continue
        tool["server_slug"] = server["slug"]
        tool["cls"] = None
        tool["changes"] = []
        tools[tool["id"]] = tool
        server["tool_ids"].append(tool["id"])
    slugs: dict[str, str] = {}  # tool names repeat across servers: slugify each distinct name once
    for server in servers:
        _assign_tool_slugs(server, tools, slugs)
    for cls in _latest_classification_rows(session, raw_cls):
        tool = tools.get(cls.pop("tool_id"))
        if tool is not None:
            cls["stale"] = cls["tool_fingerprint"] != tool["fingerprint"]
            tool["cls"] = cls
            newest.append(cls["created_at"] or "")
    changes = _load_changes(session, by_id, tools)
    _raw_digests(servers, tools, changes, (raw_servers, raw_tools, raw_cls))
    newest += [c["at"] for c in changes[:1]]
    generated = max([n for n in newest if n], default="1970-01-01T00:00:00Z")
    return SiteData(servers=servers, tools=tools, changes=changes, generated_at=generated)


def _raw_digests(
    servers: list[dict[str, Any]],
    tools: dict[int, dict[str, Any]],
    changes: list[dict[str, Any]],
    raw: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]],
) -> None:
    """Set `server["_raw"]`: a digest of every row of the server as fetched (its own fields, its present
    tools' columns, their classifications, the ids of its changes).

    Every file of a server is made from these plus links to other servers' tools and servers, so a
    rebuild compares this digest, not the files' inputs, to know which servers' rows changed. Only the
    light columns of a tool count, so that a build with and one without its definition agree: the
    tool's fingerprint stands for it.
    """
    tool_width = len(TOOL_COLUMNS)
    raw_servers, raw_tools, raw_cls = raw
    rows: dict[int, list[Any]] = {s["id"]: [[], [], []] for s in servers}
    for row in raw_servers:  # SERVER_COLUMNS start with the id
        if row[0] in rows:
            rows[row[0]][0].append(row)
    for row in raw_tools:  # TOOL_COLUMNS start with the id and the server id
        if row[1] in rows and row[0] in tools:
            rows[row[1]][1].append(row[:tool_width])
    for row in raw_cls:  # CLASSIFICATION_COLUMNS start with the id and the tool id
        tool = tools.get(row[1])
        if tool is not None:
            rows[tool["server_id"]][2].append(row)
    for change in changes:
        rows[change["server_id"]].append(change["id"])
    for server in servers:
        parts = rows[server["id"]]
        parts[1].sort()
        parts[2].sort()
        server["_raw"] = hashlib.blake2b(_serialise(parts), digest_size=12).hexdigest()


def _serialise(value: Any) -> bytes:
    """Bytes that are equal exactly when the fetched values are: marshal's format 2 writes values, not
    object identities (later formats share repeated objects), and is several times faster than repr.
    Values marshal does not know (PostgreSQL's datetimes) fall back to repr."""
    try:
        return marshal.dumps(value, 2)
    except ValueError:
        return repr(value).encode("utf-8")


def load_definitions(session: Session, tools: dict[int, dict[str, Any]], tool_ids: list[int]) -> None:
    """Add the definition columns (JSON as text, decoded by `decode_lazy`) to the given loaded tools."""
    table = Tool.__table__
    for start in range(0, len(tool_ids), 5000):
        chunk = tool_ids[start : start + 5000]
        for row in _rows(session, Tool, ("id", *DEFINITION_COLUMNS), table.c.id.in_(chunk)):
            tools[row.pop("id")].update(row)


def decode_lazy(tool: dict[str, Any]) -> dict[str, Any]:
    """Decode the JSON text fields of a tool and its classification in place (idempotent); returns the tool."""
    for target in (tool, tool.get("cls")):
        if not target:
            continue
        for key in LAZY_JSON & target.keys():
            value = target[key]
            if isinstance(value, str):
                try:
                    target[key] = json.loads(value)
                except ValueError:
                    target[key] = None
    return tool


def _assign_tool_slugs(server: dict[str, Any], tools: dict[int, dict[str, Any]], memo: dict[str, str]) -> None:
    """Slugs unique within the server even when two hostile names reduce to the same slug."""
    used: set[str] = set()
    for tool_id in server["tool_ids"]:
        tool = tools[tool_id]
        base = memo.get(tool["name"])
        if base is None:
            base = memo[tool["name"]] = tool_slug(tool["name"])
        slug = base
        n = 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        tool["slug"] = slug


def _load_changes(
    session: Session, servers: dict[int, dict[str, Any]], tools: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Every change of a published server, newest first; each present tool keeps its own recent ones."""
    rows = _rows(session, ToolChange, CHANGE_COLUMNS)
    rows.sort(key=lambda c: (c["at"] or "", c["id"]), reverse=True)
    by_name: dict[tuple[int, str], dict[str, Any]] = {}
    for server in servers.values():
        for tool_id in server["tool_ids"]:
            by_name[(server["id"], tools[tool_id]["name"])] = tools[tool_id]
    per_tool: dict[int, int] = defaultdict(int)
    kept = []
    for change in rows:
        server = servers.get(change["server_id"])
        if server is None:
            continue
        change["server_slug"] = server["slug"]
        tool = by_name.get((change["server_id"], change["tool_name"]))
        change["tool_slug"] = tool["slug"] if tool else None
        if tool is not None and per_tool[tool["id"]] < MAX_CHANGES_PER_TOOL:
            per_tool[tool["id"]] += 1
            tool["changes"].append(
                {"kind": change["kind"], "at": change["at"], "fields": list(change["changed_fields"] or [])}
            )
        kept.append(change)
    return kept
