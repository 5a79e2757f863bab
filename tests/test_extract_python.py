"""The Python extractor on hand-written fixture servers: exact tool lists, schemas, annotations, conditions."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.extract.base import SourceFile
from crawler.extract.dispatch import extract_path
from crawler.extract.python_ast import extract_files

FIXTURES = Path(__file__).parent / "fixtures" / "servers" / "python"


def tools_of(name: str) -> dict:
    result = extract_path(FIXTURES / name)
    return {t.name: t for t in result.tools}


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("fastmcp_basic", ["get_forecast", "get_alerts", "ping", "clear_cache"]),
        (
            "standalone_fastmcp",
            [
                "list_notes",
                "purge_notes",
                "create_note",
                "archive_note",
                "tag",
                "export",
                "search_query",
                "search_similar",
            ],
        ),
        ("mcpserver_v2", ["restart_service", "run_shell", "rotate_keys", "list_deployments", "rollback", "get_metric"]),
        ("lowlevel", ["git_status", "git_diff", "git_log", "git_branch_list", "git_branch_create", "git_commit"]),
        ("reachability", ["kb_search", "kb_get"]),
        ("dynamic", ["status"]),
        ("bad_files", ["still_found"]),
    ],
)
def test_fixture_yields_exactly_its_tools(fixture: str, expected: list[str]) -> None:
    result = extract_path(FIXTURES / fixture)
    assert [t.name for t in result.tools] == expected


def test_fastmcp_schema_matches_what_the_sdk_sends() -> None:
    forecast = tools_of("fastmcp_basic")["get_forecast"]
    assert forecast.description == "Get the weather forecast for a location.\n\nReturns one paragraph per day."
    assert forecast.input_schema == {
        "properties": {
            "latitude": {
                "description": "Latitude of the location",
                "maximum": 90,
                "minimum": -90,
                "title": "Latitude",
                "type": "number",
            },
            "longitude": {"title": "Longitude", "type": "number"},
            "units": {"default": "metric", "enum": ["metric", "imperial"], "title": "Units", "type": "string"},
            "days": {"default": 3, "title": "Days", "type": "integer"},
        },
        "required": ["latitude", "longitude"],
        "title": "get_forecastArguments",
        "type": "object",
    }
    assert forecast.file == "weather_server/server.py" and forecast.line == 14


def test_name_and_description_overrides_and_annotations() -> None:
    tools = tools_of("fastmcp_basic")
    alerts = tools["get_alerts"]
    assert alerts.description == "Get active weather alerts for a US state."
    assert alerts.annotations == {"readOnlyHint": True, "openWorldHint": True}
    assert alerts.input_schema["properties"]["severity"] == {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "default": None,
        "title": "Severity",
    }
    assert tools["clear_cache"].input_schema["properties"]["keys"]["anyOf"][0] == {
        "type": "array",
        "items": {"type": "string"},
    }
    assert tools["ping"].annotations == {}  # tri-state: nothing declared, nothing invented


def test_standalone_fastmcp_details() -> None:
    tools = tools_of("standalone_fastmcp")
    assert tools["list_notes"].annotations == {"readOnlyHint": True, "title": "Read only"}
    assert tools["list_notes"].title == "Read only"
    assert tools["list_notes"].extra["tags"] == ["read"]
    assert tools["purge_notes"].conditional == "disabled by default (enabled=False)"
    assert set(tools["create_note"].input_schema["properties"]) == {"title", "body"}  # exclude_args
    assert "title" not in tools["create_note"].input_schema  # standalone fastmcp prunes titles
    assert tools["export"].description == "Export all notes as JSON."
    assert tools["archive_note"].description == "Move a note to the archive."
    assert tools["archive_note"].file == "src/notes_server/main.py"


def test_mcpserver_conditions_stacked_decorators_and_tool_annotations() -> None:
    tools = tools_of("mcpserver_v2")
    assert tools["restart_service"].annotations == {"destructiveHint": True, "idempotentHint": False}
    assert tools["restart_service"].description.endswith("in-flight requests are dropped.")
    assert tools["run_shell"].conditional == "os.environ.get('OPS_ENABLE_SHELL') == '1'"
    assert tools["rollback"].conditional == "not read_only"
    assert tools["rollback"].title == "Roll back"
    assert tools["list_deployments"].conditional is None
    assert tools["get_metric"].input_schema["required"] == ["name"]


def test_lowlevel_enums_models_tables_and_conditions() -> None:
    tools = tools_of("lowlevel")
    status = tools["git_status"]
    assert status.annotations == {"readOnlyHint": True}
    assert status.input_schema == {
        "properties": {"repo_path": {"description": "Path to the repository", "title": "Repo Path", "type": "string"}},
        "required": ["repo_path"],
        "title": "RepoArgs",
        "type": "object",
    }
    diff = tools["git_diff"].input_schema
    assert list(diff["properties"]) == ["repo_path", "target", "context_lines"]  # inherited fields first
    assert diff["required"] == ["repo_path"]
    assert tools["git_log"].description == "Show the commit log. Newest first."
    assert tools["git_commit"].conditional == "os.environ.get('GIT_MCP_WRITE')"
    assert tools["git_branch_list"].conditional is None


def test_dynamic_names_are_reported_not_invented() -> None:
    result = extract_path(FIXTURES / "dynamic")
    (server,) = result.servers
    reasons = {(u["line"], u["expression"]) for u in server.unresolved}
    assert reasons == {(11, "f'{PREFIX}_lookup'"), (25, "name")}
    status = server.tools[0]
    assert status.description == "Service status (API v2, region )."
    assert status.extra["description_partial"] is True


def test_bad_files_are_recorded_and_do_not_stop_the_rest() -> None:
    result = extract_path(FIXTURES / "bad_files")
    reasons = {p.path.rsplit("/", 1)[-1]: p.reason for p in result.problems}
    assert "syntax error at line 4" in reasons["broken.py"]
    assert "not UTF-8" in reasons["latin1.py"]
    assert "binary" in reasons["blob.py"]


def test_monorepo_gives_one_server_per_package_and_skips_tests_and_examples() -> None:
    result = extract_path(FIXTURES / "monorepo")
    by_name = {s.name: s for s in result.servers}
    assert set(by_name) == {"jira-mcp", "slack-mcp"}
    assert [t.name for t in by_name["jira-mcp"].tools] == ["search_issues", "get_issue"]
    assert [t.name for t in by_name["slack-mcp"].tools] == ["get_issue", "post_message"]
    assert by_name["jira-mcp"].subpath == "packages/jira-mcp"
    assert by_name["jira-mcp"].tools[0].file == "packages/jira-mcp/jira_mcp/server.py"


def test_receiver_aliases_self_attributes_and_subclasses() -> None:
    source = '''
from mcp.server.fastmcp import FastMCP as F

class Guarded(F):
    pass

srv = Guarded("x")
other = srv

@srv.tool()
def a() -> None:
    """A."""

class Holder:
    def __init__(self):
        self.mcp = F("y")

    def setup(self):
        @self.mcp.tool(name="b_tool")
        def b(x: int) -> int:
            return x

import langchain
@langchain.tool
def not_a_tool() -> None: ...
'''
    result = extract_files([SourceFile("s.py", source)])
    assert [t.name for t in result.tools] == ["a", "b_tool"]


def test_tools_built_in_a_loop_over_a_literal_table_and_names_from_constants() -> None:
    source = """
