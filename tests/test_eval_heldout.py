"""scripts/eval_heldout.py: a hand-labelled held-out set is joined with the extracted definitions and measured.

The held-out figures in the README come from this script, so it must keep the full description and input
schema of each labelled tool (not the work file's one-line copy), derive the risk from the rubric, skip tools
without a label, and refuse a missing work folder with exit code 2.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def _script(name: str):
    """A sibling script imported as a module (scripts/ is not a package; the scripts import each other so too)."""
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    return importlib.import_module(name)


def _work_folder(tmp_path: Path) -> tuple[Path, Path]:
    collect = _script("collect_training_tools")
    pkg = collect.Package("npm", "@acme/files-mcp")
    long_description = "Delete a file from the workspace.\n\nThe file is removed for good."
    tools = [
        {
            "name": "delete_file",
            "description": long_description,
            "input_schema": {"type": "object", "properties": {"path": {"type": "string"}}},
        },
        {"name": "list_files", "description": "List files.", "input_schema": {"type": "object", "properties": {}}},
    ]
    extracted = collect.extracted_path(tmp_path, pkg)
    extracted.parent.mkdir(parents=True)
    extracted.write_text(json.dumps({"tools": tools}), encoding="utf-8")
    rows = []
    for t in tools:
        key = collect.tool_key(t["name"], collect.one_line(t["description"]))
        rows.append(
            {
                "key": key,
                "registry": "npm",
                "package": "@acme/files-mcp",
                "name": t["name"],
                "description": collect.one_line(t["description"]),
            }
        )
    (tmp_path / "tools.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    labels = tmp_path / "labels.tsv"
    labels.write_text(f"{rows[0]['key']}\tDestructive\tfilesystem\n", encoding="utf-8")  # list_files unlabelled
    return tmp_path, labels


def test_gold_rows_keep_full_definitions_and_derive_risk(tmp_path: Path) -> None:
    cache, labels = _work_folder(tmp_path)
    heldout = _script("eval_heldout")
    rows = heldout.gold_rows(cache, heldout.parse_labels(labels.read_text(encoding="utf-8")))
    assert len(rows) == 1  # the unlabelled tool is not measured
    row = rows[0]
    assert row["server"] == "npm:@acme/files-mcp" and row["tool"] == "delete_file"
    assert row["description"].startswith("Delete a file from the workspace.\n\n")  # not the one-line copy
    assert row["input_schema"]["properties"] == {"path": {"type": "string"}}
    assert (row["category"], row["risk"], row["capabilities"]) == ("Destructive", "Critical", ["filesystem"])


def test_main_writes_gold_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache, labels = _work_folder(tmp_path)
    gold = tmp_path / "held.jsonl"
    heldout = _script("eval_heldout")
    assert heldout.main(["--cache", str(cache), "--labels", str(labels), "--write-gold", str(gold)]) == 0
    assert [json.loads(line)["tool"] for line in gold.read_text(encoding="utf-8").splitlines()] == ["delete_file"]
    assert "1 tools from 1 servers" in capsys.readouterr().out


def test_missing_work_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    heldout = _script("eval_heldout")
    labels = tmp_path / "labels.tsv"
    labels.write_text("", encoding="utf-8")
    assert heldout.main(["--cache", str(tmp_path / "nowhere"), "--labels", str(labels)]) == 2
    assert "run collect_training_tools.py extract" in capsys.readouterr().out
