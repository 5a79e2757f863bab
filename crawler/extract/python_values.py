"""A small static evaluator for Python expressions: the constants a tool definition is built from.

Tool names, descriptions, schemas and annotations are often not literals at the call site: module constants,
str-Enum members (`Names.X`, `Names.X.value`), imported constants, string concatenation, f-strings, dict and list
literals, `ToolAnnotations(...)`, `Model.model_json_schema()`. This module resolves those from the parsed
project without importing anything. What it cannot know it returns as ``UNRESOLVED`` (or, for an f-string, the
static text as a ``PartialStr``), so callers report it instead of inventing a value.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

MAX_DEPTH = 40
MAX_ITEMS = 500
MAX_STRING = 200_000
# Evaluation steps per server folder: generous for real servers (thousands), a hard stop for pathological input.
MAX_STEPS = 3_000_000


class EvaluationBudgetExceeded(Exception):
    """Static evaluation of one server folder took too many steps (pathological or adversarial code)."""


class Unresolved:
    """A value known only at run time."""

    def __repr__(self) -> str:
        return "UNRESOLVED"


UNRESOLVED = Unresolved()


class PartialStr(str):
    """The static text of a string with run-time parts (an f-string with interpolations)."""


class Choice(list):
    """One of several values, chosen at run time (`TABLE[key]` with an unknown key): each is a possibility."""


@dataclass
class InstanceValue:
    """An object built from a project class, with the attributes its constructor sets (`self.name`)."""

    cls: ast.ClassDef
    module: str
    attrs: dict[str, Any]


@dataclass(frozen=True)
class EnumMember:
    name: str
    value: Any


@dataclass(frozen=True)
class ClassRef:
    node: ast.ClassDef
    module: str


@dataclass(frozen=True)
class FuncRef:
    node: ast.FunctionDef | ast.AsyncFunctionDef
    module: str


@dataclass(frozen=True)
class ModuleRef:
    module: str


@dataclass
class CallValue:
    """A call to something we model (Tool(...), Tool.from_function(...), ToolAnnotations(...))."""

    kind: str  # "tool" | "from_function" | "annotations" | "schema"
    args: list[Any]
    kwargs: dict[str, Any]
    node: ast.Call
    module: str
    conditional: str | None = None


@dataclass
class ModuleInfo:
    key: str  # path relative to the server folder
    dotted: str
    tree: ast.Module
    assigns: dict[str, ast.expr] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # alias -> (module, name|None)
    imported_modules: set[str] = field(default_factory=set)


def dotted_name(path: str) -> str:
    """`src/pkg/server.py` -> `pkg.server`; `pkg/__init__.py` -> `pkg`."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts and parts[0] in ("src", "lib"):
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _absolute(module: ModuleInfo, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    base = module.dotted.split(".") if module.dotted else []
    if not module.key.endswith("__init__.py"):
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)] if level - 1 <= len(base) else []
    return ".".join([*base, *([name] if name else [])])


