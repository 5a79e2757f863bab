"""A small static evaluator for TypeScript/JavaScript expressions, across the files of one server.

Tool names, descriptions and schemas are rarely plain literals at the registration site: they are constants
imported from another file, concatenations, template literals, zod chains, objects spread into arrays, or
factory calls. This evaluator follows those to literal values without running anything; whatever it cannot
know becomes ``Unknown`` (or ``Partial`` for strings with known and unknown parts), never a guess.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from tree_sitter import Node

from crawler.extract.treesitter import (
    captures,
    decode_escape,
    join_conditions,
    line_of,
    negated,
    node_text,
    short,
    strip_parens,
    typed,
)
from crawler.extract.ts_predicates import fields_tested, predicate_truth
from crawler.extract.zod_schema import ZodType, object_shape, output_mode, shape_to_schema, to_json_schema

MAX_DEPTH = 60
MAX_ITEMS = 2000
MAX_ASSIGNMENTS = 8  # a variable assigned more often is a run-time accumulator, not a branch choice
STEP_BUDGET = 200_000  # evaluation steps per registration: bounds the work on any input
LOCATION = "\x00loc"  # key under which an evaluated object literal keeps (file, line) of its source


@dataclass(frozen=True)
class Unknown:
    """A value only known at run time; `expr` is the source text, for the unresolved report."""

    expr: str


@dataclass(frozen=True)
class Partial:
    """A string with static parts and run-time parts (kept as `${expr}` in `text`)."""

    text: str


@dataclass(frozen=True)
class Func:
    node: Node
    file: str


@dataclass(frozen=True)
class Module:
    """A namespace import (`import * as x`, `const x_1 = require(...)`): members are that file's exports."""

    file: str | None
    spec: str


@dataclass(frozen=True)
class ZodRoot:
    """The `z` namespace (or `zod_1.z` in compiled output)."""


@dataclass
class MapOf:
    """A `Map` whose entries are known: `new Map([[k, v], ...])` and `m.set(k, v)` calls at file scope."""

    entries: list[tuple[Any, Any]]

    def values(self) -> list[Any]:
        return [v for _, v in self.entries]


@dataclass
class Cond:
    """A list element present only under a condition (spread from a ternary, pushed in an if, filtered)."""

    value: Any
    condition: str


@dataclass
class FileInfo:
    path: str
    grammar: str
    root: Node
    bindings: dict[str, Node] = field(default_factory=dict)  # name -> value expression
    functions: dict[str, Node] = field(default_factory=dict)  # name -> function node
    enums: dict[str, Node] = field(default_factory=dict)
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)  # local -> (module spec, imported | * | default)
    pushes: dict[str, list[Node]] = field(default_factory=dict)  # array name -> `.push(...)` call nodes
    map_sets: dict[str, list[Node]] = field(default_factory=dict)  # map name -> `.set(k, v)` call nodes
    exports: dict[str, Node] = field(default_factory=dict)  # `exports.X = value` / `module.exports = {...}`
    assigned: dict[str, list[Node]] = field(default_factory=dict)  # `x = value` after a bare `let x;`
    compiled_enums: dict[str, dict[str, Node]] = field(default_factory=dict)  # tsc: `(function (E) {E["A"] = "a"})`


_DECLS = """
(variable_declarator name: (_) @name value: (_) @value) @decl
(variable_declarator name: (identifier) @bare .)
(function_declaration name: (identifier) @fname) @function
(generator_function_declaration name: (identifier) @fname) @function
(import_statement source: (string) @source) @import
(assignment_expression left: (member_expression) @target right: (_) @assigned)
(assignment_expression left: (identifier) @var right: (_) @varvalue)
(assignment_expression left: (subscript_expression object: (identifier) @eobj index: (string) @ekey) right: (_) @evalue)
((call_expression function: (member_expression object: (identifier) @pusharr
  property: (property_identifier) @pushm)) @push (#any-of? @pushm "push" "set"))
(call_expression
  function: (member_expression object: (identifier) @dpobj property: (property_identifier) @dpm
    (#eq? @dpobj "Object") (#eq? @dpm "defineProperty"))
  arguments: (arguments . (identifier) @dptarget (#eq? @dptarget "exports") . (string) @dpname . (object) @dpdesc))
"""

