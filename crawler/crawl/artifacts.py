"""Fetching the artifact that holds a server's tools: an npm tarball, a PyPI sdist or wheel, or a GitHub
tarball of the default branch.

Published packages are preferred to the repository (they are what users run). Every fetcher first checks
whether the artifact is the one already indexed (same version, same pushed_at, or a 304 on the metadata), and
then answers ``None`` without downloading: a warm re-crawl costs conditional requests only.
"""

from __future__ import annotations

import re
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from catalog.config import Settings
from crawler.http import HttpError, NotFound, PoliteClient
from crawler.merge import normalise_package_id
from crawler.registries import RegistryUrls
from crawler.sources.pypi import SIMPLE_ACCEPT

NPM_ABBREVIATED = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8"


@dataclass
class Artifact:
    path: Path  # the downloaded file (in the HTTP cache)
    suffix: str  # what kind of archive: .tgz, .tar.gz, .zip, .whl
    origin: str  # recorded as Server.tools_origin: package:npm:name@1.2.3, github:owner/repo@sha...
    from_cache: bool = False
    server_fields: dict[str, Any] = field(default_factory=dict)  # metadata learnt on the way (github stars...)
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # etag, last-modified, content digest and size


@dataclass
class Unchanged:
    """The artifact is the one already indexed; nothing was downloaded."""

    origin: str
    server_fields: dict[str, Any] = field(default_factory=dict)


class ArtifactError(Exception):
    """No artifact could be found (no such version, no files...); the message says which and why."""


def version_key(version: str) -> tuple[int, tuple[int, ...], str]:
    """Order versions well enough to pick the latest: stable above pre-releases, numeric parts compared."""
    m = re.match(r"^v?(\d+(?:\.\d+)*)(.*)$", version.strip())
    if not m:
        return (0, (), version)
    release = tuple(int(p) for p in m.group(1).split("."))
    rest = m.group(2)
    stable = 0 if re.search(r"(a|b|rc|alpha|beta|dev|pre|-)", rest.lower()) else 1
    return (stable, release, rest)


# --- npm ---------------------------------------------------------------------------------------------


def npm_tarball_url(base: str, name: str, version: str) -> str:
    """The registry's conventional tarball path, served by every npm registry and mirror."""
    return f"{base}/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"


async def fetch_npm(
    http: PoliteClient, settings: Settings, base: str, name: str, version: str | None, current: str | None
) -> Artifact | Unchanged:
    if version:
        origin = f"package:npm:{name}@{version}"
        if current == origin:
            return Unchanged(origin)
        try:
            resp = await http.fetch(
                npm_tarball_url(base, name, version),
                immutable=True,
                stream_to_cache=True,
                suffix=".tgz",
                max_bytes=settings.max_archive_bytes,
            )
            return Artifact(resp.path or Path(), ".tgz", origin, resp.from_cache, url=resp.url, headers=resp.headers)
        except NotFound:
            pass  # a registry with another tarball layout: ask the metadata
    # Scoped names are escaped (@scope%2Fname), the form every registry and mirror accepts.
    meta = await http.fetch(f"{base}/{quote(name, safe='@')}", headers={"Accept": NPM_ABBREVIATED})
    data = meta.json()
    wanted = version or (data.get("dist-tags") or {}).get("latest")
    versions = data.get("versions") or {}
    if not wanted or wanted not in versions:
        raise ArtifactError(f"npm package {name}: version {wanted or 'latest'} not found")
    origin = f"package:npm:{name}@{wanted}"
    if current == origin:
        return Unchanged(origin)
    tarball = ((versions[wanted] or {}).get("dist") or {}).get("tarball")
    if not tarball:
        raise ArtifactError(f"npm package {name}@{wanted}: no tarball in the metadata")
    resp = await http.fetch(
        tarball, immutable=True, stream_to_cache=True, suffix=".tgz", max_bytes=settings.max_archive_bytes
    )
    return Artifact(resp.path or Path(), ".tgz", origin, resp.from_cache, url=resp.url, headers=resp.headers)


# --- PyPI --------------------------------------------------------------------------------------------


@dataclass
class DistFile:
    filename: str
    url: str
    version: str
    kind: str  # sdist | wheel
    yanked: bool = False


def _dist(filename: str, url: str, project: str, yanked: bool) -> DistFile | None:
    lower = filename.lower()
    norm = normalise_package_id("pypi", project).split(":", 1)[1]
    if lower.endswith(".whl"):
        parts = filename[:-4].split("-")
        if len(parts) < 3:
            return None
        name, version, kind = parts[0], parts[1], "wheel"
    else:
        for ext in (".tar.gz", ".zip", ".tar.bz2", ".tgz"):
            if lower.endswith(ext):
                stem = filename[: -len(ext)]
                break
        else:
            return None
        name, _, version = stem.rpartition("-")
        kind = "sdist"
    if normalise_package_id("pypi", name).split(":", 1)[1] != norm or not version:
        return None
    return DistFile(filename, url, version, kind, yanked)


