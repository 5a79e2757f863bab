"""Tool definitions from a `tools/list` JSON dump: a list of tools, `{"tools": [...]}`, or a JSON-RPC result.

Accepts camelCase (wire) and snake_case (some registries) field names, and name-only entries.
"""

from __future__ import annotations

from typing import Any

from catalog.records import ToolRecord


class ToolsJsonError(ValueError):
    """The JSON does not hold a tool list; the message says what was found instead."""


def tool_list_from_json(data: Any) -> list[Any]:
    """Find the list of tools in the usual envelopes."""
    if isinstance(data, dict):
        if "result" in data and isinstance(data["result"], dict):
            data = data["result"]
        if "tools" in data:
            data = data["tools"]
        elif "name" in data:
            data = [data]
    if not isinstance(data, list):
        raise ToolsJsonError(
            f"expected a JSON list of tools or an object with a 'tools' list, found {type(data).__name__}"
        )
    return data


def _obj(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def record_from_mcp(item: Any, *, origin: str = "dump", file: str | None = None) -> ToolRecord | None:
    """One wire-shaped tool to a ToolRecord; None for entries without a usable name."""
    if isinstance(item, str):
        return ToolRecord(name=item, origin=origin, file=file) if item.strip() else None
    if not isinstance(item, dict):
        return None
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        return None
    description = item.get("description")
    schema = item.get("inputSchema", item.get("input_schema", item.get("parameters")))
    out_schema = item.get("outputSchema", item.get("output_schema"))
    annotations = _obj(item.get("annotations")) or {}
    title = item.get("title") if isinstance(item.get("title"), str) else None
    if title is None and isinstance(annotations.get("title"), str):
        title = annotations["title"]
    return ToolRecord(
        name=name,
        title=title,
        description=description if isinstance(description, str) else None,
        input_schema=_obj(schema),
        output_schema=_obj(out_schema),
        annotations=annotations,
        origin=origin,
        file=file,
    )


def records_from_json(data: Any, *, origin: str = "dump", file: str | None = None) -> list[ToolRecord]:
    records = []
    for item in tool_list_from_json(data):
        rec = record_from_mcp(item, origin=origin, file=file)
        if rec is not None:
            records.append(rec)
    return records
