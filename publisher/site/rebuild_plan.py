"""Deciding, from the previous build's cache, which servers a rebuild must look at again.

A server's own rows are summed up in its raw digest (see `loader`); what its pages show of other servers
is the similar-servers list and the related tools elsewhere. This module works out, touching only the
servers whose rows changed: which those are, whether the similar-servers map can be reused, and which
other servers' pages may now link differently (`Neighbourhoods.dirty`). Everything it needs from the
unchanged servers is in the cache, so its cost grows with the size of the change, not of the catalog.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from publisher.site.build_cache import BuildCache, ServerSummary
from publisher.site.global_pages import ARTIFACTS, contributions
from publisher.site.keys import link_entries
from publisher.site.loader import SiteData
from publisher.site.related import Neighbourhoods, server_words


@dataclass
class RebuildPlan:
    hood: Neighbourhoods
    changed: set[str]  # slugs of servers whose rows differ from the cached summary (or that are new)
    # Server id -> the previous build's `links` digest, for servers whose links to other servers' tools
    # cannot have changed; the others' are computed again (by the workers, in parallel).
    known_links: dict[int, str] = field(default_factory=dict)
    summaries: dict[str, ServerSummary] = field(default_factory=dict)  # the cache's servers for this build


def _detail(server: dict[str, Any], data: SiteData) -> tuple[str, list[list[Any]], list[str]]:
    tools = [data.tools[i] for i in server["tool_ids"]]
    entries, words = link_entries(server, tools), server_words(server, data.tools)
    return json.dumps({"entries": entries, "words": words}, separators=(",", ":")), entries, words


def plan_rebuild(
    data: SiteData, cache: BuildCache | None, load: Callable[[list[dict[str, Any]]], None] | None = None
) -> RebuildPlan:
    """Neighbourhoods for this build plus what changed since the cached one (everything, without cache).

    `load` is given the servers whose catalog-wide contributions are computed again (those that changed,
    or whose cached summary lacks an artifact) before they are: when the data was loaded without the
    heavy text columns, it adds them (a contribution includes the tools' descriptions).
    """
    old = cache.servers if cache is not None else {}
    changed = {s["slug"] for s in data.servers if (rec := old.get(s["slug"])) is None or rec.raw != s["_raw"]}
    if load is not None:
        load([s for s in data.servers if s["slug"] in changed or old[s["slug"]].contrib.keys() != set(ARTIFACTS)])
    current = {s["slug"] for s in data.servers}
    gone = old.keys() - current
    summaries: dict[str, ServerSummary] = {}
    old_entries: list[list[Any]] = []
    new_entries: list[list[Any]] = []
    same_words = cache is not None and not gone
    for server in data.servers:
        slug = server["slug"]
        if slug not in changed:
            summaries[slug] = old[slug]
            if old[slug].contrib.keys() != set(ARTIFACTS):  # a cache from before an artifact was added
                old[slug].contrib = contributions(server, [data.tools[i] for i in server["tool_ids"]])
            continue
        detail, entries, words = _detail(server, data)
        contrib = contributions(server, [data.tools[i] for i in server["tool_ids"]])
        summaries[slug] = ServerSummary(server["_raw"], detail, contrib=contrib)  # `links`: set by the workers
        new_entries += entries
        previous = old[slug].decoded() if slug in old else {}
        old_entries += previous.get("entries", [])
        same_words = same_words and slug in old and previous.get("words") == words
    for slug in gone:
        old_entries += old[slug].decoded().get("entries", [])
    similar = None
    if same_words and cache is not None:
        # Same servers with the same tool-name words: the similar-servers map cannot have changed.
        ids = {s["slug"]: s["id"] for s in data.servers}
        similar = {ids[slug]: [ids[o] for o in others] for slug, others in cache.similar.items() if slug in ids}
    hood = Neighbourhoods(data.servers, data.tools, similar=similar)
    if cache is None:
        return RebuildPlan(hood, changed, {}, summaries)
    dirty = {data.tools[t]["server_id"] for t in hood.dirty(old_entries, new_entries)}
    known = {s["id"]: old[s["slug"]].links for s in data.servers if s["slug"] not in changed and s["id"] not in dirty}
    return RebuildPlan(hood, changed, known, summaries)


def similar_by_slug(data: SiteData, hood: Neighbourhoods) -> dict[str, list[str]]:
    """The similar-servers map keyed by slug, for the cache (ids are not what the next build compares)."""
    slugs = {s["id"]: s["slug"] for s in data.servers}
    return {slugs[i]: [slugs[o] for o in others] for i, others in hood.similar.items()}
