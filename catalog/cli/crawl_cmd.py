"""`mcp-catalog crawl` and `mcp-catalog bench crawl`: thin wrappers over ``crawler.pipeline.crawl``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog.cli.common import (
    EXIT_FAILED,
    DbOption,
    JsonOption,
    UserError,
    bench_app,
    catalog_for,
    console,
    friendly_errors,
    print_json,
    settings_for,
)


def _print_summary(summary: dict) -> None:
    found = ", ".join(f"{k}: {v}" for k, v in summary["found"].items()) or "none"
    req = summary["requests"]
    console.print(f"found      {found}", highlight=False)
    console.print(
        f"servers    {summary['servers_new']} new, {summary['merged']} merged from several sources, "
        f"{summary['deleted']} deleted",
        highlight=False,
    )
    console.print(
        f"fetched    {summary['fetched']} ({summary['from_cache']} from cache), {summary['unchanged']} unchanged, "
        f"{summary['no_tools']} without tools, {summary['failed']} failed",
        highlight=False,
    )
    console.print(
        f"tools      {summary['tools_added']} added, {summary['tools_changed']} changed, "
        f"{summary['tools_removed']} removed",
        highlight=False,
    )
    console.print(
        f"requests   {req.get('requests', 0)} ({req.get('conditional', 0)} conditional, "
        f"{req.get('not_modified', 0)} not modified, {req.get('retries', 0)} retries) in {summary['seconds']}s",
        highlight=False,
    )
    for spec, error in summary["source_errors"].items():
        console.print(f"[yellow]source {spec} failed:[/] {error}", highlight=False)
    queue = summary["queue"]
    if queue.get("pending") or queue.get("failed"):
        console.print(
            f"queue      {queue.get('pending', 0)} pending, {queue.get('failed', 0)} failed "
            "(run crawl again to retry; `mcp-catalog stats` lists problems)",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    @app.command("crawl")
    @friendly_errors
    def crawl(
        source: Annotated[
            list[str] | None,
            typer.Option(
                "--source",
                "-s",
                help="Source(s) to crawl; repeatable or comma-separated: registry, github[:owner/repo,...|"
                ":search=Q], npm[:name@ver,...|:search=TEXT], pypi[:name==ver,...], seeds:FILE, local:PATH, "
                "registry:FILE, and the list and dump sources (awesome, docker, mcpm, toolhive, glama[:ARG]).",
            ),
        ] = None,
        discover_only: Annotated[
            bool, typer.Option("--discover-only", help="Only discover servers and queue their fetch.")
        ] = False,
        worker: Annotated[
            bool,
            typer.Option("--worker", help="Only fetch queued work (run several, sharing a PostgreSQL --db)."),
        ] = False,
        wait: Annotated[
            float,
            typer.Option(
                "--wait", help="With --worker: keep polling an empty queue this many seconds before exiting.", min=0
            ),
        ] = 0.0,
        registry_url: Annotated[
            str | None, typer.Option(envvar="MCP_CATALOG_REGISTRY_URL", help="MCP Registry base URL.")
        ] = None,
        github_api_url: Annotated[
            str | None, typer.Option(envvar="MCP_CATALOG_GITHUB_API_URL", help="GitHub API base URL.")
        ] = None,
        github_url: Annotated[
            str | None, typer.Option(envvar="MCP_CATALOG_GITHUB_URL", help="GitHub web base URL.")
        ] = None,
        glama_url: Annotated[str | None, typer.Option(envvar="MCP_CATALOG_GLAMA_URL", help="Glama base URL.")] = None,
        npm_registry: Annotated[
            str | None,
            typer.Option(envvar="MCP_CATALOG_NPM_REGISTRY_URL", help="npm registry (default: npm's configuration)."),
        ] = None,
        pypi_index: Annotated[
            str | None,
            typer.Option(envvar="MCP_CATALOG_PYPI_INDEX_URL", help="Simple index (default: pip's configuration)."),
        ] = None,
        cache_dir: Annotated[
            Path | None, typer.Option(envvar="MCP_CATALOG_CACHE_DIR", help="HTTP cache folder.")
        ] = None,
        concurrency: Annotated[int | None, typer.Option(help="Concurrent requests per host.", min=1, max=64)] = None,
        rate: Annotated[float | None, typer.Option(help="Requests per second per host (0: no limit).", min=0)] = None,
        timeout: Annotated[float | None, typer.Option(help="Request timeout in seconds.", min=1)] = None,
        retries: Annotated[int | None, typer.Option(help="Retries on errors, 429 and 5xx.", min=0, max=20)] = None,
        repo_metadata: Annotated[
            bool,
            typer.Option(
                "--repo-metadata",
                envvar="MCP_CATALOG_REPO_METADATA",
                help="Also fetch GitHub stars/licence/archived for servers whose tools come from a package.",
            ),
        ] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """Crawl sources into the catalog: discover servers, fetch their packages or repositories, store tools.

        Re-running is incremental (conditional requests, updated_since) and resumes an interrupted crawl.

        Example: mcp-catalog crawl --source registry --source npm:@modelcontextprotocol/server-everything
        """
        from crawler.pipeline import CrawlError
        from crawler.pipeline import crawl as run_crawl

        settings = settings_for(
            db,
            registry_url=registry_url,
            github_api_url=github_api_url,
            github_url=github_url,
            glama_url=glama_url,
            npm_registry_url=npm_registry,
            pypi_index_url=pypi_index,
            cache_dir=cache_dir,
            concurrency_per_host=concurrency,
            requests_per_second_per_host=rate,
            timeout_seconds=timeout,
            max_retries=retries,
            fetch_repo_metadata=repo_metadata or None,
        )
        with catalog_for(settings) as cat:
            try:
                summary = run_crawl(
                    cat,
                    settings,
                    source or [],
                    discover_only=discover_only,
                    worker=worker,
                    progress=not (quiet or json_out),
                    idle_wait=wait,
                )
            except CrawlError as exc:
                raise UserError(str(exc)) from None
        data = summary.as_dict()
        if json_out:
            print_json(data)
        else:
            _print_summary(data)
        if data["source_errors"]:  # the work of the other sources is saved; the exit code still says it failed
            raise typer.Exit(EXIT_FAILED)

    @bench_app.command("crawl")
    @friendly_errors
    def bench_crawl(
        servers: Annotated[
            int, typer.Option("--servers", "-n", help="Synthetic servers in the fixture world.")
        ] = 10000,
        seed: Annotated[int, typer.Option(help="Random seed of the synthetic world.")] = 0,
        concurrency: Annotated[int, typer.Option(help="Concurrent requests per host.")] = 16,
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """Crawl a local fixture server holding N synthetic servers, cold then warm; report throughput,
        requests per server and peak memory.

        Example: mcp-catalog bench crawl --servers 10000 --db /tmp/bench-crawl.db
        """
        from crawler.testing.bench import run_crawl_benchmark

        result = run_crawl_benchmark(servers, seed=seed, db=db, concurrency=concurrency, progress=not json_out)
        if json_out:
            print_json(result)
        else:
            for phase in ("cold", "warm"):
                console.print(f"{phase}: {result[phase]}", highlight=False)
