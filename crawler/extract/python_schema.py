"""Python type hints and Pydantic models to the JSON schema FastMCP / pydantic would send, from the AST alone.

The shape follows pydantic v2's output as the MCP SDK serves it (checked against a live ``MCPServer``): a
``{name}Arguments`` object with one property per parameter, ``title`` from the parameter name, ``default`` when
there is one, ``required`` for the rest, ``anyOf`` with ``{"type": "null"}`` for Optional, ``enum``/``const`` for
Literal, ``$defs`` + ``$ref`` for Enums and models. Anything it cannot resolve becomes ``{}`` (any value), which is
what pydantic emits for ``Any``: a schema is never invented.
"""

from __future__ import annotations

import ast
from typing import Any, Protocol

from crawler.extract.python_values import UNRESOLVED, Unresolved, unwrap

SIMPLE: dict[str, dict[str, Any]] = {
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "str": {"type": "string"},
    "bool": {"type": "boolean"},
    "bytes": {"type": "string", "format": "binary"},
    "None": {"type": "null"},
    "NoneType": {"type": "null"},
    "datetime": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
    "time": {"type": "string", "format": "time"},
    "timedelta": {"type": "string", "format": "duration"},
    "UUID": {"type": "string", "format": "uuid"},
    "Path": {"type": "string", "format": "path"},
    "AnyUrl": {"type": "string", "format": "uri", "minLength": 1},
    "HttpUrl": {"type": "string", "format": "uri", "minLength": 1, "maxLength": 2083},
    "EmailStr": {"type": "string", "format": "email"},
    "Decimal": {"anyOf": [{"type": "number"}, {"type": "string"}]},
    "Any": {},
    "object": {},
}
LIST_LIKE = {"list", "List", "Sequence", "MutableSequence", "Iterable", "Collection", "deque"}
SET_LIKE = {"set", "Set", "frozenset", "FrozenSet", "AbstractSet", "MutableSet"}
DICT_LIKE = {"dict", "Dict", "Mapping", "MutableMapping", "OrderedDict", "defaultdict"}
# Field(...) keyword -> JSON schema keyword (pydantic's mapping for the common constraints).
FIELD_KEYWORDS = {
    "description": "description",
    "title": "title",
    "ge": "minimum",
    "le": "maximum",
    "gt": "exclusiveMinimum",
    "lt": "exclusiveMaximum",
    "min_length": "minLength",
    "max_length": "maxLength",
    "pattern": "pattern",
    "examples": "examples",
    "multiple_of": "multipleOf",
}
CONTEXT_TYPES = {"Context", "RequestContext", "ServerSession"}


class Resolver(Protocol):
    """What the schema builder needs from the project: class lookup and constant evaluation."""

    def find_class(self, node: ast.expr, module: str) -> tuple[ast.ClassDef, str] | None: ...

    def evaluate(self, node: ast.expr, module: str) -> Any: ...

    def is_enum(self, cls: ast.ClassDef, module: str) -> bool: ...

    def is_model(self, cls: ast.ClassDef, module: str) -> bool: ...


def field_title(name: str) -> str:
    """pydantic's default title: `get_user_id` -> `Get User Id`."""
    return name.title().replace("_", " ").strip()


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value  # string annotation "int"
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"
    return None


def _slice_items(node: ast.expr) -> list[ast.expr]:
    return list(node.elts) if isinstance(node, ast.Tuple) else [node]


def _literal_type(values: list[Any]) -> str | None:
    kinds = {type(v) for v in values}
    if kinds == {str}:
        return "string"
    if kinds == {bool}:
        return "boolean"
    if kinds == {int}:
        return "integer"
    if kinds <= {int, float}:
        return "number"
    return None


