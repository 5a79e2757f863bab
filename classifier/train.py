"""Fit the category and capability models from the committed training examples: ``python -m classifier.train``.

TF-IDF (sublinear tf, l2) over the tokens of ``features.model_tokens`` and a multinomial logistic regression,
then two calibrations measured on held-out folds: a temperature for the model's probabilities, and how often
rule decisions are right when the model agrees or disagrees (the confidence of rule decisions). The
capability model (``classifier.capability_train``) shares the TF-IDF features. Everything is written as JSON coefficients (``classifier/data/model.json``), deterministic for the same training file.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from catalog.taxonomy import TAXONOMY_VERSION, pick_category
from classifier.capability_train import CAPABILITY_CLASSES, drop_cv_losses, fit_capabilities, label_matrix
from classifier.engine import CAPABILITIES, CATEGORIES
from classifier.features import extract_features, model_tokens
from classifier.model import MODEL_PATH, CategoryModel
from classifier.rules import run_rules
from classifier.training import Example, load_training, training_digest

MODEL_VERSION = "1"
C = 8.0


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def _fit_temperature(scores: np.ndarray, labels: np.ndarray) -> float:
    """The temperature minimising held-out negative log-likelihood (a 1-D grid search is plenty)."""
    best_t, best_nll = 1.0, math.inf
    for t in np.linspace(0.3, 4.0, 75):
        z = scores / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        nll = -logp[np.arange(len(labels)), labels].mean()
        if nll < best_nll:
            best_t, best_nll = float(t), float(nll)
    return best_t


def _rule_accuracy(features: list, gold: list[str]) -> dict[str, float]:
    """How often each rule's category decisions are right on the labelled examples (Laplace-smoothed).

    Rules are not fitted to these examples, so this is an honest estimate of each rule's precision; it
    becomes the confidence of the decisions that rule makes.
    """
    counts: dict[str, list[int]] = {}
    for f, label in zip(features, gold, strict=True):
        strong = [s for s in run_rules(f) if s.strong and s.supports in CATEGORIES]
        if not strong:
            continue
        category = pick_category(s.supports for s in strong).value
        for rule in {s.rule for s in strong if s.supports == category}:
            right_total = counts.setdefault(rule, [0, 0])
            right_total[0] += category == label
            right_total[1] += 1
    return {rule: round((right + 1) / (total + 2), 3) for rule, (right, total) in sorted(counts.items())}


def fit_model(examples: list[Example], *, capability_cv: bool = True, capabilities: bool = True) -> dict:
    """The model JSON (as a dict) fitted to ``examples``: category model, calibrations, capability model.

    ``capability_cv`` also measures the capability model against the rules by nested cross-validation (slow;
    cross-validation by server, ``classifier.crossval``, calls this once per fold and leaves it out).
    """
    features = [extract_features(e.tool) for e in examples]
    docs = [model_tokens(f) for f in features]
    y = np.array([e.category for e in examples])
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, lowercase=False)
    X = vectorizer.fit_transform(docs)
    clf = LogisticRegression(C=C, max_iter=5000)
    smallest = min(np.unique(y, return_counts=True)[1])
    if smallest < 2:
        raise ValueError("every category needs at least two training examples for held-out calibration")
    folds = StratifiedKFold(n_splits=min(5, int(smallest)), shuffle=True, random_state=7)
    held_out = cross_val_predict(clf, X, y, cv=folds, method="decision_function")
    clf.fit(X, y)
    classes = [str(c) for c in clf.classes_]
    coef, intercept = clf.coef_, clf.intercept_
    if len(classes) == 2:  # binary: sigmoid(s) is the softmax of (0, s)
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([[0.0], intercept])
        held_out = np.column_stack([np.zeros_like(held_out), held_out])
    labels = np.array([classes.index(c) for c in y])
    temperature = _fit_temperature(held_out, labels)
    model_pred = [classes[i] for i in held_out.argmax(axis=1)]
    rule_accuracy = _rule_accuracy(features, list(y))
    gold_caps = label_matrix([e.capabilities for e in examples], CAPABILITY_CLASSES)
    rule_caps = label_matrix(
        [{s.supports for s in run_rules(f) if s.supports in CAPABILITIES} for f in features], CAPABILITY_CLASSES
    )
    caps_model = fit_capabilities(X, rule_caps, gold_caps, CAPABILITY_CLASSES) if capabilities else None
    if caps_model is not None and capability_cv:
        caps_model = drop_cv_losses(caps_model, X, rule_caps, gold_caps, CAPABILITY_CLASSES)
    vocab = vectorizer.vocabulary_
    ordered = sorted(vocab, key=vocab.__getitem__)
    return {
        "version": MODEL_VERSION,
        "rubric_version": TAXONOMY_VERSION,
        "classes": classes,
        "features": ordered,
        "idf": [round(float(v), 6) for v in vectorizer.idf_],
        "coef": [[round(float(v), 5) for v in row] for row in coef],
        "intercept": [round(float(v), 5) for v in intercept],
        "temperature": round(temperature, 4),
        "rule_accuracy": rule_accuracy,
        **({"capabilities": caps_model} if caps_model is not None else {}),
        "meta": {
            "examples": len(examples),
            "held_out_accuracy": round(float(np.mean(np.array(model_pred) == y)), 4),
            "C": C,
        },
    }


def train(training_path: Path | None = None, out_path: Path = MODEL_PATH, *, capabilities: bool = True) -> dict:
    """Train, calibrate, write the model JSON; return a summary.

    ``capabilities`` also fits the capability model (and measures it against the rules by 5-fold
    cross-validation) and ships it in the same JSON; without it the rules alone name capabilities.
    """
    version, examples = load_training(training_path)
    data = fit_model(examples, capabilities=capabilities)
    data["rubric_version"] = version
    data["meta"]["training_sha256"] = training_digest((training_path,) if training_path is not None else None)
    caps_model = data.get("capabilities")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    CategoryModel.from_json(data)  # fail here, not at classification time, if the file is unusable
    return {
        "path": str(out_path),
        "bytes": out_path.stat().st_size,
        "features": len(data["features"]),
        **data["meta"],
        "temperature": data["temperature"],
        "rule_accuracy": data["rule_accuracy"],
        **(
            {
                "capabilities": {
                    "model": caps_model["classes"],
                    "thresholds": caps_model["thresholds"],
                    "rules_only": caps_model["meta"]["rules_only"],
                    "cross_validation": caps_model["meta"]["cross_validation"],
                }
            }
            if caps_model is not None
            else {}
        ),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m classifier.train", description="Train the category model. Example: python -m classifier.train"
    )
    parser.add_argument(
        "--data", type=Path, default=None, help="one training file (default: every committed training file)"
    )
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="where to write the model JSON")
    parser.add_argument(
        "--no-capabilities",
        action="store_true",
        help="leave the capability model out (the rules alone name capabilities)",
    )
    args = parser.parse_args(argv)
    print(json.dumps(train(args.data, args.out, capabilities=not args.no_capabilities), indent=2))


if __name__ == "__main__":
    main()
