"""scan of npm / PyPI packages the catalog lacks: fetched from the crawler's fixture registry on 127.0.0.1
(settings point at it, as a user's npm/pip configuration would), read by the real static extractors, never run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import publisher.policy.sources as sources
from catalog.cli import app
from catalog.config import Settings
from crawler.testing.fixture_server import FixtureServer, World
from publisher.scan.model import version_of
from publisher.scan.packages import FetchedPackage, package_fetcher
from publisher.scan.runner import run_scan
from publisher.scan.targets import subjects_for_args
from tests.fixture_server import settings_for_world

LABELS: dict[str, dict[str, Any]] = {
    "get_forecast": {"category": "Read", "risk": "Low", "capabilities": ["network_egress"]},
    "get_alerts": {"category": "Read", "risk": "Low", "capabilities": []},
    "get_history": {"category": "Read", "risk": "Low", "capabilities": []},
    "list_notes": {"category": "Read", "risk": "Low", "capabilities": ["private_data"]},
    "delete_note": {"category": "Destructive", "risk": "High", "capabilities": ["private_data"]},
}


def classify(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"name": t["name"], **LABELS[t["name"]]} for t in tools if t["name"] in LABELS]


WEATHER_V1 = """import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
const server = new McpServer({ name: "weather", version: "1.0.0" });
server.tool("get_forecast", "Get the forecast for a city.", { city: z.string() }, async ({ city }) => ({
  content: [{ type: "text", text: city }],
}));
server.tool("get_alerts", "Get weather alerts for a US state.", { state: z.string() }, async () => ({ content: [] }));
"""
WEATHER_V2 = WEATHER_V1.replace(
    'server.tool("get_alerts"',
    'server.tool("get_history", "Past weather for a city.", { city: z.string() }, async () => ({ content: [] }));\n'
    'server.tool("get_alerts"',
)
NOTES_PY = '''"""Notes over MCP."""
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("notes")


@mcp.tool()
def list_notes() -> list[str]:
    """List the names of all notes."""
    return []


@mcp.tool()
def delete_note(name: str) -> str:
    """Delete a note permanently."""
    return name
'''


def world() -> World:
    w = World()
    w.add_npm("@acme/weather-mcp", "1.0.0", {"package.json": '{"name": "@acme/weather-mcp"}', "index.js": WEATHER_V1})
    w.add_npm("@acme/weather-mcp", "1.1.0", {"package.json": '{"name": "@acme/weather-mcp"}', "index.js": WEATHER_V2})
    w.add_npm("plain-lib", "1.0.0", {"package.json": '{"name": "plain-lib"}', "index.js": "export const x = 1;\n"})
    w.add_pypi(
        "notes-mcp", "0.2.0", {"pyproject.toml": '[project]\nname = "notes-mcp"\n', "notes_mcp/server.py": NOTES_PY}
    )
    return w


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[tuple[FixtureServer, Settings]]:
    with FixtureServer(world()) as srv:
        yield srv, settings_for_world(srv.url, tmp_path)


def scan(args: list[str], settings: Settings) -> Any:
    return run_scan(subjects_for_args(args), classify=classify, fetch_package=package_fetcher(settings))


def test_named_npm_version_is_fetched_extracted_and_classified(registry: tuple[FixtureServer, Settings]) -> None:
    _, settings = registry
    (server,) = scan(["npm:@acme/weather-mcp@1.0.0"], settings).servers
    assert server.source == "package" and server.origin == "package:npm:@acme/weather-mcp@1.0.0"
    assert [(t.name, t.risk) for t in server.tools] == [("get_alerts", "Low"), ("get_forecast", "Low")]
    assert server.tools[0].file and server.tools[0].file.endswith("index.js") and server.tools[0].line
    assert server.to_json()["origin"] == "package:npm:@acme/weather-mcp@1.0.0"


def test_unversioned_package_reads_the_latest(registry: tuple[FixtureServer, Settings]) -> None:
    _, settings = registry
    (server,) = scan(["npm:@acme/weather-mcp"], settings).servers
    assert version_of(server.origin) == "1.1.0"
    assert "get_history" in [t.name for t in server.tools]


def test_pypi_sdist_is_read_statically(registry: tuple[FixtureServer, Settings]) -> None:
    _, settings = registry
    (server,) = scan(["pypi:notes-mcp==0.2.0"], settings).servers
    assert server.source == "package" and server.origin == "package:pypi:notes-mcp==0.2.0"
    assert {t.name: t.risk for t in server.tools} == {"delete_note": "High", "list_notes": "Low"}


def test_second_scan_uses_the_crawler_cache(registry: tuple[FixtureServer, Settings]) -> None:
    srv, settings = registry
    scan(["npm:@acme/weather-mcp@1.0.0"], settings)
    downloads = len(srv.world.requests("/npm/@acme/weather-mcp/-/"))
    assert downloads == 1
    (server,) = scan(["npm:@acme/weather-mcp@1.0.0"], settings).servers
    assert server.tools and len(srv.world.requests("/npm/@acme/weather-mcp/-/")) == downloads


@pytest.mark.parametrize(
    ("arg", "words"),
    [
        ("npm:@acme/nope", "could not fetch the package"),
        ("npm:@acme/weather-mcp@9.9.9", "version 9.9.9 not found"),
        ("pypi:nope-mcp", "could not fetch the package"),
        ("npm:plain-lib@1.0.0", "no tool definitions found"),
    ],
)
def test_failures_are_problems_on_that_server(registry: tuple[FixtureServer, Settings], arg: str, words: str) -> None:
    _, settings = registry
    report = scan([arg, "npm:@acme/weather-mcp@1.0.0"], settings)
    bad, good = report.servers
    assert bad.source == "unresolved" and not bad.tools
    assert any(words in p for p in bad.problems), bad.problems
    assert good.source == "package"  # one unreadable package never hides the others


def test_no_registry_configured_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    """A registry URL that answers nothing (connection refused) after the crawler's retries."""
    settings = Settings(
        cache_dir=tmp_path / "cache",
        npm_registry_url="http://127.0.0.1:9/npm",
        max_retries=0,
        timeout_seconds=2.0,
        requests_per_second_per_host=0.0,
    )
    (server,) = scan(["npm:@acme/weather-mcp@1.0.0"], settings).servers
    assert server.source == "unresolved" and "could not fetch the package" in server.problems[0]


