"""write_all_policies: the recommended_policies/ layout the site relies on, on SQLite (and PostgreSQL in CI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, select

from catalog.config import Settings
from catalog.db import Catalog
from catalog.models import Classification, Server, Tool
from catalog.records import ToolRecord
from crawler.store import sync_tools, upsert_server
from publisher.policy.formats import FORMATS
from publisher.policy.options import PRESETS
from publisher.policy.validate import validate_file_text
from publisher.policy.writer import write_all_policies
from tests.test_policy import FIXTURE_NAMES, load_fixture


def add_classification(
    session: Session, tool: Tool, category: str, risk: str, capabilities: list[str], version: str = "test"
) -> None:
    """A hand-made Classification row, as the classifier stage would store it."""
    session.add(
        Classification(
            tool_id=tool.id,
            classifier_version=version,
            tool_fingerprint=tool.fingerprint,
            category=category,
            risk=risk,
            capabilities=capabilities,
            rationale="hand-labelled fixture",
        )
    )


def populate(session: Session, names: list[str] = FIXTURE_NAMES) -> None:
    """The hand-written fixture servers as crawled and classified catalog rows."""
    for name in names:
        server_data, tools, cls = load_fixture(name)
        server = upsert_server(
            session, slug=server_data["slug"], name=server_data["name"], source="local", external_id=name
        )
        records = [
            ToolRecord(name=t["name"], description=t.get("description"), input_schema=t.get("inputSchema"))
            for t in tools
        ]
        sync_tools(session, server, records)
        for tool in session.exec(select(Tool).where(Tool.server_id == server.id)).all():
            if tool.name in cls:
                c = cls[tool.name]
                add_classification(session, tool, c["category"], c["risk"], c["capabilities"])
        session.commit()


def test_layout_index_and_validity(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "recommended_policies"
    with catalog.session() as session:
        populate(session)
        summary = write_all_policies(session, Settings(db=catalog.url), out, validate=True)
    assert summary["invalid"] == []
    assert summary["servers"] == len(FIXTURE_NAMES)
    assert summary["files_written"] == len(FIXTURE_NAMES) * len(PRESETS) * len(FORMATS) + 2  # + index + schema
    index = json.loads((out / "index.json").read_text("utf-8"))
    assert index["version"] == "1" and index["generated_at"].endswith("Z")
    entry = index["servers"]["payments"]
    assert entry["name"] == "payments-mcp" and entry["tools"] == 6
    assert set(entry["files"]) == set(PRESETS)
    assert entry["files"]["strict"] == {
        "policy.json": "payments/strict/policy.json",
        "intercept.yaml": "payments/strict/intercept.yaml",
        "claude-code.json": "payments/strict/claude-code.json",
        "disabled-tools.json": "payments/strict/disabled-tools.json",
        "cedar": "payments/strict/policy.cedar",
    }
    for server in index["servers"].values():
        for files in server["files"].values():
            for fmt, rel in files.items():
                path = out / rel
                assert path.resolve().is_relative_to(out.resolve())
                assert validate_file_text(fmt, path.read_text("utf-8")) == [], rel
    # The classification drives the file: the Critical refund needs approval.
    gateway = json.loads((out / "payments/recommended/policy.json").read_text("utf-8"))
    assert gateway["tools"]["create_refund"]["require"] == ["approval"]


def test_rebuild_rewrites_only_what_changed(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "p"
    with catalog.session() as session:
        populate(session, ["files", "payments"])
        write_all_policies(session, Settings(), out)
        before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
        index_before = (out / "index.json").read_text("utf-8")
        again = write_all_policies(session, Settings(), out)
        assert again["files_written"] == 0
        assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before
        assert (out / "index.json").read_text("utf-8") == index_before
        # A new classification for one tool changes exactly that server's affected files (and the index stays).
        tool = session.exec(select(Tool).where(Tool.name == "get_balance")).one()
        add_classification(session, tool, "Read", "High", ["secrets"], version="test2")
        session.commit()
        third = write_all_policies(session, Settings(), out)
        assert 0 < third["files_written"] <= len(PRESETS) * len(FORMATS)
        changed = [p for p in out.rglob("*") if p.is_file() and before.get(p) != p.stat().st_mtime_ns]
        assert changed and all(p.relative_to(out).parts[0] == "payments" for p in changed)


def test_deleted_servers_lose_their_folder(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "p"
    (out / "keep-me").mkdir(parents=True)
    (out / "keep-me" / "notes.txt").write_text("not ours")
    with catalog.session() as session:
        populate(session, ["files", "mail"])
        write_all_policies(session, Settings(), out)
        server = session.exec(select(Server).where(Server.slug == "team-mail")).one()
        server.status = "deleted"
        session.add(server)
        session.commit()
        summary = write_all_policies(session, Settings(), out)
    assert not (out / "team-mail").exists()
    assert summary["files_removed"] == len(PRESETS) * len(FORMATS)
    assert (out / "keep-me" / "notes.txt").exists()
    assert "team-mail" not in json.loads((out / "index.json").read_text("utf-8"))["servers"]


def test_hostile_server_and_tool_names_give_safe_files(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "p"
    with catalog.session() as session:
        server = upsert_server(session, name='../../evil "server" ü', source="local", external_id="x")
        sync_tools(session, server, [ToolRecord(name=n) for n in ("a/b", "../c", "tool with spaces", "ü\"'")])
        summary = write_all_policies(session, Settings(), out, validate=True)
    assert summary["invalid"] == []
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve())
        assert all(part not in ("..", "") for part in path.relative_to(out).parts)
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    assert set(p.name for p in (folder / "strict").iterdir()) == {f.filename for f in FORMATS.values()}
    disabled = json.loads((folder / "recommended" / "disabled-tools.json").read_text("utf-8"))
    assert sorted(disabled) == sorted(["a/b", "../c", "tool with spaces", "ü\"'"])  # unclassified: gated, exact


def test_cli_policy_for_a_catalog_server(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from catalog.cli import app

    db = tmp_path / "catalog.db"
    cat = Catalog(str(db))
    try:
        with cat.session() as session:
            populate(session, ["payments"])
    finally:
        cat.dispose()
    runner = CliRunner()
    result = runner.invoke(
        app, ["policy", "payments", "--db", str(db), "--format", "claude-code", "--client-name", "stripe"]
    )
    assert result.exit_code == 0, result.output
    assert "mcp__stripe__create_refund" in json.loads(result.stdout)["permissions"]["ask"]
    result = runner.invoke(app, ["policy", "payments-mcp", "--db", str(db), "--json", "--preset", "strict"])
    assert json.loads(result.stdout)["tools"][0]["decision"] in ("hide", "deny", "allow")
    out = tmp_path / "p.cedar"
    assert runner.invoke(app, ["policy", "payments", "--db", str(db), "-f", "cedar", "-o", str(out)]).exit_code == 0
    assert 'Tool::"get_balance"' in out.read_text("utf-8")
    result = runner.invoke(app, ["policy", "nope", "--db", str(db)])
    assert result.exit_code == 2 and "no server 'nope'" in result.output


def test_bench_policies_reports_figures(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from catalog.cli import app

    db = str(tmp_path / "bench.db")
    runner = CliRunner()
    assert runner.invoke(app, ["bench", "synth", "-n", "4", "--db", db]).exit_code == 0
    result = runner.invoke(app, ["bench", "policies", "--db", db, "--label-synthetic", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["servers"] == 4 and figures["tools_classified"] == figures["tools"] == figures["labelled_for_bench"]
    assert figures["files_written"] == 4 * len(PRESETS) * len(FORMATS) + 2
    assert figures["rebuild_files_written"] == 0 and figures["files_per_second"] > 0


def test_operator_options_from_the_environment(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from publisher.policy.checks import path_pattern
    from publisher.policy.options import PolicyOptionsError, options_from_env

    opts = options_from_env(
        {"MCP_CATALOG_POLICY_PATH_ROOT": "/srv/agent", "MCP_CATALOG_POLICY_ALLOW_HOSTS": "b.example, a.example"}
    )
    assert opts.path_root == "/srv/agent" and opts.allowed_hosts == ("a.example", "b.example")
    for bad in ({"MCP_CATALOG_POLICY_PATH_ROOT": "rel"}, {"MCP_CATALOG_POLICY_MAX_AMOUNT": "lots"}):
        with pytest.raises(PolicyOptionsError):
            options_from_env(bad)
    monkeypatch.setenv("MCP_CATALOG_POLICY_PATH_ROOT", "/srv/agent")
    out = tmp_path / "p"
    with catalog.session() as session:
        populate(session, ["files"])
        write_all_policies(session, Settings(), out)
    gateway = json.loads((out / "local-files/recommended/policy.json").read_text("utf-8"))
    assert gateway["tools"]["read_text_file"]["deny_if"][0]["conditions"][0]["value"] == path_pattern("/srv/agent")
    schema = json.loads((out / "gateway-policy.schema.json").read_text("utf-8"))
    assert schema["$schema"].endswith("2020-12/schema")
