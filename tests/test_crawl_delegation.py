"""A package whose artifact only hands over to a dependency (a renamed project, a launcher) gets its tools
from that dependency, and the server says so."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from catalog.db import Catalog
from catalog.models import Server, Tool
from crawler.crawl.extracting import default_extractor
from crawler.pipeline import crawl
from crawler.testing.fixture_server import FixtureServer, World
from tests.fixture_server import settings_for_world

SHIM_PYPROJECT = """[project]
name = "old-notes-mcp"
version = "2.0.0"
dependencies = ["notes-core-mcp>=1.0"]

[project.scripts]
old-notes-mcp = "old_notes_shim:main"
"""
SHIM = '''"""old-notes-mcp is now notes-core-mcp."""


def main():
    from notes_core_mcp.server import main as real_main

    return real_main()
'''
CORE_PYPROJECT = '[project]\nname = "notes-core-mcp"\nversion = "1.1.0"\ndependencies = ["mcp"]\n'
CORE_SERVER = '''from mcp.server.fastmcp import FastMCP

mcp = FastMCP("notes")


@mcp.tool()
def list_notes() -> list[str]:
    """List notes."""
    return []


@mcp.tool()
def delete_note(note_id: str) -> str:
    """Delete a note permanently."""
    return note_id


def main():
    mcp.run()
'''


def test_shim_package_is_followed_to_its_dependency(tmp_path: Path) -> None:
    world = World()
    world.add_pypi("old-notes-mcp", "2.0.0", {"pyproject.toml": SHIM_PYPROJECT, "old_notes_shim.py": SHIM})
    world.add_pypi(
        "notes-core-mcp",
        "1.1.0",
        {"pyproject.toml": CORE_PYPROJECT, "notes_core_mcp/__init__.py": "", "notes_core_mcp/server.py": CORE_SERVER},
    )
    catalog = Catalog(str(tmp_path / "c.db"))
    with FixtureServer(world) as srv:
        settings = settings_for_world(srv.url, tmp_path, db=catalog.url)
        summary = crawl(catalog, settings, ["pypi:old-notes-mcp==2.0.0"], progress=False, extractor=default_extractor)
    assert summary.failed == 0
    with catalog.session() as s:
        server = s.exec(select(Server)).one()
        names = set(s.exec(select(Tool.name).where(Tool.server_id == server.id)).all())
    assert names == {"list_notes", "delete_note"}
    assert server.tools_origin == "package:pypi:notes-core-mcp==1.1.0"
    assert any("delegates to dependency notes-core-mcp" in u["reason"] for u in server.unresolved)
    catalog.dispose()
