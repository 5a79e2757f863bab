"""zod schemas, read statically, turned into the JSON Schema the MCP TypeScript SDK would send.

The TypeScript extractor evaluates a chain such as ``z.string().min(1).describe("q").optional()`` into a
``ZodType`` (a base kind plus the calls applied to it, with arguments already evaluated); this module knows
what those calls mean. Pure data in, JSON Schema out, so it is tested without any parser.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

_FORMATS = {
    "email": "email",
    "url": "uri",
    "uuid": "uuid",
    "datetime": "date-time",
    "date": "date",
    "time": "time",
    "ipv4": "ipv4",
    "ipv6": "ipv6",
    "cuid": "cuid",
    "emoji": "emoji",
}
_IGNORED = {
    "refine",
    "superRefine",
    "transform",
    "pipe",
    "brand",
    "readonly",
    "catch",
    "passthrough",
    "strict",
    "strip",
    "trim",
    "toLowerCase",
    "toUpperCase",
    "openapi",
    "meta",
}


@dataclass
class ZodType:
    """A zod schema known statically: `kind` is the z.<kind>(...) constructor, `args` its evaluated arguments."""

    kind: str
    args: list[Any] = field(default_factory=list)
    calls: list[tuple[str, list[Any]]] = field(default_factory=list)

    def then(self, method: str, args: list[Any]) -> ZodType:
        return ZodType(self.kind, self.args, [*self.calls, (method, args)])

    @property
    def optional(self) -> bool:
        """Not required in the object that holds it: .optional(), .nullish() or a .default().

        In zod 4's own `z.toJSONSchema(schema)` (output mode, the default) a field with a default is always
        present in the parsed value, so it is required there; see `output_mode`.
        """
        opt = False
        optional_calls = ("optional", "nullish") if _OUTPUT_MODE.get() else ("optional", "nullish", "default")
        for method, _ in self.calls:
            if method in optional_calls:
                opt = True
            elif method == "unwrap":
                opt = False
        return opt or self.kind in ("optional", "undefined", "any", "unknown") or _inner_optional(self)


_OUTPUT_MODE: ContextVar[bool] = ContextVar("zod_output_mode", default=False)


@contextmanager
def output_mode(enabled: bool = True) -> Iterator[None]:
    """Convert as `z.toJSONSchema(schema)` does by default (io: "output"): `.default()` fields are required."""
    token = _OUTPUT_MODE.set(enabled)
    try:
        yield
    finally:
        _OUTPUT_MODE.reset(token)


def _inner_optional(t: ZodType) -> bool:
    if t.kind in ("optional",):
        return True
    if t.kind in ("coerce", "preprocess", "lazy") and t.args and isinstance(t.args[-1], ZodType):
        return t.args[-1].optional
    return False


def fields(value: dict[str, Any]) -> dict[str, Any]:
    """An evaluated object's own keys (the evaluator keeps bookkeeping under keys starting with NUL)."""
    return {k: v for k, v in value.items() if not k.startswith("\x00")}


def is_raw_shape(value: Any) -> bool:
    """The SDK's own test: an object whose values are all zod types (an empty object counts)."""
    return isinstance(value, dict) and all(isinstance(v, ZodType) for v in fields(value).values())


def object_shape(obj: ZodType) -> dict[str, Any]:
    """The fields of a z.object after its .extend/.merge/.partial/.required/.pick/.omit calls (what `.shape`
    returns)."""
    first_arg = obj.args[0] if obj.args else None
    shape = fields(first_arg) if isinstance(first_arg, dict) else {}
    for method, args in obj.calls:
        first = args[0] if args else None
        if method == "extend" and isinstance(first, dict):
            shape.update(fields(first))
        elif method == "merge" and isinstance(first, ZodType) and first.kind == "object":
            shape.update(object_shape(first))
        elif method in ("partial", "required"):
            # `.partial()` / `.required()` on every field, or only on the keys of a `{key: true}` mask
            mask = set(fields(first)) if isinstance(first, dict) else set(shape)
            step = "optional" if method == "partial" else "unwrap"
            shape = {k: v.then(step, []) if isinstance(v, ZodType) and k in mask else v for k, v in shape.items()}
        elif method in ("pick", "omit") and isinstance(first, dict):
            keys = set(fields(first))
            shape = {k: v for k, v in shape.items() if (k in keys) == (method == "pick")}
    return shape


