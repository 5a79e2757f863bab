"""The fast paths of ``classifier.text`` must give exactly what the plain definitions give: the word regex for
prose, and the chunk-by-chunk identifier splitter for names."""

from __future__ import annotations

import random
import re
import string

import pytest

from classifier.features import PARAM_TEXT_CHARS, _param_desc_words
from classifier.text import _WORD, split_identifier, words_in, words_of

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_SPLIT = re.compile(r"[^A-Za-z0-9]+")


def _reference_split(name: str) -> tuple[str, ...]:
    """The identifier splitter without fast paths."""
    words: list[str] = []
    for chunk in _SPLIT.split(name or ""):
        if not chunk:
            continue
        if chunk.islower() or chunk.isupper() or chunk.isdigit():
            words.append(chunk.lower())
            continue
        words.extend(part.lower() for part in _CAMEL.findall(chunk))
    merged: list[str] = []
    for word in words:
        if word.isdigit() and merged and len(word) <= 2 and not merged[-1].isdigit():
            merged[-1] = merged[-1] + word
        else:
            merged.append(word)
    return tuple(merged)


def _random_texts(alphabet: str, n: int, seed: int, longest: int = 40) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(alphabet, k=rng.randint(0, longest))) for _ in range(n)]


PROSE = string.ascii_letters + string.digits + "''  \n\t-_.,;:()/" + "éÀßİΣ" + "\u200b\x1c"


def test_prose_words_equal_the_regex() -> None:
    for text in _random_texts(PROSE, 20_000, 1):
        assert words_of(text) == _WORD.findall(text.lower()), text
        lowered = text.lower()
        assert words_in(lowered) == _WORD.findall(lowered), lowered


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Deletes a file. Cannot be undone!", ["deletes", "a", "file", "cannot", "be", "undone"]),
        ("Use v2 of the API, 100 items max, ec2", ["use", "v2", "of", "the", "api", "items", "max", "ec2"]),
        ("Don't 'quote' rock'n'roll", ["don't", "quote", "rock'n", "roll"]),
        ("Café résumé", ["caf", "r", "sum"]),
        ("", []),
    ],
)
def test_prose_words_examples(text: str, words: list[str]) -> None:
    assert words_of(text) == words


def test_limit_applies_to_the_text_before_it_is_split() -> None:
    assert words_of("alpha beta gamma", 8) == ["alpha", "be"]
    assert words_in("alpha beta gamma", 8) == ["alpha", "be"]


def test_identifiers_split_like_the_reference() -> None:
    names = _random_texts(string.ascii_letters + string.digits + "_-. é", 20_000, 2, 20)
    names += ["getUserByID", "d1_database_delete", "list_s3_buckets", "ec2", "a1b2", "HTTPServer2x", "__", "123"]
    for name in names:
        assert split_identifier(name) == _reference_split(name), name
    assert split_identifier("d1_database_delete") == ("d1", "database", "delete")
    assert split_identifier("getUserByID") == ("get", "user", "by", "id")


def test_parameter_description_words_equal_the_joined_text_words() -> None:
    """Cached per description and united, or read from the joined text when it is longer than the limit:
    always the words of the joined text's first PARAM_TEXT_CHARS characters."""
    rng = random.Random(4)
    parts = _random_texts(PROSE, 300, 5, 120)
    for _ in range(2_000):
        descriptions = [p.lower() for p in rng.choices(parts, k=rng.randint(1, 6)) if p]
        if not descriptions:
            continue
        joined = " ".join(descriptions)
        assert _param_desc_words(descriptions) == frozenset(_WORD.findall(joined[:PARAM_TEXT_CHARS])), descriptions
    long = ["alpha " * 90 + "omega"] * 14 + ["tail beyond the limit"]  # 7,665 characters joined
    assert "beyond" not in _param_desc_words(long)
    assert _param_desc_words(long[-1:]) == {"tail", "beyond", "the", "limit"}
