"""mcp-catalog scan: subjects, resolution order, classification, trifecta, reports, exit codes, policies."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema
import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from catalog.cli import app
from catalog.db import Catalog
from catalog.models import Tool
from catalog.records import ExtractionResult, ServerExtraction, ToolRecord
from crawler.store import sync_tools, upsert_server
from publisher.policy.validate import validate_file_text
from publisher.scan.model import Subject
from publisher.scan.report_markdown import render_markdown
from publisher.scan.report_sarif import build_sarif
from publisher.scan.runner import fail_exit_code, run_scan, write_scan_policies
from publisher.scan.targets import ScanInputError, discover_subjects, subjects_for_args
from tests.test_policy_writer import add_classification

FIX = Path(__file__).parent / "fixtures" / "scan"
SARIF_SCHEMA = json.loads((FIX / "sarif-2.1.0-subset.schema.json").read_text("utf-8"))

# A stand-in for classifier.classify_tools with fixed answers, so these tests pin the scan, not the model.
LABELS: dict[str, dict[str, Any]] = {
    "search_messages": {"category": "Read", "risk": "Medium", "capabilities": ["private_data", "untrusted_content"]},
    "send_email": {"category": "Write", "risk": "High", "capabilities": ["sends_communication"]},
    "fetch_page": {"category": "Read", "risk": "Medium", "capabilities": ["network_egress", "untrusted_content"]},
    "delete <script>alert(1)</script>": {"category": "Destructive", "risk": "Critical", "capabilities": []},
    "list_notes": {"category": "Read", "risk": "Low", "capabilities": []},
}


def fake_classify(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"name": t["name"], "rationale": f"fixture label for {t['name']}", **LABELS[t["name"]]}
        for t in tools
        if t["name"] in LABELS
    ]


def fake_reader(path: Path) -> list[Any]:
    """What crawler.clientconfig.read_config_file returns for the Claude Desktop fixture."""
    data = json.loads(path.read_text("utf-8"))
    out = []
    for name, entry in data["mcpServers"].items():
        kind = "url" if "url" in entry else ("npm" if entry.get("command") == "npx" else "command")
        out.append(
            SimpleNamespace(
                client="claude-desktop",
                config_path=path,
                name=name,
                kind=kind,
                package=entry["args"][-1] if kind == "npm" else None,
                version=None,
                path=None,
                url=entry.get("url"),
                command=" ".join([entry.get("command", ""), *entry.get("args", [])]).strip() or None,
                env_names=[],
                disabled=bool(entry.get("disabled")),
            )
        )
    return out


def scan_files(*names: str, **kw: Any):  # type: ignore[no-untyped-def]
    subjects = subjects_for_args([str(FIX / n) for n in names], read_config=fake_reader)
    return run_scan(subjects, classify=fake_classify, **kw)


# --- subjects ---------------------------------------------------------------------------------------------


def test_subjects_for_every_kind_of_argument(tmp_path: Path) -> None:
    (tmp_path / "srv").mkdir()
    subjects = subjects_for_args(
        ["npm:@scope/pkg@1.2.0", "pypi:mcp-server-x==0.3", str(tmp_path / "srv"), str(FIX / "tools-web.json")]
    )
    assert [(s.kind, s.package, s.version) for s in subjects[:2]] == [
        ("npm", "@scope/pkg", "1.2.0"),
        ("pypi", "mcp-server-x", "0.3"),
    ]
    assert (subjects[2].kind, subjects[2].name) == ("local", "srv")
    assert (subjects[3].kind, subjects[3].name) == ("tools-json", "tools-web")
    config = subjects_for_args([str(FIX / "claude_desktop_config.json")], read_config=fake_reader)
    assert [(s.name, s.kind, s.disabled) for s in config] == [
        ("mail", "npm", False),
        ("notes", "command", True),
        ("remote", "url", False),
    ]
    assert config[0].agent.startswith("claude-desktop: ")


@pytest.mark.parametrize("arg", ["/no/such/file.json", "npm:", "pypi:bad name"])
def test_bad_arguments_are_clear_errors(arg: str) -> None:
    with pytest.raises(ScanInputError):
        subjects_for_args([arg])


def test_json_that_is_neither_config_nor_tools(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"hello": 1}')
    with pytest.raises(ScanInputError, match="neither an MCP client config"):
        subjects_for_args([str(bad)])
    bad.write_text("{not json")
    with pytest.raises(ScanInputError, match="invalid JSON"):
        subjects_for_args([str(bad)])


def test_discovery_survives_a_broken_config(tmp_path: Path) -> None:
    good, broken = FIX / "claude_desktop_config.json", tmp_path / "broken.json"

    def reader(path: Path) -> list[Any]:
        if path == broken:
            raise ValueError("unexpected token")
        return fake_reader(path)

    subjects, problems = discover_subjects(
        discover=lambda: [("claude-desktop", good), ("cursor", broken)], read_config=reader
    )
    assert len(subjects) == 3 and problems == [f"{broken}: unexpected token"]


# --- resolution and classification ------------------------------------------------------------------------


def test_tools_files_are_classified_and_the_trifecta_found() -> None:
    report = scan_files("tools-mail.json", "tools-web.json")
    assert [s.source for s in report.servers] == ["tools-json", "tools-json"]
    mail = report.servers[0]
    assert [(t.name, t.risk) for t in mail.tools] == [("search_messages", "Medium"), ("send_email", "High")]
    assert mail.tools[1].why == "fixture label for send_email"
    assert mail.tools[1].decision == "limit"
    assert mail.tools[1].decision_label == "limit 10/hour + 1 arg check"
    (agent,) = report.agents
    assert agent.trifecta
    assert {leg.tool for leg in agent.private_data} == {"search_messages"}
    assert {leg.tool for leg in agent.exfiltration} == {"send_email", "fetch_page"}
    assert agent.single_server == ["tools-mail"]  # mail alone: private + untrusted + sends
    assert report.max_risk == "Critical"


def test_no_trifecta_when_the_legs_are_in_different_agents() -> None:
    report = scan_files("tools-web.json")
    assert not report.agents[0].trifecta
    assert "missing: private_data" in report.agents[0].summary()


def test_catalog_first_then_unresolved_packages(catalog: Catalog) -> None:
    with catalog.session() as session:
        server = upsert_server(
            session,
            name="mail",
            source="npm",
            external_id="@example/mail-mcp",
            packages=[{"registry_type": "npm", "identifier": "@example/mail-mcp", "version": "1.0.0"}],
        )
        sync_tools(session, server, [ToolRecord(name="search_messages"), ToolRecord(name="send_email")])
        _classify_in_catalog(session, server.id or 0)
        calls: list[list[str]] = []

        def counting(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
            calls.append([t["name"] for t in tools])
            return fake_classify(tools)

        subjects = subjects_for_args([str(FIX / "claude_desktop_config.json")], read_config=fake_reader)
        report = run_scan(subjects, session=session, classify=counting)
    by_name = {s.name: s for s in report.servers}
    assert by_name["mail"].source == "catalog" and by_name["mail"].catalog_slug == server.slug
    assert {t.name: t.risk for t in by_name["mail"].tools} == {"search_messages": "Critical", "send_email": "High"}
    assert calls == []  # catalog tools keep their stored classifications
    assert by_name["notes"].source == "disabled"
    assert by_name["remote"].source == "unresolved"
    assert "--live" in by_name["remote"].problems[0]


def test_docker_images_match_oci_packages_in_the_catalog(catalog: Catalog) -> None:
    with catalog.session() as session:
        server = upsert_server(
            session,
            name="github",
            source="registry",
            external_id="gh",
            packages=[{"registry_type": "oci", "identifier": "ghcr.io/github/github-mcp-server"}],
        )
        sync_tools(session, server, [ToolRecord(name="search_messages")])
        subject = Subject(name="github", kind="docker", package="ghcr.io/github/github-mcp-server:v1.2")
        report = run_scan([subject], session=session, classify=fake_classify)
    assert report.servers[0].source == "catalog" and report.servers[0].tools[0].risk == "Medium"


def _classify_in_catalog(session: Session, server_id: int) -> None:
    from sqlmodel import select

    for tool in session.exec(select(Tool).where(Tool.server_id == server_id)).all():
        risk = "Critical" if tool.name == "search_messages" else "High"  # differs from LABELS on purpose
        add_classification(session, tool, "Read", risk, [])
    session.commit()


def test_uncatalogued_package_says_how_to_fetch_it() -> None:
    report = run_scan(subjects_for_args(["npm:@example/unknown"]), classify=fake_classify)
    (server,) = report.servers
    assert server.source == "unresolved"
    assert "mcp-catalog crawl --source npm:@example/unknown" in server.problems[0]


def test_static_extraction_of_a_server_folder(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()

    def extractor(path: Path) -> ExtractionResult:
        assert path == tmp_path / "notes"
        tool = ToolRecord(name="list_notes", description="List notes.", file="server.py", line=12)
        return ExtractionResult(servers=[ServerExtraction(name="notes", tools=[tool])])

    report = run_scan(subjects_for_args([str(tmp_path / "notes")]), classify=fake_classify, extractor=extractor)
    (server,) = report.servers
    assert server.source == "static" and server.tools[0].risk == "Low" and server.tools[0].line == 12


def test_live_only_when_asked() -> None:
    subject = Subject(name="remote", kind="url", url="https://mcp.example.com/sse")
    assert run_scan([subject], classify=fake_classify).servers[0].source == "unresolved"
    live = run_scan([subject], classify=fake_classify, live=lambda s: [ToolRecord(name="fetch_page")])
    assert live.servers[0].source == "live" and live.servers[0].tools[0].risk == "Medium"
    broken = run_scan([subject], classify=fake_classify, live=lambda s: (_ for _ in ()).throw(OSError("refused")))
    assert "live introspection failed: refused" in broken.servers[0].problems[-1]


def test_missing_classifier_leaves_tools_unclassified_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    import publisher.policy.sources as sources

    def unavailable() -> Any:
        raise sources.ClassifierUnavailable("the classifier is not available")

    monkeypatch.setattr(sources, "default_classifier", unavailable)
    report = run_scan(subjects_for_args([str(FIX / "tools-web.json")]))
    assert all(t.risk is None for t in report.servers[0].tools)
    assert report.servers[0].problems == ["the classifier is not available"]
    assert fail_exit_code(report, "low") == 0


# --- reports ----------------------------------------------------------------------------------------------


def test_sarif_validates_and_points_at_findings() -> None:
    report = scan_files("tools-mail.json", "tools-web.json", "claude_desktop_config.json")
    sarif = build_sarif(report)
    jsonschema.Draft7Validator(SARIF_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(sarif)
    rules = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert {"MCP-RISK-CRITICAL", "MCP-RISK-HIGH", "MCP-RISK-MEDIUM", "MCP-TRIFECTA", "MCP-UNRESOLVED"} <= rules
    driver_rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    for result in sarif["runs"][0]["results"]:
        assert driver_rules[result["ruleIndex"]]["id"] == result["ruleId"]
    fingerprints = [r["partialFingerprints"]["mcpCatalog/v1"] for r in sarif["runs"][0]["results"]]
    assert len(fingerprints) == len(set(fingerprints))


def test_json_and_markdown_reports() -> None:
    report = scan_files("tools-mail.json", "tools-web.json")
    doc = json.loads(json.dumps(report.to_json()))
    assert doc["summary"]["by_risk"] == {"Low": 0, "Medium": 2, "High": 1, "Critical": 1, "Unclassified": 0}
    assert doc["summary"]["trifecta"] is True
    assert doc["servers"][0]["tools"][1]["policy"]["decision"] == "limit"
    text = render_markdown(report)
    assert "<script>" not in text and "\\<script\\>" in text
    assert "lethal trifecta" in text


@pytest.mark.parametrize(("level", "code"), [("critical", 1), ("high", 1), ("never", 0)])
def test_fail_on_levels(level: str, code: int) -> None:
    assert fail_exit_code(scan_files("tools-mail.json", "tools-web.json"), level) == code


def test_fail_on_counts_the_trifecta_even_below_the_risk_level() -> None:
    report = scan_files("tools-mail.json")  # Medium + High only, but the trifecta on its own
    assert report.agents[0].trifecta
    assert fail_exit_code(report, "critical") == 1
    only_web = scan_files("tools-web.json")
    assert fail_exit_code(only_web, "critical") == 1  # the Critical delete tool
    with pytest.raises(ValueError):
        fail_exit_code(only_web, "severe")


def test_write_policies_for_exactly_this_setup(tmp_path: Path) -> None:
    report = scan_files("tools-mail.json", "tools-web.json")
    summary = write_scan_policies(report, tmp_path)
    assert summary["servers"] == 2
    index = json.loads((tmp_path / "index.json").read_text("utf-8"))
    assert set(index["servers"]) == {"tools-mail", "tools-web"}
    for server in index["servers"].values():
        for files in server["files"].values():
            for fmt, rel in files.items():
                assert validate_file_text(fmt, (tmp_path / rel).read_text("utf-8")) == []
    claude = json.loads((tmp_path / "tools-mail/recommended/claude-code.json").read_text("utf-8"))
    assert "mcp__tools-mail__send_email" in claude["permissions"]["ask"]


# --- command line -----------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_scan_json_fail_on_and_policies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import publisher.policy.sources as sources

    monkeypatch.setattr(sources, "default_classifier", lambda: fake_classify)
    args = ["scan", str(FIX / "tools-mail.json"), str(FIX / "tools-web.json")]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["tools"] == 4
    result = runner.invoke(app, [*args, "--format", "sarif", "--fail-on", "high", "-o", str(tmp_path / "r.sarif")])
    assert result.exit_code == 1
    jsonschema.validate(json.loads((tmp_path / "r.sarif").read_text("utf-8")), SARIF_SCHEMA)
    result = runner.invoke(app, [*args, "--write-policies", str(tmp_path / "pol")])
    assert result.exit_code == 0 and (tmp_path / "pol/tools-web/strict/policy.cedar").exists()
    assert "search_messages" in result.stdout  # the table


@pytest.mark.parametrize(
    "extra",
    [["--format", "xml"], ["--fail-on", "severe"], ["--path-root", "relative"], ["/no/such/config.json"]],
)
def test_cli_scan_bad_input_exits_2(extra: list[str]) -> None:
    result = runner.invoke(app, ["scan", str(FIX / "tools-web.json"), *extra])
    assert result.exit_code == 2
    assert "error:" in result.output and "Traceback" not in result.output


def test_cli_policy_from_a_classified_tools_file(tmp_path: Path) -> None:
    tools = tmp_path / "tools.json"
    tools.write_text(json.dumps({"tools": [{"name": n, **LABELS[n]} for n in ("send_email", "fetch_page")]}))
    result = runner.invoke(app, ["policy", "--from", str(tools), "--format", "intercept.yaml", "--preset", "strict"])
    assert result.exit_code == 0, result.output
    assert validate_file_text("intercept.yaml", result.stdout) == []
    assert '"send_email"' in result.stdout and 'action: "deny"' in result.stdout
    result = runner.invoke(app, ["policy", "--from", str(tools), "--json"])
    assert json.loads(result.stdout)["tools"][0]["rules"][0]["reason"]
    for bad in (
        ["policy"],
        ["policy", "--from", str(tools), "--format", "rego"],
        ["policy", "--from", str(tools), "--preset", "lax"],
    ):
        result = runner.invoke(app, bad)
        assert result.exit_code == 2 and "Traceback" not in result.output


def test_end_to_end_static_scan_of_a_fastmcp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real extractor reads the fixture server (never runs it); SARIF points at the tool's line."""
    import publisher.policy.sources as sources

    monkeypatch.setattr(sources, "default_classifier", lambda: fake_classify)
    monkeypatch.chdir(FIX)
    report = run_scan(subjects_for_args(["notes_server"]))
    (server,) = report.servers
    assert server.source == "static"
    assert [t.name for t in server.tools] == ["delete <script>alert(1)</script>", "fetch_page", "list_notes"]
    assert server.tools[1].input_schema["properties"]["url"]["type"] == "string"
    sarif = build_sarif(report)
    jsonschema.validate(sarif, SARIF_SCHEMA)
    crit = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "MCP-RISK-CRITICAL")
    loc = crit["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "notes_server/server.py" and loc["region"]["startLine"] > 1
    write_scan_policies(report, tmp_path)
    gateway = json.loads((tmp_path / "notes_server/recommended/policy.json").read_text("utf-8"))
    assert gateway["tools"]["fetch_page"]["deny_if"][0]["conditions"][0]["arg"] == "url"


def test_cli_policy_check_validates_edited_files(tmp_path: Path) -> None:
    bad = tmp_path / "intercept.yaml"
    bad.write_text('version: "1"\ntools:\n  x:\n    rules:\n      - name: a\n        rate_limit: 5/fortnight\n')
    result = runner.invoke(app, ["policy", "--check", str(bad)])
    assert result.exit_code == 1 and "rate_limit window" in result.output
    good = tmp_path / "policy.json"
    good.write_text(json.dumps({"version": "1", "default": "allow", "tools": {"x": {"require": ["approval"]}}}))
    assert runner.invoke(app, ["policy", "--check", str(good)]).exit_code == 0


def test_integrity_findings_reach_every_report() -> None:
    def classify(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = fake_classify(tools)
        for item in out:
            if item["name"] == "fetch_page":
                item["integrity"] = [{"kind": "hidden_instructions", "message": "tells the model to <ignore> the user"}]
            else:
                item["hint_mismatches"] = [{"hint": "readOnlyHint", "declared": True, "inferred": False}]
        return out

    report = run_scan(subjects_for_args([str(FIX / "tools-web.json")]), classify=classify)
    assert "hidden\\_instructions" in render_markdown(report) and "\\<ignore\\>" in render_markdown(report)
    results = build_sarif(report)["runs"][0]["results"]
    assert any(r["ruleId"] == "MCP-INTEGRITY" and "<ignore>" in r["message"]["text"] for r in results)
    assert report.to_json()["servers"][0]["tools"][1]["integrity"][0]["kind"] == "hidden_instructions"
    assert any(r["ruleId"] == "MCP-HINT-MISMATCH" and "readOnlyHint=True" in r["message"]["text"] for r in results)
    assert "Misleading annotations" in render_markdown(report)
    jsonschema.validate(build_sarif(report), SARIF_SCHEMA)


def test_ten_thousand_tools_in_one_scanned_server(tmp_path: Path) -> None:
    tools = [{"name": f'tool {i} / ü "q"', "description": "", "inputSchema": {"type": "object"}} for i in range(10_000)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"tools": tools}))

    def classify(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"name": t["name"], "category": "Read", "risk": "Low", "capabilities": []} for t in items]

    report = run_scan(subjects_for_args([str(path)]), classify=classify)
    assert len(report.servers[0].tools) == 10_000
    summary = write_scan_policies(report, tmp_path / "out")
    assert summary["files_written"] == 3 * 5 + 2
    names = json.loads((tmp_path / "out/big/recommended/disabled-tools.json").read_text("utf-8"))
    assert names == []  # all Low: nothing to disable
    gateway = json.loads((tmp_path / "out/big/strict/policy.json").read_text("utf-8"))
    assert len(gateway["tools"]) == 10_000 and 'tool 7 / ü "q"' in gateway["tools"]
