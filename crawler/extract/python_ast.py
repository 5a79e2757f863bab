"""Python MCP servers: tool definitions from the source with `ast` only (never imported, never run).

Covers FastMCP-style servers (`mcp.server.fastmcp.FastMCP`, the standalone `fastmcp` package, the SDK 2.x
`mcp.server.mcpserver.MCPServer`, and subclasses of them) and the low-level SDK (`list_tools` handlers that
return `Tool(...)` objects). Receivers are resolved, not matched by spelling: any variable, `self.attr` or
parameter bound to a server instance, across imports and aliases. What decides whether something is a tool is
the registration on a server (decorator, `add_tool`, `tool()(fn)`, a list_tools handler): prompts, resources,
client code calling tools and other frameworks' `@tool` decorators are not tools.

Reachability: when `pyproject.toml` names entry points (`[project.scripts]`), tools registered in modules the
entry point never imports (legacy copies, `server_v2/` rewrites) are left out, provided the entry point does
reach some tools.
"""

from __future__ import annotations

import ast
import bisect
import inspect
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from catalog.records import ExtractionProblem, ToolRecord
from crawler.extract.base import FileResult, SourceFile
from crawler.extract.python_schema import SchemaBuilder
from crawler.extract.python_values import (
    UNRESOLVED,
    CallValue,
    Choice,
    ClassRef,
    EvaluationBudgetExceeded,
    FuncRef,
    InstanceValue,
    LazyModules,
    PartialStr,
    Project,
    Unresolved,
    annotations_from_kwargs,
    bind,
    dotted_name,
    index_module,
    plain,
    statements,
    unwrap,
)

# (module, class) pairs that make a FastMCP-style server, and what flavour of schema it sends.
HIGH_LEVEL: dict[tuple[str, str], str] = {
    ("mcp.server.fastmcp", "FastMCP"): "sdk",
    ("mcp.server.fastmcp.server", "FastMCP"): "sdk",
    ("mcp.server.mcpserver", "MCPServer"): "sdk",
    ("mcp.server.mcpserver.server", "MCPServer"): "sdk",
    ("mcp.server", "MCPServer"): "sdk",
    ("mcp.server", "FastMCP"): "sdk",
    ("fastmcp", "FastMCP"): "standalone",
    ("fastmcp.server", "FastMCP"): "standalone",
    ("fastmcp.server.server", "FastMCP"): "standalone",
}
LOW_LEVEL: set[tuple[str, str]] = {
    ("mcp.server", "Server"),
    ("mcp.server.lowlevel", "Server"),
    ("mcp.server.lowlevel.server", "Server"),
}
# Constructors of servers whose tools are generated at run time: from an OpenAPI description, from a web
# app's routes, or forwarded from another MCP server. Their tools cannot be listed statically; they are said.
GENERATED_SERVERS: dict[str, str] = {
    "from_openapi": "tools generated at run time from an OpenAPI description (one per operation)",
    "from_fastapi": "tools generated at run time from a FastAPI app's routes",
    "as_proxy": "tools forwarded at run time from another MCP server (proxy)",
}
# A module can only declare tools if it imports an MCP SDK, registers on a server (`.tool`, `add_tool`,
# `list_tools`, mounts) or builds `Tool(...)` objects. Others are parsed only when a name in them is needed.
DECLARING_WORDS = (".tool", "list_tools", "add_tool", "FastMCP", "MCPServer", "import_server", ".mount(")
SDK_IMPORT = re.compile(r"(?m)^[ \t]*(?:from|import)[ \t]+(?:mcp|fastmcp)\b")
TOOL_CALL = re.compile(r"\bTool\s*\(")


def declares_tools(text: str) -> bool:
    """Cheap test run on every Python file: plain substring checks first, two small regexes last."""
    if any(word in text for word in DECLARING_WORDS):
        return True
    if "mcp" in text and SDK_IMPORT.search(text):
        return True
    return "Tool" in text and TOOL_CALL.search(text) is not None


CALLED_NAME = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
RECEIVER_HINT = re.compile(r"(mcp|server|srv|app)", re.IGNORECASE)
MAX_LOOP = 500
IGNORED_CONDITIONS = ("__name__", "TYPE_CHECKING")


@dataclass
class Ctx:
    """Where a statement sits: module, enclosing functions and class, enclosing `if` conditions, loop bindings."""

    module: str
    functions: tuple[ast.FunctionDef | ast.AsyncFunctionDef, ...] = ()
    cls: ast.ClassDef | None = None
    conds: tuple[Cond, ...] = ()
    env: dict[str, Any] = field(default_factory=dict)

    def inner(self, **changes: Any) -> Ctx:
        data = {"module": self.module, "functions": self.functions, "cls": self.cls, "conds": self.conds}
        data["env"] = dict(self.env)
        data.update(changes)
        return Ctx(**data)


@dataclass
class Registration:
    instance: str
    fn: FuncRef | None
    call: ast.Call | None  # the decorator / tool() / add_tool() call carrying name=, description=, ...
    ctx: Ctx
    line: int
    extra_kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Template:
    """A registration inside a decorator (factory) whose function argument is a parameter."""

    instance: str
    call: ast.Call
    ctx: Ctx
    fn_param: str


@dataclass
class Mount:
    parent: str
    child: str
    prefix: str | None


class Cond:
    """An enclosing `if` test; its source text is only rendered when a tool under it is reported."""

    __slots__ = ("test", "negate", "_text", "_done")

    def __init__(self, test: ast.expr, negate: bool = False) -> None:
        self.test, self.negate, self._text, self._done = test, negate, None, False

    @property
    def text(self) -> str | None:
        if not self._done:
            self._text, self._done = _cond_text(self.test, self.negate), True
        return self._text


def cond_texts(ctx: Ctx) -> list[str]:
    return [t for c in ctx.conds if (t := c.text)]


def _cond_text(test: ast.expr, negate: bool = False) -> str | None:
    text = ast.unparse(test)
    if any(word in text for word in IGNORED_CONDITIONS):
        return None
    return f"not ({text})" if negate else text


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


