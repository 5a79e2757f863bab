"""The quickstart seed list and its parser; the measure script's pure parts (comparing, explaining, report)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from catalog.records import ToolRecord
from crawler.seeds import Seed, SeedError, parse_seed_line, parse_seeds, quickstart

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import measure_extraction as measure  # noqa: E402


def test_quickstart_is_about_thirty_pinned_npm_and_pypi_packages() -> None:
    seeds = quickstart()
    assert 28 <= len(seeds) <= 40
    assert all(s.version for s in seeds), "every quickstart seed is pinned"
    ecosystems = {s.ecosystem for s in seeds}
    assert ecosystems == {"npm", "pypi"}
    assert sum(s.ecosystem == "pypi" for s in seeds) >= 10
    assert len({s.name for s in seeds}) == len(seeds)


def test_seed_lines() -> None:
    assert parse_seed_line("npm:@scope/pkg@1.2.3  # comment") == Seed("npm", "@scope/pkg", "1.2.3")
    assert parse_seed_line("pypi:mcp-server-fetch==2025.4.7") == Seed("pypi", "mcp-server-fetch", "2025.4.7")
    assert parse_seed_line("npm:plain") == Seed("npm", "plain", None)
    assert parse_seed_line("   # only a comment") is None
    assert str(Seed("pypi", "x", "1")) == "pypi:x==1" and Seed("npm", "@a/b", "2").spec == "@a/b@2"
    for bad in ("cargo:foo", "npm:", "pypi:bad name", "npm:@scope"):
        with pytest.raises(SeedError):
            parse_seed_line(bad)
    with pytest.raises(SeedError, match="line 2"):
        parse_seeds("npm:ok\nnope\n")
    assert parse_seeds("npm:a\nnpm:a\n") == [Seed("npm", "a")]


def test_compare_and_report(tmp_path: Path) -> None:
    (tmp_path / "index.js").write_text('server.tool(dynamicName("search_" + kind))  // search_docs')
    report = measure.PackageReport(seed="npm:x@1", live_status="ok", static_status="ok")
    static = [ToolRecord("read_file", description="Read."), ToolRecord("enum_value")]
    live = [ToolRecord("read_file", description="Read."), ToolRecord("search_docs"), ToolRecord("runtime_only")]
    measure.compare(report, static, live, [tmp_path])
    assert report.true_positives == 1
    assert report.precision() == 0.5 and report.recall() == pytest.approx(1 / 3)
    assert report.description_matches == 1
    why = {m["tool"]: m["why"] for m in report.missed}
    assert why["search_docs"].startswith("name is in index.js")
    assert why["runtime_only"].startswith("name not in the artifact")
    assert [e["tool"] for e in report.extra] == ["enum_value"]
    failed = measure.PackageReport(seed="pypi:y==1", live_status="failed: needs a key", static_status="ok")
    measure.compare(failed, [ToolRecord("a")], [], [tmp_path])
    total = measure.totals([report, failed])
    assert total["compared"] == 1 and total["precision"] == 0.5 and total["recall"] == round(1 / 3, 4)
    text = measure.markdown([report, failed], total)
    assert "missed `runtime_only`" in text and "extra `enum_value`" in text and "failed: needs a key" in text
    json.dumps(total)


def test_entry_points_are_found_in_installed_prefixes(tmp_path: Path) -> None:
    npm_pkg = tmp_path / "node_modules" / "@scope" / "srv"
    npm_pkg.mkdir(parents=True)
    (npm_pkg / "package.json").write_text(json.dumps({"bin": {"other": "o.js", "srv": "dist/index.js"}}))
    cmd = measure.npm_command(Seed("npm", "@scope/srv", "1.0.0"), tmp_path)
    assert cmd[-1] == str(npm_pkg / "dist" / "index.js")
    dist = tmp_path / "venv" / "lib" / "python3.11" / "site-packages" / "my_server-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "entry_points.txt").write_text("[console_scripts]\nhelper = x:y\nmy-server-mcp = x:main\n")
    assert measure.pypi_command(Seed("pypi", "my-server", "1.0"), tmp_path) == [
        str(tmp_path / "venv" / "bin" / "my-server-mcp")
    ]
    (dist / "entry_points.txt").write_text("[gui_scripts]\nx = y:z\n")
    with pytest.raises(RuntimeError, match="no console script"):
        measure.pypi_command(Seed("pypi", "my-server", "1.0"), tmp_path)


def test_field_differences_are_described(tmp_path: Path) -> None:
    report = measure.PackageReport(seed="pypi:z==1", live_status="ok", static_status="ok")
    static = [
        ToolRecord("a", description="Do it.\n    Args: x", input_schema={"properties": {"x": {}}, "required": ["x"]}),
        ToolRecord("b", description="Read a file", annotations={}),
    ]
    live = [
        ToolRecord(
            "a", description="Do it.\nArgs: x", input_schema={"properties": {"x": {}, "y": {}}, "required": ["x"]}
        ),
        ToolRecord("b", description="Read one file", annotations={"readOnlyHint": True}),
    ]
    measure.compare(report, static, live, [tmp_path])
    diffs = {d["tool"]: d["differs"] for d in report.field_diffs}
    assert "whitespace only" in diffs["a"] and "parameters (['x'], ['x']) vs live (['x', 'y'], ['x'])" in diffs["a"]
    assert "differs from char 5" in diffs["b"] and "readOnlyHint" in diffs["b"]
    assert (report.description_matches, report.parameter_matches, report.annotation_matches) == (0, 1, 1)


def test_misses_name_the_dependency_that_holds_the_tools(tmp_path: Path) -> None:
    wheel = tmp_path / "wheel"
    (wheel / "shim-1.0.dist-info").mkdir(parents=True)
    (wheel / "shim-1.0.dist-info" / "METADATA").write_text(
        "Name: shim\nRequires-Dist: real-server>=2.0\nRequires-Dist: pytest; extra == 'dev'\n"
    )
    (wheel / "shim.py").write_text("from real_server import main\n")
    assert measure.declared_dependencies(wheel) == ["real-server"]
    assert "depends on real-server" in measure.explain_miss("do_thing", [wheel], [])
    npm = tmp_path / "npm"
    npm.mkdir()
    (npm / "package.json").write_text(json.dumps({"dependencies": {"core-lib": "1", "@types/node": "2"}}))
    assert measure.declared_dependencies(npm) == ["core-lib"]


# A hand-written stdio server for the raw client: lists `async_job` only to clients that advertise task-augmented
# sampling, and `ui_panel` only to clients with the MCP Apps UI extension; prints a log line on stdout first.
GATED_SERVER = r"""
import json, sys
print("starting up (not JSON-RPC)", flush=True)
caps = {}
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("method") == "initialize":
        caps = msg["params"]["capabilities"]
        print(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": {
            "protocolVersion": msg["params"]["protocolVersion"], "capabilities": {"tools": {}},
            "serverInfo": {"name": "gated", "version": "1"}}}), flush=True)
    elif msg.get("method") == "tools/list":
        cursor = (msg.get("params") or {}).get("cursor")
        if cursor is None:
            print(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": {
                "tools": [{"name": "always", "inputSchema": {"type": "object"}}], "nextCursor": "p2"}}), flush=True)
            continue
        tools = []
        if caps.get("tasks", {}).get("requests", {}).get("sampling"):
            tools.append({"name": "async_job", "inputSchema": {"type": "object"}})
        if "io.modelcontextprotocol/ui" in caps.get("extensions", {}):
            tools.append({"name": "ui_panel", "inputSchema": {"type": "object"}})
        print(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": {"tools": tools}}), flush=True)
"""


def test_raw_client_advertises_the_capabilities_given(tmp_path: Path) -> None:
    server = tmp_path / "gated.py"
    server.write_text(GATED_SERVER)
    command = [sys.executable, str(server)]
    full = measure.raw_tools_list(command, capabilities=measure.FULL_CLIENT_CAPABILITIES, timeout=20)
    assert [t["name"] for t in full] == ["always", "async_job", "ui_panel"]
    assert full[0]["inputSchema"] == {"type": "object"}
    assert [t["name"] for t in measure.raw_tools_list(command, capabilities={}, timeout=20)] == ["always"]


def test_raw_client_reports_a_server_that_exits(tmp_path: Path) -> None:
    with pytest.raises(measure.RawClientError):
        measure.raw_tools_list([sys.executable, "-c", "pass"], capabilities={}, timeout=10)


def test_conditional_tools_are_counted_apart_and_confirmed_by_the_second_run(tmp_path: Path) -> None:
    report = measure.PackageReport(seed="npm:gated@1", live_status="ok", static_status="ok")
    report.conditional = {"async_job": "clientSupportsTasks", "ghost": "flags.includes('x')"}
    report.second_live_tools = ["always", "async_job"]
    report.second_live_raw = [
        {"name": "always", "inputSchema": {"type": "object"}},
        {"name": "async_job", "description": "Run later", "inputSchema": {"type": "object", "required": ["id"]}},
    ]
    report.second_status = "ok: every client capability"
    static = [
        ToolRecord("always"),
        ToolRecord("async_job", description="Run later", input_schema={"type": "object"}),
        ToolRecord("ghost"),
        ToolRecord("wrong"),
    ]
    measure.compare(report, static, [ToolRecord("always")], [tmp_path])
    assert report.unconditional == {"always", "wrong"} and report.unconditional_precision() == 0.5
    assert report.confirmed_conditional == {"async_job"}
    why = {e["tool"]: e["why"] for e in report.extra}
    assert why["async_job"].endswith("confirmed: listed by the second configuration")
    assert why["ghost"].startswith("conditional (flags.includes('x')); not listed")
    assert why["wrong"] == "extracted as unconditional but not listed by the running server"
    total = measure.totals([report])
    assert (total["unconditional_precision"], total["conditional_tools"], total["conditional_confirmed"]) == (
        0.5,
        2,
        1,
    )
    assert total["precision_any_configuration"] == 0.5  # always + async_job of 4
    assert "On the 2 unconditional tools precision is **0.500**" in measure.markdown([report], total)
    assert total["second_run_fields"] == [1, 1, 1, 0, 1]  # the second run's answer requires `id`
    assert any(d["tool"] == "async_job (second configuration)" for d in report.field_diffs)


def test_a_launcher_is_followed_to_its_pinned_dependency(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"core-lib": "1.64.0-alpha-17", "x": "^2"}}))
    unresolved = [{"reason": "no tools: package delegates to dependency core-lib", "file": "package.json"}]
    assert measure.delegated_seed(Seed("npm", "launcher", "1"), tmp_path, unresolved) == Seed(
        "npm", "core-lib", "1.64.0-alpha-17"
    )
    assert measure.declared_version(tmp_path, "x") is None  # a range: the latest matching is fetched
    assert measure.delegated_seed(Seed("npm", "launcher", "1"), tmp_path, []) is None
