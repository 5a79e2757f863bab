"""Live introspection against tiny real MCP servers started for real over stdio (and HTTP on 127.0.0.1)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from catalog.cli import app
from catalog.models import Server, Tool, ToolChange
from crawler.live import (
    IntrospectionError,
    absolutize_paths,
    introspect_stdio,
    introspect_url,
    scrubbed_environment,
    store_live_result,
)

FIXTURES = Path(__file__).parent / "fixtures" / "live"
PY = sys.executable


def _server(name: str) -> list[str]:
    return [PY, str(FIXTURES / name)]


def test_mcpserver_tools_are_listed_verbatim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "env.json"
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_should_never_reach_the_child")
    monkeypatch.setenv("USER", "someone")  # inherited by the SDK's default environment unless we unset it
    result = introspect_stdio(_server("mcpserver_stdio.py"), env={"ENV_REPORT": str(report)}, timeout=30)
    assert result.server_name == "fixture-weather"
    assert result.server_version == "1.4.2"
    assert result.instructions == "Weather lookups for tests."
    by_name = {t.name: t for t in result.tools}
    assert list(by_name) == ["get_weather", "delete_forecast", "echo"]
    weather = by_name["get_weather"]
    assert weather.origin == "live"
    assert weather.title == "Current weather"
    assert weather.description == "Return the current weather for a city."
    assert weather.annotations == {"readOnlyHint": True, "openWorldHint": True}
    assert weather.input_schema["properties"]["city"]["description"] == "City name"
    assert weather.input_schema["required"] == ["city"]
    assert by_name["delete_forecast"].annotations == {"readOnlyHint": False, "destructiveHint": True}
    assert by_name["echo"].annotations == {}  # nothing declared stays nothing (tri-state)
    # The child saw only PATH, HOME (a temp folder), LANG and what we passed; it ran in a temp folder.
    seen = json.loads(report.read_text())
    assert set(seen["env"]) == {"PATH", "HOME", "LANG", "ENV_REPORT"}
    assert seen["env"]["HOME"] != os.environ.get("HOME")
    assert "mcp-live-" in seen["cwd"] and "mcp-live-" in seen["env"]["HOME"]
    assert not Path(seen["cwd"]).exists()  # removed afterwards
    assert result.env_names == ["ENV_REPORT"]


def test_lowlevel_server_is_paged_to_the_end() -> None:
    result = introspect_stdio(_server("lowlevel_paged.py"), timeout=30)
    assert result.pages == 4 and result.complete
    names = [t.name for t in result.tools]
    assert names == ["tool_0", "tool_1", "tool_2", "tool_3", "tool_4", "drop_table", "summarise_with_client_model"]
    drop = result.tools[5]
    assert drop.title == "Drop a table"
    assert drop.output_schema == {"type": "object", "properties": {"ok": {"type": "boolean"}}}
    assert drop.annotations == {"destructiveHint": True, "idempotentHint": True}
    assert result.to_json()["tools"][5]["inputSchema"]["properties"] == {"table": {"type": "string"}}


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting for an unrelated reaper)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc to check processes")
def test_hanging_server_times_out_and_its_process_group_is_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "pids"
    started = time.monotonic()
    with pytest.raises(IntrospectionError, match=r"did not answer within 1s"):
        introspect_stdio([*_server("hanging.py"), str(pid_file)], timeout=1)
    assert time.monotonic() - started < 15  # the kill escalation is bounded
    grandchild = int(pid_file.read_text().split()[0])
    deadline = time.monotonic() + 5
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(grandchild), "a process the server started survived the timeout"
    # Our own direct children are all reaped: no zombie left behind.
    children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    if children.exists():
        for pid in children.read_text().split():
            assert _alive(int(pid)) or not Path(f"/proc/{pid}").exists(), f"zombie child {pid}"


def test_crashing_server_gives_a_clear_error_with_its_stderr() -> None:
    with pytest.raises(IntrospectionError) as err:
        introspect_stdio(_server("crashing.py"), timeout=20)
    message = str(err.value)
    assert "closed the connection before answering" in message
    assert "FIXTURE_API_KEY environment variable is required" in message


def test_missing_command_and_bad_timeout_are_clear_errors() -> None:
    with pytest.raises(IntrospectionError, match="command not found: 'no-such-mcp-server-xyz'"):
        introspect_stdio(["no-such-mcp-server-xyz"], timeout=5)
    with pytest.raises(IntrospectionError, match="no command given"):
        introspect_stdio([], timeout=5)
    with pytest.raises(IntrospectionError, match="positive"):
        introspect_stdio(_server("crashing.py"), timeout=0)
    with pytest.raises(IntrospectionError, match="not an http"):
        introspect_url("ftp://example.invalid/mcp", timeout=1)


def test_scrubbed_environment_keeps_only_the_allowed_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.setenv("OPENAI_API_KEY", "y")
    env = scrubbed_environment(tmp_path, {"ONLY_THIS": "1"})
    assert set(env) == {"PATH", "HOME", "LANG", "ONLY_THIS"}
    assert env["HOME"] == str(tmp_path)


def test_relative_script_paths_are_made_absolute(tmp_path: Path) -> None:
    (tmp_path / "server.py").write_text("")
    (tmp_path / "pkg").mkdir()
    out = absolutize_paths(["python", "server.py", "-y", "pkg", "missing.py"], tmp_path)
    assert out == ["python", str(tmp_path / "server.py"), "-y", "pkg", "missing.py"]


def test_store_writes_a_live_server_and_tracks_changes(catalog) -> None:  # type: ignore[no-untyped-def]
    result = introspect_stdio(_server("lowlevel_paged.py"), timeout=30)
    with catalog.session() as session:
        server, summary = store_live_result(session, result)
        assert summary.added == 7
        assert server.tools_origin == "live:stdio"
        assert "live" in server.sources
        tools = session.exec(select(Tool).where(Tool.server_id == server.id)).all()
        assert {t.origin for t in tools} == {"live"}
        # Again with one tool gone: same server row, one removal recorded.
        result.tools = result.tools[:-1]
        again, summary2 = store_live_result(session, result)
        assert again.id == server.id
        assert summary2.as_dict() == {"added": 0, "changed": 0, "removed": 1, "unchanged": 6}
        removed = session.exec(select(ToolChange).where(ToolChange.kind == "removed")).all()
        assert [c.tool_name for c in removed] == ["summarise_with_client_model"]
        assert len(session.exec(select(Server)).all()) == 1


def test_cli_json_and_store(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    res = CliRunner().invoke(
        app, ["introspect", "--json", "--store", "--db", str(db), "--", *_server("mcpserver_stdio.py")]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["tool_count"] == 3 and data["stored"]["added"] == 3
    assert data["server"]["name"] == "fixture-weather"


def test_cli_errors_exit_non_zero_without_traceback() -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["introspect", "--timeout", "20", "--", *_server("crashing.py")])
    assert res.exit_code == 1
    assert "FIXTURE_API_KEY" in res.output and "Traceback" not in res.output
    res = runner.invoke(app, ["introspect"])
    assert res.exit_code == 2 and "give one of" in res.output
    res = runner.invoke(app, ["introspect", "--env", "NOEQUALS", "--", "true"])
    assert res.exit_code == 2 and "NAME=VALUE" in res.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def http_server() -> Iterator[Callable[[str], int]]:
    """Start the fixture server on a free 127.0.0.1 port with the given transport flag; stopped afterwards."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(flag: str) -> int:
        port = _free_port()
        procs.append(
            subprocess.Popen(
                [*_server("mcpserver_stdio.py"), flag, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return port
            except OSError:
                time.sleep(0.1)
        raise AssertionError("fixture HTTP server did not start")

    yield start
    for proc in procs:
        proc.kill()
        proc.wait(timeout=10)


def test_streamable_http_on_localhost(http_server: Callable[[str], int]) -> None:
    port = http_server("--http")
    result = introspect_url(f"http://127.0.0.1:{port}/mcp", headers={"Authorization": "Bearer not-stored"}, timeout=20)
    assert result.transport == "streamable-http"
    assert [t.name for t in result.tools] == ["get_weather", "delete_forecast", "echo"]
    assert "not-stored" not in json.dumps(result.to_json())


def test_sse_server_is_reached_through_the_fallback(http_server: Callable[[str], int]) -> None:
    port = http_server("--sse")
    result = introspect_url(f"http://127.0.0.1:{port}/sse", timeout=20)
    assert result.transport == "sse"
    assert result.server_name == "fixture-weather" and len(result.tools) == 3


def test_unreachable_url_reports_both_transports() -> None:
    port = _free_port()  # nothing listens there
    with pytest.raises(IntrospectionError) as err:
        introspect_url(f"http://127.0.0.1:{port}/mcp", timeout=5)
    assert "streamable-http:" in str(err.value) and "sse:" in str(err.value)


def test_async_variant_runs_two_servers_concurrently_inside_one_loop() -> None:
    import anyio

    from crawler.live import introspect_stdio_async

    results: dict[str, int] = {}

    async def one(name: str) -> None:
        results[name] = len((await introspect_stdio_async(_server(name), timeout=30)).tools)

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            tg.start_soon(one, "mcpserver_stdio.py")
            tg.start_soon(one, "lowlevel_paged.py")

    anyio.run(main)
    assert results == {"mcpserver_stdio.py": 3, "lowlevel_paged.py": 7}


def test_cli_starts_a_server_as_its_client_config_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "proj"
    (project / ".vscode").mkdir(parents=True)
    (project / "server.py").write_text((FIXTURES / "mcpserver_stdio.py").read_text())
    report = tmp_path / "env.json"
    config = project / ".vscode" / "mcp.json"
    config.write_text(
        json.dumps(
            {
                "servers": {
                    "weather": {
                        "command": PY,
                        "args": ["${workspaceFolder}/server.py"],
                        "env": {
                            "ENV_REPORT": str(report),
                            "API_TOKEN": "${env:FIXTURE_PARENT_TOKEN}",
                            "UNSET": "${input:x}",
                        },
                    }
                }
            }
        )
    )
    monkeypatch.setenv("FIXTURE_PARENT_TOKEN", "value-from-parent")
    res = CliRunner().invoke(app, ["introspect", "--json", "--config", str(config), "--server", "weather"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["tool_count"] == 3
    assert "input:x" in res.stderr and "value-from-parent" not in res.output
    seen = json.loads(report.read_text())["env"]
    assert seen["API_TOKEN"] == "value-from-parent"  # the configured env reaches the server, as the client does
    assert "FIXTURE_PARENT_TOKEN" not in seen  # but nothing else of ours
    res = CliRunner().invoke(app, ["introspect", "--config", str(config), "--server", "nope"])
    assert res.exit_code == 2 and "no server named 'nope' (servers: weather)" in res.output


def test_program_paths_with_equals_signs_and_stdout_noise(tmp_path: Path) -> None:
    folder = tmp_path / "pkg==1.0" / "bin"
    folder.mkdir(parents=True)
    script = folder / "server.py"
    script.write_text(
        "import runpy\nprint('starting up, not JSON', flush=True)\n"
        f"runpy.run_path({str(FIXTURES / 'lowlevel_paged.py')!r}, run_name='__main__')\n"
    )
    result = introspect_stdio([PY, str(script)], timeout=30)
    assert len(result.tools) == 7
    assert any("not JSON-RPC" in p for p in result.problems)