def test_offline_keeps_the_old_behaviour(registry: tuple[FixtureServer, Settings]) -> None:
    srv, _ = registry
    report = run_scan(subjects_for_args(["npm:@acme/weather-mcp@1.0.0"]), classify=classify)
    assert report.servers[0].source == "unresolved" and "--offline" in report.servers[0].problems[0]
    assert srv.world.requests("/npm") == []


def test_fetcher_refuses_other_subjects(registry: tuple[FixtureServer, Settings]) -> None:
    from publisher.scan.model import Subject

    _, settings = registry
    got = package_fetcher(settings)(Subject(name="x", kind="docker", package="mcp/x"))
    assert isinstance(got, FetchedPackage) and got.tools == [] and "not an npm or PyPI package" in got.problems[0]


def test_version_of() -> None:
    assert version_of("package:npm:@a/b@1.2.3") == "1.2.3"
    assert version_of("package:pypi:notes-mcp==0.2.0") == "0.2.0"
    assert version_of(None) is None


def _config(tmp_path: Path) -> Path:
    config = tmp_path / ".cursor" / "mcp.json"
    config.parent.mkdir()
    servers = {
        "weather": {"command": "npx", "args": ["-y", "@acme/weather-mcp@1.0.0"]},
        "notes": {"command": "uvx", "args": ["notes-mcp"]},
    }
    config.write_text(json.dumps({"mcpServers": servers}))
    return config


