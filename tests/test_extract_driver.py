"""The extraction driver: the walk, pre-filtering, grouping, budgets, dedupe, tools/list JSON and the CLI."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from typer.testing import CliRunner

from catalog.cli import app
from catalog.records import ToolRecord
from crawler.archive import ArchiveLimits
from crawler.extract.dispatch import (
    extract_path,
    merge_duplicates,
    run_with_budget,
    server_folders,
    walk_tree,
)

FIXTURES = Path(__file__).parent / "fixtures" / "servers" / "python"
SERVER = '''from mcp.server.fastmcp import FastMCP
mcp = FastMCP("s")

@mcp.tool()
def {name}() -> str:
    """{doc}"""
    return ""
'''


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def test_walk_skips_dependencies_tests_and_docs_but_scans_the_package_dist(tmp_path: Path) -> None:
    write(tmp_path / "package.json", json.dumps({"name": "srv", "dependencies": {"@modelcontextprotocol/sdk": "1"}}))
    write(tmp_path / "dist/index.js", "server.registerTool('x', {}, () => {});")
    write(tmp_path / "node_modules/dep/index.js", "server.registerTool('dep', {}, () => {});")
    write(tmp_path / "tests/a.py", "tool")
    write(tmp_path / "docs/b.py", "tool")
    write(tmp_path / "src/plain.ts", "export const a = 1;")  # no marker: read only if a primary imports it
    walk = walk_tree(tmp_path, ArchiveLimits(), "t")
    assert [c.rel for c in walk.candidates if c.primary] == ["dist/index.js"]
    assert server_folders(walk) == [""]


def test_symlinks_are_never_followed_and_loops_do_not_hang(tmp_path: Path) -> None:
    write(tmp_path / "srv/server.py", SERVER.format(name="real", doc="Real."))
    os.symlink(tmp_path, tmp_path / "srv/loop")
    os.symlink("/etc/passwd", tmp_path / "srv/passwd.py")
    result = extract_path(tmp_path / "srv")
    assert [t.name for t in result.tools] == ["real"]
    assert sorted(p.reason for p in result.problems) == ["symbolic link; not followed"] * 2


def test_huge_files_and_empty_folders_are_reported(tmp_path: Path) -> None:
    write(tmp_path / "srv/server.py", SERVER.format(name="ok", doc="Fine."))
    write(tmp_path / "srv/generated.py", "TOOLS = [" + "'tool'," * 200_000 + "]")
    from catalog.config import Settings

    result = extract_path(tmp_path / "srv", Settings(max_file_bytes=100_000))
    assert [t.name for t in result.tools] == ["ok"]
    assert "over the 100000-byte limit" in result.problems[0].reason
    (tmp_path / "empty").mkdir()
    empty = extract_path(tmp_path / "empty")
    assert empty.tools == [] and "empty folder" in empty.problems[0].reason


def test_deeply_nested_code_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path / "srv/server.py", SERVER.format(name="ok", doc="Fine."))
    write(tmp_path / "srv/deep.py", "Tool = " + "(" * 5000 + ")" * 5000)
    result = extract_path(tmp_path / "srv")
    assert [t.name for t in result.tools] == ["ok"]
    assert any(p.path.endswith("deep.py") for p in result.problems)


def test_budget_reports_overruns_and_errors() -> None:
    assert run_with_budget(lambda: time.sleep(5), 0.05) is None
    err = run_with_budget(lambda: 1 / 0, 1)
    assert isinstance(err, ZeroDivisionError)


def test_missing_language_module_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path / "go.mod", "module example.com/x\nrequire github.com/mark3labs/mcp-go v0.30.0\n")
    write(tmp_path / "main.go", 'package main\nfunc main() { _ = mcp.NewTool("x") }\n')
    result = extract_path(tmp_path)
    try:
        import crawler.extract.golang  # noqa: F401
    except ImportError:
        assert "no go extractor available" in result.problems[0].reason
    assert result.servers[0].name == "example.com/x"


def test_duplicates_count_once_and_if_else_variants_are_unconditional() -> None:
    tools = [
        ToolRecord("get", description="first", conditional="read_only"),
        ToolRecord("get", description="second", conditional="not (read_only)"),
        ToolRecord("put", conditional="a"),
        ToolRecord("put", conditional="b"),
    ]
    merged = merge_duplicates(tools)
    assert [(t.name, t.description, t.conditional) for t in merged] == [
        ("get", "first", None),
        ("put", None, "(a) or (b)"),
    ]


def test_tools_json_in_any_envelope(tmp_path: Path) -> None:
    tool = {"name": "search", "description": "Search.", "inputSchema": {"type": "object"}}
    for i, data in enumerate(
        [[tool], {"tools": [tool]}, {"jsonrpc": "2.0", "id": 1, "result": {"tools": [tool, tool]}}]
    ):
        path = write(tmp_path / f"dump{i}.json", json.dumps(data))
        result = extract_path(path)
        assert [t.name for t in result.tools] == ["search"]
        assert result.tools[0].origin == "dump"
    bad = extract_path(write(tmp_path / "bad.json", "{not json"))
    assert "invalid JSON at line 1" in bad.problems[0].reason


def test_cli_extract_json_shape_and_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["extract", str(FIXTURES / "fastmcp_basic"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [t["name"] for t in data] == ["get_forecast", "get_alerts", "ping", "clear_cache"]
    assert set(data[0]) == {"name", "title", "description", "input_schema", "annotations", "file", "line"}
    res = runner.invoke(app, ["extract", str(tmp_path / "nope")])
    assert res.exit_code == 2 and "such file or folder" in " ".join(res.output.split())
    corrupt = write(tmp_path / "x.zip", b"garbage")
    res = runner.invoke(app, ["extract", str(corrupt)])
    assert res.exit_code == 1 and "corrupt" in " ".join(res.output.split()) and "Traceback" not in res.output
    res = runner.invoke(app, ["extract", str(FIXTURES / "dynamic"), "--json", "--servers"])
    servers = json.loads(res.stdout)["servers"]
    assert servers[0]["unresolved"][0]["reason"] == "tool name computed at run time"


def test_bench_extract_reports_throughput_and_finds_every_synthetic_tool() -> None:
    res = CliRunner().invoke(app, ["bench", "extract", "--synthetic-mb", "1", "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["runs"][0]["tools"] == report["synthetic_expected"]["tools"] > 0
    assert report["total"]["mb_per_s"] > 0


def test_python_coding_cookie_is_honoured(tmp_path: Path) -> None:
    source = "# -*- coding: latin-1 -*-\n" + SERVER.format(name="cafe", doc="Caf\xe9 menu.")
    write(tmp_path / "srv/server.py", source.encode("latin-1"))
    result = extract_path(tmp_path / "srv")
    assert [(t.name, t.description) for t in result.tools] == [("cafe", "Café menu.")]
    assert result.problems == []