class PythonExtractor:
    """One server folder's Python files: parse, index, find instances, registrations and list_tools handlers."""

    def __init__(self, files: list[SourceFile]) -> None:
        self.result = FileResult()
        self.modules = LazyModules(self._parse)
        self.mentions_mcp: dict[str, bool] = {}
        self.pyproject: str | None = None
        self.entry_points: str | None = None
        self.texts: dict[str, str] = {}
        for f in files:
            if f.path.endswith(".py"):
                self.texts[f.path] = f.text
                if declares_tools(f.text):
                    self._parse(f.path, f.text)
                else:
                    self.modules.pending[f.path] = f.text  # parsed when one of its names is looked up
            elif f.path.rsplit("/", 1)[-1] == "pyproject.toml" and self.pyproject is None:
                self.pyproject = f.text
            elif f.path == "entry_points.txt":  # a wheel's console scripts (wheels ship no pyproject.toml)
                self.entry_points = f.text
        self.project = Project(self.modules)
        self.project.schema_hook = self._model_schema
        self.instances: dict[str, str] = {}  # instance id -> flavour (sdk | standalone | lowlevel | unknown)
        self.registrations: list[Registration] = []
        self.handlers: list[tuple[FuncRef, Ctx]] = []
        self.mounts: list[Mount] = []
        self.calls: list[tuple[ast.Call, Ctx]] = []
        self.param_bindings: dict[str, set[str]] = {}
        self._called: set[str] | None = None
        self.templates: list[Template] = []
        self._self_cache: dict[int, InstanceValue] = {}  # id of a class -> `self` as its constructor leaves it
        self.aliases: dict[int, str] = {}  # id of a `def tool(**kw): return srv.tool(**kw)` -> its server
        self.decorations: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, ast.expr, Ctx]] = []
        self.call_sites: dict[str, list[dict[str, Any]]] = {}  # "module:function" -> argument values per call
        self._recorded_calls: set[str] = set()
        self._env_cache: dict[int, dict[str, Any]] = {}
        self._alias_cache: dict[int, dict[str, ast.expr]] = {}
        self._walks: dict[str, list[tuple[ast.stmt, Ctx]]] = {}
        self._interesting: dict[str, list[int]] = {}  # module -> line numbers matching INTERESTING
        self._handler_outer: ast.FunctionDef | ast.AsyncFunctionDef | None = None  # the handler's enclosing def

    def _parse(self, path: str, text: str) -> None:
        try:
            tree = ast.parse(text, filename=path)
        except SyntaxError as exc:
            self.result.problems.append(ExtractionProblem(path, f"Python syntax error at line {exc.lineno}: {exc.msg}"))
            return
        except (ValueError, RecursionError, MemoryError) as exc:
            self.result.problems.append(ExtractionProblem(path, f"cannot parse as Python: {type(exc).__name__}"))
            return
        info = self.modules[path] = index_module(path, tree)
        self.mentions_mcp[path] = any(m.split(".")[0] in ("mcp", "fastmcp") for m in info.imported_modules)

    # -- server classes and instances ----------------------------------------------------------------
    def server_kind(self, node: ast.expr, module: str, depth: int = 0) -> str | None:
        """'sdk' | 'standalone' | 'lowlevel' when `node` names a server class (or a project subclass of one)."""
        if depth > 8:
            return None
        info = self.modules[module]
        if isinstance(node, ast.Name):
            if node.id in info.imports:
                source, attr = info.imports[node.id]
                if attr is not None:
                    key = (source, attr)
                    if key in HIGH_LEVEL:
                        return HIGH_LEVEL[key]
                    if key in LOW_LEVEL:
                        return "lowlevel"
        elif isinstance(node, ast.Attribute):
            dotted = ast.unparse(node)
            head, _, rest = dotted.partition(".")
            if head in info.imports and info.imports[head][1] is None:
                full = info.imports[head][0] + "." + rest
                source, _, attr = full.rpartition(".")
                if (source, attr) in HIGH_LEVEL:
                    return HIGH_LEVEL[(source, attr)]
                if (source, attr) in LOW_LEVEL:
                    return "lowlevel"
        name = _last_name(node)
        if not (name and name[:1].isupper()):
            return None  # classes are capitalised; evaluating every `x = helper()` would parse helper modules
        value = self.project.evaluate(node, module) if isinstance(node, ast.Name | ast.Attribute) else None
        if isinstance(value, ClassRef):
            for base in value.node.bases:
                kind = self.server_kind(base, value.module, depth + 1)
                if kind:
                    return kind
        return None

    def _instance_target(self, target: ast.expr, ctx: Ctx) -> str | None:
        if isinstance(target, ast.Name):
            if ctx.functions:
                return f"{ctx.module}:{ctx.functions[-1].name}:{target.id}"
            return f"{ctx.module}:{target.id}"
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
            owner = ctx.cls.name if ctx.cls else "?"
            return f"{ctx.module}:{owner}.self.{target.attr}"
        return None

    def _server_call(self, value: ast.expr | None, ctx: Ctx) -> str | None:
        if isinstance(value, ast.Call):
            func = value.func
            if isinstance(func, ast.Attribute) and func.attr in GENERATED_SERVERS:
                kind = self.server_kind(func.value, ctx.module)  # FastMCP.from_openapi(...): still a server
                if kind is not None:
                    self._unresolved(ctx, value.lineno, GENERATED_SERVERS[func.attr], ast.unparse(func))
                return kind
            return self.server_kind(func, ctx.module)
        return None

    def find_instances(self) -> None:
        for key in list(self.modules):
            for stmt, ctx in self.walk(key):
                if isinstance(stmt, ast.Assign | ast.AnnAssign):
                    kind = self._server_call(stmt.value, ctx)
                    if kind is None:
                        continue
                    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                    for target in targets:
                        ident = self._instance_target(target, ctx)
                        if ident:
                            self.instances[ident] = kind
                if isinstance(stmt, ast.ClassDef):
                    kind = next((k for b in stmt.bases if (k := self.server_kind(b, key))), None)
                    if kind:
                        self.instances[f"{key}:{stmt.name}"] = kind

    # -- walking -------------------------------------------------------------------------------------
    def walk(self, key: str) -> list[tuple[ast.stmt, Ctx]]:
        """A module's statements with their contexts, walked once (instances and registrations both read it)."""
        cached = self._walks.get(key)
        if cached is None:
            cached = self._walks[key] = list(self._statements(self.modules[key].tree.body, Ctx(key)))
        return cached

    def _statements(self, body: list[ast.stmt], ctx: Ctx) -> Iterator[tuple[ast.stmt, Ctx]]:
        """Every statement with its context, descending into functions, classes, if/try/with/for blocks."""
        for stmt in body:
            yield stmt, ctx
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from self._statements(stmt.body, ctx.inner(functions=(*ctx.functions, stmt)))
            elif isinstance(stmt, ast.ClassDef):
                yield from self._statements(stmt.body, ctx.inner(cls=stmt))
            elif isinstance(stmt, ast.If):
                yield from self._statements(stmt.body, ctx.inner(conds=(*ctx.conds, Cond(stmt.test))))
                yield from self._statements(stmt.orelse, ctx.inner(conds=(*ctx.conds, Cond(stmt.test, True))))
            elif isinstance(stmt, ast.Try | ast.TryStar):
                yield from self._statements(stmt.body, ctx)
                for handler in stmt.handlers:
                    yield from self._statements(handler.body, ctx)
                yield from self._statements(stmt.orelse + stmt.finalbody, ctx)
            elif isinstance(stmt, ast.With | ast.AsyncWith | ast.While):
                yield from self._statements(stmt.body, ctx)
            elif isinstance(stmt, ast.For | ast.AsyncFor):
                yield from self._loop(stmt, ctx)
            elif isinstance(stmt, ast.Match):
                for case in stmt.cases:
                    yield from self._statements(case.body, ctx)

    def _loop(self, stmt: ast.For | ast.AsyncFor, ctx: Ctx) -> Iterator[tuple[ast.stmt, Ctx]]:
        """A loop over a literal table is unrolled, so `for fn in (a, b): mcp.tool()(fn)` registers a and b.

        Loops whose lines name no registration (most loops: tool bodies, helpers) are walked once, unevaluated."""
        if not self._may_register(stmt, ctx.module):
            yield from self._statements(stmt.body, ctx)
            return
        items = flatten_choice(
            self.project.iterable(self.project.evaluate(stmt.iter, ctx.module, self._local_env(ctx)))
        )
        if isinstance(items, dict):
            items = list(items)
        if isinstance(items, list | tuple) and 0 < len(items) <= MAX_LOOP:
            for item in items:
                env = dict(ctx.env)
                bind(stmt.target, item, env)
                yield from self._statements(stmt.body, ctx.inner(env=env))
        else:
            yield from self._statements(stmt.body, ctx)

    def _may_register(self, stmt: ast.stmt, module: str) -> bool:
        """Whether a block's source lines hold anything a registration or hand-over could be made of."""
        lines = self._interesting.get(module)
        if lines is None:
            lines = self._interesting[module] = interesting_lines(self.texts.get(module, ""))
        end = getattr(stmt, "end_lineno", None) or stmt.lineno
        i = bisect.bisect_left(lines, stmt.lineno)
        return i < len(lines) and lines[i] <= end

    # -- receivers -----------------------------------------------------------------------------------
    def receiver(self, node: ast.expr, ctx: Ctx, depth: int = 0) -> str | None:
        """The server instance a `.tool` / `.add_tool` / `.mount` call is made on, or None if it is not one.

        Local aliases are followed (`mcp = self.mcp`, `srv = server`, module-level `app = shared`), so the
        instance is the one the alias was bound from, not a new unknown receiver named after the alias."""
        module = ctx.module
        if isinstance(node, ast.Name):
            name = node.id
            for i in range(len(ctx.functions) - 1, -1, -1):
                fn = ctx.functions[i]
                ident = f"{module}:{fn.name}:{name}"
                if ident in self.instances:
                    return ident
                alias = self._local_aliases(fn).get(name)
                if alias is not None and depth < 6:
                    outer = ctx.inner(functions=ctx.functions[: i + 1])
                    found = self.receiver(alias, outer, depth + 1)
                    if found is not None:
                        return found
                params = [a for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)]
                for arg in params:
                    if arg.arg != name:
                        continue
                    if name == "self" and ctx.cls is not None:
                        ident = f"{module}:{ctx.cls.name}"
                        return ident if ident in self.instances else None
                    kind = self.server_kind(arg.annotation, module) if arg.annotation is not None else None
                    if kind or RECEIVER_HINT.search(name) or self.mentions_mcp.get(module):
                        ident = f"param:{module}:{fn.name}:{name}"
                        self.instances.setdefault(ident, kind or "unknown")
                        return ident
                    return None
            return self._module_instance(name, module, depth)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            owner = ctx.cls.name if ctx.cls else "?"
            ident = f"{module}:{owner}.self.{node.attr}"
            if ident in self.instances:
                return ident
            if self.mentions_mcp.get(module) and RECEIVER_HINT.search(node.attr):
                self.instances.setdefault(ident, "unknown")
                return ident
            return None
        if isinstance(node, ast.Attribute) and self.mentions_mcp.get(module) and RECEIVER_HINT.search(node.attr):
            ident = f"{module}:{ast.unparse(node)}"
            self.instances.setdefault(ident, "unknown")
            return ident
        return None

    def _local_aliases(self, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.expr]:
        """Names a function binds once to another name or attribute (`mcp = self.mcp`); rebound names are
        left out, since which binding a later decorator sees depends on control flow."""
        cached = self._alias_cache.get(id(fn))
        if cached is not None:
            return cached
        aliases: dict[str, ast.expr] = {}
        seen: set[str] = set()
        for stmt in statements(fn.body, into_functions=False):
            if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    if not isinstance(target, ast.Name):
                        continue
                    if target.id in seen:
                        aliases.pop(target.id, None)
                    elif isinstance(stmt.value, ast.Name | ast.Attribute):
                        aliases[target.id] = stmt.value
                    seen.add(target.id)
        self._alias_cache[id(fn)] = aliases
        return aliases

    def _module_instance(self, name: str, module: str, depth: int = 0) -> str | None:
        ident = f"{module}:{name}"
        if ident in self.instances:
            return ident
        info = self.modules.get(module)
        value = info.assigns.get(name) if info is not None else None
        if isinstance(value, ast.Name | ast.Attribute) and depth < 6 and ast.unparse(value) != name:
            found = self.receiver(value, Ctx(module), depth + 1)  # `app = mcp` / `server = holder.mcp`
            if found is not None:
                return found
        if info is not None and isinstance(info.assigns.get(name), ast.Call):
            # `mcp = create_server()`: a factory that builds and returns the server
            kind = self._factory_kind(info.assigns[name], module)
            if kind or (self.mentions_mcp.get(module) and RECEIVER_HINT.search(name)):
                self.instances[ident] = kind or "unknown"
                return ident
        if info is None or depth > 6 or name not in info.imports:
            return None
        source, attr = info.imports[name]
        target = self.project.module_for(source) if attr else None
        if target is not None and attr is not None:
            return self._module_instance(attr, target, depth + 1)
        if attr is not None and self.mentions_mcp.get(module) and RECEIVER_HINT.search(name):
            ident = f"ext:{source}.{attr}"  # imported from a module outside this folder
            self.instances.setdefault(ident, "unknown")
            return ident
        return None

    def _factory_kind(self, call: ast.Call, module: str) -> str | None:
        """The server flavour a project function builds (`def create_server(): return FastMCP(...)`), if any."""
        target = self.project.evaluate(call.func, module)
        if not isinstance(target, FuncRef):
            return None
        for node in ast.walk(target.node):
            if isinstance(node, ast.Call) and (kind := self.server_kind(node.func, target.module)):
                return kind
        return None

    # -- registrations -------------------------------------------------------------------------------
    def find_registrations(self) -> None:
        for key in list(self.modules):
            lines = self._interesting.get(key)
            if lines is None:
                lines = self._interesting[key] = interesting_lines(self.texts.get(key, ""))
            for stmt, ctx in self.walk(key):
                if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                    if stmt.decorator_list:
                        self._decorated(stmt, ctx)
                    continue
                if isinstance(stmt, ast.ClassDef) or not _touches(lines, stmt):
                    continue
                for node in _expressions(stmt):
                    if isinstance(node, ast.Call):
                        self._call(node, ctx)

    def _decorated(self, fn: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Ctx) -> None:
        for dec in fn.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            if isinstance(target, ast.Name | ast.Attribute):
                self.decorations.append((fn, dec, ctx))
            if not isinstance(target, ast.Attribute):
                continue
            if target.attr == "tool":
                instance = self.receiver(target.value, ctx)
                if instance is None or self.instances.get(instance) == "lowlevel":
                    continue
                call = dec if isinstance(dec, ast.Call) else None
                self.registrations.append(Registration(instance, FuncRef(fn, ctx.module), call, ctx, fn.lineno))
                return  # only the MCP decorator decides; others stacked on it are noise
            if target.attr == "list_tools" and isinstance(dec, ast.Call):
                self.handlers.append((FuncRef(fn, ctx.module), ctx))
                return

    def _call(self, node: ast.Call, ctx: Ctx) -> None:
        func = node.func
        if isinstance(func, ast.Call) and isinstance(func.func, ast.Attribute) and node.args:
            # srv.tool(...)(fn)  /  srv.list_tools()(handler)
            inner = func.func
            if inner.attr not in ("tool", "list_tools"):
                return
            fn = self.function_ref(node.args[0], ctx)
            if inner.attr == "tool" and self._wrapper_of_param(node.args[0], ctx):
                self._template(node.args[0], inner.value, func, ctx)  # functools.wraps(func) wrapper
            elif isinstance(fn, FuncRef) and inner.attr == "tool":
                instance = self.receiver(inner.value, ctx)
                if instance is not None:
                    self.registrations.append(Registration(instance, fn, func, ctx, node.lineno))
            elif inner.attr == "tool":
                if not self._template(node.args[0], inner.value, func, ctx):
                    self._dynamic_function(node.args[0], inner.value, ctx, node.lineno)
            elif isinstance(fn, FuncRef) and inner.attr == "list_tools":
                self.handlers.append((fn, ctx))
            return
        if not isinstance(func, ast.Attribute | ast.Name):
            return
        name = _last_name(func)
        if isinstance(func, ast.Attribute) and name == "tool" and self._tool_alias(node, func, ctx):
            return
        if isinstance(func, ast.Attribute) and name == "tool" and node.args:
            fn = self.function_ref(node.args[0], ctx)
            if self._wrapper_of_param(node.args[0], ctx):
                self._template(node.args[0], func.value, node, ctx)
            elif isinstance(fn, FuncRef):  # srv.tool(fn, name=...)
                instance = self.receiver(func.value, ctx)
                if instance is not None:
                    self.registrations.append(Registration(instance, fn, node, ctx, node.lineno))
            elif not self._template(node.args[0], func.value, node, ctx) and not _is_literal(node.args[0]):
                self._dynamic_function(node.args[0], func.value, ctx, node.lineno)
        elif isinstance(func, ast.Attribute) and name == "add_tool" and node.args:
            if not self._template(node.args[0], func.value, node, ctx):
                self._add_tool(node, func, ctx)
        elif isinstance(func, ast.Attribute) and name in ("mount", "import_server"):
            self._mount(node, func, ctx)
        else:
            for kw in node.keywords:
                if kw.arg == "on_list_tools" and self.server_kind(func, ctx.module) == "lowlevel":
                    handler = self.function_ref(kw.value, ctx)
                    if isinstance(handler, FuncRef):
                        self.handlers.append((handler, ctx))
            if name and any(name in info.functions for info in list(self.modules.values())):
                self.calls.append((node, ctx))

    def _template(self, fn_arg: ast.expr, receiver: ast.expr, call: ast.Call, ctx: Ctx) -> bool:
        """`def register_tool(name): def deco(func): srv.tool(func, name=name)`: a registration whose function is
        a parameter. It is replayed for every function the decorator (factory) is applied to."""
        if not (isinstance(fn_arg, ast.Name) and ctx.functions):
            return False
        inner = ctx.functions[-1]
        params = {a.arg for a in (*inner.args.posonlyargs, *inner.args.args, *inner.args.kwonlyargs)}
        fn_param = fn_arg.id if fn_arg.id in params else _wrapped_param(inner, fn_arg.id, params)
        if fn_param is None:
            return False
        instance = self.receiver(receiver, ctx)
        if instance is None:
            return False
        self.templates.append(Template(instance, call, ctx, fn_param))
        return True

    def _wrapper_of_param(self, node: ast.expr, ctx: Ctx) -> bool:
        if not (isinstance(node, ast.Name) and ctx.functions):
            return False
        fn = ctx.functions[-1]
        params = {a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)}
        return _wrapped_param(fn, node.id, params) is not None

    def _tool_alias(self, node: ast.Call, func: ast.Attribute, ctx: Ctx) -> bool:
        """`def tool(*args, **kwargs): return mcp.tool(*args, **kwargs)`: a project decorator that is the server's
        own `.tool`; every `@tool(...)` use is a registration with that call's arguments."""
        if not ctx.functions or any(isinstance(a, ast.Starred) for a in node.args[1:]):
            return False
        fn = ctx.functions[-1]
        if not any(isinstance(st, ast.Return) and st.value is node for st in ast.walk(fn)):
            return False
        if node.args and not isinstance(node.args[0], ast.Starred):
            return False
        instance = self.receiver(func.value, ctx)
        if instance is None:
            return False
        self.aliases[id(fn)] = instance
        return True

    def _dynamic_function(self, fn_arg: ast.expr, receiver: ast.expr, ctx: Ctx, line: int) -> None:
        """`for t in filtered(): srv.tool(name=t.name)(t.func)`: a function that only exists at run time is
        registered on a server. Its tools cannot be listed statically; say so instead of staying silent."""
        if self.receiver(receiver, ctx) is None:
            return
        self._unresolved(
            ctx,
            line,
            "tool function chosen at run time (a loop or lookup the extractor cannot follow)",
            ast.unparse(fn_arg),
        )

    def apply_templates(self) -> None:
        """Registrations for every `@factory(args)`-decorated (or `@decorator`-decorated) function."""
        for fn, dec, ctx in self.decorations if self.aliases else []:
            target = self.function_ref(dec.func if isinstance(dec, ast.Call) else dec, ctx)
            if isinstance(target, FuncRef) and id(target.node) in self.aliases:
                call = dec if isinstance(dec, ast.Call) else None
                self.registrations.append(
                    Registration(self.aliases[id(target.node)], FuncRef(fn, ctx.module), call, ctx, fn.lineno)
                )
        for template in self.templates:
            inner = template.ctx.functions[-1]
            outer = template.ctx.functions[-2] if len(template.ctx.functions) > 1 else None
            for fn, dec, ctx in self.decorations:
                is_call = isinstance(dec, ast.Call)
                target = self.function_ref(dec.func if isinstance(dec, ast.Call) else dec, ctx)
                if not isinstance(target, FuncRef):
                    continue
                env: dict[str, Any] = {}
                if is_call and outer is not None and target.node is outer:
                    assert isinstance(dec, ast.Call)
                    env = self._call_arguments(dec, outer, ctx)
                elif is_call or target.node is not inner:
                    continue
                env[template.fn_param] = FuncRef(fn, ctx.module)
                replay = template.ctx.inner(env={**template.ctx.env, **env})
                self.registrations.append(
                    Registration(template.instance, FuncRef(fn, ctx.module), template.call, replay, fn.lineno)
                )

    def _add_tool(self, node: ast.Call, func: ast.Attribute, ctx: Ctx) -> None:
        instance = self.receiver(func.value, ctx)
        if instance is None:
            return
        value = self.function_ref(node.args[0], ctx)
        if isinstance(value, FuncRef):
            self.registrations.append(Registration(instance, value, node, ctx, node.lineno))
        elif isinstance(value, CallValue) and value.kind == "from_function" and value.args:
            fn = value.args[0]
            if not isinstance(fn, FuncRef) and value.node.args and value.module == ctx.module:
                # from_function(self.method): the method of the class the call is made in
                fn = self.function_ref(value.node.args[0], ctx)
            if isinstance(fn, FuncRef):
                reg = Registration(instance, fn, node, ctx, node.lineno, extra_kwargs=value.kwargs)
                self.registrations.append(reg)
        elif isinstance(value, CallValue) and value.kind == "tool":
            self.registrations.append(Registration(instance, None, value.node, ctx, node.lineno))

    def _local_env(self, ctx: Ctx) -> dict[str, Any]:
        """Names assigned earlier in the enclosing function (`t = Tool.from_function(...)`; `srv.add_tool(t)`)."""
        if not ctx.env and ctx.functions and id(ctx.functions[-1]) in self._env_cache:
            return dict(self._env_cache[id(ctx.functions[-1])])
        env = dict(ctx.env)
        if ctx.functions and "self" not in env and (me := self._self_object(ctx)) is not None:
            env["self"] = me  # `description=self.settings.find_description` in a method
        if ctx.functions:
            for stmt in statements(ctx.functions[-1].body, into_functions=False):
                if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                    if stmt.targets[0].id not in env:
                        env[stmt.targets[0].id] = self.project.evaluate(stmt.value, ctx.module, env)
                elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt is not ctx.functions[-1]:
                    env.setdefault(stmt.name, FuncRef(stmt, ctx.module))
            if not ctx.env:
                self._env_cache[id(ctx.functions[-1])] = dict(env)
        return env

    def function_ref(self, node: ast.expr, ctx: Ctx) -> Any:
        """The function an expression names: local or nested defs, `self.method`, module and imported names."""
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("self", "cls")
            and ctx.cls is not None
        ):
            for stmt in ctx.cls.body:
                if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name == node.attr:
                    return FuncRef(stmt, ctx.module)
        return self.project.evaluate(node, ctx.module, self._local_env(ctx))

    def _mount(self, node: ast.Call, func: ast.Attribute, ctx: Ctx) -> None:
        parent = self.receiver(func.value, ctx)
        if parent is None:
            return
        child_node: ast.expr | None = None
        prefix: Any = None
        for arg in node.args:
            value = unwrap(self.project.evaluate(arg, ctx.module, ctx.env))
            if isinstance(value, str):
                prefix = value  # fastmcp 1.x: mount("prefix", server)
            elif child_node is None:
                child_node = arg
        for kw in node.keywords:
            if kw.arg in ("namespace", "prefix"):
                prefix = unwrap(self.project.evaluate(kw.value, ctx.module, ctx.env))
            elif kw.arg in ("server", "app"):
                child_node = kw.value
        child = self.receiver(child_node, ctx) if child_node is not None else None
        if child is None:
            return
        self.mounts.append(Mount(parent, child, prefix if isinstance(prefix, str) and prefix else None))

    # -- parameters bound at call sites --------------------------------------------------------------
    def bind_params(self) -> None:
        """`def register(mcp): @mcp.tool ...` called as `register(server)`: the tools belong to `server`."""
        wanted = {i for i in self.instances if i.startswith("param:")}
        for _ in range(4):
            changed = False
            for call, ctx in self.calls:
                target = self.project.evaluate(call.func, ctx.module, ctx.env)
                if not isinstance(target, FuncRef):
                    continue
                fn = target.node
                params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
                for index, pname in enumerate(params):
                    ident = f"param:{target.module}:{fn.name}:{pname}"
                    if ident not in wanted:
                        continue
                    arg = next((kw.value for kw in call.keywords if kw.arg == pname), None)
                    if arg is None:
                        offset = 1 if params and params[0] in ("self", "cls") else 0
                        pos = index - offset
                        if 0 <= pos < len(call.args):
                            arg = call.args[pos]
                    bound = self.receiver(arg, ctx) if arg is not None else None
                    if bound is not None and ident not in self._recorded_calls:
                        self.call_sites.setdefault(f"{target.module}:{fn.name}", []).append(
                            self._call_arguments(call, fn, ctx)
                        )
                    if bound and bound != ident and bound not in self.param_bindings.setdefault(ident, set()):
                        self.param_bindings[ident].add(bound)
                        changed = True
            if not changed:
                break
            self._recorded_calls |= wanted

    def _call_arguments(self, call: ast.Call, fn: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Ctx) -> dict[str, Any]:
        """Parameter values at one call site of a register function (defaults filled in)."""
        params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
        if params and params[0] in ("self", "cls"):
            params = params[1:]
        values = self._defaults(fn, ctx.module)
        for name, arg in zip(params, call.args, strict=False):
            values[name] = self.project.evaluate(arg, ctx.module, ctx.env)
        for kw in call.keywords:
            if kw.arg:
                values[kw.arg] = self.project.evaluate(kw.value, ctx.module, ctx.env)
        return values

    def _defaults(self, fn: ast.FunctionDef | ast.AsyncFunctionDef, module: str) -> dict[str, Any]:
        args = fn.args
        positional = [*args.posonlyargs, *args.args]
        values: dict[str, Any] = {a.arg: UNRESOLVED for a in (*positional, *args.kwonlyargs)}
        for arg, default in zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True):
            values[arg.arg] = self.project.evaluate(default, module)
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            if default is not None:
                values[arg.arg] = self.project.evaluate(default, module)
        return values

    def settle_conditions(self, reg: Registration) -> tuple[list[str], bool]:
        """Conditions on a register function's own parameters, decided at its call sites (or by its defaults).

        Returns the conditions still open (text, with "on/off by default" where the default decides) and
        whether the tool is registered at all (False when every call site takes the other branch).
        """
        open_conds: list[str] = []
        fn = reg.ctx.functions[-1] if reg.ctx.functions else None
        for cond in reg.ctx.conds:
            text = cond.text
            if text is None:
                continue
            names = {n.id for n in ast.walk(cond.test) if isinstance(n, ast.Name)}
            if fn is None or not names or "self" in names or not names <= set(self._defaults(fn, reg.ctx.module)):
                # a setting's declared default (`if not self.settings.read_only`) still says how it starts
                default = self._truth(cond, self._local_env(reg.ctx), reg.ctx.module) if "self" in names else None
                open_conds.append(text + {True: " (on by default)", False: " (off by default)"}.get(default, ""))  # type: ignore[arg-type]
                continue
            sites = self.call_sites.get(f"{reg.ctx.module}:{fn.name}") or []
            outcomes = {self._truth(cond, env, reg.ctx.module) for env in sites}
            if outcomes == {False}:
                return [], False
            if outcomes == {True}:
                continue
            default = self._truth(cond, self._defaults(fn, reg.ctx.module), reg.ctx.module)
            label = {True: " (on by default)", False: " (off by default)"}.get(default, "")
            open_conds.append(text + label)
        return open_conds, True

    def _truth(self, cond: Cond, env: dict[str, Any], module: str) -> bool | None:
        value = unwrap(self.project.evaluate(cond.test, module, env))
        if isinstance(value, Unresolved | CallValue | FuncRef | ClassRef):
            return None
        return (not value) if cond.negate else bool(value)

    def roots(self, instance: str, depth: int = 0) -> set[str]:
        bound = self.param_bindings.get(instance)
        if not bound or depth > 6:
            return {instance}
        out: set[str] = set()
        for b in bound:
            out |= self.roots(b, depth + 1)
        return out

    def prefixes(self, instance: str) -> list[str]:
        """Name prefixes from mounting: one per mount path (an unmounted server gives [''])."""
        results: list[str] = []
        for root in self.roots(instance):
            results += self._prefix_paths(root, 0)
        return sorted(set(results), key=results.index) or [""]

    def _prefix_paths(self, instance: str, depth: int) -> list[str]:
        parents = [m for m in self.mounts if instance in self.roots(m.child)]
        if not parents or depth > 6:
            return [""]
        out = []
        for m in parents:
            for above in self._prefix_paths(m.parent, depth + 1):
                out.append(above + (f"{m.prefix}_" if m.prefix else ""))
        return out

    # -- building tool records -----------------------------------------------------------------------
    def flavour(self, instance: str) -> str:
        kinds = {self.instances.get(r, "unknown") for r in self.roots(instance)}
        for m in self.mounts:
            if instance in self.roots(m.child):
                kinds.add(self.instances.get(m.parent, "unknown"))
        if "standalone" in kinds:
            return "standalone"
        return "sdk"

    def _kwargs(self, call: ast.Call | None, ctx: Ctx) -> tuple[list[Any], dict[str, Any]]:
        if call is None:
            return [], {}
        env = self._local_env(ctx)
        args = [self.project.evaluate(a, ctx.module, env) for a in call.args]
        kwargs = {kw.arg: self.project.evaluate(kw.value, ctx.module, env) for kw in call.keywords if kw.arg}
        return args, kwargs

    def _unresolved(self, ctx: Ctx, line: int, reason: str, expression: str) -> None:
        self.result.unresolved.append({"file": ctx.module, "line": line, "reason": reason, "expression": expression})

    def record_for(self, reg: Registration) -> list[ToolRecord]:
        args, kwargs = self._kwargs(reg.call, reg.ctx)
        if reg.call is not None and reg.call.func is not None and _last_name(reg.call.func) in ("tool", "add_tool"):
            # the function passed positionally is not a name
            args = [a for a in args if not isinstance(a, FuncRef | CallValue)]
        kwargs = {**reg.extra_kwargs, **kwargs}
        if reg.fn is None:  # add_tool(Tool(...)): a literal tool object
            assert reg.call is not None
            value = CallValue("tool", args, kwargs, reg.call, reg.ctx.module)
            record = self.record_from_tool_call(value, reg.ctx, reg.line)
            return [record] if record else []
        fn = reg.fn.node
        name_value: Any = kwargs.get("name", args[0] if args else None)
        name_value = unwrap(name_value)
        defaulted: list[str] = []
        if name_value is not None and not _plain_str(name_value):
            name_value, defaulted = self._name_from_defaults(reg)
        if name_value is None:
            name = fn.name
        elif _plain_str(name_value):
            name = name_value
        else:
            expr = _kw_source(reg.call, "name") or fn.name
            self._unresolved(reg.ctx, reg.line, "tool name computed at run time", expr)
            return []
        flavour = self.flavour(reg.instance)
        record = ToolRecord(name=name, file=reg.ctx.module, line=reg.line, origin="static")
        description = unwrap(kwargs.get("description"))
        if isinstance(description, str):
            record.description = str(description)
            if isinstance(description, PartialStr):
                record.extra["description_partial"] = True
        elif isinstance(description, Unresolved):
            record.extra["description_partial"] = True
        else:
            doc = ast.get_docstring(fn, clean=False)
            if doc is not None:
                record.description = inspect.cleandoc(doc)
        title = unwrap(kwargs.get("title"))
        if isinstance(title, str):
            record.title = str(title)
        annotations = self._annotations(kwargs.get("annotations"))
        record.annotations = annotations
        if record.title is None and isinstance(annotations.get("title"), str):
            record.title = annotations["title"]
        exclude = kwargs.get("exclude_args")
        excluded = {e for e in exclude if isinstance(e, str)} if isinstance(exclude, list | tuple) else set()
        builder = SchemaBuilder(self.project, reg.fn.module)
        record.input_schema = builder.function(fn, exclude=excluded, titles=flavour != "standalone")
        tags = kwargs.get("tags")
        if isinstance(tags, list | tuple | set):
            record.extra["tags"] = sorted(str(unwrap(t)) for t in tags if isinstance(unwrap(t), str))
        conds, registered = self.settle_conditions(reg)
        if not registered:
            return []
        if kwargs.get("enabled") is False:
            conds.append("disabled by default (enabled=False)")
        if _app_only(kwargs.get("meta")):
            conds.append("listed only to MCP Apps clients (meta ui.visibility excludes 'model')")
        conds += self._uncalled_register(reg)
        if defaulted:
            record.extra["name_from_defaults"] = defaulted
        record.conditional = " and ".join(conds) or None
        records = []
        for prefix in self.prefixes(reg.instance):
            copy = ToolRecord(**{**record.__dict__, "extra": dict(record.extra)})
            copy.name = prefix + name
            records.append(copy)
        return records

    def _name_from_defaults(self, reg: Registration) -> tuple[Any, list[str]]:
        """A name built from the enclosing functions' parameters (`name=prefix + "list_instances"` inside
        `def create_server(namespace: str = "")`), evaluated with the values the server runs with by default.

        Parameters bound at every call site keep those values; the others take their declared defaults.
        Returns the name (or the unresolved value) and the parameters whose defaults decided it."""
        if reg.call is None or not reg.ctx.functions:
            return UNRESOLVED, []
        node = next((kw.value for kw in reg.call.keywords if kw.arg == "name"), None)
        if node is None and reg.call.args:
            node = reg.call.args[0]
        if node is None:
            return UNRESOLVED, []
        seeds: dict[str, Any] = {}
        for fn in reg.ctx.functions:
            for param, value in self._defaults(fn, reg.ctx.module).items():
                if not isinstance(value, Unresolved):
                    seeds[param] = value
        value = self._evaluate_seeded(node, reg.ctx, seeds)
        if not _plain_str(value):
            return value, []
        deciding = [p for p in seeds if not _plain_str(self._evaluate_seeded(node, reg.ctx, seeds, without=p))]
        return value, deciding

    def _evaluate_seeded(self, node: ast.expr, ctx: Ctx, seeds: dict[str, Any], without: str | None = None) -> Any:
        env = {k: v for k, v in seeds.items() if k != without}
        return unwrap(self.project.evaluate(node, ctx.module, self._local_env(ctx.inner(env={**env, **ctx.env}))))

    def _uncalled_register(self, reg: Registration) -> list[str]:
        if not reg.instance.startswith("param:") or reg.instance in self.param_bindings:
            return []
        fn_name = reg.instance.split(":")[2]
        if re.search(rf"\b{re.escape(fn_name)}\b", self._texts_without_defs(fn_name)):
            return []
        return [f"only if {fn_name}() is called (no call found in this package)"]

    def _texts_without_defs(self, fn_name: str) -> str:
        """All sources with `def fn_name` removed: any remaining mention is a call or a reference."""
        return "\n".join(re.sub(rf"def\s+{re.escape(fn_name)}\b", "", t) for t in self.texts.values())

    def _annotations(self, value: Any) -> dict[str, Any]:
        value = unwrap(value)
        if isinstance(value, CallValue) and value.kind == "annotations":
            return annotations_from_kwargs(value.kwargs)
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items() if not isinstance(unwrap(v), Unresolved)}
        return {}

    def _model_schema(self, ref: ClassRef) -> dict[str, Any]:
        builder = SchemaBuilder(self.project, ref.module)
        return builder.with_defs(builder.model(ref.node, ref.module))

    # -- low-level list_tools handlers ---------------------------------------------------------------
    def handler_tools(self, handler: FuncRef, ctx: Ctx) -> list[CallValue]:
        """Evaluate a list_tools handler's body: local lists, append/extend, loops over tables, returns."""
        found: list[CallValue] = []
        # a closure sees the enclosing function's names (`tools = [...]` built in main(), returned by the handler)
        same = ctx.functions and ctx.module == handler.module and handler.node not in ctx.functions
        env: dict[str, Any] = dict(self._local_env(ctx)) if same else {}

        self._handler_outer = ctx.functions[-1] if ctx.functions and ctx.module == handler.module else None
        self._run_body(handler.node.body, handler.module, env, (), found)
        if not found:  # a shape we do not model: fall back to every Tool(...) literal in the handler
            for node in ast.walk(handler.node):
                if isinstance(node, ast.Call) and _last_name(node.func) in ("Tool", "MCPTool"):
                    value = self.project.evaluate(node, handler.module)
                    if isinstance(value, CallValue):
                        found.append(value)
        if not found:  # class-per-tool designs: the handler calls a method that each tool class implements
            methods = {
                n.func.attr
                for n in ast.walk(handler.node)
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            }
            found = self.class_tools(methods)
        if not found:
            self.result.unresolved.append(
                {
                    "file": handler.module,
                    "line": handler.node.lineno,
                    "reason": "list_tools handler builds its tools at run time",
                    "expression": handler.node.name,
                }
            )
        return found

    def class_tools(self, methods: set[str]) -> list[CallValue]:
        """Tools of classes that implement one of `methods` as `return Tool(...)` and are instantiated somewhere;
        `self.name` comes from the constructor (`super().__init__(TOOL_X)` or `self.name = ...`)."""
        if not methods:
            return []
        called = self._called_names()
        found: list[CallValue] = []
        for key, info in list(self.modules.items()):
            for cls in info.classes.values():
                if cls.name not in called:
                    continue
                for stmt in cls.body:
                    if not (isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name in methods):
                        continue
                    if not any(
                        isinstance(n, ast.Return)
                        and isinstance(n.value, ast.Call)
                        and _last_name(n.value.func) == "Tool"
                        for n in ast.walk(stmt)
                    ):
                        continue
                    instance = InstanceValue(cls, key, self._instance_attrs(cls, key, []))
                    value = self.project.call_function(FuncRef(stmt, key), [instance], {}, 0)
                    found.extend(_iter_tools(value))
        return found

    def _called_names(self) -> set[str]:
        if self._called is None:
            self._called = {
                name
                for info in list(self.modules.values())
                for n in ast.walk(info.tree)
                if isinstance(n, ast.Call) and (name := _last_name(n.func))
            }
            for text in self.modules.pending.values():  # unparsed files: a textual call is enough here
                self._called.update(CALLED_NAME.findall(text))
        return self._called

    def _instance_attrs(self, cls: ast.ClassDef, module: str, args: list[Any], depth: int = 0) -> dict[str, Any]:
        """Attributes a constructor sets: class constants, base constructors via super().__init__, self.x = ..."""
        attrs: dict[str, Any] = {}
        if depth > 5:
            return attrs
        base = self.project.find_class(cls.bases[0], module) if cls.bases else None
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                attrs[stmt.targets[0].id] = self.project.evaluate(stmt.value, module)
        init = next(
            (s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"),
            None,
        )
        if init is None:
            return {**(self._instance_attrs(base[0], base[1], args, depth + 1) if base else {}), **attrs}
        params = [a.arg for a in init.args.args[1:]]
        env: dict[str, Any] = {a.arg: self._typed_object(a.annotation, module) for a in init.args.args[1:]}
        env.update(zip(params, args, strict=False))
        for node in ast.walk(init):
            if not isinstance(node, ast.Call | ast.Assign):
                continue
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "__init__"
                and isinstance(node.func.value, ast.Call)
                and _last_name(node.func.value.func) == "super"
                and base is not None
            ):
                values = [self.project.evaluate(a, module, env) for a in node.args]
                attrs = {**self._instance_attrs(base[0], base[1], values, depth + 1), **attrs}
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == "self"
                    ):
                        attrs[target.attr] = self.project.evaluate(node.value, module, env)
        self._grown_attrs(init.body, module, env, attrs, ())
        return attrs

    def _typed_object(self, annotation: ast.expr | None, module: str) -> Any:
        """A parameter typed with a project class (`tool_settings: ToolSettings`) stands for an object of that class:
        its declared field defaults are what the server uses unless configured otherwise."""
        if annotation is None:
            return UNRESOLVED
        found = self.project.find_class(annotation, module)
        if found is None or self.project.is_enum(found[0], found[1]):
            return UNRESOLVED
        return InstanceValue(found[0], found[1], {})

    def _self_object(self, ctx: Ctx) -> InstanceValue | None:
        """`self` inside a method: the object with the attributes its constructor sets (cached per class)."""
        if ctx.cls is None or not ctx.functions or _first_param(ctx.functions[-1]) != "self":
            return None
        cached = self._self_cache.get(id(ctx.cls))
        if cached is None:
            cached = self._self_cache[id(ctx.cls)] = InstanceValue(ctx.cls, ctx.module, {})
            cached.attrs.update(self._instance_attrs(ctx.cls, ctx.module, []))
        return cached

    def _grown_attrs(
        self, body: list[ast.stmt], module: str, env: dict[str, Any], attrs: dict[str, Any], conds: tuple[str, ...]
    ) -> None:
        """`self.tools.append(Tool(...))` in a constructor, under `if not read_only:` too (the tool is marked with
        that condition): lists an object builds up step by step."""
        for stmt in body:
            if isinstance(stmt, ast.If):
                for branch, negate in ((stmt.body, False), (stmt.orelse, True)):
                    text = _cond_text(stmt.test, negate)
                    self._grown_attrs(branch, module, env, attrs, (*conds, text) if text else conds)
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                call = stmt.value
                func = call.func
                if not (
                    isinstance(func, ast.Attribute)
                    and func.attr in ("append", "extend")
                    and isinstance(func.value, ast.Attribute)
                    and isinstance(func.value.value, ast.Name)
                    and func.value.value.id == "self"
                    and call.args
                ):
                    continue
                current = attrs.get(func.value.attr)
                if not isinstance(current, list):
                    continue
                value = _tag(self.project.evaluate(call.args[0], module, env), conds)
                if func.attr == "append":
                    attrs[func.value.attr] = [*current, value]
                elif isinstance(value, list | tuple):
                    attrs[func.value.attr] = [*current, *value]

    def _run_body(
        self, body: list[ast.stmt], module: str, env: dict[str, Any], conds: tuple[str, ...], found: list[CallValue]
    ) -> None:
        ev = self.project.evaluate
        for stmt in body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                env[stmt.targets[0].id] = _tag(ev(stmt.value, module, env), conds)
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                env[stmt.target.id] = _tag(ev(stmt.value, module, env), conds)
            elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
                current = env.get(stmt.target.id)
                extra = _tag(ev(stmt.value, module, env), conds)
                if isinstance(current, list) and isinstance(extra, list | tuple):
                    current.extend(extra)
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                call = stmt.value
                if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) and call.args:
                    target = env.get(call.func.value.id)
                    if isinstance(target, list) and call.func.attr in ("append", "extend", "insert"):
                        value = _tag(ev(call.args[-1], module, env), conds)
                        if call.func.attr == "extend" and isinstance(value, list | tuple):
                            target.extend(value)
                        else:
                            target.append(value)
            elif isinstance(stmt, ast.Return) and stmt.value is not None:
                value = ev(stmt.value, module, env)
                if isinstance(value, CallValue) and value.kind != "tool":
                    value = value.kwargs.get("tools", value.args[0] if value.args else None)  # ListToolsResult
                if not any(True for _ in _iter_tools(value)):
                    value = self._branches(stmt.value, module, env, conds)
                found.extend(_tag_tools(value, conds))
            elif isinstance(stmt, ast.If):
                yes, no = _cond_text(stmt.test), _cond_text(stmt.test, negate=True)
                self._run_body(stmt.body, module, env, (*conds, yes) if yes else conds, found)
                self._run_body(stmt.orelse, module, env, (*conds, no) if no else conds, found)
            elif isinstance(stmt, ast.For | ast.AsyncFor):
                items = flatten_choice(unwrap(ev(stmt.iter, module, env)))
                if isinstance(items, dict):
                    items = list(items)
                if isinstance(items, list | tuple) and len(items) <= MAX_LOOP:
                    for item in items:
                        bind(stmt.target, item, env)
                        self._run_body(stmt.body, module, env, conds, found)
            elif isinstance(stmt, ast.Try):
                self._run_body(stmt.body + stmt.orelse + stmt.finalbody, module, env, conds, found)
            elif isinstance(stmt, ast.With | ast.AsyncWith):
                self._run_body(stmt.body, module, env, conds, found)

    def _branches(self, node: ast.expr, module: str, env: dict[str, Any], conds: tuple[str, ...]) -> list[CallValue]:
        """`return base + (write_tools if allow_write else [])`: the tools of each branch of a conditional
        expression, each marked with its condition (and whether the enclosing function's default turns it on)."""
        if isinstance(node, ast.IfExp):
            out: list[CallValue] = []
            for branch, negate in ((node.body, False), (node.orelse, True)):
                text = _cond_text(node.test, negate)
                if text is not None:
                    text += self._default_label(node.test, module, negate)
                out += self._branches(branch, module, env, (*conds, text) if text else conds)
            return out
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._branches(node.left, module, env, conds) + self._branches(node.right, module, env, conds)
        return _tag_tools(self.project.evaluate(node, module, env), conds)

    def _default_label(self, test: ast.expr, module: str, negate: bool) -> str:
        """ " (on by default)" / " (off by default)" when the test reads only parameters of the function the
        handler is defined in and their defaults decide it; "" otherwise."""
        fn = self._handler_outer
        names = {n.id for n in ast.walk(test) if isinstance(n, ast.Name)}
        if fn is None or not names:
            return ""
        defaults = self._defaults(fn, module)
        if not names <= set(defaults):
            return ""
        truth = self._truth(Cond(test, negate), defaults, module)
        return {True: " (on by default)", False: " (off by default)"}.get(truth, "")  # type: ignore[arg-type]

    def record_from_tool_call(self, value: CallValue, ctx: Ctx | None, line: int | None = None) -> ToolRecord | None:
        kwargs = value.kwargs
        name = unwrap(kwargs.get("name", value.args[0] if value.args else None))
        if not isinstance(name, str) or isinstance(name, PartialStr):
            self.result.unresolved.append(
                {
                    "file": value.module,
                    "line": value.node.lineno,
                    "reason": "tool name computed at run time",
                    "expression": _kw_source(value.node, "name") or ast.unparse(value.node)[:200],
                }
            )
            return None
        record = ToolRecord(name=name, file=value.module, line=line or value.node.lineno, origin="static")
        description = unwrap(kwargs.get("description", value.args[1] if len(value.args) > 1 else None))
        if isinstance(description, str):
            record.description = str(description)
            if isinstance(description, PartialStr):
                record.extra["description_partial"] = True
        title = unwrap(kwargs.get("title"))
        if isinstance(title, str):
            record.title = str(title)
        schema = unwrap(kwargs.get("inputSchema", kwargs.get("input_schema")))
        if isinstance(schema, dict):
            record.input_schema = plain(schema)
        output = unwrap(kwargs.get("outputSchema", kwargs.get("output_schema")))
        if isinstance(output, dict):
            record.output_schema = plain(output)
        record.annotations = self._annotations(kwargs.get("annotations"))
        if record.title is None and isinstance(record.annotations.get("title"), str):
            record.title = record.annotations["title"]
        conds = list(value.conditional.split(" and ")) if value.conditional else []
        if ctx is not None:
            conds = [*cond_texts(ctx), *conds]
        record.conditional = " and ".join(dict.fromkeys(conds)) or None
        return record

    # -- reachability --------------------------------------------------------------------------------
    def entry_modules(self) -> set[str]:
        entries = set()
        for module in console_script_modules(pyproject=self.pyproject, entry_points=self.entry_points):
            if module:
                key = self.project.module_for(module)
                if key:
                    entries.add(key)
                main = self.project.module_for(module + ".__main__")
                if main:
                    entries.add(main)
        return entries

    def reachable(self, entries: set[str], wanted: set[str] | None = None) -> set[str]:
        """Modules the entry points import, transitively; stops early once every module in `wanted` is reached
        (then nothing would be filtered, and the rest of the package need not be parsed)."""
        seen = set(entries)
        queue = list(entries)
        while queue:
            if wanted is not None and wanted <= seen:
                break
            key = queue.pop()
            info = self.modules.get(key)
            if info is None:
                continue
            for dotted in info.imported_modules:
                parts = dotted.split(".")
                for i in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__ too
                    target = self.project.by_dotted.get(".".join(parts[:i]))
                    if target is None and i == len(parts):
                        target = self.project.module_for(dotted)
                    if target and target not in seen:
                        seen.add(target)
                        queue.append(target)
        return seen

    # -- the whole job -------------------------------------------------------------------------------
    def run(self) -> FileResult:
        self.find_instances()
        self.find_registrations()
        self.apply_templates()
        self.bind_params()
        produced: list[tuple[str, ToolRecord]] = []
        for reg in self.registrations:
            for record in self.record_for(reg):
                produced.append((reg.ctx.module, record))
        for handler, ctx in self.handlers:
            for value in self.handler_tools(handler, ctx):
                record = self.record_from_tool_call(value, ctx)
                if record:
                    produced.append((handler.module, record))
        entries = self.entry_modules()
        if entries:
            wanted = {m for m, _ in produced} | {u["file"] for u in self.result.unresolved if u.get("file")}
            reach = self.reachable(entries, wanted)
            kept = [(m, r) for m, r in produced if m in reach]
            if kept:
                produced = kept
                self.result.unresolved = [u for u in self.result.unresolved if u.get("file") in reach]
        self.result.tools = [r for _, r in produced]
        unique: dict[tuple[Any, ...], dict[str, Any]] = {}
        for item in self.result.unresolved:  # one tool factory in a loop is one unresolved place, said once
            unique.setdefault(tuple(sorted((k, str(v)) for k, v in item.items())), item)
        self.result.unresolved = list(unique.values())
        return self.result


