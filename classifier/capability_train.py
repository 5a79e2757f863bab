"""Fitting the capability model and measuring it against the rules: used by ``python -m classifier.train``.

One binary logistic regression per capability over the category model's TF-IDF matrix. Thresholds come from
out-of-fold probabilities on the training data (never the dev gold set): for each capability, the threshold
at which "rule fires OR p >= threshold" has the best F1, kept only when that beats the rules alone.
``cross_validate`` reports the honest figure: the outer folds' thresholds are picked on inner folds.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from catalog.taxonomy import Capability

CAPABILITY_C = 4.0
MIN_POSITIVES = 8  # fewer labelled examples than this: the rules decide the capability alone
MIN_GAIN = 0.02  # a threshold must beat the rules' F1 by this much on held-out folds (noise otherwise)
MIN_ADDED_PRECISION = 0.85  # held-out: the flags the model adds beyond the rules must be this often right
THRESHOLDS = np.round(np.arange(0.2, 0.96, 0.025), 3)
SEED = 7
MIN_WEIGHT = 0.02  # smaller coefficients are left out of the shipped JSON


def label_matrix(caps: list[tuple[str, ...] | set[str] | list[str]], classes: list[str]) -> np.ndarray:
    """(n_examples, n_capabilities) 0/1 matrix."""
    index = {c: k for k, c in enumerate(classes)}
    y = np.zeros((len(caps), len(classes)), dtype=bool)
    for i, row in enumerate(caps):
        for c in row:
            if c in index:
                y[i, index[c]] = True
    return y


def _f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = int(np.sum(pred & gold))
    denom = int(np.sum(pred)) + int(np.sum(gold))
    return 2 * tp / denom if denom else 0.0


def _fit_one(X: csr_matrix, y: np.ndarray) -> LogisticRegression | None:
    if y.sum() < MIN_POSITIVES or y.all():
        return None
    model = LogisticRegression(C=CAPABILITY_C, solver="liblinear", max_iter=2000).fit(X, y)
    # Held-out folds, thresholds and the shipped JSON all see the same pruned weights.
    model.coef_[np.abs(model.coef_) < MIN_WEIGHT] = 0.0
    return model


def _proba(models: list[LogisticRegression | None], X: csr_matrix) -> np.ndarray:
    out = np.zeros((X.shape[0], len(models)))
    for k, m in enumerate(models):
        if m is not None:
            out[:, k] = m.predict_proba(X)[:, 1]
    return out


def out_of_fold(X: csr_matrix, Y: np.ndarray, folds: int = 5, seed: int = SEED) -> np.ndarray:
    """Held-out probabilities for every example and capability."""
    out = np.zeros(Y.shape)
    for train_idx, test_idx in KFold(n_splits=folds, shuffle=True, random_state=seed).split(X):
        models = [_fit_one(X[train_idx], Y[train_idx, k]) for k in range(Y.shape[1])]
        out[test_idx] = _proba(models, X[test_idx])
    return out


def choose_thresholds(proba: np.ndarray, rules: np.ndarray, gold: np.ndarray) -> list[float | None]:
    """Per capability, the threshold with the best combined F1, or None when the rules alone do as well."""
    chosen: list[float | None] = []
    for k in range(gold.shape[1]):
        base = _f1(rules[:, k], gold[:, k])
        best_t, best_f1 = None, base + MIN_GAIN
        if proba[:, k].any():
            for t in THRESHOLDS:
                added = ~rules[:, k] & (proba[:, k] >= t)
                if added.any() and np.mean(gold[added, k]) < MIN_ADDED_PRECISION:
                    continue
                f1 = _f1(rules[:, k] | added, gold[:, k])
                if f1 > best_f1:
                    best_t, best_f1 = float(t), f1
        chosen.append(best_t)
    return chosen


def combine(proba: np.ndarray, rules: np.ndarray, thresholds: list[float | None]) -> np.ndarray:
    limits = np.array([np.inf if t is None else t for t in thresholds])
    return rules | (proba >= limits)


def _sparse(coef: np.ndarray) -> list[list[float]]:
    """[[index, weight], ...] for the weights that matter: tiny ones change no decision but fill the file."""
    keep = np.nonzero(np.abs(coef) >= MIN_WEIGHT)[0]
    return [[int(j), round(float(coef[j]), 4)] for j in keep]


def fit_capabilities(X: csr_matrix, rules: np.ndarray, gold: np.ndarray, classes: list[str]) -> dict:
    """The ``capabilities`` section of the model JSON: coefficients, intercepts and CV-chosen thresholds."""
    thresholds = choose_thresholds(out_of_fold(X, gold), rules, gold)
    # Only the capabilities where the model helped are shipped: the others are the rules' alone.
    active = [k for k, t in enumerate(thresholds) if t is not None]
    models = [_fit_one(X, gold[:, k]) for k in active]
    return {
        "classes": [classes[k] for k in active],
        "coef": [_sparse(m.coef_[0]) for m in models if m is not None],
        "intercept": [round(float(m.intercept_[0]), 4) for m in models if m is not None],
        "thresholds": [thresholds[k] for k in active],
        "meta": {
            "C": CAPABILITY_C,
            "positives": {c: int(gold[:, k].sum()) for k, c in enumerate(classes)},
            "rules_only": [classes[k] for k, t in enumerate(thresholds) if t is None],
        },
    }


def _scores(pred: np.ndarray, gold: np.ndarray, classes: list[str]) -> dict:
    per = {c: round(_f1(pred[:, k], gold[:, k]), 4) for k, c in enumerate(classes)}
    return {"micro_f1": round(_f1(pred.ravel(), gold.ravel()), 4), "per_capability": per}


def cross_validate(
    X: csr_matrix,
    rules: np.ndarray,
    gold: np.ndarray,
    classes: list[str],
    folds: int = 5,
    shipped: set[str] | None = None,
) -> dict:
    """Rules alone vs rules + model on held-out folds, thresholds picked on each outer training split only.

    ``shipped``: the capabilities the artifact ships a model for (the others are the rules' alone there too).
    """
    combined = np.zeros(gold.shape, dtype=bool)
    for train_idx, test_idx in KFold(n_splits=folds, shuffle=True, random_state=SEED + 1).split(X):
        Xt, Yt = X[train_idx], gold[train_idx]
        thresholds = choose_thresholds(out_of_fold(Xt, Yt, folds=3), rules[train_idx], Yt)
        if shipped is not None:
            thresholds = [t if c in shipped else None for t, c in zip(thresholds, classes, strict=True)]
        models = [_fit_one(Xt, Yt[:, k]) for k in range(gold.shape[1])]
        combined[test_idx] = combine(_proba(models, X[test_idx]), rules[test_idx], thresholds)
    return {"rules": _scores(rules, gold, classes), "combined": _scores(combined, gold, classes), "folds": folds}


def drop_cv_losses(section: dict, X: csr_matrix, rules: np.ndarray, gold: np.ndarray, classes: list[str]) -> dict:
    """Cross-validate the shipped capability models; leave out any that lost to the rules on the outer folds.

    Why: the thresholds are chosen on one set of folds; a capability whose gain there was noise can lose on
    the nested cross-validation, and a model that loses to the rules must not ship. The section's
    ``cross_validation`` is measured again for what finally ships.
    """
    shipped = set(section["classes"])
    cv = cross_validate(X, rules, gold, classes, shipped=shipped)
    losses = cv_losses(cv, section["classes"])
    if losses:
        section = without_classes(section, losses, classes)
        cv = cross_validate(X, rules, gold, classes, shipped=shipped - set(losses))
    section["meta"]["cross_validation"] = cv
    return section


def cv_losses(cv: dict, shipped: list[str]) -> list[str]:
    """The shipped capabilities whose rules + model F1 fell below the rules' own on the outer folds."""
    return [c for c in shipped if cv["combined"]["per_capability"][c] < cv["rules"]["per_capability"][c]]


def without_classes(section: dict, losses: list[str], classes: list[str]) -> dict:
    """The capability section with the models of `losses` left out (the rules alone name those)."""
    keep = [i for i, c in enumerate(section["classes"]) if c not in losses]
    out = {key: [section[key][i] for i in keep] for key in ("classes", "coef", "intercept", "thresholds")}
    meta = dict(section["meta"])
    meta["rules_only"] = sorted(set(meta["rules_only"]) | set(losses), key=classes.index)
    meta["dropped_after_cross_validation"] = list(losses)
    return {**section, **out, "meta": meta}


CAPABILITY_CLASSES = [c.value for c in Capability]
