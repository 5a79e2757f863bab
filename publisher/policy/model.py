"""The intermediate policy: one `ServerPolicy` per server and preset, from which every format is compiled.

Decisions are made once, here, from the taxonomy's risk levels and the argument rules; compilers only
translate. That keeps the five formats consistent (a tool hidden in policy.json is disabled in the client
list and forbidden in Cedar) and gives the site one `reason` per rule to show.

Presets:
- strict: default deny; only Low-risk tools allowed (with argument rules); Critical tools hidden.
- recommended: default deny for tools not in the policy; Low allowed, Medium and High rate-limited (High
  harder), Critical requires approval, or is hidden when it changes credentials or permissions.
- permissive: default allow; only Critical tools gated (approval); amounts still capped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from catalog.taxonomy import TAXONOMY_VERSION, Capability, Category, Risk
from publisher.policy.argrules import AMOUNT_CAP, ArgRule, derive_arg_rules
from publisher.policy.options import PRESETS, PolicyOptions

ALLOW = "allow"
LIMIT = "limit"
APPROVE = "approve"
DENY = "deny"
HIDE = "hide"
DECISIONS = (ALLOW, LIMIT, APPROVE, DENY, HIDE)


class PolicyError(ValueError):
    """Bad input to the policy builder (unknown preset, malformed tool); the message says what to fix."""


@dataclass(frozen=True)
class Limit:
    counter: str  # "calls" or "sum:<arg>"
    window: str  # minute | hour | day
    max: float
    scope: str  # tool | server
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"counter": self.counter, "window": self.window, "max": self.max, "scope": self.scope}


@dataclass
class ToolPolicy:
    name: str
    category: str | None
    risk: str | None
    capabilities: list[str]
    decision: str
    reason: str
    limits: list[Limit] = field(default_factory=list)
    arg_rules: list[ArgRule] = field(default_factory=list)

    @property
    def label(self) -> str:
        """A few words for tables: allow, limit 60/hour, approval, deny, hidden (+ argument checks)."""
        text = {ALLOW: "allow", APPROVE: "approval", DENY: "deny", HIDE: "hidden"}.get(self.decision, self.decision)
        calls = [lim for lim in self.limits if lim.counter == "calls"]
        if self.decision == LIMIT and calls:
            text = f"limit {calls[0].max:g}/{calls[0].window}"
        if self.reachable and self.arg_rules:
            text += f" + {len(self.arg_rules)} arg check" + ("s" if len(self.arg_rules) > 1 else "")
        return text

    @property
    def reachable(self) -> bool:
        """The agent may call it (possibly limited, checked or after approval)."""
        return self.decision in (ALLOW, LIMIT, APPROVE)

    def rules(self) -> list[dict[str, Any]]:
        """Every rule on this tool with its one-line reason: what the site shows."""
        out: list[dict[str, Any]] = [{"kind": self.decision, "reason": self.reason}]
        out += [{"kind": "rate_limit", **lim.to_json(), "reason": lim.reason} for lim in self.limits]
        if self.reachable:
            out += [rule.to_json() for rule in self.arg_rules]
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "category": self.category,
            "risk": self.risk,
            "capabilities": list(self.capabilities),
            "decision": self.decision,
            "reason": self.reason,
            "rules": self.rules(),
        }


@dataclass
class ServerPolicy:
    slug: str
    name: str
    client_name: str  # the server's key in a client config: Claude Code's mcp__<client_name>__<tool>
    preset: str
    default: str  # allow | deny
    options: PolicyOptions
    tools: list[ToolPolicy]
    global_limits: list[Limit]
    taxonomy_version: str = TAXONOMY_VERSION
    _index: dict[str, ToolPolicy] = field(default_factory=dict, init=False, repr=False, compare=False)

    def tool(self, name: str) -> ToolPolicy:
        """One tool's policy by exact name (KeyError when absent); indexed, so the site can ask per tool."""
        if len(self._index) != len(self.tools):
            self._index = {t.name: t for t in self.tools}
        return self._index[name]

    def by_decision(self, *decisions: str) -> list[ToolPolicy]:
        return [t for t in self.tools if t.decision in decisions]

    @property
    def description(self) -> str:
        return f"{self.preset} policy for {self.name or self.slug} (mcp-catalog, taxonomy v{self.taxonomy_version})"

    def to_json(self) -> dict[str, Any]:
        return {
            "server": self.slug,
            "name": self.name,
            "preset": self.preset,
            "default": self.default,
            "options": self.options.as_dict(),
            "global_limits": [{**lim.to_json(), "reason": lim.reason} for lim in self.global_limits],
            "tools": [t.to_json() for t in self.tools],
        }


