"""The learned category model: TF-IDF over the tool's words and name character n-grams, a linear model,
temperature-calibrated probabilities; stored as JSON coefficients shipped with the package.

JSON rather than a pickle: it loads in milliseconds, can be read and diffed, and cannot run code when
opened. Scoring is reimplemented with numpy/scipy (the same arithmetic as scikit-learn's TfidfVectorizer
with ``sublinear_tf`` and l2 norm, followed by a multinomial logistic regression), so classifying needs
no scikit-learn import at all; scikit-learn is used by ``classifier.train`` to fit it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import filterfalse, islice, repeat
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from scipy.sparse import csr_matrix

from classifier.capability_model import CapabilityModel, strongest_tokens
from classifier.features import CACHE_LIMIT, STOPWORDS, ToolFeatures, model_tokens
from classifier.name_grams import NameGrams

MODEL_PATH = Path(__file__).parent / "data" / "model.json"
MISSING = -1  # the column of a token the model does not know (dropped when the matrix is built)
_MISSING = repeat(MISSING)  # the default for ``map(dict.get, tokens, _MISSING)``; stateless, so shared

Lookup = Callable[[Any, int], int]


class _Lookups(NamedTuple):
    """Bound ``dict.get`` per token prefix (token word, or word pair for bigrams -> column), and the two meta
    tokens' columns."""

    n: Lookup
    v: Lookup
    l: Lookup  # noqa: E741 (the token prefix's own name)
    nb: Lookup  # (word, next word) -> column of "nb:word_next"
    lead: Lookup
    d: Lookup  # without the stopwords ``model_tokens`` drops
    db: Lookup  # (word, next word) -> column of "db:word_next"
    p: Lookup
    pn: Lookup
    no_description: int
    no_params: int


def _pairs(columns: dict[str, int]) -> dict[tuple[str, str], int]:
    """Bigram columns keyed by word pairs: zip() gives the pairs without building an "a_b" string per pair.
    Words never hold "_" (names split on it, prose words are letters and digits), so a bigram token with other
    than one "_" can never occur and is left out."""
    return {tuple(t.split("_")): j for t, j in columns.items() if t.count("_") == 1}  # type: ignore[misc]


