"""Safe, stable slugs for servers and tools: used in URLs, folder names and policy file names.

Crawled names can hold anything (spaces, quotes, slashes, unicode, `..`), so a slug is reduced to
[a-z0-9-_.] and, when that loses information, suffixed with a short hash of the original so that two
different names never share a slug.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SAFE = re.compile(r"[^a-z0-9._-]+")
MAX_SLUG = 80


def _hash(value: str) -> str:
    return hashlib.sha1(value.encode("utf-8")).hexdigest()[:8]


def slugify(value: str, max_length: int = MAX_SLUG) -> str:
    """Lowercase ASCII slug; adds a hash suffix when the slug is not a faithful copy of the input."""
    original = value
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii").lower()
    slug = _SAFE.sub("-", ascii_value.replace("/", "-").replace("@", "")).strip("-._")
    slug = re.sub(r"-{2,}", "-", slug)
    slug = re.sub(r"\.{2,}", ".", slug)
    faithful = slug == original
    if not slug:
        return "x-" + _hash(original)
    if len(slug) > max_length:
        slug = slug[: max_length - 9].rstrip("-._")
        faithful = False
    if not faithful and slug != original.lower().replace("/", "-").lstrip("@"):
        slug = f"{slug}-{_hash(original)}"
    return slug


def tool_slug(name: str) -> str:
    """Tool names are usually already safe (``get_issue``); keep them readable when they are."""
    return slugify(name)
