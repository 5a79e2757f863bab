"""Large, non-minified JavaScript bundles: keep only the top-level statements that can declare tools.

Some packages ship their whole server as one esbuild/rollup bundle of several megabytes (a browser-automation
server's tools live in a 3.5 MB, 77k-line ``coreBundle.js`` next to a web server, a CLI and embedded source
strings). Such a file is over the per-file size limit and has a few very long lines (embedded data), so the
generic guards would skip it as "generated". It is still readable code, though, and the tools are in it.

This module takes such a bundle's top-level statements (line ranges of the parser's top-level nodes: text
heuristics are fooled by template literals holding code at column 0), keeps the statements that mention a
tool marker plus the declarations they refer to (a few rounds, so schema constants and helper functions
resolve), and blanks the rest line by line, so line numbers in the kept text are those of the original file.
Only the kept text is indexed and evaluated, which is where the time goes. Pure text in, text out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BUNDLE_CHARS = 12_000_000  # larger than any hand-readable bundle seen; beyond this nothing is parsed
MIN_BUNDLE_LINES = 1_000
MAX_AVERAGE_LINE = 200  # minified output averages thousands of characters per line; bundles about 40
MAX_KEPT_CHARS = 3_000_000  # what is parsed after the cut is bounded like any other file
CLOSURE_ROUNDS = 2  # schema constants and helpers (round 1), the lists and values they name (round 2)
# What a statement that declares or lists MCP tools contains (registration calls, tool-definition objects).
TOOL_MARKERS = re.compile(
    r"inputSchema|input_schema|registerTool|ListToolsRequestSchema|\.tool\(|\baddTools?\(|MCPTool|[\"']tools/list[\"']"
)
_HOISTED = re.compile(r"^(?:var|let)\s+[A-Za-z_$][\w$]*(?:\s*,\s*[A-Za-z_$][\w$]*)*\s*;\s*$")
_ASSIGNMENT = re.compile(r"(?m)^[ \t]+([A-Za-z_$][\w$]*)\s*=(?![=>])")
_WORD = re.compile(r"[A-Za-z_$][\w$]*")
_DECLARATION = re.compile(
    r"^(?:export\s+(?:default\s+)?)?(?:async\s+)?(?:(?:var|let|const)\s+(?P<vars>[^=;]*?)\s*(?:[=;]|$)"
    r"|function\s*\*?\s*(?P<fn>[\w$]+)|class\s+(?P<cls>[\w$]+))"
)


@dataclass
class Statement:
    first_line: int  # 0-based, inclusive
    end_line: int  # exclusive
    declares: frozenset[str]
    hoisted: bool = False  # `var a, b, c;`: names declared without a value, assigned elsewhere


@dataclass
class BundleCut:
    """The kept text (same line count as the bundle) and what was kept, for the extraction report."""

    text: str
    statements: int
    kept_statements: int
    kept_chars: int


def is_readable_bundle(text: str) -> bool:
    """Many short lines on average: bundled but not minified, so worth cutting rather than skipping."""
    if len(text) > MAX_BUNDLE_CHARS or "\x00" in text[:8192]:
        return False
    lines = text.count("\n") + 1
    return lines >= MIN_BUNDLE_LINES and len(text) / lines <= MAX_AVERAGE_LINE


def statements_from_ranges(lines: list[str], ranges: list[tuple[int, int]]) -> list[Statement]:
    """Statements from the parser's top-level nodes, as (first line, last line) pairs, 0-based and inclusive.

    Two nodes that share a line become one statement, so every line belongs to exactly one statement.
    """
    merged: list[list[int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    out: list[Statement] = []
    cursor = 0
    for first, last in merged:
        first = max(first, cursor)
        if first > last:
            continue
        line = lines[first]
        hoisted = bool(_HOISTED.match(line))
        out.append(Statement(cursor, last + 1, _declared_names(line), hoisted))  # gaps join the next statement
        cursor = last + 1
    if cursor < len(lines):
        out.append(Statement(cursor, len(lines), frozenset()))
    return out


def _declared_names(line: str) -> frozenset[str]:
    match = _DECLARATION.match(line)
    if match is None:
        return frozenset()
    if match.group("fn") or match.group("cls"):
        return frozenset({match.group("fn") or match.group("cls")})
    names = match.group("vars") or ""
    return frozenset(n.strip() for n in names.split(",") if re.fullmatch(r"\s*[A-Za-z_$][\w$]*\s*", n))


def cut_bundle(text: str, ranges: list[tuple[int, int]], markers: re.Pattern[str] = TOOL_MARKERS) -> BundleCut | None:
    """The statements that mention a tool marker and the declarations they use; None when nothing matches.

    First one step back: the statements that call a function declared by a marker statement (a register
    function's call sites carry its conditions and arguments: `if (canRegister("x")) registerX(server)`).
    Then names are followed forward (from a kept statement to the statements declaring what it uses): that
    reaches schema constants, helper functions and the `var a, b;` lines whose later assignments the
    evaluator reads, without pulling in every user of a common helper.
    """
    lines = text.split("\n")
    statements = statements_from_ranges(lines, ranges)
    bodies = ["\n".join(lines[s.first_line : s.end_line]) for s in statements]
    kept = {i for i, body in enumerate(bodies) if markers.search(body)}
    if not kept:
        return None
    declared_by: dict[str, list[int]] = {}
    for i, s in enumerate(statements):
        for name in s.declares:
            declared_by.setdefault(name, []).append(i)
    # Bundlers hoist module variables (`var a, b;`) and assign them inside each module's init function: a
    # statement assigning such a variable counts as declaring it.
    hoisted = {n for s in statements if s.hoisted for n in s.declares}
    for i, body in enumerate(bodies):
        for name in set(_ASSIGNMENT.findall(body)) & hoisted:
            declared_by.setdefault(name, []).append(i)
    functions = {n for i in kept if not statements[i].hoisted for n in statements[i].declares}
    if functions:
        callers = {
            i for i, body in enumerate(bodies) if i not in kept and not functions.isdisjoint(_WORD.findall(body))
        }
        kept |= callers
    fresh = set(kept)
    size = sum(len(bodies[i]) for i in kept)
    for _ in range(CLOSURE_ROUNDS):
        words: set[str] = set()
        for i in fresh:
            words.update(_WORD.findall(bodies[i]))
        fresh = {j for w in words for j in declared_by.get(w, ()) if j not in kept}
        if not fresh:
            break
        size += sum(len(bodies[j]) for j in fresh)
        kept |= fresh
        if size > MAX_KEPT_CHARS:
            break
    out: list[str] = []
    for i, s in enumerate(statements):
        if i in kept:
            out.append(bodies[i])
        else:
            out.append("\n" * (s.end_line - s.first_line - 1))
    cut = "\n".join(out)
    return BundleCut(cut, len(statements), len(kept), sum(len(bodies[i]) for i in kept))