class SchemaBuilder:
    """Builds schemas for one tool at a time; `$defs` collects the Enums and models it references."""

    def __init__(self, resolver: Resolver, module: str) -> None:
        self.resolver = resolver
        self.module = module
        self.defs: dict[str, dict[str, Any]] = {}
        self._building: set[str] = set()

    # -- annotations -------------------------------------------------------------------------------
    def annotation(self, node: ast.expr | None, module: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        """(schema, field-info) for a type annotation; field-info carries Annotated[..., Field()] keywords."""
        module = module or self.module
        if node is None:
            return {}, {}
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return {}, {}
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self._union([*_flatten_or(node)], module), {}
        if isinstance(node, ast.Subscript):
            return self._generic(node, module)
        name = _last_name(node)
        if name is None:
            return {}, {}
        if name in LIST_LIKE:
            return {"type": "array", "items": {}}, {}
        if name in SET_LIKE:
            return {"type": "array", "items": {}, "uniqueItems": True}, {}
        if name in DICT_LIKE:
            return {"type": "object", "additionalProperties": True}, {}
        if name in ("tuple", "Tuple"):
            return {"type": "array", "items": {}}, {}
        found = self.resolver.find_class(node, module)
        if found is not None:
            return self._class_ref(*found), {}
        if name in SIMPLE:
            return dict(SIMPLE[name]), {}
        return {}, {}

    def _generic(self, node: ast.Subscript, module: str) -> tuple[dict[str, Any], dict[str, Any]]:
        origin = _last_name(node.value) or ""
        args = _slice_items(node.slice)
        if origin == "Annotated":
            schema, info = self.annotation(args[0], module)
            for meta in args[1:]:
                info.update(self.field_info(meta, module))
            return schema, info
        if origin == "Optional":
            inner, info = self.annotation(args[0], module)
            return {"anyOf": [inner, {"type": "null"}]}, info
        if origin == "Union":
            return self._union(args, module), {}
        if origin == "Literal":
            values = [self.resolver.evaluate(a, module) for a in args]
            values = [v for v in values if not isinstance(v, Unresolved)]
            if not values:
                return {}, {}
            out: dict[str, Any] = {"const": values[0]} if len(values) == 1 else {"enum": values}
            kind = _literal_type(values)
            if kind:
                out["type"] = kind
            return out, {}
        if origin in LIST_LIKE:
            return {"type": "array", "items": self.annotation(args[0], module)[0]}, {}
        if origin in SET_LIKE:
            return {"type": "array", "items": self.annotation(args[0], module)[0], "uniqueItems": True}, {}
        if origin in ("tuple", "Tuple"):
            if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is Ellipsis:
                return {"type": "array", "items": self.annotation(args[0], module)[0]}, {}
            items = [self.annotation(a, module)[0] for a in args]
            return {"type": "array", "prefixItems": items, "minItems": len(items), "maxItems": len(items)}, {}
        if origin in DICT_LIKE:
            value = self.annotation(args[1], module)[0] if len(args) > 1 else {}
            return {"type": "object", "additionalProperties": value or True}, {}
        if origin in ("Required", "NotRequired", "ReadOnly", "Final", "ClassVar"):
            return self.annotation(args[0], module)
        return {}, {}

    def _union(self, members: list[ast.expr], module: str) -> dict[str, Any]:
        schemas = [self.annotation(m, module)[0] for m in members]
        return {"anyOf": schemas} if len(schemas) > 1 else (schemas[0] if schemas else {})

    def field_info(self, node: ast.expr, module: str) -> dict[str, Any]:
        """Schema keywords from `Field(...)` (or a bare docstring-like string in Annotated)."""
        if isinstance(node, ast.Call) and _last_name(node.func) == "Field":
            info: dict[str, Any] = {}
            for kw in node.keywords:
                if kw.arg in FIELD_KEYWORDS:
                    value = self.resolver.evaluate(kw.value, module)
                    if not isinstance(value, Unresolved):
                        info[FIELD_KEYWORDS[kw.arg]] = value
                elif kw.arg == "default":
                    value = self.resolver.evaluate(kw.value, module)
                    info["default"] = value
                elif kw.arg == "default_factory":
                    info["default"] = UNRESOLVED
            if node.args:
                first = node.args[0]
                if not (isinstance(first, ast.Constant) and first.value is Ellipsis):
                    info["default"] = self.resolver.evaluate(first, module)
            return info
        return {}

    # -- classes -----------------------------------------------------------------------------------
    def _class_ref(self, cls: ast.ClassDef, module: str) -> dict[str, Any]:
        if self.resolver.is_enum(cls, module):
            self._enum_def(cls, module)
            return {"$ref": f"#/$defs/{cls.name}"}
        if self.resolver.is_model(cls, module):
            if cls.name not in self.defs and cls.name not in self._building:
                self._building.add(cls.name)
                self.defs[cls.name] = self.model(cls, module)
                self._building.discard(cls.name)
            return {"$ref": f"#/$defs/{cls.name}"}
        return {}

    def _enum_def(self, cls: ast.ClassDef, module: str) -> None:
        values = []
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                value = self.resolver.evaluate(stmt.value, module)
                if not isinstance(value, Unresolved):
                    values.append(value)
        schema: dict[str, Any] = {"enum": values, "title": cls.name}
        kind = _literal_type(values)
        if kind:
            schema["type"] = kind
        doc = ast.get_docstring(cls)
        if doc:
            schema["description"] = doc
        self.defs[cls.name] = schema

    def model(self, cls: ast.ClassDef, module: str) -> dict[str, Any]:
        """A Pydantic model's `model_json_schema()` body (without `$defs`, which the caller attaches)."""
        properties: dict[str, Any] = {}
        required: list[str] = []
        for base_cls, base_module in self._model_bases(cls, module):
            for stmt in base_cls.body:
                if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                    continue
                name = stmt.target.id
                if name.startswith("_") or name == "model_config":
                    continue
                ann = stmt.annotation
                if isinstance(ann, ast.Subscript) and _last_name(ann.value) == "ClassVar":
                    continue
                prop, has_default = self.property(name, ann, stmt.value, base_module)
                properties[name] = prop
                if not has_default and name not in required:
                    required.append(name)
                elif has_default and name in required:
                    required.remove(name)
        schema: dict[str, Any] = {}
        doc = ast.get_docstring(cls)
        if doc:
            schema["description"] = doc
        schema["properties"] = properties
        if required:
            schema["required"] = required
        schema["title"] = cls.name
        schema["type"] = "object"
        return schema

    def _model_bases(self, cls: ast.ClassDef, module: str, depth: int = 0) -> list[tuple[ast.ClassDef, str]]:
        """The class and its model ancestors, base first (fields of a base come first, as in pydantic)."""
        chain: list[tuple[ast.ClassDef, str]] = []
        if depth < 10:
            for base in cls.bases:
                found = self.resolver.find_class(base, module)
                if found is not None and found[0] is not cls and self.resolver.is_model(*found):
                    chain += self._model_bases(found[0], found[1], depth + 1)
        chain.append((cls, module))
        return chain

    def property(
        self, name: str, annotation: ast.expr | None, default: ast.expr | None, module: str, *, untyped_string=False
    ) -> tuple[dict[str, Any], bool]:
        """One property and whether it has a default (pydantic's key set and ordering rules)."""
        if annotation is None and untyped_string:
            schema, info = {"title": name, "type": "string"}, {}
        else:
            schema, info = self.annotation(annotation, module)
            schema = dict(schema)
        if default is not None:
            fi = self.field_info(default, module)
            if fi:
                info.update(fi)
            else:
                info["default"] = self.resolver.evaluate(default, module)
        has_default = "default" in info
        if has_default:
            value = info.pop("default")
            if not isinstance(value, Unresolved):
                schema["default"] = _jsonable(value)
        for key, value in info.items():
            schema[key] = _jsonable(value)
        if "title" not in schema and "$ref" not in schema and not _is_ref_union(schema):
            schema["title"] = field_title(name)
        return schema, has_default

    # -- functions ---------------------------------------------------------------------------------
    def function(
        self, fn: ast.FunctionDef | ast.AsyncFunctionDef, *, exclude: set[str] = frozenset(), titles: bool = True
    ) -> dict[str, Any]:
        """The input schema of a tool function: parameters minus self/cls/context and excluded ones."""
        properties: dict[str, Any] = {}
        required: list[str] = []
        args = fn.args
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        params = list(zip(positional, defaults, strict=True)) + list(
            zip(args.kwonlyargs, args.kw_defaults, strict=True)
        )
        for index, (arg, default) in enumerate(params):
            if index == 0 and arg.arg in ("self", "cls"):
                continue
            if arg.arg in exclude or self._is_context(arg.annotation):
                continue
            prop, has_default = self.property(arg.arg, arg.annotation, default, self.module, untyped_string=True)
            if not titles:
                prop.pop("title", None)
            properties[arg.arg] = prop
            if not has_default:
                required.append(arg.arg)
        schema: dict[str, Any] = {}
        if self.defs:
            schema["$defs"] = self.defs
        schema["properties"] = properties
        if required:
            schema["required"] = required
        if titles:
            schema["title"] = f"{fn.name}Arguments"
        schema["type"] = "object"
        return schema

    def _is_context(self, node: ast.expr | None) -> bool:
        if node is None:
            return False
        if isinstance(node, ast.Subscript):
            return self._is_context(node.value)
        if isinstance(node, ast.BinOp):
            return self._is_context(node.left) or self._is_context(node.right)
        name = _last_name(node)
        return name in CONTEXT_TYPES if name else False

    def with_defs(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self.defs:
            return {"$defs": self.defs, **schema}
        return schema


def _flatten_or(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _flatten_or(node.left) + _flatten_or(node.right)
    return [node]


def _is_ref_union(schema: dict[str, Any]) -> bool:
    """pydantic leaves the title off `Model | None` fields (the referenced model carries it)."""
    members = schema.get("anyOf")
    return isinstance(members, list) and any("$ref" in m for m in members if isinstance(m, dict))


def _jsonable(value: Any) -> Any:
    value = unwrap(value)
    if isinstance(value, tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
