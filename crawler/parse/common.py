"""Small pure helpers shared by the list and dump parsers."""

from __future__ import annotations

import re
from typing import Any

from catalog.records import ToolRecord
from crawler.extract.tools_json import record_from_mcp
from crawler.sources.base import PackageRef

# Environment variable names that carry credentials. Registries rarely flag secrets explicitly, and a secret
# requirement is a useful risk signal (the server acts with someone's authority), so the name is the fallback.
_SECRET_NAME_RE = re.compile(
    r"(?:^|_)(?:API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|PWD|CREDENTIALS?|AUTH|PRIVATE|ACCESS_KEY|"
    r"SESSION|COOKIE|BEARER|PAT|CLIENT_SECRET|SIGNING)(?:_|$)",
    re.IGNORECASE,
)


def looks_secret(name: str) -> bool:
    """Whether an environment variable's name says it holds a credential (API_KEY, *_TOKEN, PASSWORD...)."""
    return bool(_SECRET_NAME_RE.search(name or ""))


def env_var(
    name: str, *, is_secret: bool | None = None, description: str | None = None, required: bool | None = None
) -> dict[str, Any]:
    """The DiscoveredServer.env_vars entry; ``is_secret_inferred`` says the flag came from the name alone."""
    entry: dict[str, Any] = {
        "name": name,
        "is_secret": bool(is_secret) if is_secret is not None else looks_secret(name),
    }
    if is_secret is None:
        entry["is_secret_inferred"] = True
    if description:
        entry["description"] = description
    if required is not None:
        entry["required"] = bool(required)
    return entry


def has_definitions(items: list[Any]) -> bool:
    """A tool list holds definitions when at least one entry has more than a name."""
    for item in items:
        if isinstance(item, dict) and any(
            item.get(k) for k in ("description", "inputSchema", "input_schema", "parameters", "arguments")
        ):
            return True
    return False


def tool_names(items: list[Any]) -> list[str]:
    names: list[str] = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


def tool_records(items: list[Any], *, file: str | None = None) -> list[ToolRecord]:
    """Wire-shaped tool dicts to ToolRecords (origin "dump"); unusable entries are dropped."""
    out: list[ToolRecord] = []
    for item in items:
        rec = record_from_mcp(item, origin="dump", file=file)
        if rec is not None:
            out.append(rec)
    return out


def dedupe_packages(packages: list[PackageRef]) -> list[PackageRef]:
    """One PackageRef per key, the first (usually the recommended installation) wins."""
    seen: set[str] = set()
    out: list[PackageRef] = []
    for pkg in packages:
        if pkg.key() not in seen:
            seen.add(pkg.key())
            out.append(pkg)
    return out


def text(value: Any) -> str | None:
    """A stripped string, or None for anything else or an empty string."""
    return value.strip() or None if isinstance(value, str) else None
