"""Policies: decisions per preset, argument rules, every format valid, golden files, hostile names.

Goldens: tests/golden/policies/<fixture>/<preset>/<file>; regenerate with MCP_CATALOG_UPDATE_GOLDENS=1.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from publisher.policy.argrules import AMOUNT_CAP, PATH_ROOT, RAW_COMMAND, RAW_SQL, RECIPIENT_DOMAIN, URL_HOSTS
from publisher.policy.checks import path_pattern, recipient_pattern, url_pattern
from publisher.policy.formats import FORMATS, resolve_format
from publisher.policy.intercept_yaml import compile_intercept, render_intercept
from publisher.policy.model import APPROVE, DENY, HIDE, LIMIT, PolicyError, ServerPolicy, build_server_policy
from publisher.policy.options import PRESETS, PolicyOptions
from publisher.policy.snippets import tool_snippets
from publisher.policy.validate import (
    validate_cedar,
    validate_file_text,
    validate_gateway,
    validate_intercept,
)

FIXTURES = Path(__file__).parent / "fixtures" / "policy"
GOLDEN = Path(__file__).parent / "golden" / "policies"
FIXTURE_NAMES = sorted(p.stem for p in FIXTURES.glob("*.json"))
UPDATE = os.environ.get("MCP_CATALOG_UPDATE_GOLDENS") == "1"


def load_fixture(name: str) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """(server, tools, classifications by tool name) from a hand-written fixture."""
    data = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    tools = [{k: v for k, v in t.items() if k != "classification"} for t in data["tools"]]
    cls = {t["name"]: t["classification"] for t in data["tools"] if "classification" in t}
    return data["server"], tools, cls


def fixture_policy(name: str, preset: str, options: PolicyOptions | None = None) -> ServerPolicy:
    server, tools, cls = load_fixture(name)
    return build_server_policy(server, tools, cls, preset, options)


# --- every file of every format validates -------------------------------------------------------------------


@pytest.mark.parametrize("name", FIXTURE_NAMES)
@pytest.mark.parametrize("preset", PRESETS)
def test_every_format_validates(name: str, preset: str) -> None:
    policy = fixture_policy(name, preset)
    for key, fmt in FORMATS.items():
        assert validate_file_text(key, fmt.render(policy)) == [], (name, preset, key)


def test_toolhive_config_holds_one_statement_per_entry() -> None:
    for name in FIXTURE_NAMES:
        for preset in PRESETS:
            text = resolve_format("toolhive").render(fixture_policy(name, preset))
            assert validate_file_text("toolhive-authz.json", text) == [], (name, preset)
    doc = json.loads(resolve_format("toolhive-authz.json").render(fixture_policy("files", "strict")))
    assert doc["type"] == "cedarv1" and any('Tool::"list_directory"' in p for p in doc["cedar"]["policies"])


@pytest.mark.parametrize("name", FIXTURE_NAMES)
@pytest.mark.parametrize("preset", PRESETS)
def test_golden_files(name: str, preset: str) -> None:
    policy = fixture_policy(name, preset)
    for fmt in FORMATS.values():
        path = GOLDEN / name / preset / fmt.filename
        text = fmt.render(policy)
        if UPDATE:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"missing golden {path}: run with MCP_CATALOG_UPDATE_GOLDENS=1"
        assert text == path.read_text("utf-8"), f"{path} differs (MCP_CATALOG_UPDATE_GOLDENS=1 to accept)"


def test_intercept_yaml_loads_to_the_compiled_data() -> None:
    for name in FIXTURE_NAMES:
        for preset in PRESETS:
            policy = fixture_policy(name, preset)
            assert yaml.safe_load(render_intercept(policy)) == compile_intercept(policy)


# --- decisions per preset -----------------------------------------------------------------------------------


def test_presets_follow_the_risk_defaults() -> None:
    strict = fixture_policy("payments", "strict")
    assert strict.default == "deny"
    assert strict.tool("get_balance").decision == "allow"
    assert strict.tool("list_charges").decision == DENY
    assert strict.tool("create_refund").decision == HIDE

    rec = fixture_policy("payments", "recommended")
    assert rec.default == "deny"
    assert rec.tool("get_balance").decision == "allow"
    medium = rec.tool("list_charges")
    assert medium.decision == LIMIT and medium.limits[0].max == 60 and medium.limits[0].window == "hour"
    assert rec.tool("create_refund").decision == APPROVE
    assert rec.tool("rotate_api_key").decision == HIDE  # Critical and changes credentials

    mail = fixture_policy("mail", "recommended")
    high = mail.tool("send_email")
    assert high.decision == LIMIT and high.limits[0].max < medium.limits[0].max  # High: harder
    assert mail.tool("share_mailbox").decision == HIDE  # permissions

    perm = fixture_policy("payments", "permissive")
    assert perm.default == "allow"
    assert perm.tool("list_charges").decision == "allow" and not perm.tool("list_charges").limits
    assert perm.tool("create_refund").decision == APPROVE
    assert perm.tool("rotate_api_key").decision == APPROVE  # permissive never hides


def test_raw_sql_escalates_a_tool_labelled_low() -> None:
    rec = fixture_policy("database", "recommended")
    assert rec.tool("query").decision == APPROVE
    assert "`sql`" in rec.tool("query").reason
    assert fixture_policy("database", "strict").tool("query").decision == DENY
    assert rec.tool("list_tables").decision == "allow"


def test_unclassified_tools_are_gated() -> None:
    assert fixture_policy("database", "strict").tool("describe_table").decision == DENY
    assert fixture_policy("database", "recommended").tool("describe_table").decision == APPROVE
    assert fixture_policy("database", "permissive").tool("describe_table").decision == LIMIT


def test_every_rule_has_a_one_line_reason() -> None:
    for name in FIXTURE_NAMES:
        for preset in PRESETS:
            for tool in fixture_policy(name, preset).tools:
                for rule in tool.rules():
                    assert rule["reason"] and "\n" not in rule["reason"], (name, tool.name, rule)


def test_unknown_preset_is_a_clear_error() -> None:
    with pytest.raises(PolicyError, match="unknown preset"):
        build_server_policy({"slug": "x"}, [], {}, "lenient")


# --- argument rules -----------------------------------------------------------------------------------------


def _kinds(policy: ServerPolicy, tool: str) -> dict[str, str]:
    return {r.param: r.kind for r in policy.tool(tool).arg_rules}


def test_argument_rules_from_input_schemas() -> None:
    files = fixture_policy("files", "recommended")
    assert _kinds(files, "read_text_file") == {"path": PATH_ROOT}
    assert _kinds(files, "move_file") == {"source_path": PATH_ROOT, "destination_path": PATH_ROOT}
    assert _kinds(files, "download_url") == {"url": URL_HOSTS, "target_path": PATH_ROOT}
    assert _kinds(files, "search_files") == {"root": PATH_ROOT}  # `query` is a search string, not SQL
    pay = fixture_policy("payments", "recommended")
    assert _kinds(pay, "create_refund") == {"amount": AMOUNT_CAP}
    assert _kinds(pay, "list_charges") == {}  # `limit` is not an amount
    mail = fixture_policy("mail", "recommended")
    assert _kinds(mail, "send_email") == {"to": RECIPIENT_DOMAIN, "webhook_url": URL_HOSTS}
    assert _kinds(mail, "search_messages") == {}
    db = fixture_policy("database", "strict")
    assert {r.kind for r in db.tool("query").arg_rules} <= {RAW_SQL}
    rec_db = fixture_policy("database", "recommended")
    assert rec_db.tool("run_command").decision == APPROVE
    # permissive keeps only amount caps
    assert _kinds(fixture_policy("files", "permissive"), "read_text_file") == {}
    assert _kinds(fixture_policy("payments", "permissive"), "create_refund") == {"amount": AMOUNT_CAP}


def test_paths_and_urls_need_the_matching_capability() -> None:
    from publisher.policy.argrules import derive_arg_rules

    def kinds(name: str, props: dict, caps: list[str], description: str | None = None) -> list[str]:
        schema = {"properties": {k: {"type": "string"} for k in props}}
        rules = derive_arg_rules(
            tool_name=name,
            description=description,
            input_schema=schema,
            category="Read",
            capabilities=caps,
            options=PolicyOptions(),
        )
        return [r.kind for r in rules]

    # A path inside a GitHub repository, a Unity menu path: not the local file system.
    assert kinds("get_file_contents", {"path": 1}, ["untrusted_content"]) == []
    assert kinds("execute_menu_item", {"menuPath": 1}, []) == []
    assert kinds("read_file", {"path": 1}, ["filesystem"]) == [PATH_ROOT]
    # A URL that is only stored is not restricted; one that is fetched is.
    assert kinds("create_bookmark", {"url": 1}, []) == []
    assert kinds("fetch_markdown", {"url": 1}, []) == [URL_HOSTS]
    assert kinds("get_page", {"url": 1}, ["network_egress"]) == [URL_HOSTS]


def test_gate_rule_detection_for_commands() -> None:
    from publisher.policy.argrules import derive_arg_rules

    rules = derive_arg_rules(
        tool_name="run_command",
        description=None,
        input_schema={"properties": {"command": {"type": "string"}}},
        category="Execute",
        capabilities=["code_execution"],
        options=PolicyOptions(),
    )
    assert [r.kind for r in rules] == [RAW_COMMAND]
    # The same parameter name on a Read tool is not a command.
    assert (
        derive_arg_rules(
            tool_name="get_command_help",
            description=None,
            input_schema={"properties": {"command": {"type": "string"}}},
            category="Read",
            capabilities=[],
            options=PolicyOptions(),
        )
        == []
    )


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("/workspace", True),
        ("/workspace/a/b.txt", True),
        ("/workspace/.env", True),
        ("/workspace/..hidden", True),
        ("/workspace/../etc/passwd", False),
        ("/workspace/a/..", False),
        ("/workspace2/x", False),
        ("/etc/passwd", False),
        ("relative/path", False),
    ],
)
def test_path_pattern(value: str, ok: bool) -> None:
    assert bool(re.search(path_pattern("/workspace"), value)) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("https://api.github.com/repos", True),
        ("https://example.org", True),
        ("http://example.org/", False),
        ("https://user:pw@example.org/", False),
        ("https://127.0.0.1/", False),
        ("https://localhost:8080/", False),
        ("https://169.254.169.254/latest/meta-data", False),
        ("file:///etc/passwd", False),
    ],
)
def test_url_pattern_without_hosts(value: str, ok: bool) -> None:
    assert bool(re.search(url_pattern([]), value)) is ok


def test_url_pattern_with_hosts() -> None:
    pattern = url_pattern(["github.com"])
    assert re.search(pattern, "https://github.com/x")
    assert re.search(pattern, "https://api.github.com/x")
    assert not re.search(pattern, "https://github.com.evil.net/x")
    assert not re.search(pattern, "https://evilgithub.com/x")
    assert not re.search(pattern, "https://github.com@evil.net/")


def test_recipient_pattern() -> None:
    assert re.search(recipient_pattern(["corp.example"]), "Ann@Corp.Example")
    assert re.search(recipient_pattern(["corp.example"]), "ann@eu.corp.example")
    assert not re.search(recipient_pattern(["corp.example"]), "ann@corp.example.evil.net")
    assert not re.search(recipient_pattern(["corp.example"]), "ann@corp.example, eve@evil.net")
    assert re.search(recipient_pattern([]), "ann@anywhere.net")
    assert not re.search(recipient_pattern([]), "ann@a.net,bob@b.net")


def test_options_flow_into_every_format() -> None:
    opts = PolicyOptions(
        path_root="/srv/data", allowed_hosts=("docs.example.org",), recipient_domains=("corp.example",)
    )
    policy = fixture_policy("files", "recommended", opts)
    gateway = json.loads(resolve_format("policy.json").render(policy))
    cond = gateway["tools"]["read_text_file"]["deny_if"][0]["conditions"][0]
    assert cond == {"arg": "path", "op": "not_regex", "value": path_pattern("/srv/data")}
    cedar = resolve_format("cedar").render(policy)
    assert 'context["arg_path"] like "/srv/data/*"' in cedar
    assert 'like "https://docs.example.org/*"' in cedar
    assert validate_cedar(cedar) == []


# --- formats ------------------------------------------------------------------------------------------------


def test_gateway_policy_shape() -> None:
    doc = json.loads(resolve_format("policy.json").render(fixture_policy("payments", "recommended")))
    assert doc["hide"] == ["rotate_api_key"]
    assert doc["tools"]["create_refund"]["require"] == ["approval"]
    assert {"counter": "sum:amount", "window": "day", "max": 10000, "scope": "tool"} in doc["tools"]["create_refund"][
        "limits"
    ]
    assert doc["tools"]["get_balance"] == {}
    assert doc["all_tools"]["limits"][0]["scope"] == "server"
    strict = json.loads(resolve_format("policy.json").render(fixture_policy("payments", "strict")))
    assert strict["tools"]["list_charges"]["deny_if"][0]["conditions"] == []


def test_intercept_approval_can_fall_back_to_deny() -> None:
    policy = fixture_policy("payments", "recommended", PolicyOptions(intercept_approval="deny"))
    loaded = yaml.safe_load(resolve_format("intercept.yaml").render(policy))
    rule = loaded["tools"]["create_refund"]["rules"][0]
    assert rule["action"] == "deny" and "approval" in rule["on_deny"]
    assert validate_intercept(loaded) == []
    default = yaml.safe_load(resolve_format("intercept.yaml").render(fixture_policy("payments", "recommended")))
    assert default["tools"]["create_refund"]["rules"][0]["action"] == "require_approval"


def test_claude_code_and_disabled_lists() -> None:
    policy = fixture_policy("payments", "recommended")
    perms = json.loads(resolve_format("claude-code").render(policy))["permissions"]
    assert "mcp__payments__get_balance" in perms["allow"]
    assert "mcp__payments__create_refund" in perms["ask"]
    assert "mcp__payments__rotate_api_key" in perms["deny"]
    assert "mcp__payments__payouts_create" in perms["ask"]  # dots normalised like Claude Code does
    disabled = json.loads(resolve_format("disabled-tools").render(policy))
    assert disabled == ["create_payment_link", "create_refund", "payouts.create", "rotate_api_key"]


def test_hostile_names_stay_exact_inside_policies() -> None:
    policy = fixture_policy("hostile", "recommended")
    gateway = json.loads(resolve_format("policy.json").render(policy))
    assert "quote\"and'apostrophe" in gateway["tools"]
    assert "new\nline # comment: yes" in gateway["tools"]
    loaded = yaml.safe_load(resolve_format("intercept.yaml").render(policy))
    assert "ünïcødé_工具" in loaded["tools"] and "../../etc/passwd" in loaded["tools"]
    assert loaded["tools"]["back\\slash"]["rules"][0]["action"] == "require_approval"
    assert "quote\"and'apostrophe" in loaded["tools"]
    assert loaded["tools"]["*"]["rules"][0]["name"] == "global rate limit"  # the tool named * is not listed
    assert validate_intercept(loaded) == []
    cedar = resolve_format("cedar").render(policy)
    assert 'Tool::"quote\\"and\'apostrophe"' in cedar and "\\u{5de5}" in cedar
    assert all(line.isascii() for line in cedar.splitlines() if not line.startswith("//"))
    assert validate_cedar(cedar) == []


def test_validators_reject_broken_files() -> None:
    base = {"version": "1", "default": "deny", "tools": {}}
    assert validate_gateway({**base, "default": "maybe"})
    assert validate_gateway(
        {
            **base,
            "tools": {"x": {"deny_if": [{"conditions": [{"arg": "a", "op": "like", "value": 1}], "on_deny": "no"}]}},
        }
    )
    assert validate_gateway(
        {
            **base,
            "tools": {
                "x": {"deny_if": [{"conditions": [{"arg": "a", "op": "regex", "value": "(?=x)"}], "on_deny": "no"}]}
            },
        }
    )
    assert validate_gateway(
        {**base, "tools": {"x": {"limits": [{"counter": "calls", "window": "week", "max": 1, "scope": "tool"}]}}}
    )

    def rules(*r: dict) -> dict:
        return {"version": "1", "tools": {"t": {"rules": list(r)}}}

    cond = {"path": "args.a", "op": "eq", "value": 1}
    assert any(
        "must not have conditions" in e
        for e in validate_intercept(rules({"name": "d", "action": "deny", "conditions": [cond]}))
    )
    assert any(
        "cannot be combined" in e
        for e in validate_intercept(rules({"name": "r", "rate_limit": "5/hour", "conditions": [cond]}))
    )
    assert any(
        "invalid regex" in e
        for e in validate_intercept(
            rules({"name": "x", "conditions": [{"path": "args.a", "op": "regex", "value": "("}]})
        )
    )
    assert any(
        "no matching state block" in e
        for e in validate_intercept(
            rules({"name": "x", "conditions": [{"path": "state.t.c", "op": "lte", "value": 1}]})
        )
    )
    assert any(
        "requires a list" in e
        for e in validate_intercept(rules({"name": "x", "conditions": [{"path": "args.a", "op": "in", "value": "a"}]}))
    )
    assert any("window" in e for e in validate_intercept(rules({"name": "x", "rate_limit": "5/week"})))
    assert any(
        "path must start" in e
        for e in validate_intercept(rules({"name": "x", "conditions": [{"path": "a", "op": "eq", "value": 1}]}))
    )
    assert any(
        "duplicate" in e
        for e in validate_intercept(rules({"name": "a", "rate_limit": "5/hour"}, {"name": "b", "rate_limit": "9/hour"}))
    )
    assert (
        validate_intercept(rules({"name": "ok", "rate_limit": "5/hour"}, {"name": "ok2", "rate_limit": "50/day"})) == []
    )

    assert validate_cedar('permit(principal, action == Action::"call_tool", resource);') == []
    assert (
        validate_cedar('permit(principal, action, resource) when { context has "a" && context["a"] like "x*" };') == []
    )
    assert validate_cedar('permit(principal, action == Action::"call_tool", resource)') != []  # no ;
    assert validate_cedar('permit(principal, action, resource) when { context["a"] like };') != []
    assert validate_cedar("allow(principal, action, resource);") != []
    assert validate_cedar('permit(principal, action == Tool::"x\\q", resource);') != []  # bad escape


def test_snippets_for_every_tool() -> None:
    for name in FIXTURE_NAMES:
        policy = fixture_policy(name, "recommended")
        for tool in policy.tools:
            snippets = tool_snippets(policy, tool.name)
            assert set(snippets) == set(FORMATS)
            for key in ("policy.json", "claude-code.json", "disabled-tools.json"):
                json.loads(snippets[key])
            loaded = yaml.safe_load(snippets["intercept.yaml"])
            assert tool.name in (loaded.get("hide") or loaded)
            if "permit(" in snippets["cedar"] or "forbid(" in snippets["cedar"]:
                assert validate_cedar(snippets["cedar"]) == []
    with pytest.raises(KeyError):
        tool_snippets(fixture_policy("files", "strict"), "no_such_tool")


def test_a_server_without_tools_still_gets_valid_files() -> None:
    for preset in PRESETS:
        policy = build_server_policy({"slug": "empty"}, [], {}, preset)
        for key, fmt in FORMATS.items():
            assert validate_file_text(key, fmt.render(policy)) == [], (preset, key)
        assert json.loads(resolve_format("policy.json").render(policy))["tools"] == {}


def test_ten_thousand_tools_compile_and_validate() -> None:
    # Every 50th tool has an argument rule: enough to exercise them without a 5 MB file per format.
    tools = [
        {"name": f'tool {i}/"x" ü', "inputSchema": {"properties": {"path" if i % 50 == 0 else "n": {"type": "string"}}}}
        for i in range(10_000)
    ]
    cls = {
        t["name"]: {"category": "Read", "risk": ("Low", "Medium", "High", "Critical")[i % 4], "capabilities": []}
        for i, t in enumerate(tools)
    }
    policy = build_server_policy({"slug": "big", "name": "big"}, tools, cls, "recommended")
    assert len(policy.tools) == 10_000
    for key, fmt in FORMATS.items():
        assert validate_file_text(key, fmt.render(policy)) == [], key
