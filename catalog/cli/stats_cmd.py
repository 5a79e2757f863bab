"""`mcp-catalog stats`: counts by source, category and risk."""

from __future__ import annotations

import typer
from rich.table import Table

from catalog.cli.common import (
    DbOption,
    JsonOption,
    catalog_for,
    friendly_errors,
    out,
    print_json,
    settings_for,
)
from catalog.stats import catalog_stats


def register(app: typer.Typer) -> None:
    @app.command("stats")
    @friendly_errors
    def stats(db: DbOption = None, json_out: JsonOption = False) -> None:
        """Counts of servers by source and status, tools by category and risk, changes and problems.

        Example: mcp-catalog stats --json
        """
        settings = settings_for(db)
        with catalog_for(settings) as cat, cat.session() as session:
            data = catalog_stats(session)
        if json_out:
            print_json(data)
            return
        out.print(
            f"servers: {data['servers']}   tools: {data['tools']} present, {data['tools_removed']} removed, "
            f"{data['tools_classified']} classified",
            highlight=False,
        )
        for title in (
            "servers_by_source",
            "servers_by_status",
            "tools_by_category",
            "tools_by_risk",
            "changes_by_kind",
            "problems_by_stage",
        ):
            if not data[title]:
                continue
            table = Table(title=title.replace("_", " "), title_justify="left")
            table.add_column("key")
            table.add_column("count", justify="right")
            for key, n in data[title].items():
                table.add_row(str(key), str(n))
            out.print(table)