from mcp.server.lowlevel import Server
from mcp import types

READ = "read_file"
TABLE = {READ: "Read a file.", "write_file": "Write a file."}
app = Server("fs")

@app.list_tools()
async def handle():
    return [types.Tool(name=n, description=d, inputSchema={"type": "object"}) for n, d in TABLE.items()] + [
        types.Tool(name=f"{READ}_v2", description="v2", inputSchema={})
    ]
"""
    result = extract_files([SourceFile("s.py", source)])
    assert [t.name for t in result.tools] == ["read_file", "write_file", "read_file_v2"]
    assert result.tools[1].description == "Write a file."


def test_loop_registration_and_list_tools_loop() -> None:
    source = """
from mcp.server import Server
from mcp.types import Tool

server = Server("s")
SPECS = [("alpha", "First."), ("beta", "Second.")]

@server.list_tools()
async def list_tools():
    out = []
    for name, desc in SPECS:
        out.append(Tool(name=name, description=desc, inputSchema={"type": "object"}))
    return out
"""
    result = extract_files([SourceFile("s.py", source)])
    assert [(t.name, t.description) for t in result.tools] == [("alpha", "First."), ("beta", "Second.")]


def test_prompts_resources_and_client_calls_are_not_tools() -> None:
    source = """
from fastmcp import FastMCP, Client
mcp = FastMCP("x")

@mcp.prompt
def p() -> str: ...

@mcp.resource("r://x")
def r() -> str: ...

async def use():
    async with Client(mcp) as c:
        await c.call_tool("p", {})
"""
    assert extract_files([SourceFile("s.py", source)]).tools == []


def test_schemas_equal_what_a_live_mcpserver_sends() -> None:
    """The only test that runs fixture code: our own hand-written server, to compare with the real SDK."""
    import asyncio
    import importlib.util
    import inspect

    pytest.importorskip("mcp.server.mcpserver")
    path = FIXTURES / "schema_parity" / "parity_server.py"
    spec = importlib.util.spec_from_file_location("parity_server_fixture", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    live = {t.name: t for t in asyncio.run(module.mcp.list_tools())}
    static = tools_of("schema_parity")
    assert list(static) == list(live) == ["create_ticket", "upsert_customer", "query_metrics", "batch"]
    for name, tool in live.items():
        assert static[name].input_schema == tool.input_schema, name
        assert static[name].description == inspect.cleandoc(tool.description or ""), name
        assert static[name].title == tool.title, name
    assert static["upsert_customer"].annotations == {"idempotentHint": True}
