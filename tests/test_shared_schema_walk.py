"""The features' walk of an input schema gathers what the integrity scan reads of it (one walk, not two): the
same texts in the same order and the same exfiltration-name answer as the scan's own walk, or nothing when the
features' walk cannot stand in for it."""

from __future__ import annotations

from typing import Any

import pytest

from classifier.api import classify_tools
from classifier.features import MAX_PARAMS, extract_features
from classifier.integrity import collect_schema_texts, integrity_findings

SCHEMAS: list[dict[str, Any]] = [
    {"type": "object", "properties": {"path": {"type": "string", "description": "File path", "title": "Path"}}},
    {
        "type": "object",
        "description": "Top description",
        "title": "Top",
        "properties": {
            "query": {"type": "string", "description": "SQL to run"},
            "options": {
                "type": "object",
                "description": "Options",
                "properties": {"limit": {"type": "integer", "description": "Max rows"}},
            },
            "tags": {"type": "array", "items": {"type": "string", "description": "A tag"}, "title": "Tags"},
            "odd": "not a dict",
            "flag": {"type": "boolean", "title": 3, "description": None},
        },
        "items": {"description": "schema-level items"},
    },
    {"type": "object", "properties": {"sidenote": {"type": "string", "description": "Anything"}}},
    {"type": "object", "properties": {"ñame": {"type": "string"}, "b": {"description": "second"}}},
    {
        "type": "object",
        "properties": {
            "records": {
                "type": "array",
                "items": {"type": "object", "properties": {"id": {"description": "Row <IMPORTANT>id</IMPORTANT>"}}},
            }
        },
    },
]


def _scan_walk(schema: dict[str, Any]) -> tuple[list[str], bool]:
    texts: list[str] = []
    may_ask = collect_schema_texts(schema, 0, texts, True)
    return texts, may_ask


@pytest.mark.parametrize("schema", SCHEMAS)
@pytest.mark.parametrize("key", ["inputSchema", "input_schema"])
def test_features_gather_the_scans_texts_in_its_order(schema: dict[str, Any], key: str) -> None:
    f = extract_features({"name": "t", "description": "d", key: schema})
    assert f.schema_texts == _scan_walk(schema)


def test_exfiltration_name_is_noticed_by_the_shared_walk() -> None:
    f = extract_features({"name": "t", "inputSchema": SCHEMAS[2]})
    assert f.schema_texts is not None and f.schema_texts[1] is True
    f = extract_features({"name": "t", "inputSchema": SCHEMAS[0]})
    assert f.schema_texts is not None and f.schema_texts[1] is False


@pytest.mark.parametrize(
    "tool",
    [
        # More parameters than the features read: the scan walks them all itself.
        {"name": "t", "inputSchema": {"properties": {f"p{i}": {"description": "x"} for i in range(MAX_PARAMS + 1)}}},
        # A bare properties map (read by the features, not by the scan).
        {"name": "t", "inputSchema": {"path": {"type": "string", "description": "x"}}},
        # The scan reads ``inputSchema`` even when it is not an object; the features fall back to ``input_schema``.
        {"name": "t", "inputSchema": None, "input_schema": {"properties": {"a": {"description": "x"}}}},
        # ``parameters`` is read by the features only.
        {"name": "t", "parameters": {"properties": {"a": {"description": "x"}}}},
        {"name": "t", "input_schema": 3, "parameters": {"properties": {"a": {"description": "x"}}}},
        {"name": "t", "inputSchema": {"type": "object"}},
        {"name": "t"},
    ],
)
def test_no_shared_texts_when_the_walks_differ(tool: dict[str, Any]) -> None:
    assert extract_features(tool).schema_texts is None


def test_findings_are_the_same_with_or_without_the_shared_walk() -> None:
    tools = [
        {"name": "add", "description": "Adds two numbers.", "inputSchema": schema, "server": "s"} for schema in SCHEMAS
    ]
    results = classify_tools(tools, known_tool_names=frozenset({"other_tool"}))
    for tool, result in zip(tools, results, strict=True):
        assert result["integrity"] == integrity_findings(tool)
    flagged = {f["kind"] for r in results for f in r["integrity"]}
    assert {"hidden_instructions", "exfiltration_parameter"} <= flagged  # the shared texts are really scanned
