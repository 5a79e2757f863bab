"""The learned capability model: one-vs-rest logistic regressions over the category model's TF-IDF features.

Rules name capabilities from words they know; the model generalises to tools whose words the rules do not
list (``create_stack`` on a cloud server, ``get_module`` in a device fleet). It is shipped inside the
category model's JSON (key ``capabilities``) and shares its vocabulary, so a batch is vectorised once for
both. Each capability has its own threshold, chosen by cross-validation on the training data; a capability
with no threshold (``None``) is left to the rules alone because the model did not improve on them there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix

RULE_ID = "capability_model"


@dataclass
class CapabilityModel:
    capabilities: list[str]
    coef: np.ndarray  # (n_features, n_capabilities)
    intercept: np.ndarray  # (n_capabilities,)
    thresholds: list[float | None]  # per capability; None: the rules decide it alone
    meta: dict
    # Per capability, its column of ``coef`` as Python floats, made on first use (see ``strongest_tokens``).
    weight_lists: dict[str, list[float]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: dict, n_features: int) -> CapabilityModel:
        """``coef`` is stored sparse, one ``[[feature index, weight], ...]`` list per capability."""
        coef = np.zeros((n_features, len(data["classes"])))
        for k, pairs in enumerate(data["coef"]):
            if pairs:
                index, weight = np.asarray(pairs, dtype=np.float64).T
                coef[index.astype(np.int64), k] = weight
        return cls(
            capabilities=list(data["classes"]),
            coef=coef,
            intercept=np.asarray(data["intercept"], dtype=np.float64),
            thresholds=[None if t is None else float(t) for t in data["thresholds"]],
            meta=dict(data.get("meta", {})),
        )

    @property
    def active(self) -> bool:
        return any(t is not None for t in self.thresholds)

    def predict_proba(self, matrix: csr_matrix) -> np.ndarray:
        """P(capability) per tool and capability, from a TF-IDF matrix built by the category model."""
        if matrix.shape[0] == 0:
            return np.zeros((0, len(self.capabilities)))
        scores = np.asarray(matrix @ self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-scores))

    def decisions(self, proba: np.ndarray) -> list[dict[str, float]]:
        """Per tool, the capabilities the model asserts (probability at or above its threshold) and p."""
        limits = np.array([np.inf if t is None else t for t in self.thresholds])
        rows, cols = np.nonzero(proba >= limits)
        out: list[dict[str, float]] = [{} for _ in range(proba.shape[0])]
        for i, k in zip(rows.tolist(), cols.tolist(), strict=True):
            out[i][self.capabilities[k]] = float(proba[i, k])
        return out

    def top_words(self, tokens: list[str], vocabulary: dict[str, int], idf: Sequence[float], cap: str) -> list[str]:
        """The tokens that pushed a tool towards ``cap`` the most (the evidence's signal).

        Whole words read better than name fragments ("bucket", not "ucke"), so fragments are named only
        when no word pushed the model.
        """
        coef = self.weight_lists.get(cap)
        if coef is None:
            coef = self.weight_lists[cap] = self.coef[:, self.capabilities.index(cap)].tolist()
        words = [t for t in tokens if not t.startswith("c:")]
        return strongest_tokens(words, vocabulary, coef, idf) or strongest_tokens(tokens, vocabulary, coef, idf)


def strongest_tokens(
    tokens: list[str], vocabulary: dict[str, int], coef: Sequence[float], idf: Sequence[float], limit: int = 4
) -> list[str]:
    """A tool's tokens with the largest positive weight (coefficient x idf) in one model column, unprefixed
    and each word once.

    ``coef`` and ``idf`` are fastest as Python lists (``CategoryModel.weights``): a tool has a few dozen
    tokens, for which a plain loop costs less than the fixed price of a dozen numpy calls. A float product
    is the same IEEE double product either way, so the order and the words do not depend on the container.
    """
    get = vocabulary.get
    scored = []
    for token in tokens:  # a repeated token adds an equal pair, which sorts next to its twin and is named once
        j = get(token)
        if j is not None:
            weight = coef[j]
            if weight > 0:
                scored.append((weight * idf[j], token))
    scored.sort(reverse=True)
    named = dict.fromkeys(token.split(":", 1)[1] for _, token in scored)  # "n:bucket" and "d:bucket" once
    return list(named)[:limit]
