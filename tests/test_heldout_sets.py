"""The committed held-out sets (classifier/data/heldout/) stay honest: valid gold rows, servers that are not in
the training data, and files that training never reads.

Why: these sets are the project's estimate of accuracy on servers the classifier has never seen. A later
session that appends one of their servers to the training files, or points training at the folder, would
turn that estimate into an in-sample figure without anyone noticing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from catalog.taxonomy import Capability, Category, risk_for
from classifier.training import TRAINING_PATHS

HELDOUT = Path(__file__).resolve().parent.parent / "classifier" / "data" / "heldout"
FILES = sorted(HELDOUT.glob("*.jsonl"))


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _training_servers() -> set[str]:
    servers = set()
    for path in TRAINING_PATHS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# server:"):
                servers.add(line.split(":", 1)[1].strip())
    return servers


def test_there_are_heldout_sets() -> None:
    assert len(FILES) >= 2 and sum(len(_rows(p)) for p in FILES) >= 200


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_rows_are_valid_gold(path: Path) -> None:
    categories = {c.value for c in Category}
    capabilities = {c.value for c in Capability}
    for row in _rows(path):
        assert row["tool"] and row["server"]
        assert row["category"] in categories and set(row["capabilities"]) <= capabilities
        assert row["risk"] == risk_for(row["category"], row["capabilities"]).value


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_servers_are_not_training_servers(path: Path) -> None:
    assert not {row["server"] for row in _rows(path)} & _training_servers()


def test_training_never_reads_the_heldout_folder() -> None:
    assert all(HELDOUT not in p.resolve().parents for p in TRAINING_PATHS)
