"""The learned capability model: threshold choice on held-out data, the shipped artifact, and its evidence."""

from __future__ import annotations

import json

import numpy as np

from classifier.capability_train import choose_thresholds, combine, cv_losses, label_matrix, without_classes
from classifier.engine import classify_features
from classifier.features import extract_features
from classifier.model import MODEL_PATH, CategoryModel, load_model


def test_label_matrix_marks_known_capabilities_only() -> None:
    y = label_matrix([("filesystem",), (), ("infrastructure", "bogus")], ["filesystem", "infrastructure"])
    assert y.tolist() == [[True, False], [False, False], [False, True]]


def test_threshold_kept_only_where_the_model_beats_the_rules() -> None:
    gold = np.array([[1, 1], [1, 0], [1, 1], [0, 0], [0, 0], [1, 0]], dtype=bool)
    rules = np.array([[1, 1], [0, 0], [0, 1], [0, 0], [0, 0], [0, 0]], dtype=bool)
    # Capability 0: the model finds the positives the rules miss. Capability 1: the rules are perfect.
    proba = np.array([[0.9, 0.9], [0.8, 0.9], [0.85, 0.9], [0.1, 0.9], [0.05, 0.1], [0.7, 0.9]])
    thresholds = choose_thresholds(proba, rules, gold)
    assert thresholds[0] is not None and 0.1 < thresholds[0] <= 0.7
    assert thresholds[1] is None
    assert combine(proba, rules, thresholds)[:, 0].tolist() == gold[:, 0].tolist()
    assert combine(proba, rules, thresholds)[:, 1].tolist() == rules[:, 1].tolist()


def test_a_capability_model_that_loses_in_nested_cross_validation_is_not_shipped() -> None:
    cv = {
        "rules": {"per_capability": {"secrets": 0.82, "infrastructure": 0.78, "filesystem": 0.70}},
        "combined": {"per_capability": {"secrets": 0.80, "infrastructure": 0.81, "filesystem": 0.70}},
    }
    assert cv_losses(cv, ["secrets", "infrastructure"]) == ["secrets"]
    section = {
        "classes": ["secrets", "infrastructure"],
        "coef": [[[0, 1.0]], [[1, 2.0]]],
        "intercept": [-1.0, -2.0],
        "thresholds": [0.2, 0.3],
        "meta": {"rules_only": ["filesystem"]},
    }
    kept = without_classes(section, ["secrets"], ["secrets", "filesystem", "infrastructure"])
    assert kept["classes"] == ["infrastructure"] and kept["coef"] == [[[1, 2.0]]]
    assert kept["intercept"] == [-2.0] and kept["thresholds"] == [0.3]
    assert kept["meta"]["rules_only"] == ["secrets", "filesystem"]
    assert kept["meta"]["dropped_after_cross_validation"] == ["secrets"]
    assert section["classes"] == ["secrets", "infrastructure"]  # the input is left as it was


def test_shipped_capability_model_beat_the_rules_in_cross_validation() -> None:
    data = json.loads(MODEL_PATH.read_text())
    section = data["capabilities"]
    cv = section["meta"]["cross_validation"]
    # Per capability the model had to beat the rules by MIN_GAIN on inner folds and must not lose on the outer
    # ones; overall it may never cost F1. As the rules improved the margin shrank (0.019, then 0.001), and with
    # the rules of the fresh held-out work no capability model beats them: the rules then name every capability.
    assert cv["combined"]["micro_f1"] >= cv["rules"]["micro_f1"]
    assert all(0 < t < 1 for t in section["thresholds"])
    for cap in section["classes"]:  # shipped only where held-out folds showed a gain; never a loss here
        assert cv["combined"]["per_capability"][cap] >= cv["rules"]["per_capability"][cap]
    assert set(section["classes"]).isdisjoint(section["meta"]["rules_only"])
    model = load_model()
    assert model is not None and model.capability is not None
    assert model.capability.active == bool(section["classes"])


def _tiny_model() -> CategoryModel:
    """Two features; the capability model says infrastructure when the name holds "stack"."""
    return CategoryModel.from_json(
        {
            "version": "t",
            "classes": ["Read", "Write"],
            "features": ["n:stack", "n:widget"],
            "idf": [1.0, 1.0],
            "coef": [[0.0, 0.0], [0.0, 0.0]],
            "intercept": [0.0, 0.0],
            "capabilities": {
                "classes": ["infrastructure"],
                "coef": [[[0, 8.0]]],
                "intercept": [-3.0],
                "thresholds": [0.5],
            },
        }
    )


def test_model_capability_is_added_with_its_evidence() -> None:
    model = _tiny_model()
    stack, widget = classify_features(
        [extract_features({"name": "create_stack"}), extract_features({"name": "create_widget"})], model
    )
    assert "infrastructure" in stack["capabilities"]
    evidence = [e for e in stack["evidence"] if e["supports"] == "infrastructure"]
    assert evidence == [
        {"source": "model", "rule": "capability_model", "signal": evidence[0]["signal"], "supports": "infrastructure"}
    ]
    assert evidence[0]["signal"].startswith("stack (p=0.99")
    assert stack["risk"] == "High"  # infrastructure raises a Write tool's risk through the rubric's table
    assert "infrastructure" not in widget["capabilities"]
    assert widget["risk"] == "Medium"


def test_a_rule_capability_is_not_reported_twice() -> None:
    model = _tiny_model()
    (result,) = classify_features(
        [extract_features({"name": "create_stack", "description": "Create a CloudFormation stack on AWS."})], model
    )
    sources = [e["source"] for e in result["evidence"] if e["supports"] == "infrastructure"]
    assert "rule" in sources and "model" not in sources
