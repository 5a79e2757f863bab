"""Related tools and similar servers: cheap, deterministic neighbourhoods that scale to 100k tools.

"Same capability elsewhere" takes the tools next to this one in a list of all tools with that
capability sorted by name, so tools with similar names (`delete_file`, `delete_files`) meet, and a
change to one tool only moves the links of its few neighbours (which keeps incremental rebuilds small).
Similar servers share the most words in their tool names (Jaccard over a capped candidate set).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from typing import Any

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
STOP_WORDS = frozenset(
    [
        "get",
        "list",
        "search",
        "describe",
        "fetch",
        "read",
        "find",
        "query",
        "status",
        "of",
        "create",
        "update",
        "add",
        "rename",
        "move",
        "upload",
        "label",
        "send",
        "delete",
        "remove",
        "drop",
        "purge",
        "terminate",
        "revoke",
        "run",
        "execute",
        "start",
        "stop",
        "restart",
        "trigger",
        "deploy",
        "set",
        "by",
        "the",
        "a",
        "to",
        "for",
        "and",
        "or",
        "all",
        "new",
        "info",
        "details",
        "data",
        "tool",
    ]
)


def name_words(name: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(name) if len(w) > 2 and w.lower() not in STOP_WORDS}


class Neighbourhoods:
    """Indexes over the whole catalog, built once per build in the parent and shared with the workers."""

    def __init__(
        self,
        servers: list[dict[str, Any]],
        tools: dict[int, dict[str, Any]],
        similar: dict[int, list[int]] | None = None,
    ) -> None:
        """`similar`: the similar-servers map of a previous build, when no server's tool names changed."""
        self.tools = tools
        self._elsewhere: dict[tuple[int, int, int], list[tuple[str, int]]] = {}
        self._sort_keys: dict[str, list[tuple[str, str, int]]] = {}
        # Each tool's sort key is made once and the groups sorted as plain tuples (compared in C): a key
        # function called per tool and group was a good part of a rebuild's fixed cost at 100k tools.
        keyed: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        for tool in tools.values():
            groups = self._groups(tool)
            if groups:
                key = (tool["name"].lower(), tool["server_slug"], tool["id"])
                for group in groups:
                    keyed[group].append(key)
        self.by_group: dict[str, list[int]] = defaultdict(list)
        self.position: dict[tuple[str, int], int] = {}
        for group, keys in keyed.items():
            keys.sort()
            self._sort_keys[group] = keys  # for `dirty`'s look-ups of removed entries
            ids = self.by_group[group] = [k[2] for k in keys]
            self.position.update(((group, tool_id), pos) for pos, tool_id in enumerate(ids))
        self.similar = similar if similar is not None else _similar_servers(servers, tools)

    @staticmethod
    def groups_of(tool: dict[str, Any]) -> list[str]:
        """The "same capability elsewhere" lists a tool is in: its capabilities, else its category."""
        return Neighbourhoods._groups(tool)

    @staticmethod
    def _groups(tool: dict[str, Any]) -> list[str]:
        cls = tool.get("cls")
        if not cls:
            return []
        caps = [c for c in cls.get("capabilities") or [] if isinstance(c, str)]
        return [f"cap:{c}" for c in caps] or [f"cat:{cls['category']}"]

    def same_server(self, server: dict[str, Any], tool_id: int, limit: int = 10) -> list[int]:
        ids = server["tool_ids"]
        if len(ids) <= limit + 1:
            return [i for i in ids if i != tool_id]
        at = ids.index(tool_id)
        start = max(0, min(at - limit // 2, len(ids) - limit - 1))
        return [i for i in ids[start : start + limit + 1] if i != tool_id][:limit]

    def elsewhere(self, tool_id: int, per_group: int = 3, limit: int = 6) -> list[tuple[str, int]]:
        """(group label, tool id) pairs from other servers that share a capability (or the category).

        Memoised per process: a rendered tool page needs them twice (its key, then its links).
        """
        memo_key = (tool_id, per_group, limit)
        found = self._elsewhere.get(memo_key)
        if found is None:
            found = self._elsewhere[memo_key] = self._find_elsewhere(tool_id, per_group, limit)
        return found

    def _find_elsewhere(self, tool_id: int, per_group: int, limit: int) -> list[tuple[str, int]]:
        tool = self.tools[tool_id]
        found: list[tuple[str, int]] = []
        seen = {tool_id}
        for group in self._groups(tool):
            ids = self.by_group[group]
            at = self.position[(group, tool_id)]
            picked = 0
            for offset in (1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6):
                j = at + offset
                if 0 <= j < len(ids) and ids[j] not in seen:
                    other = self.tools[ids[j]]
                    if other["server_id"] != tool["server_id"]:
                        seen.add(ids[j])
                        found.append((group.split(":", 1)[1], ids[j]))
                        picked += 1
                if picked >= per_group:
                    break
        return found[:limit]


    def _keys(self, group: str) -> list[tuple[str, str, int]]:
        """The sort keys of a group's list (kept from sorting it)."""
        return self._sort_keys.get(group, [])

    def dirty(self, old: list[list[Any]], new: list[list[Any]], radius: int = 7) -> set[int]:
        """Tools whose "elsewhere" links may differ from the previous build's.

        `old` and `new` are the link entries (see `keys.link_entries`) of the servers that changed, as
        the previous build saw them and as they are now; every other server's entries are the same in
        both builds. A tool's links are taken from the six places either side of it in each of its
        lists, so they can differ only if an entry was added within that distance of it or removed
        from between its neighbours: marking `radius` (> 6) places around each added entry and each
        removed entry's place finds them all without comparing the lists.
        """
        old_set, new_set = set(map(tuple, old)), set(map(tuple, new))
        marks: list[tuple[str, int]] = []
        for entry in new_set - old_set:
            at = self.position.get((entry[0], entry[3]))
            if at is not None:
                marks.append((entry[0], at))
        for entry in old_set - new_set:
            if self.by_group.get(entry[0]):
                marks.append((entry[0], bisect_left(self._keys(entry[0]), (entry[1], entry[2], entry[3]))))
        found: set[int] = set()
        for group, at in marks:
            found.update(self.by_group[group][max(0, at - radius) : at + radius + 1])
        return found


def server_words(server: dict[str, Any], tools: dict[int, dict[str, Any]]) -> list[str]:
    """The words of a server's tool names that "similar servers" compares, sorted."""
    bag: set[str] = set()
    for tool_id in server["tool_ids"]:
        bag |= name_words(tools[tool_id]["name"])
    return sorted(bag)


def _similar_servers(
    servers: list[dict[str, Any]], tools: dict[int, dict[str, Any]], limit: int = 5, candidates: int = 60
) -> dict[int, list[int]]:
    words: dict[int, set[str]] = {}
    postings: dict[str, list[int]] = defaultdict(list)
    for index, server in enumerate(servers):
        bag: set[str] = set()
        for tool_id in server["tool_ids"]:
            bag |= name_words(tools[tool_id]["name"])
        words[index] = bag
        for word in bag:
            postings[word].append(index)
    result: dict[int, list[int]] = {}
    for index, server in enumerate(servers):
        bag = words[index]
        if not bag:
            continue
        pool: set[int] = set()
        # Rarest words first: they say most about the server and keep the candidate set small.
        for word in sorted(bag, key=lambda w: (len(postings[w]), w)):
            plist = postings[word]
            if len(plist) > 1:
                at = bisect_left(plist, index)
                pool.update(plist[max(0, at - candidates // 2) : at + candidates // 2])
            if len(pool) >= candidates:
                break
        pool.discard(index)
        scored = sorted(
            ((len(bag & words[o]) / len(bag | words[o]), servers[o]["slug"], o) for o in pool),
            key=lambda t: (-t[0], t[1]),
        )
        result[server["id"]] = [servers[o]["id"] for score, _, o in scored[:limit] if score > 0]
    return result
