"""The catalog-wide files: home, browse pages (risk, category, capability), the server index, changes,
search index, feeds, sitemap and llms.txt. Written by the parent process while the workers render the
per-server pages, through the same incremental `Writer`."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalog.taxonomy import CAPABILITY_DESCRIPTIONS, CATEGORY_DESCRIPTIONS, RISK_ORDER, Capability, Category
from publisher.site import urls
from publisher.site.charts import risk_bars, risk_stack
from publisher.site.loader import SiteData
from publisher.site.machine import atom_feed, llms_full_lines, llms_txt, sitemap_index, sitemaps
from publisher.site.pages import (
    CAPABILITY_FLAGS,
    CATEGORY_NAMES,
    RISK_RANK,
    UNCLASSIFIED,
    page_meta,
    risk_of,
    server_title,
    short,
)
from publisher.site.policy_files import PolicyIndex
from publisher.site.related import Neighbourhoods
from publisher.site.render import STATIC_FILES, environment, static_dir
from publisher.site.search_index import build_search_files
from publisher.site.writer import Manifest, Writer, context_hash, digest

PAGE_SIZE = 500


def _part_number(rel: str) -> int:
    """sitemaps/12.xml -> 12: parts are listed in the index in the order they were cut."""
    return int(rel.rsplit("/", 1)[1].split(".")[0])


def to_json(data: Any) -> str:
    # Compact separators keep json on its C encoder (indent= falls back to the slow Python one).
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"


@dataclass
class BuildState:
    """What the workers need; set in the parent before forking so children inherit it without pickling."""

    data: SiteData
    hood: Neighbourhoods
    policies: PolicyIndex
    previous: dict[str, list[str]]  # the previous build's catalog-wide files
    previous_servers: dict[str, list[Any]]  # its server groups, when their digests can be trusted
    manifest: Manifest
    out_dir: Path
    base_url: str
    salt: str
    servers_by_id: dict[int, dict[str, Any]]
    server_changes: dict[int, list[dict[str, Any]]]
    verify: bool = False
    definitions: bool = True  # False: tools' schemas not loaded yet, changed servers wait for a second pass
    defined: set[int] = field(default_factory=set)  # ids of servers whose tools' schemas are loaded anyway
    # Server id -> digest of its links to other servers' tools, where the previous build's still holds
    # (see `rebuild_plan`); the other servers compute theirs.
    known_links: dict[int, str] = field(default_factory=dict)
    artifact_keys: dict[str, str] = field(default_factory=dict)  # see `artifact_keys`
    previous_artifacts: dict[str, list[Any]] = field(default_factory=dict)  # the cache's, when trusted
    changed: set[str] = field(default_factory=set)  # slugs of servers whose rows changed since the cache
    # Adds the heavy text columns (descriptions...) to these servers' tools, when they were loaded without
    # them (a rebuild); for catalog-wide files that cannot reuse an unchanged server's previous part.
    load_servers: Callable[[list[dict[str, Any]]], None] | None = None


def change_row(change: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": change["id"],
        "at": change["at"],
        "kind": change["kind"],
        "tool": change["tool_name"],
        "url": urls.tool_path(change["server_slug"], change["tool_slug"]) if change.get("tool_slug") else None,
        "server": change["server_slug"],
        "server_url": urls.server_path(change["server_slug"]),
        "fields": list(change.get("changed_fields") or []),
    }


def _listing_row(tool: dict[str, Any], server: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": tool["name"],
        "url": urls.tool_path(server["slug"], tool["slug"]),
        "server": server_title(server),
        "server_url": urls.server_path(server["slug"]),
        "category": tool["cls"]["category"] if tool.get("cls") else "",
        "risk": risk_of(tool),
    }


def _listing_rows(tool_ids: list[int], data: SiteData, servers_by_id: dict[int, dict[str, Any]]) -> list[dict]:
    return [_listing_row(data.tools[i], servers_by_id[data.tools[i]["server_id"]]) for i in tool_ids]


def listing_row_key(tool: dict[str, Any], server: dict[str, Any]) -> str:
    """Everything a listing row shows, as one string cached on the tool (a tool is listed on 2-4 pages).

    Keying a browse page by these strings instead of hashing its rows' JSON skips building 300k row
    dicts when nothing changed.
    """
    key = tool.get("_row_key")
    if key is None:
        cls = tool.get("cls")
        key = tool["_row_key"] = "\x1f".join(
            (
                tool["name"],
                tool["slug"],
                server["slug"],
                server_title(server),
                cls["category"] if cls else "",
                risk_of(tool),
            )
        )
    return key


def _pages(base: str, rows: list[Any]) -> Iterator[tuple[int, str, list[Any], dict[str, Any]]]:
    count = max(1, -(-len(rows) // PAGE_SIZE))
    pages = [{"n": n, "url": urls.paged_path(base, n)} for n in range(1, count + 1)]
    for n in range(1, count + 1):
        yield n, urls.paged_path(base, n), rows[(n - 1) * PAGE_SIZE : n * PAGE_SIZE], {"pages": pages, "current": n}


ARTIFACTS = ("browse", "servers", "search", "llms", "sitemap")


def contributions(server: dict[str, Any], tools: list[dict[str, Any]]) -> dict[str, str]:
    """What one server puts into each catalog-wide artifact, as a digest per artifact.

    Computed only for servers whose rows changed (the cache keeps the others'); an artifact whose every
    server's part is unchanged is not rebuilt (see `GlobalPages._artifact`).
    """
    title = server_title(server)
    rows = [listing_row_key(t, server) for t in tools]
    caps = [",".join((t.get("cls") or {}).get("capabilities") or []) for t in tools]
    parts = {
        "browse": [f"{row}\x1f{cap}\x1f{t['id']}" for row, cap, t in zip(rows, caps, tools, strict=True)],
        "servers": [title, server["slug"], server.get("description") or "", *(risk_of(t) for t in tools)],
        "search": [title, server["name"], *(f"{row}\x1f{t.get('title') or ''}" for row, t in zip(rows, tools, strict=True))],
        "llms": [
            title,
            server.get("description") or "",
            *(f"{row}\x1f{cap}\x1f{t.get('description') or ''}" for row, cap, t in zip(rows, caps, tools, strict=True)),
        ],
        "sitemap": [t["slug"] for t in tools],
    }
    return {name: digest("\x1e".join(values).encode("utf-8")) for name, values in parts.items()}


def artifact_keys(servers: list[dict[str, Any]], contrib: dict[str, dict[str, str]]) -> dict[str, str]:
    """Per artifact, one key over every server's part (in slug order, with the slug)."""
    return {
        name: digest("\x1e".join(f"{s['slug']}\x1f{contrib[s['slug']][name]}" for s in servers).encode("utf-8"))
        for name in ARTIFACTS
    }


class GlobalPages:
    """The catalog-wide files, written by the parent while the workers render servers and tools."""

    def __init__(self, state: BuildState, writer: Writer) -> None:
        self.state = state
        self.writer = writer
        self.env = environment()
        self.sitemap_paths: list[str] = []
        self.artifacts: dict[str, list[Any]] = {}  # for the cache: what `_artifact` built or kept
        self.stats: dict[str, Any] = {}
        self.kept: list[str] = []  # artifacts whose files were kept without building them

    def page(self, template: str, ctx: dict[str, Any], **markup: Any) -> None:
        path = ctx["page"]["path"]
        self.sitemap_paths.append(path)
        input_hash = context_hash(ctx, self.state.salt)
        tpl = self.env.get_template(template)
        self.writer.emit(
            urls.file_for(path), input_hash, lambda: tpl.render(ctx, base_url=self.state.base_url, **markup)
        )

    def write_all(self) -> dict[str, Any]:
        data = self.state.data
        stats = self._artifact("browse", "", self._browse)["stats"]
        stats = dict(stats, servers=len(data.servers), tools=len(data.tools))
        self._home(stats)
        self._artifact("servers", "", self._servers_index)
        self._changes()
        self._search()
        self._machine(stats)
        self._static()
        return stats

    def _artifact(self, name: str, head: str, build: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
        """Files made together from every server's part (browse pages, search index...): when each
        server's part and `head` are as in the previous build, keep its files without building them.

        Returns the artifact's shared data (`build`'s result, e.g. counts), kept in the cache with the
        files and the sitemap paths of its pages.
        """
        key = self.state.artifact_keys.get(name)
        if key is not None:
            key = digest((self.state.salt + head + key).encode("utf-8"))
        cached = self.state.previous_artifacts.get(name)
        if key is not None and cached is not None and cached[0] == key and not self.state.verify:
            files, extra = cached[1], cached[2]
            self.kept.append(name)
            self.writer.adopt(files)
            self.sitemap_paths += extra.get("paths", [])
        else:
            before, paths_before = set(self.writer.entries), len(self.sitemap_paths)
            extra = dict(build() or {}, paths=self.sitemap_paths[paths_before:])
            files = {rel: self.writer.entries[rel] for rel in self.writer.entries.keys() - before}
        if key is not None:
            self.artifacts[name] = [key, files, extra]
        return extra

    def _browse(self) -> dict[str, Any]:
        """Home counts and the pages by risk, category and capability."""
        data = self.state.data
        ordered = sorted(
            data.tools,
            key=lambda i: (-RISK_RANK.get(risk_of(data.tools[i]), -1), data.tools[i]["name"].lower(), i),
        )
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for tool_id in ordered:
            tool = data.tools[tool_id]
            groups[("risk", risk_of(tool))].append(tool_id)
            if tool.get("cls"):
                groups[("category", tool["cls"]["category"])].append(tool_id)
                for cap in tool["cls"].get("capabilities") or []:
                    if cap in CAPABILITY_FLAGS:
                        groups[("capability", cap)].append(tool_id)
        stats = {
            "by_risk": {
                r: len(groups[("risk", r)]) for r in [*reversed(list(RISK_RANK)), UNCLASSIFIED] if groups[("risk", r)]
            },
            "by_category": {c: len(groups[("category", c)]) for c in CATEGORY_NAMES if groups[("category", c)]},
            "by_capability": {c: len(groups[("capability", c)]) for c in CAPABILITY_FLAGS if groups[("capability", c)]},
        }
        self._listings(groups, stats)
        return {"stats": stats}

    def _home(self, stats: dict[str, Any]) -> None:
        recent = [change_row(c) for c in self.state.data.changes[:10]]
        ctx = {
            "page": page_meta(
                "", "MCP tool risk catalog", f"Risk, capabilities and policies for {stats['tools']} MCP tools."
            ),
            "stats": stats,
            "recent": recent,
            "generated_at": self.state.data.generated_at,
        }
        self.page("home.j2", ctx, chart=risk_bars(stats["by_risk"]))

    def _listings(self, groups: dict[tuple[str, str], list[int]], stats: dict[str, Any]) -> None:
        specs = {
            "risk": (
                [r.value for r in reversed(RISK_ORDER)] + [UNCLASSIFIED],
                stats["by_risk"],
                lambda k: f"Tools rated {k} under taxonomy version 1.",
            ),
            "category": (
                CATEGORY_NAMES,
                stats["by_category"],
                lambda k: f"The tool {CATEGORY_DESCRIPTIONS[Category(k)]}.",
            ),
            "capability": (
                CAPABILITY_FLAGS,
                stats["by_capability"],
                lambda k: f"The tool {CAPABILITY_DESCRIPTIONS[Capability(k)]}.",
            ),
        }
        for kind, (keys, counts, describe) in specs.items():
            present = [k for k in keys if counts.get(k)]
            label = {"risk": "Risk levels", "category": "Categories", "capability": "Capabilities"}[kind]
            self.page(
                "group_index.j2",
                {
                    "page": page_meta(f"{kind}/", f"Tools by {kind}", f"MCP tools grouped by {kind}."),
                    "heading": f"Tools by {kind}",
                    "intro": f"{len(present)} {label.lower()} in use; pick one to list its tools, riskiest first.",
                    "groups": [
                        {"label": k, "url": urls.listing_path(kind, k), "count": counts[k], "text": describe(k)}
                        for k in present
                    ],
                },
            )
            for key in present:
                ids = groups[(kind, key)]
                siblings = [
                    {"label": k, "url": urls.listing_path(kind, k), "count": counts[k], "current": k == key}
                    for k in present
                ]
                heading = f"{key} risk" if kind == "risk" else key
                for n, path, chunk, pagination in _pages(urls.listing_path(kind, key), ids):
                    ctx = {
                        "page": page_meta(
                            path, f"{heading} MCP tools" + (f" (page {n})" if n > 1 else ""), describe(key)
                        ),
                        "kicker": f"Tools by {kind}",
                        "heading": heading,
                        "intro": describe(key),
                        "siblings": siblings,
                        "siblings_label": label,
                        "total": len(ids),
                        "pagination": pagination,
                    }
                    self._listing_page(ctx, chunk)

    def _listing_page(self, ctx: dict[str, Any], tool_ids: list[int]) -> None:
        """One browse page: keyed by its frame and its rows' keys; the rows are built only to render."""
        data, by_id = self.state.data, self.state.servers_by_id
        row_keys = "\x1e".join(listing_row_key(data.tools[i], by_id[data.tools[i]["server_id"]]) for i in tool_ids)
        path = ctx["page"]["path"]
        self.sitemap_paths.append(path)
        # The row keys are hashed as they are: JSON-encoding them escapes every separator, for nothing.
        input_hash = self._key(ctx, [row_keys])
        tpl = self.env.get_template("listing.j2")

        def render() -> str:
            rows = _listing_rows(tool_ids, data, by_id)
            return tpl.render(dict(ctx, rows=rows), base_url=self.state.base_url)

        self.writer.emit(urls.file_for(path), input_hash, render)

    def _servers_index(self) -> None:
        data = self.state.data
        rows = []
        for server in data.servers:
            counts = Counter(risk_of(data.tools[i]) for i in server["tool_ids"])
            worst = max(counts, key=lambda r: RISK_RANK.get(r, -1), default=UNCLASSIFIED)
            rows.append(
                {
                    "title": server_title(server),
                    "url": urls.server_path(server["slug"]),
                    "description": short(server.get("description"), 140),
                    "tools": len(server["tool_ids"]),
                    "worst": worst,
                    "counts": dict(sorted(counts.items())),
                }
            )
        tools_total = len(data.tools)
        for n, path, chunk, pagination in _pages("servers/", rows):
            ctx = {
                "page": page_meta(
                    path, "All MCP servers" + (f" (page {n})" if n > 1 else ""), "Every MCP server in the catalog."
                ),
                "rows": chunk,
                "total": len(rows),
                "tools_total": tools_total,
                "pagination": pagination,
            }
            input_hash = context_hash(ctx, self.state.salt)
            self.sitemap_paths.append(path)

            def render(ctx: dict[str, Any] = ctx) -> str:
                shown = [dict(r, chart=risk_stack(r["counts"], width=160, height=14)) for r in ctx["rows"]]
                return self.env.get_template("servers.j2").render(dict(ctx, rows=shown), base_url=self.state.base_url)

            self.writer.emit(urls.file_for(path), input_hash, render)

    def _changes(self) -> None:
        changes = self.state.data.changes
        latest_run = next((c["run_id"] for c in changes if c.get("run_id") is not None), None)
        if latest_run is not None:
            batch = [c for c in changes if c.get("run_id") == latest_run]
        else:
            latest_day = changes[0]["at"][:10] if changes else ""
            batch = [c for c in changes if c["at"][:10] == latest_day]
        counts = Counter(c["kind"] for c in batch)
        ctx = {
            "page": page_meta("changes/", "What changed", "Tools added, changed and removed in the latest crawl."),
            "latest": batch[0]["at"] if batch else None,
            "counts": {k: counts.get(k, 0) for k in ("added", "changed", "removed")},
            "rows": [change_row(c) for c in batch[:500]],
            "more": max(0, len(batch) - 500),
        }
        self.page("changes.j2", ctx)
        updated = changes[0]["at"] if changes else self.state.data.generated_at
        self.writer.emit_text("changes/feed.xml", atom_feed(self.state.base_url, changes, updated))

    def _search(self) -> None:
        self.page("search.j2", {"page": page_meta("search/", "Search", "Search MCP tools and servers by name.")})
        self._artifact("search", "", self._search_index)

    def _search_index(self) -> None:
        data = self.state.data
        docs = []
        for server in data.servers:
            title = server_title(server)
            docs.append(
                {
                    "kind": "s",
                    "name": title,
                    "url": urls.server_path(server["slug"]),
                    "words": f"{server['name']} {server['slug']}",
                }
            )
            for tool_id in server["tool_ids"]:
                tool = data.tools[tool_id]
                cls = tool.get("cls") or {}
                docs.append(
                    {
                        "kind": "t",
                        "name": tool["name"],
                        "server": title,
                        "risk": cls.get("risk", ""),
                        "category": cls.get("category", ""),
                        "url": urls.tool_path(server["slug"], tool["slug"]),
                        "words": tool.get("title") or "",
                    }
                )
        # Tokenising 100k names is the slow part: skip it when the documents are the same as last time.
        # Every document value is a string in a fixed field order: a join hashes them faster than JSON.
        docs_hash = digest((self.state.salt + "\x1e".join("\x1f".join(d.values()) for d in docs)).encode("utf-8"))
        self._file_set(
            lambda rel: rel.startswith("search/") and rel.endswith(".js"), docs_hash, lambda: build_search_files(docs)
        )

    def _machine(self, stats: dict[str, Any]) -> None:
        data, base = self.state.data, self.state.base_url
        self.writer.emit_text("llms.txt", llms_txt(base, stats, data.servers))

        def llms_full() -> dict[str, Any]:
            # Keyed by the raw values it shows (every server's part of the artifact key): cleaning every
            # description of the catalog is the slow part, so unchanged servers' blocks are copied from
            # the previous file.
            key = self.state.artifact_keys.get("llms") or self._key([stats, base], self._llms_full_inputs())
            old_blocks, old_text = self._previous_llms_blocks()
            if self.state.load_servers is not None:
                self.state.load_servers([s for s in data.servers if s["slug"] not in old_blocks])
            full = [llms_txt(base, stats, [], max_servers=0)]
            at, blocks = len(full[0]) + 1, []
            for server in data.servers:
                span = old_blocks.get(server["slug"]) if server["slug"] not in self.state.changed else None
                if span is not None:
                    block = old_text[span[0] : span[1]]
                else:
                    block = llms_full_lines(base, server, [data.tools[i] for i in server["tool_ids"]])
                full.append(block)
                blocks.append([server["slug"], at, at + len(block)])
                at += len(block) + 1
            self.writer.emit("llms-full.txt", key, lambda: "\n".join(full))
            return {"blocks": blocks}

        self._artifact("llms", context_hash([stats, base], ""), llms_full)
        own_paths = sorted(self.sitemap_paths)

        def sitemap() -> None:
            paths = list(own_paths)
            for server in data.servers:
                paths.append(urls.server_path(server["slug"]))
                paths += [urls.tool_path(server["slug"], data.tools[i]["slug"]) for i in server["tool_ids"]]
            paths.sort()
            sitemap_key = self._key([base, data.generated_at], paths)
            # Escaping 100k URLs is skipped when no path changed.
            self._file_set(
                lambda rel: rel.startswith("sitemap"), sitemap_key, lambda: sitemaps(base, paths, data.generated_at)
            )

        # The parts list paths only; the index (with the data's date) is re-made when the parts are kept.
        kept = len(self.kept)
        self._artifact("sitemap", "\x1e".join(own_paths), sitemap)
        parts = sorted((rel for rel in self.artifacts["sitemap"][1] if rel.startswith("sitemaps/")), key=_part_number)
        if len(self.kept) > kept and parts:
            self.writer.emit_text("sitemap.xml", sitemap_index(base, parts, data.generated_at))
        self.writer.emit_text("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n")
        self.writer.emit_text(
            "api/index.json",
            to_json(
                {
                    "generated_at": data.generated_at,
                    "servers": stats["servers"],
                    "tools": stats["tools"],
                    "by_risk": stats["by_risk"],
                    "server_api": "api/servers/{slug}.json",
                    "tool_api": "api/tools/{server}/{tool}.json",
                    "server_slugs": [s["slug"] for s in data.servers],
                }
            ),
        )

    def _previous_llms_blocks(self) -> tuple[dict[str, list[int]], str]:
        """Each server's block in the previous llms-full.txt (slug -> [start, end]) and its text; empty
        unless the file on disk is exactly the one the previous build wrote."""
        cached = self.state.previous_artifacts.get("llms")
        entry = self.state.previous.get("llms-full.txt")
        if not cached or not entry or "blocks" not in cached[2]:
            return {}, ""
        try:
            data = (self.state.out_dir / "llms-full.txt").read_bytes()
        except OSError:
            return {}, ""
        if digest(data) != entry[1]:
            return {}, ""
        return {slug: [start, end] for slug, start, end in cached[2]["blocks"]}, data.decode("utf-8")

    def _file_set(self, member: Callable[[str], bool], key: str, build: Callable[[], dict[str, str]]) -> None:
        """A group of files made together (search shards, sitemaps): when the previous build wrote them
        from the same key and they are all still there, keep them without building; else build and emit."""
        previous = {rel: hashes for rel, hashes in self.state.previous.items() if member(rel)}
        if previous and all(h[0] == key and (self.state.out_dir / rel).exists() for rel, h in previous.items()):
            self.writer.entries.update(previous)
            self.writer.unchanged += len(previous)
            return
        for rel, content in build().items():
            self.writer.emit(rel, key, lambda content=content: content)

    def _key(self, head: Any, parts: list[str]) -> str:
        """Input hash of a catalog-wide file: small JSON-able `head` plus many plain strings, joined."""
        return digest((context_hash(head, self.state.salt) + "\x1e".join(parts)).encode("utf-8"))

    def _llms_full_inputs(self) -> list[str]:
        data, parts = self.state.data, []
        for server in data.servers:
            parts.append("\x1f".join((server["slug"], server_title(server), server.get("description") or "")))
            for tool_id in server["tool_ids"]:
                tool = data.tools[tool_id]
                caps = ",".join((tool.get("cls") or {}).get("capabilities") or [])
                parts.append("\x1f".join((listing_row_key(tool, server), caps, tool.get("description") or "")))
        return parts

    def _static(self) -> None:
        for name in STATIC_FILES:
            self.writer.emit_text(f"static/{name}", (static_dir() / name).read_bytes())
