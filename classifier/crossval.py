"""Cross-validation by server: how the classifier does on servers it has never seen (``mcp-catalog eval --cv``).

Why: the dev gold set was looked at while the rules were written, so its figures flatter the classifier; the
hidden test set is drawn from other servers. Here the crawled training tools are split into folds by server
(every tool of a package lands in the same fold), the learned models are refitted on the other folds plus the
written examples, and the held-out servers are classified with the rules unchanged. Three views tell which part
carries what:

- ``combined``: rules and models together, exactly as ``classify`` decides;
- ``rules``: the rules alone (no model: weak signals and annotations decide what no strong rule does);
- ``model``: the learned models alone (category = the model's most probable class, capabilities = each
  capability model's probability >= 0.5), risk derived from those by the rubric.

Each view is reported with the metrics of ``classifier.evaluate`` (the same figures as ``eval --gold``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from catalog.taxonomy import risk_for
from classifier.capability_train import CAPABILITY_C, CAPABILITY_CLASSES, MIN_POSITIVES, label_matrix
from classifier.engine import classify_features
from classifier.evaluate import evaluate
from classifier.features import extract_features
from classifier.model import CategoryModel
from classifier.train import fit_model
from classifier.training import Example, load_training

VIEWS = ("combined", "rules", "model")
MODEL_ONLY_THRESHOLD = 0.5


def gold_row(example: Example) -> dict[str, Any]:
    """A training example as a gold row (risk derived from its labels by the rubric)."""
    return {
        "server": example.server,
        "tool": example.tool["name"],
        "category": example.category,
        "risk": risk_for(example.category, example.capabilities).value,
        "capabilities": list(example.capabilities),
    }


def split_by_server(examples: Sequence[Example], folds: int) -> list[np.ndarray]:
    """Indices of the held-out examples of each fold: only examples with a server, each server in one fold.

    Written examples (no server) are never held out: they are always part of the training side.
    """
    served = np.array([i for i, e in enumerate(examples) if e.server])
    if served.size == 0:
        raise ValueError("no training example names its server ('# server:' lines): nothing to hold out")
    groups = [examples[i].server for i in served]
    n_groups = len(set(groups))
    if n_groups < folds:
        raise ValueError(f"{folds} folds need at least {folds} servers; the training data has {n_groups}")
    return [served[test] for _, test in GroupKFold(n_splits=folds).split(served, groups=groups)]


def _model_only(
    model: CategoryModel, train: Sequence[Example], test_features: list, train_features: list
) -> list[dict[str, Any]]:
    """Predictions of the learned models alone: the category model's argmax, per-capability regressions."""
    test_matrix = model.matrix(test_features)
    categories = [model.classes[int(i)] for i in np.asarray(model.proba_of(test_matrix)).argmax(axis=1)]
    train_matrix = model.matrix(train_features)
    gold = label_matrix([e.capabilities for e in train], CAPABILITY_CLASSES)
    caps = np.zeros((len(test_features), len(CAPABILITY_CLASSES)), dtype=bool)
    for k in range(len(CAPABILITY_CLASSES)):
        if gold[:, k].sum() < MIN_POSITIVES or gold[:, k].all():
            continue
        clf = LogisticRegression(C=CAPABILITY_C, solver="liblinear", max_iter=2000).fit(train_matrix, gold[:, k])
        caps[:, k] = clf.predict_proba(test_matrix)[:, 1] >= MODEL_ONLY_THRESHOLD
    out = []
    for category, row in zip(categories, caps, strict=True):
        names = [c for c, on in zip(CAPABILITY_CLASSES, row, strict=True) if on]
        out.append({"category": category, "risk": risk_for(category, names).value, "capabilities": names})
    return out


def cross_validate_by_server(
    examples: Sequence[Example] | None = None,
    folds: int = 5,
    *,
    worst: int = 15,
    keep_predictions: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Out-of-fold metrics of the three views over the crawled examples, folds grouped by server."""
    if examples is None:
        examples = load_training()[1]
    examples = list(examples)
    held_out = split_by_server(examples, folds)
    predictions: dict[str, list[dict[str, Any] | None]] = {v: [None] * len(examples) for v in VIEWS}
    for k, test_idx in enumerate(held_out):
        test_set = set(test_idx.tolist())
        train = [e for i, e in enumerate(examples) if i not in test_set]
        model = CategoryModel.from_json(fit_model(train, capability_cv=False))
        test_features = [extract_features(examples[i].tool) for i in test_idx]
        views = {
            "combined": classify_features(test_features, model),
            "rules": classify_features(test_features, None, use_model=False),
            "model": _model_only(model, train, test_features, [extract_features(e.tool) for e in train]),
        }
        for view, preds in views.items():
            for i, p in zip(test_idx, preds, strict=True):
                predictions[view][i] = p
        if progress is not None:
            progress(k + 1, folds)
    scored = [i for i in range(len(examples)) if predictions["combined"][i] is not None]
    gold = [gold_row(examples[i]) for i in scored]
    report: dict[str, Any] = {
        "folds": folds,
        "servers": len({examples[i].server for i in scored}),
        "tools": len(scored),
        "training_only": len(examples) - len(scored),
    }
    for view in VIEWS:
        preds = [predictions[view][i] for i in scored]
        report[view] = evaluate(gold, preds, worst=worst)  # type: ignore[arg-type]
    if keep_predictions:  # every held-out tool with its gold labels and each view's answer, for reading errors
        report["predictions"] = [
            {
                **g,
                "description": examples[i].tool.get("description", ""),
                **{v: _brief(predictions[v][i]) for v in VIEWS},
            }
            for g, i in zip(gold, scored, strict=True)
        ]
    return report


def _brief(prediction: dict[str, Any] | None) -> dict[str, Any]:
    p = prediction or {}
    return {k: p[k] for k in ("category", "risk", "capabilities", "rationale") if k in p}


def summary_line(metrics: dict[str, Any]) -> dict[str, float]:
    """The six target figures of one evaluation report."""
    return {
        "category_accuracy": metrics["category"]["accuracy"],
        "category_macro_f1": metrics["category"]["macro_f1"],
        "risk_accuracy": metrics["risk"]["accuracy"],
        "critical_recall": metrics["risk"]["critical_recall"],
        "critical_precision": metrics["risk"]["critical_precision"],
        "capability_micro_f1": metrics["capabilities"]["micro_f1"],
    }
