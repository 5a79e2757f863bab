"""Compile a `ServerPolicy` to Cedar for ToolHive's authorizer.

ToolHive's entity conventions: principal `Client::"<sub>"`, action `Action::"call_tool"`, resource
`Tool::"<tool name>"`, and each call argument in the context as `arg_<name>`. Cedar denies by default and
`forbid` always wins. Argument checks are written as `when` conditions of a `permit`, never as `forbid`
conditions: a Cedar evaluation error (an argument of the wrong type) skips the statement, and a skipped
permit fails closed while a skipped forbid would fail open. Cedar has no approvals or rate limits: tools that
need approval are not permitted (say so in a comment); limits are left to the gateway formats.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from publisher.policy.argrules import AMOUNT_CAP, PATH_ROOT, RECIPIENT_DOMAIN, URL_HOSTS, ArgRule
from publisher.policy.model import APPROVE, DENY, HIDE, ServerPolicy, ToolPolicy

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]+")
CALL = 'action == Action::"call_tool"'


def cedar_string(value: str) -> str:
    """A Cedar string literal; non-ASCII as \\u{...} so the file is plain ASCII."""
    out = []
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\0":
            out.append("\\0")
        elif ord(ch) < 0x20 or ord(ch) > 0x7E:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def like_literal(value: str) -> str:
    """Text inside a `like` pattern: `*` is the wildcard, so a literal star is escaped."""
    return cedar_string(value)[1:-1].replace("*", "\\*")


def comment(text: str) -> str:
    return "// " + _CONTROL.sub(" ", text).strip()


def tool_ref(name: str) -> str:
    return f"Tool::{cedar_string(name)}"


def _arg(param: str) -> str:
    return f"context[{cedar_string('arg_' + param)}]"


def condition(rule: ArgRule) -> str | None:
    """The Cedar expression that holds when the argument is acceptable (or absent)."""
    x = _arg(rule.param)
    if rule.kind == PATH_ROOT:
        root = rule.params["root"].rstrip("/")
        inside = f'{x} like "{like_literal(root)}/*"' + (f" || {x} == {cedar_string(root)}" if root else "")
        ok = f'({inside}) && !({x} like "*/../*") && !({x} like "*/..")'
    elif rule.kind == URL_HOSTS:
        hosts = rule.params["hosts"]
        if hosts:
            alts = [f'{x} like "https://{like_literal(h)}/*" || {x} == {cedar_string("https://" + h)}' for h in hosts]
            ok = "(" + " || ".join(alts) + ")"
        else:
            ok = (
                f'{x} like "https://*" && !({x} like "https://*@*") && !({x} like "https://localhost*") '
                f'&& !({x} like "https://127.*") && !({x} like "https://169.254.*") && !({x} like "https://[*")'
            )
    elif rule.kind == RECIPIENT_DOMAIN:
        domains = rule.params["domains"]
        if domains:
            ok = "(" + " || ".join(f'{x} like "*@{like_literal(d)}"' for d in domains) + f') && !({x} like "*,*")'
        else:
            ok = f'{x} like "*@*" && !({x} like "*,*") && !({x} like "*;*") && !({x} like "* *")'
    elif rule.kind == AMOUNT_CAP:
        ok = f"{x} >= 0 && {x} <= {math.floor(rule.params['max'])}"
    else:
        return None
    return f"(!(context has {cedar_string('arg_' + rule.param)}) || ({ok}))"


def _permit(tool: ToolPolicy) -> list[str]:
    conds = [c for c in (condition(r) for r in tool.arg_rules) if c]
    head = f"permit(principal, {CALL}, resource == {tool_ref(tool.name)})"
    if not conds:
        return [head + ";"]
    return [head, "when {", "  " + "\n  && ".join(conds), "};"]


def cedar_blocks(policy: ServerPolicy) -> list[tuple[list[str], str | None]]:
    """(comment lines, statement or None) in file order: one source for the .cedar file and ToolHive's config."""
    blocks: list[tuple[list[str], str | None]] = []
    special = [t for t in policy.tools if t.arg_rules or t.decision in (APPROVE, DENY, HIDE)]
    if policy.default == "allow":
        head = [comment("default allow: every tool not listed below")]
        if special:
            refs = ", ".join(tool_ref(t.name) for t in special)
            blocks.append((head, f"permit(principal, {CALL}, resource)\nunless {{ resource in [{refs}] }};"))
        else:
            blocks.append((head, f"permit(principal, {CALL}, resource);"))
    special_names = {t.name for t in special}
    for tool in policy.tools:
        if policy.default == "allow" and tool.name not in special_names:
            continue
        notes = [comment(f"{tool.name}: {tool.reason}")]
        if tool.decision in (DENY, HIDE):
            blocks.append((notes, f"forbid(principal, {CALL}, resource == {tool_ref(tool.name)});"))
        elif tool.decision == APPROVE:
            blocks.append((notes + [comment("needs approval, which Cedar cannot ask for: not permitted here")], None))
        else:
            notes += [comment(r.reason) for r in tool.arg_rules]
            if any(r.kind == AMOUNT_CAP for r in tool.arg_rules):
                notes.append(comment("amounts with a fraction arrive as Decimal and are denied: whole numbers only"))
            blocks.append((notes, "\n".join(_permit(tool))))
    return blocks


def render_cedar(policy: ServerPolicy) -> str:
    lines = [
        comment(f"Cedar policy for ToolHive: {policy.name} ({policy.slug}), preset: {policy.preset}"),
        comment("Generated by mcp-catalog. Cedar denies what no permit allows; forbid always wins."),
        comment("Rate limits and approvals are not expressible in Cedar: tools that need approval are not permitted."),
        "",
    ]
    for notes, statement in cedar_blocks(policy):
        lines += notes
        if statement is not None:
            lines.append(statement)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def compile_toolhive_config(policy: ServerPolicy) -> dict[str, Any]:
    """ToolHive's authorization config file (`--authz-config`): the same statements, one per list entry."""
    statements = [statement for _, statement in cedar_blocks(policy) if statement is not None]
    return {"version": "1.0", "type": "cedarv1", "cedar": {"policies": statements, "entities_json": "[]"}}


def render_toolhive_config(policy: ServerPolicy) -> str:
    return json.dumps(compile_toolhive_config(policy), indent=2, ensure_ascii=False) + "\n"