def parse_simple_page(body: bytes, content_type: str, page_url: str, project: str) -> list[DistFile]:
    """A project page of the simple index: PEP 691 JSON or PEP 503 HTML; relative links resolved."""
    files: list[DistFile] = []
    if "json" in content_type:
        import json

        data = json.loads(body)
        for f in data.get("files") or []:
            if isinstance(f, dict) and isinstance(f.get("filename"), str) and isinstance(f.get("url"), str):
                d = _dist(f["filename"], urljoin(page_url, f["url"]), project, bool(f.get("yanked")))
                if d:
                    files.append(d)
        return files
    for a in HTMLParser(body.decode("utf-8", errors="replace")).css("a"):
        href = a.attributes.get("href")
        if not href:
            continue
        d = _dist(a.text(strip=True), urljoin(page_url, href.split("#", 1)[0]), project, "data-yanked" in a.attributes)
        if d:
            files.append(d)
    return files


def pick_dist(files: list[DistFile], version: str | None) -> DistFile | None:
    """The named version (or the latest non-yanked one); its sdist, else a pure-Python wheel, else any wheel."""
    if version:
        candidates = [f for f in files if f.version == version]
    else:
        live = [f for f in files if not f.yanked]
        if not live:
            return None
        latest = max({f.version for f in live}, key=version_key)
        candidates = [f for f in live if f.version == latest]
    if not candidates:
        return None

    def rank(f: DistFile) -> tuple[int, int]:
        return (0 if f.kind == "sdist" else 1, 0 if f.filename.endswith("-none-any.whl") else 1)

    return sorted(candidates, key=rank)[0]


async def fetch_pypi(
    http: PoliteClient, settings: Settings, base: str, name: str, version: str | None, current: str | None
) -> Artifact | Unchanged:
    norm = normalise_package_id("pypi", name).split(":", 1)[1]
    if version and current == f"package:pypi:{norm}=={version}":
        return Unchanged(current)
    page_url = f"{base}/{norm}/"
    page = await http.fetch(page_url, headers={"Accept": SIMPLE_ACCEPT})
    files = parse_simple_page(page.content(), page.headers.get("content-type", ""), page.url, name)
    chosen = pick_dist(files, version)
    if chosen is None:
        raise ArtifactError(f"PyPI package {name}: no sdist or wheel for version {version or 'latest'}")
    origin = f"package:pypi:{norm}=={chosen.version}"
    if current == origin:
        return Unchanged(origin)
    suffix = ".whl" if chosen.kind == "wheel" else (".zip" if chosen.filename.lower().endswith(".zip") else ".tar.gz")
    resp = await http.fetch(
        chosen.url, immutable=True, stream_to_cache=True, suffix=suffix, max_bytes=settings.max_archive_bytes
    )
    return Artifact(resp.path or Path(), suffix, origin, resp.from_cache, url=resp.url, headers=resp.headers)


# --- GitHub ------------------------------------------------------------------------------------------


def tarball_commit(path: Path) -> str | None:
    """GitHub names a tarball's top folder owner-repo-<sha>: the commit that was downloaded."""
    try:
        with tarfile.open(path, "r:*") as tar:
            first = tar.next()
    except (tarfile.TarError, OSError, EOFError):
        return None
    if first is None:
        return None
    top = first.name.split("/", 1)[0]
    m = re.search(r"-([0-9a-f]{7,40})$", top)
    return m.group(1) if m else None


async def fetch_github(
    http: PoliteClient,
    settings: Settings,
    repo: str,
    current: str | None,
    current_pushed_at: str | None,
) -> Artifact | Unchanged:
    from crawler.sources.github import repo_fields

    api = settings.github_api_url.rstrip("/")
    meta = await http.fetch(f"{api}/repos/{repo}", headers={"Accept": "application/vnd.github+json"})
    data = meta.json()
    fields = {k: v for k, v in repo_fields(data).items() if v is not None}
    if fields.get("license") == "NOASSERTION":
        fields.pop("license")
    same_repo = bool(current and current.startswith(f"github:{repo}@"))
    if same_repo and (meta.from_cache or (current_pushed_at and current_pushed_at == fields.get("pushed_at"))):
        return Unchanged(current or "", fields)
    branch = fields.get("default_branch") or "HEAD"
    resp = await http.fetch(
        f"{api}/repos/{repo}/tarball/{branch}",
        stream_to_cache=True,
        suffix=".tar.gz",
        max_bytes=settings.max_archive_bytes,
    )
    path = resp.path or Path()
    sha = tarball_commit(path)
    origin = f"github:{repo}@{sha or branch}"
    if current == origin:
        return Unchanged(origin, fields)
    return Artifact(path, ".tar.gz", origin, resp.from_cache, fields, url=resp.url, headers=resp.headers)


async def fetch_plan(
    http: PoliteClient,
    settings: Settings,
    registries: RegistryUrls,
    plan: dict[str, Any],
    current: str | None,
    pushed_at: str | None,
) -> Artifact | Unchanged:
    """Dispatch one entry of a work item's plan to its fetcher."""
    kind = plan.get("kind")
    if kind == "npm":
        return await fetch_npm(http, settings, registries.npm(), plan["name"], plan.get("version"), current)
    if kind == "pypi":
        return await fetch_pypi(http, settings, registries.pypi(), plan["name"], plan.get("version"), current)
    if kind == "github":
        return await fetch_github(http, settings, plan["repo"], current, pushed_at)
    raise HttpError(str(plan), f"unknown artifact kind {kind!r}")
