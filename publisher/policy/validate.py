"""Validators for every output format, used by the tests, the writer and `mcp-catalog policy --check`.

Each returns a list of error strings (empty when valid) rather than raising, so a caller can report all
problems of a file at once. The Intercept checks follow that proxy's own validation rules; the Cedar check
is a parser for the Cedar policy grammar (the part this project emits and a bit more), since no Cedar
implementation is installed.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import yaml

from publisher.policy.cedar_syntax import CedarSyntaxError, parse_policies

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
INTERCEPT_OPS = {"eq", "neq", "in", "not_in", "lt", "lte", "gt", "gte", "regex", "contains", "exists"}
INTERCEPT_ACTIONS = {"evaluate", "deny", "require_approval"}
WINDOWS = {"minute", "hour", "day"}
_RATE = re.compile(r"^([0-9]+)/([a-z]+)$")
# RE2 (Go) has no look-around or back-references; a gateway would refuse these patterns.
_NOT_RE2 = re.compile(r"\(\?[=!]|\(\?<[=!]|\\[1-9]|\(\?P=")


@cache
def gateway_schema() -> dict[str, Any]:
    text = resources.files("publisher.policy").joinpath("schemas/gateway-policy.schema.json").read_text("utf-8")
    return json.loads(text)


def regex_errors(pattern: Any, where: str) -> list[str]:
    if not isinstance(pattern, str):
        return [f"{where}: regex value must be a string"]
    if _NOT_RE2.search(pattern):
        return [f"{where}: regex {pattern!r} uses look-around or back-references, which RE2 gateways reject"]
    try:
        re.compile(pattern)
    except re.error as exc:
        return [f"{where}: invalid regex {pattern!r}: {exc}"]
    return []


def validate_gateway(doc: Any) -> list[str]:
    """policy.json against its JSON Schema, plus the regexes (RE2-compatible, compilable)."""
    validator = jsonschema.Draft202012Validator(gateway_schema(), format_checker=jsonschema.FormatChecker())
    errors = [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(doc)]
    if errors or not isinstance(doc, dict):
        return errors
    for name, rule in doc.get("tools", {}).items():
        for i, deny in enumerate(rule.get("deny_if", [])):
            for j, cond in enumerate(deny["conditions"]):
                if cond["op"] in ("regex", "not_regex"):
                    errors += regex_errors(cond["value"], f"tools.{name}.deny_if[{i}].conditions[{j}]")
    hidden = set(doc.get("hide", []))
    errors += [f"tools.{n}: listed but also hidden" for n in sorted(hidden & set(doc.get("tools", {})))]
    return errors


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _intercept_condition(cond: Any, where: str) -> list[str]:
    if not isinstance(cond, dict):
        return [f"{where}: a condition must be a mapping"]
    errors = []
    path, op, value = cond.get("path"), cond.get("op"), cond.get("value")
    if not isinstance(path, str) or not path.startswith(("args.", "state.")):
        errors.append(f'{where}: path must start with "args." or "state.", got {path!r}')
    if op not in INTERCEPT_OPS:
        errors.append(f"{where}: unknown operator {op!r}")
    elif op in ("in", "not_in") and not isinstance(value, list):
        errors.append(f"{where}: operator {op!r} requires a list value")
    elif op in ("lt", "lte", "gt", "gte") and not _is_number(value):
        errors.append(f"{where}: operator {op!r} requires a numeric value")
    elif op == "exists" and not isinstance(value, bool):
        errors.append(f"{where}: operator 'exists' requires a boolean value")
    elif op == "regex":
        errors += regex_errors(value, where)
    return errors


def _rate_limit_errors(value: Any, where: str) -> list[str]:
    m = _RATE.match(str(value))
    if not m:
        return [f"{where}: rate_limit must be N/minute, N/hour or N/day, got {value!r}"]
    errors = []
    if int(m.group(1)) <= 0:
        errors.append(f"{where}: rate_limit count must be a positive integer, got {m.group(1)!r}")
    if m.group(2) not in WINDOWS:
        errors.append(f"{where}: rate_limit window must be minute, hour or day, got {m.group(2)!r}")
    return errors


def _counters(doc: dict[str, Any]) -> dict[str, set[str]]:
    """Counters defined per state scope (`*` rules are the `_global` scope)."""
    found: dict[str, set[str]] = {}
    for name, entry in (doc.get("tools") or {}).items():
        scope = "_global" if name == "*" else str(name)
        for rule in (entry or {}).get("rules") or []:
            if isinstance(rule, dict) and isinstance(rule.get("state"), dict):
                found.setdefault(scope, set()).add(str(rule["state"].get("counter")))
    return found


def _intercept_rule(rule: Any, where: str, counters: dict[str, set[str]]) -> list[str]:
    if not isinstance(rule, dict):
        return [f"{where}: a rule must be a mapping"]
    errors: list[str] = []
    action = rule.get("action", "evaluate")
    conditions = rule.get("conditions") or []
    if not rule.get("name"):
        errors.append(f"{where}: rule must have a name")
    if "rate_limit" in rule:
        errors += _rate_limit_errors(rule["rate_limit"], where)
        if conditions or "state" in rule:
            errors.append(f"{where}: rate_limit cannot be combined with conditions or state")
        if action != "evaluate":
            errors.append(f"{where}: rate_limit cannot be used with action {action!r}")
        return errors
    if action not in INTERCEPT_ACTIONS:
        errors.append(f"{where}: action must be one of {sorted(INTERCEPT_ACTIONS)}, got {action!r}")
    if action in ("deny", "require_approval") and conditions:
        errors.append(f"{where}: {action} rules must not have conditions")
    if action == "evaluate" and not conditions:
        errors.append(f"{where}: evaluate rules must have at least one condition")
    if not isinstance(conditions, list):
        return errors + [f"{where}: conditions must be a list"]
    for j, cond in enumerate(conditions):
        errors += _intercept_condition(cond, f"{where}.conditions[{j}]")
        path = cond.get("path") if isinstance(cond, dict) else None
        if isinstance(path, str) and path.startswith("state."):
            parts = path.split(".", 2)
            if len(parts) < 3 or parts[2] not in counters.get(parts[1], set()):
                errors.append(f"{where}: condition references {path} but no matching state block found")
    state = rule.get("state")
    if state is not None:
        if not isinstance(state, dict) or not state.get("counter"):
            errors.append(f"{where}.state: counter must not be empty")
        elif state.get("window") not in WINDOWS:
            errors.append(f"{where}.state: window must be minute, hour or day, got {state.get('window')!r}")
        if (
            isinstance(state, dict)
            and "increment_from" in state
            and not str(state["increment_from"]).startswith("args.")
        ):
            errors.append(f"{where}.state: increment_from must start with 'args.', got {state['increment_from']!r}")
    return errors


def validate_intercept(doc: Any) -> list[str]:
    """The Intercept proxy's own rules for a loaded YAML policy."""
    if not isinstance(doc, dict):
        return ["(root): the policy must be a mapping"]
    errors: list[str] = []
    if doc.get("version") != "1":
        errors.append(f'version must be "1", got {doc.get("version")!r}')
    if doc.get("default", "allow") not in ("allow", "deny"):
        errors.append(f'default must be "allow" or "deny", got {doc.get("default")!r}')
    hide = doc.get("hide") or []
    seen: set[str] = set()
    for i, name in enumerate(hide):
        if not isinstance(name, str) or not name.strip():
            errors.append(f"hide[{i}]: entry must not be empty")
        elif name in seen:
            errors.append(f"hide: duplicate entry {name!r}")
        seen.add(str(name))
    tools = doc.get("tools")
    if not isinstance(tools, dict):
        return errors + ["tools: required, a mapping of tool names to rules"]
    counters = _counters(doc)
    for name, entry in tools.items():
        rules = (entry or {}).get("rules") if isinstance(entry, dict) else None
        if not isinstance(rules, list):
            errors.append(f"tools.{name}: rules must be a list")
            continue
        defined: dict[str, int] = {}
        for i, rule in enumerate(rules):
            where = f"tools.{name}.rules[{i}]"
            errors += _intercept_rule(rule, where, counters)
            window = None
            if isinstance(rule, dict) and "rate_limit" in rule:
                window = "_rate_" + str(rule["rate_limit"]).split("/")[-1]
            elif isinstance(rule, dict) and isinstance(rule.get("state"), dict):
                window = str(rule["state"].get("counter"))
            if window is not None:
                if window in defined:
                    errors.append(
                        f"{where}: duplicate state counter {window!r} (also used by rules[{defined[window]}])"
                    )
                defined.setdefault(window, i)
    return errors


