"""Turning a downloaded artifact into tool records, behind one swappable function.

The language extractors (``crawler.extract.extract_path``) read source trees and archives safely and never
run code. Besides them, an artifact may *declare* its tools: an MCPB bundle's ``manifest.json`` and
``tools.json`` files hold tool lists. Those are read here straight from the archive, in memory, with size
limits, never written to disk, and used when the source code yields nothing.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from catalog.records import ExtractionProblem, ExtractionResult, ServerExtraction
from crawler.extract.tools_json import ToolsJsonError, records_from_json

Extractor = Callable[[Path], ExtractionResult]
MANIFEST_NAMES = ("tools.json", "manifest.json")
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
MAX_MEMBERS = 50_000


class TooManyFiles(Exception):
    """An archive with more entries than any real server package has: refused (zip-bomb style)."""


def _members(path: Path) -> Iterator[tuple[str, Callable[[], bytes], int]]:
    """(name, reader, size) of the regular files of a tar or zip archive, without extracting anything."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise TooManyFiles(f"more than {MAX_MEMBERS} entries")
            for info in infos:
                if not info.is_dir():
                    yield info.filename, (lambda info=info: zf.read(info)), info.file_size
        return
    with tarfile.open(path, "r:*") as tar:
        for n, member in enumerate(tar):
            if n >= MAX_MEMBERS:
                raise TooManyFiles(f"more than {MAX_MEMBERS} entries")
            if member.isfile():
                yield member.name, (lambda m=member: tar.extractfile(m).read()), member.size  # type: ignore[union-attr]


def _strip_top(name: str) -> str:
    """npm tarballs put everything under package/, GitHub tarballs under owner-repo-sha/."""
    parts = name.split("/")
    return "/".join(parts[1:]) if len(parts) > 1 else name


def manifest_tools(path: Path) -> ExtractionResult:
    """Tools declared in tools.json / MCPB manifest.json files inside an archive."""
    result = ExtractionResult()
    try:
        for name, read, size in _members(path):
            base = name.rsplit("/", 1)[-1]
            if base not in MANIFEST_NAMES or "node_modules/" in name:
                continue
            if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
                result.problems.append(ExtractionProblem(name, "refused: path outside the archive's folder"))
                continue
            if size > MAX_MANIFEST_BYTES:
                result.problems.append(ExtractionProblem(_strip_top(name), f"skipped: {size} bytes is too large"))
                continue
            result.files_scanned += 1
            result.bytes_scanned += size
            try:
                data = json.loads(read().decode("utf-8-sig"))
                if base == "manifest.json" and not (isinstance(data, dict) and isinstance(data.get("tools"), list)):
                    continue
                records = records_from_json(data, origin="package", file=_strip_top(name))
            except (UnicodeDecodeError, ValueError, ToolsJsonError) as exc:
                result.problems.append(ExtractionProblem(_strip_top(name), f"unreadable tool list: {exc}"))
                continue
            if records:
                sub = _strip_top(name).rsplit("/", 1)[0] if "/" in _strip_top(name) else ""
                server_name = data.get("name") if isinstance(data, dict) and isinstance(data.get("name"), str) else ""
                result.servers.append(
                    ServerExtraction(name=server_name or sub or path.stem, subpath=sub, tools=records)
                )
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as exc:
        result.problems.append(ExtractionProblem(path.name, f"corrupt or truncated archive: {exc}"))
    except TooManyFiles as exc:
        result.problems.append(ExtractionProblem(path.name, f"refused: {exc}"))
    return result


_EXACT_NPM = re.compile(r"^=?v?(\d+\.\d+\.\d+(?:[-+][\w.+-]*)?)$")
_REQUIRES_PIN = re.compile(
    r"^Requires-Dist:\s*([A-Za-z0-9][\w.-]*)\s*(?:\[[^\]]*\])?\s*\(?\s*===?\s*([\w.+!-]+)\s*\)?\s*$"
)


