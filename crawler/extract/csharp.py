"""Tools declared by C# MCP servers (the official ModelContextProtocol SDK): `[McpServerTool]` methods.

The SDK names a tool `Name = ...` or, without it, after the method: an `Async` suffix removed, then
snake_case in lower case. `ReadOnly`/`Destructive`/`Idempotent`/`OpenWorld`/`Title` attribute properties
become annotations; `[Description("...")]` on the method and its parameters gives the descriptions; the
input schema comes from the parameters, minus the ones the SDK injects (cancellation tokens, the server,
request context, services).
"""

from __future__ import annotations

import re
from typing import Any

from tree_sitter import Node

from catalog.records import ToolRecord
from crawler.extract.base import FileResult, SourceFile
from crawler.extract.treesitter import (
    decode_string_node,
    is_test_path,
    line_of,
    matches,
    merge_duplicates,
    node_text,
    object_schema,
    parse_files,
    snake_case,
    unresolved_entry,
)

GRAMMAR = "csharp"
_QUERY = """
(method_declaration (attribute_list (attribute name: (_) @attr
  (#match? @attr "(^|\\\\.)McpServerTool(Attribute)?$")))) @method
(field_declaration (variable_declaration (variable_declarator (identifier) @cname (_) @cvalue))) @const
"""
_HINTS = {
    "ReadOnly": "readOnlyHint",
    "Destructive": "destructiveHint",
    "Idempotent": "idempotentHint",
    "OpenWorld": "openWorldHint",
}
_INJECTED = re.compile(
    r"^(CancellationToken|IMcpServer|McpServer|RequestContext<.*>|IServiceProvider|IProgress<.*>|"
    r"ILogger(<.*>)?|ILoggerFactory|HttpClient|IHttpClientFactory|IConfiguration|I[A-Z]\w*)$"
)
_INTEGERS = frozenset({"int", "long", "short", "byte", "sbyte", "uint", "ulong", "ushort", "Int32", "Int64"})
_NUMBERS = frozenset({"double", "float", "decimal", "Double", "Single", "Decimal"})
_SEQUENCE = re.compile(
    r"^(.+)\[\]$|^(?:List|IList|IEnumerable|IReadOnlyList|ICollection|IReadOnlyCollection|HashSet)<(.+)>$"
)
_STRING_CONTENT = frozenset({"string_literal_content"})


def _grammar(path: str) -> str | None:
    lower = path.lower()
    if not lower.endswith(".cs") or is_test_path(path) or "/obj/" in f"/{lower}" or "/bin/" in f"/{lower}":
        return None
    return GRAMMAR


def extract_files(files: list[SourceFile]) -> FileResult:
    result = FileResult()
    parsed_files = list(parse_files(files, _grammar, result.problems))  # keeps the trees alive while nodes are used
    consts: dict[str, Node] = {}
    methods: list[tuple[str, Node]] = []
    for parsed in parsed_files:
        for match in matches(GRAMMAR, _QUERY, parsed.tree.root_node):
            if "cname" in match:
                consts.setdefault(node_text(match["cname"][0]), match["cvalue"][0])
            elif "method" in match:
                methods.append((parsed.path, match["method"][0]))
    reader = _Reader(consts, result)
    seen: set[tuple[str, int]] = set()
    for path, method in sorted(methods, key=lambda m: (m[0], m[1].start_byte)):
        if (path, method.start_byte) not in seen:  # a method matching through two attributes counts once
            seen.add((path, method.start_byte))
            reader.method(method, path)
    result.tools = merge_duplicates(result.tools)
    return result


def tool_name_from_method(method: str) -> str:
    """The SDK's default name: drop an `Async` suffix, non-alphanumerics to `_`, snake_case lower."""
    if method.endswith("Async") and len(method) > 5:
        method = method[:-5]
    return snake_case(re.sub(r"[^0-9A-Za-z]", "_", method))


