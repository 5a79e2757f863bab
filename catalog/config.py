"""Settings: one object passed to every stage, from defaults, environment variables and CLI flags.

Package registry URLs are never written here: they come from the user's own npm and pip configuration
(see ``crawler.registries``), so the crawler works behind corporate mirrors.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ENV_PREFIX = "MCP_CATALOG_"


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(ENV_PREFIX + name, default)


@dataclass
class Settings:
    db: str = "catalog.db"
    # The user's cache folder (XDG), so running the CLI inside a project leaves no .cache/ behind.
    cache_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mcp-catalog"
    )
    user_agent: str = "mcp-catalog/0.1 (+https://github.com/mcp-tool-catalog; MCP tool risk catalog crawler)"
    # Source base URLs: settable so the crawler can be pointed at a mirror or a test server.
    registry_url: str = "https://registry.modelcontextprotocol.io"
    github_api_url: str = "https://api.github.com"
    github_url: str = "https://github.com"
    glama_url: str = "https://glama.ai"
    npm_registry_url: str | None = None  # None: ask `npm config get registry`
    pypi_index_url: str | None = None  # None: ask pip's configuration
    github_token: str | None = field(default=None, repr=False)
    concurrency_per_host: int = 4
    requests_per_second_per_host: float = 5.0
    timeout_seconds: float = 30.0
    max_retries: int = 4
    # Also ask GitHub for the repository metadata (stars, licence, archived) of servers whose tools come from a
    # package: one more conditional request per server.
    fetch_repo_metadata: bool = False
    max_archive_bytes: int = 200 * 1024 * 1024
    max_archive_files: int = 50_000
    max_file_bytes: int = (
        8 * 1024 * 1024
    )  # one-file bundles of real servers reach 3-4 MB (JS is cut to its tool statements)
    site_dir: Path = Path("site")
    policies_dir: Path = Path("recommended_policies")
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Defaults, then MCP_CATALOG_* variables, then explicit overrides (CLI flags) that are not None."""
        s = cls()
        env_map: dict[str, str] = {
            "db": "DB",
            "cache_dir": "CACHE_DIR",
            "registry_url": "REGISTRY_URL",
            "github_api_url": "GITHUB_API_URL",
            "github_url": "GITHUB_URL",
            "glama_url": "GLAMA_URL",
            "npm_registry_url": "NPM_REGISTRY_URL",
            "pypi_index_url": "PYPI_INDEX_URL",
            "user_agent": "USER_AGENT",
        }
        for attr, var in env_map.items():
            value = _env(var)
            if value:
                setattr(s, attr, Path(value) if attr == "cache_dir" else value)
        s.github_token = os.environ.get("GITHUB_TOKEN") or _env("GITHUB_TOKEN")
        for key, value in overrides.items():
            if value is None:
                continue
            if not hasattr(s, key):
                raise TypeError(f"unknown setting {key}")
            setattr(s, key, value)
        return s

    def public_dict(self) -> dict[str, Any]:
        """Settings as recorded on a run: no secrets."""
        data = asdict(self)
        data.pop("github_token", None)
        return {k: str(v) if isinstance(v, Path) else v for k, v in data.items()}
