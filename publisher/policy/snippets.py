"""Per-tool snippets for the site: what each format says about one tool, as text to copy."""

from __future__ import annotations

import json
from typing import Any

from publisher.policy.cedar import CALL, _permit, comment, tool_ref
from publisher.policy.claude_code import claude_bucket, permission_entry
from publisher.policy.gateway_json import _tool_entry
from publisher.policy.intercept_yaml import _q, _rule_lines, tool_rules
from publisher.policy.intercept_yaml import comment as yaml_comment
from publisher.policy.model import APPROVE, DENY, HIDE, ServerPolicy, ToolPolicy


def _intercept(tool: ToolPolicy, approval_action: str) -> str:
    if tool.decision == HIDE:
        return f"hide:\n  - {_q(tool.name)}\n"
    rules, notes = tool_rules(tool, approval_action)
    lines = [yaml_comment(n) for n in notes]
    lines.append(f"{_q(tool.name)}:")
    if not rules:
        lines.append("  rules: []")
    else:
        lines.append("  rules:")
        for rule in rules:
            lines += _rule_lines(rule, "    ")
    return "\n".join(lines) + "\n"


def _cedar(tool: ToolPolicy) -> str:
    if tool.decision in (DENY, HIDE):
        return f"forbid(principal, {CALL}, resource == {tool_ref(tool.name)});\n"
    if tool.decision == APPROVE:
        return comment(f"{tool.name} needs approval, which Cedar cannot ask for: not permitted") + "\n"
    return "\n".join(_permit(tool)) + "\n"


def tool_snippets(policy: ServerPolicy, tool_name: str) -> dict[str, str]:
    """{FORMAT: text} for one tool of a server policy; raises KeyError for a tool not in the policy."""
    tool = policy.tool(tool_name)
    gateway: dict[str, Any] = (
        {"hide": [tool.name]} if tool.decision == HIDE else {"tools": {tool.name: _tool_entry(tool)}}
    )
    bucket = claude_bucket(tool)
    disabled = [tool.name] if tool.decision in (DENY, HIDE, APPROVE) else []
    return {
        "policy.json": json.dumps(gateway, indent=2, ensure_ascii=False) + "\n",
        "intercept.yaml": _intercept(tool, policy.options.intercept_approval),
        "claude-code.json": json.dumps(
            {"permissions": {bucket: [permission_entry(policy.client_name, tool.name)]}}, indent=2, ensure_ascii=False
        )
        + "\n",
        "disabled-tools.json": json.dumps(disabled, ensure_ascii=False) + "\n",
        "cedar": _cedar(tool),
    }
