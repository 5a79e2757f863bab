"""Awesome lists: markdown and HTML parsing, what counts as a server, and the source over files and URLs."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from catalog.config import Settings
from crawler.parse.awesome import items_from_markdown, parse_awesome
from crawler.sources.awesome import SOURCE
from crawler.sources.base import DiscoveredServer, SourceContext
from crawler.sources.inputs import SourceInputError, base_for_list_url

LISTS = Path(__file__).parent / "fixtures" / "lists"


class TextHttp:
    """A test double of the crawler's HttpClient that serves fixed texts by URL and records requests."""

    def __init__(self, pages: dict[str, str]) -> None:
        self.pages = pages
        self.requested: list[str] = []

    async def get_text(self, url: str, **_: Any) -> str:
        self.requested.append(url)
        return self.pages[url]

    async def get_json(self, url: str, **_: Any) -> Any:
        raise AssertionError("not used")

    async def get_bytes(self, url: str, **_: Any) -> bytes:
        raise AssertionError("not used")


def discover(argument: str, http: Any = None) -> list[DiscoveredServer]:
    ctx = SourceContext(settings=Settings(), http=http or TextHttp({}), argument=argument)

    async def run() -> list[DiscoveredServer]:
        return [s async for s in SOURCE.discover(ctx)]

    return asyncio.run(run())


def by_name(servers: list[DiscoveredServer]) -> dict[str, DiscoveredServer]:
    return {s.name: s for s in servers}


def test_markdown_list_yields_servers_with_category_and_description() -> None:
    servers = by_name(parse_awesome((LISTS / "awesome-sample.md").read_text(), list_name="sample.md").servers)
    pg = servers["Postgres Explorer"]
    assert pg.repository_url == "https://github.com/Acme/Postgres-MCP"
    assert pg.external_id == "https://github.com/acme/postgres-mcp"
    assert pg.categories == ["Databases", "File Systems"]  # listed twice: one server, both categories
    assert pg.description == "Read-only SQL over PostgreSQL."
    assert pg.extra["marker"] == "1"
    sqlite = servers["SQLite Tools"]
    assert sqlite.repository_url == "https://github.com/acme/sqlite-mcp"
    assert sqlite.description == "Query and edit SQLite files, see docs."
    assert servers["Mongo Lens"].repository_url == "https://github.com/lens/mongo-lens"  # reference-style link
    assert servers["Mongo Lens"].description == "Explore MongoDB collections."
    assert servers["Official Redis"].extra.get("official") is True  # the ⭐ ordinal
    assert servers["Redis Fork"].categories == ["Databases"]  # nested bullet is its own entry


def test_markdown_packages_monorepo_folders_and_homepages() -> None:
    servers = by_name(parse_awesome((LISTS / "awesome-sample.md").read_text(), list_name="sample.md").servers)
    duck = servers["Duck"]
    assert [p.key() for p in duck.packages] == ["npm:@duck/mcp-server", "pypi:duck-mcp"]
    assert duck.repository_url is None and duck.external_id == "npm:@duck/mcp-server"
    fs = servers["Monorepo FS"]
    assert (fs.repository_url, fs.repository_subfolder) == ("https://github.com/bigco/tools", "servers/fs")
    assert fs.extra["repository_branch"] == "main"
    assert fs.description == "A server in a monorepo folder, described over two lines."
    hosted = servers["Hosted Files"]
    assert hosted.repository_url is None and hosted.extra["homepage"] == "https://files.example.com/mcp/"


def test_markdown_skips_non_server_links_and_sections() -> None:
    names = set(by_name(parse_awesome((LISTS / "awesome-sample.md").read_text(), list_name="s").servers))
    for skipped in ("Databases", "C# SDK", "Not A Server", "Commented Out", "Some Client", "FastThing", "CC0"):
        assert skipped not in names
    assert names == {
        "Postgres Explorer",
        "SQLite Tools",
        "Mongo Lens",
        "Official Redis",
        "Redis Fork",
        "Duck",
        "Monorepo FS",
        "Hosted Files",
    }


def test_heading_cleanup_and_item_lines() -> None:
    items = items_from_markdown("## 🗄️ <a name='db'></a>Data **Bases**\n\n- [X](https://github.com/a/b) - d\n")
    assert items[0].headings == ("Data Bases",)
    assert items[0].line == 3


def test_html_list_matches_markdown_rules_and_reads_only_the_readme() -> None:
    parsed = parse_awesome(
        (LISTS / "awesome-sample.html").read_text(),
        list_name="sample.html",
        base_url="https://github.com/listowner/list/tree/main",
    )
    servers = by_name(parsed.servers)
    assert set(servers) == {"Search MCP", "Search Lite", "Fetch", "Web Tool"}  # nav chrome and Resources skipped
    search = servers["Search MCP"]
    assert search.categories == ["Search & Web"]
    assert search.description == "Web search with <script> in the text."  # kept as data; escaping is the page's job
    assert search.extra["marker"] == "2"
    fetch = servers["Fetch"]
    assert (fetch.repository_url, fetch.repository_subfolder) == ("https://github.com/listowner/list", "src/fetch")
    assert servers["Web Tool"].packages[0].key() == "npm:@scope/web-tool"


