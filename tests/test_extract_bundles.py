"""Tool-definition objects and large non-minified bundles (the esbuild-style fixture, written by hand).

The fixture declares its tools as `definePageTool({capability, schema: {name, description, inputSchema}})`
objects, trims the list with a capability filter and a `skillOnly` filter, and converts each definition with a
`toMcpTool` function that derives annotations from a `type` field. The same file is read once as it is and once
padded into a multi-megabyte bundle with a line of embedded data, which the generic guards would skip.
"""

from __future__ import annotations

import pytest

from crawler.extract.base import SourceFile
from crawler.extract.js_bundle import MAX_KEPT_CHARS, cut_bundle, is_readable_bundle, statements_from_ranges
from crawler.extract.treesitter import parse, skip_reason
from crawler.extract.typescript import _cut_bundles, extract_files
from tests.extract_helpers import FIXTURES, by_name, extract_fixture

BUNDLE = FIXTURES / "javascript" / "esbuild-bundle" / "lib" / "bundle.js"
VISION = 'config.capabilities includes "vision" (--caps=vision)'
EXPECTED = {
    "kite_close": None,
    "kite_resize": None,
    "kite_snapshot": None,
    "kite_click": None,
    "kite_mouse_click_xy": VISION,
    "kite_mouse_move_xy": VISION,
}


def padded_bundle(modules: int = 1500) -> str:
    """The fixture inside a bundle of unrelated modules and one long line of embedded data, which alone makes
    the generic guard skip the file as minified (the same path as a bundle over the size limit)."""
    filler = "".join(
        f"\n// src/util/helper{i}.ts\nfunction helper{i}(value) {{\n  const doubled = value * {i};\n"
        f"  return `helper {i}: ${{doubled}}\n`;\n}}\nvar helperTable{i} = [{i}, {i + 1}, {i + 2}];\n"
        for i in range(modules)
    )
    blob = 'var embeddedSource = "' + "x" * 20_000 + '";\n'
    text = BUNDLE.read_text(encoding="utf-8")
    head, tail = text.split("// src/mcp/server.ts", 1)
    return head + blob + filler + "// src/mcp/server.ts" + tail


def check_tools(tools: dict) -> None:
    assert {name: tool.conditional for name, tool in tools.items()} == EXPECTED
    click = tools["kite_click"].input_schema
    assert list(click["properties"]) == ["element", "target", "doubleClick", "button"]
    assert click["required"] == ["target"]
    assert click["properties"]["target"]["description"] == "Exact target element reference from the page snapshot"
    assert click["properties"]["button"]["enum"] == ["left", "right", "middle"]
    picked = tools["kite_mouse_click_xy"].input_schema
    assert (list(picked["properties"]), picked["required"]) == (["x", "y", "element"], ["x", "y", "element"])
    assert list(tools["kite_mouse_move_xy"].input_schema["properties"]) == ["x", "y"]
    assert tools["kite_close"].input_schema == {"type": "object", "properties": {}}
    snapshot = tools["kite_snapshot"]
    assert snapshot.description == "Capture an accessibility snapshot of the page, better than a screenshot"
    assert snapshot.title == "Page snapshot"
    # converted by zod 4's own toJSONSchema (output view): a field with a default is required
    assert snapshot.input_schema == {
        "type": "object",
        "properties": {"depth": {"type": "number", "default": 8, "description": "How deep to walk the tree"}},
        "required": ["depth"],
    }
    assert snapshot.annotations == {
        "title": "Page snapshot",
        "readOnlyHint": True,
        "destructiveHint": False,
        "openWorldHint": True,
    }
    assert tools["kite_click"].annotations["destructiveHint"] is True
    assert tools["kite_click"].description == "Click an element on the page"


def test_definition_objects_in_a_plain_file() -> None:
    result = extract_files([SourceFile("lib/bundle.js", BUNDLE.read_text(encoding="utf-8"))])
    check_tools(by_name(result))


def test_definition_objects_through_the_driver() -> None:
    result = extract_fixture("javascript/esbuild-bundle")
    assert [s.name for s in result.servers] == ["kite-browser-core"]
    check_tools({t.name: t for t in result.servers[0].tools})


def test_large_bundle_is_cut_to_its_tool_statements_not_skipped() -> None:
    text = padded_bundle()
    assert "minified" in (skip_reason(text) or "")  # the generic guard would skip it
    assert is_readable_bundle(text)
    result = extract_files([SourceFile("lib/bundle.js", text)])
    check_tools(by_name(result))
    assert result.tools[0].file == "lib/bundle.js"
    line = text.split("\n").index('        name: "kite_close",')  # line numbers are the original file's
    assert by_name(result)["kite_close"].line == line


def test_cut_keeps_tool_statements_and_what_they_use() -> None:
    text = padded_bundle(600)
    tree, _ = parse(text, "javascript")
    cut = cut_bundle(text, [(c.start_point[0], c.end_point[0]) for c in tree.root_node.children])
    assert cut is not None
    assert cut.text.count("\n") == text.count("\n")
    assert "var z2, targetDescription" in cut.text  # hoisted declarations of the kept modules
    assert "function definePageTool(tool)" in cut.text  # a helper the definitions call
    assert "allTools = [" in cut.text  # a statement assigning a hoisted name a kept statement uses
    assert "helper17" not in cut.text and "embeddedSource" not in cut.text
    assert cut.kept_chars < len(text) / 10 and cut.kept_chars <= MAX_KEPT_CHARS
    assert not parse(cut.text, "javascript")[0].root_node.has_error


