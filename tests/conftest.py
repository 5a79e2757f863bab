"""Shared fixtures. The `catalog` fixture runs each test on SQLite and, when MCP_CATALOG_TEST_PG_URL points at
a PostgreSQL server (`.ci/run` starts one), on a fresh PostgreSQL database too."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from catalog.db import Catalog, normalise_url

PG_URL = os.environ.get("MCP_CATALOG_TEST_PG_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _fresh_pg_database() -> tuple[str, str]:
    assert PG_URL
    admin = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    name = "t_" + uuid.uuid4().hex[:12]
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    base = normalise_url(PG_URL).rsplit("/", 1)[0]
    return f"{base}/{name}", name


def _drop_pg_database(name: str) -> None:
    assert PG_URL
    admin = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database on each available backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "catalog.db")
        return
    url, name = _fresh_pg_database()
    try:
        yield url
    finally:
        _drop_pg_database(name)


@pytest.fixture
def catalog(db_url: str) -> Iterator[Catalog]:
    cat = Catalog(db_url)
    try:
        yield cat
    finally:
        cat.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database; the test is skipped when no server is configured."""
    if not PG_URL:
        pytest.skip("MCP_CATALOG_TEST_PG_URL not set (see .ci/run)")
    url, name = _fresh_pg_database()
    try:
        yield url
    finally:
        _drop_pg_database(name)
