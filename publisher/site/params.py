"""The parameters table of a tool page, from its JSON Schema: pure functions, any schema shape accepted.

Crawled schemas are untrusted and often odd (a list where a dict belongs, `type` as a list, `$ref`s,
nested objects): every accessor tolerates that and degrades to "any" rather than failing the build.
"""

from __future__ import annotations

import json
from typing import Any

MAX_PARAMS = 200
MAX_DEPTH = 2
CONSTRAINT_KEYS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minItems",
    "maxItems",
)


def _short(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def type_label(spec: Any) -> str:
    """A readable type: `string`, `integer | null`, `array of string`, `object`, `enum`, `$ref Name`."""
    if not isinstance(spec, dict):
        return "any"
    if "$ref" in spec and isinstance(spec["$ref"], str):
        return "ref " + spec["$ref"].rsplit("/", 1)[-1]
    kind = spec.get("type")
    if isinstance(kind, list):
        return " | ".join(str(k) for k in kind)
    for combo in ("anyOf", "oneOf"):
        options = spec.get(combo)
        if isinstance(options, list) and options:
            return " | ".join(type_label(o) for o in options[:5])
    if kind == "array":
        return f"array of {type_label(spec.get('items'))}"
    if kind:
        return str(kind)
    if "enum" in spec:
        return "enum"
    if "properties" in spec:
        return "object"
    return "any"


def _constraints(spec: dict[str, Any]) -> list[str]:
    found = [f"{key}: {_short(spec[key], 40)}" for key in CONSTRAINT_KEYS if key in spec]
    enum = spec.get("enum")
    if isinstance(enum, list) and enum:
        shown = ", ".join(_short(v, 30) for v in enum[:12])
        found.append(f"one of: {shown}" + (f" (+{len(enum) - 12} more)" if len(enum) > 12 else ""))
    if "const" in spec:
        found.append(f"always {_short(spec['const'], 40)}")
    return found


def parameter_rows(schema: Any, prefix: str = "", depth: int = 0) -> list[dict[str, Any]]:
    """One row per parameter (nested object properties as `parent.child`), in schema order."""
    if not isinstance(schema, dict):
        return []
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return []
    required = schema.get("required")
    required_set = {r for r in required if isinstance(r, str)} if isinstance(required, list) else set()
    rows: list[dict[str, Any]] = []
    for name, spec in properties.items():
        if len(rows) >= MAX_PARAMS:
            break
        spec_dict = spec if isinstance(spec, dict) else {}
        description = spec_dict.get("description")
        row = {
            "name": prefix + str(name),
            "type": type_label(spec_dict),
            "required": name in required_set,
            "description": description if isinstance(description, str) else "",
            "default": _short(spec_dict["default"]) if "default" in spec_dict else None,
            "constraints": _constraints(spec_dict),
        }
        rows.append(row)
        if depth < MAX_DEPTH and spec_dict.get("type") == "object":
            rows.extend(parameter_rows(spec_dict, prefix=f"{prefix}{name}.", depth=depth + 1))
    return rows[:MAX_PARAMS]
