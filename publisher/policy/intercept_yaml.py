"""Compile a `ServerPolicy` to the Intercept proxy's YAML policy format.

Written by hand rather than through a YAML dumper so that each tool carries its reason as a comment, and
every scalar is emitted as a JSON string (valid YAML, safe for names with quotes, colons or unicode).
What Intercept cannot address is skipped with a comment: argument names containing `.` (its paths split on
dots), amount totals on tools whose names contain `.`, and a tool literally named `*` (its wildcard key).
"""

from __future__ import annotations

import json
import re
from typing import Any

from publisher.policy.argrules import AMOUNT_CAP
from publisher.policy.checks import checks_for
from publisher.policy.model import APPROVE, DENY, HIDE, ServerPolicy, ToolPolicy

_SAFE_COUNTER = re.compile(r"^[A-Za-z0-9_]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]+")


def _q(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def comment(text: str) -> str:
    """One safe comment line: untrusted names cannot end the comment with a newline."""
    return "# " + _CONTROL.sub(" ", text).strip()


def _rule_lines(rule: dict[str, Any], indent: str) -> list[str]:
    lines = [f"{indent}- name: {_q(rule['name'])}"]
    inner = indent + "  "
    if "action" in rule:
        lines.append(f"{inner}action: {_q(rule['action'])}")
    if "rate_limit" in rule:
        lines.append(f"{inner}rate_limit: {rule['rate_limit']}")
    if rule.get("conditions"):
        lines.append(f"{inner}conditions:")
        for cond in rule["conditions"]:
            lines.append(f"{inner}  - path: {_q(cond['path'])}")
            lines.append(f"{inner}    op: {_q(cond['op'])}")
            lines.append(f"{inner}    value: {_q(cond['value'])}")
    if "on_deny" in rule:
        lines.append(f"{inner}on_deny: {_q(rule['on_deny'])}")
    if "state" in rule:
        lines.append(f"{inner}state:")
        for key in ("counter", "window", "increment_from"):
            if key in rule["state"]:
                lines.append(f"{inner}  {key}: {_q(rule['state'][key])}")
    return lines


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def tool_rules(tool: ToolPolicy, approval_action: str = "require_approval") -> tuple[list[dict[str, Any]], list[str]]:
    """The Intercept rules of one tool, and notes on what could not be expressed."""
    notes: list[str] = []
    if tool.decision == DENY:
        return [{"name": "deny", "action": "deny", "on_deny": tool.reason}], notes
    rules: list[dict[str, Any]] = []
    if tool.decision == APPROVE:
        rules.append({"name": "approval required", "action": approval_action, "on_deny": tool.reason})
    for lim in tool.limits:
        if lim.counter == "calls":
            rules.append(
                {"name": f"{lim.window} limit", "rate_limit": f"{_num(lim.max)}/{lim.window}", "on_deny": lim.reason}
            )
    for rule in tool.arg_rules:
        if "." in rule.param:
            notes.append(f"argument {rule.param!r} cannot be addressed (Intercept paths split on '.'): {rule.reason}")
            continue
        conditions = [{"path": f"args.{c.arg}", "op": c.op, "value": c.value} for c in checks_for(rule)]
        if conditions and not rule.required:
            notes.append(f"{rule.param!r} is optional, but Intercept denies calls that omit it (conditions fail)")
        if conditions:
            rules.append({"name": f"{rule.kind} {rule.param}", "conditions": conditions, "on_deny": rule.reason})
        if rule.kind == AMOUNT_CAP:
            counter = f"daily_{rule.param}"
            if "." in tool.name or not _SAFE_COUNTER.match(counter):
                notes.append(f"daily total of {rule.param!r} not expressible for this tool name")
                continue
            rules.append(
                {
                    "name": f"daily total {rule.param}",
                    "conditions": [
                        {"path": f"state.{tool.name}.{counter}", "op": "lte", "value": _num(rule.params["daily_max"])}
                    ],
                    "on_deny": f"daily total of `{rule.param}` capped at {rule.params['daily_max']:g}",
                    "state": {"counter": counter, "window": "day", "increment_from": f"args.{rule.param}"},
                }
            )
    return rules, notes


def compile_intercept(policy: ServerPolicy) -> dict[str, Any]:
    """The policy as the data Intercept loads (what `render_intercept` writes, without comments)."""
    tools: dict[str, Any] = {}
    for tool in policy.tools:
        if tool.decision == HIDE or tool.name == "*":
            continue
        rules, _ = tool_rules(tool, policy.options.intercept_approval)
        if policy.default == "allow" and not rules:
            continue
        tools[tool.name] = {"rules": rules}
    lim = policy.global_limits[0]
    tools["*"] = {
        "rules": [{"name": "global rate limit", "rate_limit": f"{_num(lim.max)}/{lim.window}", "on_deny": lim.reason}]
    }
    out: dict[str, Any] = {"version": "1", "description": policy.description, "default": policy.default}
    hidden = sorted(t.name for t in policy.by_decision(HIDE))
    if hidden:
        out["hide"] = hidden
    out["tools"] = tools
    return out


def render_intercept(policy: ServerPolicy) -> str:
    lines = [
        comment(f"Intercept policy for {policy.name} ({policy.slug}), preset: {policy.preset}"),
        comment("Generated by mcp-catalog from the tool risk taxonomy; each tool's reason is in the comment above it."),
        comment(f"Path root: {policy.options.path_root}; review argument rules before use."),
        f"version: {_q('1')}",
        f"description: {_q(policy.description)}",
        f"default: {_q(policy.default)}",
    ]
    hidden = policy.by_decision(HIDE)
    if hidden:
        lines.append("hide:")
        for tool in hidden:
            lines.append("  " + comment(f"{tool.name}: {tool.reason}"))
            lines.append(f"  - {_q(tool.name)}")
    lines.append("tools:")
    for tool in policy.tools:
        if tool.decision == HIDE:
            continue
        if tool.name == "*":
            lines.append("  " + comment("a tool named '*' cannot be listed: Intercept reads that key as every tool"))
            continue
        rules, notes = tool_rules(tool, policy.options.intercept_approval)
        if policy.default == "allow" and not rules:
            continue
        lines.append("  " + comment(f"{tool.name}: {tool.reason}"))
        lines += ["  " + comment(note) for note in notes]
        lines.append(f"  {_q(tool.name)}:")
        if not rules:
            lines.append("    rules: []")
            continue
        lines.append("    rules:")
        for rule in rules:
            lines += _rule_lines(rule, "      ")
    lim = policy.global_limits[0]
    lines.append("  " + comment(lim.reason))
    lines.append(f"  {_q('*')}:")
    lines.append("    rules:")
    lines += _rule_lines(
        {"name": "global rate limit", "rate_limit": f"{_num(lim.max)}/{lim.window}", "on_deny": lim.reason}, "      "
    )
    return "\n".join(lines) + "\n"
