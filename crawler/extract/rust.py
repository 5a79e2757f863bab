"""Tools declared by Rust MCP servers built on rmcp: `#[tool(...)]` methods, and hand-written `Tool::new(...)`.

rmcp's macro names a tool after its method unless `name = "..."` is given, takes the description from
`description = "..."` or else the doc comment, and writes `annotations(read_only_hint = true)` keys in snake_case
that go on the wire in camelCase. The input schema is derived (schemars) from the `Parameters<T>` struct, so
the struct's fields and their doc comments are read here. `#[prompt]` methods and config structs are not tools.
A `#[cfg(...)]` on a tool method makes it conditional.
"""

from __future__ import annotations

import re
from typing import Any

from tree_sitter import Node

from catalog.records import ToolRecord
from crawler.extract.base import FileResult, SourceFile
from crawler.extract.treesitter import (
    ParseBudgetExceeded,
    camel_from_snake,
    captures,
    decode_escape,
    is_test_path,
    join_conditions,
    line_of,
    merge_duplicates,
    node_text,
    object_schema,
    parse,
    parse_files,
    typed,
    unresolved_entry,
)

GRAMMAR = "rust"
_QUERY = """
(function_item name: (identifier) @fname) @function
(struct_item name: (type_identifier) @sname) @struct
(call_expression function: (scoped_identifier path: (identifier) @ty name: (identifier) @ctor)
  (#eq? @ty "Tool") (#eq? @ctor "new")) @toolnew
(struct_expression name: [(type_identifier) @sty (scoped_type_identifier name: (type_identifier) @sty)]
  (#eq? @sty "Tool")) @toolstruct
(const_item name: (identifier) @cname value: (_) @cvalue) @const
"""
_INTEGERS = frozenset({"i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize"})
_STRINGS = frozenset({"String", "str", "&str", "Cow", "PathBuf", "Url", "Uuid", "char"})
_WRAPPERS = frozenset({"Box", "Arc", "Rc", "Cow"})
_SEQUENCES = frozenset({"Vec", "HashSet", "BTreeSet", "VecDeque"})
_MAPS = frozenset({"HashMap", "BTreeMap", "Map", "IndexMap", "Value"})
_PARAM_WRAPPERS = frozenset({"Parameters", "Json"})


def _grammar(path: str) -> str | None:
    return GRAMMAR if path.endswith(".rs") and not is_test_path(path) and "/target/" not in f"/{path}" else None


def extract_files(files: list[SourceFile]) -> FileResult:
    result = FileResult()
    parsed_files = list(parse_files(files, _grammar, result.problems))  # keeps the trees alive while nodes are used
    structs: dict[str, Node] = {}
    consts: dict[str, Node] = {}
    found: list[tuple[str, Node, str]] = []
    expansions: list[Any] = []  # macro bodies parsed as expressions; kept alive with their nodes
    for parsed in parsed_files:
        roots = [(parsed.tree.root_node, 0)]
        for tree, offset in _macro_bodies(parsed.tree.root_node):
            expansions.append(tree)
            roots.append((tree.root_node, offset))
        for root, offset in roots:
            caps = captures(GRAMMAR, _QUERY, root)
            for node in typed(caps, "struct", "struct_item"):
                structs.setdefault(node_text(node.child_by_field_name("name")), node)
            for node in typed(caps, "const", "const_item"):
                consts.setdefault(node_text(node.child_by_field_name("name")), node.child_by_field_name("value"))
            found.extend(
                ("method", n, parsed.path, offset) for n in typed(caps, "function", "function_item") if offset == 0
            )
            found.extend(("new", n, parsed.path, offset) for n in typed(caps, "toolnew", "call_expression"))
            found.extend(("struct", n, parsed.path, offset) for n in typed(caps, "toolstruct", "struct_expression"))
    reader = _Reader(structs, consts, result)
    for kind, node, path, offset in sorted(found, key=lambda f: (f[2], f[1].start_point[0] + f[3])):
        if kind == "method":
            reader.method(node, path)
        elif kind == "new":
            reader.tool_new(node, path, offset)
        else:
            reader.tool_struct(node, path, offset)
    result.tools = merge_duplicates(result.tools)
    return result


_MACROS = """
(macro_invocation macro: (identifier) @macro (#any-of? @macro "vec" "json" "Some" "Ok") (token_tree) @body)
"""


