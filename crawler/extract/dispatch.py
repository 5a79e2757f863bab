"""The extraction driver: path in (folder, archive, tools/list JSON), one ServerExtraction per server out.

Cheap first, expensive last: the walk never follows links and skips dependency, test, example, docs and
vendored folders; files are filtered by extension, size, a binary sniff and the per-language byte markers
before any parser sees them, so a large repository with one small server costs little. Files are then grouped
per server folder (a manifest declaring an MCP SDK dependency marks one; a monorepo yields several) and each
language module gets all of that folder's files at once, under a time budget, in a worker thread. A module that
is missing, raises or overruns its budget becomes a recorded problem; the other servers and files go on.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import threading
import tokenize
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path, PurePosixPath
from typing import Any

from catalog.config import Settings
from catalog.records import ExtractionProblem, ExtractionResult, ServerExtraction, ToolRecord
from crawler.archive import ArchiveError, ArchiveLimits, is_archive, unpacked
from crawler.extract.base import LANGUAGES, FileResult, Language, SourceFile, language_for
from crawler.extract.js_shim import find_js_delegation
from crawler.extract.python_ast import console_script_modules, declares_tools
from crawler.extract.python_shim import find_delegation
from crawler.extract.tools_json import ToolsJsonError, records_from_json

# Folders that hold dependencies, tests, examples, docs, build caches or vendored code: never a server's tools.
SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".github", ".gitlab", ".idea", ".vscode", "node_modules", "bower_components",
        "__pycache__", ".venv", "venv", "env", ".env", ".tox", ".nox", ".mypy_cache", ".pytest_cache",
        ".ruff_cache", "site-packages", "vendor", "vendored", "_vendor", "third_party", "third-party",
        "tests", "test", "testing", "__tests__", "__mocks__", "spec", "specs", "e2e", "examples", "example",
        "samples", "sample", "demo", "demos", "fixtures", "__fixtures__", "testdata", "docs", "doc",
        "benchmarks", "benchmark", "target", "coverage", ".next", ".nuxt", ".cache", ".turbo", "Pods",
        ".terraform", "obj",
    }
)  # fmt: skip
TEST_FILE = re.compile(
    r"(^test_.*\.py$|_test\.py$|^conftest\.py$|\.(test|spec)\.[cm]?[jt]sx?$|_test\.go$|\.d\.[cm]?ts$|\.min\.js$"
    r"|Tests?\.(cs|java)$)"
)
MANIFESTS = (
    "package.json",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "go.mod",
    "Cargo.toml",
    "pom.xml",
    "PKG-INFO",
    "METADATA",
)
SNIFF_BYTES = 8192
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# Manifest text that marks an MCP server package (dependency names of the SDKs and frameworks).
MCP_DEPENDENCY = re.compile(
    rb"(?m)@modelcontextprotocol/|[\"'\s=]fastmcp\b|[\"'\[\s]mcp(\[[a-z,]+\])?\s*([\"'<>=~!;\[(]|$)|mcp-framework"
    rb"|mark3labs/mcp-go|modelcontextprotocol/go-sdk|metoro-io/mcp-golang|\brmcp\b|rust-mcp-sdk"
    rb"|ModelContextProtocol|io\.modelcontextprotocol|spring-ai-starter-mcp|spring-ai-mcp"
)
BASE_BUDGET_SECONDS = 20.0
BUDGET_SECONDS_PER_MB = 10.0


@dataclass
class Candidate:
    rel: str  # relative to the tree root, forward slashes
    language: Language
    text: str
    primary: bool = True  # holds a language marker; False: only read to resolve names the primaries import


@dataclass
class Walk:
    """What the walk found: candidate files, manifests per folder, counts and problems."""

    candidates: list[Candidate] = field(default_factory=list)
    manifests: dict[str, dict[str, str]] = field(default_factory=dict)  # folder -> {manifest name: text}
    entry_points: dict[str, str] = field(default_factory=dict)  # folder -> a wheel's entry_points.txt
    problems: list[ExtractionProblem] = field(default_factory=list)
    files: int = 0
    bytes: int = 0


def _is_binary(head: bytes) -> bool:
    return b"\x00" in head[:SNIFF_BYTES]


def walk_tree(root: Path, limits: ArchiveLimits, label: str) -> Walk:
    """Walk `root` without following links; read only files that may declare tools."""
    walk = Walk()
    seen_dirs: set[tuple[int, int]] = set()
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        folder, rel_folder = stack.pop()
        try:
            st = os.stat(folder, follow_symlinks=False)
            if (st.st_dev, st.st_ino) in seen_dirs:
                walk.problems.append(ExtractionProblem(f"{label}/{rel_folder}", "folder loop; visited once"))
                continue
            seen_dirs.add((st.st_dev, st.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            walk.problems.append(ExtractionProblem(f"{label}/{rel_folder}", f"cannot read folder: {exc.strerror}"))
            continue
        subfolders = []
        hidden: list[tuple[Path, str, str]] = []  # dot-folders: walked only when the package ships them
        for entry in entries:
            rel = f"{rel_folder}/{entry.name}" if rel_folder else entry.name
            try:
                if entry.is_symlink():
                    walk.problems.append(ExtractionProblem(f"{label}/{rel}", "symbolic link; not followed"))
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIP_DIRS and not entry.name.startswith("."):
                        subfolders.append((Path(entry.path), rel))
                    elif entry.name not in SKIP_DIRS:
                        hidden.append((Path(entry.path), rel, entry.name))
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue
                size = entry.stat(follow_symlinks=False).st_size
            except OSError as exc:
                walk.problems.append(ExtractionProblem(f"{label}/{rel}", f"cannot read: {exc.strerror}"))
                continue
            walk.files += 1
            walk.bytes += size
            if entry.name == "entry_points.txt" and rel_folder.endswith((".dist-info", ".egg-info")):
                if size <= limits.max_file_bytes:  # which modules a wheel's console scripts start
                    with open(entry.path, "rb") as fh:
                        text = fh.read().decode("utf-8", "replace")
                    walk.entry_points[_manifest_folder(rel_folder, "METADATA")] = text
                continue
            if entry.name in MANIFESTS:
                _read_manifest(entry.path, _manifest_folder(rel_folder, entry.name), entry.name, size, limits, walk)
                if entry.name != "setup.py":
                    continue
            lang = language_for(entry.name)
            if lang is None or TEST_FILE.search(entry.name):
                continue
            _read_candidate(Path(entry.path), rel, lang, size, limits, walk, label)
        package_json = walk.manifests.get(rel_folder, {}).get("package.json", "")
        subfolders += [(path, rel) for path, rel, name in hidden if _shipped_by(package_json, name)]
        stack.extend(reversed(subfolders))
    return walk


def _shipped_by(package_json: str, folder: str) -> bool:
    """Whether a package.json names a dot-folder in `files`, `bin` or `main` (`"files": [".smithery"]`): build
    tools put a package's only code there, so it is the server, not tooling to skip."""
    return bool(package_json) and re.search(rf"[\"/]{re.escape(folder)}[\"/]", package_json) is not None


