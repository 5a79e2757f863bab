"""MCP Apps tools hidden from the model (``meta.ui.visibility`` without "model") are kept but marked
conditional, so a comparison with a plain client's tools/list does not count them as invented."""

from __future__ import annotations

from pathlib import Path

from crawler.extract import extract_path

SERVER = '''
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("viewer")
_APP_ONLY = {"ui": {"visibility": ["app"]}}


@mcp.tool()
def render_scene(name: str) -> str:
    """Render a scene for the model."""
    return name


@mcp.tool(meta={"source": "viewer", **_APP_ONLY})
def viewport_pick(x: int, y: int) -> str:
    """Pick the object under a point of the viewport panel."""
    return ""


@mcp.tool(meta={"ui": {"visibility": ["model", "app"]}})
def open_panel() -> str:
    """Open the viewer panel."""
    return ""
'''


def test_app_only_tools_are_conditional(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\\nname = "viewer"\\ndependencies = ["mcp"]\\n')
    (tmp_path / "server.py").write_text(SERVER)
    tools = {t.name: t for t in extract_path(tmp_path).tools}
    assert sorted(tools) == ["open_panel", "render_scene", "viewport_pick"]
    assert "MCP Apps" in (tools["viewport_pick"].conditional or "")
    assert tools["render_scene"].conditional is None
    assert tools["open_panel"].conditional is None
