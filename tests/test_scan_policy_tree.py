"""`mcp-catalog policy --check-all`: every file of a recommended_policies folder validates, for the scan
fixtures and (marked slow, when MCP_CATALOG_QUICKSTART_DB names one) for the whole real quickstart catalog."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.cli import app
from publisher.policy.check_tree import check_tree
from publisher.scan.runner import write_scan_policies
from tests.test_scan import scan_files

runner = CliRunner()
PER_SERVER = 15  # 3 presets x 5 formats


@pytest.fixture
def written(tmp_path: Path) -> Path:
    report = scan_files("tools-mail.json", "tools-web.json", "claude_desktop_config.json")
    write_scan_policies(report, tmp_path / "pol")
    return tmp_path / "pol"


def test_every_file_the_scan_writes_validates(written: Path) -> None:
    result = check_tree(written)
    assert result.ok, result.failures
    assert result.servers == 2 and result.files == 2 * PER_SERVER + 2  # + index.json + the JSON Schema
    assert {k: v["files"] for k, v in result.by_format.items()} == {
        "cedar": 6,
        "claude-code.json": 6,
        "disabled-tools.json": 6,
        "intercept.yaml": 6,
        "policy.json": 6,
        "index.json": 1,
        "json-schema": 1,
    }


def test_broken_missing_and_unlisted_files_are_each_reported(written: Path) -> None:
    yaml_file = written / "tools-web/strict/intercept.yaml"
    yaml_file.write_text(yaml_file.read_text("utf-8").replace('action: "deny"', 'action: "bogus_action"', 1), "utf-8")
    (written / "tools-mail/permissive/policy.cedar").unlink()
    (written / "tools-mail/extra").mkdir()
    (written / "tools-mail/extra/policy.json").write_text('{"version": 1}', "utf-8")
    (written / "tools-web/recommended/claude-code.json").write_bytes(b"\xff\xfe")
    result = check_tree(written)
    by_file = {f["file"]: f["errors"] for f in result.failures}
    assert set(by_file) == {
        "tools-web/strict/intercept.yaml",
        "tools-mail/permissive/policy.cedar",
        "tools-mail/extra/policy.json",
        "tools-web/recommended/claude-code.json",
    }
    assert any("bogus_" in e for e in by_file["tools-web/strict/intercept.yaml"])
    assert by_file["tools-mail/permissive/policy.cedar"] == ["listed in index.json but missing"]
    assert "not listed in index.json" in by_file["tools-mail/extra/policy.json"]
    assert "not UTF-8" in by_file["tools-web/recommended/claude-code.json"][0]
    assert result.by_format["intercept.yaml"]["invalid"] == 1


def test_index_that_points_outside_or_is_missing(tmp_path: Path, written: Path) -> None:
    index = json.loads((written / "index.json").read_text("utf-8"))
    index["servers"]["tools-web"]["files"]["strict"]["cedar"] = "../../etc/passwd"
    (written / "index.json").write_text(json.dumps(index), "utf-8")
    errors = {f["file"]: f["errors"] for f in check_tree(written).failures}
    assert "points outside the folder" in errors["index.json"][0]
    (tmp_path / "empty").mkdir()
    assert check_tree(tmp_path / "empty").failures[0]["file"] == "index.json"


def test_cli_check_all_json_and_exit_codes(written: Path) -> None:
    ok = runner.invoke(app, ["policy", "--check-all", str(written), "--json"])
    assert ok.exit_code == 0, ok.output
    doc = json.loads(ok.stdout)
    assert doc["ok"] is True and doc["files"] == doc["valid"] == 2 * PER_SERVER + 2
    (written / "tools-web/strict/policy.json").write_text("{", "utf-8")
    bad = runner.invoke(app, ["policy", "--check-all", str(written), "--json"])
    assert bad.exit_code == 1
    assert json.loads(bad.stdout)["failures"][0]["file"] == "tools-web/strict/policy.json"
    plain = runner.invoke(app, ["policy", "--check-all", str(written)])
    assert plain.exit_code == 1 and "1 invalid" in plain.output and "not valid JSON" in plain.output
    missing = runner.invoke(app, ["policy", "--check-all", str(written / "nope")])
    assert missing.exit_code == 2 and "no such folder" in missing.output


@pytest.mark.slow
def test_the_real_quickstart_catalog_validates_everywhere(tmp_path: Path) -> None:
    """Set MCP_CATALOG_QUICKSTART_DB to the catalog.db `mcp-catalog quickstart` wrote (never in CI: it needs
    the registries). Every server's policies are rewritten from it and every file is validated."""
    db = os.environ.get("MCP_CATALOG_QUICKSTART_DB")
    if not db or not Path(db).is_file():
        pytest.skip("MCP_CATALOG_QUICKSTART_DB does not name a quickstart catalog.db")
    from catalog.cli.common import catalog_for, settings_for
    from publisher.policy.writer import write_all_policies

    settings = settings_for(db)
    with catalog_for(settings) as cat, cat.session() as session:
        summary = write_all_policies(session, settings, tmp_path / "pol", validate=True)
    assert summary["invalid"] == []
    result = check_tree(tmp_path / "pol")
    assert result.ok, result.failures[:5]
    assert result.servers >= 20 and result.files == result.servers * PER_SERVER + 2
