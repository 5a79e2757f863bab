"""`mcp-catalog policy`: print one server's recommended policy in one format and preset."""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from catalog.cli.common import (
    DbOption,
    JsonOption,
    UserError,
    bench_app,
    catalog_for,
    console,
    friendly_errors,
    print_json,
    read_json_file,
    settings_for,
)

if TYPE_CHECKING:
    from publisher.policy.options import PolicyOptions

FORMAT_HELP = (
    "policy.json (gateway) | intercept.yaml | claude-code.json | disabled-tools.json | cedar | "
    "toolhive-authz.json (the Cedar policies as a ToolHive --authz-config file)."
)


def policy_options(
    path_root: str,
    allow_host: list[str] | None,
    max_amount: float,
    recipient_domain: list[str] | None,
    intercept_approval: str = "require_approval",
) -> PolicyOptions:
    """The policy flags shared by `policy` and `scan`, checked, as PolicyOptions."""
    from publisher.policy.options import PolicyOptions

    if not path_root.startswith("/"):
        raise UserError(f"--path-root must be an absolute path, got {path_root!r}")
    if max_amount <= 0:
        raise UserError("--max-amount must be positive")
    if intercept_approval not in ("require_approval", "deny"):
        raise UserError("--intercept-approval must be require_approval or deny")
    return PolicyOptions(
        path_root=path_root,
        allowed_hosts=tuple(allow_host or ()),
        max_amount=max_amount,
        recipient_domains=tuple(recipient_domain or ()),
        intercept_approval=intercept_approval,
    )


PathRootOption = Annotated[str, typer.Option("--path-root", help="Path arguments must stay under this folder.")]
AllowHostOption = Annotated[
    list[str] | None, typer.Option("--allow-host", help="Host URL arguments may reach (repeatable).")
]
MaxAmountOption = Annotated[float, typer.Option("--max-amount", help="Cap on amount arguments, in the API's unit.")]
InterceptApprovalOption = Annotated[
    str,
    typer.Option(
        "--intercept-approval",
        help="Intercept action for tools that need approval: require_approval, or deny for proxy versions without it.",
    ),
]
RecipientOption = Annotated[
    list[str] | None, typer.Option("--recipient-domain", help="Domain recipients must be in (repeatable).")
]


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# Benchmark labels cycle through every decision path (argument rules need capabilities to fire).
BENCH_LABELS = (
    ("Read", "Low", ["filesystem"]),
    ("Read", "Medium", ["network_egress", "private_data"]),
    ("Write", "High", ["sends_communication"]),
    ("Financial", "Critical", []),
    ("Execute", "Critical", ["code_execution"]),
    ("Write", "Critical", ["secrets"]),
)


def label_for_bench(session) -> int:  # type: ignore[no-untyped-def]
    """Give every unclassified tool a cycling benchmark label (classifier_version "bench-synthetic")."""
    from sqlmodel import select

    from catalog.models import Classification, Tool

    done = set(session.exec(select(Classification.tool_id)).all())
    added = 0
    for i, tool in enumerate(session.exec(select(Tool).where(Tool.present).order_by(Tool.id)).all()):
        if tool.id in done:
            continue
        category, risk, caps = BENCH_LABELS[i % len(BENCH_LABELS)]
        session.add(
            Classification(
                tool_id=tool.id,
                classifier_version="bench-synthetic",
                tool_fingerprint=tool.fingerprint,
                category=category,
                risk=risk,
                capabilities=caps,
                rationale="benchmark label, not a classification",
            )
        )
        added += 1
    session.commit()
    return added


