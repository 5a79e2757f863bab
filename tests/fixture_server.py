"""Pytest helpers around the fixture HTTP server (crawler.testing.fixture_server): a small hand-written world
of MCP servers published on the registry, GitHub, npm and PyPI, and settings pointing at it."""

from __future__ import annotations

import json
from pathlib import Path

from catalog.config import Settings
from crawler.testing.fixture_server import World


def tools_json(*names: str, prefix: str = "") -> str:
    """A tools/list result declaring ``names`` (descriptions derived from the names)."""
    tools = [
        {
            "name": n,
            "description": f"{prefix}{n.replace('_', ' ').capitalize()}.",
            "inputSchema": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
        }
        for n in names
    ]
    return json.dumps({"tools": tools})


def small_world() -> World:
    """Four registry servers: an npm package (whose repository HEAD differs), a PyPI package, a monorepo
    subfolder on GitHub, and one the registry has deprecated."""
    world = World()
    world.add_npm(
        "@acme/weather-mcp", "1.0.0", {"package.json": "{}", "tools.json": tools_json("get_forecast", "get_alerts")}
    )
    world.add_repo("acme/weather", {"tools.json": tools_json("get_forecast", "get_alerts", "unreleased_tool")})
    world.add_pypi("notes-mcp", "0.2.0", {"tools.json": tools_json("list_notes", "delete_note")})
    world.add_repo(
        "acme/mono",
        {
            "servers/files/tools.json": tools_json("read_file", "write_file"),
            "servers/other/tools.json": tools_json("other_tool"),
        },
        stars=42,
    )
    world.add_registry_server(
        {
            "name": "io.github.acme/weather",
            "description": "Weather forecasts.",
            "version": "1.0.0",
            "repository": {"url": "https://github.com/acme/weather.git", "source": "github"},
            "packages": [
                {
                    "registryType": "npm",
                    "identifier": "@acme/weather-mcp",
                    "version": "1.0.0",
                    "environmentVariables": [{"name": "WEATHER_KEY", "isSecret": True}],
                }
            ],
        }
    )
    world.add_registry_server(
        {
            "name": "io.github.acme/notes",
            "description": "Notes.",
            "version": "0.2.0",
            "packages": [{"registryType": "pypi", "identifier": "notes-mcp", "version": "0.2.0"}],
        }
    )
    world.add_registry_server(
        {
            "name": "io.github.acme/files",
            "description": "Files from the monorepo.",
            "repository": {"url": "https://github.com/acme/mono", "source": "github", "subfolder": "servers/files"},
        }
    )
    world.add_registry_server(
        {
            "name": "io.github.acme/old",
            "description": "Old.",
            "remotes": [{"type": "sse", "url": "https://x.test/sse"}],
        },
        status="deprecated",
    )
    return world


def settings_for_world(url: str, tmp: Path, **extra: object) -> Settings:
    values: dict[str, object] = {
        "db": str(tmp / "catalog.db"),
        "cache_dir": tmp / "cache",
        "registry_url": url,
        "github_api_url": url,
        "npm_registry_url": f"{url}/npm",
        "pypi_index_url": f"{url}/pypi/simple",
        "requests_per_second_per_host": 0.0,
        "max_retries": 2,
        "timeout_seconds": 5.0,
        "extra": {"backoff_base": 0.01},
    }
    values.update(extra)
    return Settings(**values)  # type: ignore[arg-type]
