"""The learned model: training data format, the shipped artifact, and retraining from a file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifier.features import extract_features
from classifier.model import MODEL_PATH, CategoryModel, load_model
from classifier.train import train
from classifier.training import TrainingDataError, load_training, parse_training, training_digest

SMALL = """# rubric_version: 1
Read | - | get_user | Get a user. | id:string
Read | - | list_items | List items. | limit:integer
Read | - | search_docs | Search docs. | query:string
Read | - | fetch_report | Fetch a report. | id:string
Read | - | show_status | Show the status. |
Write | - | create_item | Create an item. | name:string
Write | - | update_item | Update an item. | id:string
Write | - | add_tag | Add a tag. | tag:string
Write | - | rename_item | Rename an item. | name:string
Write | - | set_title | Set the title. | title:string
"""


def test_training_file_is_valid_and_records_the_rubric_version() -> None:
    version, examples = load_training()
    assert version == "1"
    assert len(examples) >= 250
    assert {e.category for e in examples} == {"Financial", "Destructive", "Execute", "Write", "Read"}


def test_shipped_model_matches_the_committed_training_data() -> None:
    data = json.loads(MODEL_PATH.read_text())
    digest = training_digest()
    assert data["meta"]["training_sha256"] == digest, "retrain: python -m classifier.train"
    assert data["rubric_version"] == "1"
    assert MODEL_PATH.stat().st_size < 4_500_000  # category + capability model


def test_shipped_model_predicts_sensible_probabilities() -> None:
    model = load_model()
    assert model is not None
    feats = [extract_features({"name": "delete_everything", "description": "Deletes all records permanently."})]
    proba = model.predict_proba(feats)[0]
    assert proba.sum() == pytest.approx(1.0)
    assert model.classes[int(proba.argmax())] == "Destructive"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Read | - | x | y\n", "rubric_version"),
        ("# rubric_version: 1\nRead | x | y\n", "expected 4 or 5"),
        ("# rubric_version: 1\nHarmless | - | x | y\n", "unknown category"),
        ("# rubric_version: 1\nRead | magic | x | y\n", "unknown capability"),
        ("# rubric_version: 9\nRead | - | x | y\n", "rubric version 9"),
    ],
)
def test_training_file_errors_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(TrainingDataError, match=message):
        parse_training(text, "t.txt")


def test_retraining_writes_a_loadable_model(tmp_path: Path) -> None:
    data = tmp_path / "train.txt"
    data.write_text(SMALL)
    out = tmp_path / "model.json"
    summary = train(data, out)
    assert summary["examples"] == 10
    model = CategoryModel.from_json(json.loads(out.read_text()))
    proba = model.predict_proba([extract_features({"name": "create_widget", "description": "Create a widget."})])
    assert model.classes[int(proba[0].argmax())] == "Write"
    assert model.temperature > 0