def _manifest_folder(rel_folder: str, name: str) -> str:
    """Wheel METADATA and egg-info PKG-INFO describe the folder above their metadata folder."""
    path = PurePosixPath(rel_folder)
    if name in ("METADATA", "PKG-INFO") and path.name.endswith((".dist-info", ".egg-info")):
        parent = str(path.parent)
        return "" if parent == "." else parent
    return rel_folder


def _read_manifest(path: str, folder: str, name: str, size: int, limits: ArchiveLimits, walk: Walk) -> None:
    if size > limits.max_file_bytes:
        return
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        walk.manifests.setdefault(folder, {})[name] = data.decode("utf-8", "replace")
    except OSError:
        return


def _read_candidate(
    path: Path, rel: str, lang: Language, size: int, limits: ArchiveLimits, walk: Walk, label: str
) -> None:
    if size > limits.max_file_bytes:
        walk.problems.append(
            ExtractionProblem(f"{label}/{rel}", f"file of {size} bytes over the {limits.max_file_bytes}-byte limit")
        )
        return
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return
            data = fh.read(limits.max_file_bytes + 1)
    except OSError as exc:
        walk.problems.append(ExtractionProblem(f"{label}/{rel}", f"cannot read: {exc.strerror}"))
        return
    primary = any(marker in data for marker in lang.markers)
    if _is_binary(data):
        if not primary:
            return
        walk.problems.append(ExtractionProblem(f"{label}/{rel}", "binary content in a source file; skipped"))
        return
    try:
        text = _decode(data, lang)
    except (UnicodeDecodeError, LookupError, SyntaxError) as exc:
        if not isinstance(exc, UnicodeDecodeError):
            walk.problems.append(ExtractionProblem(f"{label}/{rel}", f"unknown source encoding ({exc}); skipped"))
            return
        walk.problems.append(
            ExtractionProblem(f"{label}/{rel}", f"not UTF-8 text (byte {exc.start}: {exc.reason}); skipped")
        )
        return
    if primary and lang.name == "python":
        primary = declares_tools(text)  # the rest are only read to resolve names
    walk.candidates.append(Candidate(rel, lang, text, primary))


