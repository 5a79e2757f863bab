"""Tool-definition object literals: `{name, description, inputSchema}` declared apart from any registration call.

Many servers declare each tool as an object and register the whole list somewhere the static reader cannot
follow (a loop over a merged list, a framework's `tools` option, a bundle's wrapper): ``defineTool({ capability:
"core", schema: { name, title, description, inputSchema }, handle })`` or ``export const tools = [{ name, ... }]``.
This module finds those objects (the definition itself, or a wrapper that holds it under ``schema:``), the
filters a server applies to its list before answering ``tools/list`` (``tools.filter(t => t.capability ===
"core" || config.capabilities.includes(t.capability))``), which turn into conditions or exclusions, and the
function that converts a definition to its MCP form (for annotations derived from other fields). Values are
read with the shared ``Evaluator``; nothing is run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tree_sitter import Node

from crawler.extract.treesitter import captures, node_text, typed
from crawler.extract.ts_predicates import fields_tested, predicate_truth
from crawler.extract.ts_values import (
    Cond,
    Evaluator,
    FileInfo,
    function_name,
    function_result_nodes,
    params_of,
    plain,
    string_value,
)

_SCHEMA_PAIRS = """
(pair key: (property_identifier) @key
  (#any-of? @key "inputSchema" "input_schema" "parameters")) @pair
"""
_FILTERS = """
(call_expression
  function: (member_expression object: (_) @recv property: (property_identifier) @method (#eq? @method "filter"))
  arguments: (arguments . [(arrow_function) (function_expression)] @fn)) @call
"""
WRAPPER_KEYS = frozenset({"schema", "definition", "tool", "spec"})  # `{ capability, schema: {name, ...}, handle }`
_TOOL_HELPER = re.compile(r"(?i)tool")  # defineTool, defineTabTool, createTool, makeToolDefinition...
_FUNCTIONS = frozenset(
    {"arrow_function", "function_expression", "function", "function_declaration", "method_definition"}
)


@dataclass
class ToolObject:
    """One tool-definition literal; `top` is what is evaluated (the wrapper when nested under `schema:`)."""

    node: Node
    top: Node
    path: str
    wrapper_key: str | None
    explicit: bool  # passed straight to a *tool* helper: a definition by intent, not by shape alone


@dataclass
class Converter:
    """`function toMcpTool(tool) { return {name: tool.name, ..., annotations: {...}} }`: fields the server derives."""

    fn: Node
    param: str
    obj: Node
    path: str


@dataclass
class Found:
    objects: list[ToolObject] = field(default_factory=list)
    converters: list[Converter] = field(default_factory=list)


def _keys(obj: Node) -> dict[str, Node]:
    out: dict[str, Node] = {}
    for child in obj.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            if key is not None and value is not None:
                out[node_text(key).strip("'\"")] = value
        elif child.type == "shorthand_property_identifier":
            out[node_text(child)] = child
    return out


def _callee_name(call: Node) -> str:
    fn = call.child_by_field_name("function")
    if fn is not None and fn.type == "member_expression":
        fn = fn.child_by_field_name("property")
    return node_text(fn)


def _root_identifier(node: Node) -> Node | None:
    while node.type in ("member_expression", "subscript_expression", "call_expression"):
        inner = node.child_by_field_name("object") or node.child_by_field_name("function")
        if inner is None:
            return None
        node = inner
    return node if node.type in ("identifier", "shorthand_property_identifier") else None


def _declared_locally(name: str, node: Node) -> bool:
    """Whether `name` is a parameter or a local of a function around `node` (so not a module constant)."""
    pattern = re.compile(rf"\b(?:const|let|var)\s+(?:\{{[^}}]*\b)?{re.escape(name)}\b")
    parent = node.parent
    while parent is not None:
        if parent.type in _FUNCTIONS:
            if any(p == name for p, _ in params_of(parent)):
                return True
            params = parent.child_by_field_name("parameters") or parent.child_by_field_name("parameter")
            if params is not None and re.search(rf"\b{re.escape(name)}\b", node_text(params)):
                return True
            body = parent.child_by_field_name("body")
            if body is not None and pattern.search(node_text(body)):
                return True
        parent = parent.parent
    return False


def find_tool_objects(infos: dict[str, FileInfo]) -> Found:
    """Every object literal with a name, a description and an input schema, and every MCP converter."""
    found = Found()
    for path, info in infos.items():
        caps = captures(info.grammar, _SCHEMA_PAIRS, info.root)
        for pair in typed(caps, "pair", "pair"):
            obj = pair.parent
            if obj is None or obj.type != "object":
                continue
            keys = _keys(obj)
            name = keys.get("name")
            if name is None or "description" not in keys:
                continue
            converter = _converter(obj, name, path)
            if converter is not None:
                found.converters.append(converter)
                continue
            if not _static_name(name):
                continue
            top, wrapper_key = obj, None
            holder = obj.parent
            if holder is not None and holder.type == "pair" and holder.parent is not None:
                key = node_text(holder.child_by_field_name("key"))
                if key in WRAPPER_KEYS and holder.parent.type == "object":
                    top, wrapper_key = holder.parent, key
            args = top.parent
            call = args.parent if args is not None and args.type == "arguments" else None
            explicit = call is not None and bool(_TOOL_HELPER.search(_callee_name(call)))
            found.objects.append(ToolObject(obj, top, path, wrapper_key, explicit))
    return found


def literal_name(obj: Node) -> str | None:
    """The tool name when the definition writes it as a plain string literal."""
    name = _keys(obj).get("name")
    if name is None or name.type != "string":
        return None
    return string_value(name)


def _static_name(name: Node) -> bool:
    """A literal name, or a constant: not a parameter or local of a function (a converter's `tool.name`)."""
    if name.type in ("string", "template_string"):
        return True
    root = _root_identifier(name)
    return root is not None and not _declared_locally(node_text(root), name)


def _converter(obj: Node, name: Node, path: str) -> Converter | None:
    """`{name: tool.name, ...}` returned by a one-parameter function: how definitions become MCP tools."""
    if name.type != "member_expression":
        return None
    root = _root_identifier(name)
    if root is None or node_text(name.child_by_field_name("property")) != "name":
        return None
    parent = obj.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        parent = parent.parent
    if parent is None:
        return None
    params = [p for p, _ in params_of(parent)]
    if params != [node_text(root)] or not any(obj == r or _contains(r, obj) for r in function_result_nodes(parent)):
        return None
    return Converter(parent, params[0], obj, path)


def _contains(outer: Node, inner: Node) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte


# -- what a definition evaluates to ---------------------------------------------------------------------
@dataclass
class Definition:
    tool: dict[str, Any]  # the MCP-facing fields: name, description, inputSchema...
    extras: dict[str, Any]  # the wrapper's other plain fields (capability, skillOnly...)
    obj: ToolObject


def evaluate(ev: Evaluator, obj: ToolObject) -> Definition | None:
    value = ev.eval(obj.top, obj.path, {})
    if isinstance(value, Cond):
        value = value.value
    if not isinstance(value, dict):
        return None
    extras: dict[str, Any] = {}
    tool = value
    if obj.wrapper_key is not None:
        tool = value.get(obj.wrapper_key)
        extras = {
            k: v for k, v in plain(value).items() if k != obj.wrapper_key and isinstance(v, str | bool | int | float)
        }
    if not isinstance(tool, dict) or not isinstance(tool.get("name"), str):
        return None
    return Definition(tool, extras, obj)


# -- list filters: conditions and exclusions ------------------------------------------------------------
@dataclass
class Gate:
    """A `.filter(t => ...)` over the tool list that tests definition fields."""

    param: str
    body: Node
    path: str


def find_gates(ev: Evaluator, infos: dict[str, FileInfo], definitions: list[Definition]) -> list[Gate]:
    """Filters applied to a list that holds these definitions, testing a field the definitions carry."""
    keys = {k for d in definitions for k in d.extras}
    names = {d.tool["name"] for d in definitions}
    if not keys:
        return []
    gates: list[Gate] = []
    for path, info in infos.items():
        for call in typed(captures(info.grammar, _FILTERS, info.root), "call", "call_expression"):
            fn_node = call.child_by_field_name("arguments").named_children[0]  # type: ignore[union-attr]
            params = [p for p, _ in params_of(fn_node)]
            if len(params) != 1 or not params[0]:
                continue
            results = function_result_nodes(fn_node)
            if len(results) != 1 or not (fields_tested(results[0], params[0]) & keys):
                continue
            recv = call.child_by_field_name("function").child_by_field_name("object")  # type: ignore[union-attr]
            root = _root_identifier(recv) if recv is not None else None
            if root is None or not _holds_definitions(ev.eval(root, path, {}), names):
                continue
            gates.append(Gate(params[0], results[0], path))
    return gates


def _holds_definitions(value: Any, names: set[str]) -> bool:
    if not isinstance(value, list):
        return False
    for item in value:
        item = item.value if isinstance(item, Cond) else item
        if not isinstance(item, dict):
            continue
        for candidate in (item, *(v for v in item.values() if isinstance(v, dict))):
            if candidate.get("name") in names:
                return True
    return False


def apply_gates(gates: list[Gate], definition: Definition, hints: dict[str, str]) -> bool | str:
    """True: listed by default; False: never listed; a string: listed under that condition."""
    outcome: bool | str = True
    for gate in gates:
        result = predicate_truth(gate.body, gate.param, definition.extras, hints)
        if result is False:
            return False
        if isinstance(result, str):
            outcome = result if outcome is True else f"{outcome} and {result}"
    return outcome


_OPTION_SOURCE = re.compile(
    r"\b([A-Za-z_$][\w$]*)\s*:\s*(?:cliOptions|options|opts|args|argv|flags)\.([A-Za-z_$][\w$]*)\b"
)
_FLAG = re.compile(r"[\"'](--[a-z][\w-]*)(?=[\s=<\[\"'])")


def option_hints(texts: dict[str, str]) -> dict[str, str]:
    """Config keys set from a command-line option: `capabilities: cliOptions.caps` + `.option("--caps <x>")`.

    Read on the files' full text (a bundle's option parser is not among the statements kept for tools).
    """
    hints: dict[str, str] = {}
    for text in texts.values():
        if "--" not in text:
            continue
        flags = set(_FLAG.findall(text))
        for key, option in _OPTION_SOURCE.findall(text):
            flag = "--" + re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", option).lower()
            if key not in hints and flag in flags:
                hints[key] = flag
    return hints


# -- converters ------------------------------------------------------------------------------------------
def pick_converter(converters: list[Converter]) -> Converter | None:
    """The one function that turns definitions into MCP tools with annotations (ambiguous: none)."""
    with_annotations = [c for c in converters if "annotations" in _keys(c.obj)]
    named = [c for c in with_annotations if "mcp" in (function_name(c.fn) or "").lower()]
    chosen = named or with_annotations
    return chosen[0] if len(chosen) == 1 else None


def converted_tool(ev: Evaluator, converter: Converter, tool: dict[str, Any]) -> dict[str, Any] | None:
    """The MCP form the converter makes of one definition (its locals bound in order), or None."""
    env: dict[str, Any] = {converter.param: tool}
    ev.bind_locals(converter.fn, converter.path, env)
    value = ev.eval(converter.obj, converter.path, env)
    return value if isinstance(value, dict) and value.get("name") == tool.get("name") else None
