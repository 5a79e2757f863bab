"""The report as Markdown (a CI job summary or a pull-request comment); untrusted text is escaped."""

from __future__ import annotations

import re

from publisher.scan.model import ScanReport, mismatch_text, risk_rank

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md(text: str | None) -> str:
    """Escape Markdown and HTML, and keep a value on one table row."""
    one_line = " ".join((text or "").split())
    return _MD_SPECIAL.sub(r"\\\1", one_line).replace("&", "&amp;")


def render_markdown(report: ScanReport) -> str:
    counts = report.counts()
    lines = [
        "# MCP scan report",
        "",
        f"{len(report.servers)} servers, {sum(counts.values())} tools: "
        + ", ".join(f"{counts[k]} {k}" for k in ("Critical", "High", "Medium", "Low", "Unclassified")),
        "",
        "## Combination risk",
        "",
    ]
    for agent in report.agents:
        summary = md(agent.summary())
        lines.append(f"- {md(agent.agent)}: " + (f"**{summary}**" if agent.trifecta else summary))
    if not report.agents:
        lines.append("- no enabled servers")
    lines += ["", "## Servers", "", "| server | client | source | tools | Critical | High | Medium | Low | notes |"]
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for s in report.servers:
        c = s.counts()
        lines.append(
            f"| {md(s.name)} | {md(s.subject.client or '-')} | {s.source} | {len(s.tools)} | "
            f"{c['Critical']} | {c['High']} | {c['Medium']} | {c['Low']} | {md('; '.join(s.problems))} |"
        )
    lines += ["", "## Tools", "", "| server | tool | category | risk | why | recommended policy |"]
    lines.append("|---|---|---|---|---|---|")
    for server, tool in sorted(report.all_tools(), key=lambda st: (-risk_rank(st[1].risk), st[0].name, st[1].name)):
        lines.append(
            f"| {md(server.name)} | {md(tool.name)} | {md(tool.category or '?')} | {md(tool.risk or '?')} | "
            f"{md(tool.why)} | {md(tool.decision_reason)} |"
        )
    findings = [(s, t, f) for s, t in report.all_tools() for f in t.integrity]
    if findings:
        lines += ["", "## Integrity findings", ""]
        lines += [
            f"- {md(s.name)} / {md(t.name)}: {md(str(f.get('kind')))}: {md(str(f.get('message')))}"
            for s, t, f in findings
        ]
    mismatches = [(s, t, m) for s, t in report.all_tools() for m in t.hint_mismatches]
    if mismatches:
        lines += ["", "## Misleading annotations", ""]
        lines += [f"- {md(s.name)} / {md(t.name)}: {md(mismatch_text(m))}" for s, t, m in mismatches]
    if report.problems:
        lines += ["", "## Problems", ""] + [f"- {md(p)}" for p in report.problems]
    return "\n".join(lines) + "\n"
