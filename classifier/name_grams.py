"""The model's name character 4-grams (``c:`` tokens), looked up for a whole batch at once with numpy.

A name such as ``acme_list_pull_requests`` gives about twenty 4-grams; cutting each one out as a Python string
and looking it up cost more than all the name's other tokens together. Names are made of ASCII letters, digits
and ``_`` (``text.split_identifier`` keeps nothing else): 37 symbols, so a 4-gram is one number below 38**4
(the 38th symbol stands for any other byte, which no known 4-gram holds). A batch's names are joined into one
byte string, every position's number is computed in a few vectorised operations and looked up in a table
indexed by it. The result is the same multiset of columns per row as slicing ``"_" + "_".join(words) + "_"``
four characters at a time (see ``features.name_tokens``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

ALPHABET = "_abcdefghijklmnopqrstuvwxyz0123456789"
OTHER = len(ALPHABET)  # the symbol of every other byte (upper case, separators, non-ASCII)
BASE = OTHER + 1
SEPARATOR = "\n"  # between two names: a 4-gram holding it is in no table


class NameGrams:
    """The vocabulary's 4-grams in a table indexed by their number: a 4-gram's position in ``columns``, plus 1
    (0: not in the vocabulary). 38**4 two-byte entries, about 4 MB."""

    def __init__(self, grams: Mapping[str, int]) -> None:
        self.symbols = np.full(256, OTHER, dtype=np.int32)
        self.symbols[np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)] = np.arange(OTHER, dtype=np.int32)
        # A 4-gram of other characters cannot come from a name (and the table has no number for it): left out.
        usable = {g: j for g, j in grams.items() if len(g) == 4 and all(c in ALPHABET for c in g)}
        self.columns = np.fromiter(usable.values(), dtype=np.int64, count=len(usable))
        self.table = np.zeros(BASE**4 if usable else 1, dtype=np.uint16 if len(usable) < 65_535 else np.uint32)
        if usable:
            self.table[self._numbers("".join(usable))[::4]] = np.arange(1, len(usable) + 1)

    def _numbers(self, text: str) -> np.ndarray:
        """The number of every 4-character window of ``text`` (one byte per character: non-ASCII becomes "?")."""
        s = self.symbols[np.frombuffer(text.encode("ascii", "replace"), dtype=np.uint8)]
        return ((s[:-3] * BASE + s[1:-2]) * BASE + s[2:-1]) * BASE + s[3:]

    def lookup(self, names: Sequence[tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of every known 4-gram of each name's words, cut from ``"_" + "_".join(words) + "_"``."""
        if not names or not len(self.columns):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        inner = list(map("_".join, names))
        found = self.table[self._numbers("_" + f"_{SEPARATOR}_".join(inner) + "_")]
        known = np.flatnonzero(found)
        lengths = np.fromiter(map(len, inner), dtype=np.int64, count=len(inner)) + (2 + len(SEPARATOR))
        rows = np.repeat(np.arange(len(inner)), lengths)[known]
        return rows, self.columns[found[known].astype(np.int64) - 1]