def index_module(key: str, tree: ast.Module) -> ModuleInfo:
    """Top-level names of a module: constants, classes, functions, imports (also imports inside functions)."""
    info = ModuleInfo(key=key, dotted=dotted_name(key), tree=tree)
    for stmt in _top_statements(tree.body):
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    info.assigns[target.id] = stmt.value
                elif isinstance(target, ast.Tuple) and isinstance(stmt.value, ast.Tuple):
                    for t, v in zip(target.elts, stmt.value.elts, strict=False):
                        if isinstance(t, ast.Name):
                            info.assigns[t.id] = v
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            info.assigns[stmt.target.id] = stmt.value
        elif isinstance(stmt, ast.ClassDef):
            info.classes[stmt.name] = stmt
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            info.functions[stmt.name] = stmt
    for node in statements(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                info.imported_modules.add(alias.name)
                if alias.asname:
                    info.imports.setdefault(alias.asname, (alias.name, None))
                else:
                    info.imports.setdefault(alias.name.split(".")[0], (alias.name.split(".")[0], None))
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(info, node.level, node.module)
            info.imported_modules.add(source)
            for alias in node.names:
                if alias.name == "*":
                    continue
                info.imported_modules.add(f"{source}.{alias.name}" if source else alias.name)
                info.imports.setdefault(alias.asname or alias.name, (source, alias.name))
    return info


def statements(body: list[ast.stmt], *, into_functions: bool = True) -> Iterator[ast.stmt]:
    """Every statement under `body`, without visiting expressions (much cheaper than ast.walk)."""
    stack = list(reversed(body))
    while stack:
        stmt = stack.pop()
        yield stmt
        if not into_functions and isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for name in ("body", "orelse", "finalbody"):
            block = getattr(stmt, name, None)
            if isinstance(block, list):
                stack.extend(reversed(block))
        for handler in getattr(stmt, "handlers", ()) or ():
            stack.extend(reversed(handler.body))
        for case in getattr(stmt, "cases", ()) or ():
            stack.extend(reversed(case.body))


def _top_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """Module-level statements, looking into if/try blocks (constants are often defined there)."""
    out: list[ast.stmt] = []
    for stmt in body:
        if isinstance(stmt, ast.If):
            out += _top_statements(stmt.body) + _top_statements(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            out += _top_statements(stmt.body)
            for handler in stmt.handlers:
                out += _top_statements(handler.body)
            out += _top_statements(stmt.orelse) + _top_statements(stmt.finalbody)
        else:
            out.append(stmt)
    return out


ENUM_BASES = {"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag"}
MODEL_BASES = {"BaseModel", "RootModel", "TypedDict"}


class LazyModules(dict[str, ModuleInfo]):
    """Parsed modules, plus support modules that are parsed only when a name is first looked up in them.

    Files that declare no tool are only read to resolve names (constants, models, helpers); most of them are never
    needed, and parsing is the largest cost of extraction. Iterating gives the modules parsed so far."""

    def __init__(self, load: Callable[[str, str], None]) -> None:
        super().__init__()
        self.pending: dict[str, str] = {}  # key -> source text, not parsed yet
        self._load = load

    def _ensure(self, key: str) -> None:
        text = self.pending.pop(key, None)
        if text is not None:
            self._load(key, text)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self._ensure(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> ModuleInfo:
        self._ensure(key)
        return super().__getitem__(key)

    def all_keys(self) -> list[str]:
        return [*self.keys(), *self.pending]


class Project:
    """All parsed modules of one server folder, with name resolution across imports."""

    def __init__(self, modules: dict[str, ModuleInfo]) -> None:
        self.modules = modules
        self.by_dotted: dict[str, str] = {}
        keys = modules.all_keys() if isinstance(modules, LazyModules) else list(modules)
        for key in keys:
            self.by_dotted.setdefault(dotted_name(key), key)
        self.schema_hook: Any = None  # set by the extractor: (ClassRef) -> schema dict
        self._constants: dict[tuple[str, str], Any] = {}
        self.steps = 0
        self.max_steps = MAX_STEPS

    def module_for(self, dotted: str) -> str | None:
        """The module key for a dotted import; suffix matches allow for src/ layouts and partial trees."""
        if dotted in self.by_dotted:
            return self.by_dotted[dotted]
        tail = "." + dotted
        matches = [key for d, key in self.by_dotted.items() if d.endswith(tail) or dotted.endswith("." + d)]
        return matches[0] if len(matches) == 1 else None

    # -- names -------------------------------------------------------------------------------------
    def lookup(self, name: str, module: str, depth: int = 0) -> Any:
        """A top-level name of `module`: its value node, class, function or imported object."""
        info = self.modules.get(module)
        if info is None or depth > MAX_DEPTH:
            return UNRESOLVED
        if name in info.classes:
            return ClassRef(info.classes[name], module)
        if name in info.functions:
            return FuncRef(info.functions[name], module)
        if name in info.assigns:
            key = (module, name)
            if key not in self._constants:  # memoised: constants built from constants stay linear
                self._constants[key] = UNRESOLVED  # a cycle (A = B; B = A) resolves to nothing
                self._constants[key] = self.evaluate(info.assigns[name], module, depth=depth + 1)
            return self._constants[key]
        if name in info.imports:
            source, attr = info.imports[name]
            if attr is None:
                target = self.module_for(source)
                return ModuleRef(target) if target else UNRESOLVED
            target = self.module_for(source)
            if target is not None and target != module:
                value = self.lookup(attr, target, depth + 1)
                if not isinstance(value, Unresolved):
                    return value
            # `from pkg.tools import document_tools`: a submodule the package __init__ does not itself import
            sub = self.module_for(f"{source}.{attr}" if source else attr)
            if sub is not None:
                return ModuleRef(sub)
        return UNRESOLVED

    def find_class(self, node: ast.expr, module: str) -> tuple[ast.ClassDef, str] | None:
        value = self.evaluate(node, module) if isinstance(node, ast.Name | ast.Attribute) else None
        if isinstance(value, ClassRef):
            return value.node, value.module
        return None

    def base_names(self, cls: ast.ClassDef, module: str, depth: int = 0) -> set[str]:
        """Names of all base classes, transitively through classes defined in the project."""
        names: set[str] = set()
        if depth > 10:
            return names
        for base in cls.bases:
            if isinstance(base, ast.Subscript):
                base = base.value
            last = base.attr if isinstance(base, ast.Attribute) else base.id if isinstance(base, ast.Name) else None
            if last:
                names.add(last)
            found = self.find_class(base, module)
            if found is not None and found[0] is not cls:
                names |= self.base_names(found[0], found[1], depth + 1)
        return names

    def is_enum(self, cls: ast.ClassDef, module: str) -> bool:
        return bool(self.base_names(cls, module) & ENUM_BASES)

    def is_model(self, cls: ast.ClassDef, module: str) -> bool:
        return bool(self.base_names(cls, module) & MODEL_BASES)

    # -- values ------------------------------------------------------------------------------------
    def evaluate(self, node: ast.expr | None, module: str, env: dict[str, Any] | None = None, depth: int = 0) -> Any:
        """The static value of an expression, or UNRESOLVED."""
        if node is None or depth > MAX_DEPTH:
            return UNRESOLVED
        value = self._evaluate(node, module, env or {}, depth)
        return value

    def _evaluate(self, node: ast.expr, module: str, env: dict[str, Any], depth: int) -> Any:
        self.steps += 1
        if self.steps > self.max_steps:
            raise EvaluationBudgetExceeded(f"more than {self.max_steps} evaluation steps")
        ev = self._evaluate
        d = depth + 1
        if d > MAX_DEPTH:
            return UNRESOLVED
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in env:
                return env[node.id]
            if node.id in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[node.id]
            return self.lookup(node.id, module, d)
        if isinstance(node, ast.JoinedStr):
            parts: list[str] = []
            partial = False
            for piece in node.values:
                if isinstance(piece, ast.Constant):
                    parts.append(str(piece.value))
                    continue
                inner = ev(piece.value, module, env, d) if isinstance(piece, ast.FormattedValue) else UNRESOLVED
                inner = unwrap(inner)
                if isinstance(inner, str | int | float) and not isinstance(inner, PartialStr):
                    parts.append(str(inner))
                else:
                    partial = True
            text = "".join(parts)
            return PartialStr(text) if partial else text
        if isinstance(node, ast.Attribute):
            return self._attribute(node, module, env, d)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            items: list[Any] = []
            for elt in node.elts:
                if isinstance(elt, ast.Starred):
                    inner = ev(elt.value, module, env, d)
                    items += list(inner) if isinstance(inner, list | tuple) else [UNRESOLVED]
                else:
                    items.append(ev(elt, module, env, d))
            return tuple(items) if isinstance(node, ast.Tuple) else items
        if isinstance(node, ast.Dict):
            out: dict[Any, Any] = {}
            for k, v in zip(node.keys, node.values, strict=True):
                if k is None:
                    inner = ev(v, module, env, d)
                    if isinstance(inner, dict):
                        out.update(inner)
                    continue
                key = unwrap(ev(k, module, env, d))
                if isinstance(key, str | int | float | bool) or key is None:
                    out[key] = ev(v, module, env, d)
            return out
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = unwrap(ev(node.left, module, env, d)), unwrap(ev(node.right, module, env, d))
            if isinstance(left, str) and isinstance(right, str):
                if len(left) + len(right) > MAX_STRING:
                    return UNRESOLVED  # no real description is this long: a string bomb
                text = left + right
                return PartialStr(text) if isinstance(left, PartialStr) or isinstance(right, PartialStr) else text
            if isinstance(left, str) and isinstance(right, Unresolved):
                return PartialStr(left)
            if isinstance(left, Unresolved) and isinstance(right, str):
                return PartialStr(right)
            if isinstance(left, list) and isinstance(right, list):
                return left + right if len(left) + len(right) <= MAX_ITEMS * 20 else UNRESOLVED
            if isinstance(left, int | float) and isinstance(right, int | float):
                return left + right
            return UNRESOLVED
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            left, right = ev(node.left, module, env, d), ev(node.right, module, env, d)
            if isinstance(left, dict) and isinstance(right, dict):
                return {**left, **right}
            return UNRESOLVED
        if isinstance(node, ast.Subscript):
            base = ev(node.value, module, env, d)
            key = unwrap(ev(node.slice, module, env, d))
            if isinstance(base, dict) and isinstance(key, Unresolved) and 0 < len(base) <= MAX_ITEMS:
                return Choice(base.values())
            try:
                if isinstance(base, dict | list | tuple | str) and not isinstance(key, Unresolved):
                    return base[key]
            except (KeyError, IndexError, TypeError):
                return UNRESOLVED
            return UNRESOLVED
        if isinstance(node, ast.Call):
            return self._call(node, module, env, d)
        if isinstance(node, ast.Await):  # `await handle_list_tools()`: the coroutine's result
            return ev(node.value, module, env, d)
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp) and len(node.generators) == 1:
            return self._comprehension(node, module, env, d)
        if isinstance(node, ast.DictComp) and len(node.generators) == 1:
            pairs = self._comprehension(
                ast.ListComp(elt=ast.Tuple([node.key, node.value]), generators=node.generators), module, env, d
            )
            if isinstance(pairs, list) and all(isinstance(unwrap(k), Hashable) for k, _ in pairs):
                return {unwrap(k): v for k, v in pairs}
            return UNRESOLVED
        if isinstance(node, ast.IfExp):
            return UNRESOLVED
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = ev(node.operand, module, env, d)
            return -inner if isinstance(inner, int | float) else UNRESOLVED
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = unwrap(ev(node.operand, module, env, d))
            return UNRESOLVED if isinstance(inner, Unresolved | CallValue | FuncRef | ClassRef) else not inner
        if isinstance(node, ast.BoolOp):
            values = [unwrap(ev(v, module, env, d)) for v in node.values]
            if any(isinstance(v, Unresolved) for v in values):
                return UNRESOLVED
            if all(isinstance(v, SCALAR) and not isinstance(v, PartialStr) for v in values):
                # Python's own result: `doc or ""` is the docstring, not True
                wanted = not isinstance(node.op, ast.And)
                return next((v for v in values if bool(v) is wanted), values[-1])
            return all(values) if isinstance(node.op, ast.And) else any(values)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            return _compare(
                node.ops[0], unwrap(ev(node.left, module, env, d)), unwrap(ev(node.comparators[0], module, env, d))
            )
        return UNRESOLVED

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp, module: str, env: dict[str, Any], depth: int
    ) -> Any:
        """`[Tool(name=n, ...) for n, d in TABLE]`: unrolled over a literal table."""
        gen = node.generators[0]
        items = self.iterable(self._evaluate(gen.iter, module, env, depth), depth)
        if isinstance(items, dict):
            items = list(items)
        if not isinstance(items, list | tuple) or len(items) > MAX_ITEMS:
            return UNRESOLVED
        out = []
        for item in items:
            inner = dict(env)
            bind(gen.target, item, inner)
            keep = [unwrap(self._evaluate(cond, module, inner, depth)) for cond in gen.ifs]
            if any(k is False or k is None for k in keep):
                continue
            out.append(self._evaluate(node.elt, module, inner, depth))
        return out

    def _grow(self, stmt: ast.Expr | ast.AugAssign, module: str, env: dict[str, Any], depth: int) -> None:
        """A local list built up step by step: `x.append(v)`, `x.extend(vs)`, `x.insert(i, v)`, `x += vs`."""
        if isinstance(stmt, ast.AugAssign):
            target = env.get(stmt.target.id) if isinstance(stmt.target, ast.Name) else None
            if isinstance(target, list) and isinstance(stmt.op, ast.Add):
                extra = self._evaluate(stmt.value, module, env, depth)
                if isinstance(extra, list | tuple):
                    env[stmt.target.id] = [*target, *extra]  # type: ignore[union-attr]
            return
        call = stmt.value
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.args):
            return
        owner = call.func.value
        target = env.get(owner.id) if isinstance(owner, ast.Name) else None
        if not isinstance(target, list):
            return
        value = self._evaluate(call.args[-1], module, env, depth)
        if call.func.attr == "append" or call.func.attr == "insert":
            env[owner.id] = [*target, value]  # type: ignore[union-attr]
        elif call.func.attr == "extend" and isinstance(value, list | tuple):
            env[owner.id] = [*target, *value]  # type: ignore[union-attr]

    def member(self, owner: InstanceValue | ClassRef, name: str) -> Any:
        """`getattr(obj, "get_news")`: an attribute the constructor set, or a method of the object's class."""
        if isinstance(owner, InstanceValue) and name in owner.attrs:
            return owner.attrs[name]
        cls, module = (owner.cls, owner.module) if isinstance(owner, InstanceValue) else (owner.node, owner.module)
        for stmt in cls.body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name == name:
                return FuncRef(stmt, module)
            if isinstance(owner, InstanceValue) and _field_target(stmt) == name:
                return self._field_default(stmt, module)  # a settings or model class's declared default
        return UNRESOLVED

    def _field_default(self, stmt: ast.stmt, module: str) -> Any:
        """`x: str = "d"`, `x: str = Field(default="d", ...)` or `Field("d")`: the value an object starts with."""
        value = stmt.value if isinstance(stmt, ast.Assign | ast.AnnAssign) else None
        if value is None:
            return UNRESOLVED
        if isinstance(value, ast.Call) and _last_name(value.func) == "Field":
            default = next((kw.value for kw in value.keywords if kw.arg == "default"), None)
            if default is None and value.args and not isinstance(value.args[0], ast.Starred):
                default = value.args[0]
            return self._evaluate(default, module, {}, 0) if default is not None else UNRESOLVED
        return self._evaluate(value, module, {}, 0)

    def iterable(self, value: Any, depth: int = 0) -> Any:
        """What a `for` walks: an Enum class yields its members (`for name in ToolNames`), in order."""
        value = unwrap(value)
        if not (isinstance(value, ClassRef) and self.is_enum(value.node, value.module)):
            return value
        members = []
        for stmt in value.node.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                name = stmt.targets[0].id
                if not name.startswith("_"):
                    members.append(EnumMember(name, unwrap(self._evaluate(stmt.value, value.module, {}, depth + 1))))
        return members

    def _attribute(self, node: ast.Attribute, module: str, env: dict[str, Any], depth: int) -> Any:
        base = self._evaluate(node.value, module, env, depth)
        if isinstance(base, EnumMember):
            if node.attr == "value":
                return base.value
            if node.attr == "name":
                return base.name
            return UNRESOLVED
        if isinstance(base, ClassRef):
            for stmt in base.node.body:
                targets = (
                    stmt.targets
                    if isinstance(stmt, ast.Assign)
                    else [stmt.target]
                    if isinstance(stmt, ast.AnnAssign) and stmt.value is not None
                    else []
                )
                for target in targets:
                    if isinstance(target, ast.Name) and target.id == node.attr:
                        assert isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None
                        value = self._evaluate(stmt.value, base.module, {}, depth)
                        if self.is_enum(base.node, base.module):
                            return EnumMember(node.attr, unwrap(value))
                        return value
                if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name == node.attr:
                    return FuncRef(stmt, base.module)
            return UNRESOLVED
        if isinstance(base, FuncRef):  # tools generated from function objects: name and docstring
            if node.attr == "__name__":
                return base.node.name
            if node.attr == "__doc__":
                return ast.get_docstring(base.node, clean=False)
            return UNRESOLVED
        if isinstance(base, ModuleRef):
            return self.lookup(node.attr, base.module, depth)
        if isinstance(base, InstanceValue):
            return self.member(base, node.attr)  # a constructor-set attribute or a method (`yf.get_news`)
        if isinstance(base, str) and node.attr in ("value",):
            return base
        return UNRESOLVED

    def _call(self, node: ast.Call, module: str, env: dict[str, Any], depth: int) -> Any:
        func = node.func
        fname = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        args = [self._evaluate(a, module, env, depth) for a in node.args if not isinstance(a, ast.Starred)]
        kwargs = {kw.arg: self._evaluate(kw.value, module, env, depth) for kw in node.keywords if kw.arg}
        for kw in node.keywords:
            if kw.arg is None:  # Tool(**spec): a literal or built-up dict of keyword arguments
                spread = unwrap(self._evaluate(kw.value, module, env, depth))
                if isinstance(spread, dict):
                    kwargs = {**{str(k): v for k, v in spread.items()}, **kwargs}
        if fname == "getdoc" and len(args) == 1 and isinstance(args[0], FuncRef):
            return ast.get_docstring(args[0].node, clean=True)
        if fname in ("Tool", "MCPTool"):
            return CallValue("tool", args, kwargs, node, module)
        if fname == "from_function":
            return CallValue("from_function", args, kwargs, node, module)
        if fname == "ToolAnnotations":
            return CallValue("annotations", args, kwargs, node, module)
        if fname == "ListToolsResult":  # a list_tools result wrapper: its tools are what matters
            return kwargs.get("tools", args[0] if args else UNRESOLVED)
        if fname in ("model_json_schema", "schema") and isinstance(func, ast.Attribute):
            target = self._evaluate(func.value, module, env, depth)
            if isinstance(target, ClassRef) and self.schema_hook is not None:
                return self.schema_hook(target)
            return UNRESOLVED
        if fname == "dict" and not args:
            return dict(kwargs)
        if fname in ("list", "set", "tuple", "frozenset") and not args and not kwargs:
            return []
        if fname in ("list", "tuple", "sorted") and len(args) == 1 and not kwargs and isinstance(func, ast.Name):
            items = self.iterable(args[0], depth)  # list(ToolNames), sorted(TABLE)
            if isinstance(items, dict):
                items = list(items)
            if isinstance(items, list | tuple):
                if fname != "sorted":
                    return list(items)
                try:
                    return sorted(items)
                except TypeError:
                    return UNRESOLVED
        if fname in ("dedent", "cleandoc") and args and isinstance(args[0], str):
            text = textwrap.dedent(args[0]) if fname == "dedent" else inspect.cleandoc(args[0])
            return PartialStr(text) if isinstance(args[0], PartialStr) else text
        if isinstance(func, ast.Attribute):
            target = unwrap(self._evaluate(func.value, module, env, depth))
            if isinstance(target, InstanceValue):  # obj.method(...): the method with `self` bound to obj
                method = self.member(target, fname)
                if isinstance(method, FuncRef):
                    positional = [*method.node.args.posonlyargs, *method.node.args.args]
                    bound = bool(positional) and positional[0].arg == "self"
                    return self.call_function(method, [target, *args] if bound else args, kwargs, depth)
            if isinstance(target, str) and not isinstance(target, PartialStr):
                if fname in ("strip", "lstrip", "rstrip", "lower", "upper", "title") and not args:
                    return getattr(target, fname)()
                plain_args = [unwrap(a) for a in args]
                if (
                    fname in ("split", "rsplit", "replace")
                    and plain_args
                    and not kwargs
                    and all(isinstance(a, str | int) for a in plain_args)
                ):
                    try:
                        return getattr(target, fname)(*plain_args)
                    except (TypeError, ValueError):
                        return UNRESOLVED
                if fname == "join" and args and isinstance(args[0], list | tuple):
                    parts = [unwrap(a) for a in args[0]]
                    if all(isinstance(p, str) for p in parts):
                        return target.join(parts)
                if fname == "format" and all(isinstance(unwrap(v), str | int | float) for v in kwargs.values()):
                    try:
                        return target.format(*[unwrap(a) for a in args], **{k: unwrap(v) for k, v in kwargs.items()})
                    except (KeyError, IndexError, ValueError):
                        return PartialStr(target)
            if isinstance(target, dict) and fname == "items" and not args:
                return list(target.items())
            if isinstance(target, dict) and fname in ("values", "keys") and not args:
                return list(getattr(target, fname)())
        if fname == "str" and len(args) == 1 and isinstance(unwrap(args[0]), str):
            return unwrap(args[0])
        if fname == "getattr" and len(args) in (2, 3) and isinstance(func, ast.Name):
            name = unwrap(args[1])
            if isinstance(name, str) and isinstance(args[0], InstanceValue | ClassRef):
                return self.member(args[0], name)
        if isinstance(func, ast.Name | ast.Attribute | ast.Subscript):
            target = self._evaluate(func, module, env, depth)
            if isinstance(target, FuncRef):
                return self.call_function(target, args, kwargs, depth)
            if isinstance(target, ClassRef) and not (
                self.is_enum(target.node, target.module) or self.is_model(target.node, target.module)
            ):
                return InstanceValue(target.node, target.module, {})  # an object whose methods can be named
            if isinstance(target, Choice):
                return Choice(
                    self.call_function(t, args, kwargs, depth) if isinstance(t, FuncRef) else UNRESOLVED for t in target
                )
        return UNRESOLVED

    def call_function(self, ref: FuncRef, args: list[Any], kwargs: dict[str, Any], depth: int) -> Any:
        """What a simple function returns: straight-line assignments, then its last top-level `return`.

        This is how tool tables behind `get_all_functions()` or `make_tools()` factories are read.
        """
        fn = ref.node
        if depth + 5 > MAX_DEPTH:
            return UNRESOLVED
        params = [*fn.args.posonlyargs, *fn.args.args]
        env: dict[str, Any] = {}
        defaults = [None] * (len(params) - len(fn.args.defaults)) + list(fn.args.defaults)
        for param, default in zip(params, defaults, strict=True):
            env[param.arg] = self._evaluate(default, ref.module, {}, depth + 1) if default is not None else UNRESOLVED
        for param, value in zip(params, args, strict=False):
            env[param.arg] = value
        for key, value in kwargs.items():
            env[key] = value
        returned, result = self._run_body(fn.body, ref.module, env, depth + 1)
        return result if returned else UNRESOLVED

    def _run_body(self, body: list[ast.stmt], module: str, env: dict[str, Any], depth: int) -> tuple[bool, Any]:
        """Straight-line assignments and returns, entering an `if` only when its test is decided statically
        (`if namespace: return namespace + "-" else: return ""` called with the default ``""``).

        Returns (whether a return was reached, its value); undecided branches are skipped, so a function
        whose result depends on run-time state stays unresolved rather than taking a guessed branch."""
        for stmt in body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                env[stmt.targets[0].id] = self._evaluate(stmt.value, module, env, depth)
            elif isinstance(stmt, ast.Return) and stmt.value is not None:
                return True, self._evaluate(stmt.value, module, env, depth)
            elif isinstance(stmt, ast.Expr | ast.AugAssign):
                self._grow(stmt, module, env, depth)  # tools.append(Tool(...)) / tools += [...]
            elif isinstance(stmt, ast.If):
                test = unwrap(self._evaluate(stmt.test, module, env, depth))
                if not isinstance(test, SCALAR) or isinstance(test, PartialStr):
                    continue
                returned, value = self._run_body(stmt.body if test else stmt.orelse, module, env, depth)
                if returned:
                    return True, value
        return False, UNRESOLVED


