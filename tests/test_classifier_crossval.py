"""Cross-validation by server (``eval --cv``) and the ``# server:`` lines of the training files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.cli import app
from classifier.crossval import cross_validate_by_server, gold_row, split_by_server, summary_line
from classifier.training import load_training, parse_training, server_name

WRITTEN = """# rubric_version: 1
Read | - | get_user | Get a user. | id:string
Write | - | create_item | Create an item. | name:string
"""


def _server_block(server: str, noun: str) -> str:
    return (
        f"# server: npm:{server}\n"
        f"Read | - | get_{noun} | Get one {noun} by id. | id:string\n"
        f"Read | - | list_{noun}s | List {noun}s. | limit:integer\n"
        f"Write | - | create_{noun} | Create a {noun}. | name:string\n"
        f"Write | - | update_{noun} | Update a {noun}. | id:string, name:string\n"
        f"Destructive | - | delete_{noun} | Delete a {noun} permanently. | id:string\n"
        f"Execute | code_execution | run_{noun}_script | Run a script against the {noun} store. | code:string\n"
    )


NOUNS = ("widget", "ticket", "folder", "bucket", "note", "page")
TEXT = WRITTEN + "".join(_server_block(f"srv-{n}", n) for n in NOUNS)


def test_server_lines_name_the_server_of_the_examples_below_them() -> None:
    _, examples = parse_training(TEXT, "t.txt")
    assert [e.server for e in examples[:3]] == ["", "", "npm:srv-widget"]
    assert "server" not in examples[0].tool
    assert examples[2].tool["server"] == "srv-widget"  # the classifier sees the package name, not the registry
    assert examples[-1].server == "npm:srv-page"
    assert server_name("npm:@scope/pkg") == "@scope/pkg"
    assert server_name("plain") == "plain"


def test_committed_crawled_examples_all_name_their_server() -> None:
    _, examples = load_training()
    crawled = [e for e in examples if e.source.endswith("training_crawled.txt")]
    assert crawled and all(e.server for e in crawled)
    assert len({e.server for e in crawled}) >= 100


def test_folds_keep_each_server_whole_and_never_hold_out_written_examples() -> None:
    _, examples = parse_training(TEXT, "t.txt")
    folds = split_by_server(examples, 3)
    held = [i for fold in folds for i in fold.tolist()]
    assert sorted(held) == list(range(2, len(examples)))  # every served example once, written ones never
    for fold in folds:
        servers = {examples[i].server for i in fold}
        others = {examples[i].server for f in folds if f is not fold for i in f}
        assert servers and not servers & others


def test_too_few_servers_for_the_folds_is_a_clear_error() -> None:
    _, examples = parse_training(TEXT, "t.txt")
    with pytest.raises(ValueError, match="at least 7 servers"):
        split_by_server(examples, 7)
    _, written = parse_training(WRITTEN, "t.txt")
    with pytest.raises(ValueError, match="server"):
        split_by_server(written, 2)


def test_gold_rows_derive_risk_from_the_labels_by_the_rubric() -> None:
    _, examples = parse_training(TEXT, "t.txt")
    rows = {r["tool"]: r for r in map(gold_row, examples)}
    assert rows["get_widget"]["risk"] == "Low"
    assert rows["create_widget"]["risk"] == "Medium"
    assert rows["delete_widget"]["risk"] == "Critical"
    assert rows["run_widget_script"]["risk"] == "Critical"


def test_cross_validation_reports_every_view_on_held_out_servers() -> None:
    _, examples = parse_training(TEXT, "t.txt")
    done: list[int] = []
    report = cross_validate_by_server(examples, folds=3, keep_predictions=True, progress=lambda d, t: done.append(d))
    assert done == [1, 2, 3]
    assert report["tools"] == len(examples) - 2 and report["servers"] == len(NOUNS)
    assert report["training_only"] == 2
    for view in ("combined", "rules", "model"):
        figures = summary_line(report[view])
        assert set(figures) >= {"category_accuracy", "risk_accuracy", "capability_micro_f1"}
        assert all(0.0 <= v <= 1.0 for v in figures.values())
    # The verbs of these names are unambiguous: the rules get them all right on unseen servers.
    assert report["rules"]["category"]["accuracy"] == 1.0
    rows = {(p["server"], p["tool"]): p for p in report["predictions"]}
    assert rows[("npm:srv-note", "delete_note")]["combined"]["category"] == "Destructive"


def test_eval_without_gold_or_cv_is_refused_with_a_message() -> None:
    result = CliRunner().invoke(app, ["eval"])
    assert result.exit_code != 0
    assert "--gold" in result.output and "--cv" in result.output


def test_eval_cv_json_runs_on_the_cli(tmp_path: Path) -> None:
    data = tmp_path / "training.txt"
    data.write_text(TEXT)
    result = CliRunner().invoke(app, ["eval", "--cv", "--folds", "2", "--training", str(data), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["folds"] == 2 and report["servers"] == len(NOUNS)
    assert {"combined", "rules", "model"} <= set(report)
    missing = CliRunner().invoke(app, ["eval", "--cv", "--training", str(tmp_path / "nope.txt")])
    assert missing.exit_code != 0 and "no such training file" in missing.output
