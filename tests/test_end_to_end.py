"""The whole pipeline through the CLI, on servers written for this test:
extract -> crawl --source local: -> classify -> build, then a re-crawl (no change) and one edited description
(exactly one change)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

import publisher.policy
from catalog.cli import app
from publisher.policy.validate import validate_intercept_text

FIXTURES = Path(__file__).parent / "fixtures" / "servers" / "python"

NOTES_SERVER = '''
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("notes")


@mcp.tool()
def list_notes(limit: int = 20) -> list[str]:
    """List the most recent notes. <script>alert(1)</script>"""
    return []


@mcp.tool(name="delete_note")
def remove(note_id: str, force: bool = False) -> str:
    """Delete a note permanently."""
    return "ok"


@mcp.tool()
def run_query(sql: str) -> list[dict]:
    """Run an SQL query against the notes database."""
    return []
'''


def run(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def servers(tmp_path: Path) -> Path:
    root = tmp_path / "servers"
    notes = root / "notes"
    notes.mkdir(parents=True)
    (notes / "pyproject.toml").write_text('[project]\nname = "notes-mcp"\ndependencies = ["mcp"]\n')
    (notes / "server.py").write_text(NOTES_SERVER)
    shutil.copytree(FIXTURES / "fastmcp_basic", root / "weather")
    shutil.copytree(FIXTURES / "lowlevel", root / "git")
    return root


def test_pipeline_end_to_end(servers: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "catalog.db")
    notes = servers / "notes"

    tools = json.loads(run(runner, "extract", str(notes), "--json"))
    assert sorted(t["name"] for t in tools) == ["delete_note", "list_notes", "run_query"]
    by_name = {t["name"]: t for t in tools}
    assert by_name["delete_note"]["input_schema"]["required"] == ["note_id"]
    assert by_name["list_notes"]["input_schema"]["properties"]["limit"]["type"] == "integer"

    sources = [f"--source=local:{servers / name}" for name in ("notes", "weather", "git")]
    first = json.loads(run(runner, "crawl", *sources, "--db", db, "--json"))
    assert first["tools_added"] >= 3 and first["tools_changed"] == 0

    run(runner, "classify", "--db", db)
    stats = json.loads(run(runner, "stats", "--db", db, "--json"))
    assert stats["tools_classified"] == stats["tools"] >= 3
    assert stats["tools_by_risk"].get("Critical", 0) >= 2  # delete_note and run_query

    site, policies = tmp_path / "site", tmp_path / "policies"
    run(runner, "build", "--db", db, "--out", str(site), "--policies", str(policies))
    schema = json.loads((Path(publisher.policy.__file__).parent / "schemas/gateway-policy.schema.json").read_text())
    generated = sorted(policies.rglob("policy.json"))
    assert generated, "no policy.json written"
    for path in generated:
        jsonschema.validate(json.loads(path.read_text()), schema)
    for path in sorted(policies.rglob("intercept.yaml")):
        assert validate_intercept_text(path.read_text()) == [], path
    pages = [p for p in site.rglob("*.html") if "list_notes" in str(p) or "list-notes" in str(p)]
    assert pages, "no page for list_notes"
    html = pages[0].read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    again = json.loads(run(runner, "crawl", *sources, "--db", db, "--json"))
    assert (again["tools_added"], again["tools_changed"], again["tools_removed"]) == (0, 0, 0)

    server_py = notes / "server.py"
    server_py.write_text(server_py.read_text().replace("Delete a note permanently.", "Delete a note forever."))
    third = json.loads(run(runner, "crawl", *sources, "--db", db, "--json"))
    assert (third["tools_added"], third["tools_changed"], third["tools_removed"]) == (0, 1, 0)
