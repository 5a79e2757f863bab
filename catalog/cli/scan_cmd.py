"""`mcp-catalog scan`: a risk report of an MCP setup (client configs, server folders, packages, tool lists).

Exit codes: 0 = scanned (and --fail-on not tripped); 1 = --fail-on tripped: a tool at or above the level, or
(for any level up to critical) an agent with the lethal trifecta; 2 = bad input (unreadable file, unknown
option value, nothing to scan).
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from catalog.cli.common import EXIT_FAILED, UserError, catalog_for, console, friendly_errors, out, settings_for
from catalog.cli.policy_cmd import (
    AllowHostOption,
    InterceptApprovalOption,
    MaxAmountOption,
    PathRootOption,
    RecipientOption,
    policy_options,
)

FORMATS = ("table", "json", "sarif", "markdown")


def register(app: typer.Typer) -> None:
    @app.command("scan")
    @friendly_errors
    def scan(
        targets: Annotated[
            list[str] | None,
            typer.Argument(
                help="Client config files, server folders or archives, npm:NAME / pypi:NAME packages, or "
                "tools/list JSON files. None: find the client configs on this machine."
            ),
        ] = None,
        live: Annotated[
            bool, typer.Option("--live", help="List tools from running servers when nothing else knows them.")
        ] = False,
        fmt: Annotated[str, typer.Option("--format", "-f", help="table | json | sarif | markdown.")] = "table",
        fail_on: Annotated[
            str,
            typer.Option(
                "--fail-on",
                help="Exit 1 when a tool is at or above this risk (low|medium|high|critical) or an agent has the "
                "lethal trifecta; never: always exit 0.",
            ),
        ] = "never",
        write_policies: Annotated[
            Path | None, typer.Option("--write-policies", help="Write every preset and format for these servers here.")
        ] = None,
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
        path_root: PathRootOption = "/workspace",
        allow_host: AllowHostOption = None,
        max_amount: MaxAmountOption = 1000,
        recipient_domain: RecipientOption = None,
        intercept_approval: InterceptApprovalOption = "require_approval",
        db: Annotated[
            str | None,
            typer.Option(
                "--db", envvar="MCP_CATALOG_DB", help="Look servers up in this catalog first (SQLite path or URL)."
            ),
        ] = None,
    ) -> None:
        """Scan an MCP setup: every server's tools, classified, with a per-server summary and the combination risk.

        Exit codes: 0 ok, 1 --fail-on tripped, 2 bad input.

        Example: mcp-catalog scan ~/.cursor/mcp.json ./my-server --format sarif -o scan.sarif --fail-on high
        """
        from publisher.scan.report_markdown import render_markdown
        from publisher.scan.report_sarif import render_sarif
        from publisher.scan.report_table import render_table
        from publisher.scan.resolve import default_live
        from publisher.scan.runner import FAIL_LEVELS, fail_exit_code, run_scan, write_scan_policies
        from publisher.scan.targets import ScanInputError, discover_subjects, subjects_for_args

        if fmt not in FORMATS:
            raise UserError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        if fail_on.lower() not in FAIL_LEVELS:
            raise UserError(f"--fail-on must be one of {', '.join(FAIL_LEVELS)}, got {fail_on!r}")
        options = policy_options(path_root, allow_host, max_amount, recipient_domain, intercept_approval)
        problems: list[str] = []
        try:
            if targets:
                subjects = subjects_for_args(targets)
            else:
                subjects, problems = discover_subjects()
        except ScanInputError as exc:
            raise UserError(str(exc)) from None
        if not subjects:
            raise UserError("no MCP servers found to scan: name a config file, a server folder or a package")
        lister = None
        if live:
            try:
                lister = default_live()
            except RuntimeError as exc:
                raise UserError(str(exc)) from None
        with ExitStack() as stack:
            session = None
            if db:
                cat = stack.enter_context(catalog_for(settings_for(db)))
                session = stack.enter_context(cat.session())
            bar = stack.enter_context(Progress(console=console, transient=True, disable=not console.is_terminal))
            task = bar.add_task("scanning", total=len(subjects))

            def step(n: int, total: int, name: str) -> None:
                bar.update(task, completed=n - 1, description=f"scanning {name[:40]}")

            report = run_scan(subjects, session=session, live=lister, options=options, problems=problems, progress=step)
        if fmt == "table":
            target_console = out if output is None else None
            if target_console is None:
                from rich.console import Console

                with output.open("w", encoding="utf-8") as fh:  # type: ignore[union-attr]
                    render_table(report, Console(file=fh, width=160, soft_wrap=True))
            else:
                render_table(report, target_console)
        else:
            import json

            text = {
                "json": lambda: json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n",
                "sarif": lambda: render_sarif(report),
                "markdown": lambda: render_markdown(report),
            }[fmt]()
            if output is not None:
                output.write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
        if write_policies is not None:
            summary = write_scan_policies(report, write_policies, options)
            console.print(
                f"policies: {summary['servers']} servers, {summary['files_written']} files written to {write_policies}",
                highlight=False,
            )
        code = fail_exit_code(report, fail_on)
        if code:
            console.print(f"--fail-on {fail_on}: findings at or above the threshold", highlight=False)
            raise typer.Exit(EXIT_FAILED)
