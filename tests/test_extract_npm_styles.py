"""Two npm declaration styles seen in the wild: chart modules collected with `Object.values(namespace)` and
filtered by an env var, and a class keeping its tools in a `Map` filled by its own `registerTool(tool)`."""

from __future__ import annotations

from crawler.extract.base import SourceFile
from crawler.extract.typescript import extract_files
from tests.extract_helpers import by_name, run

EXT = (".js", ".ts", ".mjs", ".cjs")


def test_tools_kept_in_a_map_filled_by_a_register_method() -> None:
    result = run(extract_files, "javascript/map-registry", EXT)
    tools = by_name(result)
    assert "registerTool(tool) calls that fill it" in result.unresolved[0]["reason"]
    # `draft-helper` is built by the same factory but never registered: not a tool of this server
    assert set(tools) == {"write-page", "read-page", "list-books"}
    assert tools["write-page"].description == "Write a page in a notebook, replacing its text."
    # the `{jsonSchema, parse}` schema handler: tools/list sends the JSON form
    assert tools["write-page"].input_schema == {
        "type": "object",
        "properties": {
            "book": {"type": "string", "description": "Notebook name"},
            "page": {"type": "string", "description": "Page title"},
            "text": {"type": "string"},
        },
        "required": ["book", "page", "text"],
    }
    assert all(t.conditional is None for t in tools.values())


def test_chart_modules_collected_from_a_namespace_and_filtered_by_env() -> None:
    result = run(extract_files, "javascript/module-array", EXT)
    tools = by_name(result)
    assert set(tools) == {"plot_bar_chart", "plot_pie_chart", "plot_word_cloud"}
    bar = tools["plot_bar_chart"]
    assert bar.annotations == {"title": "Plot Bar Chart", "readOnlyHint": True}
    assert bar.input_schema is not None and bar.input_schema["required"] == ["data"]
    # the DISABLED_TOOLS filter removes nothing by default: the tools are not conditional
    assert all(t.conditional is None for t in tools.values())
    # read through the tools/list handler itself, not the definition-object fallback
    assert result.unresolved == []
    assert (bar.file, bar.line) == ("build/charts/bar.js", 9)


_OPT_IN = """
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import * as defs from "./defs.js";
const enabled = (process.env.ENABLED_TOOLS || "").split(",");
const server = new Server({ name: "x", version: "1" }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: Object.values(defs).filter((t) => enabled.includes(t.name)),
}));
"""
_DEFS = """
export const alpha = { name: "alpha", description: "A.", inputSchema: { type: "object", properties: {} } };
export const beta = { name: "beta", description: "B.", inputSchema: { type: "object", properties: {} } };
"""


def test_an_allow_list_filter_makes_namespace_tools_conditional() -> None:
    result = extract_files([SourceFile("src/index.js", _OPT_IN), SourceFile("src/defs.js", _DEFS)])
    tools = by_name(result)
    assert set(tools) == {"alpha", "beta"}
    assert tools["alpha"].conditional == 'enabled includes "alpha"'
    assert tools["beta"].conditional == 'enabled includes "beta"'
    assert result.unresolved == []


_MAP_MODULE = """
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
const search = { name: "search", description: "Search.", inputSchema: { type: "object", properties: {} } };
const fetchTool = { name: "fetch", description: "Fetch.", inputSchema: { type: "object", properties: {} } };
const unused = { name: "unused", description: "Never listed.", inputSchema: { type: "object", properties: {} } };
const registry = new Map([[search.name, search]]);
registry.set(fetchTool.name, fetchTool);
if (process.env.ADMIN) {
  registry.set("purge", { name: "purge", description: "Purge.", inputSchema: { type: "object", properties: {} } });
}
const server = new Server({ name: "x", version: "1" }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [...registry.values()] }));
"""


def test_a_module_level_map_listed_through_its_values() -> None:
    result = extract_files([SourceFile("src/index.js", _MAP_MODULE)])
    tools = by_name(result)
    assert set(tools) == {"search", "fetch", "purge"}  # `unused` is tool-shaped but never in the Map
    assert tools["purge"].conditional == "process.env.ADMIN"
    assert tools["search"].conditional is None and tools["fetch"].conditional is None
    assert result.unresolved == []


_ESM_INDEX = """
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import * as charts from "./charts/index.js";
const server = new Server({ name: "x", version: "1" }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: Object.values(charts).map((c) => c.tool) }));
"""
_ESM_CHARTS = """
export { bar } from "./bar.js";
export * from "./pie.js";
import { line as lineChart } from "./line.js";
export { lineChart as line };
"""


def _chart_module(name: str) -> str:
    return (
        f'export const {name} = {{ tool: {{ name: "plot_{name}", description: "Plot {name}.", '
        'inputSchema: { type: "object", properties: {} } } };'
    )


def test_typescript_namespace_of_re_exported_chart_modules() -> None:
    files = [SourceFile("src/index.ts", _ESM_INDEX), SourceFile("src/charts/index.ts", _ESM_CHARTS)]
    files += [SourceFile(f"src/charts/{n}.ts", _chart_module(n)) for n in ("bar", "pie", "line")]
    result = extract_files(files)
    assert set(by_name(result)) == {"plot_bar", "plot_pie", "plot_line"}
    assert result.unresolved == []  # through the handler's Object.values(namespace), not the fallback
