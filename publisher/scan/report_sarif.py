"""The report as SARIF 2.1.0, for code-scanning dashboards and CI annotations.

One result per tool at Medium risk or above (Low tools are not findings), one per agent with the lethal
trifecta, one per integrity finding (hidden instructions, shadowing...) and one per server whose tools could
not be resolved. Results point at the client config (or the tool's source file when statically extracted).
`security-severity` follows the code-scanning convention (Critical 9.x, High 7-8.9, Medium 4-6.9).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from catalog import __version__
from publisher.scan.model import ScanReport, ScanServer, ScanTool, mismatch_text
from publisher.scan.resolve import source_for

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"Critical": "error", "High": "error", "Medium": "warning", "Low": "note"}
SEVERITY = {"Critical": "9.5", "High": "8.0", "Medium": "5.0", "Low": "2.0"}


def _rule(
    rule_id: str, name: str, short: str, full: str, help_text: str, level: str, tags: list[str], severity: str | None
) -> dict[str, Any]:
    props: dict[str, Any] = {"tags": ["mcp", *tags]}
    if severity:
        props["security-severity"] = severity
    return {
        "id": rule_id,
        "name": name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": level},
        "properties": props,
    }


RULES: list[dict[str, Any]] = [
    _rule(
        f"MCP-RISK-{risk.upper()}",
        f"{risk}RiskTool",
        f"{risk}-risk MCP tool available to the agent",
        f"An MCP server in this setup exposes a tool classified {risk} risk by the mcp-catalog taxonomy.",
        "Review the tool and apply the recommended policy (mcp-catalog scan --write-policies DIR).",
        LEVEL[risk],
        ["security"],
        SEVERITY[risk],
    )
    for risk in ("Critical", "High", "Medium")
] + [
    _rule(
        "MCP-TRIFECTA",
        "LethalTrifecta",
        "One agent combines private data, untrusted content and a way to send data out",
        "Text from an untrusted source can instruct the agent to read private data with one tool and send it out "
        "with another. Remove one leg or gate it behind approval.",
        "Split the servers across agents, or require approval for the exfiltration tools.",
        "error",
        ["security", "prompt-injection"],
        "9.0",
    ),
    _rule(
        "MCP-INTEGRITY",
        "ToolIntegrityFinding",
        "A tool definition shows signs of poisoning or tampering",
        "Hidden instructions, hidden characters, shadowing or a changed definition.",
        "Read the tool's description and schema before allowing it.",
        "error",
        ["security", "tool-poisoning"],
        "8.5",
    ),
    _rule(
        "MCP-HINT-MISMATCH",
        "MisleadingToolAnnotation",
        "A tool's declared MCP hints contradict what it does",
        "Clients that auto-approve readOnlyHint tools, or skip confirmation for non-destructive ones, trust these "
        "claims; a wrong claim bypasses that protection.",
        "Do not rely on this server's annotations; gate the tool by its classified risk.",
        "warning",
        ["security"],
        "6.0",
    ),
    _rule(
        "MCP-UNRESOLVED",
        "UnresolvedServer",
        "The tools of an MCP server could not be determined",
        "Neither the catalog nor static extraction found the server's tools.",
        "Crawl the package first, or scan with --live to list the tools from the running server.",
        "note",
        [],
        None,
    ),
]
RULE_INDEX = {r["id"]: i for i, r in enumerate(RULES)}


def _uri(path: str | None) -> str:
    if not path:
        return "."
    p = Path(path)
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return p.resolve().as_uri()


def _location(server: ScanServer, tool: ScanTool | None = None) -> dict[str, Any]:
    s = server.subject
    if tool is not None and tool.file and s.kind == "local" and s.path:
        base = source_for(Path(s.path))  # the folder (or file) that was extracted
        uri = _uri(str(base / tool.file)) if base.is_dir() else _uri(s.path)
        loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": uri}}}
        if tool.line:
            loc["physicalLocation"]["region"] = {"startLine": max(1, int(tool.line))}
    else:
        loc = {"physicalLocation": {"artifactLocation": {"uri": _uri(s.config_path or s.path)}}}
    name = f"{server.name}/{tool.name}" if tool else server.name
    loc["logicalLocations"] = [
        {
            "name": tool.name if tool else server.name,
            "fullyQualifiedName": name,
            "kind": "function" if tool else "module",
        }
    ]
    return loc


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:32]


def _result(
    rule: str, level: str, text: str, locations: list[dict[str, Any]], key: str, props: dict[str, Any]
) -> dict[str, Any]:
    return {
        "ruleId": rule,
        "ruleIndex": RULE_INDEX[rule],
        "level": level,
        "message": {"text": text},
        "locations": locations,
        "partialFingerprints": {"mcpCatalog/v1": _fingerprint(rule, key)},
        "properties": props,
    }


def build_sarif(report: ScanReport) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    for server in report.servers:
        if server.source == "unresolved":
            results.append(
                _result(
                    "MCP-UNRESOLVED",
                    "note",
                    f"{server.name}: tools unknown: {'; '.join(server.problems) or 'no source'}",
                    [_location(server)],
                    f"{server.subject.agent}\x00{server.name}",
                    {"server": server.name},
                )
            )
        for tool in server.tools:
            key = f"{server.subject.agent}\x00{server.name}\x00{tool.name}"
            if tool.risk in ("Critical", "High", "Medium"):
                results.append(
                    _result(
                        f"MCP-RISK-{tool.risk.upper()}",
                        LEVEL[tool.risk],
                        f"{server.name}/{tool.name}: {tool.category}, {tool.risk} risk ({tool.why}). "
                        f"Recommended policy: {tool.decision_reason}.",
                        [_location(server, tool)],
                        key,
                        {
                            "server": server.name,
                            "tool": tool.name,
                            "category": tool.category,
                            "capabilities": tool.capabilities,
                        },
                    )
                )
            for mismatch in tool.hint_mismatches:
                text = mismatch_text(mismatch)
                results.append(
                    _result(
                        "MCP-HINT-MISMATCH",
                        "warning",
                        f"{server.name}/{tool.name}: {text}",
                        [_location(server, tool)],
                        f"{key}\x00{text}",
                        {"server": server.name, "tool": tool.name},
                    )
                )
            for finding in tool.integrity:
                kind = str(finding.get("kind") or finding.get("type") or "integrity")
                detail = str(finding.get("message") or finding.get("detail") or kind)
                results.append(
                    _result(
                        "MCP-INTEGRITY",
                        "error",
                        f"{server.name}/{tool.name}: {detail}",
                        [_location(server, tool)],
                        f"{key}\x00{kind}",
                        {"server": server.name, "tool": tool.name, "finding": kind},
                    )
                )
    for agent in report.agents:
        if agent.trifecta:
            servers = sorted({leg.server for legs in agent.legs().values() for leg in legs})
            config = agent.agent.split(": ", 1)[1] if ": " in agent.agent else None
            loc = {"physicalLocation": {"artifactLocation": {"uri": _uri(config)}}}
            results.append(
                _result(
                    "MCP-TRIFECTA",
                    "error",
                    f"{agent.agent}: {agent.summary()}",
                    [loc],
                    agent.agent,
                    {"servers": servers},
                )
            )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mcp-catalog",
                        "version": __version__,
                        "informationUri": "https://github.com/mcp-tool-catalog",
                        "rules": RULES,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render_sarif(report: ScanReport) -> str:
    return json.dumps(build_sarif(report), indent=2, ensure_ascii=False) + "\n"
