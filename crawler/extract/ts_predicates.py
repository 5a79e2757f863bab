"""Three-valued reading of a list filter's predicate on one element: kept, dropped, or kept under a condition.

Servers trim their tool list before answering ``tools/list`` with filters such as ``t => t.capability ===
"core" || config.capabilities.includes(t.capability)`` or ``t => !t.internal``. For an element whose fields are
known statically, the parts that test those fields are decided now; the parts that depend on run-time
configuration become the condition text the catalog records. Pure functions over tree-sitter nodes.
"""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

from crawler.extract.treesitter import negated, node_text, short, strip_parens

_TRUE, _FALSE = True, False


def fields_tested(node: Node, param: str) -> set[str]:
    """The fields of the predicate's parameter that it reads (`t.capability` -> capability)."""
    out: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "member_expression" and node_text(current.child_by_field_name("object")) == param:
            out.add(node_text(current.child_by_field_name("property")))
        stack.extend(current.named_children)
    return out


def _field(node: Node, param: str, extras: dict[str, Any]) -> tuple[bool, Any]:
    """(is `param.field` or `param.a?.b`, its value) for a member chain on the filter's parameter.

    A missing key reads as None (JavaScript's undefined), as does a step through a non-object.
    """
    path: list[str] = []
    node = _strip(node)
    while node.type == "member_expression":
        path.append(node_text(node.child_by_field_name("property")))
        node = _strip(node.child_by_field_name("object"))  # type: ignore[arg-type]
    if not path or node.type != "identifier" or node_text(node) != param:
        return False, None
    value: Any = extras
    for key in reversed(path):
        value = value.get(key) if isinstance(value, dict) else None
    return True, value


def _known(value: Any) -> bool:
    """A value read statically (not a run-time placeholder from the evaluator)."""
    return value is None or isinstance(value, str | int | float | bool | dict | list)


def _strip(node: Node) -> Node:
    while node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    return node


def _literal(node: Node) -> tuple[bool, Any]:
    node = _strip(node)
    if node.type == "string":
        return True, node_text(node)[1:-1]
    if node.type in ("true", "false"):
        return True, node.type == "true"
    if node.type == "number":
        text = node_text(node).replace("_", "")
        try:
            return True, int(text, 0)
        except ValueError:
            try:
                return True, float(text)
            except ValueError:
                return False, None
    return False, None


def predicate_truth(  # noqa: C901 - one case per expression shape
    node: Node, param: str, extras: dict[str, Any], hints: dict[str, str]
) -> bool | str:
    """True (kept), False (dropped) or the condition under which `node` holds for an element `extras`.

    `hints` maps a config key to the command-line flag that sets it, so a condition can name the flag.
    """
    node = _strip(node)
    if node.type == "binary_expression":
        op = node_text(node.child_by_field_name("operator"))
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op in ("||", "&&") and left is not None and right is not None:
            a = predicate_truth(left, param, extras, hints)
            short_circuit = _TRUE if op == "||" else _FALSE
            if a is short_circuit:
                return a
            b = predicate_truth(right, param, extras, hints)
            if isinstance(a, bool):
                return b
            if isinstance(b, bool):
                return a if b is not short_circuit else b
            return f"{a} {'or' if op == '||' else 'and'} {b}"
        if op in ("===", "==", "!==", "!=") and left is not None and right is not None:
            for field_node, lit_node in ((left, right), (right, left)):
                is_field, value = _field(field_node, param, extras)
                is_lit, lit = _literal(lit_node)
                if is_field and is_lit and _known(value):
                    return (value == lit) == (op in ("===", "=="))
    if node.type == "unary_expression" and node_text(node.child_by_field_name("operator")) == "!":
        inner = predicate_truth(node.child_by_field_name("argument"), param, extras, hints)  # type: ignore[arg-type]
        return (not inner) if isinstance(inner, bool) else negated(inner)
    is_field, value = _field(node, param, extras)
    if is_field and _known(value):
        return bool(value)
    if node.type == "call_expression":
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        arg = args.named_children[0] if args is not None and len(args.named_children) == 1 else None
        if fn is not None and fn.type == "member_expression" and arg is not None:
            method = node_text(fn.child_by_field_name("property"))
            obj = fn.child_by_field_name("object")
            is_obj_field, obj_value = _field(obj, param, extras)  # type: ignore[arg-type]
            is_lit, lit = _literal(arg)
            if is_obj_field and is_lit and isinstance(obj_value, str) and method in ("startsWith", "endsWith"):
                return obj_value.startswith(lit) if method == "startsWith" else obj_value.endswith(lit)
            is_arg_field, arg_value = _field(arg, param, extras)
            if is_arg_field and method == "includes" and not is_obj_field and isinstance(arg_value, str):
                listed = node_text(obj).replace("?.", ".")
                hint = hints.get(listed.rsplit(".", 1)[-1])
                return f'{listed} includes "{arg_value}"' + (f" ({hint}={arg_value})" if hint else "")
    return strip_parens(short(node_text(node), 120))
