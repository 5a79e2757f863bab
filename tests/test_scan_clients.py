"""scan on a fixture config of every supported client, through the real crawler.clientconfig reader and
the real static extractor (the fixture server is read, never run); the classifier is a fixed stand-in."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

import publisher.policy.sources as sources
from catalog.cli import app
from publisher.scan.report_sarif import build_sarif
from publisher.scan.runner import fail_exit_code, run_scan
from publisher.scan.targets import discover_subjects, subjects_for_args
from tests.test_scan import FIX, SARIF_SCHEMA, fake_classify

CLIENTS = FIX / "clients"
CONFIGS = {
    "claude-desktop": CLIENTS / "claude-desktop" / "claude_desktop_config.json",
    "claude-code": CLIENTS / "claude-code" / ".mcp.json",
    "cursor": CLIENTS / "cursor" / ".cursor" / "mcp.json",
    "vscode": CLIENTS / "vscode" / ".vscode" / "mcp.json",
    "windsurf": CLIENTS / "windsurf" / "windsurf" / "mcp_config.json",
}
# What each config holds besides the local notes server: (name, source, a words of the problem).
OTHERS = {
    "claude-desktop": [
        ("mail", "unresolved", "mcp-catalog crawl --source npm:@example/mail-mcp"),
        ("old", "disabled", "disabled"),
    ],
    "claude-code": [("search", "unresolved", "--live")],
    "cursor": [("fetch", "unresolved", "mcp-catalog crawl --source pypi:mcp-server-fetch")],
    "vscode": [("github", "unresolved", "--live")],
    "windsurf": [("db", "unresolved", "docker image mcp/postgres")],
}
NOTES_TOOLS = {"delete <script>alert(1)</script>": "Critical", "fetch_page": "Medium", "list_notes": "Low"}
runner = CliRunner()


@pytest.mark.parametrize("client", sorted(CONFIGS))
def test_scan_of_each_client_config(client: str) -> None:
    subjects = subjects_for_args([str(CONFIGS[client].resolve())])
    assert {s.client for s in subjects} == {client}
    report = run_scan(subjects, classify=fake_classify)
    by_name = {s.name: s for s in report.servers}
    notes = by_name["notes"]
    assert notes.source == "static"
    assert {t.name: t.risk for t in notes.tools} == NOTES_TOOLS
    assert notes.tools[0].file == "server.py"
    for name, source, words in OTHERS[client]:
        assert by_name[name].source == source
        assert words in " ".join(by_name[name].problems), by_name[name].problems
    (agent,) = report.agents
    assert agent.agent == f"{client}: {CONFIGS[client].resolve()}"
    assert not agent.trifecta  # notes reads no private data
    sarif = build_sarif(report)
    jsonschema.Draft7Validator(SARIF_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(sarif)
    crit = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "MCP-RISK-CRITICAL")
    assert crit["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("notes_server/server.py")
    assert fail_exit_code(report, "critical") == 1 and fail_exit_code(report, "never") == 0


def test_cli_table_and_json_for_a_client_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "default_classifier", lambda: fake_classify)
    config = str(CONFIGS["cursor"].resolve())
    table = runner.invoke(app, ["scan", config])
    assert table.exit_code == 0, table.output
    for text in ("fetch_page", "Critical", "notes", "static", "no lethal trifecta"):
        assert text in table.stdout
    doc = json.loads(runner.invoke(app, ["scan", config, "--format", "json"]).stdout)
    assert doc["summary"]["by_risk"]["Critical"] == 1 and doc["summary"]["unresolved"] == ["fetch"]
    assert doc["servers"][0]["client"] == "cursor"
    failed = runner.invoke(app, ["scan", config, "--fail-on", "medium", "--format", "markdown"])
    assert failed.exit_code == 1 and "\\<script\\>" in failed.stdout


def test_cli_scan_without_arguments_discovers_configs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "default_classifier", lambda: fake_classify)
    home = tmp_path / "home"
    project = home / "work" / "app"
    project.mkdir(parents=True)
    (home / ".cursor").mkdir()
    server = (FIX / "notes_server" / "server.py").resolve()
    (home / ".cursor" / "mcp.json").write_text(
        json.dumps({"mcpServers": {"notes": {"command": "python", "args": [str(server)]}}})
    )
    (project / ".mcp.json").write_text("{ broken json")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(project)
    subjects, problems = discover_subjects()
    assert [(s.client, s.name) for s in subjects] == [("cursor", "notes")]
    assert len(problems) == 1 and ".mcp.json" in problems[0]
    result = runner.invoke(app, ["scan", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["servers"][0]["source"] == "static" and doc["problems"] == problems


def test_write_policies_for_a_client_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "default_classifier", lambda: fake_classify)
    result = runner.invoke(app, ["scan", str(CONFIGS["claude-desktop"].resolve()), "--write-policies", str(tmp_path)])
    assert result.exit_code == 0, result.output
    index = json.loads((tmp_path / "index.json").read_text("utf-8"))
    assert list(index["servers"]) == ["notes"]  # only servers whose tools are known
    claude = json.loads((tmp_path / "notes/recommended/claude-code.json").read_text("utf-8"))
    assert "mcp__notes__list_notes" in claude["permissions"]["allow"]
    assert "mcp__notes__delete__script_alert_1___script_" in claude["permissions"]["ask"]


@pytest.mark.slow
def test_live_only_with_the_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server whose tool names exist only at run time: unresolved without --live, listed with it."""
    import sys

    labels = {
        "read_note": {"category": "Read", "risk": "Medium", "capabilities": ["private_data", "untrusted_content"]},
        "send_note": {"category": "Write", "risk": "High", "capabilities": ["sends_communication"]},
    }
    monkeypatch.setattr(
        sources, "default_classifier", lambda: lambda tools: [{"name": t["name"], **labels[t["name"]]} for t in tools]
    )
    server = (FIX / "dynamic_server" / "server.py").resolve()
    config = tmp_path / ".cursor" / "mcp.json"
    config.parent.mkdir()
    config.write_text(json.dumps({"mcpServers": {"dyn": {"command": sys.executable, "args": [str(server)]}}}))
    static = json.loads(runner.invoke(app, ["scan", str(config), "--format", "json"]).stdout)
    assert static["servers"][0]["source"] == "unresolved"
    result = runner.invoke(app, ["scan", str(config), "--live", "--format", "json", "--fail-on", "critical"])
    doc = json.loads(result.stdout)
    assert doc["servers"][0]["source"] == "live", doc["servers"][0]["problems"]
    assert [t["name"] for t in doc["servers"][0]["tools"]] == ["read_note", "send_note"]
    assert doc["summary"]["trifecta"] is True and result.exit_code == 1  # the trifecta trips --fail-on critical


def test_with_the_real_classifier() -> None:
    """No stand-in: the project's classifier labels every tool; only properties that cannot drift are checked."""
    pytest.importorskip("classifier.api")
    subjects = subjects_for_args([str(CONFIGS["claude-desktop"].resolve()), str(FIX / "tools-mail.json")])
    report = run_scan(subjects)
    tools = [t for _, t in report.all_tools()]
    assert len(tools) == 5 and all(t.risk and t.category and t.why for t in tools)
    assert {t.name: t.category for t in tools}["delete <script>alert(1)</script>"] == "Destructive"
    jsonschema.validate(build_sarif(report), SARIF_SCHEMA)
