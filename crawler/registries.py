"""Where the user's package registries are: npm's and pip's own configuration, never a hard-coded host.

Corporate machines sit behind mirrors; reading the user's configuration makes the crawler fetch from the same
place their `npm install` / `pip install` would. Lookups are plain functions over injected readers so tests can
give them any environment without touching the real machine.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

Runner = Callable[[list[str]], str | None]


class RegistryNotConfigured(Exception):
    """No registry URL could be found; the message says how to set one."""


def run_command(argv: list[str]) -> str | None:
    """Run a configuration query (`npm config get registry`); None when the tool is absent or fails."""
    if shutil.which(argv[0]) is None:
        return None
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _clean(url: str | None) -> str | None:
    if not url:
        return None
    url = url.strip().strip("'\"")
    if not re.match(r"^https?://", url) and not url.startswith("file://"):
        return None
    return url.rstrip("/")


def _npmrc_registry(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() == "registry":
            return _clean(value)
    return None


def npm_registry_url(
    explicit: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    run: Runner = run_command,
    home: Path | None = None,
) -> str:
    """The npm registry: an explicit setting, else `npm config get registry`, else npm_config_registry, else
    ~/.npmrc. Raises RegistryNotConfigured when none says anything."""
    env = os.environ if env is None else env
    lookups: list[Callable[[], str | None]] = [
        lambda: explicit,
        lambda: run(["npm", "config", "get", "registry"]),
        lambda: env.get("npm_config_registry") or env.get("NPM_CONFIG_REGISTRY"),
        lambda: _npmrc_registry((home or Path.home()) / ".npmrc"),
    ]
    for lookup in lookups:  # in order, and lazily: asking npm is a subprocess
        url = _clean(lookup())
        if url:
            return url
    raise RegistryNotConfigured(
        "no npm registry configured: install npm, or run `npm config set registry URL`, "
        "or pass --npm-registry / MCP_CATALOG_NPM_REGISTRY_URL"
    )


def _pip_config_index(text: str) -> str | None:
    """`pip config list` prints lines like global.index-url='https://host/simple'."""
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip().endswith(".index-url"):
            return _clean(value)
    return None


def _pip_conf_files(env: Mapping[str, str], home: Path) -> list[Path]:
    files = [Path("/etc/pip.conf"), Path("/etc/xdg/pip/pip.conf")]
    files += [home / ".pip" / "pip.conf", home / ".config" / "pip" / "pip.conf"]
    if env.get("VIRTUAL_ENV"):
        files.append(Path(env["VIRTUAL_ENV"]) / "pip.conf")
    if env.get("PIP_CONFIG_FILE"):
        files.append(Path(env["PIP_CONFIG_FILE"]))
    return files


def _pip_conf_index(files: list[Path]) -> str | None:
    found: str | None = None
    for path in files:  # later files override earlier ones, as in pip
        parser = configparser.ConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except (OSError, configparser.Error):
            continue
        for section in ("global", "install", "download"):
            if parser.has_option(section, "index-url"):
                found = _clean(parser.get(section, "index-url")) or found
    return found


def pip_default_index() -> str | None:
    """pip's built-in default index, read from the installed pip package (so no host is written here)."""
    try:
        from pip._internal.models.index import PyPI  # type: ignore[import-not-found]
    except Exception:
        return None
    return _clean(getattr(PyPI, "simple_url", None))


def pypi_index_url(
    explicit: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    run: Runner = run_command,
    home: Path | None = None,
    default: Callable[[], str | None] = pip_default_index,
) -> str:
    """The simple index pip uses: explicit, PIP_INDEX_URL, `pip config list`, pip.conf files, then pip's
    default. Machines with only extra-index-url / find-links still get pip's default index."""
    env = os.environ if env is None else env

    def from_pip_config() -> str | None:
        listed = run(["pip", "config", "list"]) or run(["pip3", "config", "list"])
        return _pip_config_index(listed) if listed else None

    lookups: list[Callable[[], str | None]] = [
        lambda: explicit,
        lambda: env.get("PIP_INDEX_URL"),
        from_pip_config,
        lambda: _pip_conf_index(_pip_conf_files(env, home or Path.home())),
        default,
    ]
    for lookup in lookups:
        url = _clean(lookup())
        if url:
            return url
    raise RegistryNotConfigured(
        "no Python package index configured and pip is not importable: set PIP_INDEX_URL, "
        "`pip config set global.index-url URL`, or pass --pypi-index / MCP_CATALOG_PYPI_INDEX_URL"
    )


class RegistryUrls:
    """Resolve each registry URL once per crawl (asking npm is a subprocess) and remember the answer."""

    def __init__(self, npm: str | None = None, pypi: str | None = None) -> None:
        self._explicit = {"npm": npm, "pypi": pypi}
        self._resolved: dict[str, str] = {}

    def npm(self) -> str:
        if "npm" not in self._resolved:
            self._resolved["npm"] = npm_registry_url(self._explicit["npm"])
        return self._resolved["npm"]

    def pypi(self) -> str:
        if "pypi" not in self._resolved:
            self._resolved["pypi"] = pypi_index_url(self._explicit["pypi"])
        return self._resolved["pypi"]