def pinned_versions(path: Path) -> dict[str, str]:
    """Dependencies the package pins to one exact version (npm `"dep": "1.2.3"`, `Requires-Dist: dep (==1.2.3)`).

    Read from the archive's own manifest (package.json, METADATA, PKG-INFO) in memory; PyPI names are keyed
    normalised (lower case, `-`). Anything unreadable yields no pins, never an error.
    """
    pins: dict[str, str] = {}
    try:
        for name, read, size in _members(path):
            parts = name.split("/")
            base = parts[-1]
            if size > MAX_MANIFEST_BYTES or "node_modules" in parts or len(parts) > 3:
                continue
            if base == "package.json" and len(parts) <= 2:
                data = json.loads(read().decode("utf-8-sig"))
                deps = data.get("dependencies") if isinstance(data, dict) else None
                for dep, spec in (deps or {}).items() if isinstance(deps, dict) else []:
                    match = _EXACT_NPM.match(spec.strip()) if isinstance(spec, str) else None
                    if match:
                        pins[dep] = match.group(1)
            elif base in ("METADATA", "PKG-INFO"):
                for line in read().decode("utf-8", "replace").splitlines():
                    match = _REQUIRES_PIN.match(line.split(";", 1)[0].strip())
                    if match:
                        pins[match.group(1).lower().replace("_", "-").replace(".", "-")] = match.group(2)
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, ValueError, TooManyFiles):
        return pins
    return pins


@functools.cache
def source_extractor_available() -> bool:
    return importlib.util.find_spec("crawler.extract.dispatch") is not None


def default_extractor(path: Path) -> ExtractionResult:
    """Source extraction first; declared manifests when the source yields no tool."""
    result = ExtractionResult()
    if source_extractor_available():
        from crawler.extract import extract_path

        result = extract_path(path)
    if result.tools:
        return result
    declared = manifest_tools(path)
    if not declared.tools:
        # Keep the source result: its servers carry unresolved entries (dynamic names, delegation to a dependency).
        result.problems += declared.problems
        return result
    declared.problems = result.problems + declared.problems
    declared.files_scanned += result.files_scanned
    return declared


def with_suffix_link(path: Path, suffix: str, folder: Path) -> Path:
    """Extractors tell archive types by name; give the cached body one without copying it."""
    target = folder / f"artifact{suffix}"
    try:
        os.link(path, target)
    except OSError:
        target.write_bytes(path.read_bytes())
    return target


def run_extractor(extractor: Extractor, path: Path, suffix: str) -> ExtractionResult:
    if path.name.endswith(suffix):
        return extractor(path)
    with tempfile.TemporaryDirectory(prefix="mcp-catalog-artifact-") as tmp:
        return extractor(with_suffix_link(path, suffix, Path(tmp)))


def normalise_subpath(subpath: str) -> str:
    """Subpaths inside npm (package/...) or GitHub (owner-repo-sha/...) tarballs, relative to the project."""
    sub = subpath.strip("/")
    first, _, rest = sub.partition("/")
    if first == "package" or re.search(r"-[0-9a-f]{7,40}$", first):
        return rest
    return sub


def select_servers(result: ExtractionResult, subfolder: str | None) -> list[ServerExtraction]:
    """The extracted server(s) that belong to this catalog server: the monorepo subfolder's, or all."""
    servers = [s for s in result.servers if s.tools]
    for s in servers:
        s.subpath = normalise_subpath(s.subpath)
    if subfolder:
        want = subfolder.strip("/")
        inside = [s for s in servers if s.subpath == want or s.subpath.startswith(want + "/")]
        if inside:
            return inside
        # An extractor that did not split the tree: keep the tools declared in files under the subfolder.
        tools = [
            t
            for s in servers
            for t in s.tools
            if normalise_subpath(f"{s.subpath}/{t.file or ''}").startswith(want + "/")
        ]
        return [ServerExtraction(name=want.rsplit("/", 1)[-1], subpath=want, tools=tools)] if tools else []
    return servers
