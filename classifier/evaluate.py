"""Measuring the classifier against a gold file (taxonomy.md's format): the figures the targets are set in.

``evaluate`` is pure (gold rows and predictions in, metrics out) so tests can check each figure on a
hand-made case; ``load_gold`` reads the JSON Lines file with messages that name the bad line.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from catalog.taxonomy import CATEGORY_PRECEDENCE, RISK_ORDER, Capability

CATEGORY_LABELS = [c.value for c in CATEGORY_PRECEDENCE]
RISK_LABELS = [r.value for r in reversed(RISK_ORDER)]
CAPABILITY_LABELS = [c.value for c in Capability]


class GoldFileError(ValueError):
    """A gold file that cannot be read; the message says which line and what is wrong."""


def load_gold(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise GoldFileError(f"{path}: no such file")
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFileError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from exc
        if not isinstance(row, dict) or "category" not in row or not (row.get("tool") or row.get("name")):
            raise GoldFileError(f"{path}:{lineno}: expected an object with tool, category, risk, capabilities")
        rows.append(row)
    if not rows:
        raise GoldFileError(f"{path}: no gold rows")
    return rows


def gold_to_tool(row: dict[str, Any]) -> dict[str, Any]:
    """A gold row as the tools/list-shaped dict the classifier takes (labels left out)."""
    return {
        "name": row.get("tool") or row.get("name") or "",
        "description": row.get("description") or "",
        "inputSchema": row.get("input_schema") if row.get("input_schema") is not None else row.get("inputSchema"),
        "annotations": row.get("annotations") or {},
        "server": row.get("server") or "",
    }


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "support": tp + fn}


def _per_class(gold: list[str], pred: list[str], labels: list[str]) -> dict[str, dict[str, float]]:
    out = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        out[label] = _prf(tp, fp, fn)
    return out


def _confusion(gold: list[str], pred: list[str], labels: list[str]) -> dict[str, dict[str, int]]:
    counts = Counter(zip(gold, pred, strict=True))
    return {g: {p: counts.get((g, p), 0) for p in labels} for g in labels}


def evaluate(gold_rows: list[dict[str, Any]], predictions: list[dict[str, Any]], worst: int = 15) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class P/R, Critical P/R, per-capability F1 and micro-F1, confusions, worst errors."""
    if len(gold_rows) != len(predictions):
        raise ValueError("gold rows and predictions differ in length")
    n = len(gold_rows)
    g_cat = [r["category"] for r in gold_rows]
    p_cat = [p["category"] for p in predictions]
    g_risk = [r.get("risk", "") for r in gold_rows]
    p_risk = [p["risk"] for p in predictions]
    cat_classes = _per_class(g_cat, p_cat, CATEGORY_LABELS)
    present = [c for c in CATEGORY_LABELS if cat_classes[c]["support"] or any(p == c for p in p_cat)]
    macro_f1 = sum(cat_classes[c]["f1"] for c in present) / len(present) if present else 0.0
    risk_classes = _per_class(g_risk, p_risk, RISK_LABELS)
    cap_stats: dict[str, dict[str, float]] = {}
    tp_all = fp_all = fn_all = 0
    for cap in CAPABILITY_LABELS:
        tp = fp = fn = 0
        for r, p in zip(gold_rows, predictions, strict=True):
            g_has = cap in (r.get("capabilities") or [])
            p_has = cap in p["capabilities"]
            tp += g_has and p_has
            fp += p_has and not g_has
            fn += g_has and not p_has
        cap_stats[cap] = _prf(tp, fp, fn)
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
    errors = []
    for r, p in zip(gold_rows, predictions, strict=True):
        risk_gap = abs(_risk_rank(r.get("risk", "")) - _risk_rank(p["risk"]))
        cat_wrong = r["category"] != p["category"]
        if not (cat_wrong or risk_gap):
            continue
        missed_critical = r.get("risk") == "Critical" and p["risk"] != "Critical"
        errors.append(
            {
                "server": r.get("server", ""),
                "tool": r.get("tool") or r.get("name"),
                "gold": {"category": r["category"], "risk": r.get("risk"), "capabilities": r.get("capabilities", [])},
                "predicted": {"category": p["category"], "risk": p["risk"], "capabilities": p["capabilities"]},
                "confidence": p.get("confidence"),
                "rationale": p.get("rationale", ""),
                "severity": risk_gap * 2 + cat_wrong + 3 * missed_critical,
            }
        )
    errors.sort(key=lambda e: (-e["severity"], -(e["confidence"] or 0)))
    return {
        "tools": n,
        "category": {
            "accuracy": round(sum(g == p for g, p in zip(g_cat, p_cat, strict=True)) / n, 4),
            "macro_f1": round(macro_f1, 4),
            "per_class": cat_classes,
            "confusion": _confusion(g_cat, p_cat, CATEGORY_LABELS),
        },
        "risk": {
            "accuracy": round(sum(g == p for g, p in zip(g_risk, p_risk, strict=True)) / n, 4),
            "critical_recall": risk_classes["Critical"]["recall"],
            "critical_precision": risk_classes["Critical"]["precision"],
            "per_class": risk_classes,
            "confusion": _confusion(g_risk, p_risk, RISK_LABELS),
        },
        "capabilities": {
            "micro_f1": _prf(tp_all, fp_all, fn_all)["f1"],
            "micro_precision": _prf(tp_all, fp_all, fn_all)["precision"],
            "micro_recall": _prf(tp_all, fp_all, fn_all)["recall"],
            "per_capability": cap_stats,
        },
        "worst_errors": errors[:worst],
        "errors": len(errors),
    }


def _risk_rank(risk: str) -> int:
    labels = [r.value for r in RISK_ORDER]
    return labels.index(risk) if risk in labels else 0