def flatten_choice(value: Any) -> Any:
    """Looping over one of several tables (chosen at run time) covers the union of them."""
    if isinstance(value, Choice):
        out: list[Any] = []
        for alternative in value:
            alternative = unwrap(alternative)
            if isinstance(alternative, list | tuple):
                out.extend(alternative)
        return out
    return value


def _tag(value: Any, conds: tuple[str, ...]) -> Any:
    """Mark Tool(...) values created under an `if` with that condition."""
    if conds:
        for tool in _iter_tools(value):
            if tool.conditional is None:
                tool.conditional = " and ".join(conds)
    return value


def _iter_tools(value: Any) -> Iterator[CallValue]:
    if isinstance(value, CallValue) and value.kind == "tool":
        yield value
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _iter_tools(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _iter_tools(v)


def _tag_tools(value: Any, conds: tuple[str, ...]) -> list[CallValue]:
    return list(_iter_tools(_tag(value, conds)))


# Lines that can hold a registration, a mount, a list_tools hookup, or a call handing a server to a function.
INTERESTING = re.compile(r"tool|mount|import_server|mcp|server|srv|app|register", re.IGNORECASE)


def interesting_lines(text: str) -> list[int]:
    """Sorted line numbers matching INTERESTING: statements elsewhere are never searched for calls."""
    search = INTERESTING.search
    return [number for number, line in enumerate(text.split("\n"), 1) if search(line)]


def _touches(lines: list[int], stmt: ast.stmt) -> bool:
    end = getattr(stmt, "end_lineno", None) or stmt.lineno
    if isinstance(stmt, ast.If | ast.For | ast.AsyncFor | ast.While | ast.With | ast.AsyncWith | ast.Try):
        end = stmt.body[0].lineno - 1 if stmt.body else end  # only the header: the blocks are visited on their own
    i = bisect.bisect_left(lines, stmt.lineno)
    return i < len(lines) and lines[i] <= end


def _expressions(stmt: ast.stmt) -> Iterator[ast.AST]:
    """The expression nodes of one statement, without descending into nested statements or decorators."""
    stack: list[ast.AST] = []
    for name, value in ast.iter_fields(stmt):
        if name in ("body", "orelse", "finalbody", "handlers", "decorator_list", "cases"):
            continue
        if isinstance(value, ast.AST):
            stack.append(value)
        elif isinstance(value, list):
            stack.extend(v for v in value if isinstance(v, ast.AST) and not isinstance(v, ast.stmt))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.stmt):
            continue
        yield node
        if isinstance(node, ast.Lambda):
            continue
        stack.extend(ast.iter_child_nodes(node))


