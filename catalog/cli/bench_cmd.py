"""`mcp-catalog bench synth`: make a synthetic catalog for the other benchmarks."""

from __future__ import annotations

import resource
import time
from typing import Annotated

import typer

from catalog.cli.common import (
    DbOption,
    JsonOption,
    bench_app,
    catalog_for,
    console,
    friendly_errors,
    print_json,
    settings_for,
)


def register(app: typer.Typer) -> None:
    @bench_app.command("synth")
    @friendly_errors
    def synth(
        servers: Annotated[int, typer.Option("--servers", "-n", help="Number of servers to generate.")] = 1000,
        seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same catalog.")] = 0,
        distinct: Annotated[
            bool,
            typer.Option(
                "--distinct/--repeated",
                help="Every tool's description distinct, as in real catalogs (default: templates repeat).",
            ),
        ] = False,
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """Fill a catalog with N synthetic servers (about 10 tools each), deterministic from --seed.

        Example: mcp-catalog bench synth --servers 10000 --db /tmp/bench.db
        """
        from catalog.synthetic import populate

        settings = settings_for(db)
        start = time.perf_counter()
        with catalog_for(settings) as cat, cat.session() as session:
            counts = populate(session, servers, seed, distinct=distinct)
        elapsed = time.perf_counter() - start
        result = {
            **counts,
            "seconds": round(elapsed, 3),
            "tools_per_second": round(counts["tools"] / elapsed, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
        if json_out:
            print_json(result)
        else:
            console.print(f"synthetic catalog: {result}", highlight=False)