def entry_modules_of(manifests: dict[str, str], entry_points: str | None) -> list[str]:
    """Dotted modules the package's console scripts start (pyproject scripts, or a wheel's entry_points.txt)."""
    if "pyproject.toml" in manifests:
        return console_script_modules(pyproject=manifests["pyproject.toml"])
    return console_script_modules(entry_points=entry_points) if entry_points else []


def _as_entry(cand: Candidate, owner: str, entries: list[str]) -> Candidate:
    """An entry-point module is always read: without it, what the package serves cannot be told from what it
    merely ships (legacy modules, examples), even when the entry module itself declares nothing."""
    if cand.primary or not entries:
        return cand
    rel = cand.rel[len(owner) + 1 :] if owner else cand.rel
    dotted = rel[:-3].replace("/", ".").removesuffix(".__init__")
    if any(dotted == e or dotted.endswith("." + e) for e in entries):
        return Candidate(cand.rel, cand.language, cand.text, True)
    return cand


def _module_word(rel: str) -> str:
    """The name other files import a file by: its stem, or its folder for __init__.py / index.ts."""
    path = PurePosixPath(rel)
    stem = path.name.split(".")[0]
    if stem in ("__init__", "index", "mod", "lib") and path.parent.name:
        return path.parent.name
    return stem


def with_support(files: list[Candidate]) -> list[Candidate]:
    """Primary files plus the marker-less files they import (constants, handlers, models), transitively.

    A file is pulled in when its module name appears as a word in an included file; a few rounds reach the
    helpers of helpers. Folders without any primary file cost nothing.
    """
    included = [c for c in files if c.primary]
    if not included:
        return []
    pending = [c for c in files if not c.primary]
    words: set[str] = set()
    fresh = included
    for _ in range(6):
        for c in fresh:
            words.update(WORD.findall(c.text))
        fresh = [c for c in pending if _module_word(c.rel) in words]
        if not fresh:
            break
        included += fresh
        pending = [c for c in pending if c not in fresh]
    order = {c.rel: i for i, c in enumerate(files)}
    return sorted(included, key=lambda c: order[c.rel])