def bench_policies(session, settings, out: Path) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Write every policy twice: a cold build (all files new) and a rebuild (nothing changed)."""
    from sqlmodel import func, select

    from catalog.models import Classification, Tool
    from publisher.policy.writer import write_all_policies

    tools = session.exec(select(func.count()).select_from(Tool).where(Tool.present)).one()
    classified = session.exec(select(func.count(func.distinct(Classification.tool_id)))).one()
    start = time.perf_counter()
    cold = write_all_policies(session, settings, out)
    cold_s = time.perf_counter() - start
    start = time.perf_counter()
    warm = write_all_policies(session, settings, out)
    warm_s = time.perf_counter() - start
    servers = max(cold["servers"], 1)
    return {
        "servers": cold["servers"],
        "tools": tools,
        "tools_classified": classified,
        "files_written": cold["files_written"],
        "megabytes": round(_dir_size(out) / 1e6, 1),
        "build_seconds": round(cold_s, 2),
        "servers_per_second": round(servers / cold_s, 1),
        "tools_per_second": round(tools / cold_s, 1),
        "files_per_second": round(cold["files_written"] / cold_s, 1),
        "rebuild_seconds": round(warm_s, 2),
        "rebuild_files_written": warm["files_written"],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _check_file(path: Path, fmt: str) -> None:
    """Validate a (possibly hand-edited) policy file; exit 1 with every problem listed when it is invalid."""
    from publisher.policy.formats import EXTRA_FORMATS, FORMATS, resolve_format
    from publisher.policy.validate import validate_file_text

    by_name = {f.filename: f.key for f in [*FORMATS.values(), *EXTRA_FORMATS.values()]}
    key = by_name.get(path.name) or (resolve_format(fmt).key if fmt != "policy.json" else None)
    if key is None:
        key = {".yaml": "intercept.yaml", ".yml": "intercept.yaml", ".cedar": "cedar"}.get(path.suffix, "policy.json")
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text ({exc.reason})") from None
    errors = validate_file_text(key, text)
    for error in errors:
        console.print(f"{path}: {error}", highlight=False, markup=False)
    if errors:
        raise typer.Exit(1)
    console.print(f"{path}: valid {key}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    @bench_app.command("policies")
    @friendly_errors
    def bench(
        out: Annotated[
            Path | None, typer.Option("--out", help="Folder to write into (default: a temporary folder).")
        ] = None,
        label: Annotated[
            bool,
            typer.Option(
                "--label-synthetic",
                help="First give unclassified tools cycling benchmark labels (stored; for throwaway bench databases).",
            ),
        ] = False,
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """Throughput of writing every server's policies (3 presets x 5 formats), cold and unchanged.

        Example: mcp-catalog bench synth -n 1000 --db /tmp/b.db && mcp-catalog bench policies --db /tmp/b.db --label-synthetic
        """
        settings = settings_for(db)
        with catalog_for(settings) as cat, cat.session() as session, tempfile.TemporaryDirectory() as tmp:
            labelled = label_for_bench(session) if label else 0
            result = bench_policies(session, settings, out or Path(tmp) / "recommended_policies")
            result["labelled_for_bench"] = labelled
        if json_out:
            print_json(result)
        else:
            console.print(f"policies: {result}", highlight=False)

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
        intercept_approval: InterceptApprovalOption = "require_approval",
        client_name: Annotated[
            str | None, typer.Option("--client-name", help="The server's name in your client config (Claude Code).")
        ] = None,
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
        check: Annotated[
            Path | None,
            typer.Option("--check", help="Validate an existing policy file (format from --format or the file name)."),
        ] = None,
        db: DbOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """Print one server's policy: from the catalog, or from a tools/list JSON classified on the fly.

        --json prints the intermediate policy (every tool's decision, rules and one-line reasons) instead;
        --check FILE validates a policy file you edited (exit 1 with every problem listed).

        Example: mcp-catalog policy --from tools.json --format intercept.yaml --preset strict --path-root /srv/data
        """
        from publisher.policy.formats import resolve_format
        from publisher.policy.model import PolicyError
        from publisher.policy.sources import policy_for_catalog_server, policy_from_tools_file
        from publisher.policy.validate import validate_file_text

        if check is not None:
            _check_file(check, fmt)
            return
        if (server is None) == (from_file is None):
            raise UserError("give either a catalog SERVER or --from TOOLS.json (not both)")
        try:
            target = resolve_format(fmt)
        except KeyError as exc:
            raise UserError(str(exc.args[0])) from None
        options = policy_options(path_root, allow_host, max_amount, recipient_domain, intercept_approval)
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