def _field_target(stmt: ast.stmt) -> str | None:
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    return None


def _last_name(node: ast.expr) -> str | None:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None


def unwrap(value: Any) -> Any:
    """Enum members stand for their value wherever a plain value is needed (str-Enums are strs)."""
    while isinstance(value, EnumMember):
        value = value.value
    return value


def plain(value: Any) -> Any:
    """A JSON-ready copy: enum members unwrapped, tuples as lists, unresolved parts dropped."""
    value = unwrap(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items() if not isinstance(unwrap(v), Unresolved)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value if not isinstance(unwrap(v), Unresolved)]
    if isinstance(value, PartialStr):
        return str(value)
    if isinstance(value, CallValue) and value.kind == "annotations":
        return annotations_from_kwargs(value.kwargs)
    if isinstance(value, InstanceValue | FuncRef | ClassRef | ModuleRef | CallValue):
        return None  # a code object where data was expected: not JSON, not the wire value
    return value


def snake_to_camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def annotations_from_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """`ToolAnnotations(read_only_hint=True)` as the wire sends it (`readOnlyHint`); unknown values left out."""
    out: dict[str, Any] = {}
    for key, value in kwargs.items():
        value = unwrap(value)
        if isinstance(value, Unresolved):
            continue
        out[snake_to_camel(key)] = plain(value)
    return out


