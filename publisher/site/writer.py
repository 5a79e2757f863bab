"""Incremental output: a file is rendered only when its inputs changed, and written only when its bytes did.

The manifest (`.build-manifest.json` in the output folder) maps each site-relative path to two hashes:
the hash of the page's input context (plus the template/code version) and the hash of the bytes
written. A rebuild skips rendering when the input hash matches, and skips the write when the rendered
bytes hash the same. The manifest is trusted to describe the files on disk (stat-ing 220,000 files is a
measurable share of a rebuild); a build with `verify=True` checks that each file still exists and
re-creates missing ones, the repair for a hand-edited output folder; files of the previous build that are no longer
produced are deleted. Output is deterministic, so an unchanged catalog rewrites nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.site.linefile import read_records, write_records

MANIFEST_NAME = ".build-manifest.json"


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def context_hash(context: Any, salt: str) -> str:
    """Hash of a JSON-able page context: equal contexts render equal pages."""
    payload = json.dumps(context, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return digest((salt + payload).encode("utf-8"))


Files = dict[str, list[str]]
# Per server slug: [digest of every input of the server's files, those files' manifest entries, number of
# files, number of pages]; the entries as a dict, or as the JSON text they were saved as (decoded only
# when the server is re-examined).
ServerGroups = dict[str, list[Any]]


def server_group(server_digest: str, entries: Files) -> list[Any]:
    return [server_digest, entries, len(entries), sum(1 for rel in entries if rel.endswith(".html"))]


def group_files(group: list[Any]) -> Files:
    """A server group's files, decoding (once) entries still held as JSON text."""
    files = group[1]
    if isinstance(files, str):
        try:
            files = json.loads(files)
        except ValueError:
            files = {}
        group[1] = files = files if isinstance(files, dict) else {}
    return files


@dataclass
class Manifest:
    """The previous build: its salt, its catalog-wide files and the per-server groups.

    A rebuild after a small crawl keeps most servers' groups as they are; holding their entries as text
    spares decoding and re-encoding 200,000 entries that nothing looks at.
    """

    salt: str | None = None
    files: Files = field(default_factory=dict)  # catalog-wide files only
    servers: ServerGroups = field(default_factory=dict)

    def server_files(self, slug: str) -> Files:
        group = self.servers.get(slug)
        return group_files(group) if group is not None else {}

    def all_files(self) -> Files:
        """Every file of the previous build (decodes every group)."""
        files = dict(self.files)
        for group in self.servers.values():
            files.update(group_files(group))
        return files


def load_manifest(out_dir: Path) -> Manifest:
    """The previous build's manifest; an empty one when there is none or it is unreadable."""
    loaded = read_records(out_dir / MANIFEST_NAME)
    if loaded is None or not isinstance(loaded[0].get("files"), dict):
        return Manifest()
    header, records = loaded
    groups: ServerGroups = {}
    for head, entries in records:
        if len(head) == 4 and isinstance(head[0], str):
            slug, server_digest, n_files, n_pages = head
            groups[slug] = [server_digest, entries, n_files, n_pages]
    return Manifest(header.get("salt"), dict(header["files"]), groups)


def save_manifest(out_dir: Path, files: Files, salt: str, servers: ServerGroups | None = None) -> None:
    """`files` holds the catalog-wide files; each server's own files are kept in its group of `servers`.

    Grouped, a rebuild adopts an unchanged server's entries in one step, without listing its files, and
    copies their text into the new manifest as it is.
    """
    records = []
    for slug, (server_digest, entries, n_files, n_pages) in sorted((servers or {}).items()):
        text = entries if isinstance(entries, str) else json.dumps(entries, sort_keys=True, separators=(",", ":"))
        records.append(([slug, server_digest, n_files, n_pages], text))
    write_records(out_dir / MANIFEST_NAME, {"salt": salt, "files": dict(sorted(files.items()))}, records)


@dataclass
class Writer:
    """Writes site files under `out_dir`, consulting the previous manifest; collects the new one."""

    out_dir: Path
    previous: dict[str, list[str]]
    entries: dict[str, list[str]] = field(default_factory=dict)
    written: int = 0
    unchanged: int = 0
    rendered: int = 0
    verify: bool = False  # True: do not trust the manifest, check that each listed file is on disk

    def __post_init__(self) -> None:
        self._root = str(self.out_dir)  # plain strings: a Path per file is measurable over 200k files

    def emit(self, rel: str, input_hash: str, render: Callable[[], str | bytes]) -> bool:
        """Render and write `rel` unless its inputs are unchanged; returns True when the file was written."""
        old = self.previous.get(rel)
        target = os.path.join(self._root, rel)
        if old is not None and old[0] == input_hash and self._on_disk(target):
            self.entries[rel] = old
            self.unchanged += 1
            return False
        content = render()
        self.rendered += 1
        data = content.encode("utf-8") if isinstance(content, str) else content
        output_hash = digest(data)
        self.entries[rel] = [input_hash, output_hash]
        if old is not None and old[1] == output_hash and self._on_disk(target):
            self.unchanged += 1
            return False
        # A direct write (no temporary file): the manifest is removed for the duration of a build, so a
        # crash half-way makes the next build re-check every file instead of trusting a partial one.
        try:
            _write_file(target, data)
        except FileNotFoundError:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            _write_file(target, data)
        self.written += 1
        return True

    def adopt(self, files: Files) -> None:
        """Keep a whole group of the previous build's files as they are (their inputs are unchanged)."""
        self.entries.update(files)
        self.unchanged += len(files)

    def adopt_count(self, count: int) -> None:
        """Count `count` files kept as they are, listed elsewhere (a server's group kept whole)."""
        self.unchanged += count

    def _on_disk(self, target: str) -> bool:
        return not self.verify or os.path.exists(target)

    def emit_text(self, rel: str, content: str | bytes) -> bool:
        """For small files built eagerly: the content is its own input."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        return self.emit(rel, digest(data), lambda: data)

    def counts(self) -> dict[str, int]:
        return {"written": self.written, "unchanged": self.unchanged, "rendered": self.rendered}


def _write_file(target: str, data: bytes) -> None:
    """Raw descriptor writes: a buffered file object per file was a measurable share of writing 220k files."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def remove_stale(out_dir: Path, previous: dict[str, list[str]], current: dict[str, list[str]]) -> int:
    """Delete files the previous build wrote and this one did not, then any folders left empty."""
    removed = 0
    parents: set[Path] = set()
    for rel in previous.keys() - current.keys():
        path = out_dir / rel
        try:
            path.unlink()
            removed += 1
            parents.add(path.parent)
        except FileNotFoundError:
            continue
    for folder in sorted(parents, key=lambda p: len(p.parts), reverse=True):
        while folder != out_dir and folder.is_relative_to(out_dir):
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent
    return removed
