"""Per-tool cost of the rule families and of ``decide``, measured apart from features, models and integrity.

Why: the headline benchmark (``classifier.bench``) times the whole classifier, where the rules and the decision
are about a third of the time; a change to one rule family moves it by less than the noise of a shared
machine. Here the features, the model probabilities and the capability decisions are computed first, outside
the clock, for the same distinct tools the headline uses; then the rules (with the name-action cache cleared,
as a cold batch sees it) and ``decide`` are timed alone, in CPU seconds, best of ``repeat`` runs.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from catalog.gc_pause import paused_gc
from classifier.bench import clear_caches, distinct_corpus, load_servers, prepare_batches, synthetic_servers
from classifier.engine import decide, features_for, model_inputs
from classifier.features import ToolFeatures
from classifier.model import CategoryModel, load_model
from classifier.rules import RULE_FAMILIES, run_rules
from classifier.rules.base import clear_caches as clear_name_actions


def _features(tools_from: Path | None, n: int, seed: int) -> list[ToolFeatures]:
    servers = distinct_corpus(load_servers(tools_from), n) if tools_from else synthetic_servers(n, seed)
    clear_caches()
    return [f for tools, context in prepare_batches(servers) for f in features_for(tools, context)]


def _model_inputs(features: list[ToolFeatures], model: CategoryModel | None) -> tuple[list[Any], list[Any]]:
    """Each tool's category probabilities and capability decisions, as ``classify_features`` computes them."""
    if model is None:
        return [None] * len(features), [None] * len(features)
    return model_inputs(features, [run_rules(f) for f in features], model)


def _cold(features: list[ToolFeatures]) -> None:
    clear_name_actions()
    for f in features:
        f.actions = None


def run_rules_benchmark(
    n: int = 20_000, tools_from: Path | None = None, seed: int = 1, repeat: int = 5, families: bool = False
) -> dict[str, Any]:
    """Microseconds per tool of ``run_rules`` and ``decide`` (best and median of ``repeat`` runs), optionally
    per rule family, with the load average: the figures to compare before and after a change."""
    features = _features(tools_from, n, seed)
    model = load_model()
    rows, caps = _model_inputs(features, model)
    count = len(features)
    rules_s: list[float] = []
    decide_s: list[float] = []
    per_family: dict[str, float] = {}
    load_before = os.getloadavg()
    with paused_gc():
        for _ in range(max(1, repeat)):
            _cold(features)
            start = time.process_time()
            signals = [run_rules(f) for f in features]
            rules_s.append(time.process_time() - start)
            start = time.process_time()
            for f, s, row, c in zip(features, signals, rows, caps, strict=True):
                decide(f, s, row, model, c)
            decide_s.append(time.process_time() - start)
        if families:
            for name, detect in RULE_FAMILIES.items():
                best = float("inf")
                for _ in range(max(1, repeat)):
                    start = time.process_time()
                    for f in features:
                        detect(f)
                    best = min(best, time.process_time() - start)
                per_family[name] = round(best / count * 1e6, 2)

    def micro(samples: list[float]) -> dict[str, float]:
        ordered = sorted(samples)
        return {
            "best": round(ordered[0] / count * 1e6, 2),
            "median": round(ordered[len(ordered) // 2] / count * 1e6, 2),
        }

    result: dict[str, Any] = {
        "tools": count,
        "corpus": str(tools_from) if tools_from else f"synthetic (seed {seed}, distinct)",
        "rules_us_per_tool": micro(rules_s),
        "decide_us_per_tool": micro(decide_s),
        "repeat": max(1, repeat),
        "model": model.version if model is not None else None,
        "load_average": {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in os.getloadavg()]},
        "measured": "CPU seconds of this process; features and model probabilities computed before the clock",
    }
    if families:
        result["family_us_per_tool"] = per_family
    return result
