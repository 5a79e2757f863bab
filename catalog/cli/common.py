"""What every command shares: the --db option, JSON output, clean error exits, the bench sub-app.

Commands are thin: they parse options, call one library function, and print. Errors a user can fix
(bad path, bad database, bad input file) end with a one-line message and a non-zero exit code, never a
traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from catalog.config import Settings
from catalog.db import Catalog, CatalogDatabaseError, open_catalog

console = Console(stderr=True)
out = Console(soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="MCP_CATALOG_DB",
        help="Catalog database: a SQLite path or a SQLAlchemy URL (postgresql://user@host/db). Default: catalog.db.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
# The benchmarks' real-tool corpus (classify, rules, integrity): one option, one meaning.
ToolsFromOption = Annotated[
    Path | None,
    typer.Option(
        "--tools-from",
        help="Real tools instead of synthetic ones: a dump folder (e.g. the mcpm registry's) or a "
        "tools/list JSON file; they are copied under made-up product words until there are N.",
    ),
]

# `mcp-catalog bench ...`: each area registers its own benchmark here.
bench_app = typer.Typer(
    help="Benchmarks: throughput and memory, reported as figures, never asserted.", no_args_is_help=True
)

EXIT_USAGE = 2  # bad input or arguments
EXIT_FAILED = 1  # the job ran and failed (or --fail-on tripped)


class UserError(Exception):
    """An error whose message tells the user what failed and what to do; shown without a traceback."""


P = ParamSpec("P")
R = TypeVar("R")


def friendly_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn expected errors into a message and an exit code."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (UserError, CatalogDatabaseError, FileNotFoundError, NotADirectoryError, PermissionError) as exc:
            console.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
            raise typer.Exit(EXIT_USAGE) from None
        except json.JSONDecodeError as exc:
            console.print(f"[bold red]error:[/] invalid JSON: {exc}", highlight=False)
            raise typer.Exit(EXIT_USAGE) from None
        except KeyboardInterrupt:
            console.print("interrupted; work done so far is saved and a re-run resumes")
            raise typer.Exit(130) from None

    return wrapper


def settings_for(db: str | None = None, **overrides: Any) -> Settings:
    return Settings.from_env(db=db, **overrides)


@contextmanager
def catalog_for(settings: Settings) -> Iterator[Catalog]:
    catalog = open_catalog(settings.db)
    for step in catalog.migrations:
        if step != "created schema":
            console.print(f"catalog upgraded: {step}", highlight=False)
    try:
        yield catalog
    finally:
        catalog.dispose()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False, default=str) + "\n")


def read_json_file(path: Path) -> Any:
    """Read a JSON file the user named, with messages that say which file and what is wrong."""
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path}: is a folder, expected a JSON file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text ({exc.reason}); expected a JSON file") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