def validate_intercept_text(text: str) -> list[str]:
    try:
        doc = yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader (C when available)
    except yaml.YAMLError as exc:
        return [f"not valid YAML: {exc}"]
    return validate_intercept(doc)


def validate_claude_code(doc: Any) -> list[str]:
    errors: list[str] = []
    perms = doc.get("permissions") if isinstance(doc, dict) else None
    if not isinstance(perms, dict):
        return ['(root): expected {"permissions": {...}}']
    entry = re.compile(r"^mcp__[A-Za-z0-9_-]+__[A-Za-z0-9_-]+$")
    seen: dict[str, str] = {}
    for bucket, items in perms.items():
        if bucket not in ("allow", "ask", "deny"):
            errors.append(f"permissions.{bucket}: unknown list (allow, ask, deny)")
            continue
        for item in items:
            if not isinstance(item, str) or not entry.match(item):
                errors.append(f"permissions.{bucket}: {item!r} is not an mcp__SERVER__TOOL entry")
            elif item in seen:
                errors.append(f"permissions.{bucket}: {item!r} also in {seen[item]}")
            else:
                seen[item] = bucket
    return errors


def validate_disabled_tools(doc: Any) -> list[str]:
    if not isinstance(doc, list) or not all(isinstance(x, str) and x for x in doc):
        return ["(root): expected a JSON list of tool names"]
    if len(set(doc)) != len(doc):
        return ["(root): duplicate tool names"]
    return []


