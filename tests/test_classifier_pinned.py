"""The classifier's fast paths give exactly the outputs pinned before they were written (see
``tests/pinned_classifications.py``): every field of every result, cold caches and warm."""

from __future__ import annotations

import json

import pytest

from classifier.bench import clear_caches
from tests.pinned_classifications import GOLDEN, classify_pinned

REGENERATE = "if the rules or model changed on purpose: python -m tests.pinned_classifications --write"


@pytest.fixture(scope="module")
def golden() -> list[dict]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def _first_difference(got: list[dict], want: list[dict]) -> str:
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        if g != w:
            keys = [k for k in w if g.get(k) != w[k]]
            return f"tool {i} ({w['name']!r}) differs in {keys}: got {[g.get(k) for k in keys]}"
    return ""


def test_outputs_equal_the_pinned_outputs_cold_and_warm(golden: list[dict]) -> None:
    clear_caches()
    cold = classify_pinned()
    assert len(cold) == len(golden)
    assert cold == golden, _first_difference(cold, golden) + "; " + REGENERATE
    warm = classify_pinned()  # every per-text cache is full now
    assert warm == golden, _first_difference(warm, golden)


def test_the_pinned_set_exercises_every_output_path(golden: list[dict]) -> None:
    kinds = {f["kind"] for r in golden for f in r["integrity"]}
    assert kinds == {
        "hidden_instructions",
        "shadowing",
        "hidden_unicode",
        "description_changed",
        "exfiltration_parameter",
    }
    sources = {e["source"] for r in golden for e in r["evidence"]}
    assert sources >= {"rule", "model"}
    assert any(r["hint_mismatches"] for r in golden)
    assert {r["category"] for r in golden} == {"Read", "Write", "Execute", "Destructive", "Financial"}
