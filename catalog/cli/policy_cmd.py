"""`mcp-catalog policy`: print one server's recommended policy in one format and preset."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog.cli.common import (
    DbOption,
    JsonOption,
    UserError,
    catalog_for,
    friendly_errors,
    print_json,
    read_json_file,
    settings_for,
)

FORMAT_HELP = "policy.json (gateway) | intercept.yaml | claude-code.json | disabled-tools.json | cedar (ToolHive)."


def policy_options(path_root: str, allow_host: list[str] | None, max_amount: float, recipient_domain: list[str] | None):  # type: ignore[no-untyped-def]
    from publisher.policy.options import PolicyOptions

    if not path_root.startswith("/"):
        raise UserError(f"--path-root must be an absolute path, got {path_root!r}")
    if max_amount <= 0:
        raise UserError("--max-amount must be positive")
    return PolicyOptions(
        path_root=path_root,
        allowed_hosts=tuple(allow_host or ()),
        max_amount=max_amount,
        recipient_domains=tuple(recipient_domain or ()),
    )


PathRootOption = Annotated[str, typer.Option("--path-root", help="Path arguments must stay under this folder.")]
AllowHostOption = Annotated[
    list[str] | None, typer.Option("--allow-host", help="Host URL arguments may reach (repeatable).")
]
MaxAmountOption = Annotated[float, typer.Option("--max-amount", help="Cap on amount arguments, in the API's unit.")]
RecipientOption = Annotated[
    list[str] | None, typer.Option("--recipient-domain", help="Domain recipients must be in (repeatable).")
]


def register(app: typer.Typer) -> None:
    @app.command("policy")
    @friendly_errors
    def policy(
        server: Annotated[str | None, typer.Argument(help="Catalog server: slug, registry name or package.")] = None,
        from_file: Annotated[
            Path | None, typer.Option("--from", help="A tools/list JSON file (classified on the fly) instead.")
        ] = None,
        fmt: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "policy.json",
        preset: Annotated[
            str, typer.Option("--preset", "-p", help="strict | recommended | permissive.")
        ] = "recommended",
        path_root: PathRootOption = "/workspace",
        allow_host: AllowHostOption = None,
        max_amount: MaxAmountOption = 1000,
        recipient_domain: RecipientOption = None,
        client_name: Annotated[
            str | None, typer.Option("--client-name", help="The server's name in your client config (Claude Code).")
        ] = None,
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """Print one server's policy: from the catalog, or from a tools/list JSON classified on the fly.

        --json prints the intermediate policy (every tool's decision, rules and one-line reasons) instead.

        Example: mcp-catalog policy --from tools.json --format intercept.yaml --preset strict --path-root /srv/data
        """
        from publisher.policy.formats import resolve_format
        from publisher.policy.model import PolicyError
        from publisher.policy.sources import policy_for_catalog_server, policy_from_tools_file
        from publisher.policy.validate import validate_file_text

        if (server is None) == (from_file is None):
            raise UserError("give either a catalog SERVER or --from TOOLS.json (not both)")
        try:
            target = resolve_format(fmt)
        except KeyError as exc:
            raise UserError(str(exc.args[0])) from None
        options = policy_options(path_root, allow_host, max_amount, recipient_domain)
        try:
            if from_file is not None:
                data = read_json_file(from_file)
                result = policy_from_tools_file(from_file, data, preset, options, client_name=client_name)
            else:
                settings = settings_for(db)
                with catalog_for(settings) as cat, cat.session() as session:
                    result = policy_for_catalog_server(session, server or "", preset, options, client_name)
        except PolicyError as exc:
            raise UserError(str(exc)) from None
        if json_out:
            print_json(result.to_json())
            return
        text = target.render(result)
        errors = validate_file_text(target.key, text)
        if errors:  # a bug in a compiler, never the user's fault: say so plainly
            raise UserError(f"generated {target.key} failed validation: {errors[0]} (please report this)")
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
        else:
            typer.echo(text, nl=False)