def _decode(data: bytes, lang: Language) -> str:
    """UTF-8 (with or without BOM); Python files may declare another encoding in a PEP 263 coding cookie."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as not_utf8:
        if lang.name != "python":
            raise
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError:
            raise not_utf8 from None  # no usable coding cookie: report it as non-UTF-8 text
        if encoding in ("utf-8", "utf-8-sig"):
            raise
        return data.decode(encoding)


# -- grouping per server folder ------------------------------------------------------------------------
def is_mcp_manifest(texts: dict[str, str]) -> bool:
    return any(MCP_DEPENDENCY.search(text.encode("utf-8", "replace")) for text in texts.values())


def manifest_name(texts: dict[str, str]) -> str | None:
    """The package name a manifest declares (package.json, pyproject, Cargo, go.mod, setup.cfg/py)."""
    if "package.json" in texts:
        try:
            data = json.loads(texts["package.json"])
            if isinstance(data, dict) and isinstance(data.get("name"), str) and data["name"].strip():
                return data["name"].strip()
        except json.JSONDecodeError:
            pass
    for toml_name in ("pyproject.toml", "Cargo.toml"):
        if toml_name in texts:
            try:
                data = tomllib.loads(texts[toml_name])
            except (tomllib.TOMLDecodeError, ValueError):
                continue
            for path in (("project", "name"), ("tool", "poetry", "name"), ("package", "name")):
                node: Any = data
                for key in path:
                    node = node.get(key) if isinstance(node, dict) else None
                if isinstance(node, str) and node.strip():
                    return node.strip()
    if "go.mod" in texts:
        match = re.search(r"^module\s+(\S+)", texts["go.mod"], re.MULTILINE)
        if match:
            return match.group(1)
    for name, pattern in (
        ("METADATA", r"^Name:\s*(\S+)"),
        ("PKG-INFO", r"^Name:\s*(\S+)"),
        ("setup.cfg", r"^name\s*=\s*(\S+)"),
        ("setup.py", r"name\s*=\s*[\"']([^\"']+)"),
    ):
        if name in texts:
            match = re.search(pattern, texts[name], re.MULTILINE)
            if match:
                return match.group(1)
    return None


def server_folders(walk: Walk) -> list[str]:
    """Folders that are MCP server packages; the root ("") alone when none declares an MCP dependency."""
    folders = sorted(f for f, texts in walk.manifests.items() if is_mcp_manifest(texts))
    return [f for f in folders if not _metadata_copy(f, folders, walk.manifests)] or [""]


def _metadata_copy(folder: str, folders: list[str], manifests: dict[str, dict[str, str]]) -> bool:
    """An sdist's `src/pkg.egg-info/PKG-INFO` describes the package of an enclosing folder, not a server of its own."""
    texts = manifests.get(folder, {})
    if not texts or set(texts) - {"PKG-INFO", "METADATA"}:
        return False
    name = manifest_name(texts)
    for other in folders:
        inside = other == "" or folder.startswith(other + "/")
        if other != folder and inside and manifest_name(manifests.get(other, {})) == name:
            return True
    return False


def owner_folder(rel: str, folders: list[str]) -> str | None:
    """The deepest server folder holding `rel`."""
    parent = str(PurePosixPath(rel).parent)
    parent = "" if parent == "." else parent
    best: str | None = None
    for folder in folders:
        inside = folder == "" or parent == folder or parent.startswith(folder + "/")
        if inside and (best is None or len(folder) > len(best)):
            best = folder
    return best


