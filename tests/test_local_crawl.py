"""`crawl --source local:PATH` on the extractor's output: servers, tools, and changes between crawls."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlmodel import select

from catalog.db import Catalog
from catalog.models import Tool, ToolChange
from crawler.sources.local import crawl_local

FIXTURES = Path(__file__).parent / "fixtures" / "servers" / "python"


def test_recrawl_records_no_change_and_one_edit_records_one(catalog: Catalog, tmp_path: Path) -> None:
    folder = tmp_path / "weather"
    shutil.copytree(FIXTURES / "fastmcp_basic", folder)
    with catalog.session() as session:
        first = crawl_local(session, folder)
        assert first.servers == 1 and first.tools.added == 4
        again = crawl_local(session, folder)
        assert again.tools.changed == 0 and again.tools.added == 0 and again.tools.unchanged == 4
        server_py = folder / "weather_server" / "server.py"
        server_py.write_text(server_py.read_text().replace("Check that the server is alive.", "Health check."))
        third = crawl_local(session, folder)
        assert third.tools.changed == 1 and third.tools.unchanged == 3
        changes = session.exec(select(ToolChange)).all()
        assert len([c for c in changes if c.kind == "changed"]) == 1


def test_monorepo_crawl_keeps_servers_apart_and_records_problems(catalog: Catalog) -> None:
    with catalog.session() as session:
        summary = crawl_local(session, FIXTURES / "monorepo")
        assert summary.servers == 2
        names = sorted(t.name for t in session.exec(select(Tool)).all())
        assert names == ["get_issue", "get_issue", "post_message", "search_issues"]
        bad = crawl_local(session, FIXTURES / "bad_files")
        assert len(bad.problems) == 3 and bad.servers == 1