@dataclass
class CategoryModel:
    version: str
    classes: list[str]
    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_features,)
    coef: np.ndarray  # (n_features, n_classes)
    intercept: np.ndarray  # (n_classes,)
    temperature: float
    rule_accuracy: dict[str, float]  # per rule id: how often its decisions were right on the training examples
    meta: dict
    capability: CapabilityModel | None = None  # the capability model sharing these features, when trained
    # The vocabulary split by token prefix ("d:delete" -> by_prefix["d"]["delete"]), so a row's columns are
    # looked up from the words themselves without building a prefixed string per token.
    by_prefix: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)
    # Column lookups per description: see ``row_of``.
    column_cache: dict[str, list[int]] = field(default_factory=dict, repr=False)
    # Per class, its column of ``coef`` as Python floats, and ``idf`` as Python floats: the evidence's words
    # are scored a few dozen tokens at a time, where list indexing beats numpy calls (``strongest_tokens``).
    weight_lists: dict[str, list[float]] = field(default_factory=dict, repr=False)
    idf_list: list[float] = field(init=False, repr=False)
    lookups: _Lookups = field(init=False, repr=False)
    grams: NameGrams = field(init=False, repr=False)  # the name character 4-grams ("c:" tokens)

    def __post_init__(self) -> None:
        for token, j in self.vocabulary.items():
            prefix, _, rest = token.partition(":")
            self.by_prefix.setdefault(prefix, {})[rest] = j
        by = self.by_prefix
        meta = by.get("meta", {})
        self.lookups = _Lookups(
            n=by.get("n", {}).get,
            v=by.get("v", {}).get,
            l=by.get("l", {}).get,
            nb=_pairs(by.get("nb", {})).get,
            lead=by.get("lead", {}).get,
            d={w: j for w, j in by.get("d", {}).items() if w not in STOPWORDS}.get,
            db=_pairs(by.get("db", {})).get,
            p=by.get("p", {}).get,
            pn=by.get("pn", {}).get,
            no_description=meta.get("no_description", MISSING),
            no_params=meta.get("no_params", MISSING),
        )
        self.grams = NameGrams(by.get("c", {}))
        self.idf_list = self.idf.tolist()

    @classmethod
    def from_json(cls, data: dict) -> CategoryModel:
        return cls(
            version=data["version"],
            classes=list(data["classes"]),
            vocabulary={t: i for i, t in enumerate(data["features"])},
            idf=np.asarray(data["idf"], dtype=np.float64),
            coef=np.asarray(data["coef"], dtype=np.float64).T.copy(),
            intercept=np.asarray(data["intercept"], dtype=np.float64),
            temperature=float(data.get("temperature", 1.0)),
            rule_accuracy=dict(data.get("rule_accuracy", {})),
            meta=dict(data.get("meta", {})),
            capability=(
                CapabilityModel.from_json(data["capabilities"], len(data["features"]))
                if data.get("capabilities")
                else None
            ),
        )

    def matrix(self, features: list[ToolFeatures]) -> csr_matrix:
        """The TF-IDF matrix of a batch: sublinear tf, idf, l2-normalised rows."""
        indices: list[int] = []
        extend = indices.extend
        ends: list[int] = []
        end = ends.append
        row = self.row_of
        for f in features:
            early = f.model_row
            name, desc, params = early[1] if early is not None and early[0] is self else row(f)
            extend(name)
            extend(desc)
            extend(params)
            end(len(indices))
        # Unknown tokens were looked up as MISSING and are dropped here, in one vectorised pass.
        columns = np.fromiter(indices, dtype=np.int64, count=len(indices))
        rows = np.repeat(np.arange(len(features)), np.diff(np.array([0, *ends], dtype=np.int64)))
        known = columns >= 0
        gram_rows, gram_columns = self.grams.lookup([f.name_words for f in features])
        rows = np.concatenate((rows[known], gram_rows))
        columns = np.concatenate((columns[known], gram_columns))
        # Built as its transpose (vocabulary x tools) and turned back: two linear bucket passes leave every row's
        # columns sorted and repeats counted, where sorting each row's columns cost more than all the rest.
        counts = csr_matrix(
            (np.ones(len(rows)), (columns, rows)), shape=(len(self.vocabulary), len(features))
        ).T.tocsr()
        counts.sum_duplicates()  # canonical: sorted columns per row, repeats counted
        counts.data = (1.0 + np.log(counts.data)) * self.idf[counts.indices]
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        counts.data /= np.repeat(norms, np.diff(counts.indptr))
        return counts

    def columns(self, f: ToolFeatures) -> list[int]:
        """The vocabulary columns of a tool's ``model_tokens`` that the model knows, with repeats.

        The same multiset as looking up every ``model_tokens(f)`` string (order differs, which the matrix
        does not see), computed from the words directly: see ``row_of`` and ``NameGrams``.
        """
        words = [j for part in self.row_of(f) for j in part if j >= 0]
        return words + self.grams.lookup([f.name_words])[1].tolist()

    def row_of(self, f: ToolFeatures) -> tuple[list[int], list[int], list[int]]:
        """A tool's word-token lookups (all but the name's 4-grams) for its name, description and parameters,
        ``MISSING`` where the model does not know a token. The hot loop of batch classification: every lookup
        is a C-level ``map`` of a bound ``dict.get``, and no prefixed token string is built. Only the
        description's part is cached (catalogs repeat descriptions; the other parts cost less than a cache)."""
        look = self.lookups
        words = f.name_words
        name = list(map(look.n, words, _MISSING))
        if words:
            name.append(look.v(words[0], MISSING))
            name.append(look.l(words[-1], MISSING))
            if len(words) > 1:
                name += map(look.nb, zip(words, words[1:], strict=False), _MISSING)
        cache = self.column_cache
        desc = cache.get(f.description)
        if desc is None:
            if len(cache) >= CACHE_LIMIT:
                cache.clear()
            desc = cache[f.description] = self._description_columns(f)
        params = list(map(look.p, f.param_words, _MISSING))
        params += map(look.pn, f.param_names, _MISSING)
        if not f.params:
            params.append(look.no_params)
        return name, desc, params

    def _description_columns(self, f: ToolFeatures) -> list[int]:
        look = self.lookups
        words = f.desc_words
        head = words if len(words) <= 80 else words[:80]  # read only
        out = list(map(look.d, head, _MISSING))  # stopwords are not in ``look.d``
        content = list(islice(filterfalse(STOPWORDS.__contains__, head), 12))
        if len(content) > 1:
            out += map(look.db, zip(content, content[1:], strict=False), _MISSING)
        if f.lead_words:
            out += map(look.lead, f.lead_words[:2], _MISSING)
        if len(words) < 3:  # not f.has_description
            out.append(look.no_description)
        return out

    def predict_proba(self, features: list[ToolFeatures]) -> np.ndarray:
        """Calibrated class probabilities, one row per tool, columns in ``classes`` order."""
        if not features:
            return np.zeros((0, len(self.classes)))
        return self.proba_of(self.matrix(features))

    def proba_of(self, matrix: csr_matrix) -> np.ndarray:
        """Calibrated class probabilities of an already built TF-IDF matrix."""
        scores = matrix @ self.coef + self.intercept
        scores = scores / self.temperature
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def top_features(self, f: ToolFeatures, category: str, limit: int = 4) -> list[str]:
        """The tokens that pushed this tool towards ``category`` the most (for evidence)."""
        coef = self.weight_lists.get(category)
        if coef is None:
            coef = self.weight_lists[category] = self.coef[:, self.classes.index(category)].tolist()
        return strongest_tokens(model_tokens(f), self.vocabulary, coef, self.idf_list, limit)


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> CategoryModel | None:
    """The shipped model, or None when it has not been trained yet (the rules then decide alone)."""
    target = Path(path) if path else MODEL_PATH
    if not target.exists():
        return None
    return CategoryModel.from_json(json.loads(target.read_text(encoding="utf-8")))
