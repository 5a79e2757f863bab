"""Tools declared by TypeScript and JavaScript MCP servers, from source or from the compiled output npm ships.

Covers the official SDK's high-level ``McpServer`` (``tool`` in all its overloads, ``registerTool``,
``registerToolTask``), the low-level ``Server`` with ``setRequestHandler(ListToolsRequestSchema, ...)``,
the ``fastmcp`` package's ``addTool({...})``, and registration through loops, factories and register functions
called with different names. Values are followed across files by ``ts_values.Evaluator``; names known only at
run time are reported as unresolved, never invented.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from tree_sitter import Node

from catalog.records import ExtractionProblem, ToolRecord
from crawler.extract.base import FileResult, SourceFile
from crawler.extract.js_bundle import MAX_KEPT_CHARS, cut_bundle, is_readable_bundle
from crawler.extract.treesitter import (
    ParseBudgetExceeded,
    captures,
    is_test_path,
    join_conditions,
    line_of,
    merge_duplicates,
    node_text,
    object_schema,
    parse,
    parse_files,
    skip_reason,
    typed,
    unresolved_entry,
)
from crawler.extract.ts_tool_objects import (
    Definition,
    ToolObject,
    apply_gates,
    converted_tool,
    evaluate,
    find_gates,
    find_tool_objects,
    literal_name,
    option_hints,
    pick_converter,
)
from crawler.extract.ts_values import (
    LOCATION,
    Cond,
    Evaluator,
    FileInfo,
    Func,
    MapOf,
    Partial,
    Unknown,
    enclosing_condition,
    function_name,
    function_result_nodes,
    index_file,
    params_of,
    plain,
    to_json,
    unwrap,
)
from crawler.extract.zod_schema import ZodType, is_raw_shape, shape_to_schema, to_json_schema

_GRAMMARS = {
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
}
_SKIP_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")

_CALLS = """
(call_expression
  function: (member_expression object: (_) @recv property: (property_identifier) @method
    (#any-of? @method "tool" "registerTool" "registerToolTask" "setRequestHandler" "addTool" "addTools"))
  arguments: (arguments) @args) @call
"""
_ALL_CALLS = """
(call_expression function: [(identifier) @callee (member_expression property: (property_identifier) @callee)]) @call
"""
_TOOL_CLASSES = """
(class_declaration (class_heritage) @heritage (#match? @heritage "MCPTool")) @class
(class (class_heritage) @heritage (#match? @heritage "MCPTool")) @class
"""
_TYPED_TOOLS = """
(variable_declarator name: (identifier) type: (type_annotation) @type value: (_) @value) @decl
"""

_SERVER_RECEIVER = re.compile(r"(?i)(server|mcp|srv)")
_NOT_SERVER = re.compile(r"(?i)(client|agent|^ai$|transport|session)")
_NEW_SERVER = re.compile(r"new\s+(?:[\w$]+\.)?(?:Mcp|MCP)Server\s*\(|new\s+FastMCP\s*\(")
_SERVER_CLASS = re.compile(r"(Mcp|MCP|^)Server\b|FastMCP")
_TOOL_TYPE = re.compile(r"^:\s*(readonly\s+)?(Array<\s*)?(Mcp)?Tool(\[\]|>)?\s*$")
_HINT_KEYS = frozenset({"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint", "title"})
MAX_CONTEXTS = 400
_LIST_UNKNOWN = ("tools/list returns a list only known at run time", "tool definition only known at run time")
BUNDLE_PARSE_BUDGET = 10.0  # seconds for the first, whole-file parse of a bundle (linear: ~0.5 s for 3.5 MB)


def _grammar(path: str) -> str | None:
    lower = path.lower()
    if lower.endswith(_SKIP_SUFFIXES) or is_test_path(lower) or "/node_modules/" in f"/{lower}":
        return None
    for ext, grammar in _GRAMMARS.items():
        if lower.endswith(ext):
            return grammar
    return None


def _source_first(f: SourceFile) -> tuple[int, str]:
    """TypeScript sources before compiled output, so file/line point at what people edit."""
    return (0 if f.path.endswith((".ts", ".tsx", ".mts", ".cts")) else 1, f.path)


def extract_files(files: list[SourceFile]) -> FileResult:
    result = FileResult()
    infos: dict[str, FileInfo] = {}
    originals = {f.path: f.text for f in files}
    files, cut = _cut_bundles(files, result.problems)

    def reason_for(f: SourceFile) -> str | None:
        return None if f.path in cut else skip_reason(f.text)

    parsed_files = list(parse_files(sorted(files, key=_source_first), _grammar, result.problems, reason_for))
    for parsed in parsed_files:  # the list keeps every tree alive while its nodes are in use
        infos[parsed.path] = index_file(parsed.path, _grammar(parsed.path) or "typescript", parsed.tree.root_node)
    _Extractor(infos, result, originals).run()
    result.tools = merge_duplicates(result.tools)
    result.unresolved = list({(u["file"], u["line"], u["expression"]): u for u in result.unresolved}.values())
    return result


def _cut_bundles(
    files: list[SourceFile], problems: list[ExtractionProblem], max_kept: int = MAX_KEPT_CHARS
) -> tuple[list[SourceFile], set[str]]:
    """Large non-minified bundles, cut to the statements that can declare tools (see ``js_bundle``); a cut
    still over `max_kept` characters is generated code and skipped."""
    out: list[SourceFile] = []
    cut: set[str] = set()
    for f in files:
        if _grammar(f.path) is None or skip_reason(f.text) is None or not is_readable_bundle(f.text):
            out.append(f)
            continue
        try:
            tree, _ = parse(f.text, _grammar(f.path) or "javascript", BUNDLE_PARSE_BUDGET)
        except ParseBudgetExceeded as exc:
            problems.append(ExtractionProblem(f.path, f"bundle: {exc}"))
            continue
        ranges = [(c.start_point[0], c.end_point[0]) for c in tree.root_node.children]
        del tree
        kept = cut_bundle(f.text, ranges)
        if kept is None:
            problems.append(ExtractionProblem(f.path, "bundle without any MCP tool marker; skipped"))
            continue
        if kept.kept_chars > max_kept:
            problems.append(
                ExtractionProblem(
                    f.path,
                    f"bundle: {kept.kept_chars} characters of statements mention tool markers "
                    f"(> {max_kept}); generated code is not scanned",
                )
            )
            continue
        cut.add(f.path)
        out.append(SourceFile(f.path, kept.text))
    return out, cut


class _Extractor:
    def __init__(self, infos: dict[str, FileInfo], result: FileResult, texts: dict[str, str] | None = None) -> None:
        self.infos = infos
        self.result = result
        self.texts = texts or {}
        self.ev = Evaluator(infos)
        self.ev.option_hints = option_hints(self.texts)
        self._call_index: dict[str, list[tuple[str, Node]]] | None = None
        self._object_registrations = 0  # `server.registerTool(toolObject)` calls that yielded tools

    def run(self) -> None:
        for path, info in self.infos.items():
            for cls in typed(captures(info.grammar, _TOOL_CLASSES, info.root), "class", "class_declaration", "class"):
                self.ev.steps = 0
                self._tool_class(cls, path)
            caps = captures(info.grammar, _CALLS, info.root)
            for call in sorted(typed(caps, "call", "call_expression"), key=lambda n: n.start_byte):
                self.ev.steps = 0
                try:
                    self._registration(call, path, info)
                except RecursionError:
                    self.result.problems.append(
                        ExtractionProblem(path, f"line {line_of(call)}: expression nested too deeply")
                    )
        if self._object_registrations:
            # A tools/list handler listing a registry (`Array.from(this.tools.values())`) filled by the server's
            # own `registerTool(tool)`: the register calls above are where the tools were read.
            for entry in self.result.unresolved:
                if entry["reason"] == _LIST_UNKNOWN[0] and ".values()" in entry["expression"]:
                    entry["reason"] += "; the tools were read from the registerTool(tool) calls that fill it"
        self._definition_objects()

    # -- tool-definition objects outside registration calls -------------------------------------------------
    def _point_at_definitions(self, objects: list[ToolObject]) -> None:
        """Records built by a converter (`tools.map(toMcpTool)`) all sit on the converter's line; point each
        at its own definition object instead, which is what a reader wants to open."""
        shared: dict[tuple[str | None, int | None], int] = {}
        for tool in self.result.tools:
            shared[(tool.file, tool.line)] = shared.get((tool.file, tool.line), 0) + 1
        where = {n: (o.path, line_of(o.node)) for o in objects if (n := literal_name(o.node)) is not None}
        for tool in self.result.tools:
            if shared[(tool.file, tool.line)] > 1 and tool.name in where:
                tool.file, tool.line = where[tool.name]

    def _definition_objects(self) -> None:
        """`defineTool({schema: {name, description, inputSchema}})` and tool-shaped objects in lists.

        Objects passed to a *tool* helper count always; other tool-shaped objects only when no registration
        call yielded anything (then they are the only statement of the server's tools). A name already found
        through a registration keeps that record, with its conditions.
        """
        found = find_tool_objects(self.infos)
        self._point_at_definitions(found.objects)
        had_tools = bool(self.result.tools)
        known = {t.name for t in self.result.tools}
        definitions: list[Definition] = []
        for obj in found.objects:
            if had_tools and not obj.explicit:
                continue
            self.ev.steps = 0
            try:
                definition = evaluate(self.ev, obj)
            except RecursionError:
                continue
            if definition is not None and definition.tool["name"] not in known:
                definitions.append(definition)
        if not definitions:
            return
        gates = find_gates(self.ev, self.infos, definitions)
        hints = self.ev.option_hints
        converter = pick_converter(found.converters)
        for entry in self.result.unresolved:
            if entry["reason"] in _LIST_UNKNOWN:
                entry["reason"] += "; the tools were read from their definition objects instead"
        for definition in definitions:
            listed = apply_gates(gates, definition, hints)
            if listed is False:
                continue  # filtered out of every tools/list answer (e.g. only offered to another client kind)
            # What the server sends is the converter's output (annotations derived from a `type` field, the
            # JSON Schema as its own converter writes it); the definition itself when there is no converter.
            converted = converted_tool(self.ev, converter, definition.tool) if converter is not None else None
            source = {**definition.tool, **converted} if converted is not None else definition.tool
            record = self._record_from_object(source, definition.obj.path, line_of(definition.obj.node))
            if isinstance(definition.tool.get("title"), str):
                record.title = definition.tool["title"]
            record.annotations = {k: v for k, v in record.annotations.items() if v is not None}
            record.conditional = join_conditions(
                enclosing_condition(definition.obj.top), listed if isinstance(listed, str) else None
            )
            self.result.tools.append(record)

    # -- one registration call ------------------------------------------------------------------------------
    def _registration(self, call: Node, path: str, info: FileInfo) -> None:
        fn = call.child_by_field_name("function")
        method = node_text(fn.child_by_field_name("property")) if fn is not None else ""
        recv = fn.child_by_field_name("object") if fn is not None else None
        args_node = call.child_by_field_name("arguments")
        arg_nodes = [a for a in (args_node.named_children if args_node is not None else []) if a.type != "comment"]
        if recv is None or not arg_nodes:
            return
        if method == "setRequestHandler":
            if _is_list_tools_schema(arg_nodes[0]) and len(arg_nodes) > 1:
                self._list_tools_handler(arg_nodes[1], call, path)
            return
        if not self._is_server(recv, path, info):
            return
        base_condition = enclosing_condition(call)
        for env, ctx_condition in self._contexts(call, path, depth=0):
            condition = join_conditions(ctx_condition, base_condition)
            values = [self.ev.eval(a, path, env) for a in arg_nodes]
            if method in ("addTool", "addTools") or _registers_whole_object(method, values):
                self._object_registrations += method == "registerTool"
                items = values[0] if method == "addTools" and isinstance(values[0], list) else [values[0]]
                for item in items:
                    self._tool_object(item, arg_nodes[0], path, condition)
                continue
            record = self._from_call(method, values, arg_nodes, call, path)
            if record is not None:
                record.conditional = record.conditional or condition
                self.result.tools.append(record)

    def _tool_class(self, cls: Node, path: str) -> None:
        """mcp-framework: `class X extends MCPTool { name = "..."; description = "..."; schema = {...} }`.

        The framework discovers these classes in its tools folder; fields may also be set in the constructor
        (`this.name = ...`, as compiled JavaScript does).
        """
        fields: dict[str, Any] = {}
        body = cls.child_by_field_name("body")
        for member in body.named_children if body is not None else []:
            if member.type in ("public_field_definition", "field_definition"):
                key = member.child_by_field_name("name") or member.child_by_field_name("property")
                value = member.child_by_field_name("value")
                if key is not None and value is not None and not any(c.type == "static" for c in member.children):
                    fields.setdefault(node_text(key), self.ev.eval(value, path, {}))
            elif member.type == "method_definition" and node_text(member.child_by_field_name("name")) == "constructor":
                for stmt in member.child_by_field_name("body").named_children:  # type: ignore[union-attr]
                    expr = (
                        stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else None
                    )
                    left = (
                        expr.child_by_field_name("left")
                        if expr is not None and expr.type == "assignment_expression"
                        else None
                    )
                    if left is not None and left.type == "member_expression" and node_text(left).startswith("this."):
                        prop = node_text(left.child_by_field_name("property"))
                        fields.setdefault(prop, self.ev.eval(expr.child_by_field_name("right"), path, {}))  # type: ignore[union-attr]
        name = fields.get("name")
        if not isinstance(name, str):
            if "name" in fields:
                self._unresolved_name(name, cls, path)
            return
        record = ToolRecord(name=name, file=path, line=line_of(cls))
        _set_description(record, fields.get("description"))
        schema = fields.get("schema")
        if (
            isinstance(schema, dict)
            and not is_raw_shape(schema)
            and all(isinstance(v, dict) for v in plain(schema).values())
        ):
            record.input_schema = _framework_schema(plain(schema))
        elif schema is not None:
            record.input_schema = _schema(schema)
        else:
            record.input_schema = {"type": "object", "properties": {}}
        annotations = fields.get("annotations")
        if isinstance(annotations, dict):
            record.annotations = to_json(annotations)
        _title_from_annotations(record)
        self.result.tools.append(record)

    def _is_server(self, recv: Node, path: str, info: FileInfo) -> bool:
        text = node_text(recv)
        last = text.rsplit(".", 1)[-1]
        if _NOT_SERVER.search(last):
            return False
        if _SERVER_RECEIVER.search(text):
            return True
        recv = unwrap(recv)
        if recv.type == "identifier":
            bound = _scoped_binding(recv, text) or info.bindings.get(text)
            if bound is not None:
                bound = unwrap(bound)
                if bound.type == "new_expression":
                    return bool(_SERVER_CLASS.search(node_text(bound.child_by_field_name("constructor"))))
            fn = _enclosing_function(recv)
            if fn is not None:
                params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter")
                for p in params.named_children if params is not None and params.type != "identifier" else [params]:
                    pattern = p.child_by_field_name("pattern") or p
                    ptype = p.child_by_field_name("type")
                    if node_text(pattern) == text and ptype is not None:
                        return bool(_SERVER_CLASS.search(node_text(ptype).lstrip(": ")))
                    if node_text(pattern) == text:
                        # An untyped parameter (compiled or minified register functions: `t => { t.tool(...) }`):
                        # a server when these sources create one.
                        return self._creates_server
        return False

    @functools.cached_property
    def _creates_server(self) -> bool:
        return any(_NEW_SERVER.search(text) for text in self.texts.values())

    def _from_call(
        self, method: str, values: list[Any], arg_nodes: list[Node], call: Node, path: str
    ) -> ToolRecord | None:
        name = values[0]
        if not isinstance(name, str):
            self._unresolved_name(name, arg_nodes[0], path)
            return None
        if method in ("registerTool", "registerToolTask"):
            config = values[1] if len(values) > 1 else {}
            if not isinstance(config, dict):
                record = ToolRecord(name=name, file=path, line=line_of(call))
                record.extra["unresolved"] = ["config"]
                return record
            return self._record_from_object({**config, "name": name}, path, line_of(call))
        return self._from_tool_overloads(name, values[1:], path, line_of(call))

    def _from_tool_overloads(self, name: str, rest: list[Any], path: str, line: int) -> ToolRecord:
        """McpServer.tool(name, [description], [paramsSchema | annotations], [annotations], callback)."""
        rest = list(rest)
        if rest:
            rest.pop()  # the callback is always last
        record = ToolRecord(name=name, file=path, line=line)
        if rest and isinstance(rest[0], str | Partial):
            _set_description(record, rest.pop(0))
        if rest:
            first = rest[0]
            if is_raw_shape(first) or (isinstance(first, ZodType) and first.kind == "object"):
                record.input_schema = _schema(rest.pop(0))
                if rest and isinstance(rest[0], dict):
                    record.annotations = to_json(rest.pop(0))
            elif isinstance(first, dict) and plain(first) and set(plain(first)) <= _HINT_KEYS:
                record.annotations = to_json(first)
            elif isinstance(first, dict):
                record.input_schema = _schema(first)
                if len(rest) > 1 and isinstance(rest[1], dict):
                    record.annotations = to_json(rest[1])
            else:
                record.extra["unresolved"] = ["input_schema"]
        if record.input_schema is None and "unresolved" not in record.extra:
            record.input_schema = {"type": "object", "properties": {}}
        _title_from_annotations(record)
        return record

    def _record_from_object(self, obj: dict[str, Any], path: str, line: int) -> ToolRecord:
        record = ToolRecord(name=obj["name"], file=path, line=line)
        _set_description(record, obj.get("description"))
        title = obj.get("title")
        if isinstance(title, str):
            record.title = title
        schema = _schema_handler_json(obj.get("inputSchema", obj.get("parameters", obj.get("input_schema"))))
        if schema is None or isinstance(schema, Unknown):
            record.input_schema = {"type": "object", "properties": {}} if schema is None else None
            if isinstance(schema, Unknown):
                record.extra["unresolved"] = ["input_schema"]
        else:
            record.input_schema = _schema(schema)
        out_schema = obj.get("outputSchema")
        if out_schema is not None and not isinstance(out_schema, Unknown):
            record.output_schema = _schema(out_schema)
        annotations = obj.get("annotations")
        if isinstance(annotations, dict):
            record.annotations = to_json(annotations)
        _title_from_annotations(record)
        return record

    def _tool_object(self, item: Any, node: Node, path: str, condition: str | None) -> None:
        if isinstance(item, Cond):
            condition = join_conditions(condition, item.condition)
            item = item.value
        if not isinstance(item, dict):
            self.result.unresolved.append(unresolved_entry(path, node, "tool definition only known at run time"))
            return
        name = item.get("name")
        if not isinstance(name, str):
            self._unresolved_name(name, node, path)
            return
        path, line = item.get(LOCATION, (path, line_of(node)))
        record = self._record_from_object(item, path, line)
        record.conditional = condition
        self.result.tools.append(record)

    def _unresolved_name(self, name: Any, node: Node, path: str) -> None:
        text = node_text(node)
        reason = "tool name computed at run time"
        if re.search(r"(?i)operationId|openapi|swagger", text):
            reason = "tools generated from an OpenAPI spec at run time"
        elif isinstance(name, Partial):
            reason = f"tool name partly computed at run time: {name.text}"
        self.result.unresolved.append(unresolved_entry(path, node, reason))

    # -- low-level Server --------------------------------------------------------------------------------
    def _list_tools_handler(self, handler: Node, call: Node, path: str) -> None:
        value = self.ev.eval(handler, path, {})
        if not isinstance(value, Func):
            inner = _first_function(handler)  # wrapped: wrapHandler("ListTools", withMonitoring(async () => ...))
            value = Func(inner, path) if inner is not None else value
        if not isinstance(value, Func):
            self.result.unresolved.append(unresolved_entry(path, handler, "tools/list handler defined elsewhere"))
            return
        found = False
        for env, ctx_condition in self._contexts(call, path, depth=0):
            for node in function_result_nodes(value.node):
                returned = self.ev.eval(node, value.file, env)
                if isinstance(returned, dict):
                    returned = returned.get("tools", Unknown(node_text(node)))
                if isinstance(returned, list):
                    found = True
                    condition = join_conditions(ctx_condition, enclosing_condition(node))
                    for item in returned:
                        self._tool_object(item, node, value.file, condition)
        if not found:
            before = len(self.result.tools)
            self._typed_tool_declarations()
            if len(self.result.tools) == before:
                self.result.unresolved.append(
                    unresolved_entry(path, call, "tools/list returns a list only known at run time")
                )

    def _typed_tool_declarations(self) -> None:
        """Fallback when the tools/list handler's list cannot be followed: constants typed `Tool` / `Tool[]`."""
        for path, info in self.infos.items():
            if info.grammar == "javascript":
                continue  # no type annotations
            for decl in typed(captures(info.grammar, _TYPED_TOOLS, info.root), "decl", "variable_declarator"):
                ann = decl.child_by_field_name("type")
                if not _TOOL_TYPE.match(node_text(ann)):
                    continue
                value = self.ev.eval(decl.child_by_field_name("value"), path, {})
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, dict) and isinstance(item.get("name"), str):
                        self._tool_object(item, decl, path, None)

    # -- loop variables and register-function parameters ---------------------------------------------------
    def _contexts(self, node: Node, path: str, depth: int) -> list[tuple[dict[str, Any], str | None]]:
        """Every binding of loop variables and enclosing-function parameters under which `node` runs."""
        loops = _enclosing_loops(node)
        fn = _enclosing_function(node)
        outer: list[tuple[dict[str, Any], str | None]] = [({}, None)]
        if fn is not None and depth < 3:
            params = [p for p, _ in params_of(fn) if p]
            fn_node = node.child_by_field_name("function")
            recv = fn_node.child_by_field_name("object") if fn_node is not None else None
            # A register function's call sites matter when the registration uses a parameter, and also when
            # only the server is one: `registerSearch(server, cfg)` called under `if (canRegister("search"))`.
            on_param_server = recv is not None and node_text(recv) in params
            if params and (_uses_any(node, params, loops) or on_param_server):
                outer = self._param_contexts(fn, path, depth) or outer
        contexts = outer
        for loop in reversed(loops):  # outermost first
            expanded: list[tuple[dict[str, Any], str | None]] = []
            for env, cond in contexts:
                for item_env, item_cond in self._loop_bindings(loop, path, env):
                    expanded.append(({**env, **item_env}, join_conditions(cond, item_cond)))
                    if len(expanded) >= MAX_CONTEXTS:
                        break
            contexts = expanded or contexts
        return contexts[:MAX_CONTEXTS]

    def _loop_bindings(self, loop: Node, path: str, env: dict[str, Any]) -> list[tuple[dict[str, Any], str | None]]:
        if loop.type == "for_in_statement":
            pattern, iterable = loop.child_by_field_name("left"), loop.child_by_field_name("right")
            is_of = any(c.type == "of" for c in loop.children)
        else:  # a callback of forEach/map/filter: the array is the callee's object
            callee = loop.parent.parent.child_by_field_name("function")  # type: ignore[union-attr]
            iterable = callee.child_by_field_name("object") if callee is not None else None
            params = loop.child_by_field_name("parameters") or loop.child_by_field_name("parameter")
            pattern = params
            if params is not None and params.type == "formal_parameters":
                first = params.named_children[0] if params.named_children else None
                pattern = first.child_by_field_name("pattern") if first is not None else None
                pattern = pattern or first
            is_of = True
        value = self.ev.eval(iterable, path, env)
        if isinstance(value, MapOf):  # `for (const [k, v] of map)` gets pairs; `map.forEach(v => ...)` values
            value = [[k, v] for k, v in value.entries] if loop.type == "for_in_statement" else value.values()
        if not is_of and isinstance(value, dict):
            value = list(plain(value).keys())
        elif isinstance(value, dict):
            value = list(plain(value).values())
        if not isinstance(value, list) or pattern is None:
            return []
        out: list[tuple[dict[str, Any], str | None]] = []
        for item in value:
            cond = item.condition if isinstance(item, Cond) else None
            raw = item.value if isinstance(item, Cond) else item
            out.append((_bind_pattern(pattern, raw), cond))
        return out

    def _param_contexts(self, fn: Node, path: str, depth: int) -> list[tuple[dict[str, Any], str | None]]:
        """Register functions: evaluate each call site's arguments (aliases, `name || "default"`)."""
        params = params_of(fn)
        name = function_name(fn)
        out: list[tuple[dict[str, Any], str | None]] = []
        for call_path, call in self._calls_to(name) if name else []:
            args_node = call.child_by_field_name("arguments")
            args = [a for a in (args_node.named_children if args_node is not None else []) if a.type != "comment"]
            for env, cond in self._contexts(call, call_path, depth + 1):
                bound: dict[str, Any] = {}
                for i, (pname, default) in enumerate(params):
                    if not pname:
                        continue
                    if i < len(args):
                        bound[pname] = self.ev.eval(args[i], call_path, env)
                    elif default is not None:
                        bound[pname] = self.ev.eval(default, path, {})
                    else:
                        bound[pname] = Unknown(pname)
                out.append((bound, join_conditions(cond, enclosing_condition(call))))
                if len(out) >= MAX_CONTEXTS:
                    return out
        if not out:
            defaults = {p: self.ev.eval(d, path, {}) for p, d in params if p and d is not None}
            if defaults:
                out.append((defaults, None))
        return out

    def _calls_to(self, name: str) -> list[tuple[str, Node]]:
        if self._call_index is None:
            self._call_index = {}
            for path, info in self.infos.items():
                for call in typed(captures(info.grammar, _ALL_CALLS, info.root), "call", "call_expression"):
                    fn = call.child_by_field_name("function")
                    callee = (
                        fn.child_by_field_name("property") if fn is not None and fn.type == "member_expression" else fn
                    )
                    self._call_index.setdefault(node_text(callee), []).append((path, call))
        return self._call_index.get(name, [])


def _scoped_binding(node: Node, name: str) -> Node | None:
    """The value of the nearest `const name = ...` declared before `node` in an enclosing block.

    Minified code declares one-letter names in every function; the file-wide first declaration is then
    another variable altogether.
    """
    child, parent = node, node.parent
    while parent is not None:
        if parent.type in ("statement_block", "program"):
            found: Node | None = None
            for stmt in parent.named_children:
                if stmt.start_byte > child.start_byte:
                    break
                if stmt.type in ("lexical_declaration", "variable_declaration"):
                    for decl in stmt.named_children:
                        if decl.type == "variable_declarator" and node_text(decl.child_by_field_name("name")) == name:
                            found = decl.child_by_field_name("value") or found
            if found is not None:
                return found
        child, parent = parent, parent.parent
    return None


def _first_function(node: Node) -> Node | None:
    """The outermost function expression inside `node` (pre-order), if any."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in ("arrow_function", "function_expression", "function"):
            return current
        stack.extend(reversed(current.named_children))
    return None


def _framework_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """mcp-framework's `{field: {type: z.string(), description: "..."}}` as the JSON Schema it sends."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for key, spec in schema.items():
        spec = plain(spec)
        ztype = spec.get("type")
        prop = to_json_schema(ztype) if isinstance(ztype, ZodType) else {}
        if isinstance(spec.get("description"), str):
            prop["description"] = spec["description"]
        properties[key] = prop
        if not (isinstance(ztype, ZodType) and ztype.optional):
            required.append(key)
    return object_schema(properties, required)


def _schema_handler_json(schema: Any) -> Any:
    """A schema handler `{jsonSchema, parse}` (a zod schema paired with its JSON form): the JSON form is what
    tools/list sends."""
    if isinstance(schema, dict) and "type" not in schema and "jsonSchema" in schema:
        return schema["jsonSchema"]
    return schema


def _registers_whole_object(method: str, values: list[Any]) -> bool:
    """`server.registerTool(tool)` with one tool object: a server class's own register method (often filling a
    `Map` that the tools/list handler lists); the SDK's `registerTool` always takes a name first."""
    if method != "registerTool" or len(values) != 1:
        return False
    item = values[0].value if isinstance(values[0], Cond) else values[0]
    return isinstance(item, dict) and "name" in item


def _is_list_tools_schema(node: Node) -> bool:
    text = node_text(node)
    return text.endswith("ListToolsRequestSchema") or text.strip("'\"`") == "tools/list"


def _set_description(record: ToolRecord, value: Any) -> None:
    if isinstance(value, str):
        record.description = value
    elif isinstance(value, Partial):
        record.description = value.text
        record.extra.setdefault("dynamic", []).append("description")
    elif isinstance(value, Unknown):
        record.extra.setdefault("unresolved", []).append("description")


def _title_from_annotations(record: ToolRecord) -> None:
    if record.title is None and isinstance(record.annotations.get("title"), str):
        record.title = record.annotations["title"]


def _schema(value: Any) -> dict[str, Any] | None:
    if isinstance(value, ZodType):
        schema = to_json_schema(value)
        return schema if schema.get("type") == "object" else {"type": "object", "properties": {}}
    if is_raw_shape(value):
        return shape_to_schema(value)
    if isinstance(value, dict):
        value = plain(value)
        if any(isinstance(v, ZodType) for v in value.values()) and "type" not in value:
            return shape_to_schema(value)
        out = to_json(value)
        out.pop("$schema", None)
        return out
    return None


def _bind_pattern(pattern: Node, value: Any) -> dict[str, Any]:
    if pattern.type == "identifier":
        return {node_text(pattern): value}
    if pattern.type in ("lexical_declaration", "variable_declaration"):
        decl = pattern.named_children[0] if pattern.named_children else None
        name = decl.child_by_field_name("name") if decl is not None else None
        return _bind_pattern(name, value) if name is not None else {}
    if pattern.type == "object_pattern" and isinstance(value, dict):
        out: dict[str, Any] = {}
        for child in pattern.named_children:
            if child.type == "shorthand_property_identifier_pattern":
                out[node_text(child)] = value.get(node_text(child), Unknown(node_text(child)))
            elif child.type == "pair_pattern":
                key, local = child.child_by_field_name("key"), child.child_by_field_name("value")
                if key is not None and local is not None:
                    out.update(_bind_pattern(local, value.get(node_text(key), Unknown(node_text(key)))))
        return out
    if pattern.type == "array_pattern" and isinstance(value, list):
        names = [c for c in pattern.named_children if c.type == "identifier"]
        return {node_text(n): value[i] for i, n in enumerate(names) if i < len(value)}
    return {}


_LOOP_CALLBACK_METHODS = frozenset({"forEach", "map", "flatMap"})
_FUNCTION_BOUNDARY = frozenset(
    {"function_declaration", "function_expression", "function", "method_definition", "generator_function_declaration"}
)


def _is_loop_callback(fn: Node) -> bool:
    """An arrow/function passed to forEach/map/flatMap: its parameter is a loop variable."""
    args = fn.parent
    call = args.parent if args is not None and args.type == "arguments" else None
    callee = call.child_by_field_name("function") if call is not None else None
    return (
        callee is not None
        and callee.type == "member_expression"
        and node_text(callee.child_by_field_name("property")) in _LOOP_CALLBACK_METHODS
    )


def _enclosing_loops(node: Node) -> list[Node]:
    """for...of / for...in statements and forEach/map callbacks around `node`, innermost first."""
    loops: list[Node] = []
    parent = node.parent
    while parent is not None:
        if parent.type == "for_in_statement":
            loops.append(parent)
        elif parent.type in ("arrow_function", "function_expression", "function"):
            if not _is_loop_callback(parent):
                break
            loops.append(parent)
        elif parent.type in _FUNCTION_BOUNDARY:
            break
        parent = parent.parent
    return loops


def _enclosing_function(node: Node) -> Node | None:
    """The function whose parameters a registration may use (loop callbacks and inline callbacks are skipped)."""
    parent = node.parent
    while parent is not None:
        if parent.type in _FUNCTION_BOUNDARY:
            return parent
        inline_callback = parent.parent is not None and parent.parent.type == "arguments"
        if parent.type == "arrow_function" and not inline_callback:
            return parent
        parent = parent.parent
    return None


_IDENT = re.compile(r"[A-Za-z_$][\w$]*")


def _uses_any(node: Node, names: list[str], loops: list[Node]) -> bool:
    """Whether the registration's arguments mention a parameter (cheap textual check on one call)."""
    used = set(_IDENT.findall(node_text(node.child_by_field_name("arguments"))))
    for loop in loops:
        used.update(_IDENT.findall(node_text(loop.child_by_field_name("right") or loop.parent)))
    return bool(used.intersection(names))
