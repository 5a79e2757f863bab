"""Turning tool names and prose into word lists, fast and predictably.

Every rule and the learned model look at the same words, so splitting lives in one place: identifiers in any
case style (``snake_case``, ``camelCase``, ``kebab-case``, ``dotted.names``, server prefixes such as
``d1_database_delete``) become lower-case words, and descriptions become lower-case word tokens. Regexes are
compiled once; per-tool work is a handful of ``findall`` calls, which keeps batch classification above
tens of thousands of tools per second.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import repeat

# Long descriptions are cut before tokenising: the first few kilobytes say what a tool does, and a 100 KB
# description must not cost a hundred times more than a normal one.
MAX_TEXT_CHARS = 4000

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_WORD = re.compile(r"[a-z][a-z0-9]*(?:'[a-z]+)?")


@lru_cache(maxsize=200_000)
def split_identifier(name: str) -> tuple[str, ...]:
    """``getUserByID`` -> (get, user, by, id); ``d1_database_delete`` -> (d1, database, delete)."""
    if not name:
        return ()
    words: list[str]
    if name.islower():  # snake_case, kebab-case...: every chunk is lower-case letters and digits already
        words = list(filter(None, _SPLIT.split(name)))
    else:
        words = []
        for chunk in _SPLIT.split(name):
            if not chunk:
                continue
            if chunk.islower() or chunk.isupper() or chunk.isdigit():
                words.append(chunk.lower())
                continue
            words.extend(part.lower() for part in _CAMEL.findall(chunk))
    if not any(map(str.isdigit, words)):
        return tuple(words)
    # Digits glued to a word stay with it ("d1", "s3", "ec2") because they name products.
    merged: list[str] = []
    for word in words:
        if word.isdigit() and merged and len(word) <= 2 and not merged[-1].isdigit():
            merged[-1] = merged[-1] + word
        else:
            merged.append(word)
    return tuple(merged)


def words_of(text: str | None, limit: int = MAX_TEXT_CHARS) -> list[str]:
    """Lower-case word tokens of prose, from the first ``limit`` characters."""
    if not text:
        return []
    return _tokens(text[:limit].lower())


def words_in(lowered: str, limit: int = MAX_TEXT_CHARS) -> list[str]:
    """``words_of`` for a text that is lower-cased already (lower-casing is idempotent): no second pass."""
    return _tokens(lowered[:limit]) if lowered else []


_DIGITS = "0123456789"
_BYTES = range(256)
_LETTERS_ONLY = bytes(c if 97 <= c <= 122 else 32 for c in _BYTES)  # a-z kept, every other byte a space
_WORDISH_ONLY = bytes(c if 97 <= c <= 122 or 48 <= c <= 57 else 32 for c in _BYTES)  # a-z and 0-9 kept


def _tokens(lowered: str) -> list[str]:
    """``_WORD.findall(lowered)``, faster for the common ASCII prose.

    A word is a letter then letters or digits, with an optional ``'`` and letters. In ASCII text without
    digits or apostrophes the words are exactly the runs of letters, which ``bytes.translate`` and ``split``
    cut in C without the regex engine trying a match at every position; with digits (but no apostrophe) a
    run of letters and digits is one word once its leading digits are dropped. Anything else (an apostrophe,
    non-ASCII text) goes through the regex.
    """
    if lowered.isascii():
        raw = lowered.encode("ascii")
        if len(raw.translate(None, b"0123456789'")) == len(raw):  # letters and separators only
            return raw.translate(_LETTERS_ONLY).decode("ascii").split()
        if b"'" not in raw:
            runs = raw.translate(_WORDISH_ONLY).decode("ascii").split()
            return list(filter(None, map(str.lstrip, runs, repeat(_DIGITS))))
    return _WORD.findall(lowered)


def clip(text: str | None, limit: int = MAX_TEXT_CHARS) -> str:
    """The lower-cased head of a text, for phrase matching."""
    if not text:
        return ""
    return text[:limit].lower()


def inflections(base: str) -> set[str]:
    """A verb or noun with its common English endings, so word lists stay short and readable.

    ``delete`` -> delete, deletes, deleted, deleting, deletion; ``stop`` -> stops, stopped, stopping.
    Over-generation is harmless: the extra forms are not real words and never occur.
    """
    forms = {base, base + "s", base + "es", base + "ed", base + "ing", base + "d"}
    if base.endswith("e"):
        stem = base[:-1]
        forms |= {stem + "ing", stem + "ion", stem + "ation", base + "r", base + "rs"}
    else:
        forms |= {base + "er", base + "ers", base + "ion"}
    if base.endswith("y"):
        forms |= {base[:-1] + "ies", base[:-1] + "ied"}
    if len(base) >= 3 and base[-1] not in "aeiouwxy" and base[-2] in "aeiou" and base[-3] not in "aeiou":
        forms |= {base + base[-1] + "ed", base + base[-1] + "ing", base + base[-1] + "er"}
    return forms


def expand(words: str) -> frozenset[str]:
    """A whitespace-separated word list with every word's inflections."""
    out: set[str] = set()
    for word in words.split():
        out |= inflections(word)
    return frozenset(out)


@lru_cache(maxsize=4096)
def plain(words: str) -> frozenset[str]:
    """A whitespace-separated word list, as is (cached: rules call it with literals on every tool)."""
    return frozenset(words.split())
