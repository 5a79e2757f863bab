"""What each page depends on, as a cheap string key: the incremental build compares these, not pages.

Building a page context and hashing it costs about as much as rendering; over 100,000 tools that is
too slow for a rebuild after a small crawl. These keys list every input of a page in a few string
joins instead (the tool's fingerprint stands for its whole definition, the classification's row id for
its content). Anything a page shows must appear in its key; the code salt covers template and code
changes, which re-render everything.
"""

from __future__ import annotations

import json
from typing import Any

from publisher.site.loader import SERVER_COLUMNS
from publisher.site.pages import risk_of, server_title
from publisher.site.related import Neighbourhoods

SEP = "\x1f"


def _text(value: Any) -> str:
    """JSON fields are still raw text unless a page of this server was rendered (then decoded)."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def classification_signature(cls: dict[str, Any] | None) -> str:
    """Every shown field, not just the row id: a classifier may update its row in place."""
    if not cls:
        return "-"
    return SEP.join(
        (
            str(cls["id"]),
            cls.get("classifier_version") or "",
            cls.get("created_at") or "",
            cls["category"],
            cls["risk"],
            ",".join(cls.get("capabilities") or []),
            str(cls.get("confidence")),
            cls.get("rationale") or "",
            *(_text(cls.get(k)) for k in ("evidence", "inferred_hints", "hint_mismatches", "integrity")),
        )
    )


def tool_signature(tool: dict[str, Any]) -> str:
    """The tool's own inputs: definition, classification, history, origin, slug.

    Cached on the tool: the tool page, its JSON and its server page all need it, and it must be taken
    from the raw JSON text before rendering decodes it.
    """
    signature = tool.get("_signature")
    if signature is None:
        signature = tool["_signature"] = _tool_signature(tool)
    return signature


def _tool_signature(tool: dict[str, Any]) -> str:
    cls = tool.get("cls")
    changes = tool.get("changes") or []
    return SEP.join(
        (
            tool["fingerprint"],
            tool["slug"],
            classification_signature(cls),
            str(bool(cls and cls.get("stale"))),
            tool["first_seen"] or "",
            tool["last_seen"] or "",
            tool.get("origin") or "",
            tool.get("origin_detail") or "",
            tool.get("conditional") or "",
            str(len(changes)),
            changes[0]["at"] if changes else "",
        )
    )


def _link_key(tool: dict[str, Any], server: dict[str, Any] | None = None) -> str:
    """What a link to `tool` shows; cached on the tool, since each tool is linked from a dozen pages."""
    key = tool.get("_link_key")
    if key is None:
        key = tool["_link_key"] = SEP.join((tool["name"], tool["slug"], tool["server_slug"], risk_of(tool)))
    return key if server is None else key + SEP + server_title(server)


def server_links_key(tools: list[dict[str, Any]]) -> str:
    """The links every tool page of a server may show to its siblings: computed once per server.

    A superset of any one page's same-server links, so a sibling's change re-renders at most a few
    pages more than strictly needed, never fewer.
    """
    return "\x1e".join(_link_key(t) for t in tools)


def elsewhere_key(
    tool: dict[str, Any], hood: Neighbourhoods, servers_by_id: dict[int, dict[str, Any]]
) -> str:
    """The links to related tools of other servers a tool page shows; cached on the tool, since both the
    server's digest and the tool's page key need it."""
    key = tool.get("_elsewhere_key")
    if key is None:
        parts = []
        for via, other_id in hood.elsewhere(tool["id"]):
            other = hood.tools[other_id]
            parts += [via, _link_key(other, servers_by_id[other["server_id"]])]
        key = tool["_elsewhere_key"] = "\x1e".join(parts)
    return key


def tool_page_key(
    tool: dict[str, Any],
    server: dict[str, Any],
    hood: Neighbourhoods,
    servers_by_id: dict[int, dict[str, Any]],
    shared_key: str,
) -> str:
    """`shared_key`: the server-wide inputs (policy files, `server_links_key`)."""
    return "\x1e".join(
        (tool_signature(tool), server["slug"], server_title(server), shared_key, elsewhere_key(tool, hood, servers_by_id))
    )


def link_entries(server: dict[str, Any], tools: list[dict[str, Any]]) -> list[list[Any]]:
    """A server's tools as they stand in the "same capability elsewhere" lists: (list, sort key, server
    id, what a link to the tool shows). Kept between builds for `Neighbourhoods.dirty`."""
    entries: list[list[Any]] = []
    title = server_title(server)
    for tool in tools:
        shown = SEP.join((tool["name"], tool["slug"], risk_of(tool), title))
        for group in Neighbourhoods.groups_of(tool):
            entries.append([group, tool["name"].lower(), tool["server_slug"], tool["id"], tool["server_id"], shown])
    return entries


def similar_key(similar: list[dict[str, Any]]) -> str:
    """What a server page shows of its similar servers."""
    return "\x1e".join(SEP.join((s["slug"], server_title(s), str(len(s["tool_ids"])))) for s in similar)


SERVER_FIELDS = tuple(c for c in SERVER_COLUMNS if c not in ("id", "slug"))


def server_page_key(
    server: dict[str, Any],
    tools: list[dict[str, Any]],
    similar: list[dict[str, Any]],
    changes: list[dict[str, Any]],
    policy_key: str,
) -> str:
    parts = [server["slug"], policy_key] + [repr(server.get(f)) for f in SERVER_FIELDS]
    parts += [tool_signature(t) for t in tools]  # the fingerprint covers the definition and annotations
    parts.append(similar_key(similar))
    parts += [str(c["id"]) for c in changes]
    return "\x1e".join(parts)
