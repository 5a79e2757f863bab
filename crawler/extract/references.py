"""Reference tool lists for published packages, read from public dumps at run time (never copied).

A server that cannot start without credentials has no live ``tools/list`` to measure static extraction
against; the public dumps do have its tools: LiveMCPBench captured them live from running servers, the mcpm
registry lists them with their input schemas. Both name the package in their install commands (``npx -y
PKG``, ``uvx PKG``, ``uvx --from PKG cmd``, ``uv run --with PKG ...``), which is how an entry is matched to a
seed. Dumps are older than today's packages, so a difference can be version drift: the caller says so when
a reference name does not occur in the measured artifact at all.

Used by the measurement script (scripts/measure_extraction.py --reference-data) and `bench extract-recall`.

Example: load_references(Path("../shared/data"))[("npm", "tavily-mcp")].tools
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ReferenceTool:
    """One tool of a reference list, with the attributes the comparison reads from a live tool."""

    name: str
    description: str | None = None
    input_schema: dict[str, Any] | None = None
    annotations: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReferenceList:
    source: str  # livemcpbench | mcpm
    entry: str  # the dump entry it came from
    tools: tuple[ReferenceTool, ...]


def normalize(ecosystem: str, name: str) -> tuple[str, str]:
    """The key a package is matched by: PyPI names are case- and separator-insensitive."""
    if ecosystem == "pypi":
        return ecosystem, re.sub(r"[-_.]+", "-", name).lower()
    return ecosystem, name


def package_from_command(command: str | None, args: list[str]) -> tuple[str, str] | None:
    """The (ecosystem, package) an install command starts, without version; None for URLs, git and images."""
    words = [a for a in args if isinstance(a, str)]
    if command == "npx":
        names = [a for a in words if not a.startswith("-")]
        return _npm_name(names[0]) if names else None
    if command in ("uvx", "uv"):
        if command == "uv":  # uv run --with PKG ... / uv tool run PKG
            if "--with" in words:
                return _pypi_name(words[words.index("--with") + 1])
            if words[:2] == ["tool", "run"]:
                words = words[2:]
            else:
                return None
        if "--from" in words:
            return _pypi_name(words[words.index("--from") + 1])
        names = [a for i, a in enumerate(words) if not a.startswith("-") and not _takes_value(words[i - 1 : i])]
        return _pypi_name(names[0]) if names else None
    return None


def _takes_value(previous: list[str]) -> bool:
    """Whether the word before is a uvx option whose value is the next word (``--with mcp==1.9``)."""
    return bool(previous) and previous[0] in ("--with", "--python", "-p", "--index", "--index-url")


def _npm_name(spec: str) -> tuple[str, str] | None:
    if re.match(r"^(https?:|git[+:]|github:|\.|/)", spec):
        return None
    name = re.sub(r"(?<=.)@[^/@]*$", "", spec)  # drop @version / @latest, keep the scope's @
    return normalize("npm", name)


def _pypi_name(spec: str) -> tuple[str, str] | None:
    if re.match(r"^(https?:|git[+:]|\.|/)", spec):
        return None
    return normalize("pypi", re.split(r"[=<>!~@\[]", spec, maxsplit=1)[0])


def _tool(raw: dict[str, Any]) -> ReferenceTool | None:
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        return None
    schema = raw.get("inputSchema") if isinstance(raw.get("inputSchema"), dict) else None
    annotations = raw.get("annotations") if isinstance(raw.get("annotations"), dict) else {}
    description = raw.get("description") if isinstance(raw.get("description"), str) else None
    return ReferenceTool(name, description, schema, dict(annotations))


def livemcpbench_references(entries: list[dict[str, Any]]) -> dict[tuple[str, str], ReferenceList]:
    """LiveMCPBench entries: ``config.mcpServers`` says how the server was started, ``tools`` what it listed."""
    out: dict[tuple[str, str], ReferenceList] = {}
    for entry in entries:
        servers = ((entry.get("config") or {}).get("mcpServers") or {}).values()
        captured = [t for block in (entry.get("tools") or {}).values() for t in (block.get("tools") or [])]
        tools = tuple(t for t in map(_tool, captured) if t)
        for server in servers:
            key = package_from_command(server.get("command"), server.get("args") or [])
            if key and tools:
                out[key] = ReferenceList("livemcpbench", str(entry.get("name")), tools)
    return out


def mcpm_references(entries: list[dict[str, Any]]) -> dict[tuple[str, str], ReferenceList]:
    """mcpm registry entries: ``installations`` name the package, ``tools`` list its tools."""
    out: dict[tuple[str, str], ReferenceList] = {}
    for entry in entries:
        tools = tuple(t for t in map(_tool, entry.get("tools") or []) if t)
        if not tools:
            continue
        for install in (entry.get("installations") or {}).values():
            key = package_from_command(install.get("command"), install.get("args") or [])
            if key:
                out.setdefault(key, ReferenceList("mcpm", str(entry.get("name")), tools))
    return out


def load_references(data: Path) -> dict[tuple[str, str], ReferenceList]:
    """Every package's reference list from the dumps under ``data`` (the shared data folder's layout)."""
    dumps = data / "dumps"
    found: dict[tuple[str, str], ReferenceList] = {}
    mcpm_dir = dumps / "mcpm-registry" / "servers"
    if mcpm_dir.is_dir():
        entries = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(mcpm_dir.glob("*.json"))]
        found.update(mcpm_references([e for e in entries if isinstance(e, dict)]))
    bench = dumps / "livemcpbench-tools.json"
    if bench.is_file():
        entries = json.loads(bench.read_text(encoding="utf-8"))
        found.update(livemcpbench_references([e for e in entries if isinstance(e, dict)]))  # preferred
    if not found:
        raise FileNotFoundError(f"no reference dumps under {dumps} (expected mcpm-registry/ or livemcpbench)")
    return found
