"""Opening the catalog database: SQLite by default (WAL, foreign keys), any SQLAlchemy URL otherwise.

The schema is versioned in ``schema_meta``. Opening an older catalog upgrades it in place with additive
changes only (new tables, new nullable columns), inside one transaction; a catalog written by a newer
version, or a file that is not a catalog at all, is refused with a message instead of being touched.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlmodel import Session, SQLModel, create_engine

from catalog import (
    __version__,
    models,  # noqa: F401  (registers the tables on SQLModel.metadata)
)
from catalog.models import SchemaMeta, utcnow

SCHEMA_VERSION = 1


class CatalogDatabaseError(Exception):
    """The database cannot be opened or upgraded; the message says what to do."""


def normalise_url(db: str | Path) -> str:
    """Accept a plain path (``catalog.db``) or a SQLAlchemy URL; PostgreSQL URLs use psycopg 3."""
    value = str(db)
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser()}"
    if value.startswith("postgresql://") or value.startswith("postgres://"):
        value = "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(db: str | Path) -> Engine:
    url = normalise_url(db)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise CatalogDatabaseError(f"'{db}' is not a database path or SQLAlchemy URL: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            parent = Path(parsed.database).parent
            if not parent.exists():
                raise CatalogDatabaseError(f"folder {parent} does not exist; create it or choose another --db")
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # a missing driver, a bad option...
        raise CatalogDatabaseError(f"cannot use database URL {url!r}: {exc}") from exc


def _upgrade_additively(engine: Engine) -> list[str]:
    """Create missing tables and add missing columns (nullable) so an older catalog keeps its data."""
    done: list[str] = []
    inspector = inspect(engine)
    existing = set(inspector.get_table_names())
    missing_tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in existing]
    SQLModel.metadata.create_all(engine, tables=missing_tables)
    done += [f"created table {t.name}" for t in missing_tables]
    with engine.begin() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in existing:
                continue
            have = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in have:
                    continue
                ddl_type = column.type.compile(dialect=engine.dialect)
                conn.execute(text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {ddl_type}'))
                done.append(f"added column {table.name}.{column.name}")
    return done


def init_db(engine: Engine) -> list[str]:
    """Create or upgrade the schema; returns what was done. Raises CatalogDatabaseError to refuse."""
    try:
        inspector = inspect(engine)
        tables = set(inspector.get_table_names())
    except (DatabaseError, OperationalError) as exc:
        raise CatalogDatabaseError(
            f"cannot open the catalog database ({exc.orig if hasattr(exc, 'orig') else exc}); "
            "check the path or URL, and that it is a SQLite file or a reachable server"
        ) from exc
    if not tables:
        SQLModel.metadata.create_all(engine)
        with Session(engine) as session:
            session.add(SchemaMeta(version=SCHEMA_VERSION, app_version=__version__))
            session.commit()
        return ["created schema"]
    if "schema_meta" not in tables:
        raise CatalogDatabaseError(
            "this database has tables but no schema_meta: it is not an mcp-catalog database "
            "(or predates versioning). Point --db at a new file instead of overwriting it."
        )
    with Session(engine) as session:
        meta = session.get(SchemaMeta, 1)
    if meta is None:
        raise CatalogDatabaseError("schema_meta is empty: the catalog is damaged; restore it or start a new one")
    if meta.version > SCHEMA_VERSION:
        raise CatalogDatabaseError(
            f"this catalog has schema version {meta.version}, newer than this mcp-catalog understands "
            f"({SCHEMA_VERSION}); upgrade mcp-catalog rather than let an older version write to it"
        )
    done = _upgrade_additively(engine)
    if meta.version < SCHEMA_VERSION or done:
        with Session(engine) as session:
            row = session.get(SchemaMeta, 1)
            assert row is not None
            row.version = SCHEMA_VERSION
            row.app_version = __version__
            row.upgraded_at = utcnow()
            session.add(row)
            session.commit()
        done.append(f"schema at version {SCHEMA_VERSION}")
    return done


class Catalog:
    """An opened, initialised catalog: the engine plus a session factory."""

    def __init__(self, db: str | Path) -> None:
        self.url = normalise_url(db)
        self.engine = make_engine(db)
        self.migrations = init_db(self.engine)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_catalog(db: str | Path) -> Catalog:
    return Catalog(db)
