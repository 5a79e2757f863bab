"""A package whose artifact only hands over to a dependency (a renamed project, a launcher) gets its tools
from that dependency, and the server says so."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from catalog.db import Catalog
from catalog.models import Server, Tool
from crawler.crawl.extracting import default_extractor, pinned_versions
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
    server, names = crawl_one(world, "pypi:old-notes-mcp==2.0.0", tmp_path)
    assert names == {"list_notes", "delete_note"}
    assert server.tools_origin == "package:pypi:notes-core-mcp==1.1.0"
    assert any("delegates to dependency notes-core-mcp" in u["reason"] for u in server.unresolved)


def crawl_one(world: World, seed: str, tmp_path: Path) -> tuple[Server, set[str]]:
    """Crawl one seed against the fixture world; the stored server and its tool names."""
    catalog = Catalog(str(tmp_path / "c.db"))
    try:
        with FixtureServer(world) as srv:
            settings = settings_for_world(srv.url, tmp_path, db=catalog.url)
            summary = crawl(catalog, settings, [seed], progress=False, extractor=default_extractor)
        assert summary.failed == 0
        with catalog.session() as s:
            server = s.exec(select(Server)).one()
            names = set(s.exec(select(Tool.name).where(Tool.server_id == server.id)).all())
            s.expunge(server)
        return server, names
    finally:
        catalog.dispose()


LAUNCHER_PACKAGE = '{"name": "kite-mcp", "version": "0.3.0", "bin": {"kite-mcp": "cli.js"}, "dependencies": {"kite-core": "1.0.0-beta.2"}}'
LAUNCHER_CLI = "#!/usr/bin/env node\nconst { tools } = require('kite-core/lib/bundle');\ntools.runMcpServer();\n"


def core_files(version: str, tool: str) -> dict[str, str]:
    return {
        "package.json": f'{{"name": "kite-core", "version": "{version}", "main": "lib/bundle.js"}}',
        "lib/bundle.js": (
            'const { McpServer } = require("@modelcontextprotocol/sdk/server/mcp.js");\n'
            "function runMcpServer() {\n"
            '  const server = new McpServer({ name: "kite", version: "1" });\n'
            f'  server.registerTool("{tool}", {{ description: "A kite tool", inputSchema: {{}} }}, async () => ({{}}));\n'
            "}\n"
            "exports.tools = { runMcpServer };\n"
        ),
    }


def test_launcher_is_followed_to_the_exact_version_it_pins(tmp_path: Path) -> None:
    """The dependency's latest release has other tools than the pre-release the launcher runs."""
    world = World()
    world.add_npm("kite-mcp", "0.3.0", {"package.json": LAUNCHER_PACKAGE, "cli.js": LAUNCHER_CLI})
    world.add_npm("kite-core", "1.0.0-beta.2", core_files("1.0.0-beta.2", "kite_fly"))
    world.add_npm("kite-core", "2.0.0", core_files("2.0.0", "kite_land"))
    server, names = crawl_one(world, "npm:kite-mcp@0.3.0", tmp_path)
    assert names == {"kite_fly"}
    assert server.tools_origin == "package:npm:kite-core@1.0.0-beta.2"


def test_pins_are_read_from_the_archive_manifest(tmp_path: Path) -> None:
    import io
    import tarfile

    archive = tmp_path / "a.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        data = b'{"dependencies": {"a": "1.2.3", "b": "^1.0.0", "c": "=2.0.0-rc.1", "d": "latest"}}'
        info = tarfile.TarInfo("package/package.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    assert pinned_versions(archive) == {"a": "1.2.3", "c": "2.0.0-rc.1"}
    wheel = tmp_path / "w.zip"
    import zipfile

    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr(
            "shim-1.0.dist-info/METADATA",
            "Name: shim\nRequires-Dist: Real_Core (==3.1.0)\nRequires-Dist: other>=1\nRequires-Dist: x==1; extra == 'dev'\n",
        )
    assert pinned_versions(wheel) == {"real-core": "3.1.0", "x": "1"}
    assert pinned_versions(tmp_path / "missing.tgz") == {}
