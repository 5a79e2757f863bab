"""Tools declared by Go MCP servers: mark3labs/mcp-go option builders and the official SDK's `mcp.Tool` structs.

mcp-go: ``mcp.NewTool("name", mcp.WithDescription(...), mcp.WithString("q", mcp.Required(), ...), ...)``.
Official SDK: ``mcp.AddTool(server, &mcp.Tool{Name: ..., Description: ..., Annotations: &mcp.ToolAnnotations{...}})``,
often as a struct literal returned by a constructor. A Go package is one namespace, so constants are resolved
across all files of the server; ``t("KEY", "default")`` translation helpers yield their default; Go escape
sequences are decoded exactly as the compiler does. A tool defined into a variable that is then added under an
``if`` is recorded as conditional on that guard.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tree_sitter import Node

from catalog.records import ToolRecord
from crawler.extract.base import FileResult, SourceFile
from crawler.extract.treesitter import (
    captures,
    condition_text,
    decode_string_node,
    is_test_path,
    join_conditions,
    line_of,
    matches,
    merge_duplicates,
    negated,
    node_text,
    object_schema,
    parse_files,
    short,
    strip_parens,
    typed,
    unresolved_entry,
)

GRAMMAR = "go"
_DECLS = """
(const_spec name: (identifier) @name value: (expression_list) @value)
(var_spec name: (identifier) @name value: (expression_list) @value)
(short_var_declaration left: (expression_list) @lhs right: (expression_list) @rhs)
(function_declaration name: (identifier) @fname) @function
(type_spec name: (type_identifier) @tname type: (struct_type) @tstruct)
"""
_DEFS = """
(call_expression function: [(identifier) @ctor (selector_expression field: (field_identifier) @ctor)]
  (#eq? @ctor "NewTool")) @newtool
(composite_literal type: [(qualified_type name: (type_identifier) @type) (type_identifier) @type]
  (#eq? @type "Tool") body: (literal_value) @body) @struct
(call_expression function: [(identifier) @add (selector_expression field: (field_identifier) @add)]
  (#any-of? @add "AddTool" "AddTools")) @addtool
(call_expression function: [(identifier) @callee (selector_expression field: (field_identifier) @callee)]) @anycall
"""
_STRING_CONTENT = frozenset({"interpreted_string_literal_content", "raw_string_literal_content"})
_PROPERTY_TYPES = {
    "WithString": "string",
    "WithNumber": "number",
    "WithInteger": "integer",
    "WithBoolean": "boolean",
    "WithArray": "array",
    "WithObject": "object",
    "WithAny": None,
}
_HINT_OPTIONS = {
    "WithReadOnlyHintAnnotation": "readOnlyHint",
    "WithDestructiveHintAnnotation": "destructiveHint",
    "WithIdempotentHintAnnotation": "idempotentHint",
    "WithOpenWorldHintAnnotation": "openWorldHint",
    "WithTitleAnnotation": "title",
}
_PROPERTY_OPTIONS = {
    "Description": "description",
    "Title": "title",
    "Min": "minimum",
    "Max": "maximum",
    "MinLength": "minLength",
    "MaxLength": "maxLength",
    "MinItems": "minItems",
    "MaxItems": "maxItems",
    "Pattern": "pattern",
    "DefaultString": "default",
    "DefaultNumber": "default",
    "DefaultBool": "default",
    "DefaultArray": "default",
    "MultipleOf": "multipleOf",
    "Format": "format",
}
_TRANSLATION_KEY = re.compile(r"^[A-Z][A-Z0-9_]+$")
_FUNCTIONS = frozenset({"function_declaration", "method_declaration", "func_literal"})


class Dynamic:
    """A Go value only known at run time."""

    def __init__(self, expr: str) -> None:
        self.expr = expr


def _grammar(path: str) -> str | None:
    return GRAMMAR if path.endswith(".go") and not is_test_path(path) and "/vendor/" not in f"/{path}" else None


def extract_files(files: list[SourceFile]) -> FileResult:
    result = FileResult()
    parsed_files = list(parse_files(files, _grammar, result.problems))  # keeps the trees alive while nodes are used
    roots = {parsed.path: parsed.tree.root_node for parsed in parsed_files}
    _GoExtractor(roots, result).run()
    result.tools = merge_duplicates(result.tools)
    return result


class _GoExtractor:
    def __init__(self, roots: dict[str, Node], result: FileResult) -> None:
        self.roots = roots
        self.result = result
        self.values: dict[str, tuple[str, Node]] = {}  # package-level and local names -> value expression
        self.functions: dict[str, Node] = {}
        self.structs: dict[str, Node] = {}  # type name -> struct_type (handler input types)
        self.calls: dict[str, list[tuple[str, Node]]] = {}
        self.defs: list[tuple[str, str, Node]] = []  # (kind, file, node)
        self.added: dict[str, list[str | None]] = {}  # variable name -> conditions of the AddTool calls using it
        self._active: set[int] = set()
        for path, root in roots.items():
            self._index(path, root)

    def _index(self, path: str, root: Node) -> None:
        for match in matches(GRAMMAR, _DECLS, root):
            if "name" in match:
                value = match["value"][0]
                first = value.named_children[0] if value.named_children else None
                if first is not None:
                    self.values.setdefault(node_text(match["name"][0]), (path, first))
            elif "lhs" in match:
                pairs = zip(match["lhs"][0].named_children, match["rhs"][0].named_children, strict=False)
                for name, value in pairs:
                    self.values.setdefault(node_text(name), (path, value))
            elif "function" in match:
                fn = match["function"][0]
                self.functions.setdefault(node_text(fn.child_by_field_name("name")), fn)
            elif "tname" in match:
                self.structs.setdefault(node_text(match["tname"][0]), match["tstruct"][0])
        defs = captures(GRAMMAR, _DEFS, root)
        for node in typed(defs, "newtool", "call_expression"):
            self.defs.append(("newtool", path, node))
        for node in typed(defs, "struct", "composite_literal"):
            self.defs.append(("struct", path, node))
        for call in typed(defs, "addtool", "call_expression"):
            args = _args(call)
            cond = _condition(call)
            for arg in args:
                if arg.type == "identifier":
                    self.added.setdefault(node_text(arg), []).append(cond)
        for call in typed(defs, "anycall", "call_expression"):
            fn = call.child_by_field_name("function")
            callee = fn.child_by_field_name("field") if fn is not None and fn.type == "selector_expression" else fn
            self.calls.setdefault(node_text(callee), []).append((path, call))

    def run(self) -> None:
        for kind, path, node in sorted(self.defs, key=lambda d: (d[1], d[2].start_byte)):
            for env, ctx_cond in self._contexts(node, path):
                record = self._new_tool(node, path, env) if kind == "newtool" else self._struct_tool(node, path, env)
                if record is None:
                    continue
                record.conditional = join_conditions(ctx_cond, self._registration_condition(node))
                self.result.tools.append(record)

    # -- definitions -------------------------------------------------------------------------------------
    def _new_tool(self, call: Node, path: str, env: dict[str, Any]) -> ToolRecord | None:
        args = _args(call)
        if not args:
            return None
        if any(a.type in ("composite_literal", "unary_expression") for a in args[1:2]):
            return None  # a project wrapper NewTool(toolset, mcp.Tool{...}): the struct literal is the definition
        name = self.eval(args[0], path, env)
        if not isinstance(name, str):
            self._unresolved(args[0], path, name)
            return None
        record = ToolRecord(name=name, file=path, line=line_of(call))
        properties: dict[str, Any] = {}
        required: list[str] = []
        raw_schema: dict[str, Any] | None = None
        for opt in args[1:]:
            if opt.type != "call_expression":
                continue
            fname = _callee(opt)
            oargs = _args(opt)
            if fname == "WithDescription" and oargs:
                self._describe(record, self.eval(oargs[0], path, env))
            elif fname in _HINT_OPTIONS and oargs:
                value = self.eval(oargs[0], path, env)
                if not isinstance(value, Dynamic):
                    record.annotations[_HINT_OPTIONS[fname]] = value
            elif fname == "WithToolAnnotation" and oargs:
                ann = self.eval(oargs[0], path, env)
                if isinstance(ann, dict):
                    record.annotations.update(_annotations(ann))
            elif fname in _PROPERTY_TYPES and oargs:
                pname = self.eval(oargs[0], path, env)
                if isinstance(pname, str):
                    prop, is_required = self._property(_PROPERTY_TYPES[fname], oargs[1:], path, env)
                    properties[pname] = prop
                    if is_required:
                        required.append(pname)
            elif fname == "WithRawInputSchema" and oargs:
                raw = self.eval(oargs[0], path, env)
                if isinstance(raw, str):
                    try:
                        loaded = json.loads(raw)
                        raw_schema = loaded if isinstance(loaded, dict) else None
                    except ValueError:
                        record.extra.setdefault("unresolved", []).append("input_schema")
            elif fname.startswith("WithInputSchema"):
                record.extra.setdefault("unresolved", []).append("input_schema")
        if isinstance(record.annotations.get("title"), str):
            record.title = record.annotations["title"]
        if raw_schema is not None:
            record.input_schema = raw_schema
        elif "unresolved" not in record.extra:
            schema: dict[str, Any] = {"type": "object", "properties": properties}
            if required:
                schema["required"] = required
            record.input_schema = schema
        return record

    def _property(
        self, typ: str | None, opts: list[Node], path: str, env: dict[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        prop: dict[str, Any] = {"type": typ} if typ else {}
        is_required = False
        for opt in opts:
            if opt.type != "call_expression":
                continue
            fname, oargs = _callee(opt), _args(opt)
            values = [self.eval(a, path, env) for a in oargs]
            if fname == "Required":
                is_required = True
            elif fname == "Enum":
                prop["enum"] = [v for v in values if not isinstance(v, Dynamic)]
            elif fname in _PROPERTY_OPTIONS and values and not isinstance(values[0], Dynamic):
                prop[_PROPERTY_OPTIONS[fname]] = values[0]
            elif fname == "WithStringItems":
                prop["items"] = {"type": "string"}
            elif fname == "WithNumberItems":
                prop["items"] = {"type": "number"}
            elif fname == "Items" and values and isinstance(values[0], dict):
                prop["items"] = _jsonable(values[0])
        return prop, is_required

    def _struct_tool(self, node: Node, path: str, env: dict[str, Any]) -> ToolRecord | None:
        body = self.eval(node.child_by_field_name("body"), path, env)
        if not isinstance(body, dict) or "Name" not in body:
            return None
        name = body["Name"]
        if not isinstance(name, str):
            self._unresolved(_field_node(node, "Name") or node, path, name)
            return None
        record = ToolRecord(name=name, file=path, line=line_of(node))
        self._describe(record, body.get("Description"))
        if isinstance(body.get("Title"), str):
            record.title = body["Title"]
        ann = body.get("Annotations")
        if isinstance(ann, dict):
            record.annotations = _annotations(ann)
            if record.title is None and isinstance(record.annotations.get("title"), str):
                record.title = record.annotations["title"]
        schema = body.get("InputSchema")
        if isinstance(schema, dict):
            record.input_schema = _schema_from_struct(schema)
        elif isinstance(schema, str):
            try:
                record.input_schema = json.loads(schema)
            except ValueError:
                record.extra.setdefault("unresolved", []).append("input_schema")
        else:
            # the official SDK infers the schema from the handler's input type: read that struct
            inferred = self._handler_input_schema(node)
            if inferred is not None:
                record.input_schema = inferred
            else:
                record.extra.setdefault("unresolved", []).append("input_schema")
        return record

    def _handler_input_schema(self, literal: Node) -> dict[str, Any] | None:
        """`mcp.AddTool(s, &mcp.Tool{...}, handler)`: the schema of the handler's third parameter's struct."""
        arg = literal.parent if literal.parent is not None and literal.parent.type == "unary_expression" else literal
        args = arg.parent
        if args is None or args.type != "argument_list":
            return None
        later = [a for a in args.named_children if a.start_byte > arg.start_byte]
        for candidate in later:
            fn = candidate if candidate.type == "func_literal" else self.functions.get(node_text(candidate))
            params = fn.child_by_field_name("parameters") if fn is not None else None
            decls = [d for d in params.named_children if d.type == "parameter_declaration"] if params else []
            if len(decls) < 3:
                continue
            type_name = node_text(decls[2].child_by_field_name("type")).lstrip("*").rsplit(".", 1)[-1]
            struct = self.structs.get(type_name)
            if struct is not None:
                return _struct_schema(struct)
        return None

    def _describe(self, record: ToolRecord, value: Any) -> None:
        if isinstance(value, str):
            record.description = value
        elif isinstance(value, Dynamic):
            record.extra.setdefault("unresolved", []).append("description")

    def _unresolved(self, node: Node, path: str, value: Any) -> None:
        self.result.unresolved.append(unresolved_entry(path, node, "tool name computed at run time"))

    def _registration_condition(self, node: Node) -> str | None:
        """The guard on the AddTool call that registers this definition (directly or through a variable)."""
        own = _condition(node)
        parent = node.parent
        while parent is not None and parent.type in ("unary_expression", "expression_list", "literal_element"):
            parent = parent.parent
        if parent is not None and parent.type in ("short_var_declaration", "var_spec", "assignment_statement"):
            lhs = parent.child_by_field_name("left") or parent.child_by_field_name("name")
            names = [node_text(n) for n in (lhs.named_children if lhs is not None and lhs.named_children else [lhs])]
            conds = [c for n in names if n for c in self.added.get(n, [])]
            if conds:
                return own if any(c is None for c in conds) else join_conditions(own, conds[0])
        return own

    # -- names passed as arguments to constructor functions ------------------------------------------------
    def _contexts(self, node: Node, path: str) -> list[tuple[dict[str, Any], str | None]]:
        fn = _enclosing_function(node)
        if fn is None or fn.type == "func_literal":
            return [({}, None)]
        params = _param_names(fn)
        used = set(re.findall(r"[A-Za-z_]\w*", node_text(node)))
        if not params or not used.intersection(params):
            return [({}, None)]
        name = node_text(fn.child_by_field_name("name"))
        out: list[tuple[dict[str, Any], str | None]] = []
        for call_path, call in self.calls.get(name, [])[:200]:
            args = _args(call)
            env = {p: self.eval(a, call_path, {}) for p, a in zip(params, args, strict=False) if p}
            out.append((env, _condition(call)))
        return out or [({}, None)]

    # -- values --------------------------------------------------------------------------------------------
    def eval(self, node: Node | None, path: str, env: dict[str, Any]) -> Any:  # noqa: C901 - one case per type
        if node is None:
            return Dynamic("")
        if node.id in self._active or len(self._active) > 50:
            return Dynamic(short(node_text(node)))
        self._active.add(node.id)
        try:
            return self._eval(node, path, env)
        finally:
            self._active.discard(node.id)

    def _eval(self, node: Node, path: str, env: dict[str, Any]) -> Any:  # noqa: C901
        t = node.type
        if t in ("interpreted_string_literal", "raw_string_literal"):
            text = decode_string_node(node, _STRING_CONTENT)
            return text.replace("\r", "") if t == "raw_string_literal" else text
        if t == "int_literal":
            try:
                return int(node_text(node).replace("_", ""), 0)
            except ValueError:
                return Dynamic(node_text(node))
        if t == "float_literal":
            return float(node_text(node).replace("_", ""))
        if t in ("true", "false"):
            return t == "true"
        if t == "nil":
            return None
        if t in ("literal_element", "parenthesized_expression") and node.named_children:
            return self.eval(node.named_children[0], path, env)
        if t == "unary_expression":
            op = node_text(node.child_by_field_name("operator"))
            value = self.eval(node.child_by_field_name("operand"), path, env)
            if op == "-" and isinstance(value, int | float) and not isinstance(value, bool):
                return -value
            if op == "!" and isinstance(value, bool):
                return not value
            return value if op == "&" else Dynamic(node_text(node))
        if t == "identifier":
            name = node_text(node)
            if name in env:
                return env[name]
            if name in self.values:
                vpath, vnode = self.values[name]
                return self.eval(vnode, vpath, {})
            return Dynamic(name)
        if t == "selector_expression":
            field = node_text(node.child_by_field_name("field"))
            if field in self.values:
                vpath, vnode = self.values[field]
                return self.eval(vnode, vpath, {})
            return Dynamic(node_text(node))
        if t == "binary_expression" and node_text(node.child_by_field_name("operator")) == "+":
            left = self.eval(node.child_by_field_name("left"), path, env)
            right = self.eval(node.child_by_field_name("right"), path, env)
            if isinstance(left, str) and isinstance(right, str):
                return left + right
            if isinstance(left, int | float) and isinstance(right, int | float):
                return left + right
            return Dynamic(short(node_text(node)))
        if t == "call_expression":
            return self._call(node, path, env)
        if t in ("composite_literal", "literal_value"):
            body = node.child_by_field_name("body") if t == "composite_literal" else node
            return self._literal(body, path, env) if body is not None else Dynamic(node_text(node))
        return Dynamic(short(node_text(node)))

    def _call(self, node: Node, path: str, env: dict[str, Any]) -> Any:
        fname, args = _callee(node), _args(node)
        values = [self.eval(a, path, env) for a in args]
        if len(values) == 2 and all(isinstance(v, str) for v in values) and _TRANSLATION_KEY.match(values[0]):
            return values[1]  # t("TOOL_X_DESCRIPTION", "default text")
        if len(values) == 1 and isinstance(values[0], bool | int | float | str):
            return values[0]  # ptr(false), mcp.ToBoolPtr(true), jsonschema.Ptr(...), string(x)
        if fname == "RawMessage" and values and isinstance(values[0], str):
            return values[0]
        return Dynamic(short(node_text(node)))

    def _literal(self, body: Node, path: str, env: dict[str, Any]) -> dict[str, Any] | list[Any]:
        keyed = [c for c in body.named_children if c.type == "keyed_element"]
        if not keyed:
            return [self.eval(c, path, env) for c in body.named_children if c.type != "comment"]
        out: dict[str, Any] = {}
        for element in keyed:
            key_node, value_node = element.named_children[0], element.named_children[-1]
            inner = key_node.named_children[0] if key_node.named_children else key_node
            key = node_text(inner) if inner.type in ("identifier", "field_identifier") else self.eval(inner, path, env)
            if isinstance(key, str):
                out[key] = self.eval(value_node, path, env)
        return out


def _callee(call: Node) -> str:
    fn = call.child_by_field_name("function")
    if fn is None:
        return ""
    if fn.type == "selector_expression":
        return node_text(fn.child_by_field_name("field"))
    if fn.type == "generic_type" or fn.type == "index_expression":
        return node_text(fn).split("[", 1)[0].rsplit(".", 1)[-1]
    return node_text(fn).rsplit(".", 1)[-1]


def _args(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    return [a for a in (args.named_children if args is not None else []) if a.type != "comment"]


def _field_node(struct: Node, key: str) -> Node | None:
    body = struct.child_by_field_name("body")
    for element in body.named_children if body is not None else []:
        if element.type == "keyed_element" and node_text(element.named_children[0]) == key:
            return element.named_children[-1]
    return None


def _annotations(ann: dict[str, Any]) -> dict[str, Any]:
    """Go field names (ReadOnlyHint) to wire keys (readOnlyHint); only declared, resolvable keys."""
    out: dict[str, Any] = {}
    for key, value in ann.items():
        if isinstance(value, Dynamic):
            continue
        out[key[:1].lower() + key[1:]] = value
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if not isinstance(v, Dynamic)}
    if isinstance(value, list):
        return [_jsonable(v) for v in value if not isinstance(v, Dynamic)]
    return value


def _schema_from_struct(value: dict[str, Any]) -> dict[str, Any]:
    """A `jsonschema.Schema{Type: ..., Properties: map[string]*jsonschema.Schema{...}}` literal (or a map)."""
    out: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, Dynamic):
            continue
        wire = key[:1].lower() + key[1:]
        if wire == "properties" and isinstance(item, dict):
            out[wire] = {k: _schema_from_struct(v) if isinstance(v, dict) else {} for k, v in item.items()}
        elif wire == "items" and isinstance(item, dict):
            out[wire] = _schema_from_struct(item)
        else:
            out[wire] = _jsonable(item)
    return out


_GO_INTEGERS = re.compile(r"^u?int(8|16|32|64)?$|^byte$|^rune$")
_TAG = re.compile(r'(\w+):"([^"]*)"')


def _go_type_schema(text: str) -> dict[str, Any]:
    text = text.lstrip("*")
    if text.startswith("[]"):
        return {"type": "array", "items": _go_type_schema(text[2:])}
    if text.startswith("map["):
        return {"type": "object"}
    if text == "string":
        return {"type": "string"}
    if _GO_INTEGERS.match(text):
        return {"type": "integer"}
    if text in ("float32", "float64"):
        return {"type": "number"}
    if text == "bool":
        return {"type": "boolean"}
    return {}


def _struct_schema(struct: Node) -> dict[str, Any]:
    """What the Go SDK infers from an input struct: json tag names, `jsonschema` tag descriptions,
    required unless `omitempty`/`omitzero`."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    body = struct.named_children[0] if struct.named_children else None
    for field in body.named_children if body is not None else []:
        if field.type != "field_declaration":
            continue
        name_node, tag_node = field.child_by_field_name("name"), field.child_by_field_name("tag")
        if name_node is None or not node_text(name_node)[:1].isupper():
            continue  # embedded or unexported
        tags = dict(_TAG.findall(decode_string_node(tag_node, _STRING_CONTENT))) if tag_node is not None else {}
        json_tag = tags.get("json", "").split(",")
        if json_tag[0] == "-":
            continue
        name = json_tag[0] or node_text(name_node)
        prop = _go_type_schema(node_text(field.child_by_field_name("type")))
        if tags.get("jsonschema"):
            prop["description"] = tags["jsonschema"].removeprefix("description=")
        properties[name] = prop
        if "omitempty" not in json_tag[1:] and "omitzero" not in json_tag[1:]:
            required.append(name)
    return object_schema(properties, required)


def _condition(node: Node) -> str | None:
    """if / else / switch-case guards between a node and its enclosing function."""
    conditions: list[str] = []
    child, parent = node, node.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        if parent.type == "if_statement":
            cond = strip_parens(condition_text(node_text(parent.child_by_field_name("condition"))))
            alternative = parent.child_by_field_name("alternative")
            if alternative is not None and child == alternative:
                conditions.append(negated(cond))
            elif child == parent.child_by_field_name("consequence"):
                conditions.append(cond)
        elif parent.type == "expression_case":
            conditions.append(f"case {condition_text(node_text(parent.child_by_field_name('value')))}")
        elif parent.type == "default_case":
            conditions.append("default case of a switch")
        child, parent = parent, parent.parent
    return join_conditions(*reversed(conditions))


def _enclosing_function(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        parent = parent.parent
    return parent


def _param_names(fn: Node) -> list[str]:
    params = fn.child_by_field_name("parameters")
    names: list[str] = []
    for decl in params.named_children if params is not None else []:
        idents = [c for c in decl.named_children if c.type == "identifier"]
        names.extend(node_text(i) for i in idents)
    return names
