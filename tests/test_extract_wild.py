"""Declaration shapes found by measuring extraction on servers outside the quickstart list (issue 4, the
"wild" set), each reproduced in a hand-written fixture with its exact expected tool list."""

from __future__ import annotations

from pathlib import Path

from crawler.extract.base import SourceFile
from crawler.extract.dispatch import extract_path
from crawler.extract.python_ast import extract_files

FIXTURES = Path(__file__).parent / "fixtures" / "servers"


def test_names_built_from_a_prefix_parameter_take_the_default_the_server_runs_with() -> None:
    result = extract_path(FIXTURES / "python" / "wild_prefixed_names")
    tools = {t.name: t for t in result.tools}
    assert list(tools) == ["list_databases", "pause_database", "eu_status"]
    assert tools["list_databases"].annotations == {"readOnlyHint": True}
    assert tools["list_databases"].extra["name_from_defaults"] == ["prefix"]
    assert tools["eu_status"].extra["name_from_defaults"] == ["prefix", "region"]
    assert tools["pause_database"].input_schema["required"] == ["database_id"]
    # a part known only at run time stays unresolved instead of being invented
    (server,) = result.servers
    assert [u["expression"] for u in server.unresolved] == ["named + client.suffix"]


def test_a_helper_whose_branch_is_decided_by_its_argument_is_evaluated() -> None:
    code = (
        "from mcp.server.fastmcp import FastMCP\n"
        "def label(kind: str, debug: bool = False) -> str:\n"
        "    if debug:\n"
        "        return kind + '_debug'\n"
        "    if kind == 'read':\n"
        "        return 'fetch'\n"
        "    return kind\n"
        "mcp = FastMCP('x')\n"
        "@mcp.tool(name=label('read'))\n"
        "def a() -> str:\n"
        "    return ''\n"
        "@mcp.tool(name=label('write', debug=True))\n"
        "def b() -> str:\n"
        "    return ''\n"
        "@mcp.tool(name=label('send'))\n"
        "def c() -> str:\n"
        "    return ''\n"
    )
    result = extract_files([SourceFile("srv.py", code)])
    assert [t.name for t in result.tools] == ["fetch", "write_debug", "send"]


def test_a_loop_over_a_run_time_collection_is_reported_not_silently_dropped() -> None:
    code = (
        "from mcp.server.fastmcp import FastMCP\n"
        "from .catalog import TABLE, visible\n"
        "mcp = FastMCP('x')\n"
        "def register(flags):\n"
        "    for entry in visible(TABLE, **flags):\n"
        "        func = entry.func\n"
        "        mcp.tool(name=entry.name or func.__name__, description=func.__doc__)(func)\n"
        "register({})\n"
        "@mcp.tool('static_one')\n"
        "def static_one() -> str:\n"
        "    return ''\n"
    )
    result = extract_files([SourceFile("srv.py", code)])
    assert [t.name for t in result.tools] == ["static_one"]
    assert [(u["expression"], u["line"]) for u in result.unresolved] == [("func", 7)]


def test_loops_and_comprehensions_over_an_enum_class_walk_its_members() -> None:
    code = (
        "from enum import Enum\n"
        "import mcp.types as types\n"
        "from mcp.server.lowlevel import Server\n"
        "from mcp.server.fastmcp import FastMCP\n"
        "class Kind(str, Enum):\n"
        "    LIST = 'list_things'\n"
        "    GET = 'get_thing'\n"
        "    _ignore_ = 'private'\n"
        "DESCRIPTIONS = {Kind.LIST: 'List things.', Kind.GET: 'Get a thing.'}\n"
        "server = Server('low')\n"
        "@server.list_tools()\n"
        "async def handle() -> list[types.Tool]:\n"
        "    return [types.Tool(name=k.value, description=DESCRIPTIONS[k], inputSchema={'type': 'object'})\n"
        "            for k in Kind]\n"
    )
    result = extract_files([SourceFile("low.py", code)])
    assert [(t.name, t.description) for t in result.tools] == [
        ("list_things", "List things."),
        ("get_thing", "Get a thing."),
    ]
    code = (
        "from enum import Enum\n"
        "from mcp.server.fastmcp import FastMCP\n"
        "class Op(Enum):\n"
        "    READ = 'op_read'\n"
        "    WRITE = 'op_write'\n"
        "mcp = FastMCP('x')\n"
        "def run() -> str:\n"
        "    '''Run one operation.'''\n"
        "    return ''\n"
        "for op in list(Op):\n"
        "    mcp.tool(name=op.value)(run)\n"
    )
    result = extract_files([SourceFile("high.py", code)])
    assert [(t.name, t.description) for t in result.tools] == [
        ("op_read", "Run one operation."),
        ("op_write", "Run one operation."),
    ]


