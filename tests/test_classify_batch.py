"""The batch layer: what is computed once per batch must equal what the per-tool definitions give.

- ``batch_tokens.batch_counts`` (the whole batch's token columns looked up at once) against looking up every
  ``model_tokens`` string of every tool one by one;
- ``paused_gc`` leaves the collector as it found it and keeps the batch's objects collectable.
"""

from __future__ import annotations

import gc
import weakref
from collections import Counter

import numpy as np
import pytest

from classifier.batch_tokens import batch_counts
from classifier.engine import paused_gc
from classifier.features import extract_features, model_tokens
from classifier.model import load_model
from tests.pinned_classifications import EDGE_CASES
from tests.test_classifier_speed import TOOLS

ODD = [
    {"name": ""},  # no name, no description, no parameters: only the meta tokens
    {"name": "x" * 400 + "_delete", "description": "Removes it."},  # more 4-grams than the precomputed slices
    {"name": "getUserByID", "description": "the the a an of", "inputSchema": {"properties": {"id": {}}}},
    {"name": "sendMail", "description": "Sends mail", "inputSchema": "not a schema"},
    {"title": "Only A Title", "description": "Lists projects in the workspace and their owners."},
]


def _by_lookup(model, f) -> Counter:  # type: ignore[no-untyped-def]
    """The reference: every model token's column, looked up by its prefixed string."""
    return Counter(j for j in map(model.vocabulary.get, model_tokens(f)) if j is not None)


def test_batch_counts_equal_the_per_token_lookup() -> None:
    model = load_model()
    if model is None:
        pytest.skip("no trained model shipped")
    tools = [*TOOLS, *EDGE_CASES, *ODD]
    features = [extract_features(t) for t in tools]
    counts = batch_counts(model.by_prefix, features, len(model.vocabulary))
    assert counts.shape == (len(tools), len(model.vocabulary))
    assert counts.has_canonical_format  # sorted and summed: the TF-IDF arithmetic then sees what it always saw
    for i, f in enumerate(features):
        row = counts.getrow(i)
        got = Counter({int(j): int(c) for j, c in zip(row.indices, row.data, strict=True)})
        assert got == _by_lookup(model, f), tools[i].get("name")
    assert counts.getrow(len(TOOLS) + len(EDGE_CASES)).nnz >= 1  # the nameless tool still has its meta tokens
    assert batch_counts(model.by_prefix, [], len(model.vocabulary)).shape == (0, len(model.vocabulary))


def test_matrix_rows_do_not_depend_on_the_rest_of_the_batch() -> None:
    model = load_model()
    if model is None:
        pytest.skip("no trained model shipped")
    features = [extract_features(t) for t in [*TOOLS, *ODD]]
    whole = model.matrix(features).toarray()
    alone = np.vstack([model.matrix([f]).toarray() for f in features])
    assert np.array_equal(whole, alone)
    assert np.allclose(np.linalg.norm(whole, axis=1), 1.0)  # l2-normalised rows, every tool has a token


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector can free it


def test_paused_gc_restores_the_collector_and_keeps_cycles_collectable() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        node = _Node()
        ref = weakref.ref(node)
        with paused_gc():  # nested: the inner one must not turn the collector back on
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # nothing is left frozen out of collection
    assert any(o is node for o in gc.get_objects(generation=2))  # moved to the oldest generation
    del node
    assert ref() is not None  # a cycle: reference counting alone cannot free it
    gc.collect()
    assert ref() is None  # the full collection still finds and frees it
