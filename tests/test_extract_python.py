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
        ("class_per_tool", ["vault_list_notes", "vault_delete_note"]),
        ("tool_tables", ["list_runs", "cancel_run", "get_secret"]),
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
    assert tools["rollback"].conditional is None  # `if not read_only`, and the only call site keeps the default
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


def test_class_per_tool_names_flow_through_constructors() -> None:
    tools = tools_of("class_per_tool")
    assert tools["vault_list_notes"].annotations == {"readOnlyHint": True}
    assert tools["vault_delete_note"].input_schema["required"] == ["path"]
    assert tools["vault_delete_note"].file == "vault_mcp/handlers.py"


def test_registration_tables_behind_factory_functions() -> None:
    tools = tools_of("tool_tables")
    assert tools["list_runs"].description == "List pipeline runs"  # description= beats the docstring
    assert tools["list_runs"].input_schema["properties"]["limit"] == {"default": 20, "type": "integer"}
    assert tools["get_secret"].input_schema["required"] == ["name"]


def test_a_handler_that_builds_tools_at_run_time_is_reported() -> None:
    source = """
from mcp.server import Server
server = Server("proxy")

@server.list_tools()
async def list_tools():
    return await upstream.list_tools()
"""
    result = extract_files([SourceFile("s.py", source)])
    assert result.tools == []
    assert result.unresolved == [
        {
            "file": "s.py",
            "line": 6,
            "reason": "list_tools handler builds its tools at run time",
            "expression": "list_tools",
        }
    ]


def test_pathological_constants_neither_hang_nor_explode() -> None:
    lines = ["from mcp.server.fastmcp import FastMCP", 'mcp = FastMCP("x")', 'A0 = "ab"']
    lines += [f"A{i} = A{i - 1} + A{i - 1}" for i in range(1, 80)]
    lines += ["B = C", "C = B", "@mcp.tool(name=B, description=A79)", "def t(): ...", "@mcp.tool()", "def u(): ..."]
    result = extract_files([SourceFile("s.py", "\n".join(lines))])
    assert [t.name for t in result.tools] == ["u"]  # the cyclic name is unresolved, not invented
    assert result.unresolved[0]["expression"] == "B"


def test_a_register_function_nobody_calls_is_marked_conditional() -> None:
    source = '''
from mcp.server.fastmcp import FastMCP

def register_admin(mcp: FastMCP) -> None:
    @mcp.tool()
    def drop_all() -> None:
        """Drop everything."""

def register_user(mcp: FastMCP) -> None:
    @mcp.tool()
    def whoami() -> str:
        """Who am I."""

server = FastMCP("x")
register_user(server)
'''
    tools = {t.name: t for t in extract_files([SourceFile("s.py", source)]).tools}
    assert tools["whoami"].conditional is None
    assert tools["drop_all"].conditional == "only if register_admin() is called (no call found in this package)"


def test_servers_built_by_factories_and_mounted_with_prefixes() -> None:
    factory = """
from fastmcp import FastMCP

def create_server(name: str) -> FastMCP:
    server = FastMCP(name)
    return server
"""
    main = '''
from .factory import create_server

hub = create_server("hub")
billing = create_server("billing")

@billing.tool
def refund(invoice_id: str) -> bool:
    """Refund an invoice."""
    return True

@hub.tool
def health() -> str:
    return "ok"

hub.mount(billing, prefix="billing")
'''
    result = extract_files([SourceFile("pkg/factory.py", factory), SourceFile("pkg/main.py", main)])
    assert [t.name for t in result.tools] == ["billing_refund", "health"]
    assert "title" not in result.tools[0].input_schema  # standalone fastmcp flavour followed through the factory


def test_other_agent_frameworks_in_an_mcp_module_are_not_tools() -> None:
    source = '''
from mcp.server.fastmcp import FastMCP
from pydantic_ai import Agent

mcp = FastMCP("x")
agent = Agent("model")

@agent.tool
def lookup(ctx, q: str) -> str:
    """An agent tool, not an MCP tool."""

@mcp.tool()
def ask(q: str) -> str:
    """Ask the agent."""
'''
    assert [t.name for t in extract_files([SourceFile("s.py", source)]).tools] == ["ask"]


def test_branches_on_register_function_parameters_are_decided_at_call_sites() -> None:
    source = """
import os
from mcp.server.fastmcp import FastMCP

def register(mcp, mode="production", write=False, extra=None):
    @mcp.tool()
    def read() -> str:
        \"\"\"Always.\"\"\"
    if mode == "debug":
        @mcp.tool()
        def dump_state() -> str:
            \"\"\"Only in debug mode.\"\"\"
    if write:
        @mcp.tool()
        def write_row() -> None:
            \"\"\"Write access.\"\"\"
    if extra or os.environ.get("EXTRA"):
        @mcp.tool()
        def extra_tool() -> None:
            \"\"\"Extra.\"\"\"

a = FastMCP("a")
register(a)
register(a, write=os.environ.get("WRITE") == "1")
"""
    tools = {t.name: t for t in extract_files([SourceFile("s.py", source)]).tools}
    assert sorted(tools) == ["extra_tool", "read", "write_row"]  # mode is "production" at every call site
    assert tools["read"].conditional is None
    assert tools["write_row"].conditional == "write (off by default)"
    assert tools["extra_tool"].conditional == "extra or os.environ.get('EXTRA')"


def test_decorator_factories_replay_registrations_with_their_arguments() -> None:
    source = '''
from fastmcp import FastMCP
from mcp.types import ToolAnnotations

RO = ToolAnnotations(readOnlyHint=True)

def create_server() -> FastMCP:
    server = FastMCP("wiki")

    def register_tool(name: str):
        def decorator(func):
            server.tool(func, name=name, annotations=RO)
            server.tool(func, name=f"wiki_{name}", annotations=RO)
            return func
        return decorator

    def simple(func):
        server.add_tool(func)
        return func

    @register_tool("search")
    def search_impl(query: str, limit: int = 10) -> list:
        """Search articles."""

    @simple
    def summary(title: str) -> str:
        """Summarise an article."""

    return server
'''
    tools = {t.name: t for t in extract_files([SourceFile("s.py", source)]).tools}
    assert sorted(tools) == ["search", "summary", "wiki_search"]
    assert tools["wiki_search"].description == "Search articles."
    assert tools["search"].annotations == {"readOnlyHint": True}
    assert list(tools["search"].input_schema["properties"]) == ["query", "limit"]
