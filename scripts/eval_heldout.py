"""Measure the classifier on a held-out set of hand-labelled tools from servers it was not trained on.

Why: the dev gold set was looked at while the rules were written, so its figures flatter the classifier. A
fresh held-out set (packages absent from the training data, labelled by hand before the classifier is run on
them) gives honest unseen-server figures. The tools come from the work folder of
``scripts/collect_training_tools.py`` (full descriptions and input schemas, as the extractor found them), the
labels from a file in its ``key category capabilities`` format; the figures are those of ``mcp-catalog eval``.

Usage:
    python scripts/eval_heldout.py --cache ~/.cache/mcp-catalog/labels-fb --labels LABELS.tsv [--json]
        [--write-gold heldout.jsonl] [--errors]
The gold file written by ``--write-gold`` can also be measured with ``mcp-catalog eval --gold heldout.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from collect_training_tools import (  # noqa: E402  (a sibling script, not a package)
    DEFAULT_CACHE,
    Package,
    extracted_path,
    load_tools,
    one_line,
    parse_labels,
    tool_key,
)

from catalog.taxonomy import risk_for  # noqa: E402


def gold_rows(cache: Path, labels: dict[str, tuple[str, tuple[str, ...]]]) -> list[dict[str, Any]]:
    """One gold row (taxonomy.md's format) per labelled tool, with the full description and input schema."""
    full: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    rows = []
    for entry in load_tools(cache):
        label = labels.get(entry["key"])
        if label is None:
            continue
        pkg = Package(entry["registry"], entry["package"])
        if (pkg.registry, pkg.name) not in full:
            path = extracted_path(cache, pkg)
            tools = json.loads(path.read_text(encoding="utf-8"))["tools"] if path.exists() else []
            full[pkg.registry, pkg.name] = {
                tool_key(str(t.get("name") or ""), one_line(t.get("description"))): t for t in tools
            }
        tool = full[pkg.registry, pkg.name].get(entry["key"], {})
        category, caps = label
        rows.append(
            {
                "server": f"{pkg.registry}:{pkg.name}",
                "tool": entry["name"],
                "description": tool.get("description") or entry["description"],
                "input_schema": tool.get("input_schema"),
                "annotations": tool.get("annotations") or {},
                "category": category,
                "risk": risk_for(category, caps).value,
                "capabilities": list(caps),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="collect_training_tools.py work folder")
    parser.add_argument("--labels", type=Path, required=True, help="hand labels: key category capabilities")
    parser.add_argument("--write-gold", type=Path, help="also write the held-out set as a gold JSON Lines file")
    parser.add_argument("--errors", action="store_true", help="list every tool whose category or risk is wrong")
    parser.add_argument("--json", action="store_true", help="the full evaluation report as JSON")
    args = parser.parse_args(argv)
    if not args.labels.is_file() or not (args.cache / "tools.jsonl").is_file():
        print(f"error: need {args.labels} and {args.cache / 'tools.jsonl'} (run collect_training_tools.py extract)")
        return 2

    from classifier import classify_tools
    from classifier.crossval import summary_line
    from classifier.evaluate import evaluate, gold_to_tool

    rows = gold_rows(args.cache, parse_labels(args.labels.read_text(encoding="utf-8")))
    if not rows:
        print("error: no labelled tool of the labels file is in the work folder's tools.jsonl")
        return 2
    if args.write_gold:
        args.write_gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    predictions = classify_tools([gold_to_tool(r) for r in rows])
    report = evaluate(rows, predictions, worst=len(rows))
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    servers = len({r["server"] for r in rows})
    print(f"{len(rows)} tools from {servers} servers")
    print(json.dumps(summary_line(report)))
    caps = report["capabilities"]["per_capability"]
    print("capability F1: " + ", ".join(f"{c} {v['f1']:.2f}/{v['support']}" for c, v in caps.items() if v["support"]))
    if args.errors:
        for r, p in zip(rows, predictions, strict=True):
            if (r["category"], r["risk"], sorted(r["capabilities"])) != (
                p["category"],
                p["risk"],
                sorted(p["capabilities"]),
            ):
                print(
                    f"{r['server']} {r['tool']}: gold {r['category']}/{r['risk']} {','.join(r['capabilities']) or '-'}"
                    f" | got {p['category']}/{p['risk']} {','.join(p['capabilities']) or '-'}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
