"""`mcp-catalog crawl`: index servers from sources into the catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog.cli.common import (
    DbOption,
    JsonOption,
    UserError,
    catalog_for,
    console,
    friendly_errors,
    print_json,
    settings_for,
)
from crawler.sources.local import crawl_local
from crawler.store import ToolSyncSummary, finish_run, start_run


def register(app: typer.Typer) -> None:
    @app.command("crawl")
    @friendly_errors
    def crawl(
        source: Annotated[
            list[str],
            typer.Option(
                "--source",
                "-s",
                help="A source to crawl; repeatable. local:PATH (directory, archive or tools/list JSON).",
            ),
        ],
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """Crawl sources into the catalog.

        Example: mcp-catalog crawl --source local:./my-server --source local:dump/tools.json
        """
        settings = settings_for(db)
        total = ToolSyncSummary()
        servers = 0
        problems: list[str] = []
        with catalog_for(settings) as cat, cat.session() as session:
            run = start_run(session, "crawl", {**settings.public_dict(), "sources": source})
            for spec in source:
                kind, _, rest = spec.partition(":")
                if kind != "local" or not rest:
                    raise UserError(f"unknown source {spec!r}; expected local:PATH")
                result = crawl_local(session, Path(rest), run_id=run.id)
                servers += result.servers
                total.merge(result.tools)
                problems += result.problems
            summary = {"servers": servers, **total.as_dict(), "problems": len(problems)}
            finish_run(session, run, summary, status="ok")
        if json_out:
            print_json({**summary, "problem_details": problems})
        else:
            for p in problems:
                console.print(f"[yellow]problem:[/] {p}", highlight=False)
            console.print(
                f"crawled {servers} server(s): {total.added} added, {total.changed} changed, "
                f"{total.removed} removed, {total.unchanged} unchanged; {len(problems)} problem(s)",
                highlight=False,
            )
