"""Turn a hand-labelled collection cache into a gold file, so a fresh held-out set is measured like dev.

Why: the dev gold set says how the classifier does on servers it was tuned against; a set of servers that
are in neither the training data nor dev, labelled by hand *before* the classifier is run on them, says how it
does on servers it has never seen. This script joins the work files of ``collect_training_tools.py`` (the
extracted tools with their full descriptions, input schemas and declared annotations, and ``labels.tsv``)
into taxonomy.md's gold format; ``mcp-catalog eval --gold FILE --json`` then gives the same figures as for dev.

Usage:
    python scripts/labels_to_gold.py --cache ~/.cache/mcp-catalog/heldout --out /tmp/heldout.jsonl
    mcp-catalog eval --gold /tmp/heldout.jsonl --json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from collect_training_tools import (  # noqa: E402  (a sibling script, not a package)
    Package,
    extracted_path,
    load_tools,
    one_line,
    parse_labels,
    tool_key,
)

from catalog.taxonomy import risk_for  # noqa: E402


def gold_rows(
    tools: list[dict[str, Any]],
    labels: dict[str, tuple[str, tuple[str, ...]]],
    extracted: dict[str, list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """One gold row per labelled tool: the full definition from `extracted` (by package), the hand label.

    A labelled tool whose full definition is gone (the package was re-extracted since) falls back to the
    work file's one-line description and no schema, so a label is never silently dropped.
    """
    rows = []
    for row in tools:
        label = labels.get(row["key"])
        if label is None:
            continue
        full = next(
            (
                t
                for t in extracted.get(row["package"], [])
                if tool_key(str(t.get("name") or "").strip(), one_line(t.get("description"))) == row["key"]
            ),
            None,
        )
        category, caps = label
        rows.append(
            {
                "server": row["package"],
                "tool": row["name"],
                "description": (full or {}).get("description") or row["description"],
                "input_schema": (full or {}).get("input_schema"),
                "annotations": (full or {}).get("annotations") or {},
                "category": category,
                "risk": risk_for(category, caps).value,
                "capabilities": list(caps),
            }
        )
    return rows


def load_extracted(cache: Path, tools: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for registry, name in sorted({(t["registry"], t["package"]) for t in tools}):
        path = extracted_path(cache, Package(registry, name))
        if path.exists():
            out[name] = json.loads(path.read_text(encoding="utf-8")).get("tools", [])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--cache", type=Path, required=True, help="the collection work folder (tools.jsonl, labels.tsv)"
    )
    parser.add_argument("--out", type=Path, required=True, help="the gold JSON Lines file to write")
    args = parser.parse_args(argv)
    try:
        tools = load_tools(args.cache)
        labels = parse_labels((args.cache / "labels.tsv").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"error: cannot read the work files in {args.cache}: {exc}", file=sys.stderr)
        return 2
    rows = gold_rows(tools, labels, load_extracted(args.cache, tools))
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    servers = len({r["server"] for r in rows})
    print(f"{len(rows)} labelled tools from {servers} servers -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
