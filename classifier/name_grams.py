"""The model's name character 4-grams (``c:`` tokens), looked up for a whole batch at once with numpy.

A name such as ``acme_list_pull_requests`` gives about twenty 4-grams; cutting each one out as a Python string
and looking it up cost more than all the name's other tokens together. Names are made of ASCII letters, digits
and ``_`` (``text.split_identifier`` keeps nothing else), so a 4-gram is four bytes: one ``uint32`` code. A batch's
names are joined into one byte string, every position's code is computed in a few vectorised operations and
found in the sorted codes of the vocabulary's 4-grams. The result is the same multiset of columns per row as
slicing ``"_" + "_".join(words) + "_"`` four characters at a time (see ``features.name_tokens``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

SEPARATOR = "\n"  # between two names: a 4-gram holding it is in no vocabulary (names have no whitespace)


def _code(data: bytes) -> np.ndarray:
    """The big-endian uint32 code of every 4-byte window of ``data`` (empty when it is shorter than 4)."""
    b = np.frombuffer(data, dtype=np.uint8).astype(np.uint32)
    if len(b) < 4:
        return np.zeros(0, dtype=np.uint32)
    return (b[:-3] << 24) | (b[1:-2] << 16) | (b[2:-1] << 8) | b[3:]


class NameGrams:
    """The vocabulary's 4-grams as sorted uint32 codes with their columns."""

    def __init__(self, grams: Mapping[str, int]) -> None:
        # A 4-gram that is not four ASCII characters cannot come from a name; nor can the separator or "?" (what
        # a non-ASCII character is encoded as): such grams are kept out of the table.
        usable = {g: j for g, j in grams.items() if len(g) == 4 and g.isascii() and SEPARATOR not in g and "?" not in g}
        codes = np.fromiter(
            (int.from_bytes(g.encode("ascii"), "big") for g in usable), dtype=np.uint32, count=len(usable)
        )
        order = np.argsort(codes, kind="stable")
        self.codes = codes[order]
        self.columns = np.fromiter(usable.values(), dtype=np.int64, count=len(usable))[order]

    def lookup(self, names: Sequence[tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of every known 4-gram of each name's words, cut from ``"_" + "_".join(words) + "_"``."""
        if not names or not len(self.codes):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        inner = list(map("_".join, names))
        # "replace" keeps one byte per character, so positions stay aligned; "?" is in no name's 4-gram.
        codes = _code(("_" + f"_{SEPARATOR}_".join(inner) + "_").encode("ascii", "replace"))
        at = np.searchsorted(self.codes, codes)
        at[at == len(self.codes)] = 0
        known = np.flatnonzero(self.codes[at] == codes)
        lengths = np.fromiter(map(len, inner), dtype=np.int64, count=len(inner)) + (2 + len(SEPARATOR))
        starts = np.cumsum(lengths) - lengths
        rows = np.searchsorted(starts, known, side="right") - 1
        return rows, self.columns[at[known]]
