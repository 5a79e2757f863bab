"""The crawl end to end against the fixture server: cold crawl, warm re-crawl, incremental sync, merging,
monorepos, bad archives, the CLI."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from catalog.cli import app
from catalog.db import Catalog
from catalog.models import Fetch, Problem, Server, ServerSource, Tool, ToolChange, WorkItem
from crawler.crawl.extracting import manifest_tools
from crawler.pipeline import CrawlError, crawl, parse_sources
from crawler.testing.fixture_server import Fault, FixtureServer, World
from tests.fixture_server import settings_for_world, small_world, tools_json


@pytest.fixture
def sqlite_catalog(tmp_path: Path):  # type: ignore[no-untyped-def]
    """SQLite only: for tests of crawl behaviour that the database backend cannot change."""
    cat = Catalog(str(tmp_path / "only-sqlite.db"))
    yield cat
    cat.dispose()


def run_crawl(catalog: Catalog, url: str, tmp: Path, sources: list[str], **kw):  # type: ignore[no-untyped-def]
    settings = settings_for_world(url, tmp, db=catalog.url)
    return crawl(catalog, settings, sources, progress=False, extractor=manifest_tools, **kw)


def servers_by_name(catalog: Catalog) -> dict[str, Server]:
    with catalog.session() as s:
        return {srv.name: srv for srv in s.exec(select(Server)).all()}


def tool_names(catalog: Catalog, server: Server) -> set[str]:
    with catalog.session() as s:
        return set(s.exec(select(Tool.name).where(Tool.server_id == server.id, Tool.present)).all())


def test_cold_crawl_of_the_registry(catalog: Catalog, tmp_path: Path) -> None:
    world = small_world()
    with FixtureServer(world) as srv:
        summary = run_crawl(catalog, srv.url, tmp_path, ["registry"])
    assert summary.found == {"registry": 4} and summary.servers_new == 4
    servers = servers_by_name(catalog)
    weather = servers["io.github.acme/weather"]
    # The published package wins over the repository HEAD (which has an unreleased tool), and says so.
    assert tool_names(catalog, weather) == {"get_forecast", "get_alerts"}
    assert weather.tools_origin == "package:npm:@acme/weather-mcp@1.0.0"
    assert weather.repository_url == "https://github.com/acme/weather"
    assert weather.env_vars[0]["name"] == "WEATHER_KEY" and weather.env_vars[0]["is_secret"] is True
    notes = servers["io.github.acme/notes"]
    assert tool_names(catalog, notes) == {"list_notes", "delete_note"}
    assert notes.tools_origin == "package:pypi:notes-mcp==0.2.0"
    files = servers["io.github.acme/files"]
    assert tool_names(catalog, files) == {"read_file", "write_file"}  # only its monorepo subfolder
    assert files.tools_origin and files.tools_origin.startswith("github:acme/mono@")
    assert files.stars == 42 and files.license == "MIT" and files.default_branch == "main"
    assert servers["io.github.acme/old"].status == "deprecated"
    assert summary.tools_added == 6 and summary.failed == 0
    with catalog.session() as s:  # provenance: the digest of every artifact the tools came from
        fetches = {f.url.split("/", 3)[3]: f for f in s.exec(select(Fetch)).all()}
    npm = fetches["npm/@acme/weather-mcp/-/weather-mcp-1.0.0.tgz"]
    served = world._blobs["npm:@acme/weather-mcp@1.0.0"]
    assert (npm.content_hash, npm.size) == (hashlib.sha256(served).hexdigest(), len(served)) and npm.etag
    assert set(fetches) == {
        "npm/@acme/weather-mcp/-/weather-mcp-1.0.0.tgz",
        "pypi/files/notes_mcp-0.2.0.tar.gz",
        "repos/acme/mono/tarball/main",
    }


def test_cold_crawl_needs_at_most_two_requests_per_server(catalog: Catalog, tmp_path: Path) -> None:
    with FixtureServer(small_world()) as srv:
        run_crawl(catalog, srv.url, tmp_path, ["registry"])
        per_server = [p for p in srv.world.requests() if not p.startswith("/v0.1/servers")]
    # npm pinned: the tarball; PyPI: index page + sdist; GitHub: metadata + tarball.
    assert len(per_server) == 5


def test_warm_recrawl_is_conditional_and_changes_nothing(catalog: Catalog, tmp_path: Path) -> None:
    with FixtureServer(small_world()) as srv:
        run_crawl(catalog, srv.url, tmp_path, ["registry"])
        before = len(srv.world.log)
        summary = run_crawl(catalog, srv.url, tmp_path, ["registry"])
        warm = srv.world.log[before:]
    assert summary.tools_added == summary.tools_changed == summary.tools_removed == 0
    for path, headers in warm:
        assert "updated_since=" in path or "if-none-match" in headers, path
    with catalog.session() as s:
        assert len(s.exec(select(ToolChange)).all()) == 6  # the six "added" of the first crawl only


def test_incremental_sync_picks_up_a_new_version_and_a_deletion(catalog: Catalog, tmp_path: Path) -> None:
    world = small_world()
    with FixtureServer(world) as srv:
        run_crawl(catalog, srv.url, tmp_path, ["registry"])
        world.add_npm("@acme/weather-mcp", "1.1.0", {"tools.json": tools_json("get_forecast", prefix="New: ")})
        entry = next(e for e in world.registry if e["server"]["name"] == "io.github.acme/weather")["server"]
        entry["version"] = "1.1.0"
        entry["packages"][0]["version"] = "1.1.0"
        world.add_registry_server(entry, updated="2999-01-01T00:00:00Z")
        notes = next(e for e in world.registry if e["server"]["name"] == "io.github.acme/notes")["server"]
        world.add_registry_server(notes, status="deleted", updated="2999-01-01T00:00:00Z")
        summary = run_crawl(catalog, srv.url, tmp_path, ["registry"])
        registry_calls = srv.world.requests("/v0.1/servers")
    assert "updated_since=" in registry_calls[-1]
    assert summary.found == {"registry": 2}
    assert (summary.tools_changed, summary.tools_removed) == (1, 1)
    servers = servers_by_name(catalog)
    assert servers["io.github.acme/weather"].tools_origin == "package:npm:@acme/weather-mcp@1.1.0"
    assert servers["io.github.acme/notes"].status == "deleted"


def test_one_server_from_three_sources(catalog: Catalog, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("# the same server, three ways\nnpm:@acme/weather-mcp\n")
    with FixtureServer(small_world()) as srv:
        summary = run_crawl(
            catalog, srv.url, tmp_path, ["registry", "github:acme/weather", f"seeds:{seeds}"], discover_only=True
        )
    assert summary.merged == 2
    with catalog.session() as s:
        weather = [srv for srv in s.exec(select(Server)).all() if "weather" in srv.name]
        assert len(weather) == 1
        assert weather[0].sources == ["github", "registry", "seeds"]
        links = s.exec(select(ServerSource).where(ServerSource.server_id == weather[0].id)).all()
        assert {link.source for link in links} == {"registry", "github", "seeds"}
        assert weather[0].description == "Weather forecasts."  # the registry's text wins
        assert weather[0].stars == 10  # GitHub's metadata is kept
        items = s.exec(select(WorkItem).where(WorkItem.kind == "fetch")).all()
        assert len(items) == 3  # weather, notes, files (the remote-only server has nothing to fetch)


def test_discover_only_then_a_later_crawl_fetches(catalog: Catalog, tmp_path: Path) -> None:
    with FixtureServer(small_world()) as srv:
        first = run_crawl(catalog, srv.url, tmp_path, ["registry"], discover_only=True)
        assert first.fetched == 0 and first.queue == {"pending": 3}
        second = run_crawl(catalog, srv.url, tmp_path, [], worker=True)
    assert second.fetched == 3 and second.tools_added == 6 and second.queue == {"done": 3}


def test_github_monorepo_without_subfolder_gives_one_server_per_folder(sqlite_catalog: Catalog, tmp_path: Path) -> None:
    with FixtureServer(small_world()) as srv:
        run_crawl(sqlite_catalog, srv.url, tmp_path, ["github:acme/mono"])
    servers = servers_by_name(sqlite_catalog)
    assert tool_names(sqlite_catalog, servers["acme/mono/servers/files"]) == {"read_file", "write_file"}
    assert tool_names(sqlite_catalog, servers["acme/mono/servers/other"]) == {"other_tool"}


@pytest.mark.parametrize(
    ("case", "expect"),
    [
        ("corrupt", "corrupt or truncated archive"),
        ("too_large", "more than the limit"),
        ("truncated", "RemoteProtocolError"),
        ("missing_version", "HTTP 404"),
    ],
)
def test_bad_archives_are_recorded_and_the_crawl_goes_on(
    sqlite_catalog: Catalog, tmp_path: Path, case: str, expect: str
) -> None:
    world = small_world()
    extra: dict[str, object] = {}
    if case == "corrupt":
        world.add_npm("@acme/weather-mcp", "1.0.0", {})
        world._blobs["npm:@acme/weather-mcp@1.0.0"] = b"\x1f\x8b not really gzip"
    elif case == "too_large":
        world.add_npm("@acme/weather-mcp", "1.0.0", {"big.bin": random.Random(0).randbytes(100_000)})
        extra["max_archive_bytes"] = 20_000
    elif case == "truncated":
        world.fault("/npm/@acme/weather-mcp/-/", Fault(truncate=True, times=20))
        world.fault("/repos/acme/weather", Fault(status=404, times=20))
    else:
        world.npm["@acme/weather-mcp"] = {"2.0.0": world.npm["@acme/weather-mcp"]["1.0.0"]}
        world.fault("/repos/acme/weather", Fault(status=404, times=20))
    with FixtureServer(world) as srv:
        settings = settings_for_world(srv.url, tmp_path, db=sqlite_catalog.url, **extra)
        summary = crawl(sqlite_catalog, settings, ["registry"], progress=False, extractor=manifest_tools)
    servers = servers_by_name(sqlite_catalog)
    assert tool_names(sqlite_catalog, servers["io.github.acme/notes"]) == {"list_notes", "delete_note"}
    with sqlite_catalog.session() as s:
        messages = " | ".join(p.message for p in s.exec(select(Problem)).all())
    assert expect in messages
    weather = servers["io.github.acme/weather"]
    if case in ("corrupt", "too_large"):
        # the package was unusable: the repository is the fallback, and the origin says so
        assert weather.tools_origin and weather.tools_origin.startswith("github:acme/weather@")
    else:
        assert summary.failed == 1 and not weather.tools_origin


def test_dump_tools_are_kept_until_a_package_provides_them(sqlite_catalog: Catalog) -> None:
    from crawler.crawl.discovery import DiscoveryStats, load_index, record_sighting
    from crawler.extract.tools_json import records_from_json
    from crawler.sources.base import DiscoveredServer, PackageRef

    dump = DiscoveredServer(
        source="dump:docker",
        external_id="weather",
        name="weather",
        packages=[PackageRef("npm", "@acme/weather-mcp")],
        tools=records_from_json(json.loads(tools_json("get_forecast")), origin="dump"),
    )
    with sqlite_catalog.session() as s:
        stats = DiscoveryStats()
        server = record_sighting(s, load_index(s), dump, stats, None)
        assert server is not None and server.tools_origin == "dump:docker" and stats.tools.added == 1
        item = s.exec(select(WorkItem).where(WorkItem.key == f"fetch:{server.id}")).one()
        assert item.payload["plans"] == [{"kind": "npm", "name": "@acme/weather-mcp", "version": None}]
        assert item.payload["refresh"] is True


def test_parse_sources() -> None:
    assert parse_sources(["npm,registry", "npm:@a/b@1,c"]) == [("registry", None), ("npm", None), ("npm", "@a/b@1,c")]
    with pytest.raises(CrawlError, match="unknown source 'nope'"):
        parse_sources(["nope"])


def test_cli_crawl_json_and_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    with FixtureServer(small_world()) as srv:
        env = {
            "MCP_CATALOG_REGISTRY_URL": srv.url,
            "MCP_CATALOG_GITHUB_API_URL": srv.url,
            "MCP_CATALOG_NPM_REGISTRY_URL": f"{srv.url}/npm",
            "MCP_CATALOG_PYPI_INDEX_URL": f"{srv.url}/pypi/simple",
            "MCP_CATALOG_CACHE_DIR": str(tmp_path / "cache"),
        }
        db = str(tmp_path / "c.db")
        result = runner.invoke(app, ["crawl", "-s", "registry", "--db", db, "--json", "--rate", "0"], env=env)
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["found"] == {"registry": 4} and data["tools_added"] >= 2
        bad = runner.invoke(app, ["crawl", "-s", "nosuch", "--db", db], env=env)
        assert bad.exit_code == 2 and "unknown source" in bad.output
        stats = runner.invoke(app, ["stats", "--json", "--db", db])
        counts = json.loads(stats.stdout)
        assert counts["servers_by_source"]["registry"] == 4
        assert counts["servers_by_tools_origin"] == {"github": 1, "none": 1, "package:npm": 1, "package:pypi": 1}
        assert counts["work_queue"]["fetch"] == {"done": 3} and counts["work_queue"]["discover"] == {"done": 1}
        missing = runner.invoke(app, ["crawl", "-s", f"seeds:{tmp_path / 'none.txt'}", "--db", db, "-q"], env=env)
        assert missing.exit_code == 1 and "no such seed file" in missing.output


def test_local_sources_still_work(sqlite_catalog: Catalog, tmp_path: Path) -> None:
    dump = tmp_path / "tools.json"
    dump.write_text(tools_json("ping"))
    summary = crawl(
        sqlite_catalog, settings_for_world("http://127.0.0.1:9", tmp_path), [f"local:{dump}"], progress=False
    )
    assert summary.found == {f"local:{dump}": 1} and summary.tools_added == 1


def test_unreachable_source_is_reported_not_fatal(sqlite_catalog: Catalog, tmp_path: Path) -> None:
    world = World()
    with FixtureServer(world) as srv:
        world.fault("/v0.1/servers", Fault(status=500, times=10))
        summary = run_crawl(sqlite_catalog, srv.url, tmp_path, ["registry"])
    assert "HTTP 500" in summary.source_errors["registry"]


def test_unpinned_npm_package_follows_latest_with_conditional_metadata(sqlite_catalog: Catalog, tmp_path: Path) -> None:
    world = small_world()
    with FixtureServer(world) as srv:
        first = run_crawl(sqlite_catalog, srv.url, tmp_path, ["npm:@acme/weather-mcp"])
        assert srv.world.requests("/npm/@acme%2Fweather-mcp") or srv.world.requests("/npm/@acme%2fweather-mcp")
        mark = len(world.log)
        warm = run_crawl(sqlite_catalog, srv.url, tmp_path, ["npm:@acme/weather-mcp"])
        warm_log = world.log[mark:]
        world.add_npm("@acme/weather-mcp", "1.2.0", {"tools.json": tools_json("get_forecast")})
        newer = run_crawl(sqlite_catalog, srv.url, tmp_path, ["npm:@acme/weather-mcp"])
    assert first.tools_added == 2 and first.fetched == 1
    assert warm.unchanged == 1 and warm.fetched == 0
    assert [h.get("if-none-match") is not None for _, h in warm_log] == [True]
    assert newer.tools_removed == 1
    server = servers_by_name(sqlite_catalog)["@acme/weather-mcp"]
    assert server.tools_origin == "package:npm:@acme/weather-mcp@1.2.0"


class _BrokenSource:
    """Yields one server, then fails the way a buggy source module might."""

    name = "glama"

    async def discover(self, ctx):  # type: ignore[no-untyped-def]
        from crawler.sources.base import DiscoveredServer

        yield DiscoveredServer(source="glama", external_id="first", name="first-server")
        raise KeyError("tools")


SOURCE = _BrokenSource()


def test_a_broken_source_is_recorded_and_the_others_run(
    sqlite_catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crawler.sources import registry

    monkeypatch.setitem(registry.SOURCE_MODULES, "glama", __name__)
    with FixtureServer(small_world()) as srv:
        summary = run_crawl(sqlite_catalog, srv.url, tmp_path, ["glama", "registry"], discover_only=True)
    assert summary.source_errors == {"glama": "KeyError: 'tools'"}
    assert summary.found == {"registry": 4}
    assert "first-server" in servers_by_name(sqlite_catalog)  # what it found before failing is kept


def test_packages_of_one_monorepo_stay_separate_servers(sqlite_catalog: Catalog) -> None:
    from crawler.crawl.discovery import DiscoveryStats, load_index, record_sighting
    from crawler.sources.base import DiscoveredServer, PackageRef

    def npm_pkg(name: str) -> DiscoveredServer:
        return DiscoveredServer(
            source="npm",
            external_id=name,
            name=name,
            repository_url="git+https://github.com/acme/servers.git",
            packages=[PackageRef("npm", name, "1.0.0")],
        )

    with sqlite_catalog.session() as s:
        index, stats = load_index(s), DiscoveryStats()
        a = record_sighting(s, index, npm_pkg("@acme/server-files"), stats, None)
        b = record_sighting(s, index, npm_pkg("@acme/server-git"), stats, None)
        repo = DiscoveredServer(
            source="github",
            external_id="acme/servers",
            name="acme/servers",
            repository_url="https://github.com/acme/servers",
            stars=5,
        )
        c = record_sighting(s, index, repo, stats, None)
    assert a is not None and b is not None and c is not None
    assert a.id != b.id and c.id in (a.id, b.id) and stats.new == 2


def test_repo_metadata_option_adds_github_facts_to_package_servers(sqlite_catalog: Catalog, tmp_path: Path) -> None:
    world = small_world()
    world.repos["acme/weather"].meta.update({"stargazers_count": 77, "archived": True})
    with FixtureServer(world) as srv:
        settings = settings_for_world(srv.url, tmp_path, db=sqlite_catalog.url, fetch_repo_metadata=True)
        crawl(sqlite_catalog, settings, ["registry"], progress=False, extractor=manifest_tools)
        cold = len(world.requests("/repos/acme/weather"))
        crawl(sqlite_catalog, settings, ["registry"], progress=False, extractor=manifest_tools)
    weather = servers_by_name(sqlite_catalog)["io.github.acme/weather"]
    assert (weather.stars, weather.archived, weather.license) == (77, True, "MIT")
    assert weather.tools_origin == "package:npm:@acme/weather-mcp@1.0.0"  # still the package's tools
    assert cold == 1  # the warm crawl does not process the pinned package again
