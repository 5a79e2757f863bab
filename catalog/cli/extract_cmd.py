"""`mcp-catalog extract` and `mcp-catalog bench extract`: list the tools a server's source, package or
tools/list dump declares, and measure how fast that goes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog.cli.common import (
    EXIT_FAILED,
    JsonOption,
    UserError,
    bench_app,
    console,
    friendly_errors,
    out,
    print_json,
    settings_for,
)


def register(app: typer.Typer) -> None:
    @app.command("extract")
    @friendly_errors
    def extract(
        path: Annotated[
            Path,
            typer.Argument(
                help="Server source folder, archive (.tar.gz .tgz .zip .whl), source file or tools/list JSON."
            ),
        ],
        json_out: JsonOption = False,
        servers: Annotated[
            bool, typer.Option("--servers", help="With --json: group by server, with unresolved names and problems.")
        ] = False,
        max_file_bytes: Annotated[
            int | None, typer.Option(help="Skip source files larger than this (default from settings: 8 MiB).")
        ] = None,
    ) -> None:
        """Extract tool definitions statically (the code is parsed, never imported or run).

        Problems (unparsable or binary files, unsafe archive members, links) are reported on stderr and never
        stop the other files. Exit code 1 when nothing could be read at all.

        Example: mcp-catalog extract ./my-server --json
        """
        from crawler.extract import extract_path

        if not path.exists() and not path.is_symlink():
            raise UserError(f"{path}: no such file or folder; give a server folder, archive or tools/list JSON file")
        settings = settings_for(None, max_file_bytes=max_file_bytes)
        result = extract_path(path, settings)
        if json_out and servers:
            print_json(
                {
                    "servers": [
                        {
                            "name": s.name,
                            "subpath": s.subpath,
                            "language": s.language,
                            "tools": [t.to_json() for t in s.tools],
                            "unresolved": s.unresolved,
                        }
                        for s in result.servers
                    ],
                    "problems": [p.to_json() for p in result.problems],
                    "files_scanned": result.files_scanned,
                    "bytes_scanned": result.bytes_scanned,
                }
            )
        elif json_out:
            print_json([t.to_json() for t in result.tools])
        else:
            multi = len(result.servers) > 1
            for server in result.servers:
                if multi:
                    out.print(f"# {server.name} ({server.subpath or '.'})", highlight=False, markup=False)
                for t in server.tools:
                    first = (t.description or "").strip().splitlines()[0:1]
                    cond = f"\t[only if {t.conditional}]" if t.conditional else ""
                    out.print(f"{t.name}\t{first[0] if first else ''}{cond}", highlight=False, markup=False)
                for item in server.unresolved:
                    console.print(
                        f"unresolved {item.get('file')}:{item.get('line')}: {item.get('reason')} "
                        f"({item.get('expression')})",
                        highlight=False,
                        markup=False,
                    )
        for problem in result.problems:
            console.print(f"skipped {problem.path}: {problem.reason}", highlight=False, markup=False)
        if not result.servers and result.problems:
            raise typer.Exit(EXIT_FAILED)

    @bench_app.command("extract")
    @friendly_errors
    def bench_extract(
        paths: Annotated[list[Path] | None, typer.Argument(help="Folders or archives to scan.")] = None,
        synthetic_mb: Annotated[
            float, typer.Option("--synthetic-mb", help="Also generate and scan a synthetic mixed tree of this size.")
        ] = 0.0,
        seed: Annotated[int, typer.Option(help="Seed for the synthetic tree.")] = 0,
        repeat: Annotated[int, typer.Option(help="Scan each path this many times; the best run is reported.")] = 1,
        json_out: JsonOption = False,
    ) -> None:
        """Measure static extraction throughput (MB/s of repository bytes, tools/s) on one core.

        Example: mcp-catalog bench extract --synthetic-mb 50
        """
        from crawler.extract.bench import run_benchmark

        if not paths and synthetic_mb <= 0:
            raise UserError("give one or more PATHs or --synthetic-mb N")
        for p in paths or []:
            if not p.exists():
                raise UserError(f"{p}: no such file or folder")
        report = run_benchmark(list(paths or []), synthetic_mb=synthetic_mb, seed=seed, repeat=max(1, repeat))
        if json_out:
            print_json(report)
        else:
            for row in report["runs"]:
                console.print(
                    f"{row['path']}: {row['mb']:.1f} MB, {row['files']} files, {row['tools']} tools in "
                    f"{row['seconds']:.2f}s -> {row['mb_per_s']:.1f} MB/s, {row['tools_per_s']:.0f} tools/s; per CPU "
                    f"second (one core): {row['mb_per_cpu_s']:.1f} MB/s, {row['tools_per_cpu_s']:.0f} tools/s",
                    highlight=False,
                    markup=False,
                )
            total = report["total"]
            console.print(
                f"total: {total['mb']:.1f} MB at {total['mb_per_s']:.1f} MB/s, {total['tools_per_s']:.0f} tools/s wall; "
                f"{total['mb_per_cpu_s']:.1f} MB/s, {total['tools_per_cpu_s']:.0f} tools/s per CPU second "
                f"({total['cpu_seconds']:.2f}s CPU)",
                highlight=False,
                markup=False,
            )

    @bench_app.command("extract-recall")
    @friendly_errors
    def bench_extract_recall(
        paths: Annotated[list[Path], typer.Argument(help="Unpacked sdists or archives of Python MCP servers.")],
        data: Annotated[
            Path, typer.Option("--data", help="The shared data folder (dumps/livemcpbench-tools.json, mcpm).")
        ],
        json_out: JsonOption = False,
    ) -> None:
        """Measure recall and precision of static extraction against tool lists captured from running servers.

        Example: mcp-catalog bench extract-recall /tmp/sdists/* --data ../shared/data
        """
        from crawler.extract.bench import recall_report, reference_tool_lists

        for p in paths:
            if not p.exists():
                raise UserError(f"{p}: no such file or folder")
        reference = reference_tool_lists(data)
        if not reference:
            raise UserError(
                f"{data}: no tool lists found (expected dumps/livemcpbench-tools.json or dumps/mcpm-registry)"
            )
        report = recall_report(paths, reference)
        if json_out:
            print_json(report)
            return
        for row in report["packages"]:
            console.print(
                f"{row['package']} ({row['reference']}): {row['matched']}/{row['expected']} found, "
                f"{len(row['extra'])} extra; missed {row['missed'][:6]} extra {row['extra'][:6]}"
                + (f" unresolved: {row['unresolved'][:2]}" if row["unresolved"] else ""),
                highlight=False,
                markup=False,
            )
        total = report["total"]
        console.print(
            f"total: {total['packages']} packages, recall {total['recall']:.3f}, precision {total['precision']:.3f} "
            f"({total['matched']} matched of {total['expected']} expected, {total['found']} found); "
            f"{len(report['skipped'])} paths without a reference list",
            highlight=False,
            markup=False,
        )
