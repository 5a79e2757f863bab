"""The official MCP Registry source: pagination, incremental sync, tolerant parsing of every shape."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from crawler.http import PoliteClient
from crawler.sources.base import SourceContext
from crawler.sources.mcp_registry import SOURCE, parse_entry, parse_page
from crawler.testing.fixture_server import FixtureServer, World
from tests.fixture_server import settings_for_world


def collect(url: str, tmp: Path, since: str | None = None, state: dict | None = None, argument: str | None = None):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        settings = settings_for_world(url, tmp)
        async with PoliteClient(settings) as http:
            ctx = SourceContext(settings=settings, http=http, since=since, state=state or {}, argument=argument)
            return [s async for s in SOURCE.discover(ctx)], ctx.state

    return asyncio.run(go())


def test_full_pagination_follows_next_cursor(tmp_path: Path) -> None:
    world = World()
    for i in range(250):
        world.add_registry_server({"name": f"io.github.x/s{i:03d}", "description": f"server {i}"})
    with FixtureServer(world) as srv:
        found, state = collect(srv.url, tmp_path)
        pages = world.requests("/v0.1/servers")
    assert [s.name for s in found] == [f"io.github.x/s{i:03d}" for i in range(250)]
    assert len(pages) == 3 and all("limit=100" in p for p in pages)
    assert "cursor=" not in pages[0] and "cursor=100" in pages[1] and "cursor=200" in pages[2]
    assert state == {}  # a finished pass leaves no cursor behind


def test_resumes_from_a_saved_cursor(tmp_path: Path) -> None:
    world = World()
    for i in range(250):
        world.add_registry_server({"name": f"io.github.x/s{i:03d}"})
    with FixtureServer(world) as srv:
        found, _ = collect(srv.url, tmp_path, state={"cursor": "200"})
    assert len(found) == 50 and found[0].name == "io.github.x/s200"


def test_incremental_sync_sends_updated_since_and_sees_deletions(tmp_path: Path) -> None:
    world = World()
    world.add_registry_server({"name": "io.github.x/old"}, updated="2025-01-01T00:00:00Z")
    world.add_registry_server({"name": "io.github.x/gone"}, status="deleted", updated="2025-06-01T00:00:00Z")
    world.add_registry_server({"name": "io.github.x/new"}, updated="2025-06-02T00:00:00Z")
    with FixtureServer(world) as srv:
        full, _ = collect(srv.url, tmp_path)
        recent, _ = collect(srv.url, tmp_path, since="2025-05-01T00:00:00Z")
        last = world.requests("/v0.1/servers")[-1]
    assert {s.name for s in full} == {"io.github.x/old", "io.github.x/new"}
    assert {(s.name, s.status) for s in recent} == {("io.github.x/gone", "deleted"), ("io.github.x/new", "active")}
    assert "updated_since=2025-05-01T00%3A00%3A00Z" in last


def test_current_server_json_shape() -> None:
    entry = {
        "server": {
            "name": "io.github.acme/db",
            "title": "Acme DB",
            "description": "Query Acme databases.",
            "version": "2.1.0",
            "repository": {"url": "https://github.com/acme/tools", "source": "github", "subfolder": "servers/db"},
            "packages": [
                {
                    "registryType": "npm",
                    "identifier": "@acme/db-mcp",
                    "version": "2.1.0",
                    "transport": {"type": "stdio"},
                    "environmentVariables": [{"name": "DB_PASSWORD", "isSecret": True, "isRequired": True}],
                },
                {"registryType": "oci", "identifier": "docker.io/acme/db-mcp:2.1.0"},
                {"registryType": "nuget", "identifier": "Acme.Db.Mcp", "version": "2.1.0"},
            ],
            "remotes": [{"type": "streamable-http", "url": "https://mcp.acme.test/db"}],
        },
        "_meta": {
            "io.modelcontextprotocol.registry/official": {
                "status": "deprecated",
                "updatedAt": "2025-09-01T00:00:00Z",
                "isLatest": True,
            }
        },
    }
    s = parse_entry(entry)
    assert s is not None
    assert (s.name, s.title, s.version, s.status) == ("io.github.acme/db", "Acme DB", "2.1.0", "deprecated")
    assert (s.repository_url, s.repository_subfolder) == ("https://github.com/acme/tools", "servers/db")
    assert [(p.registry_type, p.identifier, p.version) for p in s.packages] == [
        ("npm", "@acme/db-mcp", "2.1.0"),
        ("oci", "docker.io/acme/db-mcp:2.1.0", None),
        ("nuget", "Acme.Db.Mcp", "2.1.0"),
    ]
    assert s.env_vars == [{"name": "DB_PASSWORD", "is_secret": True, "is_required": True, "description": None}]
    assert s.remotes == [{"type": "streamable-http", "url": "https://mcp.acme.test/db"}]
    assert s.extra["updated_at"] == "2025-09-01T00:00:00Z"


def test_2025_seed_and_snake_case_shapes(tmp_path: Path) -> None:
    seed = [
        {
            "id": "0000-1111",
            "name": "io.github.acme/files",
            "description": "Files.",
            "repository": {"url": "https://github.com/acme/files", "source": "github", "id": "1"},
            "version_detail": {"version": "0.0.1-seed", "release_date": "2025-05-16T00:00:00Z", "is_latest": True},
            "packages": [
                {
                    "registry_name": "npm",
                    "name": "@acme/files",
                    "version": "0.3.0",
                    "environment_variables": [{"name": "ROOT", "description": "root folder"}],
                },
                {"registry_name": "docker", "name": "acme/files", "version": "0.3.0"},
            ],
        },
        {"name": "io.github.acme/py", "packages": [{"registry_type": "pypi", "identifier": "acme-py"}]},
        {"description": "no name: skipped"},
    ]
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed))
    found, _ = collect("http://127.0.0.1:9", tmp_path, argument=str(path))
    assert [s.name for s in found] == ["io.github.acme/files", "io.github.acme/py"]
    files = found[0]
    assert files.version == "0.0.1-seed"
    assert [(p.registry_type, p.identifier, p.version) for p in files.packages] == [
        ("npm", "@acme/files", "0.3.0"),
        ("oci", "acme/files", "0.3.0"),
    ]
    assert files.env_vars[0]["name"] == "ROOT" and files.env_vars[0]["is_secret"] is False
    assert found[1].packages[0].registry_type == "pypi"


def test_old_versions_are_skipped_and_bad_pages_refused() -> None:
    meta = {"io.modelcontextprotocol.registry/official": {"isLatest": False}}
    assert parse_entry({"server": {"name": "io.github.a/b"}, "_meta": meta}) is None
    assert parse_entry({"name": "io.github.a/b", "version_detail": {"version": "1", "is_latest": False}}) is None
    assert parse_entry({"name": "", "version_detail": {"version": ""}}) is None
    assert parse_page({"servers": [], "metadata": {}}) == ([], None)
    try:
        parse_page("nonsense")
    except ValueError as exc:
        assert "registry page" in str(exc)
    else:
        raise AssertionError("a string is not a page")
