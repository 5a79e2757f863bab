"""Find a subject's tools: from the catalog when known, else by static extraction, else live (only with
--live). Every failure becomes a problem line on the server, never an exception: one unreadable server must
not hide the others.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from catalog.models import Server, ServerSource
from catalog.queries import latest_classifications, present_tools
from catalog.records import ToolRecord
from publisher.scan.model import Subject

LiveLister = Callable[[Subject], list[ToolRecord]]
Extractor = Callable[[Path], Any]


@dataclass
class Resolved:
    source: str  # catalog | static | live | tools-json | unresolved
    tools: list[dict[str, Any]] = field(default_factory=list)  # tools/list wire dicts (+ file/line)
    classifications: dict[str, Any] = field(default_factory=dict)  # by tool name, when the catalog has them
    problems: list[str] = field(default_factory=list)
    catalog_slug: str | None = None


def _wire(record: ToolRecord) -> dict[str, Any]:
    out = record.to_mcp()
    if record.file:
        out["file"], out["line"] = record.file, record.line
    return out


class CatalogIndex:
    """Lookups of scan subjects in the catalog, built once per scan."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.packages: dict[tuple[str, str], Server] = {}
        self.remotes: dict[str, Server] = {}
        for server in session.exec(select(Server).where(Server.status != "deleted")).all():
            for pkg in server.packages or []:
                if isinstance(pkg, dict) and pkg.get("identifier"):
                    kind = str(pkg.get("registry_type") or pkg.get("registry_name") or "").lower()
                    self.packages.setdefault((kind, str(pkg["identifier"]).lower()), server)
            for remote in server.remotes or []:
                if isinstance(remote, dict) and remote.get("url"):
                    self.remotes.setdefault(str(remote["url"]).rstrip("/"), server)

    def find(self, subject: Subject) -> Server | None:
        if subject.kind in ("npm", "pypi") and subject.package:
            return self.packages.get((subject.kind, subject.package.lower()))
        if subject.kind == "docker" and subject.package:
            image = subject.package.lower().split("@", 1)[0]
            bare = image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
            for key in (image, bare):
                found = self.packages.get(("oci", key)) or self.packages.get(("docker", key))
                if found is not None:
                    return found
            return None
        if subject.kind == "url" and subject.url:
            return self.remotes.get(subject.url.rstrip("/"))
        if subject.kind == "local" and subject.path:
            key = str(Path(subject.path).expanduser().resolve())
            src = self.session.exec(
                select(ServerSource).where(ServerSource.source == "local", ServerSource.external_id == key)
            ).first()
            return self.session.get(Server, src.server_id) if src else None
        return None

    def tools(self, server: Server) -> Resolved:
        rows = present_tools(self.session, server.id or -1)
        cls = latest_classifications(self.session, [t.id for t in rows if t.id is not None])
        tools = [
            {"name": t.name, "description": t.description or "", "inputSchema": t.input_schema or {}, "file": None}
            for t in rows
        ]
        by_name = {t.name: cls[t.id] for t in rows if t.id in cls}
        return Resolved("catalog", tools, by_name, catalog_slug=server.slug)


def _extract(path: Path, extractor: Extractor | None) -> Resolved:
    if extractor is None:
        try:
            from crawler.extract import extract_path as extractor
        except ImportError:
            return Resolved("unresolved", problems=["static extraction is not available in this installation"])
    try:
        result = extractor(path)
    except ImportError:
        return Resolved("unresolved", problems=["static extraction is not available in this installation"])
    except (OSError, ValueError) as exc:
        return Resolved("unresolved", problems=[f"{path}: {exc}"])
    seen: dict[str, dict[str, Any]] = {}
    for record in result.tools:
        seen.setdefault(record.name, _wire(record))
    problems = [f"{p.path}: {p.reason}" for p in result.problems]
    if not seen:
        problems.append(f"{path}: no tool definitions found by static extraction")
        return Resolved("unresolved", problems=problems)
    return Resolved("static", list(seen.values()), problems=problems)


def _tools_file(path: Path) -> Resolved:
    from crawler.extract.tools_json import ToolsJsonError, records_from_json

    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        records = records_from_json(data, origin="dump", file=path.name)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ToolsJsonError) as exc:
        return Resolved("unresolved", problems=[f"{path}: not a tools/list JSON file: {exc}"])
    raw = {x["name"]: x for x in _raw_items(data) if isinstance(x, dict) and isinstance(x.get("name"), str)}
    seen: dict[str, dict[str, Any]] = {}
    for record in records:
        wire = record.to_mcp()
        # Pre-classified lists (e.g. `mcp-catalog classify --json` output) keep their labels.
        item = raw.get(record.name, {})
        wire.update({k: item[k] for k in ("category", "risk", "capabilities", "rationale") if k in item})
        seen.setdefault(record.name, wire)
    return Resolved("tools-json", list(seen.values()))