def _macro_bodies(root: Node) -> list[tuple[Any, int]]:
    """`vec![Tool::new(...), ...]` bodies are token trees to the grammar: parse each as an array expression.

    The wrapper is written on the body's first line, so a node's row plus the returned offset is its real row.
    """
    out: list[tuple[Any, int]] = []
    for body in typed(captures(GRAMMAR, _MACROS, root), "body", "token_tree"):
        text = node_text(body)
        if "Tool" not in text or len(text) < 3:
            continue
        try:
            tree, _ = parse("fn __m() { let _ = [" + text[1:-1] + "]; }", GRAMMAR)
        except ParseBudgetExceeded:
            continue
        out.append((tree, body.start_point[0]))
    return out


def string_value(node: Node) -> str:
    """A Rust string literal as the compiler sees it (`\\` + newline also skips the next line's indentation)."""
    parts: list[str] = []
    skip_ws = False
    for child in node.children:
        if child.type == "escape_sequence":
            text = node_text(child)
            skip_ws = text.startswith("\\\n") or text.startswith("\\\r\n")
            parts.append("" if skip_ws else decode_escape(text))
        elif child.type == "string_content":
            text = node_text(child)
            parts.append(text.lstrip(" \t\n\r") if skip_ws else text)
            skip_ws = False
    return "".join(parts)


def token_args(tree: Node) -> dict[str, Any]:
    """`key = value, flag, nested(key = value)` inside an attribute's token tree, as a dict."""
    out: dict[str, Any] = {}
    children = [c for c in tree.children if c.type not in ("(", ")", "[", "]", "{", "}")]
    i = 0
    while i < len(children):
        child = children[i]
        if child.type == "identifier" or (not child.is_named and node_text(child).isidentifier()):
            key = node_text(child)  # `default`, `type` ... are keywords to the grammar
            nxt = children[i + 1] if i + 1 < len(children) else None
            if nxt is not None and nxt.type == "=" and i + 2 < len(children):
                out[key] = _literal(children[i + 2])
                i += 3
                continue
            if nxt is not None and nxt.type == "token_tree":
                out[key] = token_args(nxt)
                i += 2
                continue
            out[key] = True
        i += 1
    return out


def _literal(node: Node) -> Any:
    if node.type in ("string_literal", "raw_string_literal"):
        return string_value(node)
    if node.type == "boolean_literal":
        return node_text(node) == "true"
    if node.type == "integer_literal":
        try:
            return int(re.sub(r"(u|i)(8|16|32|64|128|size)$", "", node_text(node).replace("_", "")), 0)
        except ValueError:
            return node_text(node)
    return node_text(node)


def _attributes(item: Node) -> tuple[list[tuple[str, Node | None]], list[str]]:
    """The attributes (name, token tree) and doc-comment lines directly above an item."""
    attrs: list[tuple[str, Node | None]] = []
    docs: list[str] = []
    sib = item.prev_sibling
    while sib is not None and sib.type in ("attribute_item", "line_comment", "block_comment"):
        if sib.type == "attribute_item":
            attr = sib.named_children[0] if sib.named_children else None
            if attr is not None:
                path = attr.named_children[0] if attr.named_children else None
                attrs.append((node_text(path), attr.child_by_field_name("arguments")))
                if node_text(path) == "doc":
                    value = attr.child_by_field_name("value")
                    if value is not None and value.type == "string_literal":
                        docs.append(string_value(value))
        elif sib.child_by_field_name("doc") is not None and sib.child_by_field_name("outer") is not None:
            docs.append(node_text(sib.child_by_field_name("doc")))
        sib = sib.prev_sibling
    attrs.reverse()
    docs.reverse()
    return attrs, docs


def _doc_text(lines: list[str]) -> str | None:
    """rmcp's rule for doc comments: each line trimmed, empty lines dropped, joined with newlines."""
    kept = [line.strip() for line in lines if line.strip()]
    return "\n".join(kept) or None


