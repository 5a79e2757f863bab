"""Command-line arguments to scan subjects.

An argument is a client config file (any format crawler.clientconfig reads), a server folder or archive,
a package (`npm:NAME[@VERSION]`, `pypi:NAME[==VERSION]`) or a tools/list JSON file. JSON files are told
apart by content: a `mcpServers`/`servers`/`context_servers` map is a config, a tool list is a tools file.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from publisher.scan.model import Subject


class ScanInputError(ValueError):
    """An argument that cannot be scanned; the message says what it is and what to do."""


ConfigReader = Callable[[Path], list[Any]]
ConfigDiscoverer = Callable[[], list[tuple[str, Path]]]

CONFIG_KEYS = ("mcpServers", "servers", "context_servers", "mcp_servers", "mcp")
ARCHIVES = (".tar.gz", ".tgz", ".zip", ".whl", ".tar")
_NPM = re.compile(r"^npm:(?P<name>(?:@[^/@\s]+/)?[^/@\s]+)(?:@(?P<version>[^\s]+))?$")
_PYPI = re.compile(r"^pypi:(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:==(?P<version>[^\s]+))?$")


def default_config_reader() -> ConfigReader:
    try:
        from crawler.clientconfig import read_config_file  # type: ignore[import-not-found]
    except ImportError as exc:
        raise ScanInputError(
            "reading MCP client configs needs crawler.clientconfig, which is not in this installation; "
            "scan a server folder, a package or a tools/list JSON instead"
        ) from exc
    return read_config_file


def default_discoverer() -> ConfigDiscoverer:
    try:
        from crawler.clientconfig import discover_config_files  # type: ignore[import-not-found]
    except ImportError as exc:
        raise ScanInputError(
            "finding MCP client configs needs crawler.clientconfig, which is not in this installation; "
            "name the config files to scan"
        ) from exc
    return discover_config_files


def subject_from_configured(server: Any) -> Subject:
    """A crawler.clientconfig.ConfiguredServer (or anything with its fields) as a Subject."""

    def get(name: str) -> Any:
        value = getattr(server, name, None)
        return str(value) if isinstance(value, Path) else value

    return Subject(
        name=str(get("name") or "server"),
        kind=str(get("kind") or "command"),
        client=get("client"),
        config_path=get("config_path"),
        package=get("package"),
        version=get("version"),
        path=get("path"),
        url=get("url"),
        command=_command_text(get("command")),
        disabled=bool(get("disabled")),
    )


def _command_text(value: Any) -> str | None:
    """The configured command line as one string (clientconfig gives a list; credentials already redacted)."""
    if isinstance(value, list) and value:
        return shlex.join(str(v) for v in value)
    return value if isinstance(value, str) and value else None


def _jsonc(text: str) -> Any:
    try:
        from crawler.clientconfig import strip_jsonc  # type: ignore[import-not-found]

        return json.loads(strip_jsonc(text))
    except (ImportError, ValueError):
        return None


def _json_kind(path: Path) -> str:
    """ "config" or "tools" for a JSON file, by content."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScanInputError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        data = _jsonc(text)  # VS Code and Claude Code configs allow comments and trailing commas
        if data is None:
            raise ScanInputError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    if isinstance(data, dict) and any(isinstance(data.get(k), dict) for k in CONFIG_KEYS):
        return "config"
    if isinstance(data, list) or (isinstance(data, dict) and ("tools" in data or "result" in data or "name" in data)):
        return "tools"
    raise ScanInputError(
        f"{path}: neither an MCP client config (no {'/'.join(CONFIG_KEYS[:3])} map) nor a tools/list JSON"
    )


def subjects_for_args(args: Sequence[str], *, read_config: ConfigReader | None = None) -> list[Subject]:
    """Subjects for the given arguments, in argument order."""
    subjects: list[Subject] = []
    for arg in args:
        if m := _NPM.match(arg):
            subjects.append(Subject(name=m["name"], kind="npm", package=m["name"], version=m["version"]))
            continue
        if m := _PYPI.match(arg):
            subjects.append(Subject(name=m["name"], kind="pypi", package=m["name"], version=m["version"]))
            continue
        if arg.startswith(("npm:", "pypi:")):
            raise ScanInputError(f"{arg}: not a package name (use npm:NAME[@VERSION] or pypi:NAME[==VERSION])")
        path = Path(arg).expanduser()
        if not path.exists():
            raise ScanInputError(f"{arg}: no such file or folder")
        if path.is_dir() or path.name.lower().endswith(ARCHIVES):
            name = path.resolve().name
            for suffix in ARCHIVES:
                name = name.removesuffix(suffix)
            subjects.append(Subject(name=name or "server", kind="local", path=str(path)))
            continue
        if path.suffix.lower() == ".json" and _json_kind(path) == "tools":
            subjects.append(Subject(name=path.stem, kind="tools-json", path=str(path)))
            continue
        reader = read_config or default_config_reader()
        try:
            configured = reader(path)
        except Exception as exc:  # the reader's ConfigError, or a parser error: report, do not trace
            raise ScanInputError(f"{arg}: cannot read as an MCP client config: {exc}") from exc
        subjects += [subject_from_configured(s) for s in configured]
    return subjects


def discover_subjects(
    *, discover: ConfigDiscoverer | None = None, read_config: ConfigReader | None = None
) -> tuple[list[Subject], list[str]]:
    """Subjects from every client config found on this machine, and problems with configs that failed."""
    found = (discover or default_discoverer())()
    reader = read_config or default_config_reader()
    subjects: list[Subject] = []
    problems: list[str] = []
    for _client, path in found:
        try:
            subjects += [subject_from_configured(s) for s in reader(path)]
        except Exception as exc:  # one broken config must not hide the others
            problems.append(f"{path}: {exc}")
    return subjects, problems
