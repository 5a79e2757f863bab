"""The terminal report: one table of tools, a summary per server, the combination risk per agent."""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from publisher.scan.model import ScanReport, risk_rank

RISK_STYLE = {"Critical": "bold red", "High": "red", "Medium": "yellow", "Low": "green"}


def _risk(risk: str | None) -> Text:
    return Text(risk or "?", style=RISK_STYLE.get(risk or "", "dim"))


def render_table(report: ScanReport, console: Console) -> None:
    """Print the report; every untrusted string goes in as plain Text (never parsed as rich markup)."""
    tools = Table(title="MCP tools", show_lines=False, expand=False)
    for col in ("server", "tool", "category", "risk", "why", "recommended policy"):
        tools.add_column(col, overflow="fold")
    rows = sorted(report.all_tools(), key=lambda st: (-risk_rank(st[1].risk), st[0].name, st[1].name))
    for server, tool in rows:
        tools.add_row(
            Text(server.name),
            Text(tool.name),
            Text(tool.category or "?"),
            _risk(tool.risk),
            Text(tool.why),
            Text(tool.decision_label or tool.decision),
        )
    summary = Table(title="Servers")
    for col in ("server", "client", "source", "tools", "Critical", "High", "Medium", "Low"):
        summary.add_column(col, overflow="fold")
    for server in report.servers:
        c = server.counts()
        summary.add_row(
            Text(server.name),
            Text(server.subject.client or "-"),
            Text(server.source),
            str(len(server.tools)),
            *(str(c[k]) for k in ("Critical", "High", "Medium", "Low")),
        )
    parts: list = ([tools] if rows else []) + [summary]
    for server in report.servers:
        parts += [Text(f"{server.name}: {problem}", style="yellow") for problem in server.problems]
    for server, tool in report.all_tools():
        for finding in tool.integrity:
            parts.append(Text(f"integrity: {server.name}/{tool.name}: {finding.get('message')}", style="bold red"))
    for agent in report.agents:
        style = "bold red" if agent.trifecta else "green"
        parts.append(Text(f"{agent.agent}: {agent.summary()}", style=style))
        if agent.single_server:
            parts.append(Text(f"  on its own: {', '.join(agent.single_server)}", style=style))
    for problem in report.problems:
        parts.append(Text(f"problem: {problem}", style="yellow"))
    counts = report.counts()
    parts.append(
        Text(
            f"{len(report.servers)} servers, {sum(counts.values())} tools: "
            + ", ".join(f"{counts[k]} {k}" for k in ("Critical", "High", "Medium", "Low", "Unclassified"))
        )
    )
    console.print(Group(*parts))
