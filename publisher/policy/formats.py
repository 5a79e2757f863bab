"""The output formats by their index.json key: file name and renderer, in one table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from publisher.policy.cedar import render_cedar, render_toolhive_config
from publisher.policy.claude_code import render_claude_code, render_disabled_tools
from publisher.policy.gateway_json import render_gateway
from publisher.policy.intercept_yaml import render_intercept
from publisher.policy.model import ServerPolicy


@dataclass(frozen=True)
class Format:
    key: str  # the FORMAT key in recommended_policies/index.json
    filename: str
    render: Callable[[ServerPolicy], str]
    title: str


FORMATS: dict[str, Format] = {
    f.key: f
    for f in (
        Format("policy.json", "policy.json", render_gateway, "MCP gateway policy.json"),
        Format("intercept.yaml", "intercept.yaml", render_intercept, "Intercept proxy YAML"),
        Format("claude-code.json", "claude-code.json", render_claude_code, "Claude Code settings.json permissions"),
        Format("disabled-tools.json", "disabled-tools.json", render_disabled_tools, "tools to disable (JSON list)"),
        Format("cedar", "policy.cedar", render_cedar, "Cedar for ToolHive"),
    )
}

# Formats the `policy` command prints but the catalog does not publish per server (index.json lists FORMATS).
EXTRA_FORMATS: dict[str, Format] = {
    "toolhive-authz.json": Format(
        "toolhive-authz.json", "toolhive-authz.json", render_toolhive_config, "ToolHive authz config (Cedar)"
    ),
}

# Short names accepted on the command line.
ALIASES = {
    "gateway": "policy.json",
    "json": "policy.json",
    "intercept": "intercept.yaml",
    "yaml": "intercept.yaml",
    "claude-code": "claude-code.json",
    "claude": "claude-code.json",
    "disabled-tools": "disabled-tools.json",
    "disabled": "disabled-tools.json",
    "policy.cedar": "cedar",
    "toolhive": "toolhive-authz.json",
    "toolhive-authz": "toolhive-authz.json",
}


def resolve_format(name: str) -> Format:
    key = ALIASES.get(name, name)
    known = {**FORMATS, **EXTRA_FORMATS}
    if key not in known:
        choices = ", ".join(sorted(set(known) | set(ALIASES)))
        raise KeyError(f"unknown format {name!r}: use one of {choices}")
    return known[key]


def render(policy: ServerPolicy, fmt: str) -> str:
    return resolve_format(fmt).render(policy)
