"""Validate a whole recommended_policies folder: every file of every format, and the index that lists them.

`mcp-catalog build`, `quickstart` and `scan --write-policies` all write this layout; operators re-check it
after copying or editing it, and the tests run this over the real quickstart catalog. Each file is validated
by its format key (from index.json, else from its file name); a file the index lists but that is missing, or
a policy file on disk that the index does not list, is a failure too, since downloaders follow the index.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import jsonschema

from publisher.policy.formats import EXTRA_FORMATS, FORMATS
from publisher.policy.validate import validate_file_text
from publisher.policy.writer import SCHEMA_FILE

INDEX_FILE = "index.json"
KEY_BY_FILENAME = {f.filename: f.key for f in [*FORMATS.values(), *EXTRA_FORMATS.values()]}


@dataclass
class TreeCheck:
    """Counts per format and every failure (file, format, errors), ready for --json."""

    root: str
    servers: int = 0
    files: int = 0
    by_format: dict[str, dict[str, int]] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def add(self, rel: str, fmt: str, errors: list[str]) -> None:
        self.files += 1
        counts = self.by_format.setdefault(fmt, {"files": 0, "invalid": 0})
        counts["files"] += 1
        if errors:
            counts["invalid"] += 1
            self.failures.append({"file": rel, "format": fmt, "errors": errors})

    def as_dict(self) -> dict[str, Any]:
        return {
            "dir": self.root,
            "ok": self.ok,
            "servers": self.servers,
            "files": self.files,
            "valid": self.files - len({f["file"] for f in self.failures}),
            "by_format": dict(sorted(self.by_format.items())),
            "failures": self.failures,
        }


def _read(path: Path) -> tuple[str | None, str | None]:
    try:
        return path.read_text(encoding="utf-8"), None
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text ({exc.reason})"
    except OSError as exc:
        return None, f"unreadable: {exc.strerror or exc}"


def _index_entries(doc: Any) -> tuple[dict[str, str], list[str], int]:
    """(relative path -> format key, structural errors, server count) from a parsed index.json."""
    if not isinstance(doc, dict) or not isinstance(doc.get("servers"), dict):
        return {}, ['index.json must be an object with a "servers" map'], 0
    errors = [] if isinstance(doc.get("generated_at"), str) else ['index.json: "generated_at" is missing']
    listed: dict[str, str] = {}
    for slug, entry in doc["servers"].items():
        files = entry.get("files") if isinstance(entry, dict) else None
        if not isinstance(files, dict):
            errors.append(f"servers.{slug}: no files map")
            continue
        for preset, by_key in files.items():
            if not isinstance(by_key, dict):
                errors.append(f"servers.{slug}.files.{preset}: not a map of format to file")
                continue
            for key, rel in by_key.items():
                path = PurePosixPath(str(rel))
                if path.is_absolute() or ".." in path.parts:
                    errors.append(f"servers.{slug}.files.{preset}.{key}: {rel!r} points outside the folder")
                    continue
                listed[str(path)] = key
    return listed, errors, len(doc["servers"])


def check_tree(root: Path) -> TreeCheck:
    """Validate every file under `root` (a recommended_policies folder). Never raises for bad content."""
    result = TreeCheck(str(root))
    index_path = root / INDEX_FILE
    text, problem = _read(index_path) if index_path.is_file() else (None, "missing: every policy folder has one")
    listed: dict[str, str] = {}
    index_errors: list[str] = [problem] if problem else []
    if text is not None:
        try:
            listed, structural, result.servers = _index_entries(json.loads(text))
            index_errors += structural
        except json.JSONDecodeError as exc:
            index_errors.append(f"not valid JSON: {exc}")
    result.add(INDEX_FILE, "index.json", index_errors)
    schema_path = root / SCHEMA_FILE
    if schema_path.is_file():
        result.add(SCHEMA_FILE, "json-schema", _schema_errors(schema_path))
    on_disk = {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.parent != root and p.name in KEY_BY_FILENAME
    }
    for rel in sorted(on_disk | set(listed)):
        key = listed.get(rel) or KEY_BY_FILENAME.get(PurePosixPath(rel).name, "policy.json")
        if rel not in on_disk:
            result.add(rel, key, ["listed in index.json but missing"])
            continue
        text, problem = _read(root / rel)
        errors = [problem] if problem else validate_file_text(key, text or "")
        if rel not in listed and text is not None:
            errors = [*errors, "not listed in index.json"]
        result.add(rel, key, errors)
    return result


def _schema_errors(path: Path) -> list[str]:
    text, problem = _read(path)
    if problem:
        return [problem]
    try:
        jsonschema.Draft202012Validator.check_schema(json.loads(text or ""))
    except json.JSONDecodeError as exc:
        return [f"not valid JSON: {exc}"]
    except jsonschema.SchemaError as exc:
        return [f"not a valid JSON Schema: {exc.message}"]
    return []
