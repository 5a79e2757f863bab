"""Shared tree-sitter plumbing for the non-Python extractors: parsers, guards against bad input, string decoding.

Why one module: every language extractor needs the same defences (huge, minified, binary or pathological
files are skipped with a recorded reason instead of hanging the crawl), the same fast node search (queries
run in C; walking every node in Python would not keep up with tens of thousands of repositories) and the
same escape-sequence decoding, so that a description reads exactly as the server would send it.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

from catalog.records import ExtractionProblem, ToolRecord

MAX_FILE_CHARS = 3_000_000  # generated API clients can be large; beyond this a file is not hand-written tool code
MAX_LINE_CHARS = 8_000  # a longer line means minified or generated output
PARSE_BUDGET_SECONDS = 2.0  # per file; tree-sitter is linear, so this only trips on pathological input


def _load(name: str) -> Any:
    if name == "typescript":
        import tree_sitter_typescript as mod

        return mod.language_typescript()
    if name == "tsx":
        import tree_sitter_typescript as mod

        return mod.language_tsx()
    if name == "javascript":
        import tree_sitter_javascript as mod
    elif name == "go":
        import tree_sitter_go as mod
    elif name == "rust":
        import tree_sitter_rust as mod
    elif name == "csharp":
        import tree_sitter_c_sharp as mod
    elif name == "java":
        import tree_sitter_java as mod
    else:
        raise ValueError(f"no tree-sitter grammar for {name!r}")
    return mod.language()


_languages: dict[str, Language] = {}
_local = threading.local()  # a Parser is not thread-safe; one per thread and grammar
_queries: dict[tuple[str, str], Query] = {}
_lock = threading.Lock()


def language(name: str) -> Language:
    with _lock:
        if name not in _languages:
            _languages[name] = Language(_load(name))
        return _languages[name]


def query(lang: str, source: str) -> Query:
    """A compiled query, cached: compiling costs far more than running."""
    key = (lang, source)
    with _lock:
        cached = _queries.get(key)
    if cached is None:
        cached = Query(language(lang), source)
        with _lock:
            _queries[key] = cached
    return cached


def captures(lang: str, source: str, node: Node) -> dict[str, list[Node]]:
    return QueryCursor(query(lang, source)).captures(node)


def typed(caps: dict[str, list[Node]], name: str, *types: str) -> list[Node]:
    """The nodes captured under `name` that have one of `types` (a guard: a capture list can hold stray nodes)."""
    return [n for n in caps.get(name, []) if n.type in types]


def matches(lang: str, source: str, node: Node) -> list[dict[str, list[Node]]]:
    """Each match's captures together (capture lists from `captures` are not aligned across names)."""
    return [caps for _, caps in QueryCursor(query(lang, source)).matches(node)]


def _parser(name: str) -> Parser:
    parsers: dict[str, Parser] = getattr(_local, "parsers", None) or {}
    _local.parsers = parsers
    if name not in parsers:
        parsers[name] = Parser(language(name))
    return parsers[name]


def skip_reason(text: str) -> str | None:
    """Why a file must not be parsed (too large, binary, minified), or None. Cheap: no parsing."""
    if len(text) > MAX_FILE_CHARS:
        return f"file too large ({len(text)} characters > {MAX_FILE_CHARS}); generated code is not scanned"
    if "\x00" in text[:8192]:
        return "binary content (NUL byte)"
    start = 0
    length = len(text)
    while start < length:
        end = text.find("\n", start)
        if end == -1:
            end = length
        if end - start > MAX_LINE_CHARS:
            return f"minified or generated (a line of {end - start} characters at line {text.count(chr(10), 0, start) + 1})"
        start = end + 1
    return None


class ParseBudgetExceeded(Exception):
    pass


def parse(text: str, lang: str, budget: float = PARSE_BUDGET_SECONDS) -> tuple[Tree, bytes]:
    """Parse once from bytes (nodes then slice their text from the tree's own copy, which is fast).

    tree-sitter parses in linear time, and `skip_reason` has already refused oversized and minified input,
    so a parse is bounded; one that still took longer than `budget` is reported so the file is skipped
    rather than walked (the driver's per-module budget bounds everything else).
    """
    data = text.encode("utf-8", "surrogatepass")
    start = time.perf_counter()
    tree = _parser(lang).parse(data)
    if time.perf_counter() - start > budget:
        raise ParseBudgetExceeded(f"parse took over the {budget:.0f}s time budget; skipped")
    return tree, data


def node_text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


def line_of(node: Node) -> int:
    return node.start_point[0] + 1


def short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "e": "\x1b",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "`": "`",
    "$": "$",
    "\n": "",  # line continuation
    "\r\n": "",
}


def decode_escape(seq: str) -> str:
    """One escape sequence (with its backslash) to the characters it stands for, as the compiler would."""
    body = seq[1:]
    if not body:
        return ""
    if body in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[body]
    if body[0] == "\n" or body.startswith("\r\n"):
        return ""  # Rust: backslash-newline also swallows the following indentation (the node includes it)
    head = body[0]
    try:
        if head == "x" and len(body) >= 3:
            return chr(int(body[1:3], 16))
        if head == "u" and body[1:2] == "{":
            return chr(int(body[2:].rstrip("}"), 16))
        if head in "uU":
            return chr(int(body[1:], 16))
        if head in "01234567":
            return chr(int(body, 8))
    except ValueError:
        pass
    return body  # unknown escape: JavaScript keeps the character, others reject it at compile time


