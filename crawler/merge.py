"""Merging sightings of one server from several sources into one catalog row.

A server is identified by its normalised GitHub repository (plus the monorepo subfolder) or by any of its
package identifiers (npm:@scope/name, pypi:name...). Pure functions: the pipeline keeps the index and writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from crawler.sources.base import DiscoveredServer, PackageRef

_GITHUB = re.compile(
    r"^(?:git\+)?(?:https?://|git://|ssh://git@|git@)?(?:www\.)?github\.com[/:]"
    r"(?P<owner>[A-Za-z0-9_.-]+)/(?P<repo>[A-Za-z0-9_.-]+?)(?:\.git)?(?P<rest>/.*)?$"
)

# Which source's description/title wins when several describe one server (lower is better).
SOURCE_PRECEDENCE = {"registry": 0, "npm": 1, "pypi": 1, "github": 2, "seeds": 3, "glama": 4}


def source_rank(source: str) -> int:
    return SOURCE_PRECEDENCE.get(source.split(":", 1)[0], 5)


@dataclass(frozen=True)
class RepoRef:
    owner: str
    repo: str
    subfolder: str | None = None

    @property
    def url(self) -> str:
        return f"https://github.com/{self.owner}/{self.repo}"

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.repo}"


def parse_github_url(url: str | None, subfolder: str | None = None) -> RepoRef | None:
    """Normalise any GitHub repository URL form (git+https, ssh, .git, /tree/branch/sub) to owner/repo,
    lower-cased (GitHub names are case-insensitive), keeping a monorepo subfolder."""
    if not url:
        return None
    url = url.strip()
    if url.startswith("github:"):
        url = "https://github.com/" + url[len("github:") :].lstrip("/")
    m = _GITHUB.match(url)
    if not m:
        return None
    owner, repo = m.group("owner").lower(), m.group("repo").lower()
    if repo.endswith(".git"):
        repo = repo[:-4]
    rest = m.groupdict().get("rest") or ""
    rest = rest.split("#", 1)[0].split("?", 1)[0]
    tree = re.match(r"^/(?:tree|blob)/[^/]+/(?P<sub>.+?)/?$", rest)
    sub = subfolder or (tree.group("sub") if tree else None)
    sub = sub.strip("/") if sub else None
    if sub and sub.lower().endswith(("readme.md", ".md")):
        sub = sub.rsplit("/", 1)[0] if "/" in sub else None
    return RepoRef(owner, repo, sub or None)


def normalise_package_id(registry_type: str, identifier: str) -> str:
    """npm names are lower-case; PyPI names compare after PEP 503 normalisation."""
    kind = registry_type.lower()
    ident = identifier.strip()
    if kind == "pypi":
        ident = re.sub(r"[-_.]+", "-", ident).lower()
    elif kind == "npm":
        ident = ident.lower()
    return f"{kind}:{ident}"


def merge_keys(found: DiscoveredServer) -> list[str]:
    """Every identity of a sighting; two sightings sharing any key are one server."""
    keys: list[str] = []
    ref = parse_github_url(found.repository_url, found.repository_subfolder)
    if ref:
        keys.append(f"repo:{ref.full_name}#{ref.subfolder or ''}")
    for pkg in found.packages:
        if pkg.registry_type.lower() in ("npm", "pypi", "nuget", "cargo", "oci", "mcpb"):
            keys.append(normalise_package_id(pkg.registry_type, _strip_oci_tag(pkg)))
    return keys


def _strip_oci_tag(pkg: PackageRef) -> str:
    if pkg.registry_type.lower() == "oci":
        return re.sub(r":[^/:]+$", "", pkg.identifier)
    return pkg.identifier


def server_keys(repository_url: str | None, subfolder: str | None, packages: list[dict[str, Any]]) -> list[str]:
    """The same keys for a stored server row."""
    refs = [
        PackageRef(p.get("registry_type", "unknown"), p.get("identifier", ""), p.get("version"))
        for p in packages
        if p.get("identifier")
    ]
    return merge_keys(
        DiscoveredServer(
            source="",
            external_id="",
            name="",
            repository_url=repository_url,
            repository_subfolder=subfolder,
            packages=refs,
        )
    )


def package_dict(pkg: PackageRef) -> dict[str, Any]:
    out: dict[str, Any] = {"registry_type": pkg.registry_type.lower(), "identifier": pkg.identifier}
    if pkg.version:
        out["version"] = pkg.version
    out.update({k: v for k, v in pkg.extra.items() if k not in out})
    return out


def merge_packages(existing: list[dict[str, Any]], new: list[PackageRef], authoritative: bool) -> list[dict[str, Any]]:
    """Union by package identity. An authoritative source (the registry) describes the current version: its
    list replaces the packages of the registry types it names (an older image tag or bundle URL goes)."""
    if authoritative and new:
        named = {pkg.registry_type.lower() for pkg in new}
        existing = [p for p in existing if p.get("registry_type") not in named]
    out = [dict(p) for p in existing]
    index = {normalise_package_id(p.get("registry_type", ""), p.get("identifier", "")): i for i, p in enumerate(out)}
    for pkg in new:
        key = normalise_package_id(pkg.registry_type, pkg.identifier)
        data = package_dict(pkg)
        if key not in index:
            index[key] = len(out)
            out.append(data)
        elif authoritative or not out[index[key]].get("version"):
            out[index[key]] = {**out[index[key]], **data, "identifier": out[index[key]]["identifier"]}
    return out


def merge_env_vars(existing: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen = {e.get("name") for e in existing}
    return [*existing, *[e for e in new if e.get("name") and e.get("name") not in seen]]


@dataclass
class MergeIndex:
    """key -> server id, built from the catalog at the start of discovery and kept up to date."""

    keys: dict[str, int] = field(default_factory=dict)

    def find(self, keys: list[str]) -> int | None:
        for key in keys:
            if key in self.keys:
                return self.keys[key]
        return None

    def add(self, server_id: int, keys: list[str]) -> None:
        for key in keys:
            self.keys.setdefault(key, server_id)
