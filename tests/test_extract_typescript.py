"""TypeScript/JavaScript extraction on hand-written fixture servers: exact tool lists, schemas, annotations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crawler.extract import extract_path
from crawler.extract.base import SourceFile
from crawler.extract.typescript import extract_files
from tests.extract_helpers import FIXTURES, by_name, extract_fixture, run, server_tools

EXT = (".ts", ".tsx", ".js", ".mjs", ".cjs", ".mts", ".cts")


def test_mcpserver_tool_overloads_and_register_tool() -> None:
    result = run(extract_files, "typescript/basic", EXT)
    tools = by_name(result)
    assert set(tools) == {
        "ping",
        "list_notebooks",
        "get_note",
        "notes_search",
        "delete_note",
        "sync_now",
        "create_note",
        "archive_notebook",
    }
    assert tools["ping"].description is None
    assert tools["get_note"].input_schema == {
        "type": "object",
        "properties": {"id": {"type": "string", "format": "uuid"}},
        "required": ["id"],
    }
    search = tools["notes_search"]
    assert search.description == "Search notes by text. Returns at most 50 notes."
    assert search.input_schema == {
        "type": "object",
        "properties": {
            "query": {"type": "string", "minLength": 1, "description": "Words to look for"},
            "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10, "description": "How many results"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "sort": {"type": "string", "enum": ["relevance", "date"]},
        },
        "required": ["query"],
    }
    assert tools["delete_note"].annotations == {"destructiveHint": True, "idempotentHint": True}
    assert tools["sync_now"].annotations == {"openWorldHint": True}
    assert tools["sync_now"].input_schema == {"type": "object", "properties": {}}
    create = tools["create_note"]
    assert create.title == "Create note"
    assert create.description == "Create a note\nin a notebook."
    assert create.annotations == {"readOnlyHint": False, "openWorldHint": False}
    assert create.input_schema["required"] == ["notebook", "body"]
    assert create.input_schema["properties"]["body"] == {"type": ["string", "null"]}
    assert create.output_schema == {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
    assert tools["archive_notebook"].conditional == "!readOnly"
    assert all(t.conditional is None for n, t in tools.items() if n != "archive_notebook")
    assert (tools["ping"].file, tools["ping"].line) == ("src/index.ts", 11)
    assert result.unresolved == [] and result.problems == []


def test_low_level_server_with_tool_constants_across_files() -> None:
    result = run(extract_files, "typescript/lowlevel", EXT)
    tools = by_name(result)
    assert set(tools) == {"web_search", "fetch_page", "purge_cache"}  # not the display-name map entries
    search = tools["web_search"]
    assert search.description == "Search the web.\nUse for recent events."
    assert search.annotations == {"readOnlyHint": True, "openWorldHint": True}
    assert search.input_schema["required"] == ["query"]
    assert (search.file, search.line) == ("src/tools/search.ts", 3)
    assert tools["fetch_page"].description == 'Fetch a page and return it as "markdown".'
    assert tools["fetch_page"].input_schema == {
        "type": "object",
        "properties": {
            "url": {"type": "string", "format": "uri", "description": "Page to fetch"},
            "raw": {"type": "boolean"},
        },
        "required": ["url"],
    }
    assert tools["purge_cache"].conditional == "isAdmin"
    assert tools["web_search"].conditional is None


def test_registration_loops_factories_and_aliases() -> None:
    result = run(extract_files, "typescript/loops", EXT)
    tools = by_name(result)
    assert set(tools) == {"kv_get", "kv_set", "kv_flush", "kv_stats", "kv_fetch_url", "kv_fetch_url_alias"}
    assert tools["kv_set"].annotations == {"readOnlyHint": False, "idempotentHint": True}
    assert tools["kv_set"].input_schema["required"] == ["key", "value"]
    assert tools["kv_flush"].description == "Remove every key."
    assert [u["expression"] for u in result.unresolved] == ["c.name"]
    assert result.unresolved[0]["reason"] == "tool name computed at run time"


def test_compiled_commonjs_from_tsc() -> None:
    result = run(extract_files, "javascript/compiled-cjs", EXT)
    tools = by_name(result)
    assert set(tools) == {"get_alerts", "get_forecast"}
    forecast = tools["get_forecast"]
    assert forecast.input_schema["properties"]["latitude"] == {
        "type": "number",
        "minimum": -90,
        "maximum": 90,
        "description": "Latitude of the location",
    }
    assert forecast.input_schema["required"] == ["latitude", "longitude"]
    assert forecast.annotations == {"readOnlyHint": True, "openWorldHint": True}
    assert tools["get_alerts"].input_schema["properties"]["state"]["minLength"] == 2


def test_fastmcp_add_tool_and_minified_bundles_skipped() -> None:
    result = run(extract_files, "javascript/compiled-esm", EXT)
    tools = by_name(result)
    assert set(tools) == {"add_task", "list_tasks"}  # the minified bundle's tool is not parsed
    add = tools["add_task"]
    assert add.title == "Add task"
    assert add.input_schema["required"] == ["project", "title"]
    assert add.input_schema["properties"]["priority"] == {
        "anyOf": [{"type": "string", "const": "low"}, {"type": "string", "const": "high"}]
    }
    skipped = {p.path: p.reason for p in result.problems}
    assert set(skipped) == {"dist/bundle.min.js", "dist/vendor.js"}
    assert all(r.startswith("minified or generated") for r in skipped.values())


def test_client_code_ai_sdk_and_tests_are_not_tools() -> None:
    result = run(extract_files, "typescript/not-tools", EXT)
    assert result.tools == [] and result.unresolved == []


def test_tricky_variants_classes_tasks_and_openapi() -> None:
    result = run(extract_files, "typescript/tricky", EXT)
    tools = by_name(result)
    assert set(tools) == {"render_design", "list_issues", "close_issue", "mirror_repo", "create_branch"}
    assert tools["render_design"].description == "Render a design file to PNG."
    # read-only and read-write variants of one tool, in the two branches of an if: listed once, always present
    assert tools["list_issues"].conditional is None
    assert tools["list_issues"].extra["definitions"] == 2
    close = tools["close_issue"]
    assert close.conditional == "not (this.readOnly)"
    assert close.description == "Close an issue on https://git.example.com.\nRequires a token for ${this.baseUrl}."
    assert close.extra["dynamic"] == ["description"]
    assert tools["create_branch"].title == "Create branch"
    assert tools["create_branch"].input_schema["required"] == ["branch"]
    assert tools["mirror_repo"].input_schema["properties"]["url"]["format"] == "uri"
    assert [u["reason"] for u in result.unresolved] == ["tools generated from an OpenAPI spec at run time"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("\x00\x01binary" * 10, "binary content"),
        ("x" * 9000 + "\nserver.tool('a', async () => 1)", "minified or generated"),
    ],
)
def test_bad_input_is_skipped_with_a_reason(text: str, reason: str) -> None:
    result = extract_files([SourceFile("src/x.js", text)])
    assert result.tools == []
    assert result.problems[0].path == "src/x.js" and result.problems[0].reason.startswith(reason)


def test_syntax_errors_and_deep_nesting_do_not_crash() -> None:
    deep = "const x = " + "[" * 3000 + "]" * 3000 + ";\n"
    broken = 'const server = new McpServer({});\nserver.tool("ok_tool", "Fine.", async () => 1);\nfunction (( {\n'
    result = extract_files([SourceFile("src/deep.ts", deep), SourceFile("src/broken.ts", broken)])
    assert [t.name for t in result.tools] == ["ok_tool"]


def test_template_literal_escapes_and_concatenation() -> None:
    src = (
        "const S = new McpServer({});\n"
        "const BASE = 'files';\n"
        "S.tool(`${BASE}_read`, 'Read a file.\\nPath uses \\\\ on Windows. ' + \"\\u00e9t\\u00e9\", async () => 1);\n"
    )
    tools = extract_files([SourceFile("index.ts", src)]).tools
    assert [(t.name, t.description) for t in tools] == [("files_read", "Read a file.\nPath uses \\ on Windows. été")]


def test_driver_end_to_end_and_monorepo(tmp_path: Path) -> None:
    result = extract_fixture("javascript/compiled-cjs")
    assert server_tools(result) == {"weather-alerts-mcp": ["get_alerts", "get_forecast"]}
    assert result.servers[0].language == "typescript"
    assert result.servers[0].tools[0].file == "dist/index.js"
    # a monorepo: each package is its own server with its own tools
    shutil.copytree(FIXTURES / "typescript" / "basic", tmp_path / "packages" / "notes")
    shutil.copytree(FIXTURES / "go" / "mcpgo", tmp_path / "servers" / "inventory")
    (tmp_path / "package.json").write_text('{"name": "acme-monorepo", "private": true}', encoding="utf-8")
    mono = extract_path(tmp_path)
    assert server_tools(mono) == {
        "@acme/notes-mcp": sorted(by_name(run(extract_files, "typescript/basic", EXT))),
        "github.com/acme/inventory-mcp": ["delete_item", "get_item", "search_items"],
    }
    notes = next(s for s in mono.servers if s.name == "@acme/notes-mcp")
    assert notes.subpath == "packages/notes" and notes.tools[0].file == "packages/notes/src/index.ts"


def test_compiled_low_level_server_with_factories_enums_and_branches() -> None:
    result = run(extract_files, "javascript/compiled-lowlevel", EXT)
    tools = by_name(result)
    assert set(tools) == {"list_nodes", "drain_node", "ping"}
    drain = tools["drain_node"]
    assert drain.input_schema == {
        "type": "object",
        "properties": {
            "node": {"type": "string", "description": "Node name"},
            "force": {"type": "boolean", "default": False},
        },
        "required": ["node"],
    }
    assert drain.annotations == {"destructiveHint": True}
    # listed in the default branch; the read-only branch's filter on `annotations?.readOnlyHint` drops it
    assert drain.conditional == "not (readOnly)"
    assert tools["list_nodes"].conditional is None  # read-only: kept by the filter, so listed in both branches
    assert tools["ping"].conditional is None
    assert (tools["ping"].file, tools["ping"].line) == ("dist/tools.js", 24)
    assert result.unresolved == []


def test_mcp_framework_tool_classes() -> None:
    result = run(extract_files, "typescript/mcp-framework", EXT)
    tools = by_name(result)
    assert set(tools) == {"forecast", "weather_alerts"}  # class fields (TS) and constructor assignments (compiled)
    assert tools["forecast"].input_schema == {
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "City name"},
            "days": {"type": "integer", "description": "Number of days (default 3)"},
        },
        "required": ["city"],
    }
    assert tools["weather_alerts"].description == "List active weather alerts for a region."
    assert server_tools(extract_fixture("typescript/mcp-framework")) == {
        "weather-framework-mcp": ["forecast", "weather_alerts"]
    }
