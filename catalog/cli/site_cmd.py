"""`mcp-catalog serve` (preview a built site) and `mcp-catalog bench site` (site build throughput)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog.cli.common import JsonOption, UserError, bench_app, console, friendly_errors, print_json


def register(app: typer.Typer) -> None:
    @app.command("serve")
    @friendly_errors
    def serve(
        directory: Annotated[Path, typer.Option("--dir", help="The built site folder.")] = Path("site"),
        port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0 picks a free one).")] = 8000,
        host: Annotated[
            str, typer.Option("--host", help="Address to bind; loopback unless you mean to share.")
        ] = "127.0.0.1",
    ) -> None:
        """Serve a built site locally for previewing (static files only; Ctrl-C stops it).

        Example: mcp-catalog serve --dir site/ --port 8000
        """
        from publisher.site.serve import make_server

        if not 0 <= port <= 65535:
            raise UserError(f"--port {port} is not a port number (0 to 65535)")
        try:
            server = make_server(directory, host, port)
        except OSError as exc:
            if isinstance(exc, FileNotFoundError):
                raise
            raise UserError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port") from exc
        bound_port = server.server_address[1]
        console.print(f"serving {directory} at http://{host}:{bound_port}/ (Ctrl-C to stop)", highlight=False)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            console.print("stopped")
        finally:
            server.server_close()

    @bench_app.command("site")
    @friendly_errors
    def bench_site(
        servers: Annotated[
            int, typer.Option("--servers", "-n", help="Synthetic servers (about 10 tools each).")
        ] = 10000,
        seed: Annotated[int, typer.Option(help="Random seed of the synthetic catalog.")] = 0,
        workers: Annotated[int | None, typer.Option(help="Worker processes (default: one per CPU).")] = None,
        keep: Annotated[Path | None, typer.Option("--keep", help="Write the site here and keep it.")] = None,
        policies: Annotated[
            bool,
            typer.Option(
                help="Generate the recommended policies first (untimed), so pages carry snippets and downloads."
            ),
        ] = False,
        json_out: JsonOption = False,
    ) -> None:
        """Build the site of a synthetic catalog: full build, then an incremental one after 1% of tools change.

        Example: mcp-catalog bench site --servers 10000 --policies
        """
        from publisher.site.bench import run_site_bench

        if servers < 1:
            raise UserError("--servers must be at least 1")
        result = run_site_bench(
            servers, seed, workers, keep, log=lambda m: console.print(m, highlight=False), policies=policies
        )
        if json_out:
            print_json(result)
        else:
            console.print(result, highlight=False)
