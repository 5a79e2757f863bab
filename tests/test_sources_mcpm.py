"""The MCPM registry source: manifests, install commands to packages, tools and broken files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.parse.commands import package_from_command
from crawler.sources.mcpm import SOURCE
from tests.source_helpers import discover

DUMPS = Path(__file__).parent / "fixtures" / "dumps"


def test_folder_yields_valid_manifests_and_records_broken_ones() -> None:
    found = {s.name: s for s in discover(SOURCE, str(DUMPS / "mcpm"))}
    assert set(found) == {"weather-hub", "names-only"}
    assert found["weather-hub"].extra["file"] == "servers/weather-hub.json"
    problems = dict(SOURCE.problems)
    assert any("broken.json" in where and "invalid JSON" in why for where, why in problems.items())
    assert any("not-a-manifest.json" in where for where in problems)


def test_manifest_fields() -> None:
    weather = {s.name: s for s in discover(SOURCE, str(DUMPS / "mcpm" / "servers"))}["weather-hub"]
    assert weather.source == "dump:mcpm" and weather.title == "Weather Hub" and weather.license == "MIT"
    assert weather.repository_url == "https://github.com/WeatherCo/weather-hub-mcp"
    assert weather.categories == ["Web Services"]
    # the recommended installation comes first
    assert [(p.key(), p.version) for p in weather.packages] == [
        ("npm:@weatherco/weather-hub", "1.4.0"),
        ("oci:weatherco/weather-hub:1.2", None),
        ("pypi:weather-hub-mcp", "0.3.1"),
    ]
    assert weather.remotes == [{"type": "streamable-http", "url": "https://mcp.weather.example.org/mcp"}]
    env = {e["name"]: e for e in weather.env_vars}
    assert env["WEATHER_API_KEY"]["is_secret"] is True and env["WEATHER_API_KEY"]["is_secret_inferred"] is True
    assert env["WEATHER_UNITS"]["is_secret"] is False
    tools = {t.name: t for t in weather.tools or []}
    assert tools["get_forecast"].input_schema["required"] == ["place"]
    assert tools["set_alert"].input_schema == {"type": "object", "properties": {"place": {"type": "string"}}}


def test_names_only_repository_package_and_archived() -> None:
    names = {s.name: s for s in discover(SOURCE, str(DUMPS / "mcpm"))}["names-only"]
    assert names.tools is None and names.extra["tool_names"] == ["first", "second"]
    assert [p.key() for p in names.packages] == ["npm:@names/only-mcp"]
    assert names.status == "deprecated"


def test_combined_json_file(tmp_path: Path) -> None:
    manifest = json.loads((DUMPS / "mcpm" / "servers" / "weather-hub.json").read_text())
    combined = tmp_path / "servers.json"
    combined.write_text(json.dumps({"weather-hub": manifest, "bad": 3}))
    found = discover(SOURCE, str(combined))
    assert [s.name for s in found] == ["weather-hub"]
    assert len(SOURCE.problems) == 1


@pytest.mark.parametrize(
    ("command", "args", "key", "version"),
    [
        ("npx", ["-y", "@scope/pkg@latest", "serve"], "npm:@scope/pkg", None),
        ("npx", ["-y", "-p", "tool-pkg@2", "tool"], "npm:tool-pkg", "2"),
        ("bunx", ["plain"], "npm:plain", None),
        ("pnpm", ["dlx", "dlx-pkg"], "npm:dlx-pkg", None),
        ("uvx", ["mcp-server-git"], "pypi:mcp-server-git", None),
        ("uvx", ["--from", "pkg==1.0", "cmd"], "pypi:pkg", "1.0"),
        ("uv", ["tool", "run", "fibery-mcp-server", "--host", "${HOST}"], "pypi:fibery-mcp-server", None),
        ("uv", ["run", "--with", "mcp-clickhouse", "--python", "3.13", "mcp-clickhouse"], "pypi:mcp-clickhouse", None),
        ("pip", ["install", "opik"], "pypi:opik", None),
        ("docker", ["run", "-i", "--rm", "-e", "KEY", "--name", "x", "mcp/img:1"], "oci:mcp/img:1", None),
        ("npx -y joined-pkg", [], "npm:joined-pkg", None),
    ],
)
def test_install_commands(command: str, args: list[str], key: str, version: str | None) -> None:
    ref = package_from_command(command, args)
    assert ref is not None and ref.key() == key and ref.version == version


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("node", ["build/index.js"]),
        ("python", ["-m", "module_name"]),
        ("uvx", ["--from", "git+https://github.com/o/r", "cmd"]),
        ("npx", ["-y", "https://github.com/o/r"]),
        ("uv", ["--directory", "/path/to/x", "run", "server.py"]),
        ("docker", ["run", "-i", "${IMAGE}"]),
        ("/path/to/binary", []),
        ("", []),
    ],
)
def test_commands_that_run_no_package(command: str, args: list[str]) -> None:
    assert package_from_command(command, args) is None