def test_from_function_of_a_method_in_a_server_subclass() -> None:
    code = (
        "from fastmcp import FastMCP\n"
        "from fastmcp.tools import FunctionTool\n"
        "class Search(FastMCP):\n"
        "    def __init__(self) -> None:\n"
        "        super().__init__('search')\n"
        "        self.tool()(self.query)\n"
        "        self.add_tool(FunctionTool.from_function(self.fetch, name='fetch_page'))\n"
        "    def query(self, q: str) -> str:\n"
        "        '''Query the index.'''\n"
        "        return q\n"
        "    def fetch(self, url: str, raw: bool = False) -> str:\n"
        "        '''Fetch one page.'''\n"
        "        return url\n"
        "server = Search()\n"
    )
    result = extract_files([SourceFile("search.py", code)])
    tools = {t.name: t for t in result.tools}
    assert list(tools) == ["query", "fetch_page"]
    assert tools["fetch_page"].description == "Fetch one page."
    assert tools["fetch_page"].input_schema["required"] == ["url"]
    assert "self" not in tools["fetch_page"].input_schema["properties"]


def test_tools_added_by_a_conditional_expression_keep_their_condition_and_default() -> None:
    code = (
        "import mcp.types as types\n"
        "from mcp.server import Server\n"
        "async def main(allow_write: bool = False, verbose: bool = True) -> None:\n"
        "    server = Server('db')\n"
        "    @server.list_tools()\n"
        "    async def handle() -> list[types.Tool]:\n"
        "        writes = [types.Tool(name='write_query', description='Write.', inputSchema={})]\n"
        "        debug = [types.Tool(name='explain', description='Explain.', inputSchema={})]\n"
        "        return [types.Tool(name='read_query', description='Read.', inputSchema={})] + (\n"
        "            writes if allow_write else []\n"
        "        ) + (debug if verbose else [types.Tool(name='quiet', description='Q.', inputSchema={})])\n"
    )
    result = extract_files([SourceFile("db.py", code)])
    assert {t.name: t.conditional for t in result.tools} == {
        "read_query": None,
        "write_query": "allow_write (off by default)",
        "explain": "verbose (on by default)",
        "quiet": "not (verbose) (off by default)",
    }


def test_tools_generated_from_methods_named_in_a_table() -> None:
    """getattr(obj, name) over a name table, a helper reading __name__ and inspect.getdoc, Tool(**spec), a
    dict comprehension, and a handler closure returning a list built in its enclosing function."""
    result = extract_path(FIXTURES / "python" / "wild_reflected_tools")
    tools = {t.name: t for t in result.tools}
    assert list(tools) == ["latest_quote", "history"]
    assert tools["latest_quote"].description == "Latest quote of one symbol."
    assert tools["history"].description == "Daily closing prices."
    (server,) = result.servers
    assert server.unresolved == []


def test_a_wheel_serves_what_its_console_script_reaches_not_everything_it_ships() -> None:
    """Wheels carry no pyproject.toml: the entry point comes from the dist-info's entry_points.txt, and the
    entry module is read even though it declares no tool itself."""
    result = extract_path(FIXTURES / "python" / "wild_wheel_entry")
    (server,) = result.servers
    assert server.name == "notes-mcp"
    assert [t.name for t in server.tools] == ["add_note", "list_notes"]


def test_console_script_modules_from_pyproject_and_entry_points() -> None:
    from crawler.extract.python_ast import console_script_modules

    pyproject = '[project.scripts]\na = "pkg.cli:main"\nb = "pkg.cli:other"\n[tool.poetry.scripts]\nc = "pkg.run:go"\n'
    assert console_script_modules(pyproject=pyproject) == ["pkg.cli", "pkg.run"]
    entry_points = "[gui_scripts]\ng = pkg.gui:main\n[console_scripts]\nserve = pkg.server : main [extra]\n"
    assert console_script_modules(entry_points=entry_points) == ["pkg.server"]
    assert console_script_modules(pyproject="not toml [") == []


def test_servers_generated_from_openapi_or_proxied_are_said_not_silent() -> None:
    code = (
        "import httpx\n"
        "from fastmcp import FastMCP\n"
        "spec = httpx.get('https://example.invalid/openapi.json').json()\n"
        "mcp = FastMCP.from_openapi(openapi_spec=spec, client=httpx.AsyncClient())\n"
        "remote = FastMCP.as_proxy('https://example.invalid/mcp')\n"
        "@mcp.tool()\n"
        "def hand_written() -> str:\n"
        "    '''Next to the generated ones.'''\n"
        "    return ''\n"
        "class Helper:\n"
        "    @classmethod\n"
        "    def from_openapi(cls, spec: dict) -> 'Helper':\n"
        "        return cls()\n"
        "other = Helper.from_openapi({})\n"
    )
    result = extract_files([SourceFile("gen.py", code)])
    assert [t.name for t in result.tools] == ["hand_written"]
    assert [(u["line"], u["expression"]) for u in result.unresolved] == [
        (4, "FastMCP.from_openapi"),
        (5, "FastMCP.as_proxy"),
    ]
    assert "OpenAPI" in result.unresolved[0]["reason"] and "proxy" in result.unresolved[1]["reason"]