class _Reader:
    def __init__(self, structs: dict[str, Node], consts: dict[str, Node], result: FileResult) -> None:
        self.structs = structs
        self.consts = consts
        self.result = result

    def method(self, fn: Node, path: str) -> None:
        attrs, docs = _attributes(fn)
        tool_attr = next((tree for name, tree in attrs if name in ("tool", "rmcp::tool")), False)
        if tool_attr is False:
            return
        args = token_args(tool_attr) if tool_attr is not None else {}
        if args.get("tool_box"):
            return  # the old `#[tool(tool_box)]` on an impl block, not a tool
        name = args.get("name", node_text(fn.child_by_field_name("name")))
        if not isinstance(name, str):
            self.result.unresolved.append(unresolved_entry(path, fn, "tool name is not a string literal"))
            return
        record = ToolRecord(name=name, file=path, line=line_of(fn))
        description = args.get("description")
        if isinstance(description, str) and tool_attr is not None and _is_literal_value(tool_attr, "description"):
            record.description = description
        elif isinstance(description, str) and description in self.consts:
            record.description = _const_string(self.consts[description])
        else:
            record.description = _doc_text(docs)
        if isinstance(args.get("title"), str):
            record.title = args["title"]
        annotations = args.get("annotations")
        if isinstance(annotations, dict):
            record.annotations = {camel_from_snake(k): v for k, v in annotations.items()}
            if record.title is None and isinstance(record.annotations.get("title"), str):
                record.title = record.annotations["title"]
        record.input_schema = self._input_schema(fn)
        cfg = [node_text(tree) for n, tree in attrs if n == "cfg" and tree is not None]
        if cfg:
            record.conditional = join_conditions(*(f"cfg{c}" for c in cfg))
        self.result.tools.append(record)

    def _input_schema(self, fn: Node) -> dict[str, Any]:
        params = fn.child_by_field_name("parameters")
        properties: dict[str, Any] = {}
        required: list[str] = []
        for param in params.named_children if params is not None else []:
            if param.type != "parameter":
                continue
            ptype = param.child_by_field_name("type")
            outer, inner = _split_generic(node_text(ptype))
            marker = _param_marker(param)
            if (outer in _PARAM_WRAPPERS and inner) or marker == "aggr":
                struct = self.structs.get((inner if outer in _PARAM_WRAPPERS else outer).rsplit("::", 1)[-1])
                if struct is not None:
                    return self.struct_schema(struct)
                return {"type": "object", "properties": {}}
            if marker == "param":
                pname = node_text(param.child_by_field_name("pattern"))
                attrs = _param_schemars(param)
                prop = _type_schema(node_text(ptype))
                if "description" in attrs:
                    prop["description"] = attrs["description"]
                properties[pname] = prop
                if outer != "Option":
                    required.append(pname)
        return object_schema(properties, required)

    def struct_schema(self, struct: Node) -> dict[str, Any]:
        """What schemars derives for a struct: properties from fields, required unless Option or defaulted."""
        properties: dict[str, Any] = {}
        required: list[str] = []
        body = struct.child_by_field_name("body")
        struct_attrs, _ = _attributes(struct)
        struct_default = any(
            n == "serde" and tree is not None and "default" in token_args(tree) for n, tree in struct_attrs
        )
        for field in body.named_children if body is not None else []:
            if field.type != "field_declaration":
                continue
            attrs, docs = _attributes(field)
            serde: dict[str, Any] = {}
            schemars: dict[str, Any] = {}
            for name, tree in attrs:
                if tree is not None and name == "serde":
                    serde.update(token_args(tree))
                elif tree is not None and name == "schemars":
                    schemars.update(token_args(tree))
            if serde.get("skip") or serde.get("skip_deserializing") or serde.get("flatten"):
                continue
            fname = serde.get("rename") if isinstance(serde.get("rename"), str) else None
            fname = fname or node_text(field.child_by_field_name("name")).removeprefix("r#")
            ftype = node_text(field.child_by_field_name("type"))
            prop = _type_schema(ftype)
            description = schemars.get("description") or _doc_text(docs)
            if isinstance(description, str):
                prop["description"] = description
            properties[fname] = prop
            optional = _split_generic(ftype)[0] == "Option" or "default" in serde or struct_default
            if not optional:
                required.append(fname)
        return object_schema(properties, required)

    def tool_new(self, call: Node, path: str, offset: int = 0) -> None:
        args_node = call.child_by_field_name("arguments")
        args = [a for a in (args_node.named_children if args_node is not None else []) if a.type != "line_comment"]
        if not args:
            return
        name = self._string(args[0])
        if name is None:
            entry = unresolved_entry(path, args[0], "tool name computed at run time")
            self.result.unresolved.append({**entry, "line": entry["line"] + offset})
            return
        record = ToolRecord(name=name, file=path, line=line_of(call) + offset)
        record.description = self._string(args[1]) if len(args) > 1 else None
        self.result.tools.append(record)

    def tool_struct(self, node: Node, path: str, offset: int = 0) -> None:
        body = node.child_by_field_name("body")
        fields: dict[str, Node] = {}
        for init in body.named_children if body is not None else []:
            if init.type == "field_initializer":
                fields[node_text(init.child_by_field_name("field"))] = init.child_by_field_name("value")
            elif init.type == "shorthand_field_initializer":
                fields[node_text(init)] = init
        if "name" not in fields:
            return
        name = self._string(fields["name"])
        if name is None:
            entry = unresolved_entry(path, fields["name"], "tool name computed at run time")
            self.result.unresolved.append({**entry, "line": entry["line"] + offset})
            return
        record = ToolRecord(name=name, file=path, line=line_of(node) + offset)
        if "description" in fields:
            record.description = self._string(fields["description"])
        if "title" in fields:
            record.title = self._string(fields["title"])
        self.result.tools.append(record)

    def _string(self, node: Node | None) -> str | None:
        """A string expression through `.into()`, `.to_string()`, `Some(..)`, `Cow::Borrowed(..)`, consts."""
        while node is not None:
            if node.type in ("string_literal", "raw_string_literal"):
                return string_value(node)
            if node.type == "identifier" and node_text(node) in self.consts:
                node = self.consts[node_text(node)]
                continue
            if node.type == "reference_expression":
                node = node.child_by_field_name("value")
                continue
            if node.type == "call_expression":
                fn = node.child_by_field_name("function")
                args = node.child_by_field_name("arguments")
                if fn is not None and fn.type == "field_expression":
                    node = fn.child_by_field_name("value")  # "x".into() / .to_string() / .to_owned()
                    continue
                if args is not None and len(args.named_children) == 1:
                    node = args.named_children[0]  # Some(..), Cow::Borrowed(..), String::from(..)
                    continue
            return None
        return None


