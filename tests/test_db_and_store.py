"""The schema, its versioning, and the store's change tracking, on every available backend."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlmodel import select

from catalog.db import SCHEMA_VERSION, Catalog, CatalogDatabaseError
from catalog.models import SchemaMeta, Tool, ToolChange
from catalog.records import ToolRecord
from crawler.store import sync_tools, upsert_server


def _tools(desc: str = "Adds two numbers.") -> list[ToolRecord]:
    return [
        ToolRecord(
            name="add", description=desc, input_schema={"type": "object", "properties": {"a": {"type": "integer"}}}
        ),
        ToolRecord(name="delete_file", description="Deletes a file.", annotations={"destructiveHint": True}),
    ]


def test_unchanged_recrawl_records_nothing_and_one_change_is_one_row(catalog: Catalog) -> None:
    with catalog.session() as s:
        server = upsert_server(s, name="demo", source="local", external_id="/x")
        first = sync_tools(s, server, _tools())
        assert (first.added, first.changed, first.removed) == (2, 0, 0)
        again = sync_tools(s, server, _tools())
        assert (again.added, again.changed, again.removed, again.unchanged) == (0, 0, 0, 2)
        third = sync_tools(s, server, _tools("Adds two integers."))
        assert (third.added, third.changed, third.removed) == (0, 1, 0)
        changes = s.exec(select(ToolChange).where(ToolChange.kind == "changed")).all()
        assert len(changes) == 1
        assert changes[0].tool_name == "add" and changes[0].changed_fields == ["description"]
        assert changes[0].before["description"] == "Adds two numbers."


def test_removed_then_readded(catalog: Catalog) -> None:
    with catalog.session() as s:
        server = upsert_server(s, name="demo", source="local", external_id="/x")
        sync_tools(s, server, _tools())
        gone = sync_tools(s, server, _tools()[:1])
        assert gone.removed == 1
        assert s.exec(select(Tool).where(Tool.name == "delete_file")).one().present is False
        back = sync_tools(s, server, _tools())
        assert back.added == 1
        kinds = [c.kind for c in s.exec(select(ToolChange).order_by(ToolChange.id)).all()]
        assert kinds == ["added", "added", "removed", "added"]


def test_same_source_key_is_one_server(catalog: Catalog) -> None:
    with catalog.session() as s:
        a = upsert_server(s, name="demo", source="local", external_id="/x")
        b = upsert_server(s, name="demo", source="local", external_id="/x", description="now described")
        c = upsert_server(s, name="demo", source="local", external_id="/y")
        assert a.id == b.id and b.description == "now described"
        assert c.id != a.id and c.slug != a.slug


def test_fingerprint_ignores_location_and_whitespace() -> None:
    a = ToolRecord(name="x", description="Does x. ", file="a.py", line=3)
    b = ToolRecord(name="x", description="Does x.", file="b.py", line=30)
    assert a.fingerprint == b.fingerprint
    assert a.fingerprint != ToolRecord(name="x", description="Does y.").fingerprint


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    Catalog(path).dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE schema_meta SET version = ?", (SCHEMA_VERSION + 5,))
    con.commit()
    con.close()
    with pytest.raises(CatalogDatabaseError, match="newer"):
        Catalog(path)


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO notes (body) VALUES ('keep me')")
    con.commit()
    con.close()
    with pytest.raises(CatalogDatabaseError, match="not an mcp-catalog database"):
        Catalog(path)
    con = sqlite3.connect(path)
    assert con.execute("SELECT body FROM notes").fetchall() == [("keep me",)]
    assert con.execute("SELECT name FROM sqlite_master WHERE name='server'").fetchall() == []


def test_older_schema_is_upgraded_keeping_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    cat = Catalog(path)
    with cat.session() as s:
        server = upsert_server(s, name="kept", source="local", external_id="/k")
        sync_tools(s, server, _tools())
    cat.dispose()
    con = sqlite3.connect(path)  # simulate a version-0 catalog that lacked a column and a table
    con.execute("ALTER TABLE tool DROP COLUMN conditional")
    con.execute("DROP TABLE problem")
    con.execute("UPDATE schema_meta SET version = 0")
    con.commit()
    con.close()
    cat = Catalog(path)
    assert any("conditional" in step for step in cat.migrations)
    with cat.session() as s:
        assert s.get(SchemaMeta, 1).version == SCHEMA_VERSION
        assert len(s.exec(select(Tool)).all()) == 2
    cat.dispose()


def test_sqlite_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "w.db")
    with cat.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    cat.dispose()


def test_missing_folder_gives_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogDatabaseError, match="does not exist"):
        Catalog(tmp_path / "nope" / "c.db")
