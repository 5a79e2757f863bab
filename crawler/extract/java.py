"""Tools declared by Java MCP servers: Spring AI `@Tool`, the MCP annotations' `@McpTool`, Quarkus `@Tool`.

No `name` means the Java method name (camelCase, as Spring AI sends it). Parameters carry their descriptions
in `@ToolParam` / `@McpToolParam` / `@ToolArg`; framework-injected parameters (tool context, server exchange)
are not part of the schema. Annotation values may be constants, concatenations or text blocks, resolved as
javac would. A class whose `@Service`/`@Component` is commented out is not a bean, so its tools are not served:
they are left out and the reason is recorded.
"""

from __future__ import annotations

import re
from typing import Any

from tree_sitter import Node

from catalog.records import ExtractionProblem, ToolRecord
from crawler.extract.base import FileResult, SourceFile
from crawler.extract.treesitter import (
    decode_escape,
    is_test_path,
    line_of,
    matches,
    merge_duplicates,
    node_text,
    object_schema,
    parse_files,
    unresolved_entry,
)

GRAMMAR = "java"
_QUERY = """
(method_declaration (modifiers (annotation name: (_) @ann
  (#match? @ann "(^|\\\\.)(Tool|McpTool)$")))) @method
(field_declaration (variable_declarator name: (identifier) @cname value: (_) @cvalue))
"""
_PARAM_ANNOTATIONS = frozenset({"ToolParam", "McpToolParam", "ToolArg", "P"})
_INJECTED = re.compile(
    r"^(ToolContext|McpSyncServerExchange|McpAsyncServerExchange|McpSyncRequestContext|McpAsyncRequestContext|"
    r"McpTransportContext|CallToolRequest|McpMeta|McpLog|Progress|Cancellation|RequestId|McpConnection|"
    r"ProgressToken|Elicitation|Sampling|Roots)$"
)
_BEAN_ANNOTATIONS = (
    "Service",
    "Component",
    "Configuration",
    "RestController",
    "Controller",
    "Singleton",
    "ApplicationScoped",
)
_BEAN_COMMENT = re.compile(r"@(" + "|".join(_BEAN_ANNOTATIONS) + r")\b")
_HINTS = ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint", "title")
_INTEGERS = frozenset({"int", "long", "short", "byte", "Integer", "Long", "Short", "Byte", "BigInteger"})
_NUMBERS = frozenset({"double", "float", "Double", "Float", "BigDecimal", "Number"})


def _grammar(path: str) -> str | None:
    lower = path.lower()
    if not lower.endswith(".java") or is_test_path(path) or "/src/test/" in f"/{path}" or "/target/" in f"/{lower}":
        return None
    return GRAMMAR


def extract_files(files: list[SourceFile]) -> FileResult:
    result = FileResult()
    parsed_files = list(parse_files(files, _grammar, result.problems))  # keeps the trees alive while nodes are used
    consts: dict[str, Node] = {}
    methods: dict[tuple[str, int], Node] = {}
    for parsed in parsed_files:
        for match in matches(GRAMMAR, _QUERY, parsed.tree.root_node):
            if "cname" in match:
                consts.setdefault(node_text(match["cname"][0]), match["cvalue"][0])
            elif "method" in match:
                method = match["method"][0]
                methods.setdefault((parsed.path, method.start_byte), method)
    reader = _Reader(consts, result)
    skipped: dict[tuple[str, str], int] = {}
    for (path, _), method in sorted(methods.items()):
        cls = _enclosing_class(method)
        if cls is not None and _bean_commented_out(cls):
            key = (path, node_text(cls.child_by_field_name("name")))
            skipped[key] = skipped.get(key, 0) + 1
            continue
        reader.method(method, path)
    for (path, cls_name), count in skipped.items():
        reason = f"class {cls_name}: its @Service/@Component is commented out, so its {count} tool(s) are not served"
        result.problems.append(ExtractionProblem(path, reason))
    result.tools = merge_duplicates(result.tools)
    return result


class _Reader:
    def __init__(self, consts: dict[str, Node], result: FileResult) -> None:
        self.consts = consts
        self.result = result

    def method(self, method: Node, path: str) -> None:
        annotations = _annotations(method)
        tool = next((args for name, args in annotations if name in ("Tool", "McpTool")), None)
        if tool is None:
            return
        method_name = node_text(method.child_by_field_name("name"))
        name_node = tool.get("name")
        name = self.value(name_node) if name_node is not None else method_name
        if not isinstance(name, str) or not name:
            if name_node is not None and name == "":
                name = method_name
            else:
                self.result.unresolved.append(
                    unresolved_entry(path, name_node or method, "tool name is not a constant")
                )
                return
        record = ToolRecord(name=name, file=path, line=line_of(method))
        description = self.value(tool.get("description", tool.get("value")))
        if isinstance(description, str) and description:
            record.description = description
        title = self.value(tool.get("title"))
        if isinstance(title, str) and title:
            record.title = title
        nested = tool.get("annotations")
        if nested is not None and nested.type == "annotation":
            for key, value_node in _annotation_args(nested).items():
                value = self.value(value_node)
                if key in _HINTS and value is not None:
                    record.annotations[key] = value
            if record.title is None and isinstance(record.annotations.get("title"), str):
                record.title = record.annotations["title"]
        record.input_schema = self.schema(method)
        self.result.tools.append(record)

    def schema(self, method: Node) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        params = method.child_by_field_name("parameters")
        for param in params.named_children if params is not None else []:
            if param.type not in ("formal_parameter", "spread_parameter"):
                continue
            ptype = node_text(param.child_by_field_name("type"))
            if _INJECTED.match(ptype.split("<", 1)[0].rsplit(".", 1)[-1]):
                continue
            pname = node_text(param.child_by_field_name("name"))
            prop = _type_schema(ptype)
            is_required = True
            for name, args in _annotations(param):
                if name not in _PARAM_ANNOTATIONS:
                    continue
                description = self.value(args.get("description", args.get("value")))
                if isinstance(description, str) and description:
                    prop["description"] = description
                if "required" in args:
                    is_required = self.value(args["required"]) is not False
                default = self.value(args.get("defaultValue"))
                if isinstance(default, str) and default:
                    prop["default"] = default
                    is_required = False
            properties[pname] = prop
            if is_required and not ptype.startswith("Optional<"):
                required.append(pname)
        return object_schema(properties, required)

    def value(self, node: Node | None) -> Any:
        if node is None:
            return None
        t = node.type
        if t == "string_literal":
            return _string(node)
        if t in ("true", "false"):
            return t == "true"
        if t in ("decimal_integer_literal", "hex_integer_literal"):
            try:
                return int(node_text(node).rstrip("lL").replace("_", ""), 0)
            except ValueError:
                return None
        if t == "binary_expression" and node_text(node.child_by_field_name("operator")) == "+":
            left, right = self.value(node.child_by_field_name("left")), self.value(node.child_by_field_name("right"))
            if isinstance(left, str) and isinstance(right, str | int):
                return left + str(right)
            return None
        if t in ("identifier", "field_access"):
            key = node_text(node).rsplit(".", 1)[-1]
            return self.value(self.consts.get(key)) if key in self.consts else None
        if t == "parenthesized_expression" and node.named_children:
            return self.value(node.named_children[0])
        return None


