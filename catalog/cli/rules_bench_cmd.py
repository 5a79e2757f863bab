"""`mcp-catalog bench rules`: the per-tool cost of the rule families and of the decision, measured alone.

A thin wrapper: all work is in ``classifier.rules_bench``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from catalog.cli.common import JsonOption, ToolsFromOption, UserError, bench_app, friendly_errors, out, print_json


def register(app: typer.Typer) -> None:
    @bench_app.command("rules")
    @friendly_errors
    def bench_rules(
        n: Annotated[int, typer.Option("-n", help="How many distinct tools.")] = 20_000,
        tools_from: ToolsFromOption = None,
        seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic tools.")] = 1,
        repeat: Annotated[int, typer.Option("--repeat", help="Timed runs; the best and the median are shown.")] = 5,
        families: Annotated[bool, typer.Option("--families", help="Also time each rule family alone.")] = False,
        json_out: JsonOption = False,
    ) -> None:
        """Microseconds per tool of the rules (cold name-action cache) and of decide, in CPU time.

        Features and model probabilities are computed before the clock starts, so a change to a rule family
        shows above the noise of a shared machine; compare runs made back to back.

        Example: mcp-catalog bench rules -n 20000 --tools-from ../shared/data/dumps/mcpm-registry --families
        """
        from classifier.bench import CorpusError
        from classifier.rules_bench import run_rules_benchmark

        if n < 1 or repeat < 1:
            raise UserError("-n and --repeat must be at least 1")
        try:
            result = run_rules_benchmark(n=n, tools_from=tools_from, seed=seed, repeat=repeat, families=families)
        except CorpusError as exc:
            raise UserError(str(exc)) from exc
        if json_out:
            print_json(result)
            return
        rules, chosen = result["rules_us_per_tool"], result["decide_us_per_tool"]
        out.print(
            f"{result['tools']} tools from {result['corpus']}: rules {rules['best']:.2f} us per tool "
            f"(median {rules['median']:.2f}), decide {chosen['best']:.2f} us (median {chosen['median']:.2f}); "
            f"CPU time, best of {result['repeat']}, load average {result['load_average']['before'][0]:.2f}",
            highlight=False,
        )
        for name, micro in result.get("family_us_per_tool", {}).items():
            out.print(f"  {name:<15} {micro:6.2f} us", highlight=False)