def decode_string_node(node: Node, content_types: frozenset[str], escape_type: str = "escape_sequence") -> str:
    """Concatenate a string literal's content children, decoding escape sequences."""
    parts: list[str] = []
    for child in node.children:
        if child.type == escape_type:
            parts.append(decode_escape(node_text(child)))
        elif child.type in content_types:
            parts.append(node_text(child))
    return "".join(parts)


_CAMEL_1 = re.compile(r"(.)([A-Z][a-z]+)")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")


def snake_case(name: str) -> str:
    return _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", name)).lower()


def camel_from_snake(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


_CONDITION_WORDS = re.compile(r"\s+")


def condition_text(text: str) -> str:
    return short(_CONDITION_WORDS.sub(" ", text), 160)


@dataclass
class ParsedFile:
    path: str
    tree: Tree
    data: bytes


def parse_files(
    files: list[Any],
    lang_for: Callable[[str], str | None],
    problems: list[ExtractionProblem],
    reason_for: Callable[[Any], str | None] | None = None,
) -> Iterator[ParsedFile]:
    """Parse each file once, skipping (and recording) the ones that must not or cannot be parsed.

    `reason_for` replaces the generic `skip_reason` check for languages that vet some files themselves
    (a JavaScript bundle already cut down to its tool statements may keep a long line of embedded data).
    """
    for f in files:
        lang = lang_for(f.path)
        if lang is None:
            continue
        reason = reason_for(f) if reason_for is not None else skip_reason(f.text)
        if reason:
            problems.append(ExtractionProblem(f.path, reason))
            continue
        try:
            tree, data = parse(f.text, lang)
        except ParseBudgetExceeded as exc:
            problems.append(ExtractionProblem(f.path, str(exc)))
            continue
        yield ParsedFile(f.path, tree, data)


def merge_duplicates(tools: list[ToolRecord]) -> list[ToolRecord]:
    """One record per name: variants chosen by if/else or listed in two toolsets count once.

    The first unconditional definition wins; if every definition is conditional, the first one is kept and
    the conditions are joined, so a reader sees every way the tool can appear.
    """
    by_name: dict[str, list[ToolRecord]] = {}
    for tool in tools:
        by_name.setdefault(tool.name, []).append(tool)
    out: list[ToolRecord] = []
    for variants in by_name.values():
        unconditional = [t for t in variants if not t.conditional]
        if unconditional:
            chosen = unconditional[0]
        else:
            chosen = variants[0]
            conditions = list(dict.fromkeys(t.conditional for t in variants if t.conditional))
            chosen.conditional = _covering_condition(conditions)
        if len(variants) > 1:
            chosen.extra.setdefault("definitions", len(variants))
        out.append(chosen)
    return out


def object_schema(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """The JSON Schema of a tool's arguments object, as the SDKs emit it (no `required` key when empty)."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


CONDITION_JOIN = " and "  # the same shape the Python extractor uses: `X and not (Y)`


def strip_parens(text: str) -> str:
    """`(x && y)` -> `x && y`, only when the outer parentheses enclose the whole text."""
    text = text.strip()
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        for i, ch in enumerate(text):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0 and i < len(text) - 1:
                return text
        text = text[1:-1].strip()
    return text


def negated(condition: str) -> str:
    return f"not ({condition})"


def join_conditions(*conditions: str | None) -> str | None:
    """Nested guards, outermost first, as one condition (None when unconditional)."""
    parts = [c for c in conditions if c]
    return CONDITION_JOIN.join(dict.fromkeys(parts)) or None


def _covering_condition(conditions: list[str]) -> str | None:
    """Join the conditions of variants; `X` and `not (X)` together cover every case.

    Conditions are joined from the outermost to the innermost, so two variants in the two branches of one
    if/else differ only in their last part; what remains is their shared outer condition (or none).
    """
    for a in conditions:
        head, _, last = a.rpartition(CONDITION_JOIN)
        if (head + CONDITION_JOIN if head else "") + negated(last) in conditions:
            return head or None
    for a in conditions:  # `X and C` with `not (X) and C` (a branch, then a filter applied to both): C
        parts = a.split(CONDITION_JOIN)
        for i, part in enumerate(parts):
            other = CONDITION_JOIN.join([*parts[:i], negated(part), *parts[i + 1 :]])
            if other in conditions:
                return CONDITION_JOIN.join(parts[:i] + parts[i + 1 :]) or None
    if len(conditions) > 1:
        # a variant in the branch taken when every tested flag is off: the tool is there by default
        defaults = [c for c in conditions if all(p.startswith("not (") for p in c.split(CONDITION_JOIN))]
        if defaults:
            others = [c for c in conditions if c not in defaults]
            return short("on by default; other configurations: " + " | ".join(others), 300)
    return short(" | ".join(conditions), 300)


def unresolved_entry(path: str, node: Node, reason: str) -> dict[str, Any]:
    return {"file": path, "line": line_of(node), "reason": reason, "expression": short(node_text(node))}


TEST_PATH = re.compile(
    r"(^|/)(tests?|__tests__|__mocks__|spec|specs|e2e|fixtures?|testdata|examples?)(/)|"
    r"(\.|_)(test|spec|tests)\.[a-z]+$|_test\.go$|(^|/)Test[A-Z]\w*\.java$|Tests?\.cs$"
)


def is_test_path(path: str) -> bool:
    """Tests, mocks, fixtures and examples mention tool names without declaring the server's tools."""
    return bool(TEST_PATH.search(path))