def test_an_npm_package_that_only_launches_a_native_binary_says_so() -> None:
    result = extract_path(FIXTURES / "javascript" / "wild_binary_launcher")
    (server,) = result.servers
    assert server.tools == []
    [entry] = server.unresolved
    assert entry["file"] == "bin/launch.js"
    assert "prebuilt native binary" in entry["reason"]


def test_a_launcher_that_is_itself_an_mcp_server_is_not_taken_for_a_binary_wrapper() -> None:
    from crawler.extract.dispatch import find_binary_launcher

    manifest = '{"name": "x", "bin": "cli.js"}'
    server = "const { spawn } = require('child_process');\nserver.registerTool('run', {}, cb);\n"
    assert find_binary_launcher(manifest, {"cli.js": server}) is None
    assert find_binary_launcher(manifest, {"cli.js": "require('child_process').spawn('x')"}) is not None
    assert find_binary_launcher("not json", {"cli.js": "spawn("}) is None


def test_project_decorators_that_wrap_the_server_tool_decorator() -> None:
    code = (
        "import functools\n"
        "from mcp.server.fastmcp import FastMCP\n"
        "mcp = FastMCP('w')\n"
        "def tool(*args, **kwargs):\n"
        "    return mcp.tool(*args, **kwargs)\n"
        "@tool()\n"
        "def plain() -> str:\n"
        "    '''Plain.'''\n"
        "    return ''\n"
        "@tool(name='renamed', annotations={'readOnlyHint': True})\n"
        "def inner_name() -> str:\n"
        "    return ''\n"
        "def guarded(name: str):\n"
        "    def deco(func):\n"
        "        @functools.wraps(func)\n"
        "        async def wrapper(*args, **kwargs):\n"
        "            try:\n"
        "                return await func(*args, **kwargs)\n"
        "            except Exception as exc:\n"
        "                return str(exc)\n"
        "        mcp.tool(name=name)(wrapper)\n"
        "        return wrapper\n"
        "    return deco\n"
        "@guarded('safe_divide')\n"
        "async def divide(a: float, b: float) -> str:\n"
        "    '''Divide a by b.'''\n"
        "    return str(a / b)\n"
    )
    result = extract_files([SourceFile("deco.py", code)])
    tools = {t.name: t for t in result.tools}
    assert list(tools) == ["plain", "renamed", "safe_divide"]
    assert tools["renamed"].annotations == {"readOnlyHint": True}
    assert tools["safe_divide"].description == "Divide a by b."
    assert tools["safe_divide"].input_schema["required"] == ["a", "b"]
    assert result.unresolved == []


def test_methods_of_a_local_object_passed_to_a_tool_factory() -> None:
    code = (
        "from mcp.server import Server\n"
        "from mcp.types import Tool\n"
        "def make(func) -> Tool:\n"
        "    return Tool(name=func.__name__, description=func.__doc__, inputSchema={'type': 'object'})\n"
        "class Client:\n"
        "    def __init__(self) -> None:\n"
        "        self.session = None\n"
        "    def get_price(self, symbol: str) -> float:\n"
        "        '''Price of a symbol.'''\n"
        "        return 0.0\n"
        "async def serve() -> None:\n"
        "    server = Server('prices')\n"
        "    client = Client()\n"
        "    @server.list_tools()\n"
        "    async def list_tools() -> list[Tool]:\n"
        "        return [make(client.get_price)]\n"
    )
    result = extract_files([SourceFile("prices.py", code)])
    assert [(t.name, t.description) for t in result.tools] == [("get_price", "Price of a symbol.")]


