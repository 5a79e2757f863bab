"""`mcp-catalog build`: recommended policies and the static site, from the classified catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog.cli.common import (
    DbOption,
    JsonOption,
    catalog_for,
    console,
    friendly_errors,
    print_json,
    settings_for,
)


def register(app: typer.Typer) -> None:
    @app.command("build")
    @friendly_errors
    def build(
        out_dir: Annotated[Path, typer.Option("--out", help="Folder for the static site.")] = Path("site"),
        policies: Annotated[Path, typer.Option("--policies", help="Folder for the policy files.")] = Path(
            "recommended_policies"
        ),
        db: DbOption = None,
        verify: Annotated[
            bool, typer.Option("--verify", help="Check every site file is on disk; re-create missing ones.")
        ] = False,
        json_out: JsonOption = False,
    ) -> None:
        """Write recommended policies and the static site.

        Example: mcp-catalog build --out site/ --policies recommended_policies/
        """
        from publisher.build import build_all

        settings = settings_for(db, site_dir=out_dir, policies_dir=policies)
        if verify:
            settings.extra["site_verify"] = True
        with catalog_for(settings) as cat, cat.session() as session:
            summary = build_all(session, settings)
        if json_out:
            print_json(summary)
        else:
            console.print(f"built: {summary}", highlight=False)
