"""Speed-only shortcuts in the rules and the decision must never change an answer.

``literal_gate`` skips a regex search when a text lacks every literal the pattern needs; ``decide`` builds
the rationale from its deciding signals instead of searching the evidence. Both are checked here against
the slow, obvious versions.
"""

from __future__ import annotations

import re

import pytest

from classifier.engine import classify_features, features_for, rationale
from classifier.rules import content, deletion, execution, infrastructure, permissions, run_rules, secrets
from classifier.rules.base import literal_gate, required_literals

RULE_PATTERNS = [
    content.OWNED,
    content.LEAD_OBJECT,
    content.PEOPLE_DETAILS,
    deletion.RECOVERABLE,
    deletion.OVERWRITE,
    deletion.UNLINKS,
    execution.CODE_PHRASE,
    execution.PAID_JOB,
    permissions.ACCESS_PHRASE,
    secrets.MINTS,
    secrets.KEY_MATERIAL,
]

TEXTS = [
    "lists your recent emails from the inbox",
    "returns the user's private notes",
    "mints a scoped access token for the agent",
    "creates a new api token",
    "grants read access to the bucket",
    "soft-deletes the record; it can be restored",
    "moves it to the trash",
    "runs an arbitrary shell command on the host",
    "execute a sql query against the warehouse",
    "overwrites the existing file. this cannot be undone",
    "removes a signer from the contract",
    "cost warning: this tool may incur charges and consumes credits",
    "shows the weather for a city",
    "returns member names, email addresses and job titles",
    "",
    "x'your files",  # an apostrophe glued to the owner word: the regex still matches
]


@pytest.mark.parametrize("pattern", RULE_PATTERNS, ids=lambda p: p.pattern[:30])
def test_a_gate_never_rejects_a_text_its_regex_matches(pattern: re.Pattern[str]) -> None:
    gate = literal_gate(pattern)
    for text in TEXTS:
        if pattern.search(text):
            assert gate(text), (pattern.pattern, text)


def test_gates_reject_texts_without_the_needed_words() -> None:
    assert not literal_gate(secrets.MINTS)("creates a new project")
    assert not literal_gate(content.OWNED)("shows the weather for a city")
    assert literal_gate(content.OWNED)("lists your recent emails")


def test_required_literals_read_the_pattern() -> None:
    assert required_literals(re.compile(r"foo (?:bar|baz)qux")) == (("foo ba",), ("qux",))  # re factors "ba" out
    assert required_literals(re.compile(r"x(?:cat|dog)")) == (("cat", "dog"),)
    assert required_literals(re.compile(r"ab|c?d")) == ()  # an alternative needs no usable literal
    assert required_literals(re.compile(r"(?:hello)+ world", re.IGNORECASE)) == ()  # case-folded: no gate
    assert required_literals(re.compile(r"(?:long)? word")) == ((" word",),)  # optional parts are not needed


TOOLS = [
    {"name": "delete_file", "description": "Deletes a file from disk", "inputSchema": {"properties": {"path": {}}}},
    {
        "name": "run_query",
        "description": "Runs a SQL query",
        "inputSchema": {"properties": {"sql": {"type": "string"}}},
    },
    {"name": "get_weather", "description": "Shows the weather for a city", "annotations": {"readOnlyHint": True}},
    {"name": "frobnicate", "description": "", "annotations": {"destructiveHint": True}},
    {"name": "send_email", "description": "Sends an email to a recipient"},
    {"name": "read_notes", "description": "Returns the user's private notes"},
    {"name": "x", "description": "Executes arbitrary python code in a sandbox"},
    {"name": "remove_label", "description": "Removes a label from an issue", "annotations": {"readOnlyHint": True}},
]


@pytest.mark.parametrize("use_model", [True, False])
def test_decide_rationale_matches_the_evidence(use_model: bool) -> None:
    results = classify_features(features_for(TOOLS, None), use_model=use_model)
    for out in results:
        assert out["rationale"] == rationale(out["category"], out["risk"], out["capabilities"], out["evidence"])


def test_hints_are_fresh_dicts() -> None:
    first, second = classify_features(features_for(TOOLS[:1] * 2, None), use_model=False)
    first["inferred_hints"]["readOnlyHint"] = "changed"
    assert second["inferred_hints"]["readOnlyHint"] is False


# One tool per branch trigger of the gated families (so a trigger missing from a gate shows).
GATE_TOOLS = [
    {"name": "generate_image", "description": "Makes a picture from a prompt"},
    {"name": "text_to_speech", "description": "Turns text into audio"},
    {"name": "banana", "description": "COST WARNING: makes a video, this may incur costs"},
    {"name": "create_container", "description": "Creates one"},
    {"name": "apply_config", "description": "Applies it"},
    {"name": "schedule_build", "description": "Schedules it"},
    {"name": "install_package", "description": "Installs it"},
    {"name": "manage_warehouse", "description": "Suspend, resume or restart a warehouse"},
    {"name": "restart", "description": "Restarts it"},
    {"name": "do_thing", "description": "Executes arbitrary shell commands"},
    {"name": "run_python", "description": "Runs it"},
    {"name": "q", "description": "", "inputSchema": {"properties": {"sql": {"type": "string"}}}},
    {"name": "list_pods", "description": "Lists them"},
    {"name": "create_database", "description": "Creates a managed cloud database"},
    {"name": "exec_in", "description": "Runs in a docker container", "inputSchema": {"properties": {"container": {}}}},
    {"name": "list_aws_resources", "description": "Lists them"},
    {"name": "create_security_group", "description": "Creates one"},
    {"name": "get_api_key", "description": "Reads it"},
    {"name": "rotate_token", "description": "Rotates it"},
    {"name": "login", "description": "Logs in"},
    {"name": "create_certificate", "description": "Creates one"},
    {"name": "read_vault", "description": "Reads a HashiCorp KV entry"},
    {"name": "sign", "description": "Signs with the wallet's private key"},
    {"name": "make", "description": "Mints a scoped access token"},
]


def _corpus_features() -> list:
    from tests.pinned_classifications import pinned_inputs

    tools, context, _previous, _known = pinned_inputs()
    return features_for(tools + TOOLS + GATE_TOOLS, context)


def _every_word(features: list) -> frozenset[str]:
    words: set[str] = set()
    for f in features:
        words |= f.name_set | f.desc_set | f.param_words | set(f.actions or ()) | set(f.name_words)
    return frozenset(words)


@pytest.mark.parametrize(
    ("module", "gates"),
    [
        (execution, ("GATE_VERBS", "GATE_NAME_WORDS", "GATE_DESC_WORDS")),
        (infrastructure, ("GATE_NAME_WORDS", "GATE_DESC_WORDS")),
        (secrets, ("GATE_NAME_WORDS", "GATE_DESC_WORDS")),
    ],
    ids=lambda v: getattr(v, "__name__", "gates"),
)
def test_family_gates_stop_only_tools_no_branch_fires_on(module, gates, monkeypatch: pytest.MonkeyPatch) -> None:
    """A family's early exit must be a superset test: with its gate words widened to every word of the pinned
    corpus (so the gate lets every tool through), each tool gets the same signals. Catches a new branch whose
    trigger words were not added to the gate."""
    features = _corpus_features()
    for f in features:
        run_rules(f)  # fills f.actions
    gated = [module.detect(f) for f in features]
    everything = _every_word(features)
    for name in gates:
        monkeypatch.setattr(module, name, getattr(module, name) | everything)
    ungated = [module.detect(f) for f in features]
    assert sum(1 for s in gated if s) >= 3  # the corpus exercises the family
    assert gated == ungated