def validate_cedar(text: str) -> list[str]:
    try:
        parse_policies(text)
    except CedarSyntaxError as exc:
        return [str(exc)]
    return []


def validate_toolhive_config(doc: Any) -> list[str]:
    cedar = doc.get("cedar") if isinstance(doc, dict) else None
    if not isinstance(doc, dict) or doc.get("type") != "cedarv1" or not isinstance(cedar, dict):
        return ['(root): expected {"version": "1.0", "type": "cedarv1", "cedar": {...}}']
    policies = cedar.get("policies")
    if not isinstance(policies, list) or not all(isinstance(p, str) for p in policies):
        return ["cedar.policies: expected a list of Cedar policy strings"]
    errors = []
    for i, text in enumerate(policies):
        try:
            if parse_policies(text) != 1:
                errors.append(f"cedar.policies[{i}]: expected exactly one policy")
        except CedarSyntaxError as exc:
            errors.append(f"cedar.policies[{i}]: {exc}")
    return errors


def validate_file_text(fmt: str, text: str) -> list[str]:
    """Validate one rendered file by its FORMAT key (the names used in index.json)."""
    if fmt == "intercept.yaml":
        return validate_intercept_text(text)
    if fmt == "cedar":
        return validate_cedar(text)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return [f"not valid JSON: {exc}"]
    validators = {
        "policy.json": validate_gateway,
        "claude-code.json": validate_claude_code,
        "toolhive-authz.json": validate_toolhive_config,
    }
    return validators.get(fmt, validate_disabled_tools)(doc)
