"""How the scan reads to a user: the combination-risk sentence, ordering by risk, and table widths."""

from __future__ import annotations

import io
import json

from rich.console import Console

from publisher.scan.combination import agent_risks
from publisher.scan.model import ScanReport, ScanServer, ScanTool, Subject
from publisher.scan.report_markdown import render_markdown
from publisher.scan.report_sarif import build_sarif
from publisher.scan.report_table import render_table
from tests.test_scan import scan_files


def tool(name: str, category: str, risk: str, caps: list[str], why: str = "") -> ScanTool:
    return ScanTool(name, category, risk, caps, why or f"{category} because of a long rationale " * 3, "allow", "")


def server(name: str, tools: list[ScanTool], source: str = "static", **subject: str) -> ScanServer:
    return ScanServer(Subject(name=name, kind="local", **subject), source, tools)  # type: ignore[arg-type]


def render(report: ScanReport, width: int) -> str:
    buf = io.StringIO()
    render_table(report, Console(file=buf, width=width, color_system=None))
    return buf.getvalue()


def agent_report() -> ScanReport:
    files = server(
        "files",
        [
            tool("create_directory", "Write", "Medium", ["filesystem"]),
            tool("read_file", "Read", "Medium", ["filesystem"]),
            tool("read_secrets", "Read", "High", ["secrets"]),
        ],
    )
    web = server(
        "web",
        [tool("fetch", "Read", "Medium", ["network_egress", "untrusted_content"])],
    )
    mail = server("mail", [tool("send_email", "Write", "High", ["sends_communication"])])
    servers = [files, web, mail]
    return ScanReport(servers, agent_risks(servers))


def test_trifecta_sentence_names_the_clearest_examples_and_counts() -> None:
    (agent,) = agent_report().agents
    # secrets beat plain files; reading beats creating; sending mail beats a generic fetch
    assert agent.private_data[0].tool == "read_secrets"
    assert [leg.tool for leg in agent.private_data][1] == "read_file"
    assert agent.exfiltration[0].tool == "send_email"
    assert agent.summary() == (
        "lethal trifecta: untrusted content from web/fetch can instruct the agent to read private data with "
        "files/read_secrets and 2 more and send it out with mail/send_email and 1 more"
    )
    assert "split these servers across separate agents" in agent.advice()


def test_single_server_trifecta_is_said_in_words() -> None:
    report = scan_files("tools-mail.json")
    (agent,) = report.agents
    assert agent.summary().endswith("; tools-mail does all three alone")
    assert "require approval" in agent.advice()
    assert agent.to_json()["advice"] == agent.advice()


def test_no_trifecta_names_each_missing_leg() -> None:
    servers = [server("time", [tool("get_time", "Read", "Low", [])])]
    (agent,) = agent_risks(servers)
    assert agent.summary() == (
        "no lethal trifecta: no tool reads private data; no tool takes in untrusted content; no tool can send data out"
    )
    assert agent.advice() == ""


def test_advice_reaches_markdown_and_sarif() -> None:
    report = agent_report()
    assert "  - what to do: split these servers" in render_markdown(report)
    sarif = build_sarif(report)
    trifecta = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "MCP-TRIFECTA")
    assert "Fix: split these servers" in trifecta["message"]["text"]


def test_servers_are_ordered_by_risk_and_unresolved_last() -> None:
    servers = [
        server("unknown", [], "unresolved"),
        server("low", [tool("a", "Read", "Low", [])]),
        server("two-high", [tool("b", "Write", "High", []), tool("c", "Write", "High", [])]),
        server("one-high", [tool("d", "Write", "High", [])]),
        server("crit", [tool("e", "Destructive", "Critical", [])]),
    ]
    report = ScanReport(servers, agent_risks(servers))
    assert [s.name for s in report.servers_by_risk()] == ["crit", "two-high", "one-high", "low", "unknown"]
    assert [t.name for _, t in report.tools_by_risk()] == ["e", "d", "b", "c", "a"]  # then by server name
    md = render_markdown(report)
    assert md.index("| crit |") < md.index("| two-high |") < md.index("| low |") < md.index("| unknown |")
    text = render(report, 160)
    assert text.index("crit ") < text.index("low ") < text.index("unknown")


def test_narrow_terminal_keeps_names_whole_and_leaves_out_why() -> None:
    long_name = "kubectl_rollout_history_for_namespace"  # longer than the 32-column cap on names
    servers = [
        server(
            "desktop-commander",
            [tool("get_current_time", "Read", "Low", []), tool(long_name, "Execute", "Critical", ["code_execution"])],
            client="claude-desktop",
        )
    ]
    report = ScanReport(servers, agent_risks(servers))
    narrow = render(report, 80)
    assert "get_current_time" in narrow and "desktop-commander" in narrow  # never split across lines
    assert "claude-desktop" in narrow
    assert "because of a long rationale" not in narrow
    assert "widen the terminal, or use --format markdown or json" in narrow
    assert max(len(line) for line in narrow.splitlines()) <= 80
    wide = render(report, 160)
    assert "because of a long rationale" in wide and "widen the terminal" not in wide
    assert wide.index("Critical") < wide.index("get_current_time")  # riskiest first


def test_package_source_shows_the_version_read() -> None:
    fetched = server("kube", [tool("a", "Read", "Low", [])], "package")
    fetched.origin = "package:npm:mcp-server-kubernetes@4.1.7"
    scoped = server("gh", [], "package")
    scoped.origin = "package:npm:@modelcontextprotocol/server-github@2025.4.8"
    report = ScanReport([fetched, scoped], [])
    assert fetched.source_label() == "package 4.1.7" and scoped.source_label() == "package 2025.4.8"
    assert "package 4.1.7" in render(report, 100)
    assert "| package 4\\.1\\.7 |" in render_markdown(report) or "| package 4.1.7 |" in render_markdown(report)
    assert json.loads(json.dumps(report.to_json()))["servers"][0]["origin"].endswith("@4.1.7")
