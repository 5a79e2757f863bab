"""Write `recommended_policies/`: every published server, every preset, every format, plus `index.json`.

Layout (the site links to it):
    index.json                               {"version", "generated_at", "servers": {SLUG: {...}}}
    gateway-policy.schema.json               the JSON Schema every policy.json validates against
    SLUG/PRESET/{policy.json, intercept.yaml, claude-code.json, disabled-tools.json, policy.cedar}

Output is deterministic (only `generated_at` varies) and a file is rewritten only when its content changed,
so a rebuild of an unchanged catalog touches nothing and a static host re-uploads only what moved.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from catalog.config import Settings
from catalog.models import Tool
from catalog.queries import latest_classifications, published_servers
from catalog.slugs import slugify
from publisher.policy.formats import FORMATS
from publisher.policy.model import ServerPolicy, build_server_policies
from publisher.policy.options import PRESETS, PolicyOptions, options_from_env
from publisher.policy.validate import gateway_schema, validate_file_text

INDEX_VERSION = "1"
SCHEMA_FILE = "gateway-policy.schema.json"
_SAFE_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,199}$")
OUR_FILES = {f.filename for f in FORMATS.values()}


@dataclass
class WriteSummary:
    servers: int = 0
    files_written: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    invalid: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "servers": self.servers,
            "files_written": self.files_written,
            "files_unchanged": self.files_unchanged,
            "files_removed": self.files_removed,
            "invalid": self.invalid,
        }


def safe_dir_name(slug: str) -> str:
    """A server slug as a folder name; slugs from catalog.slugs already pass, anything else is re-slugged."""
    return slug if _SAFE_SLUG.match(slug) and ".." not in slug else slugify(slug)


def write_if_changed(path: Path, text: str) -> bool:
    """Write atomically, only when the bytes differ; True when written."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def policy_files(policy: ServerPolicy) -> dict[str, tuple[str, str]]:
    """{FORMAT: (relative path, text)} for one server policy."""
    base = f"{safe_dir_name(policy.slug)}/{policy.preset}"
    return {key: (f"{base}/{fmt.filename}", fmt.render(policy)) for key, fmt in FORMATS.items()}


def write_server_policies(
    out_dir: Path,
    policies: Iterable[ServerPolicy],
    summary: WriteSummary,
    *,
    validate: bool = False,
) -> dict[str, dict[str, str]]:
    """Write the files of one server's policies (one per preset); returns {PRESET: {FORMAT: relpath}}."""
    files: dict[str, dict[str, str]] = {}
    for policy in policies:
        entry: dict[str, str] = {}
        for key, (rel, text) in policy_files(policy).items():
            if validate:
                summary.invalid += [f"{rel}: {e}" for e in validate_file_text(key, text)]
            if write_if_changed(out_dir / rel, text):
                summary.files_written += 1
            else:
                summary.files_unchanged += 1
            entry[key] = rel
        files[policy.preset] = entry
    return files


def _index_text(servers: Mapping[str, Any], generated_at: str) -> str:
    doc = {"version": INDEX_VERSION, "generated_at": generated_at, "servers": dict(sorted(servers.items()))}
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_index(out_dir: Path, servers: Mapping[str, Any], summary: WriteSummary, now: datetime | None = None) -> None:
    """index.json, keeping the old `generated_at` when nothing else changed (so the file is not rewritten)."""
    path = out_dir / "index.json"
    try:
        old = json.loads(path.read_text("utf-8"))
        if isinstance(old, dict) and old.get("servers") == json.loads(json.dumps(dict(servers))):
            summary.files_unchanged += 1
            return
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        pass
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    if write_if_changed(path, _index_text(servers, stamp)):
        summary.files_written += 1


def remove_stale(out_dir: Path, keep: set[str], summary: WriteSummary) -> None:
    """Delete folders of servers no longer published (only folders that hold nothing but our files)."""
    if not out_dir.is_dir():
        return
    for child in sorted(out_dir.iterdir()):
        if not child.is_dir() or child.is_symlink() or child.name in keep:
            continue
        files = [p for p in child.rglob("*") if p.is_file() or p.is_symlink()]
        if files and all(p.name in OUR_FILES and p.parent.parent == child for p in files):
            summary.files_removed += len(files)
            shutil.rmtree(child)


def options_from_settings(settings: Settings) -> PolicyOptions:
    """Options passed in by a caller (settings.extra["policy_options"]), else from MCP_CATALOG_POLICY_* variables."""
    value = settings.extra.get("policy_options")
    return value if isinstance(value, PolicyOptions) else options_from_env()


def write_schema(out_dir: Path, summary: WriteSummary) -> None:
    """The gateway policy.json JSON Schema beside the policies, for people who validate what they download."""
    schema = json.dumps(gateway_schema(), indent=2, ensure_ascii=False) + "\n"
    if write_if_changed(out_dir / SCHEMA_FILE, schema):
        summary.files_written += 1
    else:
        summary.files_unchanged += 1


def write_all_policies(
    session: Session,
    settings: Settings,
    out_dir: Path,
    *,
    validate: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Every published server's policies with the latest classifications; returns a summary dict."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    options = options_from_settings(settings)
    servers = published_servers(session)
    tools_by_server: dict[int, list[Tool]] = {}
    for tool in session.exec(select(Tool).where(Tool.present).order_by(Tool.server_id, Tool.name)).all():
        tools_by_server.setdefault(tool.server_id, []).append(tool)
    classifications = latest_classifications(session)
    summary = WriteSummary()
    index: dict[str, Any] = {}
    for n, server in enumerate(servers, 1):
        tools = tools_by_server.get(server.id or -1, [])
        cls = {t.id: classifications[t.id] for t in tools if t.id in classifications}
        policies = build_server_policies(server, tools, cls, PRESETS, options)
        files = write_server_policies(out_dir, policies, summary, validate=validate)
        index[server.slug] = {"name": server.name or server.slug, "tools": len(tools), "files": files}
        summary.servers += 1
        if progress:
            progress(n, len(servers))
    write_index(out_dir, index, summary)
    write_schema(out_dir, summary)
    remove_stale(out_dir, {safe_dir_name(s) for s in index}, summary)
    return summary.as_dict()