# --- inputs: catalog rows or plain dicts --------------------------------------------------------------------


def _get(obj: Any, *keys: str) -> Any:
    for key in keys:
        if isinstance(obj, Mapping):
            if key in obj:
                return obj[key]
        elif hasattr(obj, key):
            return getattr(obj, key)
    return None


def _classification_for(tool: Any, classifications: Mapping[Any, Any]) -> Any:
    tool_id = _get(tool, "id")
    if tool_id is not None and tool_id in classifications:
        return classifications[tool_id]
    return classifications.get(_get(tool, "name"))


def _window_text(count: int, window: str) -> str:
    return f"{count} calls per {window}"


# --- decisions ----------------------------------------------------------------------------------------------


def _decide(
    preset: str, risk: Risk | None, category: str | None, caps: set[str], gated_by: ArgRule | None, opts: PolicyOptions
) -> tuple[str, str, list[Limit]]:
    """(decision, one-line reason, per-tool limits) for one tool under one preset."""
    label = f"{category}, {risk.value} risk" if risk is not None and category else "not classified yet"
    if gated_by is not None and (risk is None or risk is not Risk.CRITICAL):
        why = f"{label}, but {gated_by.reason}"
        if preset == "strict":
            return DENY, f"{why}: denied", []
        return APPROVE, f"{why}: each call needs human approval", []
    if risk is None:
        if preset == "strict":
            return DENY, "not classified yet: denied until it is", []
        if preset == "recommended":
            return APPROVE, "not classified yet: each call needs human approval until it is", []
        count, window = opts.high_limit
        return (
            LIMIT,
            f"not classified yet: at most {_window_text(count, window)}",
            [Limit("calls", window, count, "tool", f"unclassified tool limited to {_window_text(count, window)}")],
        )
    if preset == "strict":
        if risk is Risk.LOW:
            return ALLOW, f"{label}: allowed", []
        if risk is Risk.CRITICAL:
            return HIDE, f"{label}: hidden (strict allows only Low-risk tools)", []
        return DENY, f"{label}: denied (strict allows only Low-risk tools)", []
    if preset == "permissive":
        if risk is Risk.CRITICAL:
            return APPROVE, f"{label}: each call needs human approval", []
        return ALLOW, f"{label}: allowed (permissive gates only Critical tools)", []
    # recommended: the taxonomy's defaults
    if risk is Risk.LOW:
        return ALLOW, f"{label}: allowed", []
    if risk in (Risk.MEDIUM, Risk.HIGH):
        count, window = opts.medium_limit if risk is Risk.MEDIUM else opts.high_limit
        reason = f"{label}: allowed, at most {_window_text(count, window)}"
        return (
            LIMIT,
            reason,
            [Limit("calls", window, count, "tool", f"{risk.value} risk: {_window_text(count, window)}")],
        )
    if caps & {Capability.SECRETS.value, Capability.PERMISSIONS.value}:
        what = "changes credentials" if Capability.SECRETS.value in caps else "changes who can access what"
        return HIDE, f"{label}, {what}: hidden from the agent", []
    return APPROVE, f"{label}: each call needs human approval", []


def _rules_for_preset(preset: str, rules: list[ArgRule]) -> list[ArgRule]:
    if preset == "permissive":
        return [r for r in rules if r.kind == AMOUNT_CAP]
    return [r for r in rules if not r.gates_call]


def _amount_limits(rules: Iterable[ArgRule]) -> list[Limit]:
    return [
        Limit(
            f"sum:{r.param}",
            "day",
            r.params["daily_max"],
            "tool",
            f"daily total of `{r.param}` capped at {r.params['daily_max']:g}",
        )
        for r in rules
        if r.kind == AMOUNT_CAP
    ]


