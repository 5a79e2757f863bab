"""List training rows where the rule families and the hand label disagree on a capability.

Relabelling is done by a person, row by row, against classifier/data/LABELLING.md; this script only finds the
rows worth looking at (the rules' opinion is a prompt for review, never the answer). Usage:

    python scripts/label_candidates.py private_data filesystem infrastructure untrusted_content
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from classifier.engine import features_for
from classifier.rules import run_rules
from classifier.training import load_training


def disagreements(capabilities: tuple[str, ...]) -> Iterator[tuple[str, str, str, str, str]]:
    """(capability, direction, file:server, category, line text) for every disagreeing row."""
    _, examples = load_training()
    features = features_for([e.tool for e in examples], None)
    for example, f in zip(examples, features, strict=True):
        fired = {s.supports for s in run_rules(f)}
        for cap in capabilities:
            labelled = cap in example.capabilities
            if labelled != (cap in fired):
                direction = "rules_only" if cap in fired else "label_only"
                tool = example.tool
                yield (
                    cap,
                    direction,
                    f"{example.source.rsplit('/', 1)[-1]}:{example.server}",
                    example.category,
                    f"{tool['name']} | {tool.get('description', '')[:160]}",
                )


def main(argv: list[str]) -> int:
    caps = tuple(argv) or ("private_data", "filesystem", "infrastructure", "untrusted_content")
    for row in disagreements(caps):
        print(" | ".join(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
