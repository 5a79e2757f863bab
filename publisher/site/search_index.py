"""The client-side search index: sharded script files that work from file:// and any static host.

Browsers refuse `fetch()` of file:// URLs, so shards are small JavaScript files that hand their data to
`MCPSearch` when a <script> tag loads them (no eval, allowed by `script-src 'self'`). Two kinds:
- `search/t/<xy>.js`: the words starting with `xy` and, per word, the ids of the documents holding it
  (delta-encoded); a query loads one term shard per word it contains.
- `search/d/<n>.js`: documents `n*DOC_SHARD .. (n+1)*DOC_SHARD-1` (kind, name, server, risk, category,
  url); only the shards of the shown results are loaded.
For 100,000 tools the whole index is a few MB, and a query loads well under 1 MB of it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from typing import Any

from catalog.taxonomy import CATEGORY_PRECEDENCE, RISK_ORDER

DOC_SHARD = 2000
RISKS = [r.value for r in RISK_ORDER] + [""]
CATEGORIES = [c.value for c in CATEGORY_PRECEDENCE] + [""]
_TOKEN = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")


def tokens(text: str) -> list[str]:
    """Words of a name or title: camelCase and snake_case split, accents folded, at least 2 characters."""
    return list(_tokens(text)) if text else []


@lru_cache(maxsize=1 << 16)
def _tokens(text: str) -> tuple[str, ...]:
    # Tool names repeat across servers (`search`, `get_file`): each distinct one is split once per build.
    spaced = _CAMEL.sub(r"\1 \2", text)
    folded = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode("ascii").lower()
    return tuple(t for t in _TOKEN.findall(folded) if len(t) >= 2)


def _js(call: str, *args: Any) -> str:
    body = ",".join(json.dumps(a, ensure_ascii=True, separators=(",", ":"), sort_keys=True) for a in args)
    # ensure_ascii plus escaping "<" keeps crawled text from closing a script context anywhere.
    body = body.replace("<", "\\u003c")
    return f"MCPSearch.{call}({body});\n"


def build_search_files(docs: list[dict[str, Any]]) -> dict[str, str]:
    """Site-relative path -> file content, for docs of shape {kind, name, server, risk, category, url, words}."""
    postings: dict[str, list[int]] = defaultdict(list)
    rows = []
    for doc_id, doc in enumerate(docs):
        rows.append(
            [
                doc["kind"],
                doc["name"],
                doc.get("server", ""),
                RISKS.index(doc.get("risk") or ""),
                CATEGORIES.index(doc.get("category") or ""),
                doc["url"],
            ]
        )
        for word in sorted({*_tokens(doc["name"] or ""), *_tokens(doc.get("words") or "")}):
            postings[word].append(doc_id)
    files: dict[str, str] = {}
    for n in range(0, len(rows), DOC_SHARD):
        files[f"search/d/{n // DOC_SHARD}.js"] = _js("addDocs", n // DOC_SHARD, rows[n : n + DOC_SHARD])
    shards: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for word in sorted(postings):
        ids = postings[word]
        shards[word[:2]][word] = [ids[0]] + [b - a for a, b in zip(ids, ids[1:], strict=False)]
    for key, words in shards.items():
        files[f"search/t/{key}.js"] = _js("addTerms", key, words)
    meta = {
        "docs": len(rows),
        "docShard": DOC_SHARD,
        "risks": RISKS,
        "categories": CATEGORIES,
        "shards": sorted(shards),
    }
    files["search/meta.js"] = _js("setMeta", meta)
    return files