def test_npx_and_uvx_config_entries_resolve_as_packages(
    registry: tuple[FixtureServer, Settings], tmp_path: Path
) -> None:
    _, settings = registry
    report = scan([str(_config(tmp_path))], settings)
    by_name = {s.name: s for s in report.servers}
    assert by_name["weather"].origin == "package:npm:@acme/weather-mcp@1.0.0"
    assert by_name["notes"].origin == "package:pypi:notes-mcp==0.2.0"
    assert by_name["notes"].subject.client == "cursor"


runner = CliRunner()


def test_cli_fetches_with_the_configured_registry_and_offline_does_not(
    registry: tuple[FixtureServer, Settings], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srv, settings = registry
    monkeypatch.setattr(sources, "default_classifier", lambda: classify)
    monkeypatch.setenv("MCP_CATALOG_NPM_REGISTRY_URL", str(settings.npm_registry_url))
    monkeypatch.setenv("MCP_CATALOG_PYPI_INDEX_URL", str(settings.pypi_index_url))
    monkeypatch.setenv("MCP_CATALOG_CACHE_DIR", str(tmp_path / "cache"))
    config = str(_config(tmp_path))
    result = runner.invoke(app, ["scan", config, "--format", "json", "--fail-on", "high"])
    assert result.exit_code == 1, result.output  # delete_note is High
    doc = json.loads(result.stdout)
    assert doc["summary"]["tools"] == 4 and doc["summary"]["unresolved"] == []
    assert {s["source"] for s in doc["servers"]} == {"package"}
    table = runner.invoke(app, ["scan", config])
    assert table.exit_code == 0 and "1.0.0" in table.stdout and "0.2.0" in table.stdout
    before = len(srv.world.requests())
    offline = json.loads(runner.invoke(app, ["scan", config, "--offline", "--format", "json"]).stdout)
    assert offline["summary"]["unresolved"] == ["weather", "notes"] and len(srv.world.requests()) == before


def test_problem_lines_say_which_version_and_never_name_the_cache_file(
    registry: tuple[FixtureServer, Settings],
) -> None:
    from publisher.scan.packages import _problem

    _, settings = registry
    (server,) = scan(["npm:plain-lib"], settings).servers
    assert server.problems[-1].startswith("npm:plain-lib (read 1.0.0): no tool definitions found")
    assert "--live" in server.problems[-1]
    cached = Path("/cache/http/ab12cd.body")
    assert _problem("npm:x@1", "ab12cd", "extraction overran its budget", cached) == (
        "npm:x@1: extraction overran its budget"
    )
    assert _problem("npm:x@1", "src/index.ts", "syntax error", cached) == "npm:x@1: src/index.ts: syntax error"
    assert _problem("npm:x@1", "package/dist/a.js", "minified", cached) == "npm:x@1: dist/a.js: minified"
    assert _problem("npm:x@1", "ab12cd/dist/a.js", "minified", cached) == "npm:x@1: dist/a.js: minified"


def test_a_catalog_server_without_tools_is_read_from_its_package(
    registry: tuple[FixtureServer, Settings], catalog: Any
) -> None:
    """The crawl found nothing (extraction timed out, say): the scan must not show it as a harmless empty
    server, but fetch and read the package itself."""
    from crawler.store import upsert_server

    _, settings = registry
    with catalog.session() as session:
        upsert_server(
            session,
            name="weather",
            source="npm",
            external_id="@acme/weather-mcp",
            packages=[{"registry_type": "npm", "identifier": "@acme/weather-mcp", "version": "1.0.0"}],
        )
        session.commit()
        subjects = subjects_for_args(["npm:@acme/weather-mcp@1.0.0"])
        report = run_scan(subjects, session=session, classify=classify, fetch_package=package_fetcher(settings))
        offline = run_scan(subjects, session=session, classify=classify)
    (server,) = report.servers
    assert server.source == "package" and len(server.tools) == 2
    assert "in the catalog as" in server.problems[0] and "without tools" in server.problems[0]
    assert offline.servers[0].source == "unresolved" and "without tools" in offline.servers[0].problems[0]


@pytest.mark.parametrize(
    ("command", "args", "origin"),
    [
        ("npx", ["-y", "@acme/weather-mcp@latest"], "package:npm:@acme/weather-mcp@1.1.0"),
        ("npx", ["-y", "@acme/weather-mcp@^1.0.0"], "package:npm:@acme/weather-mcp@1.1.0"),
        ("npx", ["-y", "@acme/weather-mcp@~1.0.0"], "package:npm:@acme/weather-mcp@1.0.0"),
        ("npx", ["-y", "@acme/weather-mcp@1.0.x"], "package:npm:@acme/weather-mcp@1.0.0"),
        ("uvx", ["notes-mcp@latest"], "package:pypi:notes-mcp==0.2.0"),
        ("uvx", ["notes-mcp>=0.1,<1"], "package:pypi:notes-mcp==0.2.0"),
        ("uvx", ["--from", "notes-mcp~=0.2.0", "notes"], "package:pypi:notes-mcp==0.2.0"),
    ],
)
def test_tags_and_ranges_read_the_version_the_launcher_would_run(
    registry: tuple[FixtureServer, Settings], tmp_path: Path, command: str, args: list[str], origin: str
) -> None:
    _, settings = registry
    config = tmp_path / ".cursor" / "mcp.json"
    config.parent.mkdir()
    config.write_text(json.dumps({"mcpServers": {"s": {"command": command, "args": args}}}))
    (server,) = scan([str(config)], settings).servers
    assert server.origin == origin, server.problems
    assert server.tools


def test_a_range_nothing_matches_is_a_clear_problem(registry: tuple[FixtureServer, Settings], tmp_path: Path) -> None:
    _, settings = registry
    config = tmp_path / "mcp.json"
    config.write_text(json.dumps({"mcpServers": {"w": {"command": "npx", "args": ["-y", "@acme/weather-mcp@^2"]}}}))
    (server,) = scan([str(config)], settings).servers
    assert server.source == "unresolved"
    assert "no published version matches '^2'" in server.problems[0]


def test_bench_scan_runs_offline_and_reports_throughput() -> None:
    result = CliRunner().invoke(app, ["bench", "scan", "-n", "3", "--packages", "2", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["reports"]["servers"] == 3 and doc["reports"]["check_policies"]["invalid"] == 0
    packages = doc["packages"]
    assert packages["cold"]["tools"] == packages["warm"]["tools"] == packages["tools"] > 0
    assert packages["cold"]["registry_requests"] == 2 and packages["warm"]["registry_requests"] == 0  # cached


def test_skipped_files_are_one_footnote_when_tools_were_found(registry: tuple[FixtureServer, Settings]) -> None:
    from catalog.records import ExtractionProblem, ExtractionResult, ServerExtraction, ToolRecord

    _, settings = registry

    def extractor(path: Path) -> ExtractionResult:
        assert path.name.endswith(".tgz")  # the cached download, named so extractors know its type
        return ExtractionResult(
            servers=[ServerExtraction(name="w", tools=[ToolRecord(name="get_alerts")])],
            problems=[
                ExtractionProblem("package/dist/a.js", "minified or generated (a line of 9000 characters at line 1)"),
                ExtractionProblem("package/dist/b.js", "minified or generated (a line of 8100 characters at line 1)"),
                ExtractionProblem("package/big.ts", "file too large (3000000 characters > 2000000)"),
            ],
        )

    fetch = package_fetcher(settings, extractor=extractor)
    report = run_scan(subjects_for_args(["npm:@acme/weather-mcp@1.0.0"]), classify=classify, fetch_package=fetch)
    (server,) = report.servers
    assert server.source == "package" and [t.name for t in server.tools] == ["get_alerts"]
    assert server.problems == [
        "npm:@acme/weather-mcp@1.0.0: 3 files not read (file too large; minified or generated); "
        "tools from them may be missing"
    ]
