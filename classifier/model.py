"""The learned category model: TF-IDF over the tool's words and name character n-grams, a linear model,
temperature-calibrated probabilities; stored as JSON coefficients shipped with the package.

JSON rather than a pickle: it loads in milliseconds, can be read and diffed, and cannot run code when
opened. Scoring is reimplemented with numpy/scipy (the same arithmetic as scikit-learn's TfidfVectorizer
with ``sublinear_tf`` and l2 norm, followed by a multinomial logistic regression), so classifying needs
no scikit-learn import at all; scikit-learn is used by ``classifier.train`` to fit it.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

from classifier.capability_model import CapabilityModel, strongest_tokens
from classifier.features import CACHE_LIMIT, STOPWORDS, ToolFeatures, model_tokens

MODEL_PATH = Path(__file__).parent / "data" / "model.json"
MAX_SLICES = 256
_SLICES = [slice(i, i + 4) for i in range(MAX_SLICES)]  # a name's character 4-grams, without a range per name


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
    # Column ids per name word tuple, description and (parameter names, parameter words): see ``columns``.
    column_cache: dict[Hashable, list[int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for token, j in self.vocabulary.items():
            prefix, _, rest = token.partition(":")
            self.by_prefix.setdefault(prefix, {})[rest] = j

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
        indptr = [0]
        indices: list[int] = []
        columns = self.columns
        for f in features:
            indices.extend(columns(f))
            indptr.append(len(indices))
        counts = csr_matrix(
            (np.ones(len(indices)), np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
            shape=(len(features), len(self.vocabulary)),
        )
        counts.sum_duplicates()
        counts.data = (1.0 + np.log(counts.data)) * self.idf[counts.indices]
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        counts.data /= np.repeat(norms, np.diff(counts.indptr))
        return counts

    def columns(self, f: ToolFeatures) -> list[int]:
        """The vocabulary columns of a tool's ``model_tokens`` that the model knows, with repeats.

        The same multiset as looking up every ``model_tokens(f)`` string (order differs, which the matrix
        does not see), computed from the words directly and cached per name, description and parameter
        set, which catalogs repeat: this is the hot loop of batch classification.
        """
        cache = self.column_cache
        if len(cache) >= CACHE_LIMIT:
            cache.clear()
        name = cache.get(f.name_words)
        if name is None:
            name = cache[f.name_words] = self._name_columns(f.name_words)
        desc = cache.get(f.description)
        if desc is None:
            desc = cache[f.description] = self._description_columns(f)
        key = (f.param_names, f.param_words)
        params = cache.get(key)
        if params is None:
            params = cache[key] = self._param_columns(f)
        return name + desc + params

    def _name_columns(self, words: tuple[str, ...]) -> list[int]:
        """The columns of ``name_tokens(words)``, looked up per prefix without building the prefixed strings."""
        out = self._prefixed("n", words)
        if words:
            out += self._prefixed("v", words[:1]) + self._prefixed("l", words[-1:])
            if len(words) > 1:
                out += self._prefixed("nb", [a + "_" + b for a, b in zip(words, words[1:], strict=False)])
        joined = "_" + "_".join(words) + "_"
        if len(joined) > 3 and "c" in self.by_prefix:
            get = self.by_prefix["c"].get
            grams = map(joined.__getitem__, _SLICES[: len(joined) - 3]) if len(joined) <= MAX_SLICES + 3 else None
            if grams is None:
                grams = (joined[i : i + 4] for i in range(len(joined) - 3))
            out += [j for j in map(get, grams) if j is not None]
        return out

    def _prefixed(self, prefix: str, words: Iterable[str]) -> list[int]:
        get = self.by_prefix.get(prefix, {}).get
        return [j for j in map(get, words) if j is not None]

    def _description_columns(self, f: ToolFeatures) -> list[int]:
        by = self.by_prefix
        desc = [w for w in f.desc_words[:80] if w not in STOPWORDS]
        get = by["d"].get if "d" in by else {}.get
        out = [j for j in map(get, desc) if j is not None]
        if len(desc) > 1 and "db" in by:
            get = by["db"].get
            out += [
                j for j in map(get, [a + "_" + b for a, b in zip(desc[:12], desc[1:12], strict=False)]) if j is not None
            ]
        if f.lead_words and "lead" in by:
            get = by["lead"].get
            out += [j for j in map(get, f.lead_words[:2]) if j is not None]
        if not f.has_description:
            out += self._prefixed("meta", ["no_description"])
        return out

    def _param_columns(self, f: ToolFeatures) -> list[int]:
        out = self._prefixed("p", f.param_words) + self._prefixed("pn", f.param_names)
        if not f.params:
            out += self._prefixed("meta", ["no_params"])
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
        coef = self.coef[:, self.classes.index(category)]
        return strongest_tokens(model_tokens(f), self.vocabulary, coef, self.idf, limit)


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> CategoryModel | None:
    """The shipped model, or None when it has not been trained yet (the rules then decide alone)."""
    target = Path(path) if path else MODEL_PATH
    if not target.exists():
        return None
    return CategoryModel.from_json(json.loads(target.read_text(encoding="utf-8")))