class _Reader:
    def __init__(self, consts: dict[str, Node], result: FileResult) -> None:
        self.consts = consts
        self.result = result

    def method(self, method: Node, path: str) -> None:
        attrs = _attributes(method)
        tool_args = next((a for n, a in attrs if _is(n, "McpServerTool")), None)
        if tool_args is None:
            return
        named = {k: v for k, v in tool_args if k}
        name_node = named.get("Name")
        method_name = node_text(method.child_by_field_name("name"))
        if name_node is not None:
            name = self.string(name_node)
            if name is None:
                self.result.unresolved.append(unresolved_entry(path, name_node, "tool name is not a constant"))
                return
        else:
            name = tool_name_from_method(method_name)
        record = ToolRecord(name=name, file=path, line=line_of(method))
        description = next((a for n, a in attrs if _is(n, "Description")), None)
        if description:
            record.description = self.string(description[0][1])
        for prop, hint in _HINTS.items():
            if prop in named and named[prop].type == "boolean_literal":
                record.annotations[hint] = node_text(named[prop]) == "true"
        if "Title" in named:
            title = self.string(named["Title"])
            if title is not None:
                record.title = title
                record.annotations["title"] = title
        record.input_schema = self.schema(method)
        self.result.tools.append(record)

    def schema(self, method: Node) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        params = method.child_by_field_name("parameters")
        for param in params.named_children if params is not None else []:
            if param.type != "parameter":
                continue
            ptype = node_text(param.child_by_field_name("type"))
            attrs = _attributes(param)
            if _INJECTED.match(ptype.rstrip("?")) or any(_is(n, "FromServices") for n, _ in attrs):
                continue
            pname = node_text(param.child_by_field_name("name"))
            prop = _type_schema(ptype)
            description = next((a for n, a in attrs if _is(n, "Description")), None)
            if description:
                text = self.string(description[0][1])
                if text is not None:
                    prop["description"] = text
            default = _default_value(param)
            if default is not None:
                prop["default"] = self.literal(default)
            properties[pname] = prop
            if default is None and not ptype.endswith("?"):
                required.append(pname)
        return object_schema(properties, required)

    def string(self, node: Node | None) -> str | None:
        value = self.literal(node)
        return value if isinstance(value, str) else None

    def literal(self, node: Node | None) -> Any:
        if node is None:
            return None
        t = node.type
        if t == "string_literal":
            return decode_string_node(node, _STRING_CONTENT)
        if t == "verbatim_string_literal":
            return node_text(node)[2:-1].replace('""', '"')
        if t == "raw_string_literal":
            return _raw_string(node_text(node))
        if t == "boolean_literal":
            return node_text(node) == "true"
        if t == "integer_literal":
            try:
                return int(node_text(node).rstrip("uUlL").replace("_", ""), 0)
            except ValueError:
                return None
        if t == "real_literal":
            try:
                return float(node_text(node).rstrip("fFdDmM").replace("_", ""))
            except ValueError:
                return None
        if t == "null_literal":
            return None
        if t == "binary_expression" and node_text(node.child_by_field_name("operator")) == "+":
            left, right = (
                self.literal(node.child_by_field_name("left")),
                self.literal(node.child_by_field_name("right")),
            )
            return left + right if isinstance(left, str) and isinstance(right, str) else None
        if t in ("identifier", "member_access_expression"):
            key = node_text(node).rsplit(".", 1)[-1]
            return self.literal(self.consts[key]) if key in self.consts else None
        if t == "parenthesized_expression" and node.named_children:
            return self.literal(node.named_children[0])
        return None


def _raw_string(text: str) -> str:
    """C# 11 raw string: strip the quote fences and the closing line's indentation from every line."""
    quotes = len(text) - len(text.lstrip('"'))
    body = text[quotes:-quotes]
    if "\n" not in body:
        return body
    lines = body.split("\n")
    indent = len(lines[-1]) - len(lines[-1].lstrip())
    inner = lines[1:-1]
    return "\n".join(line[indent:] for line in inner)


def _is(name: str, wanted: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last == wanted or last == wanted + "Attribute"


def _attributes(node: Node) -> list[tuple[str, list[tuple[str | None, Node]]]]:
    """(attribute name, [(argument name or None, value node)]) for the attribute lists on a declaration."""
    out: list[tuple[str, list[tuple[str | None, Node]]]] = []
    for lst in node.named_children:
        if lst.type != "attribute_list":
            continue
        for attr in lst.named_children:
            if attr.type != "attribute":
                continue
            args: list[tuple[str | None, Node]] = []
            arg_list = next((c for c in attr.named_children if c.type == "attribute_argument_list"), None)
            for arg in arg_list.named_children if arg_list is not None else []:
                name = arg.child_by_field_name("name")
                value = arg.named_children[-1] if arg.named_children else None
                if value is not None:
                    args.append((node_text(name) if name is not None else None, value))
            out.append((node_text(attr.child_by_field_name("name")), args))
    return out


def _default_value(param: Node) -> Node | None:
    named = param.named_children
    last = named[-1] if named else None
    if last is None or last == param.child_by_field_name("name") or last == param.child_by_field_name("type"):
        return None
    return None if last.type == "attribute_list" else last


def _type_schema(ptype: str) -> dict[str, Any]:
    text = ptype.rstrip("?").strip()
    if text in ("string", "String", "char", "Guid", "DateTime", "DateTimeOffset", "Uri"):
        return {"type": "string"}
    if text in _INTEGERS:
        return {"type": "integer"}
    if text in _NUMBERS:
        return {"type": "number"}
    if text in ("bool", "Boolean"):
        return {"type": "boolean"}
    seq = _SEQUENCE.match(text)
    if seq:
        return {"type": "array", "items": _type_schema(seq.group(1) or seq.group(2))}
    if text.startswith(("Dictionary<", "IDictionary<", "IReadOnlyDictionary<")) or text in ("JsonElement", "object"):
        return {}
    return {}
