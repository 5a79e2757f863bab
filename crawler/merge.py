"""Merging sightings of one server from several sources into one catalog row.

A server is identified by its normalised GitHub repository (plus the monorepo subfolder) or by any of its
package identifiers (npm:@scope/name, pypi:name...). Pure functions: the pipeline keeps the index and writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from crawler.sources.base import DiscoveredServer, PackageRef
from crawler.urls import parse_repo_url

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
    """A GitHub repository from any spelling (git+https, ssh, .git, github:, /tree/branch/sub, see
    ``crawler.urls``), lower-cased (GitHub names are case-insensitive), with its monorepo subfolder.
    Other forges give None: the crawler fetches from GitHub only."""
    ref = parse_repo_url(url)
    if ref is None or not ref.is_github:
        return None
    sub = (subfolder or ref.subfolder or "").strip("/") or None
    return RepoRef(ref.owner.lower(), ref.name.lower(), sub)


def normalise_package_id(registry_type: str, identifier: str) -> str:
    """npm names are lower-case; PyPI names compare after PEP 503 normalisation."""
    kind = registry_type.lower()
    ident = identifier.strip()
    if kind == "pypi":
        ident = re.sub(r"[-_.]+", "-", ident).lower()
    elif kind == "npm":
        ident = ident.lower()
    return f"{kind}:{ident}"


def merge_keys(found: DiscoveredServer, *, for_lookup: bool = True) -> list[str]:
    """Every identity of a sighting; two sightings sharing any key are one server.

    A repository without a subfolder identifies a package's server only weakly: monorepos publish many packages
    that all link to the repository root. So a sighting that has package identities looks servers up by those
    (and by repository + subfolder), never by the bare repository; the bare repository still indexes it
    (``for_lookup=False``) so a later GitHub or list sighting of that repository finds it.
    """
    keys: list[str] = []
    packages = [
        normalise_package_id(pkg.registry_type, _strip_oci_tag(pkg))
        for pkg in found.packages
        if pkg.registry_type.lower() in ("npm", "pypi", "nuget", "cargo", "oci", "mcpb")
    ]
    ref = parse_github_url(found.repository_url, found.repository_subfolder)
    if ref and (ref.subfolder or not packages or not for_lookup):
        keys.append(f"repo:{ref.full_name}#{ref.subfolder or ''}")
    return keys + packages


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
        for_lookup=False,
        found=DiscoveredServer(
            source="",
            external_id="",
            name="",
            repository_url=repository_url,
            repository_subfolder=subfolder,
            packages=refs,
        ),
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
