"""The terminal report: one table of tools (riskiest first), a summary per server, the combination risk per
agent. Short columns never wrap; the long "why" takes what width is left, and is left out (with a hint) when
the terminal is too narrow for it to be readable."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from publisher.scan.model import ScanReport, ScanServer, ScanTool

RISK_STYLE = {"Critical": "bold red", "High": "red", "Medium": "yellow", "Low": "green"}
MAX_NAME = 32  # longer server / tool names fold rather than squeeze the other columns
MIN_WHY = 24  # below this the why column is unreadable: leave it out
COUNTS = ("Critical", "High", "Medium", "Low")


def _risk(risk: str | None) -> Text:
    return Text(risk or "?", style=RISK_STYLE.get(risk or "", "dim"))


def _width(values: list[str], header: str, cap: int | None = None) -> int:
    widest = max([len(header), *(len(v) for v in values)])
    return min(widest, cap) if cap else widest


def _tools_table(rows: list[tuple[ScanServer, ScanTool]], width: int) -> tuple[Table, bool]:
    cells = {
        "risk": [t.risk or "?" for _, t in rows],
        "server": [s.name for s, _ in rows],
        "tool": [t.name for _, t in rows],
        "category": [t.category or "?" for _, t in rows],
        "recommended policy": [t.decision_label or t.decision for _, t in rows],
    }
    widths = {k: _width(v, k, MAX_NAME if k in ("server", "tool") else None) for k, v in cells.items()}
    left = width - sum(widths.values()) - 3 * (len(widths) + 1) - 1  # borders and padding
    show_why = left >= MIN_WHY
    table = Table(title="MCP tools", expand=False)
    for name, w in widths.items():
        wraps = name in ("server", "tool")
        table.add_column(name, no_wrap=not wraps, overflow="fold", min_width=w, max_width=w if wraps else None)
    if show_why:
        table.add_column("why", overflow="fold", ratio=1, min_width=MIN_WHY)
    for server, tool in rows:
        row: list[RenderableType] = [
            _risk(tool.risk),
            Text(server.name),
            Text(tool.name),
            Text(tool.category or "?"),
            Text(tool.decision_label or tool.decision),
        ]
        table.add_row(*row, *([Text(tool.why)] if show_why else []))
    return table, show_why


def _servers_table(report: ScanReport) -> Table:
    table = Table(title="Servers")
    for col in ("server", "client", "source", "tools", *COUNTS):
        table.add_column(
            col, no_wrap=col != "server", overflow="fold", justify="right" if col in (*COUNTS, "tools") else "left"
        )
    for server in report.servers_by_risk():
        c = server.counts()
        table.add_row(
            Text(server.name),
            Text(server.subject.client or "-"),
            Text(server.source_label(), style="yellow" if server.source == "unresolved" else ""),
            str(len(server.tools)),
            *(_count(c[k], k) for k in COUNTS),
        )
    return table


def _count(n: int, risk: str) -> Text:
    return Text(str(n), style=RISK_STYLE[risk] if n else "dim")


def render_table(report: ScanReport, console: Console) -> None:
    """Print the report; every untrusted string goes in as plain Text (never parsed as rich markup)."""
    rows = report.tools_by_risk()
    parts: list[RenderableType] = []
    if rows:
        table, show_why = _tools_table(rows, console.width)
        parts.append(table)
        if not show_why:
            parts.append(
                Text("why each tool got its risk: widen the terminal, or use --format markdown or json", "dim")
            )
    parts.append(_servers_table(report))
    for server in report.servers_by_risk():
        parts += [Text(f"{server.name}: {problem}", style="yellow") for problem in server.problems]
    for server, tool in report.all_tools():
        for finding in tool.integrity:
            parts.append(Text(f"integrity: {server.name}/{tool.name}: {finding.get('message')}", style="bold red"))
    for agent in report.agents:
        style = "bold red" if agent.trifecta else "green"
        parts.append(Text(f"{agent.agent}: {agent.summary()}", style=style))
        if agent.trifecta:
            parts.append(Text(f"  what to do: {agent.advice()}", style=style))
    for problem in report.problems:
        parts.append(Text(f"problem: {problem}", style="yellow"))
    counts = report.counts()
    parts.append(
        Text(
            f"{len(report.servers)} servers, {sum(counts.values())} tools: "
            + ", ".join(f"{counts[k]} {k}" for k in (*COUNTS, "Unclassified"))
        )
    )
    console.print(Group(*parts))
