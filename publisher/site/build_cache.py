"""What a rebuild remembers of the previous build beyond its files: per-server summaries and derived data.

A rebuild after a small crawl must not redo catalog-wide work for servers that did not change. For each
server the cache keeps the digest of its own database rows (`raw`), its entries in the related-tool
lists and the words of its tool names (`detail`, JSON text decoded only for servers that changed), the
digest of the links its pages show to other servers' tools (`links`), and what it contributes to each catalog-wide file (`contrib`); it also keeps the similar-servers map and,
per catalog-wide artifact (browse pages, search index...), the key and files of the last build of it.

It lives next to the manifest (`.build-cache.json`) and is trusted only with the same code salt as the
build reading it (a template or code change invalidates it) and only alongside a manifest: a build
removes it first and writes it last, like the manifest, so a crash leaves no cache for half-written files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.site.linefile import read_records, write_records

CACHE_NAME = ".build-cache.json"


@dataclass
class ServerSummary:
    """One server as the previous build saw it."""

    raw: str  # digest of the server's rows: server, tools, classifications, change ids
    detail: str  # JSON text: {"entries": link entries, "words": tool-name words}
    links: str = ""  # digest of the links its tool pages show to related tools of other servers
    contrib: dict[str, str] = field(default_factory=dict)  # artifact name -> digest of this server's part

    def decoded(self) -> dict[str, Any]:
        try:
            value = json.loads(self.detail)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


@dataclass
class BuildCache:
    salt: str | None = None
    servers: dict[str, ServerSummary] = field(default_factory=dict)
    similar: dict[str, list[str]] = field(default_factory=dict)  # server slug -> similar servers' slugs
    # artifact name -> [key, {rel: manifest entry}, extra data the artifact's pages share (e.g. counts)]
    artifacts: dict[str, list[Any]] = field(default_factory=dict)


def load_cache(out_dir: Path, salt: str) -> BuildCache | None:
    """The previous build's cache if it was made by the same code and settings; else None."""
    loaded = read_records(out_dir / CACHE_NAME)
    if loaded is None or loaded[0].get("salt") != salt:
        return None
    header, records = loaded
    try:
        servers = {
            str(head[0]): ServerSummary(str(head[1]), detail, str(head[2]), dict(head[3])) for head, detail in records
        }
        return BuildCache(salt, servers, dict(header["similar"]), dict(header["artifacts"]))
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def drop_cache(out_dir: Path) -> None:
    (out_dir / CACHE_NAME).unlink(missing_ok=True)


def save_cache(out_dir: Path, cache: BuildCache) -> None:
    records = [([slug, s.raw, s.links, s.contrib], s.detail) for slug, s in sorted(cache.servers.items())]
    header = {"salt": cache.salt, "similar": cache.similar, "artifacts": cache.artifacts}
    write_records(out_dir / CACHE_NAME, header, records)
