"""The rules' out-of-sample errors on the crawled training data, grouped by cause (a quick loop beside the CV).

The rule families are not fitted to the training data, so running them alone over every crawled tool gives the
same figures as the ``rules`` view of ``mcp-catalog eval --cv`` in seconds rather than minutes. ``--holdout``
adds an honest figure for rules + model: the learned models are refitted without one fold of servers (the
first of ``mcp-catalog eval --cv``'s GroupKFold split) and that fold is classified. Errors are printed grouped
by cause (capability missed / over-asserted, category confusion) so a reviewer decides, cluster by cluster,
whether the label, a rule or the model is wrong. Usage:

    python scripts/rule_errors.py                      # rules alone, metrics + error clusters
    python scripts/rule_errors.py --holdout --quiet    # + rules and model on one held-out fold of servers
    python scripts/rule_errors.py --cap private_data   # only the rows of one capability's errors
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from classifier.crossval import gold_row, split_by_server, summary_line
from classifier.engine import classify_features
from classifier.evaluate import evaluate
from classifier.features import extract_features
from classifier.training import Example, load_training


def rules_view(examples: Sequence[Example]) -> list[dict[str, Any]]:
    """The rules-only classification of each example (no model: what generalises by construction)."""
    return classify_features([extract_features(e.tool) for e in examples], None, use_model=False)


def holdout_view(examples: Sequence[Example], fold: int = 0, folds: int = 5) -> tuple[list[int], list[dict]]:
    """Rules + models refitted without one fold of servers, classifying that fold."""
    from classifier.model import CategoryModel
    from classifier.train import fit_model

    test_idx = split_by_server(examples, folds)[fold].tolist()
    held = set(test_idx)
    train = [e for i, e in enumerate(examples) if i not in held]
    model = CategoryModel.from_json(fit_model(train, capability_cv=False))
    preds = classify_features([extract_features(examples[i].tool) for i in test_idx], model)
    return test_idx, preds


def error_clusters(examples: Sequence[Example], preds: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
    """``cap:missed``, ``cap:extra`` and ``gold->predicted`` clusters, each a list of printable rows."""
    clusters: dict[str, list[str]] = defaultdict(list)
    for e, p in zip(examples, preds, strict=True):
        row = f"{e.server} | {e.category} | {','.join(e.capabilities) or '-'} | {e.tool['name']} | "
        row += (e.tool.get("description") or "")[:150]
        gold_caps, got = set(e.capabilities), set(p["capabilities"])
        for cap in sorted(gold_caps - got):
            clusters[f"{cap}:missed"].append(row)
        for cap in sorted(got - gold_caps):
            why = ",".join(sorted({f"{ev['rule']}[{ev['signal']}]" for ev in p["evidence"] if ev["supports"] == cap}))
            clusters[f"{cap}:extra"].append(f"{row} || {why}")
        if p["category"] != e.category:
            clusters[f"{e.category}->{p['category']}"].append(row + f" || {p.get('rationale', '')[:120]}")
    return clusters


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holdout", action="store_true", help="also refit the models without fold 0 and score it")
    parser.add_argument("--cap", action="append", default=[], help="print only these clusters' prefixes")
    parser.add_argument("--quiet", action="store_true", help="figures only, no error rows")
    parser.add_argument("--json", action="store_true", help="figures as JSON")
    args = parser.parse_args(argv)
    examples = [e for e in load_training()[1] if e.server]
    preds = rules_view(examples)
    metrics = evaluate([gold_row(e) for e in examples], preds)
    figures: dict[str, Any] = {"rules_all": summary_line(metrics)}
    figures["rules_per_capability"] = {
        c: v["f1"] for c, v in metrics["capabilities"]["per_capability"].items() if v["support"]
    }
    if args.holdout:
        idx, held = holdout_view(examples)
        sub = [examples[i] for i in idx]
        figures["holdout_fold0_combined"] = summary_line(evaluate([gold_row(e) for e in sub], held))
        figures["holdout_fold0_rules"] = summary_line(evaluate([gold_row(e) for e in sub], [preds[i] for i in idx]))
        figures["holdout_fold0_tools"] = len(idx)
    if args.json:
        print(json.dumps(figures, indent=1))
    else:
        for k, v in figures.items():
            print(k, v)
    if not args.quiet:
        for name, rows in sorted(error_clusters(examples, preds).items(), key=lambda kv: -len(kv[1])):
            if args.cap and not any(name.startswith(c) for c in args.cap):
                continue
            print(f"\n=== {name} ({len(rows)})")
            for r in rows:
                print("  " + r)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