_TS_DECLS = "(enum_declaration name: (identifier) @ename) @enum"
_STRING_CONTENT = frozenset({"string_fragment"})
_WRAPPERS = frozenset(
    {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression", "await_expression"}
)
_FUNCTION_TYPES = frozenset(
    {"arrow_function", "function_expression", "function", "function_declaration", "method_definition"}
)
_ZOD_MODULES = ("zod", "zod/v4", "zod/v3", "zod/mini", "zod/v4-mini")
_EMPTY_INITIALS = frozenset({"null", "undefined"})
_OBJECT_STATICS = frozenset({"values", "keys", "entries", "assign", "freeze", "fromEntries"})
_JSON_SCHEMA_CONVERTERS = frozenset({"zodToJsonSchema", "toJSONSchema", "toJsonSchema", "zodToJSONSchema"})


def string_value(node: Node) -> str:
    return "".join(
        decode_escape(node_text(c)) if c.type == "escape_sequence" else node_text(c)
        for c in node.children
        if c.type in ("string_fragment", "escape_sequence")
    )


def index_file(path: str, grammar: str, root: Node) -> FileInfo:
    """One query pass collecting every declaration the evaluator may need later."""
    info = FileInfo(path, grammar, root)
    caps = captures(grammar, _DECLS if grammar == "javascript" else _DECLS + _TS_DECLS, root)
    # Document order, always: the first declaration of a name wins below, and tree-sitter may hand back the
    # captures of nested matches out of order (minified code reuses one-letter names at every level).
    caps = {name: sorted(nodes, key=lambda n: n.start_byte) for name, nodes in caps.items()}
    for decl in typed(caps, "decl", "variable_declarator"):
        name, value = decl.child_by_field_name("name"), decl.child_by_field_name("value")
        if name is None or value is None:
            continue
        if name.type == "identifier":
            info.bindings.setdefault(node_text(name), value)
            _record_require(info, node_text(name), value, "*")
        elif name.type == "object_pattern":
            for child in name.named_children:
                if child.type == "shorthand_property_identifier_pattern":
                    _record_require(info, node_text(child), value, node_text(child))
                elif child.type == "pair_pattern":
                    key, local = child.child_by_field_name("key"), child.child_by_field_name("value")
                    if key is not None and local is not None and local.type == "identifier":
                        _record_require(info, node_text(local), value, node_text(key))
    for fn in typed(caps, "function", "function_declaration", "generator_function_declaration"):
        fname = fn.child_by_field_name("name")
        info.functions.setdefault(node_text(fname), fn)
    for en in typed(caps, "enum", "enum_declaration"):
        info.enums.setdefault(node_text(en.child_by_field_name("name")), en)
    for imp in typed(caps, "import", "import_statement"):
        _record_import(info, imp)
    for target in typed(caps, "target", "member_expression"):
        obj, prop = target.child_by_field_name("object"), target.child_by_field_name("property")
        assigned = target.parent.child_by_field_name("right") if target.parent else None
        if obj is None or prop is None or assigned is None:
            continue
        if node_text(obj) == "exports" or node_text(obj) == "module.exports":
            if assigned.type not in ("assignment_expression", "unary_expression"):  # tsc's `exports.A = void 0`
                info.exports[node_text(prop)] = assigned
        elif node_text(obj) == "module" and node_text(prop) == "exports" and assigned.type == "object":
            info.exports.setdefault("default", assigned)
    bare = {
        node_text(n)
        for n in typed(caps, "bare", "identifier")
        if n.parent is not None and n.parent.child_by_field_name("value") is None
    }
    # `let cache = null;` filled later (`cache = all.filter(...)`): a memo, read through its assignments
    bare |= {name for name, value in info.bindings.items() if value.type in _EMPTY_INITIALS}
    for var in typed(caps, "var", "identifier"):
        value = var.parent.child_by_field_name("right") if var.parent is not None else None
        name = node_text(var)
        if name in bare and value is not None and var.parent.child_by_field_name("left") == var:  # type: ignore[union-attr]
            info.assigned.setdefault(name, []).append(value)
    for key in typed(caps, "ekey", "string"):
        sub = key.parent
        assignment = sub.parent if sub is not None else None
        if assignment is None or assignment.type != "assignment_expression":
            continue
        obj, value = sub.child_by_field_name("object"), assignment.child_by_field_name("right")  # type: ignore[union-attr]
        if obj is not None and value is not None:
            info.compiled_enums.setdefault(node_text(obj), {})[string_value(key)] = value
    for name_node, desc in zip(typed(caps, "dpname", "string"), typed(caps, "dpdesc", "object"), strict=False):
        exported = _defined_property(desc)
        if exported is not None and string_value(name_node) != "__esModule":
            info.exports.setdefault(string_value(name_node), exported)
    for call in typed(caps, "push", "call_expression"):
        fn = call.child_by_field_name("function") if call.type == "call_expression" else None
        arr = fn.child_by_field_name("object") if fn is not None else None
        method = node_text(fn.child_by_field_name("property")) if fn is not None else ""
        if arr is not None and method == "push":
            info.pushes.setdefault(node_text(arr), []).append(call)
        elif arr is not None and method == "set":
            info.map_sets.setdefault(node_text(arr), []).append(call)
    return info


def _defined_property(desc: Node) -> Node | None:
    """tsc's re-export `Object.defineProperty(exports, "bar", { get: function () { return bar_1.bar; } })`:
    the getter's returned expression (or the descriptor's `value:`)."""
    for pair in desc.named_children:
        key = pair.child_by_field_name("key") if pair.type == "pair" else None
        value = pair.child_by_field_name("value") if pair.type == "pair" else None
        if key is None or value is None:
            continue
        if node_text(key) == "value":
            return value
        if node_text(key) == "get" and value.type in _FUNCTION_TYPES:
            results = function_result_nodes(value)
            return results[0] if len(results) == 1 else None
    return None


def _record_require(info: FileInfo, local: str, value: Node, imported: str) -> None:
    value = unwrap(value)
    if value.type == "call_expression" and node_text(value.child_by_field_name("function")) in (
        "require",
        "__importStar",
        "__importDefault",
        "tslib_1.__importStar",
        "tslib_1.__importDefault",
    ):
        args = value.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        if first is not None and first.type == "call_expression":  # __importStar(require("x"))
            inner = first.child_by_field_name("arguments")
            first = inner.named_children[0] if inner is not None and inner.named_children else None
        if first is not None and first.type == "string":
            info.imports[local] = (string_value(first), imported)


def _record_import(info: FileInfo, imp: Node) -> None:
    source = imp.child_by_field_name("source")
    spec = string_value(source) if source is not None else ""
    for clause in imp.named_children:
        if clause.type != "import_clause":
            continue
        for part in clause.named_children:
            if part.type == "identifier":
                info.imports[node_text(part)] = (spec, "default")
            elif part.type == "namespace_import":
                ident = part.named_children[0] if part.named_children else None
                if ident is not None:
                    info.imports[node_text(ident)] = (spec, "*")
            elif part.type == "named_imports":
                for sp in part.named_children:
                    name, alias = sp.child_by_field_name("name"), sp.child_by_field_name("alias")
                    if name is not None:
                        info.imports[node_text(alias or name)] = (spec, node_text(name))


def unwrap(node: Node) -> Node:
    """Strip parentheses, type assertions, `!`, `await` and `(0, x)` sequences down to the value."""
    while node.named_children and node.type in _WRAPPERS or node.type == "sequence_expression":
        node = node.named_children[-1] if node.type == "sequence_expression" else node.named_children[0]
    return node


def params_of(fn: Node) -> list[tuple[str, Node | None]]:
    """(name, default expression) for each simple parameter of a function node."""
    params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter")
    if params is None:
        return []
    if params.type == "identifier":
        return [(node_text(params), None)]
    out: list[tuple[str, Node | None]] = []
    for p in params.named_children:
        pattern, default = p, None
        if p.type in ("required_parameter", "optional_parameter"):
            pattern, default = p.child_by_field_name("pattern") or p, p.child_by_field_name("value")
        if pattern.type == "assignment_pattern":
            pattern, default = pattern.child_by_field_name("left") or pattern, pattern.child_by_field_name("right")
        out.append((node_text(pattern) if pattern.type == "identifier" else "", default))
    return out


def _awaiter_body(node: Node) -> Node | None:
    """The generator inside tsc's down-levelled async function: ``__awaiter(this, void 0, void 0, function* () {...})``
    (also ``tslib.__awaiter`` and ``(0, tslib_1.__awaiter)``)."""
    if node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    if node.type != "call_expression":
        return None
    callee = node.child_by_field_name("function")
    if callee is None or not node_text(callee).rstrip(")").endswith("__awaiter"):
        return None
    args = node.child_by_field_name("arguments")
    last = args.named_children[-1] if args is not None and args.named_children else None
    if last is not None and last.type in ("generator_function", "function_expression", "function", "arrow_function"):
        return last
    return None


def function_name(fn: Node) -> str | None:
    """The name a function is called by: declared, bound to a variable, an object key or an assignment."""
    name = fn.child_by_field_name("name")
    if name is not None:
        return node_text(name)
    parent = fn.parent
    if parent is not None and parent.type == "variable_declarator":
        return node_text(parent.child_by_field_name("name"))
    if parent is not None and parent.type == "pair":
        return node_text(parent.child_by_field_name("key"))
    if parent is not None and parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        return node_text(left).rsplit(".", 1)[-1] if left is not None else None
    return None


def function_result_nodes(fn: Node) -> list[Node]:
    """The expressions a function can return (its expression body, or its top-level return statements)."""
    body = fn.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        inner = _awaiter_body(body)
        return function_result_nodes(inner) if inner is not None else [body]
    out: list[Node] = []
    stack = list(body.named_children)
    while stack:
        node = stack.pop()
        if node.type == "return_statement":
            if node.named_children:
                returned = node.named_children[0]
                inner = _awaiter_body(returned)
                out.extend(function_result_nodes(inner) if inner is not None else [returned])
            continue
        if node.type in _FUNCTION_TYPES or node.type == "class_declaration":
            continue
        stack.extend(node.named_children)
    out.sort(key=lambda n: n.start_byte)
    return out


class Evaluator:
    """Evaluates expressions of one server's files; `env` holds loop variables and function parameters."""

    def __init__(self, files: dict[str, FileInfo]) -> None:
        self.files = files
        self._global: dict[str, list[tuple[str, Node]]] = {}
        for info in files.values():
            for name, node in info.bindings.items():
                self._global.setdefault(name, []).append((info.path, node))
            for name, node in info.exports.items():
                self._global.setdefault(name, []).append((info.path, node))
            for name, node in info.functions.items():
                self._global.setdefault(name, []).append((info.path, node))
            for name, node in info.enums.items():
                self._global.setdefault(name, []).append((info.path, node))
        self._depth = 0
        self._active: set[tuple[str, int]] = set()
        self._cache: dict[tuple[str, int], Any] = {}  # values of env-free expressions: each evaluated once
        self._truncations = 0
        self.steps = 0  # reset by the caller for each registration it evaluates
        self.option_hints: dict[str, str] = {}  # config key -> command-line flag, for condition texts

    # -- modules -----------------------------------------------------------------------------------------
    def resolve_module(self, from_file: str, spec: str) -> str | None:
        if not spec.startswith("."):
            return None
        base = posixpath.normpath(posixpath.join(posixpath.dirname(from_file), spec))
        stem = base
        for ext in (".js", ".mjs", ".cjs", ".jsx"):
            if base.endswith(ext):
                stem = base[: -len(ext)]
        candidates = [base]
        for root in (stem, base):
            for ext in (".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx"):
                candidates.append(root + ext)
                candidates.append(root + "/index" + ext)
        return next((c for c in candidates if c in self.files), None)

    def export_of(self, file: str | None, name: str, env: dict[str, Any]) -> Any:
        if file is None:
            return Unknown(name)
        info = self.files[file]
        if name == "*":
            return Module(file, file)
        if name == "default":
            node = info.exports.get("default") or info.bindings.get("default")
            if node is None:
                default = self._default_export(info)
                return self.eval(default, file, {}) if default is not None else Module(file, file)
            return self.eval(node, file, {})
        return self.lookup(name, file, {}, follow_global=False)

    def _default_export(self, info: FileInfo) -> Node | None:
        for node in info.root.named_children:
            if node.type == "export_statement" and any(c.type == "default" for c in node.children):
                value = node.child_by_field_name("value") or node.child_by_field_name("declaration")
                if value is not None:
                    return value
        return None

    # -- names -------------------------------------------------------------------------------------------
    def lookup(self, name: str, file: str, env: dict[str, Any], *, follow_global: bool = True) -> Any:
        if name in env:
            return env[name]
        info = self.files.get(file)
        if info is not None:
            if name in info.exports:
                return self.eval(info.exports[name], file, {})
            if name in info.enums:
                return self._enum(info.enums[name], file)
            if name in info.functions:
                return Func(info.functions[name], file)
            if name in info.imports:
                spec, imported = info.imports[name]
                if spec in _ZOD_MODULES or spec.startswith("zod/"):
                    return ZodRoot() if imported in ("z", "*", "default") else Unknown(name)
                target = self.resolve_module(file, spec)
                if target is None:
                    return Module(None, spec) if imported == "*" else Unknown(name)
                return self.export_of(target, imported, env)
            if name in info.bindings and not (info.bindings[name].type in _EMPTY_INITIALS and name in info.assigned):
                value = self.eval(info.bindings[name], file, {})
                return self._with_pushes(value, info, name)
            if name in info.compiled_enums:
                return {k: self.eval(v, file, {}) for k, v in info.compiled_enums[name].items()}
            if name in info.assigned and len(info.assigned[name]) <= MAX_ASSIGNMENTS:
                return self._assignments(info, name, env)
        if name == "z":
            return ZodRoot()
        if follow_global:
            found = self._global.get(name, [])
            if found:  # the first declaration: one server's files rarely declare one name twice
                other_file, node = found[0]
                if node.type in ("function_declaration", "generator_function_declaration"):
                    return Func(node, other_file)
                if node.type == "enum_declaration":
                    return self._enum(node, other_file)
                return self.eval(node, other_file, {})
        return Unknown(name)

    def _assignments(self, info: FileInfo, name: str, env: dict[str, Any]) -> Any:
        """A variable declared bare and assigned in branches: the union of the lists, each under its branch."""
        values = [(self.eval(node, info.path, env), enclosing_condition(node)) for node in info.assigned[name]]
        if len(values) == 1 and values[0][1] is None:
            return values[0][0]
        if not all(isinstance(v, list) for v, _ in values):
            return Unknown(name)
        out: list[Any] = []
        for value, cond in values:
            for item in value:
                if isinstance(item, Cond):
                    out.append(Cond(item.value, join_conditions(cond, item.condition) or ""))
                else:
                    out.append(Cond(item, cond) if cond else item)
        return out

    def _with_pushes(self, value: Any, info: FileInfo, name: str) -> Any:
        if isinstance(value, MapOf) and name in info.map_sets:
            return self._with_sets(value, info, name)
        if not isinstance(value, list) or name not in info.pushes:
            return value
        out = list(value)
        for call in info.pushes[name]:
            cond = enclosing_condition(call)
            args = call.child_by_field_name("arguments")
            for arg in args.named_children if args is not None else []:
                items = (
                    self._spread(arg, info.path, {})
                    if arg.type == "spread_element"
                    else [self.eval(arg, info.path, {})]
                )
                out.extend(Cond(i, cond) if cond else i for i in items)
        return out

    def _with_sets(self, value: MapOf, info: FileInfo, name: str) -> MapOf:
        """`tools.set(name, tool)` calls on a file-level Map; a key set again replaces its entry."""
        entries = dict(enumerate(value.entries))
        keys = {k: i for i, (k, _) in entries.items() if _is_primitive(k)}
        for call in info.map_sets[name][:MAX_ITEMS]:
            args = [a for a in call.child_by_field_name("arguments").named_children if a.type != "comment"]  # type: ignore[union-attr]
            if len(args) != 2:
                continue
            key, item = self.eval(args[0], info.path, {}), self.eval(args[1], info.path, {})
            cond = enclosing_condition(call)
            item = Cond(item, cond) if cond else item
            slot = keys.get(key, len(entries)) if _is_primitive(key) else len(entries)
            entries[slot] = (key, item)
            if _is_primitive(key):
                keys[key] = slot
        return MapOf([entries[i] for i in sorted(entries)])

    def _new(self, node: Node, file: str, env: dict[str, Any]) -> Any:
        """`new Map([[k, v], ...])` (or `new Map()`): a Map with those entries."""
        ctor = node.child_by_field_name("constructor")
        if ctor is None or node_text(ctor) != "Map":
            return Unknown(short(node_text(node)))
        args_node = node.child_by_field_name("arguments")
        args = [a for a in (args_node.named_children if args_node is not None else []) if a.type != "comment"]
        if not args:
            return MapOf([])
        pairs = self.eval(args[0], file, env)
        if not isinstance(pairs, list):
            return Unknown(short(node_text(node)))
        entries: list[tuple[Any, Any]] = []
        for pair in pairs[:MAX_ITEMS]:
            cond = pair.condition if isinstance(pair, Cond) else None
            pair = pair.value if isinstance(pair, Cond) else pair
            if not isinstance(pair, list) or len(pair) != 2:
                return Unknown(short(node_text(node)))
            entries.append((pair[0], Cond(pair[1], cond) if cond else pair[1]))
        return MapOf(entries)

    def _enum(self, node: Node, file: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        body = node.child_by_field_name("body")
        for member in body.named_children if body is not None else []:
            if member.type == "enum_assignment":
                key = node_text(member.child_by_field_name("name")).strip("'\"")
                out[key] = self.eval(member.child_by_field_name("value"), file, {})
            elif member.type in ("property_identifier", "string"):
                key = node_text(member).strip("'\"")
                out[key] = key
        return out

    # -- expressions ---------------------------------------------------------------------------------------
    def eval(self, node: Node | None, file: str, env: dict[str, Any]) -> Any:
        if node is None:
            return Unknown("")
        key = (file, node.id)
        if not env and key in self._cache:
            return self._cache[key]
        self.steps += 1
        if self._depth > MAX_DEPTH or key in self._active or self.steps > STEP_BUDGET:
            self._truncations += 1
            return Unknown(short(node_text(node)))
        self._depth += 1
        self._active.add(key)
        truncations = self._truncations
        try:
            value = self._eval(node, file, env)
        finally:
            self._depth -= 1
            self._active.discard(key)
        if not env and truncations == self._truncations:
            self._cache[key] = value  # only complete results: a cut-short one may resolve from another path
        return value

    def _eval(self, node: Node, file: str, env: dict[str, Any]) -> Any:  # noqa: C901 - one case per node type
        t = node.type
        if t in _WRAPPERS:
            return self.eval(unwrap(node), file, env)
        if t == "sequence_expression":
            return self.eval(node.named_children[-1], file, env)
        if t == "string":
            return string_value(node)
        if t == "template_string":
            return self._template(node, file, env)
        if t == "number":
            return _number(node_text(node))
        if t in ("true", "false"):
            return t == "true"
        if t in ("null", "undefined"):
            return None
        if t in ("identifier", "shorthand_property_identifier"):
            return self.lookup(node_text(node), file, env)
        if t == "object":
            return self._object(node, file, env)
        if t == "array":
            out: list[Any] = []
            for child in node.named_children:
                if child.type == "spread_element":
                    out.extend(self._spread(child, file, env))
                elif child.type != "comment":
                    out.append(self.eval(child, file, env))
            return out
        if t == "member_expression":
            return self._member(node, file, env)
        if t == "subscript_expression":
            obj = self.eval(node.child_by_field_name("object"), file, env)
            idx = self.eval(node.child_by_field_name("index"), file, env)
            if isinstance(obj, dict) and isinstance(idx, str):
                return obj.get(idx, Unknown(short(node_text(node))))
            if isinstance(obj, list) and isinstance(idx, int) and -len(obj) <= idx < len(obj):
                return obj[idx]
            return Unknown(short(node_text(node)))
        if t == "binary_expression":
            return self._binary(node, file, env)
        if t == "unary_expression":
            return self._unary(node, file, env)
        if t == "ternary_expression":
            return self._ternary(node, file, env)
        if t == "call_expression":
            return self._call(node, file, env)
        if t in _FUNCTION_TYPES:
            return Func(node, file)
        if t == "new_expression":
            return self._new(node, file, env)
        return Unknown(short(node_text(node)))

    def _template(self, node: Node, file: str, env: dict[str, Any]) -> str | Partial:
        parts: list[str] = []
        dynamic = False
        for child in node.children:
            if child.type == "string_fragment":
                parts.append(node_text(child))
            elif child.type == "escape_sequence":
                parts.append(decode_escape(node_text(child)))
            elif child.type == "template_substitution":
                value = self.eval(child.named_children[0] if child.named_children else None, file, env)
                if isinstance(value, str | int | float) and not isinstance(value, bool):
                    parts.append(str(value))
                elif isinstance(value, Partial):
                    parts.append(value.text)
                    dynamic = True
                else:
                    parts.append(node_text(child))
                    dynamic = True
        text = "".join(parts)
        return Partial(text) if dynamic else text

    def _object(self, node: Node, file: str, env: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {LOCATION: (file, line_of(node))}
        for child in node.named_children:
            if child.type == "pair":
                key_node = child.child_by_field_name("key")
                if key_node is None:
                    continue
                if key_node.type == "string":
                    key: Any = string_value(key_node)
                elif key_node.type == "computed_property_name":
                    key = self.eval(key_node.named_children[0] if key_node.named_children else None, file, env)
                    if not isinstance(key, str):
                        continue
                else:
                    key = node_text(key_node)
                out[key] = self.eval(child.child_by_field_name("value"), file, env)
            elif child.type == "shorthand_property_identifier":
                out[node_text(child)] = self.lookup(node_text(child), file, env)
            elif child.type == "spread_element":
                spread = self.eval(child.named_children[0] if child.named_children else None, file, env)
                if isinstance(spread, dict):
                    out.update(spread)
            elif child.type == "method_definition":
                out[node_text(child.child_by_field_name("name"))] = Func(child, file)
        return out

    def _spread(self, node: Node, file: str, env: dict[str, Any]) -> list[Any]:
        value = self.eval(node.named_children[0] if node.named_children else None, file, env)
        if isinstance(value, list):
            return value
        if isinstance(value, dict):
            return list(plain(value).values())
        return [value]

    def _member(self, node: Node, file: str, env: dict[str, Any]) -> Any:
        obj_node, prop_node = node.child_by_field_name("object"), node.child_by_field_name("property")
        prop = node_text(prop_node)
        obj = self.eval(obj_node, file, env)
        if isinstance(obj, ZodRoot):
            return ZodRoot() if prop in ("coerce", "z") else _ZodCtor(prop)
        if isinstance(obj, Module):
            if prop == "z":
                # zod's namespace export; bundles re-export it from their own vendored chunk (`require("./deps").z`)
                return ZodRoot()
            if obj.file is None:
                return Unknown(short(node_text(node)))
            return self.export_of(obj.file, prop, env)
        if isinstance(obj, Cond):
            obj = obj.value
        if isinstance(obj, dict):
            if prop in obj:
                return obj[prop]
            return Unknown(short(node_text(node)))
        if isinstance(obj, ZodType) and prop == "shape" and obj.kind == "object" and obj.args:
            return object_shape(obj)
        if isinstance(obj, list) and prop == "length":
            return len(obj)
        return Unknown(short(node_text(node)))

    def _binary(self, node: Node, file: str, env: dict[str, Any]) -> Any:
        op = node_text(node.child_by_field_name("operator"))
        left = self.eval(node.child_by_field_name("left"), file, env)
        if op in ("||", "??"):
            if isinstance(left, Unknown | Partial) or left is None or (op == "||" and not left):
                return self.eval(node.child_by_field_name("right"), file, env)
            return left
        right = self.eval(node.child_by_field_name("right"), file, env)
        if op in _EQUALITY and _is_primitive(left) and _is_primitive(right):
            same = _strict_equal(left, right) if op in ("===", "!==") else left == right
            return same if op in ("===", "==") else not same
        if op == "+":
            if isinstance(left, int | float) and isinstance(right, int | float):
                return left + right
            if isinstance(left, str | Partial | int | float) or isinstance(right, str | Partial):
                return _concat(left, right, node)
        return Unknown(short(node_text(node)))

    def _unary(self, node: Node, file: str, env: dict[str, Any]) -> Any:
        op = node_text(node.child_by_field_name("operator"))
        value = self.eval(node.child_by_field_name("argument"), file, env)
        if op == "void":
            return None
        if op == "-" and isinstance(value, int | float) and not isinstance(value, bool):
            return -value
        if op == "+" and isinstance(value, int | float):
            return value
        if op == "!" and isinstance(value, bool | int | float | str | None):
            return not value
        return Unknown(short(node_text(node)))

    def _ternary(self, node: Node, file: str, env: dict[str, Any]) -> Any:
        cond_node = node.child_by_field_name("condition")
        cond_text = strip_parens(short(node_text(cond_node), 120))
        test = self.eval(cond_node, file, env)
        if isinstance(test, dict | ZodType | Func):  # an object is always truthy: `config.schema ? f(...) : g()`
            return self.eval(node.child_by_field_name("consequence"), file, env)
        yes = self.eval(node.child_by_field_name("consequence"), file, env)
        no = self.eval(node.child_by_field_name("alternative"), file, env)
        if yes == no:
            return yes
        if isinstance(yes, list) and isinstance(no, list):
            return [Cond(v, cond_text) for v in yes] + [Cond(v, negated(cond_text)) for v in no]
        return Unknown(short(node_text(node)))

    def _call(self, node: Node, file: str, env: dict[str, Any]) -> Any:
        fn_node = node.child_by_field_name("function")
        args_node = node.child_by_field_name("arguments")
        arg_nodes = [a for a in (args_node.named_children if args_node is not None else []) if a.type != "comment"]
        if fn_node is None:
            return Unknown(short(node_text(node)))
        fn_node = unwrap(fn_node)
        if fn_node.type == "member_expression":
            method = node_text(fn_node.child_by_field_name("property"))
            obj_node = fn_node.child_by_field_name("object")
            if node_text(obj_node) == "Object" and method in _OBJECT_STATICS:
                return self._object_static(method, [self.eval(a, file, env) for a in arg_nodes])
            if node_text(obj_node) == "Array" and method == "from" and len(arg_nodes) == 1:
                items = self.eval(arg_nodes[0], file, env)  # `Array.from(map.values())`; a Map gives its pairs
                return [[k, v] for k, v in items.entries] if isinstance(items, MapOf) else items
            if method in _JSON_SCHEMA_CONVERTERS:
                return self._json_schema_call(method, arg_nodes, file, env)
            obj = self.eval(obj_node, file, env)
            if isinstance(obj, ZodRoot):
                return ZodType(method, [self.eval(a, file, env) for a in arg_nodes])
            if isinstance(obj, _ZodCtor):
                return ZodType(obj.kind, [self.eval(a, file, env) for a in arg_nodes])
            if isinstance(obj, ZodType):
                return obj.then(method, [self.eval(a, file, env) for a in arg_nodes])
            if isinstance(obj, MapOf):
                if method == "values":
                    return obj.values()
                if method == "keys":
                    return [k for k, _ in obj.entries]
                if method == "entries":
                    return [[k, v] for k, v in obj.entries]
                return Unknown(short(node_text(node)))
            if isinstance(obj, list):
                return self._array_method(obj, method, arg_nodes, file, env, node)
            if isinstance(obj, Func):
                return self.call_function(obj, arg_nodes, file, env)
            if isinstance(obj, dict) and method in obj and isinstance(obj[method], Func):
                return self.call_function(obj[method], arg_nodes, file, env)
            return Unknown(short(node_text(node)))
        name = node_text(fn_node)
        if name == "require" and len(arg_nodes) == 1 and arg_nodes[0].type == "string":
            spec = string_value(arg_nodes[0])  # an inline require, as bundles write it: `z = require("./x").z`
            return Module(self.resolve_module(file, spec), spec)
        callee = self.eval(fn_node, file, env)
        if name in _JSON_SCHEMA_CONVERTERS:
            return self._json_schema_call(name, arg_nodes, file, env)
        if isinstance(callee, Func):
            return self.call_function(callee, arg_nodes, file, env)
        if isinstance(callee, _ZodCtor):
            return ZodType(callee.kind, [self.eval(a, file, env) for a in arg_nodes])
        return Unknown(short(node_text(node)))

    def _json_schema_call(self, name: str, arg_nodes: list[Node], file: str, env: dict[str, Any]) -> Any:
        """`zodToJsonSchema(s)` (input view: defaulted fields optional) or zod 4's own `z.toJSONSchema(s)`,
        whose default output view makes them required unless `{io: "input"}` is passed."""
        if not arg_nodes:
            return Unknown("")
        value = self.eval(arg_nodes[0], file, env)
        options = self.eval(arg_nodes[1], file, env) if len(arg_nodes) > 1 else {}
        output = name == "toJSONSchema" and not (isinstance(options, dict) and options.get("io") == "input")
        with output_mode(output):
            return _as_json_schema(value)

    def call_function(self, fn: Func, arg_nodes: list[Node], file: str, env: dict[str, Any]) -> Any:
        """Inline a factory: bind parameters to the call's arguments (or defaults) and evaluate its return."""
        if fn.node.type == "function_declaration" and fn.node.parent is not None and self._depth > MAX_DEPTH // 2:
            return Unknown(node_text(fn.node.child_by_field_name("name")))
        inner: dict[str, Any] = {}
        for i, (pname, default) in enumerate(params_of(fn.node)):
            if not pname:
                continue
            if i < len(arg_nodes):
                inner[pname] = self.eval(arg_nodes[i], file, env)
            elif default is not None:
                inner[pname] = self.eval(default, fn.file, {})
            else:
                inner[pname] = None
        self.bind_locals(fn.node, fn.file, inner)
        results = [self.eval(r, fn.file, inner) for r in function_result_nodes(fn.node)]
        if not results:
            return Unknown(short(node_text(fn.node), 80))
        return results[-1] if len(results) > 1 and all(isinstance(r, list) for r in results) else results[0]

    def bind_locals(self, fn: Node, file: str, env: dict[str, Any]) -> None:
        """The function body's top-level `const x = ...` in order, so a returned object sees its locals
        (`const readOnly = tool.type === "readOnly"; return {annotations: {readOnlyHint: readOnly}}`)."""
        body = fn.child_by_field_name("body")
        if body is None or body.type != "statement_block":
            return
        for stmt in body.named_children:
            if stmt.type not in ("lexical_declaration", "variable_declaration"):
                continue
            for decl in stmt.named_children:
                name, value = decl.child_by_field_name("name"), decl.child_by_field_name("value")
                if name is not None and value is not None and name.type == "identifier" and node_text(name) not in env:
                    env[node_text(name)] = self.eval(value, file, env)

    def _object_static(self, method: str, args: list[Any]) -> Any:
        first = args[0] if args else None
        if method == "freeze":
            return first
        if method == "assign":
            out: dict[str, Any] = {}
            for a in args:
                if isinstance(a, dict):
                    out.update(a)
            return out
        if method == "fromEntries" and isinstance(first, list):
            return {k: v for k, v in (e for e in first if isinstance(e, list) and len(e) == 2) if isinstance(k, str)}
        if isinstance(first, Module) and first.file is not None:
            first = self._module_exports(first.file)
            if not first:  # exports this reader does not see are not "no exports"
                return Unknown(f"Object.{method}(...)")
        if not isinstance(first, dict):
            return Unknown(f"Object.{method}(...)")
        first = plain(first)
        if method == "values":
            return list(first.values())
        if method == "keys":
            return list(first.keys())
        return [[k, v] for k, v in first.items()]

    def _module_exports(self, file: str, seen: frozenset[str] = frozenset()) -> dict[str, Any]:
        """A namespace's members: `export const`, `export { a as b } [from "./x"]`, `export * from "./x"`
        (an index file re-exporting one module per tool) and CommonJS `exports.X` / tsc re-export getters."""
        info = self.files[file]
        out: dict[str, Any] = {}
        for node in info.root.named_children:
            if node.type == "export_statement":
                source = node.child_by_field_name("source")
                target = self.resolve_module(file, string_value(source)) if source is not None else None
                clause = next((c for c in node.named_children if c.type == "export_clause"), None)
                if source is not None and clause is None and target is not None and target not in seen:
                    out.update(self._module_exports(target, seen | {file}))  # `export * from "./x"`
                for spec in clause.named_children if clause is not None else []:
                    name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
                    if spec.type != "export_specifier" or name is None:
                        continue
                    exported = string_value(alias) if alias is not None and alias.type == "string" else None
                    exported = exported or node_text(alias or name)
                    if source is None:
                        out[exported] = self.lookup(node_text(name), file, {})
                    elif target is not None:
                        out[exported] = self.export_of(target, node_text(name), {})
                decl = node.child_by_field_name("declaration")
                for d in decl.named_children if decl is not None else []:
                    name = d.child_by_field_name("name")
                    if d.type == "variable_declarator" and name is not None:
                        out[node_text(name)] = self.lookup(node_text(name), file, {})
        for name in info.exports:
            out[name] = self.lookup(name, file, {})
        return out

    def _filter_by_fields(self, arr: list[Any], arg: Node, file: str, env: dict[str, Any]) -> list[Any] | None:
        """`list.filter(t => t.kind === "core" || flags.includes(t.kind))` over objects whose fields are known:
        each element is kept, dropped or kept under the run-time part of the test. None: not such a filter."""
        fn = self.eval(arg, file, env)
        if not isinstance(fn, Func) or fn.node.type not in _FUNCTION_TYPES:
            return None
        params = params_of(fn.node)
        results = function_result_nodes(fn.node)
        if len(params) != 1 or not params[0][0] or len(results) != 1 or not fields_tested(results[0], params[0][0]):
            return None
        if not all(isinstance(v.value if isinstance(v, Cond) else v, dict) for v in arr):
            return None
        out: list[Any] = []
        undecided = strip_parens(short(node_text(results[0]), 120))  # the predicate's own text: nothing known
        for item in arr:
            cond = item.condition if isinstance(item, Cond) else None
            raw = item.value if isinstance(item, Cond) else item
            verdict = predicate_truth(results[0], params[0][0], plain(raw), self.option_hints)
            if verdict is False:
                continue
            if verdict == undecided:
                verdict = "filtered at run time: " + short(node_text(arg), 100)
            joined = join_conditions(cond, verdict if isinstance(verdict, str) else None)
            out.append(Cond(raw, joined) if joined else raw)
        return out

    def _array_method(
        self, arr: list[Any], method: str, arg_nodes: list[Node], file: str, env: dict[str, Any], node: Node
    ) -> Any:
        if method == "filter":
            decided = self._filter_by_fields(arr, arg_nodes[0], file, env) if arg_nodes else None
            if decided is not None:
                return decided
            if arg_nodes and _is_exclusion_filter(self.eval(arg_nodes[0], file, env)):
                return list(arr)  # a deny list (`DISABLED_TOOLS`) removes nothing by default
            cond = "filtered at run time: " + short(node_text(arg_nodes[0]) if arg_nodes else "", 100)
            return [v if isinstance(v, Cond) else Cond(v, cond) for v in arr]
        if method in ("concat",):
            out = list(arr)
            for a in arg_nodes:
                value = self.eval(a, file, env)
                out.extend(value if isinstance(value, list) else [value])
            return out
        if method in ("flat", "slice", "sort", "reverse") and method != "slice":
            flat: list[Any] = []
            for v in arr:
                flat.extend(v if isinstance(v, list) and method == "flat" else [v])
            return flat
        if method == "map" and arg_nodes:
            fn = self.eval(arg_nodes[0], file, env)
            if isinstance(fn, Func) and fn.node.type in _FUNCTION_TYPES:
                params = params_of(fn.node)
                pname = params[0][0] if params else ""
                results = function_result_nodes(fn.node)
                if pname and len(results) == 1:
                    out = []
                    for v in arr[:MAX_ITEMS]:
                        cond = v.condition if isinstance(v, Cond) else None
                        raw = v.value if isinstance(v, Cond) else v
                        mapped = self.eval(results[0], fn.file, {**env, pname: raw})
                        out.append(Cond(mapped, cond) if cond else mapped)
                    return out
        return Unknown(short(node_text(node)))


_EQUALITY = frozenset({"===", "!==", "==", "!="})


_MEMBERSHIP = frozenset({"includes", "has", "some"})


def _is_exclusion_filter(fn: Any) -> bool:
    """`t => !disabled.includes(t.name)`: keeps what a run-time deny list does not name. Deny lists come from
    options or env vars that are empty unless set, so the filter removes nothing by default."""
    if not isinstance(fn, Func) or fn.node.type not in _FUNCTION_TYPES:
        return False
    results = function_result_nodes(fn.node)
    if len(results) != 1:
        return False
    test = unwrap(results[0])
    if test.type != "unary_expression" or node_text(test.child_by_field_name("operator")) != "!":
        return False
    call = unwrap(test.child_by_field_name("argument"))  # type: ignore[arg-type]
    callee = call.child_by_field_name("function") if call.type == "call_expression" else None
    return (
        callee is not None
        and callee.type == "member_expression"
        and node_text(callee.child_by_field_name("property")) in _MEMBERSHIP
    )


def _is_primitive(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _strict_equal(left: Any, right: Any) -> bool:
    """JavaScript `===` on primitives: same value and same kind (numbers are one kind, booleans another)."""
    kinds = {type(v) if isinstance(v, bool | str) or v is None else float for v in (left, right)}
    return len(kinds) == 1 and left == right


@dataclass(frozen=True)
class _ZodCtor:
    kind: str


def _number(text: str) -> int | float | Unknown:
    clean = text.replace("_", "").rstrip("n")
    try:
        return int(clean, 0)
    except ValueError:
        try:
            return float(clean)
        except ValueError:
            return Unknown(text)


def _concat(left: Any, right: Any, node: Node) -> str | Partial:
    def piece(v: Any, side: str) -> tuple[str, bool]:
        if isinstance(v, bool):
            return str(v).lower(), False
        if isinstance(v, str | int | float):
            return str(v), False
        if isinstance(v, Partial):
            return v.text, True
        child = node.child_by_field_name(side)
        return "${" + short(node_text(child), 80) + "}", True

    (a, da), (b, db) = piece(left, "left"), piece(right, "right")
    return Partial(a + b) if da or db else a + b


def _as_json_schema(value: Any) -> Any:
    if isinstance(value, dict):
        value = plain(value)
    if isinstance(value, ZodType):
        return to_json_schema(value)
    if isinstance(value, dict) and all(isinstance(v, ZodType) for v in value.values()):
        return shape_to_schema(value)
    return to_json(value)


_CONDITION_PARENTS = frozenset({"if_statement", "ternary_expression", "binary_expression", "switch_case"})


def enclosing_condition(node: Node, stop: Node | None = None) -> str | None:
    """The conditions (if / else / ternary / && / case) between a node and its enclosing function."""
    conditions: list[str] = []
    child, parent = node, node.parent
    while parent is not None and parent != stop:
        if parent.type in _FUNCTION_TYPES and parent.type != "arrow_function":
            break
        if parent.type == "arrow_function" and parent.parent is not None and parent.parent.type != "arguments":
            break
        if parent.type == "if_statement":
            cond = strip_parens(short(node_text(parent.child_by_field_name("condition")), 120))
            alternative = parent.child_by_field_name("alternative")
            if alternative is not None and alternative.start_byte <= child.start_byte < alternative.end_byte:
                conditions.append(negated(cond))
            elif child != parent.child_by_field_name("condition"):
                conditions.append(cond)
        elif parent.type == "ternary_expression":
            cond = strip_parens(short(node_text(parent.child_by_field_name("condition")), 120))
            if child == parent.child_by_field_name("consequence"):
                conditions.append(cond)
            elif child == parent.child_by_field_name("alternative"):
                conditions.append(negated(cond))
        elif parent.type == "binary_expression" and child == parent.child_by_field_name("right"):
            op = node_text(parent.child_by_field_name("operator"))
            if op in ("&&", "||", "??"):
                left = strip_parens(short(node_text(parent.child_by_field_name("left")), 120))
                conditions.append(left if op == "&&" else negated(left))
        elif parent.type == "switch_case":
            value = parent.child_by_field_name("value")
            conditions.append(f"case {short(node_text(value), 80)}")
        elif parent.type == "switch_default":
            conditions.append("default case of a switch")
        child, parent = parent, parent.parent
    return join_conditions(*reversed(conditions))


def plain(value: dict[str, Any]) -> dict[str, Any]:
    """An evaluated object without its source location."""
    return {k: v for k, v in value.items() if k != LOCATION} if LOCATION in value else value


def to_json(value: Any) -> Any:
    """A plain JSON value: zod types become JSON Schema, run-time parts become their source text."""
    if isinstance(value, Cond):
        return to_json(value.value)
    if isinstance(value, dict):
        value = plain(value)
        if value and all(isinstance(v, ZodType) for v in value.values()):
            return shape_to_schema(value)
        return {k: to_json(v) for k, v in value.items() if not isinstance(v, Func)}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, ZodType):
        return to_json_schema(value)
    if isinstance(value, Partial):
        return value.text
    if isinstance(value, Unknown):
        return None
    if isinstance(value, Func | Module | ZodRoot | _ZodCtor):
        return None
    return value
