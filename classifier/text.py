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

# Long descriptions are cut before tokenising: the first few kilobytes say what a tool does, and a 100 KB
# description must not cost a hundred times more than a normal one.
MAX_TEXT_CHARS = 4000

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_WORD = re.compile(r"[a-z][a-z0-9]*(?:'[a-z]+)?")


@lru_cache(maxsize=200_000)
def split_identifier(name: str) -> tuple[str, ...]:
    """``getUserByID`` -> (get, user, by, id); ``d1_database_delete`` -> (d1, database, delete)."""
    words: list[str] = []
    for chunk in _SPLIT.split(name or ""):
        if not chunk:
            continue
        if chunk.islower() or chunk.isupper() or chunk.isdigit():
            words.append(chunk.lower())
            continue
        words.extend(part.lower() for part in _CAMEL.findall(chunk))
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
    return _WORD.findall(text[:limit].lower())


def words_in(lowered: str, limit: int = MAX_TEXT_CHARS) -> list[str]:
    """``words_of`` for a text that is lower-cased already (lower-casing is idempotent): no second pass."""
    return _WORD.findall(lowered[:limit]) if lowered else []


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