@dataclass(frozen=True)
class ToolFacts:
    """What the presets decide from, derived once per tool (argument rules are the costly part)."""

    name: str
    category: str | None
    risk: Risk | None
    capabilities: list[str]
    arg_rules: list[ArgRule]


def tool_facts(tool: Any, classification: Any, options: PolicyOptions) -> ToolFacts:
    name = _get(tool, "name")
    if not isinstance(name, str) or not name:
        raise PolicyError(f"tool without a name: {tool!r:.80}")
    category = _get(classification, "category") if classification is not None else None
    risk_text = _get(classification, "risk") if classification is not None else None
    caps = sorted({str(c) for c in (_get(classification, "capabilities") or [])}) if classification is not None else []
    try:
        risk = Risk(risk_text) if risk_text else None
        cat = Category(category) if category else None
    except ValueError as exc:
        raise PolicyError(f"tool {name!r}: {exc}") from exc
    known_caps = [c for c in caps if c in Capability._value2member_map_]
    arg_rules = derive_arg_rules(
        tool_name=name,
        description=_get(tool, "description"),
        input_schema=_get(tool, "input_schema", "inputSchema"),
        category=cat or Category.READ,
        capabilities=known_caps,
        options=options,
    )
    return ToolFacts(name, category, risk, caps, arg_rules)


def build_tool_policy(facts: ToolFacts, preset: str, options: PolicyOptions) -> ToolPolicy:
    gate = next((r for r in facts.arg_rules if r.gates_call), None)
    decision, reason, limits = _decide(preset, facts.risk, facts.category, set(facts.capabilities), gate, options)
    applied = _rules_for_preset(preset, facts.arg_rules) if decision in (ALLOW, LIMIT, APPROVE) else []
    if decision in (ALLOW, LIMIT, APPROVE):
        limits = limits + _amount_limits(applied)
    return ToolPolicy(
        name=facts.name,
        category=facts.category,
        risk=facts.risk.value if facts.risk else None,
        capabilities=facts.capabilities,
        decision=decision,
        reason=reason,
        limits=limits,
        arg_rules=applied,
    )


def build_server_policies(
    server: Any,
    tools: Iterable[Any],
    classifications: Mapping[Any, Any],
    presets: Iterable[str] = PRESETS,
    options: PolicyOptions | None = None,
    *,
    client_name: str | None = None,
) -> list[ServerPolicy]:
    """The policies of one server under several presets, deriving each tool's facts once."""
    wanted = list(presets)
    for preset in wanted:
        if preset not in PRESETS:
            raise PolicyError(f"unknown preset {preset!r}: use one of {', '.join(PRESETS)}")
    opts = options or PolicyOptions()
    slug = str(_get(server, "slug") or _get(server, "name") or "server")
    name = str(_get(server, "name") or slug)
    facts: dict[str, ToolFacts] = {}
    for tool in tools:
        f = tool_facts(tool, _classification_for(tool, classifications), opts)
        facts.setdefault(f.name, f)
    ordered = [facts[k] for k in sorted(facts)]
    out = []
    for preset in wanted:
        count, window = opts.permissive_global_limit if preset == "permissive" else opts.global_limit
        out.append(
            ServerPolicy(
                slug=slug,
                name=name,
                client_name=client_name or slug,
                preset=preset,
                default="allow" if preset == "permissive" else "deny",
                options=opts,
                tools=[build_tool_policy(f, preset, opts) for f in ordered],
                global_limits=[
                    Limit(
                        "calls", window, count, "server", f"all tools together: at most {_window_text(count, window)}"
                    )
                ],
            )
        )
    return out


def build_server_policy(
    server: Any,
    tools: Iterable[Any],
    classifications: Mapping[Any, Any],
    preset: str,
    options: PolicyOptions | None = None,
    *,
    client_name: str | None = None,
) -> ServerPolicy:
    """The policy of one server under one preset.

    `server` is a catalog `Server` or a mapping with `slug`/`name`; `tools` are `Tool` rows or tools/list
    dicts; `classifications` maps tool id or tool name to a `Classification` row or a classifier dict.
    """
    return build_server_policies(server, tools, classifications, [preset], options, client_name=client_name)[0]