def test_handlers_returning_lists_built_step_by_step() -> None:
    helper = (
        "from mcp.server import Server\n"
        "import mcp.types as types\n"
        "server = Server('files')\n"
        "def _tools() -> list[types.Tool]:\n"
        "    base = [types.Tool(name='read', description='Read.', inputSchema={})]\n"
        "    base.append(types.Tool(name='stat', description='Stat.', inputSchema={}))\n"
        "    base += [types.Tool(name='list', description='List.', inputSchema={})]\n"
        "    return base\n"
        "@server.list_tools()\n"
        "async def handle() -> list[types.Tool]:\n"
        "    tools = _tools()\n"
        "    tools.extend([types.Tool(name='write', description='Write.', inputSchema={})])\n"
        "    return tools\n"
    )
    result = extract_files([SourceFile("files.py", helper)])
    assert [t.name for t in result.tools] == ["read", "stat", "list", "write"]
    in_class = (
        "from mcp.server import Server\n"
        "from mcp.types import Tool\n"
        "class DbServer:\n"
        "    def __init__(self, read_only: bool = True):\n"
        "        self.server = Server('db')\n"
        "        self.tools = [Tool(name='query', description='Read.', inputSchema={})]\n"
        "        if not read_only:\n"
        "            self.tools.append(Tool(name='execute', description='Write.', inputSchema={}))\n"
        "        self._setup()\n"
        "    def _setup(self):\n"
        "        @self.server.list_tools()\n"
        "        async def list_tools() -> list[Tool]:\n"
        "            return self.tools\n"
    )
    result = extract_files([SourceFile("db.py", in_class)])
    assert {t.name: t.conditional for t in result.tools} == {"query": None, "execute": "not read_only"}


def test_a_dot_folder_the_package_ships_is_read_other_dot_folders_are_not() -> None:
    shipped = extract_path(FIXTURES / "javascript" / "wild_dot_build")
    assert [t.name for t in shipped.tools] == ["search_notes"]
    tooling = extract_path(FIXTURES / "javascript" / "wild_dot_tooling")
    assert [t.name for t in tooling.tools] == ["ping"]


def test_a_minified_bundle_is_said_unread_rather_than_taken_for_a_delegation(tmp_path: Path) -> None:
    (tmp_path / "dist").mkdir()
    (tmp_path / "package.json").write_text(
        '{"name": "bundled-mcp", "bin": "dist/cli.js", "dependencies": {"@modelcontextprotocol/sdk": "1", "axios": "1"}}'
    )
    body = ";".join(f"var v{i}=require('axios')" for i in range(900))
    (tmp_path / "dist" / "cli.js").write_text(body + ";s.tool('hidden','d',async()=>({}))\n")
    (server,) = extract_path(tmp_path).servers
    assert server.tools == []
    [entry] = server.unresolved
    assert entry["file"] == "dist/cli.js"
    assert entry["reason"].startswith("tools not read: minified or generated")
    assert "delegates_to" not in entry


def test_descriptions_and_gates_from_a_settings_object_use_its_declared_defaults() -> None:
    code = (
        "from fastmcp import FastMCP\n"
        "from pydantic import Field\n"
        "from pydantic_settings import BaseSettings\n"
        "DEFAULT_FIND = 'Look up memories.'\n"
        "class ToolSettings(BaseSettings):\n"
        "    find_description: str = Field(default=DEFAULT_FIND, validation_alias='FIND_DESCRIPTION')\n"
        "    store_description: str = 'Keep a memory.'\n"
        "    read_only: bool = Field(False)\n"
        "class MemoryServer(FastMCP):\n"
        "    def __init__(self, tool_settings: ToolSettings, name: str = 'memory'):\n"
        "        super().__init__(name=name)\n"
        "        self.tool_settings = tool_settings\n"
        "        self.setup_tools()\n"
        "    def setup_tools(self) -> None:\n"
        "        async def find(query: str) -> list[str]:\n"
        "            return []\n"
        "        async def store(information: str) -> str:\n"
        "            return ''\n"
        "        self.tool(find, name='memory-find', description=self.tool_settings.find_description)\n"
        "        if not self.tool_settings.read_only:\n"
        "            self.tool(store, name='memory-store', description=self.tool_settings.store_description)\n"
        "mcp = MemoryServer(ToolSettings())\n"
    )
    result = extract_files([SourceFile("memory.py", code)])
    tools = {t.name: t for t in result.tools}
    assert {n: (t.description, t.conditional) for n, t in tools.items()} == {
        "memory-find": ("Look up memories.", None),
        "memory-store": ("Keep a memory.", "not self.tool_settings.read_only (on by default)"),
    }


def test_a_method_called_on_an_object_binds_self() -> None:
    code = (
        "from mcp.server import Server\n"
        "from mcp.types import Tool\n"
        "server = Server('editor')\n"
        "class ReadHandler:\n"
        "    name = 'read_file'\n"
        "    description = 'Read a file.'\n"
        "    def __init__(self):\n"
        "        self.cache = {}\n"
        "    def get_tool_description(self) -> Tool:\n"
        "        return Tool(name=self.name, description=self.description, inputSchema={'type': 'object'})\n"
        "reader = ReadHandler()\n"
        "@server.list_tools()\n"
        "async def list_tools() -> list[Tool]:\n"
        "    return [reader.get_tool_description()]\n"
    )
    result = extract_files([SourceFile("editor.py", code)])
    assert [(t.name, t.description) for t in result.tools] == [("read_file", "Read a file.")]
    assert result.unresolved == []
