"""Compile a `ServerPolicy` to the gateway `policy.json` (schema: schemas/gateway-policy.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from publisher.policy.checks import checks_for
from publisher.policy.model import APPROVE, DENY, HIDE, ServerPolicy, ToolPolicy


def _tool_entry(tool: ToolPolicy) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if tool.decision == DENY:
        entry["deny_if"] = [{"conditions": [], "on_deny": tool.reason}]
        return entry
    if tool.decision == APPROVE:
        entry["require"] = ["approval"]
    deny_if = [
        {"conditions": [check.negated()], "on_deny": rule.reason}
        for rule in tool.arg_rules
        for check in checks_for(rule)
    ]
    if deny_if:
        entry["deny_if"] = deny_if
    if tool.limits:
        entry["limits"] = [lim.to_json() for lim in tool.limits]
    return entry


def compile_gateway(policy: ServerPolicy) -> dict[str, Any]:
    tools = {t.name: _tool_entry(t) for t in policy.tools if t.decision != HIDE}
    # Under default allow, an allowed tool without rules needs no entry; under default deny it must be listed.
    if policy.default == "allow":
        tools = {k: v for k, v in tools.items() if v}
    out: dict[str, Any] = {
        "version": "1",
        "description": policy.description,
        "default": policy.default,
        "hide": sorted(t.name for t in policy.by_decision(HIDE)),
        "all_tools": {"limits": [lim.to_json() for lim in policy.global_limits]},
        "tools": dict(sorted(tools.items())),
    }
    return out


def render_gateway(policy: ServerPolicy) -> str:
    return json.dumps(compile_gateway(policy), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
