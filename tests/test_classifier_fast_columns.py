"""The model's fast column lookup (bound ``dict.get`` per prefix, word-pair bigrams, numpy name 4-grams) must
build exactly the matrix the plain definition builds: every ``model_tokens`` string looked up in the
vocabulary, counted, sublinear tf x idf, l2-normalised."""

from __future__ import annotations

import dataclasses
import json
import random
from collections import Counter

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from classifier.engine import features_for
from classifier.features import extract_features, model_tokens
from classifier.model import MODEL_PATH, CategoryModel, load_model
from classifier.name_grams import NameGrams
from tests.test_classifier_speed import TOOLS
from tests.test_classify_batch import ODD

WORDS = [
    "get",
    "list",
    "delete",
    "the",
    "a",
    "of",
    "file",
    "files",
    "user",
    "users",
    "db",
    "query",
    "sql",
    "run",
    "send",
    "email",
    "to",
    "from",
    "repo",
    "pull",
    "request",
]


def _model() -> CategoryModel:
    model = load_model()
    if model is None:
        pytest.skip("no trained model shipped")
    return model


def _reference_matrix(model: CategoryModel, features: list) -> np.ndarray:  # type: ignore[type-arg]
    """The TF-IDF rows from the token strings themselves (what ``classifier.train`` fits on)."""
    rows, cols = [], []
    for i, f in enumerate(features):
        for j in map(model.vocabulary.get, model_tokens(f)):
            if j is not None:
                rows.append(i)
                cols.append(j)
    counts = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(features), len(model.vocabulary)))
    counts.sum_duplicates()
    counts.data = (1.0 + np.log(counts.data)) * model.idf[counts.indices]
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    counts.data /= np.repeat(norms, np.diff(counts.indptr))
    return counts.toarray()


def _random_tools(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    tools = []
    for i in range(n):
        name = rng.choice(["_", "", "-", ".", ""]).join(rng.choices(WORDS, k=rng.randint(0, 5)))
        if rng.random() < 0.3:
            name = name.title().replace("_", "")  # camelCase-ish
        description = " ".join(rng.choices(WORDS, k=rng.randint(0, 40)))
        props = {
            f"{rng.choice(WORDS)}_{rng.choice(WORDS)}": {"type": "string", "description": rng.choice(WORDS)}
            for _ in range(rng.randint(0, 4))
        }
        tools.append({"name": name or f"t{i}", "description": description, "inputSchema": {"properties": props}})
    return tools


def test_batch_matrix_equals_the_token_string_definition_exactly() -> None:
    model = _model()
    features = [extract_features(t) for t in [*TOOLS, *ODD, *_random_tools(300, 7)]]
    model.column_cache.clear()
    fast = model.matrix(features).toarray()
    assert np.array_equal(fast, _reference_matrix(model, features))  # bit for bit, not approximately
    assert np.array_equal(model.matrix(features).toarray(), fast)  # and again from the caches


def test_columns_are_the_multiset_of_known_token_columns() -> None:
    model = _model()
    for f in map(extract_features, _random_tools(200, 11)):
        expected = Counter(j for j in map(model.vocabulary.get, model_tokens(f)) if j is not None)
        assert Counter(model.columns(f)) == expected


def test_unusual_name_words_give_the_same_grams_as_slicing() -> None:
    """Names normally hold ASCII letters and digits only; words set by hand may not, and must not match
    wrongly (a non-ASCII character is encoded as "?", a separator must not join two names)."""
    model = _model()
    base = extract_features(TOOLS[0])
    odd_words = [("café", "list"), ("list", "files?"), ("a\nb", "user"), ("x" * 300,), (), ("é",) * 3]
    features = [dataclasses.replace(base, name_words=w, tokens=None) for w in odd_words]
    model.column_cache.clear()
    assert np.array_equal(model.matrix(features).toarray(), _reference_matrix(model, features))


def test_name_grams_lookup_rows_and_columns() -> None:
    grams = NameGrams({"_get": 0, "get_": 1, "user": 2, "ser_": 3, "é_ab": 4, "a\nbc": 5})
    rows, cols = grams.lookup([("get", "user"), (), ("user",), ("é", "ab")])
    assert sorted(zip(rows.tolist(), cols.tolist(), strict=True)) == [(0, 0), (0, 1), (0, 2), (0, 3), (2, 2), (2, 3)]
    empty_rows, empty_cols = NameGrams({}).lookup([("get",)])
    assert len(empty_rows) == len(empty_cols) == 0


def test_rows_looked_up_during_extraction_serve_only_their_own_model() -> None:
    model = _model()
    tools = [*TOOLS, *ODD, *_random_tools(50, 3)]
    early = features_for(tools, None)
    assert all(f.model_row is not None and f.model_row[0] is model for f in early)
    late = [extract_features(t) for t in tools]
    assert np.array_equal(model.matrix(early).toarray(), model.matrix(late).toarray())
    # Another model (here an equal copy) looks the tool up itself: a row found for one model is not another's.
    other = CategoryModel.from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))
    early[0].model_row = (model, ([], [], []))  # what a stale row would look like
    stale = model.matrix(early[:1]).toarray()
    assert not np.array_equal(stale, model.matrix(late[:1]).toarray())  # its own model uses it...
    assert np.array_equal(other.matrix(early).toarray(), model.matrix(late).toarray())  # ...ignored by another
