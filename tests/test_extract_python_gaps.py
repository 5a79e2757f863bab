"""Shapes found on real packages by a quickstart crawl, reproduced in hand-written fixtures."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.extract.base import SourceFile
from crawler.extract.dispatch import extract_path
from crawler.extract.python_ast import declares_tools, extract_files
from crawler.extract.python_shim import find_delegation, runtime_dependencies

FIXTURES = Path(__file__).parent / "fixtures" / "servers" / "python"


def test_local_aliases_of_instance_and_module_servers_are_followed() -> None:
    result = extract_path(FIXTURES / "alias_receivers")
    tools = {t.name: t for t in result.tools}
    assert list(tools) == ["get-version", "search-documents", "delete-index", "health"]
    assert tools["get-version"].annotations == {"readOnlyHint": True}
    assert tools["delete-index"].annotations == {"destructiveHint": True}
    assert tools["search-documents"].input_schema["required"] == ["index", "query"]
    assert tools["health"].description == "Health of the shared server."


def test_a_rebound_local_name_is_not_taken_for_an_alias() -> None:
    code = (
        "from mcp.server.fastmcp import FastMCP\n"
        "class Holder:\n"
        "    def __init__(self):\n"
        "        self.mcp = FastMCP('x')\n"
        "    def setup(self, other):\n"
        "        mcp = self.mcp\n"
        "        mcp = other\n"
        "        @mcp.tool()\n"
        "        def maybe() -> str:\n"
        "            return ''\n"
        "        srv = self.mcp\n"
        "        @srv.tool()\n"
        "        def sure() -> str:\n"
        "            return ''\n"
    )
    result = extract_files([SourceFile("holder.py", code)])
    names = [t.name for t in result.tools]
    assert "sure" in names
    # `mcp` is rebound to a parameter: still registered on *a* server, but never resolved through the alias
    assert names.count("sure") == 1


def test_alias_cycles_terminate() -> None:
    code = "from mcp.server.fastmcp import FastMCP\na = b\nb = a\n@a.tool()\ndef t() -> str:\n    return ''\n"
    result = extract_files([SourceFile("cycle.py", code)])
    assert result.problems == []


def test_sdk2_lowlevel_handlers_follow_awaited_calls_across_modules() -> None:
    result = extract_path(FIXTURES / "lowlevel_v2")
    tools = {t.name: t for t in result.tools}
    assert list(tools) == ["convert-contents", "list-formats"]
    assert tools["convert-contents"].input_schema["properties"]["output_format"]["enum"] == [
        "markdown",
        "html",
        "pdf",
        "docx",
    ]
    assert tools["list-formats"].annotations == {"readOnlyHint": True}
    assert result.servers[0].unresolved == []


def test_shim_package_reports_the_dependency_it_delegates_to() -> None:
    result = extract_path(FIXTURES / "shim_package")
    [server] = result.servers
    assert server.tools == []
    [entry] = server.unresolved
    assert entry["reason"] == "no tools: package delegates to dependency shimmed-core-server"
    assert entry["delegates_to"] == "shimmed-core-server"
    assert (entry["file"], entry["line"]) == ("pyproject.toml", 6)  # the line declaring the dependency


def test_entry_point_into_a_dependency_is_a_delegation() -> None:
    manifests = {
        "pyproject.toml": '[project]\nname = "x-server"\ndependencies = ["xcore==1.0"]\n'
        '[project.scripts]\nx-server = "xcore.server:run"\n'
    }
    found = find_delegation(manifests, {"x_server_pkg/__init__.py": ""})
    assert found is not None and found.dependency == "xcore"
    assert "xcore.server:run" in found.evidence


def test_a_real_package_without_found_tools_is_not_called_a_shim() -> None:
    manifests = {"pyproject.toml": '[project]\nname = "y"\ndependencies = ["mcp", "requests"]\n'}
    files = {"y/server.py": "import requests\nfrom mcp.server import Server\n"}
    # it builds a server itself (imports the SDK): tools we did not find are a miss, never a hand-over
    assert find_delegation(manifests, files) is None
    assert find_delegation({"pyproject.toml": '[project]\nname = "z"\ndependencies = ["mcp"]\n'}, files) is None
    many = {f"z/m{i}.py": "import zlib_extra\n" for i in range(10)}
    assert find_delegation({"PKG-INFO": "Name: z\nRequires-Dist: zlib-extra\n"}, many) is None


def test_requires_dist_skips_optional_extras() -> None:
    meta = "Name: a\nRequires-Dist: core-lib>=2\nRequires-Dist: pytest; extra == 'dev'\n"
    assert runtime_dependencies({"PKG-INFO": meta}) == ["core-lib"]


def test_sdist_egg_info_is_not_a_second_server(tmp_path: Path) -> None:
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "pkg.egg-info").mkdir()
    (tmp_path / "PKG-INFO").write_text("Name: pkg-mcp\nRequires-Dist: mcp>=1\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "pkg-mcp"\ndependencies = ["mcp>=1"]\n')
    (tmp_path / "src" / "pkg.egg-info" / "PKG-INFO").write_text("Name: pkg-mcp\nRequires-Dist: mcp>=1\n")
    (tmp_path / "src" / "pkg" / "server.py").write_text(
        "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('p')\n@mcp.tool()\ndef go() -> str:\n    return ''\n"
    )
    result = extract_path(tmp_path)
    assert [(s.name, s.subpath, [t.name for t in s.tools]) for s in result.servers] == [("pkg-mcp", "", ["go"])]


def test_support_modules_are_parsed_only_when_a_name_in_them_is_needed() -> None:
    server = (
        "from mcp.server.fastmcp import FastMCP\n"
        "from .texts import SEARCH_DOC\n"
        "mcp = FastMCP('s')\n"
        "@mcp.tool(description=SEARCH_DOC)\n"
        "def search(q: str) -> str:\n"
        "    return q\n"
    )
    files = [
        SourceFile("pkg/server.py", server),
        SourceFile("pkg/texts.py", "SEARCH_DOC = 'Search ' + 'the index.'\n"),
        SourceFile("pkg/unused.py", "def broken(:\n    # mentions a tool but declares none\n"),
    ]
    result = extract_files(files)
    assert [(t.name, t.description) for t in result.tools] == [("search", "Search the index.")]
    assert result.problems == []  # unused.py was never parsed, so its syntax error costs nothing


def test_declaring_files_are_told_apart_by_content_not_by_the_word_tool() -> None:
    assert declares_tools("from mcp.server.fastmcp import FastMCP\n")
    assert declares_tools("@server.tool()\ndef f(): ...\n")
    assert declares_tools("TOOLS = [Tool(name='x', inputSchema={})]\n")
    assert not declares_tools("# this tool prints a toolbar\nTOOLBAR = 'tool'\n")
    assert not declares_tools("from mcpx import thing\n")


def test_tools_registered_from_a_submodule_the_package_init_does_not_import_by_name() -> None:
    files = [
        SourceFile(
            "docsrv/main.py",
            "from mcp.server.fastmcp import FastMCP\nfrom docsrv.tools import doc_tools\nmcp = FastMCP('d')\n"
            "def register():\n    mcp.tool()(doc_tools.create_doc)\n    mcp.tool()(doc_tools.drop_doc)\n",
        ),
        SourceFile("docsrv/tools/__init__.py", "from docsrv.tools.doc_tools import create_doc, drop_doc\n"),
        SourceFile(
            "docsrv/tools/doc_tools.py",
            "def create_doc(title: str) -> str:\n    '''Create a document.'''\n    return title\n"
            "def drop_doc(path: str) -> None:\n    '''Delete a document.'''\n",
        ),
    ]
    tools = {t.name: t for t in extract_files(files).tools}
    assert list(tools) == ["create_doc", "drop_doc"]
    assert tools["drop_doc"].description == "Delete a document."


def test_recall_bench_compares_with_live_and_registry_tool_lists(tmp_path: Path) -> None:
    from crawler.extract.bench import recall_report, reference_tool_lists

    dumps = tmp_path / "data" / "dumps"
    (dumps / "mcpm-registry" / "servers").mkdir(parents=True)
    live = [
        {
            "name": "Search DB",
            "config": {"mcpServers": {"s": {"command": "uvx", "args": ["searchdb-mcp@latest"]}}},
            "tools": {"s": {"tools": [{"name": "get-version"}, {"name": "search-documents"}, {"name": "gone"}]}},
        }
    ]
    (dumps / "livemcpbench-tools.json").write_text(json.dumps(live))
    mcpm = {"installations": {"uvx": {"command": "uvx", "args": ["docconv-mcp"]}}, "tools": [{"name": "x"}]}
    (dumps / "mcpm-registry" / "servers" / "docconv.json").write_text(json.dumps(mcpm))
    reference = reference_tool_lists(tmp_path / "data")
    assert reference["searchdb_mcp"] == ("live", {"get-version", "search-documents", "gone"})
    report = recall_report([FIXTURES / "alias_receivers", FIXTURES / "shim_package"], reference)
    [row] = report["packages"]
    assert (row["package"], row["matched"], row["missed"]) == ("searchdb_mcp", 2, ["gone"])
    assert row["extra"] == ["delete-index", "health"]
    assert report["skipped"] == [str(FIXTURES / "shim_package")]
    assert report["total"]["recall"] == 2 / 3 and report["total"]["precision"] == 2 / 4
