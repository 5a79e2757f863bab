"""`mcp-catalog bench integrity`: the integrity checks' own throughput (see ``classifier.integrity_bench``)."""

from __future__ import annotations

from typing import Annotated

import typer

from catalog.cli.common import JsonOption, ToolsFromOption, UserError, bench_app, console, friendly_errors, print_json


def register(app: typer.Typer) -> None:
    @bench_app.command("integrity")
    @friendly_errors
    def bench_integrity(
        n: Annotated[int, typer.Option("-n", help="How many distinct tools to check.")] = 20_000,
        tools_from: ToolsFromOption = None,
        repeats: Annotated[int, typer.Option("--repeats", help="Runs; the best one is reported.")] = 3,
        json_out: JsonOption = False,
    ) -> None:
        """Integrity checks alone, as `classify` runs them (server context, the catalog's tool names): CPU
        microseconds per tool, best of several cold runs, with the load average.

        Example: mcp-catalog bench integrity -n 20000 --tools-from ../shared/data/dumps/mcpm-registry --json
        """
        from classifier.bench import CorpusError
        from classifier.integrity_bench import run_integrity_benchmark

        if n < 1 or repeats < 1:
            raise UserError("-n and --repeats must be at least 1")
        try:
            result = run_integrity_benchmark(n=n, tools_from=tools_from, repeats=repeats)
        except CorpusError as exc:
            raise UserError(str(exc)) from exc
        if json_out:
            print_json(result)
            return
        console.print(
            f"integrity checks on {result['tools']} tools from {result['corpus']}: {result['us_per_tool']} CPU us "
            f"per tool ({result['tools_per_cpu_second']:,.0f} tools per CPU second, best of "
            f"{len(result['cpu_seconds_per_run'])}; load average {result['load_average']['before'][0]:.2f}); "
            f"{result['flagged_tools']} flagged",
            highlight=False,
        )
