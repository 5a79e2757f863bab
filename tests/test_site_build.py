"""The built site, end to end on the fixture catalog: escaping, content, links, determinism, increments.

Golden files: `MCP_CATALOG_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_site_build.py` rewrites
tests/golden/site/ from the current output; review the diff before committing it.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from sqlmodel import Session, select

from catalog.config import Settings
from catalog.db import Catalog
from catalog.models import Classification, Tool
from publisher.site.build_cache import CACHE_NAME
from publisher.site.builder import build_site
from publisher.site.writer import MANIFEST_NAME
from tests.test_site_catalog import T1, make_catalog, write_policies

GOLDEN = Path(__file__).parent / "golden" / "site"
GOLDEN_PAGES = [
    "tools/github-mcp/delete_repository/index.html",
    "servers/github-mcp/index.html",
    "risk/critical/index.html",
]
UPDATE_GOLDEN = os.environ.get("MCP_CATALOG_UPDATE_GOLDEN") == "1"


def _build(tmp: Path, db: str, policies: bool = True) -> tuple[Path, dict]:
    out = tmp / "site"
    policies_dir = tmp / "policies"
    if policies and not policies_dir.exists():
        write_policies(policies_dir)
    settings = Settings(db=db, policies_dir=policies_dir if policies else tmp / "none")
    settings.extra["site_url"] = "https://catalog.example.org/"
    catalog = Catalog(db)
    with catalog.session() as session:
        if session.exec(select(Tool.id)).first() is None:
            make_catalog(session)
        summary = build_site(session, settings, out, workers=1)
    catalog.dispose()
    return out, summary


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    tmp = tmp_path_factory.mktemp("site")
    out, _ = _build(tmp, str(tmp / "catalog.db"))
    yield out


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_script_in_a_description_is_escaped(site: Path) -> None:
    page = read(site, "tools/hostile-mcp/fetch_page/index.html")
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    img = read(site, "tools/hostile-mcp/preview/index.html")
    assert "&lt;img src=x onerror=alert(1)&gt;" in img
    assert "<img" not in img


def test_hostile_server_fields_are_text_and_javascript_urls_are_not_links(site: Path) -> None:
    page = read(site, "servers/hostile-mcp/index.html")
    assert "Hostile &lt;b&gt;MCP&lt;/b&gt;" in page
    assert 'href="javascript:' not in page
    assert "javascript:alert(3)" in page  # shown as text
    for path in html_files(site):
        tree = HTMLParser(path.read_text(encoding="utf-8"))
        for node in tree.css("[href], [src]"):
            for attr in ("href", "src"):
                value = node.attributes.get(attr) or ""
                assert not value.lower().startswith("javascript:"), (path, value)


def test_every_page_has_csp_and_no_inline_script_or_style(site: Path) -> None:
    for path in html_files(site):
        text = path.read_text(encoding="utf-8")
        tree = HTMLParser(text)
        csp = tree.css_first('meta[http-equiv="Content-Security-Policy"]')
        assert csp is not None and "script-src 'self'" in csp.attributes["content"], path
        for script in tree.css("script"):
            assert script.attributes.get("src"), f"inline script in {path}"
        assert not tree.css("style"), path
        assert not tree.css("[style]"), path
        assert not re.search(r"\son[a-z]+=", text.replace("onerror=alert(1)&gt;", "")), path
        assert tree.css_first("main#main") is not None and tree.css_first("nav") is not None, path
        assert tree.css_first("html").attributes.get("lang") == "en"


def test_tool_page_content(site: Path) -> None:
    tree = HTMLParser(read(site, "tools/github-mcp/delete_repository/index.html"))
    text = " ".join(tree.body.text(separator=" ").split())
    assert "Critical" in tree.css_first(".verdict").text()
    assert "Destructive" in text
    # Declared hints that contradict the classification are flagged.
    mismatch_rows = [r.text(separator=" ") for r in tree.css("table.hints tr.mismatch")]
    assert any("readOnlyHint" in r and "true" in r for r in mismatch_rows)
    assert any("destructiveHint" in r for r in mismatch_rows)
    # Parameters table from the input schema.
    params = [r.css_first("td code").text() for r in tree.css("table.params tbody tr")]
    assert params == ["owner", "repo", "force"]
    # The recommended policy's own entry, in both formats, with copy buttons; strict preset says hidden.
    snippets = tree.css("figure.snippet pre")
    assert any('"require"' in s.text() and "approval" in s.text() for s in snippets)
    assert any("deny_if:" in s.text() for s in snippets)
    assert len(tree.css("button.copy")) == len(snippets) >= 2
    assert "Strict preset (hidden from the agent)" in text
    assert "The recommended policy requires approval and denies 1 argument pattern(s)." in text
    # FAQ, related tools and history.
    questions = [dt.text() for dt in tree.css("dl.faq dt")]
    assert questions[0] == "What does delete_repository do?" and len(questions) == 5
    assert tree.css_first('a[href="../../../tools/github-mcp/create_issue/"]') is not None
    assert "added" in tree.css_first("ul.history").text()


def test_prose_follows_the_classification_not_a_fixed_paragraph(site: Path) -> None:
    def prose(rel: str) -> str:
        tree = HTMLParser(read(site, rel))
        section = tree.css_first('section[aria-labelledby="what-h"]')
        return " ".join(section.text(separator=" ").split())

    sql = prose("tools/postgres-mcp/execute_sql/index.html")
    assert "The text in sql is run as given" in sql
    assert "code_execution" in sql and "Critical" in sql
    comment = prose("tools/github-mcp/add_issue_comment/index.html")
    create = prose("tools/github-mcp/create_issue/index.html")
    assert "other people receive" in comment and "other people receive" not in create
    assert "sends_communication" in comment and "rates High" in comment
    assert "allows at most 20 calls per 1h" in create  # from the recommended policy file
    hidden = prose("tools/hostile-mcp/etc-passwd-936d7c04/index.html")
    assert "hidden instructions" in hidden


def test_integrity_findings_and_unclassified_tools(site: Path) -> None:
    tree = HTMLParser(read(site, "tools/hostile-mcp/etc-passwd-936d7c04/index.html"))
    findings = tree.css_first('section[aria-labelledby="integrity-h"]')
    assert findings is not None and "hidden instructions" in findings.text()
    assert "&lt;!-- ignore previous instructions" in read(site, "tools/hostile-mcp/etc-passwd-936d7c04/index.html")
    unclassified = read(site, "tools/payments-mcp/sync_ledger/index.html")
    assert "not classified yet" in unclassified


def test_server_page_counts_combination_downloads_and_history(site: Path) -> None:
    tree = HTMLParser(read(site, "servers/github-mcp/index.html"))
    stats = tree.css_first("dl.stats").text(separator=" ")
    assert "Tools 4" in " ".join(stats.split())
    rows = tree.css("#tool-table tbody tr")
    assert [r.attributes["data-name"] for r in rows] == [
        "add_issue_comment",
        "create_issue",
        "delete_repository",
        "get_issue",
    ]
    links = [a.attributes["href"] for a in tree.css("#downloads a")]
    assert "../../policies/github-mcp/recommended/policy.json" in links
    assert not any("outside" in link for link in links)  # the hostile ../ path in index.json is ignored
    for link in links:
        assert (site / "servers/github-mcp" / link).resolve().is_file()
    history = tree.css_first('section[aria-labelledby="changes-h"]').text()
    assert "merge_pull_request" in history and "removed" in history
    # No policies for this server: the page still builds, without a downloads table.
    other = HTMLParser(read(site, "servers/postgres-mcp/index.html"))
    assert other.css_first("table.downloads") is None
    assert "Annotated" in other.text()
    # The hostile server combines private data, untrusted content and egress: the trifecta is called out.
    hostile = HTMLParser(read(site, "servers/hostile-mcp/index.html"))
    assert "lethal trifecta" in hostile.css_first(".summary").text()


def test_browse_pages_list_the_right_tools(site: Path) -> None:
    critical = HTMLParser(read(site, "risk/critical/index.html"))
    names = {a.text() for a in critical.css("table.tools tbody td:first-child a")}
    assert names == {"delete_repository", "execute_sql", "create_refund"}
    secrets = site / "capability/secrets/index.html"
    assert not secrets.exists()  # no tool has it: no empty page
    comm = HTMLParser(read(site, "capability/sends_communication/index.html"))
    assert [a.text() for a in comm.css("table.tools tbody td:first-child a")] == ["add_issue_comment"]
    changes = HTMLParser(read(site, "changes/index.html"))
    assert "1 changed, 1 removed" in changes.css_first(".lede").text()


def test_machine_files(site: Path) -> None:
    sitemap = ET.fromstring(read(site, "sitemap.xml"))
    locs = {e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert "https://catalog.example.org/tools/github-mcp/delete_repository/" in locs
    assert "https://catalog.example.org/servers/hostile-mcp/" in locs
    assert len([loc for loc in locs if "/tools/" in loc]) == 14
    feed = ET.fromstring(read(site, "changes/feed.xml"))
    ns = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{ns}entry")
    assert len(entries) == 16 and feed.find(f"{ns}updated").text == T1.isoformat().replace("+00:00", "Z")
    llms = read(site, "llms.txt")
    assert llms.startswith("# MCP tool risk catalog\n\n> 14 tools of 4 MCP servers")
    assert "(https://catalog.example.org/servers/github-mcp/)" in llms
    full = read(site, "llms-full.txt")
    assert "### delete_repository" in full and "Critical risk, Destructive" in full
    api = json.loads(read(site, "api/tools/github-mcp/delete_repository.json"))
    assert api["classification"]["risk"] == "Critical" and api["input_schema"]["required"] == ["owner"]
    server_api = json.loads(read(site, "api/servers/github-mcp.json"))
    assert [t["name"] for t in server_api["tools"]][:1] == ["add_issue_comment"]
    for tool in server_api["tools"]:
        assert (site / tool["api"]).is_file() and (site / tool["url"] / "index.html").is_file()
    index = json.loads(read(site, "api/index.json"))
    assert index["tools"] == 14 and index["generated_at"] == "2026-03-08T09:30:00Z"


def test_search_index_is_sharded_and_escapes_text(site: Path) -> None:
    meta = read(site, "search/meta.js")
    assert meta.startswith("MCPSearch.setMeta(")
    refund = read(site, "search/t/re.js")
    assert '"refund":[' in refund and '"repository":[' in refund
    docs = read(site, "search/d/0.js")
    assert "tools/payments-mcp/create_refund/" in docs
    assert "<" not in docs  # "<script>" in a server name is \u003c-escaped inside the script file


def _internal_targets(site: Path, page: Path) -> Iterator[tuple[str, Path]]:
    tree = HTMLParser(page.read_text(encoding="utf-8"))
    for node in tree.css("a[href], link[href], script[src]"):
        url = node.attributes.get("href") or node.attributes.get("src") or ""
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith("#") or not url:
            continue
        target = (page.parent / unquote(parts.path)).resolve()
        if url.endswith("/") or target.is_dir():
            target = target / "index.html"
        yield url, target


def test_link_checker_no_broken_links_and_no_orphans(site: Path) -> None:
    pages = {p.resolve() for p in html_files(site)}
    broken = []
    linked: dict[Path, set[Path]] = {}
    for page in pages:
        linked[page] = set()
        for url, target in _internal_targets(site, page):
            if not target.exists():
                broken.append((str(page.relative_to(site.resolve())), url))
            elif target.suffix == ".html":
                linked[page].add(target)
    assert broken == []
    start = (site / "index.html").resolve()
    seen, queue = {start}, [start]
    while queue:
        for target in linked[queue.pop()]:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    orphans = sorted(str(p.relative_to(site.resolve())) for p in pages - seen)
    assert orphans == []


def test_golden_pages(site: Path) -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for rel in GOLDEN_PAGES:
        golden = GOLDEN / rel.replace("/", "__")
        actual = read(site, rel)
        if UPDATE_GOLDEN or not golden.exists():
            golden.write_text(actual, encoding="utf-8")
            if not UPDATE_GOLDEN:
                pytest.fail(f"golden file {golden.name} was missing and has been written; re-run")
        assert actual == golden.read_text(encoding="utf-8"), (
            f"{rel} differs from {golden}; if intended, regenerate with MCP_CATALOG_UPDATE_GOLDEN=1"
        )


def test_builds_are_deterministic_and_rebuilds_write_nothing(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, _ = _build(tmp_path / "a", str(tmp_path / "a.db"))
    second, _ = _build(tmp_path / "b", str(tmp_path / "b.db"))
    # The manifest records policy files' mtimes (which differ between the two copies); the site does not.
    files_a = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file() and p.name != MANIFEST_NAME)
    files_b = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file() and p.name != MANIFEST_NAME)
    assert files_a == files_b
    for rel in files_a:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    _, again = _build(tmp_path / "a", str(tmp_path / "a.db"))
    assert again["written"] == 0 and again["rendered"] == 0 and again["removed"] == 0
    assert again["servers_skipped"] == again["servers"] > 0  # each server's digest matched: no per-file work


def _snapshot(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}


def test_incremental_rebuild_rewrites_only_what_changed(catalog: Catalog, tmp_path: Path) -> None:
    settings = Settings(db=catalog.url, policies_dir=write_policies(tmp_path / "policies"))
    out = tmp_path / "site"
    with catalog.session() as session:
        make_catalog(session)
        build_site(session, settings, out, workers=1)
        before = _snapshot(out)
        tool = session.exec(select(Tool).where(Tool.name == "list_tables")).one()
        tool.description = "List tables and views in a schema."
        tool.fingerprint = "f" * 64
        session.add(tool)
        old = session.exec(select(Classification).where(Classification.tool_id == tool.id)).one()
        session.add(
            Classification(
                **old.model_dump(exclude={"id", "classifier_version", "tool_fingerprint"}),
                classifier_version="rules-2",
                tool_fingerprint="f" * 64,
            )
        )
        removed = session.exec(select(Tool).where(Tool.name == "get-data")).one()
        removed.present = False
        session.add(removed)
        session.commit()
        summary = build_site(session, settings, out, workers=1)
    after = _snapshot(out)
    rewritten = {rel for rel in after if rel in before and after[rel] != before[rel]}
    assert "tools/postgres-mcp/list_tables/index.html" in rewritten
    assert "api/tools/postgres-mcp/list_tables.json" in rewritten
    assert "servers/postgres-mcp/index.html" in rewritten
    assert "tools/github-mcp/delete_repository/index.html" not in rewritten
    assert "tools/payments-mcp/create_refund/index.html" not in rewritten
    assert "tools/hostile-mcp/get-data/index.html" not in after  # a tool gone from the crawl loses its page
    assert summary["removed"] == 2
    assert summary["written"] == len(rewritten - {MANIFEST_NAME, CACHE_NAME})
    # Tool pages are rewritten only on the two servers whose tool lists changed (related-tool links).
    touched_tools = {rel.split("/")[1] for rel in rewritten if rel.startswith("tools/")}
    assert touched_tools == {"postgres-mcp", "hostile-mcp"}


def test_an_empty_catalog_still_builds_a_working_site(tmp_path: Path) -> None:
    catalog = Catalog(str(tmp_path / "empty.db"))
    with catalog.session() as session:
        summary = build_site(session, Settings(db=str(tmp_path / "empty.db")), tmp_path / "site", workers=1)
    catalog.dispose()
    assert summary["tools"] == 0 and summary["servers"] == 0
    home = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert "0 tools of 0 MCP servers" in home
    assert (tmp_path / "site/search/meta.js").is_file() and (tmp_path / "site/sitemap.xml").is_file()


def test_a_classification_updated_in_place_rewrites_its_page(tmp_path: Path) -> None:
    catalog = Catalog(str(tmp_path / "c.db"))
    settings = Settings(db=str(tmp_path / "c.db"), policies_dir=tmp_path / "none")
    out = tmp_path / "site"
    with catalog.session() as session:
        make_catalog(session)
        build_site(session, settings, out, workers=1)
        tool = session.exec(select(Tool).where(Tool.name == "list_tables")).one()
        row = session.exec(select(Classification).where(Classification.tool_id == tool.id)).one()
        row.rationale = "Read: it lists the tables of a schema and changes nothing."
        session.add(row)
        session.commit()
        build_site(session, settings, out, workers=1)
    catalog.dispose()
    page = (out / "tools/postgres-mcp/list_tables/index.html").read_text(encoding="utf-8")
    assert "it lists the tables of a schema and changes nothing" in page


def _rebuild_after(tmp_path: Path, change: Callable[[Session, Tool], None]) -> tuple[Path, dict, dict, dict]:
    """Build the fixture site, apply `change` to the list_tables tool, rebuild: (out, before, after, summary)."""
    catalog = Catalog(str(tmp_path / "one.db"))
    settings = Settings(db=str(tmp_path / "one.db"), policies_dir=write_policies(tmp_path / "policies"))
    out = tmp_path / "site"
    with catalog.session() as session:
        make_catalog(session)
        build_site(session, settings, out, workers=1)
        before = _snapshot(out)
        change(session, session.exec(select(Tool).where(Tool.name == "list_tables")).one())
        session.commit()
        summary = build_site(session, settings, out, workers=1)
    catalog.dispose()
    return out, before, _snapshot(out), summary


def _describe(session: Session, tool: Tool) -> None:
    tool.description = "Lists the tables and views of one schema."
    tool.fingerprint = "e" * 64
    session.add(tool)


def _rate_high(session: Session, tool: Tool) -> None:
    old = session.exec(select(Classification).where(Classification.tool_id == tool.id)).one()
    fields = old.model_dump(exclude={"id", "classifier_version", "risk"})
    session.add(Classification(**fields, classifier_version="r2", risk="High"))


def test_changing_one_tool_rewrites_exactly_its_pages_and_the_pages_listing_it(tmp_path: Path) -> None:
    """A new description (same name and rating): the tool's page and JSON, its server's page (which shows
    the description) and llms-full.txt; no browse page, search shard, sibling page or server JSON."""
    out, before, after, summary = _rebuild_after(tmp_path, _describe)
    rewritten = {rel for rel in after if after[rel] != before.get(rel)} - {MANIFEST_NAME, CACHE_NAME}
    assert rewritten == {
        "tools/postgres-mcp/list_tables/index.html",
        "api/tools/postgres-mcp/list_tables.json",
        "servers/postgres-mcp/index.html",
        "llms-full.txt",
    }
    assert summary["written"] == len(rewritten) and summary["removed"] == 0
    # Only the changed tool's server is re-examined; a description shows in no other server's pages.
    assert summary["servers_skipped"] == summary["servers"] - 1
    page = (out / "tools/postgres-mcp/list_tables/index.html").read_text(encoding="utf-8")
    assert "Lists the tables and views of one schema." in page
    # The rebuild loaded the schema and annotations only for the re-rendered server: they are still shown.
    api = json.loads((out / "api/tools/postgres-mcp/list_tables.json").read_text(encoding="utf-8"))
    assert "schema" in json.dumps(api["input_schema"]) and api["annotations"] == {"readOnlyHint": True}


def test_a_new_rating_rewrites_the_pages_that_link_to_the_tool_and_no_others(tmp_path: Path) -> None:
    """A rating shows on every link to the tool (badges): exactly the pages linking to it, plus the pages
    that count ratings (home, risk pages, server index), are re-rendered; the rest stay untouched."""
    out, before, after, _ = _rebuild_after(tmp_path, _rate_high)
    link = "/tools/postgres-mcp/list_tables/"
    pages = {rel for rel in after if rel.endswith(".html")}
    rewritten = {rel for rel in pages if after[rel] != before.get(rel)}
    linking = {rel for rel in pages if link in (out / rel).read_text(encoding="utf-8")}
    # Pages that count ratings: home, the server index and every risk page (their tabs show each level's count).
    counting = {"index.html", "servers/index.html"} | {rel for rel in pages if rel.startswith("risk/")}
    assert "risk/high/index.html" in linking and "servers/postgres-mcp/index.html" in linking
    expected = (linking - counting - {"changes/index.html"}) | {"tools/postgres-mcp/list_tables/index.html"}
    assert rewritten - counting == expected
    assert {"risk/high/index.html", "risk/low/index.html", "index.html"} <= rewritten  # new and old level
    assert len(rewritten) < len(pages) / 2


def test_rebuild_trusts_the_manifest_and_verify_repairs_missing_files(tmp_path: Path) -> None:
    """A rebuild does not stat every file; `verify=True` re-creates files deleted behind its back."""
    site, _ = _build(tmp_path, str(tmp_path / "a.db"))
    page = next(p for p in html_files(site) if "/tools/" in p.as_posix() or p.parent != site)
    page.unlink()
    settings = Settings(db=str(tmp_path / "a.db"), policies_dir=tmp_path / "policies")
    settings.extra["site_url"] = "https://catalog.example.org/"
    catalog = Catalog(str(tmp_path / "a.db"))
    with catalog.session() as session:
        trusted = build_site(session, settings, site, workers=1)
        assert trusted["written"] == 0 and not page.exists()
        settings.extra["site_verify"] = True
        repaired = build_site(session, settings, site, workers=1)
    catalog.dispose()
    assert repaired["written"] == 1 and page.exists()