def _is_literal_value(tree: Node, key: str) -> bool:
    children = [c for c in tree.children]
    for i, child in enumerate(children[:-2]):
        if child.type == "identifier" and node_text(child) == key and children[i + 1].type == "=":
            return children[i + 2].type in ("string_literal", "raw_string_literal")
    return False


def _const_string(node: Node) -> str | None:
    return string_value(node) if node.type in ("string_literal", "raw_string_literal") else None


def _param_marker(param: Node) -> str | None:
    """Old rmcp marks parameters with `#[tool(param)]` / `#[tool(aggr)]` (tree-sitter may wrap them in ERROR)."""
    sib = param.prev_sibling
    while sib is not None and sib.type in ("attribute_item", "ERROR", "line_comment"):
        text = node_text(sib)
        if "tool(" in text and "aggr" in text:
            return "aggr"
        if "tool(" in text and "param" in text:
            return "param"
        sib = sib.prev_sibling
    return None


def _param_schemars(param: Node) -> dict[str, Any]:
    out: dict[str, Any] = {}
    sib = param.prev_sibling
    while sib is not None and sib.type in ("attribute_item", "ERROR", "line_comment"):
        for attr_item in (
            [sib] if sib.type == "attribute_item" else [c for c in sib.children if c.type == "attribute_item"]
        ):
            attr = attr_item.named_children[0] if attr_item.named_children else None
            args = attr.child_by_field_name("arguments") if attr is not None else None
            if attr is not None and args is not None and node_text(attr.named_children[0]) == "schemars":
                out.update(token_args(args))
        sib = sib.prev_sibling
    return out


def _split_generic(text: str) -> tuple[str, str]:
    """`Option<Vec<String>>` -> ("Option", "Vec<String>"); paths keep only the last segment of the outer type."""
    text = text.strip().lstrip("&").replace("mut ", "").strip()
    if "<" not in text or not text.endswith(">"):
        return text.rsplit("::", 1)[-1], ""
    outer, inner = text.split("<", 1)
    return outer.strip().rsplit("::", 1)[-1], inner[:-1].strip()


def _type_schema(text: str) -> dict[str, Any]:
    """schemars' JSON type for common Rust types (unknown types: an open schema)."""
    outer, inner = _split_generic(text)
    if outer == "Option" or outer in _WRAPPERS:
        return _type_schema(inner) if inner else {}
    if outer in _INTEGERS:
        return {"type": "integer"}
    if outer in ("f32", "f64"):
        return {"type": "number"}
    if outer == "bool":
        return {"type": "boolean"}
    if outer in _STRINGS:
        return {"type": "string"}
    if outer in _SEQUENCES:
        return {"type": "array", "items": _type_schema(inner) if inner else {}}
    if outer in _MAPS:
        return {"type": "object"}
    if text.strip().startswith("["):
        return {"type": "array"}
    return {}