def console_script_modules(*, pyproject: str | None = None, entry_points: str | None = None) -> list[str]:
    """Dotted modules named by console scripts: pyproject `[project.scripts]` / poetry scripts, or the
    `[console_scripts]` section of a wheel's entry_points.txt (`name = pkg.module:function`)."""
    targets: list[str] = []
    if pyproject:
        try:
            data = tomllib.loads(pyproject)
        except (tomllib.TOMLDecodeError, ValueError):
            data = {}
        project = data.get("project") if isinstance(data.get("project"), dict) else {}
        poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
        for table in (project.get("scripts"), poetry.get("scripts") if isinstance(poetry, dict) else None):
            if isinstance(table, dict):
                targets += [t for t in table.values() if isinstance(t, str)]
    elif entry_points:
        section = ""
        for line in entry_points.splitlines():
            line = line.strip()
            if line.startswith("["):
                section = line.strip("[] ")
            elif section == "console_scripts" and "=" in line:
                targets.append(line.split("=", 1)[1])
    modules = [t.split(":")[0].strip().split()[0] for t in targets if t.split(":")[0].strip()]
    return list(dict.fromkeys(modules))


def _first_param(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    positional = [*fn.args.posonlyargs, *fn.args.args]
    return positional[0].arg if positional else None


def _wrapped_param(fn: ast.FunctionDef | ast.AsyncFunctionDef, local: str, params: set[str]) -> str | None:
    """The parameter a local wrapper stands for: `@functools.wraps(func) def wrapper(...)` inside `fn`."""
    for stmt in fn.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name == local:
            for dec in stmt.decorator_list:
                if (
                    isinstance(dec, ast.Call)
                    and _last_name(dec.func) == "wraps"
                    and dec.args
                    and isinstance(dec.args[0], ast.Name)
                    and dec.args[0].id in params
                ):
                    return dec.args[0].id
    return None


def _is_literal(node: ast.expr) -> bool:
    """`srv.tool("name")` (fastmcp 2 positional name): a decorator factory, not a function being registered."""
    return isinstance(node, ast.Constant | ast.JoinedStr | ast.BinOp)


def _plain_str(value: Any) -> bool:
    """A fully static string (not a partly dynamic f-string)."""
    return isinstance(value, str) and not isinstance(value, PartialStr)


def _kw_source(call: ast.Call | None, key: str) -> str | None:
    if call is None:
        return None
    for kw in call.keywords:
        if kw.arg == key:
            return ast.unparse(kw.value)[:200]
    if call.args and key == "name":
        return ast.unparse(call.args[0])[:200]
    return None


def extract_files(files: list[SourceFile]) -> FileResult:
    """The language-module contract: all Python files of one server folder (plus its pyproject.toml).

    Evaluation is bounded by a step budget, so pathological code ends as a recorded problem, never a hang."""
    extractor = PythonExtractor(files)
    try:
        return extractor.run()
    except (EvaluationBudgetExceeded, RecursionError) as exc:
        reason = "too deeply nested" if isinstance(exc, RecursionError) else str(exc)
        partial = extractor.result
        partial.problems.append(ExtractionProblem("(python)", f"static evaluation stopped: {reason}"))
        return partial


__all__ = ["extract_files", "dotted_name"]


def _app_only(meta: Any) -> bool:
    """MCP Apps tools whose ``_meta.ui.visibility`` leaves out "model" are hidden from the model's tools/list."""
    meta = unwrap(meta)
    if not isinstance(meta, dict):
        return False
    ui = unwrap(meta.get("ui"))
    if not isinstance(ui, dict):
        return False
    visibility = unwrap(ui.get("visibility"))
    if not isinstance(visibility, list | tuple):
        return False
    values = {str(unwrap(v)) for v in visibility}
    return bool(values) and "model" not in values
