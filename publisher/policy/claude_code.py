"""Client allow/deny lists: a Claude Code `settings.json` fragment and a plain list of tools to disable.

Clients cannot rate-limit or check arguments, so the mapping is conservative: a tool whose policy needs an
argument check or approval becomes `ask` (Claude Code prompts the user), a High-risk rate-limited tool also
asks, denied and hidden tools are `deny`. The plain list disables everything a client cannot gate.
"""

from __future__ import annotations

import json
import re
from typing import Any

from catalog.taxonomy import Risk
from publisher.policy.model import ALLOW, APPROVE, DENY, HIDE, LIMIT, ServerPolicy, ToolPolicy

_INVALID = re.compile(r"[^A-Za-z0-9_-]")


def claude_name(value: str) -> str:
    """Claude Code's normalised MCP name part: characters outside [A-Za-z0-9_-] become `_`."""
    return _INVALID.sub("_", value) or "_"


def permission_entry(server: str, tool: str) -> str:
    return f"mcp__{claude_name(server)}__{claude_name(tool)}"


def claude_bucket(tool: ToolPolicy) -> str:
    """allow | ask | deny for one tool."""
    if tool.decision in (DENY, HIDE):
        return "deny"
    if tool.decision == APPROVE or tool.arg_rules:
        return "ask"
    if tool.decision == LIMIT and tool.risk in (Risk.HIGH.value, None):
        return "ask"
    if tool.decision in (ALLOW, LIMIT):
        return "allow"
    return "ask"


def compile_claude_code(policy: ServerPolicy) -> dict[str, Any]:
    buckets: dict[str, set[str]] = {"allow": set(), "ask": set(), "deny": set()}
    for tool in policy.tools:
        buckets[claude_bucket(tool)].add(permission_entry(policy.client_name, tool.name))
    # Two tool names can normalise to the same entry: the stricter bucket wins.
    buckets["ask"] -= buckets["deny"]
    buckets["allow"] -= buckets["deny"] | buckets["ask"]
    return {"permissions": {k: sorted(v) for k, v in buckets.items()}}


def render_claude_code(policy: ServerPolicy) -> str:
    return json.dumps(compile_claude_code(policy), indent=2, ensure_ascii=False) + "\n"


def disabled_tools(policy: ServerPolicy) -> list[str]:
    """Exact names of the tools a client without approvals or argument checks should switch off."""
    return sorted(t.name for t in policy.tools if t.decision in (DENY, HIDE, APPROVE))


def render_disabled_tools(policy: ServerPolicy) -> str:
    return json.dumps(disabled_tools(policy), indent=2, ensure_ascii=False) + "\n"
