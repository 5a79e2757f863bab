"""evaluate(): every figure checked on a small hand-made case whose answers are known."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier.evaluate import GoldFileError, evaluate, gold_to_tool, load_gold


def row(category: str, risk: str, caps: list[str], tool: str = "t") -> dict:
    return {"server": "s", "tool": tool, "category": category, "risk": risk, "capabilities": caps}


def pred(category: str, risk: str, caps: list[str]) -> dict:
    return {"category": category, "risk": risk, "capabilities": caps, "confidence": 0.9, "rationale": ""}


def test_figures_on_a_known_case() -> None:
    gold = [
        row("Read", "Low", [], "a"),
        row("Read", "Medium", ["private_data"], "b"),
        row("Destructive", "Critical", ["filesystem"], "c"),
        row("Execute", "Critical", ["code_execution"], "d"),
    ]
    predicted = [
        pred("Read", "Low", []),
        pred("Read", "Low", []),
        pred("Destructive", "Critical", ["filesystem"]),
        pred("Execute", "High", []),
    ]
    report = evaluate(gold, predicted)
    assert report["category"]["accuracy"] == 1.0
    assert report["category"]["macro_f1"] == 1.0
    assert report["risk"]["accuracy"] == 0.5
    assert report["risk"]["critical_recall"] == 0.5
    assert report["risk"]["critical_precision"] == 1.0
    caps = report["capabilities"]
    assert caps["per_capability"]["filesystem"]["f1"] == 1.0
    assert caps["per_capability"]["code_execution"]["recall"] == 0.0
    assert caps["micro_precision"] == 1.0 and caps["micro_recall"] == pytest.approx(1 / 3, abs=1e-3)
    assert report["risk"]["confusion"]["Critical"]["High"] == 1
    # The missed Critical is the worst error.
    assert report["worst_errors"][0]["tool"] == "d"
    assert report["errors"] == 2


def test_category_confusion_and_macro_f1() -> None:
    gold = [row("Write", "Medium", []), row("Read", "Low", [])]
    predicted = [pred("Read", "Low", []), pred("Read", "Low", [])]
    report = evaluate(gold, predicted)
    assert report["category"]["confusion"]["Write"]["Read"] == 1
    assert report["category"]["per_class"]["Read"]["precision"] == 0.5
    assert report["category"]["macro_f1"] == pytest.approx((2 / 3 + 0) / 2, abs=1e-3)


def test_length_mismatch_is_refused() -> None:
    with pytest.raises(ValueError):
        evaluate([row("Read", "Low", [])], [])


def test_load_gold_messages(tmp_path: Path) -> None:
    with pytest.raises(GoldFileError, match="no such file"):
        load_gold(tmp_path / "none.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(GoldFileError, match="no gold rows"):
        load_gold(empty)
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text('{"tool": "x"}\n')
    with pytest.raises(GoldFileError, match=":1: expected an object"):
        load_gold(wrong)


def test_gold_row_becomes_a_tool() -> None:
    tool = gold_to_tool({"tool": "x", "description": None, "input_schema": None, "category": "Read"})
    assert tool == {"name": "x", "description": "", "inputSchema": None, "annotations": {}, "server": ""}
