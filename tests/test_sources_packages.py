"""The GitHub, npm and PyPI sources and fetchers, the seed files, the registry URL lookups, the merge keys."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from crawler.crawl.artifacts import DistFile, parse_simple_page, pick_dist, version_key
from crawler.http import PoliteClient
from crawler.merge import merge_keys, merge_packages, parse_github_url
from crawler.registries import RegistryNotConfigured, npm_registry_url, pypi_index_url
from crawler.sources import github, npm, pypi
from crawler.sources.base import DiscoveredServer, PackageRef, SourceContext
from crawler.sources.seeds import SeedError, parse_seed_file
from crawler.testing.fixture_server import FixtureServer
from tests.fixture_server import settings_for_world, small_world


def discover(source, url: str, tmp: Path, argument: str | None = None):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        settings = settings_for_world(url, tmp)
        async with PoliteClient(settings) as http:
            ctx = SourceContext(settings=settings, http=http, argument=argument)
            return [s async for s in source.discover(ctx)]

    return asyncio.run(go())


def test_github_search_and_named_repositories(tmp_path: Path) -> None:
    with FixtureServer(small_world()) as srv:
        found = discover(github.SOURCE, srv.url, tmp_path)
        named = discover(github.SOURCE, srv.url, tmp_path, "acme/mono/tree/main/servers/files")
        search = srv.world.requests("/search/repositories")[0]
    assert {s.external_id for s in found} == {"acme/weather", "acme/mono"}
    mono = next(s for s in found if s.external_id == "acme/mono")
    assert (mono.stars, mono.license, mono.extra["default_branch"]) == (42, "MIT", "main")
    assert "topic%3Amcp-server" in search and "per_page=100" in search
    assert named[0].repository_subfolder == "servers/files"


def test_npm_search_and_named_packages(tmp_path: Path) -> None:
    world = small_world()
    world.npm_meta["@acme/weather-mcp"] = {
        "description": "Weather",
        "links": {"repository": "https://github.com/acme/weather"},
    }
    with FixtureServer(world) as srv:
        found = discover(npm.SOURCE, srv.url, tmp_path)
        named = discover(npm.SOURCE, srv.url, tmp_path, "@acme/weather-mcp@1.0.0,left-pad")
    assert [(s.name, s.version, s.repository_url) for s in found] == [
        ("@acme/weather-mcp", "1.0.0", "https://github.com/acme/weather")
    ]
    assert [(s.name, s.version) for s in named] == [("@acme/weather-mcp", "1.0.0"), ("left-pad", None)]


def test_pypi_index_listing_keeps_mcp_projects(tmp_path: Path) -> None:
    world = small_world()
    world.add_pypi("requests", "2.0", {"x.py": ""})
    world.add_pypi("mcp_server_time", "1.0", {"x.py": ""})
    with FixtureServer(world) as srv:
        found = discover(pypi.SOURCE, srv.url, tmp_path)
    assert [s.external_id for s in found] == ["mcp-server-time", "notes-mcp"]
    assert pypi.looks_like_mcp("fastmcp-x") is False and pypi.looks_like_mcp("x.mcp") is True


def test_simple_index_json_and_html_pages_agree() -> None:
    html = b"""<html><body>
      <a href="../../files/notes_mcp-0.1.0.tar.gz#sha256=1">notes_mcp-0.1.0.tar.gz</a>
      <a href="../../files/notes_mcp-0.2.0-py3-none-any.whl">notes_mcp-0.2.0-py3-none-any.whl</a>
      <a href="https://files.test/notes_mcp-0.2.0.tar.gz">notes_mcp-0.2.0.tar.gz</a>
      <a href="../../files/notes_mcp-0.3.0rc1.tar.gz">notes_mcp-0.3.0rc1.tar.gz</a>
      <a href="../../files/notes_mcp-0.2.5.tar.gz" data-yanked="">notes_mcp-0.2.5.tar.gz</a>
      <a href="../../files/other-9.0.tar.gz">other-9.0.tar.gz</a>
    </body></html>"""
    files = parse_simple_page(html, "text/html", "http://idx.test/simple/notes-mcp/", "notes-mcp")
    assert [f.filename for f in files][0] == "notes_mcp-0.1.0.tar.gz"
    assert files[0].url == "http://idx.test/files/notes_mcp-0.1.0.tar.gz"
    assert len(files) == 5  # "other" is another project
    latest = pick_dist(files, None)
    assert latest is not None and (latest.filename, latest.url) == (
        "notes_mcp-0.2.0.tar.gz",
        "https://files.test/notes_mcp-0.2.0.tar.gz",
    )
    pinned = pick_dist(files, "0.1.0")
    assert pinned is not None and pinned.kind == "sdist"
    data = b'{"files": [{"filename": "notes_mcp-0.2.0-py3-none-any.whl", "url": "/f/n.whl"}]}'
    js = parse_simple_page(
        data, "application/vnd.pypi.simple.v1+json", "http://idx.test/simple/notes-mcp/", "notes-mcp"
    )
    assert js == [DistFile("notes_mcp-0.2.0-py3-none-any.whl", "http://idx.test/f/n.whl", "0.2.0", "wheel")]
    assert version_key("1.10.0") > version_key("1.9.0") > version_key("1.9.0rc1")


def test_wheel_only_package_is_fetched_as_wheel(tmp_path: Path) -> None:
    from catalog.db import Catalog
    from crawler.crawl.extracting import manifest_tools
    from crawler.pipeline import crawl
    from tests.fixture_server import tools_json

    world = small_world()
    world.add_pypi("wheely-mcp", "1.0", {"wheely/tools.json": tools_json("spin")}, wheel_only=True)
    with FixtureServer(world) as srv:
        cat = Catalog(str(tmp_path / "c.db"))
        summary = crawl(
            cat,
            settings_for_world(srv.url, tmp_path, db=cat.url),
            ["pypi:wheely-mcp"],
            progress=False,
            extractor=manifest_tools,
        )
        cat.dispose()
        assert any(p.endswith("-py3-none-any.whl") for p in srv.world.requests("/pypi/files/"))
    assert summary.tools_added == 1


def test_seed_file(tmp_path: Path) -> None:
    (tmp_path / "srv").mkdir()
    seeds = tmp_path / "seeds.txt"
    seeds.write_text(
        "# quickstart\n"
        "npm:@scope/name@1.2.3\n"
        "pypi:mcp-server-time==0.6.2   # pinned\n"
        "github:acme/mono/tree/main/servers/files\n"
        "local:srv\n"
        "url:https://mcp.acme.test/sse\n\n"
    )
    found = parse_seed_file(seeds)
    assert [(s.name, s.version) for s in found[:2]] == [("@scope/name", "1.2.3"), ("mcp-server-time", "0.6.2")]
    assert (
        found[2].repository_subfolder == "servers/files" and found[2].repository_url == "https://github.com/acme/mono"
    )
    assert found[3].extra["local_path"] == str(tmp_path / "srv")
    assert found[4].remotes == [{"type": "sse", "url": "https://mcp.acme.test/sse"}]
    assert {s.source for s in found} == {"seeds"}
    seeds.write_text("npm:ok\nnpm:not a name\n")
    with pytest.raises(SeedError, match=r"seeds.txt:2: not an npm package name"):
        parse_seed_file(seeds)
    seeds.write_text("npm:ok\nftp:nope\n")
    with pytest.raises(SeedError, match=r"seeds.txt:2: unknown kind 'ftp'"):
        parse_seed_file(seeds)


def test_npm_registry_from_user_configuration(tmp_path: Path) -> None:
    asked: list[list[str]] = []

    def run(argv: list[str]) -> str | None:
        asked.append(argv)
        return "http://npm.mirror.test/\n"

    assert npm_registry_url(env={}, run=run, home=tmp_path) == "http://npm.mirror.test"
    assert asked == [["npm", "config", "get", "registry"]]
    assert npm_registry_url("http://explicit.test/", run=run) == "http://explicit.test"
    (tmp_path / ".npmrc").write_text("registry=http://rc.test/npm/\n")
    assert npm_registry_url(env={}, run=lambda a: None, home=tmp_path) == "http://rc.test/npm"
    with pytest.raises(RegistryNotConfigured, match="npm config set registry"):
        npm_registry_url(env={}, run=lambda a: None, home=tmp_path / "none")


def test_pip_index_from_user_configuration(tmp_path: Path) -> None:
    listing = "global.extra-index-url='file:///opt/x'\nglobal.index-url='http://pip.mirror.test/simple/'\n"
    assert pypi_index_url(env={}, run=lambda a: listing, home=tmp_path, default=lambda: None) == (
        "http://pip.mirror.test/simple"
    )
    assert pypi_index_url(env={"PIP_INDEX_URL": "http://env.test/simple"}, run=lambda a: listing) == (
        "http://env.test/simple"
    )
    (tmp_path / ".config" / "pip").mkdir(parents=True)
    (tmp_path / ".config" / "pip" / "pip.conf").write_text("[global]\nindex-url = http://conf.test/simple\n")
    assert pypi_index_url(env={}, run=lambda a: None, home=tmp_path, default=lambda: None) == "http://conf.test/simple"
    # only extra-index-url / find-links configured: pip's own default index
    only_extra = "global.extra-index-url='file:///opt/x'\nglobal.find-links='/opt/w'\n"
    got = pypi_index_url(
        env={}, run=lambda a: only_extra, home=tmp_path / "x", default=lambda: "http://default.test/simple/"
    )
    assert got == "http://default.test/simple"
    with pytest.raises(RegistryNotConfigured):
        pypi_index_url(env={}, run=lambda a: None, home=tmp_path / "x", default=lambda: None)


def test_github_url_normalisation_and_merge_keys() -> None:
    for url in (
        "https://github.com/Acme/Weather",
        "git+https://github.com/acme/weather.git",
        "git@github.com:acme/weather.git",
        "https://www.github.com/acme/weather/",
        "github:acme/weather",
    ):
        ref = parse_github_url(url)
        assert ref is not None and (ref.url, ref.subfolder) == ("https://github.com/acme/weather", None), url
    ref = parse_github_url("https://github.com/acme/mono/tree/main/servers/db")
    assert ref is not None and ref.subfolder == "servers/db"
    assert parse_github_url("https://gitlab.com/acme/x") is None
    s = DiscoveredServer(
        source="registry",
        external_id="x",
        name="x",
        repository_url="https://github.com/Acme/Mono.git",
        repository_subfolder="servers/db",
        packages=[PackageRef("pypi", "Acme_DB.MCP"), PackageRef("oci", "docker.io/acme/db:1.0")],
    )
    assert merge_keys(s) == ["repo:acme/mono#servers/db", "pypi:acme-db-mcp", "oci:docker.io/acme/db"]
    merged = merge_packages([{"registry_type": "npm", "identifier": "a"}], [PackageRef("npm", "A", "2.0")], False)
    assert merged == [{"registry_type": "npm", "identifier": "a", "version": "2.0"}]
    old = [
        {"registry_type": "oci", "identifier": "acme/db:1.0"},
        {"registry_type": "npm", "identifier": "@acme/db", "version": "1.0"},
    ]
    newer = merge_packages(old, [PackageRef("oci", "acme/db:1.1")], authoritative=True)
    assert newer == [
        {"registry_type": "npm", "identifier": "@acme/db", "version": "1.0"},
        {"registry_type": "oci", "identifier": "acme/db:1.1"},
    ]
