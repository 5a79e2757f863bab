"""`mcp-catalog classify [FILE]` and `mcp-catalog eval --gold FILE`, plus `mcp-catalog bench classify`.

Thin wrappers: parsing and printing here, all work in ``classifier``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from catalog.cli.common import (
    DbOption,
    JsonOption,
    ToolsFromOption,
    UserError,
    bench_app,
    catalog_for,
    console,
    friendly_errors,
    out,
    print_json,
    read_json_file,
    settings_for,
)


def tools_from_json(data: Any, source: str) -> list[dict]:
    """A JSON list of tools, or ``{"tools": [...]}`` (a tools/list result); every item must be an object."""
    if isinstance(data, dict) and isinstance(data.get("tools"), list):
        data = data["tools"]
    elif (
        isinstance(data, dict)
        and isinstance(data.get("result"), dict)
        and isinstance(data["result"].get("tools"), list)
    ):
        data = data["result"]["tools"]
    if not isinstance(data, list):
        raise UserError(f'{source}: expected a JSON list of tools or an object with a "tools" list')
    bad = [i for i, item in enumerate(data) if not isinstance(item, dict)]
    if bad:
        raise UserError(f'{source}: item {bad[0]} is not a tool object (expected {{"name", "description", ...}})')
    return data


def _print_results(results: list[dict]) -> None:
    table = Table(show_lines=False)
    for col in ("tool", "category", "risk", "capabilities", "conf", "integrity"):
        table.add_column(col)
    for r in results:
        integrity = ", ".join(sorted({f.get("kind", "?") for f in r.get("integrity", [])}))
        table.add_row(
            r["name"] or "(unnamed)",
            r["category"],
            r["risk"],
            ", ".join(r["capabilities"]),
            f"{r['confidence']:.2f}",
            integrity,
            style="red" if r["risk"] == "Critical" else None,
        )
    out.print(table)
    for r in results:
        out.print(f"[bold]{r['name']}[/]: {r['rationale']}", highlight=False, markup=True)
        for m in r["hint_mismatches"]:
            out.print(f"  [yellow]hint mismatch[/] {m['hint']}: {m['message']}", highlight=False)


def register(app: typer.Typer) -> None:
    @app.command("classify")
    @friendly_errors
    def classify(
        file: Annotated[
            Path | None, typer.Argument(help='JSON list of tools (tools/list shape) or {"tools": [...]}.')
        ] = None,
        db: DbOption = None,
        force: Annotated[
            bool, typer.Option("--force", help="Re-classify tools that already have a classification.")
        ] = False,
        json_out: JsonOption = False,
    ) -> None:
        """Classify tools: category, capabilities, risk, evidence, hints and integrity findings.

        With FILE, classify the tools in it and print the result; without, classify every tool in the catalog
        that has no classification for this classifier version and definition.

        Example: mcp-catalog classify tools.json --json
        """
        from classifier import classify_catalog, classify_tools

        if file is not None:
            tools = tools_from_json(read_json_file(file), str(file))
            results = classify_tools(tools)
            if json_out:
                print_json(results)
            else:
                _print_results(results)
            return
        settings = settings_for(db)
        with catalog_for(settings) as catalog, catalog.session() as session:
            if json_out:
                summary = classify_catalog(session, settings, force=force)
            else:
                with Progress(
                    TextColumn("classifying"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
                ) as bar:
                    task = bar.add_task("classify", total=None)
                    summary = classify_catalog(
                        session,
                        settings,
                        force=force,
                        progress=lambda done, total: bar.update(task, completed=done, total=total),
                    )
        if json_out:
            print_json(summary)
            return
        out.print(
            f"classified {summary['classified']} of {summary['present_tools']} tools "
            f"({summary['unchanged']} unchanged) with {summary['classifier_version']}",
            highlight=False,
        )
        out.print("by category: " + ", ".join(f"{k} {v}" for k, v in summary["by_category"].items()), highlight=False)
        out.print("by risk: " + ", ".join(f"{k} {v}" for k, v in summary["by_risk"].items()), highlight=False)
        out.print(
            f"integrity findings on {summary['integrity_flagged']} tools; hint mismatches on {summary['hint_mismatches']}",
            highlight=False,
        )

    @app.command("eval")
    @friendly_errors
    def eval_(
        gold: Annotated[Path | None, typer.Option("--gold", help="Gold JSON Lines file (taxonomy.md format).")] = None,
        cv: Annotated[
            bool,
            typer.Option(
                "--cv",
                help="Instead of a gold file: cross-validate on the committed training data, folds grouped by "
                "server, models refitted per fold; reports rules+model, rules alone and model alone (minutes).",
            ),
        ] = False,
        folds: Annotated[int, typer.Option("--folds", help="Number of folds for --cv.", min=2)] = 5,
        training: Annotated[
            Path | None,
            typer.Option("--training", help="With --cv: one training file (default: the committed ones)."),
        ] = None,
        worst: Annotated[int, typer.Option("--worst", help="How many of the worst errors to show.")] = 15,
        json_out: JsonOption = False,
    ) -> None:
        """Measure the classifier on a labelled gold file: accuracy, macro-F1, Critical recall, capability F1.

        Example: mcp-catalog eval --gold gold/dev.jsonl --json   (or: mcp-catalog eval --cv --folds 5)
        """
        from classifier import classify_tools
        from classifier.evaluate import GoldFileError, evaluate, gold_to_tool, load_gold

        if cv:
            _eval_cv(folds, worst, json_out, training)
            return
        if gold is None:
            raise UserError("eval needs --gold FILE (a gold JSON Lines file) or --cv (cross-validation by server)")
        try:
            rows = load_gold(gold)
        except GoldFileError as exc:
            raise UserError(str(exc)) from exc
        report = evaluate(rows, classify_tools([gold_to_tool(r) for r in rows]), worst=worst)
        if json_out:
            print_json(report)
            return
        _print_report(report)

    @bench_app.command("classify")
    @friendly_errors
    def bench_classify(
        n: Annotated[int, typer.Option("-n", help="How many tools to classify.")] = 50_000,
        seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic tools.")] = 1,
        tools_from: ToolsFromOption = None,
        integrity: Annotated[
            bool,
            typer.Option("--integrity/--no-integrity", help="Include integrity checks (the headline: classify does)."),
        ] = True,
        distinct: Annotated[
            bool,
            typer.Option(
                "--distinct/--repeated",
                help="Every tool distinct (default, as real catalogs), or the corpus as is (synthetic: repeated "
                "descriptions, which the caches favour).",
            ),
        ] = True,
        profile: Annotated[
            int,
            typer.Option("--profile", help="Also list the N functions with the most own time (cProfile; slower)."),
        ] = 0,
        json_out: JsonOption = False,
    ) -> None:
        """Classification throughput in batch, in one process: tools per CPU second, on distinct tools.

        The headline is the configuration the catalog stage runs (integrity checks, server context); CPU
        seconds and the load average are reported beside wall time because the machine may be shared.

        Example: mcp-catalog bench classify -n 50000 --tools-from ../shared/data/dumps/mcpm-registry --json
        """
        from classifier.bench import CorpusError, run_benchmark

        if n < 1:
            raise UserError("-n must be at least 1")
        try:
            result = run_benchmark(
                n=n, seed=seed, integrity=integrity, tools_from=tools_from, distinct=distinct, profile=max(0, profile)
            )
        except CorpusError as exc:
            raise UserError(str(exc)) from exc
        if json_out:
            print_json(result)
            return
        load = result["load_average"]["before"][0]
        out.print(
            f"classified {result['tools']} tools ({result['distinct_descriptions']} distinct descriptions) from "
            f"{result['corpus']}: {result['tools_per_cpu_second']:,.0f} tools per CPU second "
            f"({result['cpu_seconds']:.2f} CPU s; {result['seconds']:.2f} s wall, load average {load:.2f}); "
            f"{result['configuration']}; model load {result['model_load_ms']:.0f} ms"
            + (f" ({result['profiled']})" if result.get("profiled") else ""),
            highlight=False,
        )
        if result.get("profile"):
            table = Table(title="most own time (under the profiler)")
            for col in ("function", "calls", "own s", "cumulative s"):
                table.add_column(col)
            for row in result["profile"]:
                table.add_row(row["function"], str(row["calls"]), f"{row['own_s']:.3f}", f"{row['cumulative_s']:.3f}")
            out.print(table)


def _eval_cv(folds: int, worst: int, json_out: bool, training: Path | None) -> None:
    """``eval --cv``: out-of-fold figures by server for rules+model, rules alone and model alone."""
    from classifier.crossval import VIEWS, cross_validate_by_server, summary_line
    from classifier.training import TrainingDataError, load_training

    if training is not None and not training.is_file():
        raise UserError(f"{training}: no such training file")
    try:
        examples = load_training(training)[1]
    except TrainingDataError as exc:
        raise UserError(str(exc)) from exc
    try:
        if json_out:
            report = cross_validate_by_server(examples, folds=folds, worst=worst)
        else:
            with Progress(
                TextColumn("cross-validating by server"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            ) as bar:
                task = bar.add_task("cv", total=folds)
                report = cross_validate_by_server(
                    examples, folds=folds, worst=worst, progress=lambda done, total: bar.update(task, completed=done)
                )
    except ValueError as exc:
        raise UserError(f"cross-validation failed: {exc}") from exc
    if json_out:
        print_json(report)
        return
    out.print(
        f"[bold]{report['tools']} crawled tools from {report['servers']} servers, {report['folds']} folds by server[/] "
        f"({report['training_only']} written examples always train)",
        highlight=False,
    )
    table = Table(title="out-of-fold (servers never seen in training)")
    table.add_column("view")
    figures = {view: summary_line(report[view]) for view in VIEWS}
    for col in next(iter(figures.values())):
        table.add_column(col.replace("_", " "))
    for view, row in figures.items():
        table.add_row(view, *[f"{v:.3f}" for v in row.values()])
    out.print(table)
    _print_report(report["combined"])


def _print_report(report: dict) -> None:
    cat, risk, caps = report["category"], report["risk"], report["capabilities"]
    out.print(f"[bold]{report['tools']} tools[/]", highlight=False)
    out.print(
        f"category accuracy {cat['accuracy']:.3f}  macro-F1 {cat['macro_f1']:.3f}\n"
        f"risk accuracy {risk['accuracy']:.3f}  Critical recall {risk['critical_recall']:.3f}  "
        f"Critical precision {risk['critical_precision']:.3f}\n"
        f"capability micro-F1 {caps['micro_f1']:.3f} (P {caps['micro_precision']:.3f}, R {caps['micro_recall']:.3f})",
        highlight=False,
    )
    for title, stats in (
        ("category", cat["per_class"]),
        ("risk", risk["per_class"]),
        ("capability", caps["per_capability"]),
    ):
        table = Table(title=title)
        for col in ("label", "precision", "recall", "F1", "support"):
            table.add_column(col)
        for label, s in stats.items():
            table.add_row(label, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", str(s["support"]))
        out.print(table)
    for title, matrix in (
        ("category confusion (rows gold, columns predicted)", cat["confusion"]),
        ("risk confusion (rows gold, columns predicted)", risk["confusion"]),
    ):
        table = Table(title=title)
        labels = list(matrix)
        table.add_column("gold \\ pred")
        for label in labels:
            table.add_column(label[:4])
        for g in labels:
            table.add_row(g, *[str(matrix[g][p]) for p in labels])
        out.print(table)
    out.print(f"[bold]worst errors[/] ({report['errors']} tools wrong on category or risk)", highlight=False)
    for e in report["worst_errors"]:
        out.print(
            f"  {e['server']}/{e['tool']}: gold {e['gold']['category']}/{e['gold']['risk']} "
            f"{','.join(e['gold']['capabilities'])} -> {e['predicted']['category']}/{e['predicted']['risk']} "
            f"{','.join(e['predicted']['capabilities'])}",
            highlight=False,
            markup=False,
        )
