"""The classify stage on a catalog (SQLite, and PostgreSQL when available) and the CLI wrappers."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import select
from typer.testing import CliRunner

from catalog.cli import app
from catalog.config import Settings
from catalog.db import Catalog
from catalog.models import Classification, Run, Server, Tool
from classifier import CLASSIFIER_VERSION, classify_catalog

FIXTURES = Path(__file__).parent / "fixtures" / "classifier"
runner = CliRunner()


def _seed(catalog: Catalog) -> None:
    with catalog.session() as s:
        server = Server(slug="files", name="files", description="Local file tools")
        s.add(server)
        s.commit()
        s.refresh(server)
        assert server.id is not None
        s.add(
            Tool(
                server_id=server.id,
                name="read_file",
                description="Read a file from disk.",
                input_schema={"type": "object", "properties": {"path": {"type": "string"}}},
                fingerprint="a" * 64,
            )
        )
        s.add(
            Tool(
                server_id=server.id,
                name="delete_file",
                description="Delete a file.",
                input_schema={"type": "object", "properties": {"path": {"type": "string"}}},
                annotations={"readOnlyHint": True},
                fingerprint="b" * 64,
            )
        )
        s.add(Tool(server_id=server.id, name="old_tool", description="Gone.", fingerprint="c" * 64, present=False))
        s.commit()


def test_stage_classifies_present_tools_once(catalog: Catalog) -> None:
    _seed(catalog)
    settings = Settings(db=catalog.url)
    with catalog.session() as s:
        first = classify_catalog(s, settings)
        assert first["classified"] == 2 and first["present_tools"] == 2
        assert first["by_category"]["Destructive"] == 1 and first["hint_mismatches"] == 1
        again = classify_catalog(s, settings)
        assert again["classified"] == 0 and again["unchanged"] == 2
        rows = {c.tool_id: c for c in s.exec(select(Classification)).all()}
        assert len(rows) == 2
        assert all(c.classifier_version == CLASSIFIER_VERSION for c in rows.values())
        deleting = s.exec(select(Tool).where(Tool.name == "delete_file")).one()
        assert rows[deleting.id].risk == "Critical"
        assert rows[deleting.id].hint_mismatches[0]["hint"] == "readOnlyHint"
        assert rows[deleting.id].evidence and rows[deleting.id].rationale
        # A changed definition (new fingerprint) is classified again, in place.
        deleting.fingerprint = "d" * 64
        deleting.description = "Move a file to the trash folder."
        s.add(deleting)
        s.commit()
        third = classify_catalog(s, settings)
        assert third["classified"] == 1
        assert len(s.exec(select(Classification)).all()) == 2
        seen: list[tuple[int, int]] = []
        forced = classify_catalog(s, settings, force=True, batch_size=1, progress=lambda d, t: seen.append((d, t)))
        assert forced["classified"] == 2 and seen == [(1, 2), (2, 2)]
        runs = s.exec(select(Run).where(Run.stage == "classify")).all()
        assert len(runs) == 4 and all(r.status == "ok" for r in runs)


def test_cli_classify_file_json() -> None:
    result = runner.invoke(app, ["classify", str(FIXTURES / "tools.json"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["name"] for d in data][:2] == ["listCharges", "d1_database_delete"]
    assert data[1]["category"] == "Destructive"


def test_cli_classify_file_table() -> None:
    result = runner.invoke(app, ["classify", str(FIXTURES / "tools.json")])
    assert result.exit_code == 0
    assert "d1_database_delete" in result.stdout and "hint mismatch" in result.stdout


def test_cli_classify_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = runner.invoke(app, ["classify", str(bad)])
    assert result.exit_code == 2 and "invalid JSON" in result.output
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"servers": []}))
    result = runner.invoke(app, ["classify", str(wrong)])
    assert result.exit_code == 2 and "expected a JSON list" in result.output
    items = tmp_path / "items.json"
    items.write_text(json.dumps(["read_file"]))
    result = runner.invoke(app, ["classify", str(items)])
    assert result.exit_code == 2 and "not a tool object" in result.output
    result = runner.invoke(app, ["classify", str(tmp_path / "missing.json")])
    assert result.exit_code == 2 and "no such file" in result.output


def test_cli_classify_catalog(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    catalog = Catalog(str(db))
    _seed(catalog)
    catalog.dispose()
    result = runner.invoke(app, ["classify", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["classified"] == 2
    result = runner.invoke(app, ["classify", "--db", str(db)])
    assert result.exit_code == 0 and "classified 0 of 2" in result.stdout


def test_cli_eval(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "--gold", str(FIXTURES / "gold.jsonl"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["tools"] == 5
    assert report["category"]["accuracy"] == 1.0
    result = runner.invoke(app, ["eval", "--gold", str(FIXTURES / "gold.jsonl")])
    assert "Critical recall" in result.stdout
    broken = tmp_path / "gold.jsonl"
    broken.write_text('{"tool": "x", "category": "Read"}\nnot json\n')
    result = runner.invoke(app, ["eval", "--gold", str(broken)])
    assert result.exit_code == 2 and ":2: invalid JSON" in result.output


def test_cli_bench_classify_reports_throughput() -> None:
    result = runner.invoke(app, ["bench", "classify", "-n", "300", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["tools"] == 300 and data["tools_per_second"] > 0
