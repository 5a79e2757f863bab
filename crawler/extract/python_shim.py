"""Shim packages: a Python package whose artifact holds no server, only a stub that hands over to a dependency.

Renamed projects (`old-name` now only depends on `new-name` and calls its `main`) and thin launcher packages
(`foo-server` whose console script points straight into the `foo` dependency) have no tools of their own. Saying
"0 tools" for them would be wrong and silently so; instead the server gets an explicit unresolved entry naming
the dependency, so the crawler (or a person) can follow it. Detection is cheap: manifest parsing plus the import
lines of the few files such packages hold. Pure functions: text in, findings out.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

# Frameworks and helpers a shim may import without that import being the hand-over target.
NOT_TARGETS = frozenset({"mcp", "fastmcp", "pydantic", "typer", "click", "rich", "dotenv", "httpx", "anyio"})
SERVER_SDKS = frozenset({"mcp", "fastmcp"})
REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
MAX_SHIM_FILES = 6  # a package with more code than this is a real package whose tools we failed to find


@dataclass(frozen=True)
class Delegation:
    dependency: str
    evidence: str

    def as_unresolved(self, file: str, manifest_text: str = "") -> dict[str, Any]:
        """The server's unresolved entry, pointing at the manifest line that declares the dependency."""
        lines = manifest_text.splitlines()
        line = next((i for i, text in enumerate(lines, 1) if self.dependency in text), 1 if lines else None)
        return {
            "file": file,
            "line": line,
            "reason": f"no tools: package delegates to dependency {self.dependency}",
            "expression": self.evidence,
            "delegates_to": self.dependency,
        }


def normalize(name: str) -> str:
    """PEP 503 normalisation with underscores, comparable with import names (`mcp-for-blender` -> mcp_for_blender)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _pyproject(manifests: dict[str, str]) -> dict[str, Any]:
    try:
        data = tomllib.loads(manifests.get("pyproject.toml") or "")
    except (tomllib.TOMLDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def runtime_dependencies(manifests: dict[str, str]) -> list[str]:
    """Names of the unconditional runtime dependencies declared by pyproject.toml, PKG-INFO/METADATA or setup.cfg."""
    names: list[str] = []
    data = _pyproject(manifests)
    for req in data.get("project", {}).get("dependencies", []) or []:
        if isinstance(req, str) and "extra ==" not in req:
            names.append(req)
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {}) or {}
    names += [k for k in poetry if isinstance(k, str) and k.lower() != "python"]
    for meta in ("PKG-INFO", "METADATA"):
        for line in (manifests.get(meta) or "").splitlines():
            if line.startswith("Requires-Dist:") and "extra ==" not in line:
                names.append(line.split(":", 1)[1])
    out: list[str] = []
    for req in names:
        match = REQUIREMENT_NAME.match(req)
        if match and match.group(1) not in out:
            out.append(match.group(1))
    return out


def entry_targets(manifests: dict[str, str]) -> list[str]:
    """Console-script targets (`module:function`) from pyproject.toml or setup.cfg."""
    targets: list[str] = []
    data = _pyproject(manifests)
    for table in (data.get("project", {}).get("scripts"), data.get("tool", {}).get("poetry", {}).get("scripts")):
        if isinstance(table, dict):
            targets += [v for v in table.values() if isinstance(v, str)]
    cfg = manifests.get("setup.cfg") or ""
    targets += re.findall(r"^\s*[\w.-]+\s*=\s*([\w.]+:[\w.]+)\s*$", cfg, re.MULTILINE)
    return targets


def _local_modules(files: dict[str, str]) -> set[str]:
    """Top-level import names the package itself provides (`src/` layouts included)."""
    tops: set[str] = set()
    for path in files:
        parts = list(PurePosixPath(path).with_suffix("").parts)
        if parts and parts[0] in ("src", "lib") and len(parts) > 1:
            parts = parts[1:]
        if parts:
            tops.add(parts[0])
    return tops


def _imported_tops(text: str) -> list[str]:
    """Absolute top-level modules a file imports, in order of appearance (anywhere: shims import lazily)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    tops: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            tops += [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            tops.append(node.module.split(".")[0])
    return tops


def _match(module: str, deps: list[str]) -> str | None:
    """The dependency providing `module`: same normalised name, or one name a prefix of the other."""
    top = normalize(module)
    for dep in deps:
        if normalize(dep) == top:
            return dep
    for dep in deps:
        norm = normalize(dep)
        if norm.startswith(top + "_") or top.startswith(norm + "_"):
            return dep
    return None


def find_delegation(manifests: dict[str, str], files: dict[str, str]) -> Delegation | None:
    """The dependency a tool-less package hands over to, or None when it does not look like a shim.

    `files` maps paths (relative to the package folder) to Python source text."""
    if len(files) > MAX_SHIM_FILES:
        return None
    deps = [d for d in runtime_dependencies(manifests) if normalize(d) not in NOT_TARGETS]
    if not deps:
        return None
    local = _local_modules(files)
    stdlib = sys.stdlib_module_names
    for target in entry_targets(manifests):
        module = target.split(":")[0].strip()
        top = module.split(".")[0]
        if top and top not in local:
            dep = _match(top, deps) or (deps[0] if len(deps) == 1 else None)
            if dep:
                return Delegation(dep, f"entry point {target} is not in this package")
    imports = {path: _imported_tops(files[path]) for path in sorted(files)}
    if any(top in SERVER_SDKS for tops in imports.values() for top in tops):
        return None  # it builds a server itself: tools we did not find are our miss, not a hand-over
    foreign: list[str] = []
    for tops in imports.values():
        for top in tops:
            if top not in local and top not in stdlib and normalize(top) not in NOT_TARGETS and top not in foreign:
                foreign.append(top)
    for top in foreign:
        dep = _match(top, deps)
        if dep:
            return Delegation(dep, f"imports {top} from the dependency")
    if foreign and len(deps) == 1:
        return Delegation(deps[0], f"imports {foreign[0]}, provided by its only dependency")
    return None