def _string(node: Node) -> str:
    if any(c.type == "multiline_string_fragment" for c in node.children) or node_text(node).startswith('"""'):
        return _text_block(node)
    return "".join(
        decode_escape(node_text(c)) if c.type == "escape_sequence" else node_text(c)
        for c in node.children
        if c.type in ("string_fragment", "escape_sequence")
    )


def _text_block(node: Node) -> str:
    """A Java text block: incidental indentation and trailing spaces removed, then escapes decoded (JLS 3.10.6)."""
    raw = node_text(node)[3:-3]
    raw = raw.split("\n", 1)[1] if "\n" in raw else raw
    lines = raw.split("\n")
    significant = [ln for ln in lines[:-1] if ln.strip()] + [lines[-1]]
    indent = min((len(ln) - len(ln.lstrip(" \t")) for ln in significant), default=0)
    stripped = [ln[indent:].rstrip(" \t") for ln in lines]
    text = "\n".join(stripped)
    return re.sub(
        r"\\(u[0-9a-fA-F]{4}|[0-7]{1,3}|\n|.)", lambda m: "" if m.group(1) == "\n" else decode_escape(m.group(0)), text
    )


def _annotations(node: Node) -> list[tuple[str, dict[str, Node]]]:
    """(simple name, {element: value node}) of a declaration's annotations (a lone value is `value`)."""
    modifiers = next((c for c in node.named_children if c.type == "modifiers"), None)
    out: list[tuple[str, dict[str, Node]]] = []
    for ann in modifiers.named_children if modifiers is not None else []:
        if ann.type in ("annotation", "marker_annotation"):
            out.append((node_text(ann.child_by_field_name("name")).rsplit(".", 1)[-1], _annotation_args(ann)))
    return out


def _annotation_args(ann: Node) -> dict[str, Node]:
    args = ann.child_by_field_name("arguments")
    out: dict[str, Node] = {}
    for child in args.named_children if args is not None else []:
        if child.type == "element_value_pair":
            key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
            if key is not None and value is not None:
                out[node_text(key)] = value
        elif child.type != "comment":
            out["value"] = child
    return out


def _enclosing_class(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None and parent.type not in ("class_declaration", "record_declaration", "enum_declaration"):
        parent = parent.parent
    return parent


def _bean_commented_out(cls: Node) -> bool:
    """`// @Service` right above a class that has no bean annotation of its own: the class is not a bean."""
    own = {name for name, _ in _annotations(cls)}
    if own.intersection(_BEAN_ANNOTATIONS):
        return False
    sib = cls.prev_sibling
    while sib is not None and sib.type in ("line_comment", "block_comment"):
        if _BEAN_COMMENT.search(node_text(sib)):
            return True
        sib = sib.prev_sibling
    modifiers = next((c for c in cls.named_children if c.type == "modifiers"), None)
    for child in modifiers.children if modifiers is not None else []:
        if child.type in ("line_comment", "block_comment") and _BEAN_COMMENT.search(node_text(child)):
            return True
    return False


def _type_schema(ptype: str) -> dict[str, Any]:
    text = ptype.strip()
    base = text.split("<", 1)[0].rsplit(".", 1)[-1]
    inner = text[len(text.split("<", 1)[0]) + 1 : -1] if "<" in text else ""
    if base == "Optional" and inner:
        return _type_schema(inner)
    if base in ("String", "char", "Character", "UUID", "LocalDate", "LocalDateTime", "Instant", "URI"):
        return {"type": "string"}
    if base in _INTEGERS:
        return {"type": "integer"}
    if base in _NUMBERS:
        return {"type": "number"}
    if base in ("boolean", "Boolean"):
        return {"type": "boolean"}
    if text.endswith("[]") or text.endswith("..."):
        return {"type": "array", "items": _type_schema(text[:-2] if text.endswith("[]") else text[:-3])}
    if base in ("List", "Set", "Collection", "Iterable", "ArrayList"):
        return {"type": "array", "items": _type_schema(inner) if inner else {}}
    if base in ("Map", "HashMap", "JsonNode", "ObjectNode"):
        return {"type": "object"}
    return {}
