"""The scan report: servers, their tools with classifications and policy decisions, and agent-level risks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog.taxonomy import RISK_ORDER, Risk


def mismatch_text(item: dict[str, Any]) -> str:
    """One line for a declared-vs-inferred hint mismatch, whatever keys the classifier used."""
    hint = item.get("hint") or item.get("name") or "hint"
    if "declared" in item and "inferred" in item:
        return f"declares {hint}={item['declared']} but behaves as {hint}={item['inferred']}"
    return str(item.get("message") or item)


def risk_rank(risk: str | None) -> int:
    """-1 for unclassified, then Low=0 .. Critical=3."""
    try:
        return Risk(risk).rank if risk else -1
    except ValueError:
        return -1


@dataclass
class Subject:
    """One server to scan: from a client config entry, a folder, a package or a tools/list file."""

    name: str
    kind: str  # npm | pypi | docker | local | url | command | tools-json
    client: str | None = None
    config_path: str | None = None
    package: str | None = None
    version: str | None = None
    path: str | None = None
    url: str | None = None
    command: str | None = None
    disabled: bool = False

    @property
    def agent(self) -> str:
        """Servers of one client config share one agent: that is where a combination of tools is risky."""
        if self.client and self.config_path:
            return f"{self.client}: {self.config_path}"
        return "command line"

    def label(self) -> str:
        if self.package:
            return f"{self.kind}:{self.package}" + (f"@{self.version}" if self.version else "")
        return self.path or self.url or self.command or self.name


@dataclass
class ScanTool:
    name: str
    category: str | None
    risk: str | None
    capabilities: list[str]
    why: str
    decision: str  # the recommended preset's decision for it
    decision_reason: str
    decision_label: str = ""
    description: str | None = None
    input_schema: dict[str, Any] | None = None
    file: str | None = None
    line: int | None = None
    integrity: list[dict[str, Any]] = field(default_factory=list)
    hint_mismatches: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "category": self.category,
            "risk": self.risk,
            "capabilities": self.capabilities,
            "why": self.why,
            "policy": {"decision": self.decision, "label": self.decision_label, "reason": self.decision_reason},
        }
        if self.file:
            out["location"] = {"file": self.file, "line": self.line}
        if self.integrity:
            out["integrity"] = self.integrity
        if self.hint_mismatches:
            out["hint_mismatches"] = self.hint_mismatches
        return out


@dataclass
class ScanServer:
    subject: Subject
    source: str  # catalog | static | live | tools-json | unresolved | disabled
    tools: list[ScanTool] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    catalog_slug: str | None = None

    @property
    def name(self) -> str:
        return self.subject.name

    def counts(self) -> dict[str, int]:
        out = {r.value: 0 for r in RISK_ORDER}
        out["Unclassified"] = 0
        for t in self.tools:
            out[t.risk if t.risk in out else "Unclassified"] += 1
        return out

    @property
    def max_risk(self) -> str | None:
        ranked = [t for t in self.tools if risk_rank(t.risk) >= 0]
        return max(ranked, key=lambda t: risk_rank(t.risk)).risk if ranked else None

    def to_json(self) -> dict[str, Any]:
        s = self.subject
        return {
            "name": s.name,
            "client": s.client,
            "config_path": s.config_path,
            "kind": s.kind,
            "target": s.label(),
            "source": self.source,
            "catalog_slug": self.catalog_slug,
            "summary": {"tools": len(self.tools), "max_risk": self.max_risk, "by_risk": self.counts()},
            "problems": self.problems,
            "tools": [t.to_json() for t in self.tools],
        }


@dataclass
class Leg:
    server: str
    tool: str
    capability: str

    def to_json(self) -> dict[str, str]:
        return {"server": self.server, "tool": self.tool, "capability": self.capability}


@dataclass
class AgentRisk:
    """The combination risk of one agent: private data + untrusted content + a way out."""

    agent: str
    private_data: list[Leg]
    untrusted_content: list[Leg]
    exfiltration: list[Leg]

    @property
    def trifecta(self) -> bool:
        return bool(self.private_data and self.untrusted_content and self.exfiltration)

    @property
    def single_server(self) -> list[str]:
        """Servers that complete the trifecta on their own."""
        servers = [
            {leg.server for leg in legs} for legs in (self.private_data, self.untrusted_content, self.exfiltration)
        ]
        return sorted(servers[0] & servers[1] & servers[2])

    def summary(self) -> str:
        if not self.trifecta:
            missing = [n for n, legs in self.legs().items() if not legs]
            return f"no lethal trifecta (missing: {', '.join(missing)})"
        first = {n: f"{legs[0].server}/{legs[0].tool}" for n, legs in self.legs().items()}
        return (
            "lethal trifecta: untrusted content (e.g. "
            f"{first['untrusted_content']}) can instruct the agent to read private data (e.g. {first['private_data']}) "
            f"and send it out (e.g. {first['exfiltration']})"
        )

    def legs(self) -> dict[str, list[Leg]]:
        return {
            "private_data": self.private_data,
            "untrusted_content": self.untrusted_content,
            "exfiltration": self.exfiltration,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "trifecta": self.trifecta,
            "single_server": self.single_server,
            "summary": self.summary(),
            "legs": {k: [leg.to_json() for leg in v] for k, v in self.legs().items()},
        }


@dataclass
class ScanReport:
    servers: list[ScanServer]
    agents: list[AgentRisk]
    problems: list[str] = field(default_factory=list)

    def all_tools(self) -> list[tuple[ScanServer, ScanTool]]:
        return [(s, t) for s in self.servers for t in s.tools]

    def counts(self) -> dict[str, int]:
        out = {r.value: 0 for r in RISK_ORDER}
        out["Unclassified"] = 0
        for s in self.servers:
            for k, v in s.counts().items():
                out[k] += v
        return out

    @property
    def max_risk(self) -> str | None:
        risks = [s.max_risk for s in self.servers if s.max_risk]
        return max(risks, key=risk_rank) if risks else None

    def to_json(self) -> dict[str, Any]:
        return {
            "version": "1",
            "summary": {
                "servers": len(self.servers),
                "tools": sum(len(s.tools) for s in self.servers),
                "max_risk": self.max_risk,
                "by_risk": self.counts(),
                "trifecta": any(a.trifecta for a in self.agents),
                "unresolved": [s.name for s in self.servers if s.source == "unresolved"],
            },
            "servers": [s.to_json() for s in self.servers],
            "agents": [a.to_json() for a in self.agents],
            "problems": self.problems,
        }
