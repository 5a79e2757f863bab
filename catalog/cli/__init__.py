"""The `mcp-catalog` command line. Each command module registers itself; all work is in library functions."""

from __future__ import annotations

import typer

from catalog import __version__
from catalog.cli import (
    bench_cmd,
    build_cmd,
    classify_cmd,
    crawl_cmd,
    extract_cmd,
    integrity_bench_cmd,
    introspect_cmd,
    policy_cmd,
    quickstart_cmd,
    rules_bench_cmd,
    scan_cmd,
    site_cmd,
    stats_cmd,
)
from catalog.cli.common import bench_app

app = typer.Typer(
    name="mcp-catalog",
    help="Crawl MCP servers, extract their tools, classify each tool's risk, and publish policies and a site.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

for module in (
    quickstart_cmd,
    extract_cmd,
    introspect_cmd,
    crawl_cmd,
    classify_cmd,
    policy_cmd,
    scan_cmd,
    build_cmd,
    site_cmd,
    stats_cmd,
    bench_cmd,
    rules_bench_cmd,
    integrity_bench_cmd,
):
    module.register(app)
app.add_typer(bench_app, name="bench")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mcp-catalog {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """mcp-catalog: the MCP tool risk catalog."""


def main() -> None:
    app()