def bind(target: ast.expr, item: Any, env: dict[str, Any]) -> None:
    """Assign a loop item to a loop target (`name` or `a, b`), as Python would."""
    if isinstance(target, ast.Name):
        env[target.id] = item
    elif isinstance(target, ast.Tuple | ast.List):
        item = unwrap(item)
        star = next((i for i, t in enumerate(target.elts) if isinstance(t, ast.Starred)), None)
        if star is not None and isinstance(item, list | tuple) and len(item) >= len(target.elts) - 1:
            after = len(target.elts) - star - 1
            head, rest = list(item[:star]), list(item[star : len(item) - after])
            tail = list(item[len(item) - after :]) if after else []
            for t, v in zip(target.elts, [*head, rest, *tail], strict=True):
                bind(t.value if isinstance(t, ast.Starred) else t, v, env)
        elif isinstance(item, list | tuple) and len(item) == len(target.elts):
            for t, v in zip(target.elts, item, strict=True):
                bind(t, v, env)
        else:
            for t in target.elts:
                bind(t, UNRESOLVED, env)


SCALAR = (str, int, float, bool, type(None))


def _compare(op: ast.cmpop, left: Any, right: Any) -> Any:
    """A comparison of two known plain values (`mode == "prod"`, `x in ("a", "b")`); otherwise UNRESOLVED."""
    if not isinstance(left, SCALAR) or not isinstance(right, (*SCALAR, list, tuple)):
        return UNRESOLVED
    if isinstance(op, ast.Eq | ast.NotEq | ast.Is | ast.IsNot) and isinstance(right, SCALAR):
        same = left == right
        return same if isinstance(op, ast.Eq | ast.Is) else not same
    if isinstance(op, ast.In | ast.NotIn) and isinstance(right, list | tuple | str):
        if isinstance(right, list | tuple) and not all(isinstance(r, SCALAR) for r in right):
            return UNRESOLVED
        try:
            found = left in right
        except TypeError:
            return UNRESOLVED
        return found if isinstance(op, ast.In) else not found
    return UNRESOLVED
