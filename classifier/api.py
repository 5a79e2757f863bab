"""The classifier's public interface: ``classify_tools`` for lists of tool dicts, ``classify_catalog`` for the
catalog stage that writes ``Classification`` rows.

Both share one path (features -> rules + model -> decision -> integrity), so a tool classified from a file
and the same tool classified in the catalog always get the same answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import partial
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, select

from catalog.config import Settings
from catalog.gc_pause import paused_gc
from catalog.models import CLASSIFICATION_RESULT_FIELDS, Classification, Run, Server, Tool, ToolChange, utcnow
from classifier.engine import classify_features, features_for
from classifier.integrity import integrity_findings

CLASSIFIER_VERSION = "rules+model-2"  # 2: learned capabilities
RESULT_COLUMNS = CLASSIFICATION_RESULT_FIELDS
BATCH = 2000


_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_\-]{3,}")  # the words a tool name is looked up among


def _joined_strings(value: Any, out: list[str], depth: int = 0) -> None:
    """Every string inside a JSON value (schema descriptions, enums, titles, keys), a few levels deep, that
    holds a ``_`` or ``-``: only those can contain a catalog tool name worth checking (see ``_mentioned``).

    A string value inside a dict or list is read in place, not by a call of its own (same strings, same order).
    """
    if isinstance(value, str):
        if "_" in value or "-" in value:
            out.append(value)
    elif depth < 6 and isinstance(value, dict):
        for k, v in value.items():
            key = k if k.__class__ is str else str(k)
            if "_" in key or "-" in key:
                out.append(key)
            if v.__class__ is str:
                if "_" in v or "-" in v:
                    out.append(v)
            elif v.__class__ is not bool and v is not None:
                _joined_strings(v, out, depth + 1)
    elif depth < 6 and isinstance(value, list):
        for v in value[:200]:
            if v.__class__ is str:
                if "_" in v or "-" in v:
                    out.append(v)
            else:
                _joined_strings(v, out, depth + 1)


def _mentioned(tool: Mapping[str, Any], known_lower: Callable[[], frozenset[str]]) -> set[str]:
    """The catalog's tool names this tool's text mentions.

    Handing integrity only these (not the whole catalog's names) keeps shadowing checks linear: the check
    looks up the words of one description, so names that never occur in it cannot matter. Every name that can
    match holds a ``_`` or ``-`` (as every word looked up does). ``known_lower`` gives the lower-cased names;
    it is called only when the text has such a word.
    """
    texts: list[str] = ["input_schema"]  # the keys looked at count as text too, as they always have
    for key in ("title", "description", "inputSchema", "input_schema"):
        value = tool.get(key)
        if value is not None:
            _joined_strings(value, texts, 1)
    # One scan of the joined texts finds the same words as one scan per text: a word cannot span the "\n".
    joined = "\n".join([text[:20_000] for text in texts])
    if joined.isascii():
        words = linked_words(joined.lower())
    else:
        words = {w.lower() for w in _IDENTIFIER.findall(joined) if "_" in w or "-" in w}
    return words & known_lower() if words else set()


_WORD_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789_-"
_BLANK_OTHERS = bytes(c if c in _WORD_BYTES else 32 for c in range(256))  # every other byte becomes a blank
_LETTER_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz")


def linked_words(lower: str) -> set[str]:
    """The words of ``_IDENTIFIER`` in a lower-cased ASCII text that hold a ``_`` or ``-``.

    ``_IDENTIFIER`` takes from each run of word characters the part from its first letter, if four characters
    long. Only runs with a ``_`` or ``-`` can give such a word, and those are few: blanking every other
    character and finding each run from its links by byte searches costs far less than the pattern trying
    every letter of a long text.
    """
    data = lower.encode("ascii").translate(_BLANK_OTHERS)
    find = data.find
    size = len(data)
    words: set[str] = set()
    for link in (b"_", b"-"):
        at = find(link)
        while at >= 0:
            start = data.rfind(b" ", 0, at) + 1
            end = find(b" ", at)
            if end < 0:
                end = size
            first = start
            while first < end and data[first] not in _LETTER_BYTES:
                first += 1
            if end - first >= 4:
                word = data[first:end]
                if b"_" in word or b"-" in word:
                    words.add(word.decode("ascii"))
            at = find(link, end)
    return words


# The lower-cased catalog names for shadowing checks, per collection of names: the catalog stage passes the same
# (immutable) frozenset with every batch, and a million names must not be lower-cased once per batch. A set
# (which could change between calls) is kept with a copy, and used again only while it still equals the copy:
# comparing costs far less than lower-casing every name again.
_KNOWN_LOWER: dict[int, tuple[Collection[str], frozenset[str], frozenset[str]]] = {}


def _known_lower(known_tool_names: Collection[str]) -> frozenset[str]:
    """The names, lower-cased (a name without ``_`` or ``-`` can never be mentioned, see ``_mentioned``)."""

    def build() -> frozenset[str]:
        return frozenset(n.lower() for n in known_tool_names if "_" in n or "-" in n)

    if isinstance(known_tool_names, frozenset):
        hit = _KNOWN_LOWER.get(id(known_tool_names))
        if hit is None or hit[0] is not known_tool_names:
            _KNOWN_LOWER.clear()  # one catalog at a time; holding the names keeps their id from being reused
            hit = _KNOWN_LOWER[id(known_tool_names)] = (known_tool_names, known_tool_names, build())
        return hit[2]
    if isinstance(known_tool_names, set):
        hit = _KNOWN_LOWER.get(id(known_tool_names))
        if hit is None or hit[0] is not known_tool_names or known_tool_names != hit[1]:
            _KNOWN_LOWER.clear()
            hit = _KNOWN_LOWER[id(known_tool_names)] = (known_tool_names, frozenset(known_tool_names), build())
        return hit[2]
    return build()


def classify_tools(
    tools: list[dict],
    *,
    server_context: dict[str, dict] | None = None,
    previous_descriptions: Sequence[str | None] | None = None,
    known_tool_names: Collection[str] = (),
) -> list[dict]:
    """Classify tools/list-shaped dicts; results come back in the same order.

    ``server_context`` maps a server name to ``{"description", "tool_names"}``: it lets the rules see a tool's
    siblings (for shadowing checks and context words). ``previous_descriptions`` (same order as ``tools``)
    enables the changed-since-last-crawl integrity finding.
    """
    with paused_gc():
        return _classify_tools(tools, server_context, previous_descriptions, known_tool_names)


def _classify_tools(
    tools: list[dict],
    server_context: dict[str, dict] | None,
    previous_descriptions: Sequence[str | None] | None,
    known_tool_names: Collection[str],
) -> list[dict]:
    features = features_for(tools, server_context)
    results = classify_features(features)
    for result, findings in zip(
        results,
        integrity_for(tools, server_context, previous_descriptions, known_tool_names),
        strict=True,
    ):
        result["integrity"] = findings
    return results


def integrity_for(
    tools: Sequence[Any],
    server_context: Mapping[str, Mapping[str, Any]] | None = None,
    previous_descriptions: Sequence[str | None] | None = None,
    known_tool_names: Collection[str] = (),
) -> list[list[dict]]:
    """The integrity findings of each tool of a batch, as ``classify_tools`` reports them (same arguments).

    The catalog's names are lower-cased at most once per batch, and only once a tool's text could mention one.
    """
    lowered: list[frozenset[str]] = []

    def known_lower() -> frozenset[str]:
        if not lowered:
            lowered.append(_known_lower(known_tool_names))
        return lowered[0]

    out: list[list[dict]] = []
    add = out.append
    names = bool(known_tool_names)
    for i, tool in enumerate(tools):
        if tool.__class__ is not dict:
            if not isinstance(tool, Mapping):
                add([])
                continue
            tool = dict(tool)  # read only: a dict needs no copy
        server = tool.get("server")
        siblings: Collection[str] = ()
        if server_context and isinstance(server, str) and server in server_context:
            siblings = server_context[server].get("tool_names") or ()
        # Called only for a text that could mention a catalog name (see ``integrity._shadowing``).
        add(
            integrity_findings(
                tool,
                server_tool_names=siblings,
                known_tool_names=partial(_mentioned, tool, known_lower) if names else (),
                previous_description=previous_descriptions[i] if previous_descriptions else None,
            )
        )
    return out


# The columns a classification reads: loading these as plain rows, not Tool objects, skips building ORM
# instances and decoding JSON columns the classifier never reads (output schemas).
_TOOL_COLUMNS = (
    Tool.id,
    Tool.server_id,
    Tool.name,
    Tool.title,
    Tool.description,
    Tool.input_schema,
    Tool.annotations,
    Tool.fingerprint,
)


def _tool_dict(tool: Any, server_slug: str) -> dict[str, Any]:
    """A tool row (``_TOOL_COLUMNS``) or ``Tool`` in the tools/list shape the classifier takes."""
    return {
        "name": tool.name,
        "title": tool.title,
        "description": tool.description or "",
        "inputSchema": tool.input_schema,
        "annotations": tool.annotations or {},
        "server": server_slug,
    }


_TABLE = Classification.__table__  # type: ignore[attr-defined]
# Core statements, executed with many parameter sets: the ORM's bulk paths cost more per row than classifying.
_INSERT = _TABLE.insert()
_UPDATE = (
    _TABLE.update()
    .where(_TABLE.c.id == bindparam("row_id"))
    .values({key: bindparam(key) for key in ("tool_fingerprint", "created_at", *RESULT_COLUMNS)})
)


def _previous_descriptions(session: Session, tool_ids: list[int]) -> dict[int, str | None]:
    """The description each tool had before its latest change, for the rug-pull check."""
    if not tool_ids:
        return {}
    rows = session.exec(
        select(ToolChange)
        .where(ToolChange.tool_id.in_(tool_ids), ToolChange.kind == "changed")  # type: ignore[union-attr]
        .order_by(ToolChange.id)  # type: ignore[arg-type]
    ).all()
    out: dict[int, str | None] = {}
    for change in rows:
        if change.tool_id is not None and isinstance(change.before, dict):
            out[change.tool_id] = change.before.get("description")
    return out


def classify_catalog(
    session: Session,
    settings: Settings,
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH,
) -> dict:
    """The classify stage: a Classification for every present tool lacking one for this version and fingerprint.

    Idempotent: a re-run classifies nothing new unless a tool's definition changed (its fingerprint) or
    ``force`` is set. Rows are updated in place per (tool, classifier version), so history across versions
    is kept. ``progress(done, total)`` is called after every batch.
    """
    run = Run(stage="classify", settings={"classifier_version": CLASSIFIER_VERSION, "force": force})
    session.add(run)
    session.commit()
    # Only narrow columns for the whole catalog; full rows are loaded one batch at a time.
    done_fingerprints = dict(
        session.exec(
            select(Classification.tool_id, Classification.tool_fingerprint).where(
                Classification.classifier_version == CLASSIFIER_VERSION
            )
        ).all()
    )
    servers = {
        sid: (slug, description or "")
        for sid, slug, description in session.exec(select(Server.id, Server.slug, Server.description)).all()
    }
    present = session.exec(
        select(Tool.id, Tool.server_id, Tool.name, Tool.fingerprint)
        .where(Tool.present)
        .order_by(Tool.server_id, Tool.id)  # type: ignore[arg-type]
    ).all()
    siblings: dict[int, list[str]] = {}
    for _, server_id, name, _ in present:
        siblings.setdefault(server_id, []).append(name)
    todo_ids = [tid for tid, _, _, fp in present if force or done_fingerprints.get(tid) != fp]
    known = frozenset(name for names in siblings.values() for name in names)
    counts = {"Financial": 0, "Destructive": 0, "Execute": 0, "Write": 0, "Read": 0}
    risks = {"Critical": 0, "High": 0, "Medium": 0, "Low": 0}
    flagged = mismatched = 0
    for start in range(0, len(todo_ids), batch_size):
        ids = todo_ids[start : start + batch_size]
        batch = session.execute(select(*_TOOL_COLUMNS).where(Tool.id.in_(ids)).order_by(Tool.id)).all()  # type: ignore[union-attr]
        existing = dict(
            session.exec(
                select(Classification.tool_id, Classification.id).where(
                    Classification.classifier_version == CLASSIFIER_VERSION,
                    Classification.tool_id.in_(ids),  # type: ignore[attr-defined]
                )
            ).all()
        )
        previous = _previous_descriptions(session, [t.id for t in batch if t.id is not None])
        dicts = [_tool_dict(t, servers[t.server_id][0]) for t in batch]
        context = {
            servers[t.server_id][0]: {
                "description": servers[t.server_id][1],
                "tool_names": siblings.get(t.server_id, []),
            }
            for t in batch
        }
        results = classify_tools(
            dicts,
            server_context=context,
            previous_descriptions=[previous.get(t.id) for t in batch if t.id is not None],
            known_tool_names=known,
        )
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        now = utcnow()
        for tool, result in zip(batch, results, strict=True):
            row = {
                "tool_fingerprint": tool.fingerprint,
                "created_at": now,
                **{key: result[key] for key in RESULT_COLUMNS},
            }
            if tool.id in existing:
                updates.append({"row_id": existing[tool.id], **row})
            else:
                inserts.append({"tool_id": tool.id, "classifier_version": CLASSIFIER_VERSION, **row})
            counts[result["category"]] += 1
            risks[result["risk"]] += 1
            flagged += bool(result["integrity"])
            mismatched += bool(result["hint_mismatches"])
        # Bulk statements: building thousands of ORM objects costs more than classifying them.
        if inserts:
            session.execute(_INSERT, inserts)
        if updates:
            session.execute(_UPDATE, updates)
        session.commit()
        session.expunge_all()  # keep memory flat across a million-tool catalog
        if progress:
            progress(min(start + batch_size, len(todo_ids)), len(todo_ids))
    summary = {
        "classifier_version": CLASSIFIER_VERSION,
        "present_tools": len(present),
        "classified": len(todo_ids),
        "unchanged": len(present) - len(todo_ids),
        "by_category": counts,
        "by_risk": risks,
        "integrity_flagged": flagged,
        "hint_mismatches": mismatched,
    }
    _KNOWN_LOWER.clear()  # the catalog's names are not needed after the stage; do not keep them alive
    run.finished_at = utcnow()
    run.status = "ok"
    run.summary = summary
    session.add(run)
    session.commit()
    return summary