def shape_to_schema(shape: dict[str, Any]) -> dict[str, Any]:
    """A zod raw shape ({field: z.string(), ...}) as an object schema; required = not optional, no default."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for key, value in fields(shape).items():
        if isinstance(value, ZodType):
            properties[key] = to_json_schema(value)
            if not value.optional:
                required.append(key)
        elif isinstance(value, dict):
            properties[key] = value
        else:
            properties[key] = {}
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def _literal_type(value: Any) -> str | None:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    return None


def _base(t: ZodType) -> dict[str, Any]:
    kind, args = t.kind, t.args
    first = args[0] if args else None
    if kind in ("string", "number", "boolean", "null", "array", "object"):
        out: dict[str, Any] = {"type": kind}
        if kind == "array":
            out["items"] = to_json_schema(first) if isinstance(first, ZodType) else {}
        elif kind == "object":
            out.update(shape_to_schema(object_shape(t)))
        return out
    if kind == "bigint":
        return {"type": "integer", "format": "int64"}
    if kind in ("int", "int32", "int64"):
        return {"type": "integer"}
    if kind in _FORMATS:
        return {"type": "string", "format": _FORMATS[kind]}
    if kind == "date":
        return {"type": "string", "format": "date-time"}
    if kind == "literal":
        lit = {"const": first}
        typ = _literal_type(first)
        return {"type": typ, **lit} if typ else lit
    if kind == "enum":
        values = first if isinstance(first, list) else list(fields(first).values()) if isinstance(first, dict) else []
        return {"type": "string", "enum": values}
    if kind == "nativeEnum":
        values = list(fields(first).values()) if isinstance(first, dict) else []
        return {"enum": values} if values else {}
    if kind == "union" or kind == "discriminatedUnion":
        options = next((a for a in args if isinstance(a, list)), [])
        return {"anyOf": [to_json_schema(o) if isinstance(o, ZodType) else {} for o in options]}
    if kind == "intersection":
        return {"allOf": [to_json_schema(a) for a in args if isinstance(a, ZodType)]}
    if kind == "tuple":
        items = first if isinstance(first, list) else []
        return {"type": "array", "prefixItems": [to_json_schema(i) for i in items if isinstance(i, ZodType)]}
    if kind == "record":
        value = args[-1] if args else None
        return {
            "type": "object",
            "additionalProperties": to_json_schema(value) if isinstance(value, ZodType) else {},
        }
    if kind in ("optional", "nullable"):
        inner = to_json_schema(first) if isinstance(first, ZodType) else {}
        return _nullable(inner) if kind == "nullable" else inner
    if kind in ("coerce", "preprocess", "lazy", "effect"):
        inner = args[-1] if args else None
        return to_json_schema(inner) if isinstance(inner, ZodType) else {}
    return {}  # any, unknown, custom, instanceof: accepts anything


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    typ = schema.get("type")
    if isinstance(typ, str):
        return {**schema, "type": [typ, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def to_json_schema(t: ZodType) -> dict[str, Any]:
    """The JSON Schema of one zod type, applying its method calls in order."""
    schema = _base(t)
    for method, args in t.calls:
        first = args[0] if args else None
        if method == "describe" and isinstance(first, str):
            schema["description"] = first
        elif method == "default":
            if not callable(first) and not isinstance(first, ZodType):
                schema["default"] = first
        elif method in ("nullable", "nullish"):
            schema = _nullable(schema)
        elif method == "int":
            schema["type"] = "integer"
        elif method in ("min", "gte", "max", "lte", "length", "gt", "lt") and isinstance(first, int | float):
            _bound(schema, method, first)
        elif method in ("positive", "nonnegative", "negative", "nonpositive"):
            key = {"positive": "exclusiveMinimum", "nonnegative": "minimum"}.get(method, "")
            key = key or {"negative": "exclusiveMaximum", "nonpositive": "maximum"}[method]
            schema[key] = 0
        elif method in _FORMATS and schema.get("type") == "string":
            schema["format"] = _FORMATS[method]
        elif method == "regex" and isinstance(first, str):
            schema["pattern"] = first
        elif method == "array":
            schema = {"type": "array", "items": schema}
        elif method in ("or",) and isinstance(first, ZodType):
            schema = {"anyOf": [schema, to_json_schema(first)]}
        elif method in ("and",) and isinstance(first, ZodType):
            schema = {"allOf": [schema, to_json_schema(first)]}
        elif method in ("extend", "merge", "partial", "required", "pick", "omit") and t.kind == "object":
            continue  # already applied by object_shape
        elif method in ("nonempty",) and schema.get("type") == "array":
            schema["minItems"] = 1
        elif method in ("unwrap", "optional") or method in _IGNORED:
            continue
    return schema


def _bound(schema: dict[str, Any], method: str, value: float) -> None:
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    lower = method in ("min", "gte", "gt")
    if method == "length":
        if kind == "string":
            schema["minLength"] = schema["maxLength"] = value
        elif kind == "array":
            schema["minItems"] = schema["maxItems"] = value
        return
    if kind == "string":
        schema["minLength" if lower else "maxLength"] = value
    elif kind == "array":
        schema["minItems" if lower else "maxItems"] = value
    elif method in ("gt", "lt"):
        schema["exclusiveMinimum" if lower else "exclusiveMaximum"] = value
    else:
        schema["minimum" if lower else "maximum"] = value
