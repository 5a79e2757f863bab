"""The batch layer: what is computed once per batch must equal what the per-tool definitions give.

- the model's batch matrix: a tool's row does not depend on what else is in the batch;
- ``paused_gc`` leaves the collector as it found it and keeps the batch's objects collectable.
"""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

from catalog.gc_pause import paused_gc
from classifier.features import extract_features
from classifier.model import load_model
from tests.test_classifier_speed import TOOLS

ODD = [
    {"name": ""},  # no name, no description, no parameters: only the meta tokens
    {"name": "x" * 400 + "_delete", "description": "Removes it."},  # more 4-grams than the precomputed slices
    {"name": "getUserByID", "description": "the the a an of", "inputSchema": {"properties": {"id": {}}}},
    {"name": "sendMail", "description": "Sends mail", "inputSchema": "not a schema"},
    {"title": "Only A Title", "description": "Lists projects in the workspace and their owners."},
]


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
