"""`mcp-catalog quickstart`: the main job on a fresh machine, in one command.

Crawls the committed seed list of real MCP server packages from the npm and PyPI registries that this
machine's npm and pip are configured to use, classifies every tool, and writes the policies and the site.
Each step is the same library function the separate commands call, so a quickstart catalog is an ordinary
catalog that later `crawl`, `classify` and `build` runs extend.
"""

from __future__ import annotations

import time
from importlib import resources
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


def default_seed_file() -> Path:
    return Path(str(resources.files("crawler.seeds") / "quickstart.txt"))


def register(app: typer.Typer) -> None:
    @app.command("quickstart")
    @friendly_errors
    def quickstart(
        seeds: Annotated[
            Path | None,
            typer.Option(
                "--seeds",
                help="Seed file (npm:/pypi:/github:/local: lines). Default: "
                "the packaged list of about 30 real MCP servers.",
            ),
        ] = None,
        out_dir: Annotated[Path, typer.Option("--out", help="Folder for the static site.")] = Path("site"),
        policies: Annotated[Path, typer.Option("--policies", help="Folder for the policy files.")] = Path(
            "recommended_policies"
        ),
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """Crawl real MCP server packages, classify their tools, and build the policies and the site.

        Needs access to the npm and PyPI registries your npm and pip are configured for. Re-running resumes and
        only refetches what changed.

        Example: mcp-catalog quickstart && mcp-catalog serve --dir site
        """
        from classifier import classify_catalog
        from crawler.pipeline import crawl
        from publisher.build import build_all

        seed_file = seeds or default_seed_file()
        if not seed_file.is_file():
            raise UserError(f"{seed_file}: no such seed file")
        settings = settings_for(db, site_dir=out_dir, policies_dir=policies)
        started = time.perf_counter()
        with catalog_for(settings) as cat:
            console.print(f"[bold]1/3 crawl[/] {seed_file}", highlight=False)
            crawled = crawl(cat, settings, [f"seeds:{seed_file}"], progress=not json_out, console=console)
            with cat.session() as session:
                console.print("[bold]2/3 classify[/]", highlight=False)
                classified = classify_catalog(session, settings)
                console.print(f"[bold]3/3 build[/] {out_dir} {policies}", highlight=False)
                built = build_all(session, settings)
        summary = {
            "crawl": crawled.as_dict(),
            "classify": classified,
            "build": built,
            "seconds": round(time.perf_counter() - started, 1),
        }
        if json_out:
            print_json(summary)
            return
        c = summary["crawl"]
        console.print(
            f"done in {summary['seconds']}s: {c.get('fetched', 0)} packages fetched, {c.get('tools_added', 0)} tools "
            f"added, {c.get('failed', 0)} failed; site in {out_dir}/, policies in {policies}/",
            highlight=False,
        )
        console.print(f"browse it: mcp-catalog serve --dir {out_dir}", highlight=False)