def _raw_items(data: Any) -> list[Any]:
    from crawler.extract.tools_json import tool_list_from_json

    return tool_list_from_json(data)


def _local_script_dir(command: str | None) -> Path | None:
    """`python /srv/x/server.py` or `node ./dist/index.js`: the folder of a local script, if one is named."""
    if not command:
        return None
    try:
        parts = shlex.split(command)
    except ValueError:
        return None
    for part in parts[1:]:
        p = Path(part).expanduser()
        if p.suffix in (".py", ".js", ".mjs", ".cjs", ".ts") and p.is_file():
            return p.parent
    return None


PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg", "package.json", "go.mod", "Cargo.toml")


def source_for(path: Path) -> Path:
    """What to extract for a configured local path: a folder or archive as is; a script's project folder when
    the script sits in one (its tools may live in other modules), else the script alone (never its whole
    parent folder, which may be a home directory)."""
    if not path.is_file() or path.name.lower().endswith((".zip", ".tgz", ".tar.gz", ".whl")):
        return path
    for folder in (path.parent, path.parent.parent):
        if any((folder / name).is_file() for name in PROJECT_FILES):
            return folder
    return path


def _not_static(subject: Subject) -> str:
    if subject.kind in ("npm", "pypi"):
        return (
            f"{subject.kind} package {subject.package} is not in the catalog: fetch it first with "
            f"`mcp-catalog crawl --source {subject.kind}:{subject.package}` and scan with --db, or use --live"
        )
    if subject.kind == "docker":
        return f"docker image {subject.package or subject.command}: its tools can only be listed live (--live)"
    if subject.kind == "url":
        return f"remote server {subject.url}: its tools can only be listed live (--live)"
    return f"command {subject.command!r}: no local source to read; its tools can only be listed live (--live)"


def resolve_subject(
    subject: Subject,
    *,
    index: CatalogIndex | None = None,
    live: LiveLister | None = None,
    extractor: Extractor | None = None,
) -> Resolved:
    """Catalog first, then static extraction, then live introspection (only when `live` is given)."""
    if subject.kind == "tools-json" and subject.path:
        return _tools_file(Path(subject.path))
    if index is not None:
        server = index.find(subject)
        if server is not None:
            return index.tools(server)
    problems: list[str] = []
    source_dir = source_for(Path(subject.path)) if subject.kind == "local" and subject.path else None
    source_dir = source_dir or _local_script_dir(subject.command)
    if source_dir is not None:
        if source_dir.exists():
            found = _extract(source_dir, extractor)
            if found.source != "unresolved":
                return found
            problems += found.problems
        else:
            problems.append(f"{source_dir}: no such file or folder")
    else:
        problems.append(_not_static(subject))
    if live is None:
        return Resolved("unresolved", problems=problems)
    try:
        records = live(subject)
    except Exception as exc:  # a live server can fail in any way: report it on this server only
        return Resolved("unresolved", problems=problems + [f"live introspection failed: {exc}"])
    return Resolved("live", [_wire(r) for r in records])


def default_live(timeout: float = 30.0) -> LiveLister:
    """A lister that runs the server (sandboxed, see crawler.live) only because --live was given.

    A server from a client config starts exactly as the client would start it (command, environment and
    working folder from crawler.clientconfig.launch_spec); a bare package or URL on the command line starts
    with npx / uvx or is connected to directly.
    """
    try:
        from crawler.clientconfig import launch_spec
        from crawler.live import introspect_stdio, introspect_url
    except ImportError as exc:
        raise RuntimeError("live introspection (crawler.live) is not available in this installation") from exc

    def lister(subject: Subject) -> list[ToolRecord]:
        if subject.config_path:
            spec = launch_spec(Path(subject.config_path), subject.name, subject.client)
            if spec.missing:
                raise RuntimeError(f"placeholders without a value: {', '.join(sorted(set(spec.missing)))}")
            if spec.url:
                result = introspect_url(spec.url, headers=spec.headers, timeout=timeout, transport=spec.transport)
            else:
                result = introspect_stdio(spec.command, env=spec.env, timeout=timeout, cwd=spec.cwd)
        elif subject.kind == "url" and subject.url:
            result = introspect_url(subject.url, timeout=timeout)
        elif subject.kind == "npm" and subject.package:
            pkg = subject.package + (f"@{subject.version}" if subject.version else "")
            result = introspect_stdio(["npx", "-y", pkg], timeout=timeout)
        elif subject.kind == "pypi" and subject.package:
            pkg = subject.package + (f"=={subject.version}" if subject.version else "")
            result = introspect_stdio(["uvx", pkg], timeout=timeout)
        else:
            raise RuntimeError(f"nothing to start for {subject.label()!r}")
        return list(result.tools)

    return lister
