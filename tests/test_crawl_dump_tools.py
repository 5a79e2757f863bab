"""Two dump entries that merge into one server must not replace each other's tool lists on every crawl:
an unchanged world records no tool change."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from catalog.cli import app


def _manifest(name: str, tools: list[str]) -> dict:
    return {
        "name": name,
        "display_name": name.title(),
        "description": "Notes server.",
        "repository": {"type": "git", "url": "https://github.com/example-org/notes-mcp"},
        "license": "MIT",
        "categories": ["Productivity"],
        "installations": {},
        "tools": [
            {"name": t, "description": f"{t} a note.", "inputSchema": {"type": "object", "properties": {}}}
            for t in tools
        ],
    }


def test_two_dump_sightings_of_one_server_are_stable(tmp_path: Path) -> None:
    servers = tmp_path / "mcpm" / "servers"
    servers.mkdir(parents=True)
    (servers / "notes.json").write_text(json.dumps(_manifest("notes", ["create_note", "delete_note"])))
    (servers / "notes-fork.json").write_text(json.dumps(_manifest("notes-fork", ["list_notes"])))
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    results = []
    for _ in range(2):
        out = runner.invoke(
            app, ["crawl", "--discover-only", "--source", f"mcpm:{tmp_path / 'mcpm'}", "--db", db, "--json"]
        )
        assert out.exit_code == 0, out.output
        results.append(json.loads(out.stdout))
    first, second = results
    assert first["tools_removed"] == 0 and first["tools_added"] in (1, 2)
    assert (second["tools_added"], second["tools_changed"], second["tools_removed"]) == (0, 0, 0)