def test_a_bundle_made_of_tool_statements_is_not_parsed_whole() -> None:
    """Generated code where most statements mention a marker (an API client) stays bounded."""
    chunk = "".join(f"var op{i} = {{ inputSchema: {{ type: 'object' }}, name: 'op{i}' }};\n" for i in range(1500))
    text = chunk + 'var blob = "' + "y" * 9000 + '";\n'
    problems: list = []
    files, cut = _cut_bundles([SourceFile("lib/api.js", text)], problems, max_kept=len(chunk) // 2)
    assert (files, cut) == ([], set())
    assert [p.reason.split(":")[0] for p in problems] == ["bundle"]
    files, cut = _cut_bundles([SourceFile("lib/api.js", text)], [], max_kept=len(text))
    assert cut == {"lib/api.js"} and "var blob" not in files[0].text


def test_no_marker_means_no_cut() -> None:
    text = "function a() {\n  return 1;\n}\n" * 400
    assert cut_bundle(text, [(i * 3, i * 3 + 2) for i in range(400)]) is None


def test_minified_file_is_not_a_readable_bundle() -> None:
    assert not is_readable_bundle("var a=1;" * 50_000)
    assert not is_readable_bundle("a();\n" * 10)  # too short to be a bundle: the generic rules apply


def test_statements_share_lines_and_cover_gaps() -> None:
    lines = ["var a, b;", "function f() {", "}", "", "a = 1; b = 2;", "var c = 3;"]
    statements = statements_from_ranges(lines, [(0, 0), (1, 2), (4, 4), (4, 4), (5, 5)])
    assert [(s.first_line, s.end_line) for s in statements] == [(0, 1), (1, 3), (3, 5), (5, 6)]
    assert statements[0].declares == {"a", "b"} and statements[0].hoisted
    assert statements[1].declares == {"f"} and statements[3].declares == {"c"}


TOOL_OBJECTS = {
    "src/tools/search.ts": """
import { z } from "zod";
import { defineTool } from "../define.js";
const QUERY = z.object({ query: z.string().describe("What to look for"), limit: z.number().int().optional() });
export const searchTool = defineTool({
  name: "search_notes",
  description: "Search notes by text",
  inputSchema: QUERY.pick({ query: true }),
  annotations: { readOnlyHint: true },
});
""",
    "src/tools/delete.ts": """
import { z } from "zod";
import { defineTool } from "../define.js";
export const deleteTool = defineTool({
  name: "delete_note",
  description: "Delete a note" + " permanently",
  inputSchema: z.object({ id: z.string() }),
  annotations: { destructiveHint: true },
});
""",
    "src/define.ts": """
export function defineTool<T>(tool: T): T { return tool; }
export function toOpenAiFunction(tool: { name: string; description: string; inputSchema: unknown }) {
  return { name: tool.name, description: tool.description, parameters: tool.inputSchema };
}
""",
    "src/server.ts": """
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import * as all from "./tools/index.js";
const server = new McpServer({ name: "notes", version: "1.0.0" });
for (const tool of Object.values(loadPlugins(all))) {
  server.registerTool(tool.name, tool, tool.handler);
}
""",
}


def test_objects_passed_to_a_tool_helper_count_when_registration_is_opaque() -> None:
    result = extract_files([SourceFile(p, t) for p, t in TOOL_OBJECTS.items()])
    tools = by_name(result)
    assert sorted(tools) == ["delete_note", "search_notes"]  # not the converter's `tool.name`
    assert tools["search_notes"].input_schema["properties"] == {
        "query": {"type": "string", "description": "What to look for"}
    }
    assert tools["search_notes"].annotations == {"readOnlyHint": True}
    assert tools["delete_note"].description == "Delete a note permanently"
    assert all(t.conditional is None for t in tools.values())


def test_shape_alone_does_not_add_tools_next_to_registrations() -> None:
    """A docs table of tool-shaped objects beside real registrations is not a second tool list."""
    src = """
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
const server = new McpServer({ name: "x", version: "1" });
server.registerTool("ping", { description: "Ping", inputSchema: {} }, async () => ({ content: [] }));
export const EXAMPLES = [{ name: "example_tool", description: "Shown in the README", inputSchema: {} }];
"""
    assert sorted(by_name(extract_files([SourceFile("index.ts", src)]))) == ["ping"]


def test_shape_alone_counts_when_nothing_is_registered() -> None:
    src = """
export const TOOLS = [
  { name: "list_rooms", description: "List rooms", inputSchema: { type: "object", properties: {} } },
  { name: "book_room", description: "Book a room", parameters: { type: "object", properties: { id: { type: "string" } } } },
];
function wrap(tool, name) {
  return { name, description: "wrapped " + tool.description, inputSchema: tool.inputSchema };
}
"""
    tools = by_name(extract_files([SourceFile("index.js", src)]))
    assert sorted(tools) == ["book_room", "list_rooms"]
    assert tools["book_room"].input_schema["properties"] == {"id": {"type": "string"}}


@pytest.mark.parametrize(
    ("predicate", "expected"),
    [
        ("(t) => t.tier === 'free'", {"a": None}),
        ("(t) => t.tier !== 'free'", {"b": None, "c": None}),
        ("(t) => !t.hidden", {"a": None, "b": None}),
        (
            "(t) => t.tier === 'free' || opts.tiers.includes(t.tier)",
            {"a": None, "b": 'opts.tiers includes "pro"', "c": 'opts.tiers includes "pro"'},
        ),
        ("(t) => !t.hidden && t.tier === 'pro'", {"b": None}),
        ("(t) => t.tier.startsWith('f') || enabled", {"a": None, "b": "enabled", "c": "enabled"}),
    ],
)
def test_filters_over_known_fields_decide_or_condition(predicate: str, expected: dict) -> None:
    src = f"""
import {{ McpServer }} from "@modelcontextprotocol/sdk/server/mcp.js";
const server = new McpServer({{ name: "x", version: "1" }});
const ALL = [
  {{ name: "a", description: "A", inputSchema: {{}}, tier: "free" }},
  {{ name: "b", description: "B", inputSchema: {{}}, tier: "pro" }},
  {{ name: "c", description: "C", inputSchema: {{}}, tier: "pro", hidden: true }},
];
server.server.setRequestHandler(ListToolsRequestSchema, async () => ({{ tools: ALL.filter({predicate}) }}));
"""
    tools = by_name(extract_files([SourceFile("index.ts", src)]))
    assert {n: t.conditional for n, t in tools.items()} == expected


def test_a_filter_applied_after_a_branch_keeps_only_its_own_condition() -> None:
    """`(readOnly ? readonlyTools : allTools).filter(t => isAllowed(t.name))`: listed in both branches, the tool
    depends on the filter alone."""
    from catalog.records import ToolRecord
    from crawler.extract.treesitter import merge_duplicates

    merged = merge_duplicates(
        [
            ToolRecord("get", conditional="readOnly and isAllowed(tool.name)"),
            ToolRecord("get", conditional="not (readOnly) and isAllowed(tool.name)"),
            ToolRecord("put", conditional="not (readOnly) and isAllowed(tool.name)"),
        ]
    )
    assert [(t.name, t.conditional) for t in merged] == [
        ("get", "isAllowed(tool.name)"),
        ("put", "not (readOnly) and isAllowed(tool.name)"),
    ]


REGISTER_FUNCTIONS = """const { McpServer } = require("@modelcontextprotocol/sdk/server/mcp.js");
function registerSearch(server, config) {
  server.tool("search_docs", "Search the docs", {}, async () => ({ content: [] }));
}
function registerFetch(server, config, toolName) {
  server.tool(toolName || "fetch_page", "Fetch a page", {}, async () => ({ content: [] }));
}
function unrelatedHelper(value) {
  return value * 2;
}
function setup(server, config) {
  if (canRegister("search_docs")) {
    registerSearch(server, config);
  }
  registerFetch(server, config);
  if (config.crawl) {
    registerFetch(server, config, "crawl_site");
  }
}
function main() {
  const server = new McpServer({ name: "docs", version: "1" });
  setup(server, {});
}
"""


def test_call_sites_of_register_functions_carry_their_conditions() -> None:
    tools = by_name(extract_files([SourceFile("dist/index.js", REGISTER_FUNCTIONS)]))
    assert {n: t.conditional for n, t in tools.items()} == {
        "search_docs": 'canRegister("search_docs")',
        "fetch_page": None,
        "crawl_site": "config.crawl",
    }


def test_cut_keeps_the_callers_of_register_functions() -> None:
    text = REGISTER_FUNCTIONS
    tree, _ = parse(text, "javascript")
    cut = cut_bundle(text, [(c.start_point[0], c.end_point[0]) for c in tree.root_node.children])
    assert cut is not None
    assert "function setup(server, config)" in cut.text  # calls a marker statement's function
    assert "function unrelatedHelper" not in cut.text


def test_zod_partial_and_required_with_and_without_a_mask() -> None:
    src = """
import { z } from "zod";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
const server = new McpServer({ name: "x", version: "1" });
const Base = z.object({ a: z.string(), b: z.string(), c: z.string().optional() });
server.registerTool("p", { description: "p", inputSchema: Base.partial({ a: true }) }, async () => ({}));
server.registerTool("q", { description: "q", inputSchema: Base.partial().required({ b: true }) }, async () => ({}));
server.registerTool("r", { description: "r", inputSchema: Base.required() }, async () => ({}));
"""
    tools = by_name(extract_files([SourceFile("index.ts", src)]))
    assert tools["p"].input_schema["required"] == ["b"]
    assert tools["q"].input_schema["required"] == ["b"]
    assert tools["r"].input_schema["required"] == ["a", "b", "c"]
