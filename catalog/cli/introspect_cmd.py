"""`mcp-catalog introspect`: start or connect to a real MCP server and list its tools (runs third-party code)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from catalog.cli.common import (
    EXIT_FAILED,
    DbOption,
    JsonOption,
    UserError,
    catalog_for,
    console,
    friendly_errors,
    out,
    print_json,
    settings_for,
)

if TYPE_CHECKING:
    from crawler.clientconfig import LaunchSpec
    from crawler.live import LiveResult

WARNING = (
    "WARNING: this STARTS AND RUNS THIRD-PARTY CODE on this machine (the command after `--`), or sends "
    "requests to the URL. It runs with a timeout, a scrubbed environment (PATH, LANG, a temporary HOME and only "
    "the --env variables you pass), a temporary working folder, in its own process group that is killed "
    "afterwards; that limits accidents, it is not a security sandbox. Only introspect servers you would run anyway."
)


def parse_pairs(values: list[str], sep: str, what: str) -> dict[str, str]:
    """`NAME=VALUE` / `Name: value` options as a dict; a bad one is a usage error that names it."""
    pairs: dict[str, str] = {}
    for raw in values:
        name, found, value = raw.partition(sep)
        if not found or not name.strip():
            raise UserError(f"{what} {raw.split(sep)[0]!r} must look like NAME{sep}VALUE")
        pairs[name.strip()] = value.strip() if sep == ":" else value
    return pairs


def register(app: typer.Typer) -> None:
    register_client_configs(app)

    @app.command(
        "introspect",
        help="List the tools of a running MCP server (stdio command after `--`, or --url).\n\n"
        + WARNING
        + "\n\nExample: mcp-catalog introspect --timeout 60 --env API_BASE=http://localhost:8080 -- npx -y @scope/server@1.2.3"
        + "\n\nExample: mcp-catalog introspect --url https://mcp.example.com/mcp --header 'Authorization: Bearer ...' --json"
        + "\n\nExample: mcp-catalog introspect --config ~/.cursor/mcp.json --server github --store",
    )
    @friendly_errors
    def introspect(
        command: Annotated[
            list[str] | None, typer.Argument(help="The server command and its arguments, after `--`.")
        ] = None,
        url: Annotated[
            str | None, typer.Option("--url", help="A remote server: streamable HTTP, falling back to SSE.")
        ] = None,
        transport: Annotated[
            str, typer.Option("--transport", help="For --url: auto, streamable-http or sse.")
        ] = "auto",
        env: Annotated[
            list[str] | None,
            typer.Option(
                "--env", "-e", help="NAME=VALUE passed to the server (repeatable); nothing else is inherited."
            ),
        ] = None,
        header: Annotated[
            list[str] | None, typer.Option("--header", "-H", help="'Name: value' sent with --url (repeatable).")
        ] = None,
        timeout: Annotated[
            float, typer.Option("--timeout", min=0.1, help="Seconds for the whole exchange; the server is then killed.")
        ] = 30.0,
        store: Annotated[
            bool, typer.Option("--store", help="Write the server and its tools into the catalog (origin live).")
        ] = False,
        name: Annotated[str | None, typer.Option("--name", help="Server name to store (default: its own).")] = None,
        config: Annotated[
            Path | None,
            typer.Option(
                "--config",
                help="Start a server as configured in this client config file (with its env); needs --server.",
            ),
        ] = None,
        server: Annotated[str | None, typer.Option("--server", help="The server's key in --config.")] = None,
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        from crawler.live import IntrospectionError, absolutize_paths, introspect_stdio, introspect_url

        if sum(map(bool, (command, url, config))) != 1:
            raise UserError("give one of: a command after `--`, --url, or --config with --server")
        if bool(config) != bool(server):
            raise UserError("--config and --server go together: the file and the server's key in it")
        if transport not in ("auto", "streamable-http", "sse"):
            raise UserError(f"--transport must be auto, streamable-http or sse, not {transport!r}")
        env_values = parse_pairs(env or [], "=", "--env")
        headers = parse_pairs(header or [], ":", "--header")
        base = Path.cwd()
        cwd: Path | None = None
        if config and server:
            spec = _configured(config, server, env_values)
            command, url, cwd = spec.command, spec.url, spec.cwd
            env_values = {**spec.env, **env_values}
            headers = {**spec.headers, **headers}
            transport = spec.transport if transport == "auto" else transport
            base = spec.cwd or config.expanduser().resolve().parent
        # The SDK logs a traceback for every non-JSON line a server prints; those are summarised as problems.
        logging.getLogger("mcp").setLevel(logging.CRITICAL)
        try:
            with console.status("introspecting (running third-party code)...", spinner="dots"):
                if url:
                    result = introspect_url(url, headers=headers, timeout=timeout, transport=transport)
                else:
                    result = introspect_stdio(
                        absolutize_paths(list(command or []), base), env=env_values, timeout=timeout, cwd=cwd
                    )
        except IntrospectionError as exc:
            console.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
            raise typer.Exit(EXIT_FAILED) from None
        stored = None
        if store:
            from crawler.live import store_live_result

            with catalog_for(settings_for(db)) as catalog, catalog.session() as session:
                server, summary = store_live_result(session, result, name=name or server)
                stored = {"slug": server.slug, **summary.as_dict()}
        if json_out:
            data = result.to_json()
            if stored:
                data["stored"] = stored
            print_json(data)
        else:
            _print_result(result, stored)
        for problem in result.problems:
            console.print(f"warning: {problem}", markup=False, highlight=False)


def _configured(config: Path, server: str, overrides: dict[str, str]) -> LaunchSpec:
    """The launch spec of a configured server; warns about placeholders neither the config nor --env fill."""
    from crawler.clientconfig import ConfigError, launch_spec

    try:
        spec = launch_spec(config, server)
    except ConfigError as exc:
        raise UserError(str(exc)) from None
    merged = {**spec.env, **overrides}
    unfilled = [k for k, v in merged.items() if "${" in v] + [a for a in spec.command if "${" in a]
    if spec.missing and unfilled:
        console.print(
            f"warning: not filled from your environment: {', '.join(dict.fromkeys(spec.missing))} "
            f"(used by {', '.join(unfilled)}); the server may fail. Pass values with --env NAME=VALUE.",
            markup=False,
            highlight=False,
        )
    return spec


def register_client_configs(app: typer.Typer) -> None:
    @app.command(
        "client-configs",
        help="List the MCP servers configured in Claude Desktop, Claude Code, Cursor, VS Code and Windsurf, "
        "and what each one runs (npm or PyPI package, Docker image, local path, URL). Reads files only; runs nothing. "
        "Secret values are never shown: only variable and header names.\n\n"
        "Example: mcp-catalog client-configs --json\n\n"
        "Example: mcp-catalog client-configs ./.vscode/mcp.json ~/.cursor/mcp.json",
    )
    @friendly_errors
    def client_configs(
        paths: Annotated[
            list[Path] | None, typer.Argument(help="Configuration files to read (default: discover them).")
        ] = None,
        home: Annotated[Path | None, typer.Option("--home", help="Home folder to search (default: yours).")] = None,
        cwd: Annotated[Path | None, typer.Option("--project", help="Project folder to search (default: here).")] = None,
        json_out: JsonOption = False,
    ) -> None:
        from rich.table import Table
        from rich.text import Text

        from crawler.clientconfig import read_all

        servers, errors = read_all(home=home, cwd=cwd, paths=list(paths) if paths else None)
        if json_out:
            print_json({"servers": [s.to_json() for s in servers], "errors": errors})
        else:
            table = Table("client", "server", "kind", "runs", "secret names")
            for s in servers:
                runs = s.package or s.url or s.path or " ".join(s.command)
                runs += f" {s.version}" if s.version else ""
                secrets = ", ".join(s.secret_env_names + [f"header {h}" for h in s.header_names])
                name = s.name + (" (disabled)" if s.disabled else "")
                table.add_row(*(Text(v) for v in (s.client, name, s.kind, runs, secrets)))
            if servers:
                out.print(table)
                files = sorted({s.config_path for s in servers})
                console.print(f"{len(servers)} servers in {len(files)} files: " + ", ".join(files), markup=False)
            else:
                console.print("no configured MCP servers found", highlight=False)
        for error in errors:
            console.print(f"skipped {error}", markup=False, highlight=False)
        if errors and not servers:
            raise typer.Exit(EXIT_FAILED)


def _print_result(result: LiveResult, stored: dict[str, Any] | None) -> None:
    """A short human summary; server-provided text is printed as plain text, never as markup."""
    from rich.table import Table
    from rich.text import Text

    who = f"{result.server_name or '?'} {result.server_version or ''}".strip()
    console.print(
        f"{who} via {result.transport}, protocol {result.protocol_version}: {len(result.tools)} tools "
        f"in {result.pages} page(s), {result.seconds:.1f}s",
        markup=False,
        highlight=False,
    )
    table = Table("tool", "hints", "description", show_lines=False)
    for tool in result.tools:
        hints = ",".join(k.removesuffix("Hint") + ("" if v else "=false") for k, v in tool.annotations.items())
        first = (tool.description or "").strip().splitlines()[:1]
        # Text cells are never parsed as markup: server-provided names and descriptions stay plain text.
        table.add_row(Text(tool.name), Text(hints), Text(first[0][:100] if first else ""))
    out.print(table)
    if stored:
        console.print(
            f"stored as {stored['slug']}: {stored['added']} added, {stored['changed']} changed, "
            f"{stored['removed']} removed, {stored['unchanged']} unchanged",
            markup=False,
            highlight=False,
        )
