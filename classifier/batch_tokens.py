"""The token counts of a whole batch of tools in one sparse matrix, looked up per batch rather than per tool.

The model's tokens (``features.model_tokens``: name words, first and last verb, name bigrams and character
4-grams, description words and bigrams, lead words, parameter words and names, two meta flags) are gathered
into one flat list per token prefix for the whole batch. Each list is then looked up in the vocabulary with a
single ``map`` in C, unknown tokens are dropped with one numpy mask, and the counts are summed with one sort.
Per tool only the strings themselves are built; no per-tool list filtering, caching or lookups remain.

The result is the canonical CSR matrix (sorted column indices, duplicates summed) of exactly the multiset of
known ``model_tokens`` columns per row, the same matrix that looking every token up one by one gives.
"""

from __future__ import annotations

from itertools import repeat

import numpy as np
from scipy.sparse import csr_matrix

from classifier.features import STOPWORDS, ToolFeatures

MAX_SLICES = 256
_SLICES = [slice(i, i + 4) for i in range(MAX_SLICES)]  # a name's character 4-grams, without a range per name
PREFIXES = ("n", "v", "l", "nb", "c", "d", "db", "lead", "p", "pn", "meta")


def gather(features: list[ToolFeatures]) -> tuple[dict[str, list[str]], dict[str, list[int]]]:
    """Per token prefix: the unprefixed tokens of every tool in batch order, and how many each tool has."""
    keys: dict[str, list[str]] = {p: [] for p in PREFIXES}
    counts: dict[str, list[int]] = {p: [] for p in PREFIXES}
    n_k, n_c = keys["n"], counts["n"]
    v_k, l_k, v_c = keys["v"], keys["l"], counts["v"]
    nb_k, nb_c = keys["nb"], counts["nb"]
    c_k, c_c = keys["c"], counts["c"]
    d_k, d_c = keys["d"], counts["d"]
    db_k, db_c = keys["db"], counts["db"]
    lead_k, lead_c = keys["lead"], counts["lead"]
    p_k, p_c = keys["p"], counts["p"]
    pn_k, pn_c = keys["pn"], counts["pn"]
    meta_k, meta_c = keys["meta"], counts["meta"]
    for f in features:
        words = f.name_words
        n_k.extend(words)
        n_c.append(len(words))
        if words:
            v_k.append(words[0])
            l_k.append(words[-1])
            v_c.append(1)
            bigrams = [a + "_" + b for a, b in zip(words, words[1:], strict=False)]
            nb_k.extend(bigrams)
            nb_c.append(len(bigrams))
        else:
            v_c.append(0)
            nb_c.append(0)
        joined = "_" + "_".join(words) + "_"
        grams = len(joined) - 3
        if grams > 0:
            if grams <= MAX_SLICES:
                c_k.extend(map(joined.__getitem__, _SLICES[:grams]))
            else:
                c_k.extend(joined[i : i + 4] for i in range(grams))
            c_c.append(grams)
        else:
            c_c.append(0)
        desc = [w for w in f.desc_words[:80] if w not in STOPWORDS]
        d_k.extend(desc)
        d_c.append(len(desc))
        pairs = [a + "_" + b for a, b in zip(desc[:12], desc[1:12], strict=False)]
        db_k.extend(pairs)
        db_c.append(len(pairs))
        lead = f.lead_words[:2]
        lead_k.extend(lead)
        lead_c.append(len(lead))
        p_k.extend(f.param_words)
        p_c.append(len(f.param_words))
        pn_k.extend(f.param_names)
        pn_c.append(len(f.param_names))
        meta = 0
        if not f.has_description:
            meta_k.append("no_description")
            meta += 1
        if not f.params:
            meta_k.append("no_params")
            meta += 1
        meta_c.append(meta)
    counts["l"] = counts["v"]  # one last word per named tool, as one first word
    return keys, counts


def batch_counts(by_prefix: dict[str, dict[str, int]], features: list[ToolFeatures], n_columns: int) -> csr_matrix:
    """The token count matrix of a batch (rows in ``features`` order, canonical CSR, float64 counts)."""
    n = len(features)
    keys, counts = gather(features)
    tool_rows = np.arange(n, dtype=np.int64)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for prefix in PREFIXES:
        tokens = keys[prefix]
        vocabulary = by_prefix.get(prefix)
        if not tokens or not vocabulary:
            continue
        ids = np.fromiter(map(vocabulary.get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
        owners = np.repeat(tool_rows, np.asarray(counts[prefix], dtype=np.int64))
        known = ids >= 0
        cols.append(ids[known])
        rows.append(owners[known])
    if cols:
        cells = np.concatenate(rows) * n_columns + np.concatenate(cols)
        cells, repeats = np.unique(cells, return_counts=True)  # sorted by row, then column
        row_of, indices = np.divmod(cells, n_columns)
        data = repeats.astype(np.float64)
    else:
        row_of = indices = np.zeros(0, dtype=np.int64)
        data = np.zeros(0)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(row_of, minlength=n), out=indptr[1:])
    return csr_matrix((data, indices, indptr), shape=(n, n_columns))
