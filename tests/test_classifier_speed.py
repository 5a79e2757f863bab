"""The fast paths of batch classification (cached columns, cached description words, rule pre-checks) must
give exactly what the plain definitions give."""

from __future__ import annotations

from collections import Counter

import pytest

from classifier.api import classify_tools
from classifier.features import clear_caches, extract_features, model_tokens
from classifier.model import load_model
from classifier.rules.base import clear_caches as clear_action_caches

TOOLS = [
    {
        "name": "run_sql_query",
        "description": "Execute a SQL query against the Postgres database and return the rows.",
        "inputSchema": {"type": "object", "properties": {"sql": {"type": "string", "description": "SQL text"}}},
    },
    {
        "name": "deleteRecord",
        "description": "Deletes a record permanently. Cannot be undone.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "mode": {"type": "string", "enum": ["archive", "DELETE"]},
            },
        },
        "annotations": {"readOnlyHint": True},
    },
    {"name": "get_weather", "description": "Get the weather.", "inputSchema": {"type": "object", "properties": {}}},
    {"name": "ping"},
    {
        "name": "turn_on_light",
        "description": "Turn on a smart home light.",
        "inputSchema": {"type": "object", "properties": {"device_id": {"type": "string"}}},
    },
    {
        "name": "fetch_url",
        "description": "Fetch a web page from a URL and return its text.",
        "inputSchema": {"type": "object", "properties": {"url": {"type": "string"}}},
    },
]


def _columns_by_lookup(model, f) -> Counter:  # type: ignore[no-untyped-def]
    """The reference definition: every model token's column, looked up by its prefixed string."""
    return Counter(j for j in map(model.vocabulary.get, model_tokens(f)) if j is not None)


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: t["name"])
def test_cached_columns_equal_the_token_lookup(tool: dict) -> None:
    model = load_model()
    if model is None:
        pytest.skip("no trained model shipped")
    f = extract_features(tool)
    first = model.columns(f)
    again = model.columns(extract_features(tool))  # served from the caches this time
    assert Counter(first) == _columns_by_lookup(model, f)
    assert Counter(again) == Counter(first)
    assert first  # every example has words the model knows


def test_results_do_not_depend_on_what_was_classified_before() -> None:
    clear_caches()
    clear_action_caches()
    cold = [classify_tools([t])[0] for t in TOOLS]
    warm = classify_tools(TOOLS + TOOLS)  # repeats hit every cache
    assert warm[: len(TOOLS)] == cold
    assert warm[len(TOOLS) :] == cold
    categories = {r["name"]: r["category"] for r in cold}
    assert categories["run_sql_query"] == "Execute"
    assert categories["deleteRecord"] == "Destructive"
    assert cold[1]["hint_mismatches"]  # declared readOnlyHint on a delete is still reported


def test_a_repeated_description_gives_the_same_words_under_another_name() -> None:
    a = extract_features(TOOLS[2])
    b = extract_features(dict(TOOLS[2], name="other_weather"))
    assert a.desc_set == b.desc_set and a.lead_words == b.lead_words
    assert a.name_words != b.name_words