def test_relative_links_without_a_base_are_problems_not_guesses() -> None:
    parsed = parse_awesome((LISTS / "awesome-sample.html").read_text(), list_name="sample.html")
    assert "Fetch" not in by_name(parsed.servers)
    assert any("src/fetch" in why for _, why in parsed.problems)


def test_source_reads_a_folder_and_takes_base_from_the_fragment() -> None:
    servers = discover(f"{LISTS}#base=https://github.com/listowner/list/tree/main")
    names = {s.name for s in servers}
    assert {"Postgres Explorer", "Fetch", "Search MCP"} <= names
    assert all(s.source == "awesome" for s in servers)
    assert {s.extra["list"] for s in servers} == {"awesome-sample.md", "awesome-sample.html"}


def test_source_fetches_a_url_through_ctx_http_and_derives_the_base() -> None:
    url = "https://raw.githubusercontent.com/listowner/list/main/README.md"
    http = TextHttp({url: (LISTS / "awesome-sample.html").read_text()})
    servers = by_name(discover(url, http))
    assert http.requested == [url]
    assert servers["Fetch"].repository_url == "https://github.com/listowner/list"


def test_base_for_list_urls() -> None:
    assert (
        base_for_list_url("https://github.com/o/r/blob/main/docs/README.md") == "https://github.com/o/r/tree/main/docs/"
    )
    assert base_for_list_url("https://github.com/o/r") == "https://github.com/o/r/tree/HEAD/"


def test_missing_argument_and_path_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceInputError, match="awesome:PATH_OR_URL"):
        discover("")
    with pytest.raises(SourceInputError, match="does not exist"):
        discover(str(tmp_path / "nope.md"))


def test_real_world_breakage_is_handled() -> None:
    text = "\n".join(
        [
            "# L",
            "## Servers",
            '- <img src="[https://x.example/fav](https://x.example/favicon.png)" /> [Intl](https://github.com/a/intl) - i18n.',
            "- **[Broken](<[https://home.example](https://github.com/b/broken)>)** - nested link written by mistake.",
            "- **[Cal](npm:@cal/cal-mcp?activeTab=readme)** - package link with a query.",
            "- **[Org Servers](https://github.com/some-org)** - an organisation that hosts several servers.",
            "- **[Discussions](https://github.com/orgs/x/discussions)** - not a server.",
            "- [GitLab Docs](https://docs.gitlab.com/user/mcp_server/) - official docs page of a hosted server.",
        ]
    )
    servers = by_name(parse_awesome(text, list_name="l").servers)
    assert servers["Intl"].repository_url == "https://github.com/a/intl"
    assert servers["Broken"].repository_url == "https://github.com/b/broken"
    assert servers["Cal"].packages[0].key() == "npm:@cal/cal-mcp"
    assert servers["Org Servers"].repository_url is None
    assert servers["Org Servers"].extra["homepage"] == "https://github.com/some-org"
    assert "Discussions" not in servers
    assert servers["GitLab Docs"].extra["homepage"].startswith("https://docs.gitlab.com/")


def test_percent_encoded_broken_link_from_a_renderer() -> None:
    html = (
        '<article class="markdown-body"><h2>S</h2><ul><li><a href="%5Bhttps://a.example%5D(https://github.com/c/d)">'
        "CD</a> - x</li></ul></article>"
    )
    assert parse_awesome(html, list_name="h").servers[0].repository_url == "https://github.com/c/d"


def test_legend_emoji_become_hints_and_leave_the_description() -> None:
    text = "# L\n## Servers\n- [acme/db](https://github.com/acme/db) 🎖️ 🐍 ☁️ 🍎 - Official database server.\n"
    server = parse_awesome(text, list_name="l").servers[0]
    assert server.description == "Official database server."
    assert server.extra["legend"] == ["🎖️", "🐍", "☁️", "🍎"]
    assert server.extra["official"] is True
    assert (server.extra["language"], server.extra["deployment"], server.extra["os"]) == (
        ["python"],
        ["cloud"],
        ["macos"],
    )
    plain = parse_awesome("# L\n## S\n- [x](https://github.com/x/y) - # of things\n", list_name="l").servers[0]
    assert plain.description == "# of things" and "legend" not in plain.extra


def test_author_attribution_is_split_from_the_description() -> None:
    text = "# L\n## S\n- **[BigQuery](https://github.com/someone/bq-mcp)** (by someone) - Inspect schemas and run queries.\n"
    server = parse_awesome(text, list_name="l").servers[0]
    assert server.description == "Inspect schemas and run queries."
    assert server.extra["author"] == "someone"