# -- running language modules under a budget ------------------------------------------------------------
def run_with_budget(func: Callable[[], FileResult], seconds: float) -> FileResult | BaseException | None:
    """Run `func` in a daemon thread; None when it overran (the thread is abandoned, never joined)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = func()
        except BaseException as exc:  # noqa: BLE001 - reported as a problem by the caller
            box["error"] = exc

    worker = threading.Thread(target=target, name="extract-worker", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        return None
    return box.get("error", box.get("result"))


def _extract_language(
    lang: Language, files: list[SourceFile], label: str, problems: list[ExtractionProblem]
) -> FileResult | None:
    try:
        module = import_module(lang.module)
        extract = module.extract_files
    except (ImportError, AttributeError) as exc:
        problems.append(ExtractionProblem(label, f"no {lang.name} extractor available ({exc}); files skipped"))
        return None
    size_mb = sum(len(f.text) for f in files) / 1e6
    budget = BASE_BUDGET_SECONDS + BUDGET_SECONDS_PER_MB * size_mb
    outcome = run_with_budget(lambda: extract(files), budget)
    if outcome is None:
        problems.append(ExtractionProblem(label, f"{lang.name} extraction overran its {budget:.0f}s budget; skipped"))
        return None
    if isinstance(outcome, BaseException):
        problems.append(ExtractionProblem(label, f"{lang.name} extractor failed: {type(outcome).__name__}: {outcome}"))
        return None
    if not isinstance(outcome, FileResult):
        problems.append(ExtractionProblem(label, f"{lang.name} extractor returned {type(outcome).__name__}, not tools"))
        return None
    return outcome


def merge_duplicates(tools: list[ToolRecord]) -> list[ToolRecord]:
    """One tool per name (the first definition wins). Variants under complementary conditions (an if/else that
    defines the tool both ways) mean it is always there, so its condition is cleared."""
    kept: dict[str, ToolRecord] = {}
    for tool in tools:
        first = kept.get(tool.name)
        if first is None:
            kept[tool.name] = tool
            continue
        if first.conditional and (
            not tool.conditional
            or tool.conditional == f"not ({first.conditional})"
            or first.conditional == f"not ({tool.conditional})"
        ):
            first.conditional = None
        elif first.conditional and tool.conditional and tool.conditional != first.conditional:
            first.conditional = f"({first.conditional}) or ({tool.conditional})"
    return list(kept.values())


def extract_tree(root: Path, settings: Settings | None = None, *, label: str | None = None) -> ExtractionResult:
    """All servers under a folder: walk, pre-filter, group per server folder, run language modules, dedupe."""
    limits = ArchiveLimits.from_settings(settings or Settings())
    label = label or root.name
    walk = walk_tree(root, limits, label)
    result = ExtractionResult(problems=list(walk.problems), files_scanned=walk.files, bytes_scanned=walk.bytes)
    if walk.files == 0:
        result.problems.append(ExtractionProblem(label, "empty folder: no files to extract tools from"))
        return result
    folders = server_folders(walk)
    owned: dict[str, dict[str, list[Candidate]]] = {f: {} for f in folders}
    for cand in walk.candidates:
        owner = owner_folder(cand.rel, folders)
        if owner is not None:
            owned[owner].setdefault(cand.language.name, []).append(cand)
    groups: dict[str, dict[str, list[SourceFile]]] = {f: {} for f in folders}
    for owner, by_lang in owned.items():
        for lang_name, cands in by_lang.items():
            if lang_name == "python":
                entries = entry_modules_of(walk.manifests.get(owner, {}), walk.entry_points.get(owner))
                cands = [_as_entry(c, owner, entries) for c in cands]
            chosen = with_support(cands)
            if chosen:
                groups[owner][lang_name] = [
                    SourceFile(c.rel[len(owner) + 1 :] if owner else c.rel, c.text) for c in chosen
                ]
    by_name = {lang.name: lang for lang in LANGUAGES}
    for folder in folders:
        manifests = walk.manifests.get(folder, {})
        name = manifest_name(manifests) or (PurePosixPath(folder).name if folder else label)
        server = ServerExtraction(name=name, subpath=folder)
        counts: dict[str, int] = {}
        unread: list[tuple[str, str]] = []  # (file, reason) of source files a language module could not read
        for lang_name, files in groups[folder].items():
            if lang_name == "python" and "pyproject.toml" in manifests:
                files = [*files, SourceFile("pyproject.toml", manifests["pyproject.toml"])]
            elif lang_name == "python" and folder in walk.entry_points:
                files = [*files, SourceFile("entry_points.txt", walk.entry_points[folder])]
            where = f"{label}/{folder}" if folder else label
            found = _extract_language(by_name[lang_name], files, where, result.problems)
            if found is None:
                continue
            prefix = f"{folder}/" if folder else ""
            for tool in found.tools:
                if tool.file:
                    tool.file = prefix + tool.file
            for item in found.unresolved:
                if isinstance(item.get("file"), str):
                    item["file"] = prefix + item["file"]
            for problem in found.problems:
                result.problems.append(ExtractionProblem(f"{label}/{prefix}{problem.path}", problem.reason))
                if problem.reason.startswith("minified or generated"):
                    unread.append((prefix + problem.path, problem.reason))
            server.tools.extend(found.tools)
            server.unresolved.extend(found.unresolved)
            counts[lang_name] = len(found.tools)
        server.tools = merge_duplicates(server.tools)
        server.language = max(counts, key=lambda k: counts[k]) if counts else None
        if not server.tools and not server.unresolved and unread:
            # the code that would declare the tools was not read: say so, rather than guess a delegation
            server.unresolved += [
                {"file": f, "line": None, "reason": f"tools not read: {why}; use live introspection", "expression": f}
                for f, why in unread[:3]
            ]
        if not server.tools and not server.unresolved:
            py_files = {c.rel[len(folder) + 1 :] if folder else c.rel: c.text for c in owned[folder].get("python", [])}
            delegation = find_delegation(manifests, py_files)
            if delegation is not None:
                manifest = next((m for m in ("pyproject.toml", "PKG-INFO", "METADATA") if m in manifests), "")
                where = f"{folder}/{manifest}" if folder else manifest
                server.unresolved.append(delegation.as_unresolved(where, manifests.get(manifest, "")))
                server.language = server.language or "python"
        if not server.tools and not server.unresolved and "package.json" in manifests:
            js_files = {
                c.rel[len(folder) + 1 :] if folder else c.rel: c.text for c in owned[folder].get("typescript", [])
            }
            delegation = find_js_delegation(manifests["package.json"], js_files)
            if delegation is not None:
                where = f"{folder}/package.json" if folder else "package.json"
                server.unresolved.append(delegation.as_unresolved(where, manifests["package.json"]))
                server.language = server.language or "typescript"
        if not server.tools and not server.unresolved and "package.json" in manifests:
            js_files = {
                c.rel[len(folder) + 1 :] if folder else c.rel: c.text for c in owned[folder].get("typescript", [])
            }
            launcher = find_binary_launcher(manifests["package.json"], js_files)
            if launcher is not None:
                server.unresolved.append(
                    launcher if not folder else {**launcher, "file": f"{folder}/{launcher['file']}"}
                )
        if server.tools or server.unresolved or folder == "" or len(folders) == 1:
            result.servers.append(server)
    return result


SPAWNS = re.compile(r"\bchild_process\b|\b(?:spawn|spawnSync|execFile|execFileSync)\s*\(")
DECLARES_MCP = re.compile(r"@modelcontextprotocol/|\bMcpServer\b|ListToolsRequestSchema|\bregisterTool\b|\.tool\(")


def find_binary_launcher(package_json: str, js_files: dict[str, str]) -> dict[str, Any] | None:
    """An npm package whose command only starts a prebuilt native binary (a Go or Rust server shipped through
    npm): its tools are compiled into the binary, so the JavaScript source has none. Said as unresolved, not
    reported as a server without tools."""
    try:
        manifest = json.loads(package_json)
    except ValueError:
        return None
    bins = manifest.get("bin") if isinstance(manifest, dict) else None
    targets = [bins] if isinstance(bins, str) else list(bins.values()) if isinstance(bins, dict) else []
    for target in targets:
        rel = str(PurePosixPath(str(target))).removeprefix("./")
        text = js_files.get(rel)
        if text and SPAWNS.search(text) and not DECLARES_MCP.search(text):
            return {
                "file": rel,
                "line": None,
                "reason": "no tools in the package source: its command starts a prebuilt native binary "
                "(tools are compiled into it; use live introspection)",
                "expression": rel,
            }
    return None


def extract_tools_json(path: Path) -> ExtractionResult:
    """A static tools/list dump: one server whose name is the dump's `server` field or the file name."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        records = records_from_json(data, origin="dump", file=path.name)
    except UnicodeDecodeError as exc:
        return ExtractionResult(problems=[ExtractionProblem(str(path), f"not UTF-8 text: {exc.reason}")])
    except json.JSONDecodeError as exc:
        return ExtractionResult(
            problems=[ExtractionProblem(str(path), f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")]
        )
    except ToolsJsonError as exc:
        return ExtractionResult(problems=[ExtractionProblem(str(path), f"not a tools/list JSON file: {exc}")])
    name = path.stem
    if isinstance(data, dict):
        server = data.get("server") or data.get("serverInfo") or (data.get("result") or {}).get("serverInfo")
        if isinstance(server, dict):
            server = server.get("name")
        if isinstance(server, str) and server.strip():
            name = server.strip()
    return ExtractionResult(
        servers=[ServerExtraction(name=name, tools=merge_duplicates(records))],
        files_scanned=1,
        bytes_scanned=path.stat().st_size,
    )


def extract_path(path: Path, settings: Settings | None = None) -> ExtractionResult:
    """Folder, archive, tools/list JSON file or single source file -> servers, tools and problems."""
    settings = settings or Settings()
    if path.is_symlink() and not path.exists():
        return ExtractionResult(problems=[ExtractionProblem(str(path), "broken symbolic link")])
    if path.is_dir():
        return extract_tree(path, settings, label=path.resolve().name or str(path))
    if not path.is_file():
        return ExtractionResult(problems=[ExtractionProblem(str(path), "no such file or folder")])
    if path.suffix.lower() == ".json":
        return extract_tools_json(path)
    if is_archive(path):
        return extract_archive(path, settings)
    if language_for(path.name) is not None:
        return extract_single_file(path, settings)
    return ExtractionResult(
        problems=[
            ExtractionProblem(
                str(path), "not a folder, archive (.tar.gz .tgz .zip .whl), tools/list JSON or source file"
            )
        ]
    )


def extract_archive(path: Path, settings: Settings) -> ExtractionResult:
    limits = ArchiveLimits.from_settings(settings)
    try:
        size = path.stat().st_size
        if size > limits.max_archive_bytes:
            return ExtractionResult(
                problems=[ExtractionProblem(path.name, f"archive of {size} bytes over the size limit")]
            )
        with unpacked(path, limits) as unpack:
            label = _archive_label(path.name)
            result = extract_tree(unpack.root, settings, label=label)
            result.problems[:0] = unpack.problems
            for server in result.servers:
                if server.name == unpack.root.name or server.name.startswith("mcp-catalog-unpack-"):
                    server.name = label
            return result
    except ArchiveError as exc:
        return ExtractionResult(problems=[ExtractionProblem(path.name, f"corrupt or unsafe archive: {exc}")])
    except OSError as exc:
        return ExtractionResult(problems=[ExtractionProblem(path.name, f"cannot unpack: {exc}")])


def _archive_label(name: str) -> str:
    lower = name.lower()
    for suffix in (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tar", ".zip", ".whl"):
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


def extract_single_file(path: Path, settings: Settings) -> ExtractionResult:
    """One source file: a server that fits in a single script."""
    limits = ArchiveLimits.from_settings(settings)
    walk = Walk(files=1, bytes=path.stat().st_size)
    lang = language_for(path.name)
    assert lang is not None
    _read_candidate(path, path.name, lang, walk.bytes, limits, walk, path.parent.name or ".")
    result = ExtractionResult(problems=walk.problems, files_scanned=1, bytes_scanned=walk.bytes)
    server = ServerExtraction(name=path.stem, language=lang.name)
    if walk.candidates:
        found = _extract_language(lang, [SourceFile(path.name, walk.candidates[0].text)], path.name, result.problems)
        if found is not None:
            server.tools = merge_duplicates(found.tools)
            server.unresolved = found.unresolved
            result.problems += found.problems
    result.servers.append(server)
    return result
