"""Normalise the many ways people write a repository or a package link, so one server found by several
sources merges into one record.

Lists and dumps write the same GitHub repository as ``https://github.com/Owner/Repo``, ``http://www.github.com/
owner/repo/``, ``git+https://github.com/owner/repo.git``, ``git@github.com:owner/repo.git``, ``github:owner/repo``
or a ``tree/<branch>/<folder>`` link into a monorepo. ``parse_repo_url`` splits any of these into a ``RepoRef``
(host, owner, name, branch, subfolder); ``RepoRef.key`` is the case-folded merge key (GitHub names are case
insensitive) and ``RepoRef.url`` the canonical link with the owner's own spelling kept for display.

Package links are recognised without naming any registry host: the shared data writes them ``npm:NAME`` and
``pypi:NAME`` (the seed-file notation), and package pages in the wild are matched by their path shape
(``/package/NAME`` on an npm web host, ``/project/NAME`` on a PyPI-style index), judged by the host's labels.
All functions here are pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from crawler.sources.base import PackageRef

# Code forges whose URLs have the /owner/repo[/tree/<branch>/<path>] shape. GitLab allows nested groups, but
# lists nearly always link the project root; we keep the first two segments there too.
FORGE_HOSTS = {
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "codeberg.org",
    "gitee.com",
    "gitea.com",
    "atomgit.com",
    "git.sr.ht",
}

# Paths under github.com that are not repositories.
GITHUB_RESERVED_OWNERS = {
    "about",
    "apps",
    "collections",
    "contact",
    "customer-stories",
    "enterprise",
    "events",
    "explore",
    "features",
    "issues",
    "login",
    "marketplace",
    "new",
    "notifications",
    "orgs",
    "organizations",
    "pricing",
    "pulls",
    "search",
    "security",
    "settings",
    "site",
    "sponsors",
    "topics",
    "trending",
    "user-attachments",
    "users",
}
_TREE_MARKERS = {"tree", "blob", "raw", "src", "-"}  # "-" : gitlab's /-/tree/<branch>/...
_SCP_RE = re.compile(r"^(?:ssh://)?git@(?P<host>[^:/]+)[:/](?P<path>.+)$")
_SHORTHAND_RE = re.compile(r"^(?P<forge>github|gitlab|bitbucket):(?P<path>[^/\s]+/[^/\s]+.*)$", re.IGNORECASE)
_NAME_RE = re.compile(r"^[A-Za-z0-9_.\-]+$")
_NPM_NAME_RE = re.compile(r"^(?:@[a-z0-9][a-z0-9._~\-]*/)?[a-z0-9][a-z0-9._~\-]*$", re.IGNORECASE)
_PYPI_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
_FILE_SUFFIX_RE = re.compile(r"\.[A-Za-z0-9]{1,8}$")


@dataclass(frozen=True)
class RepoRef:
    host: str  # lower case, without "www."
    owner: str
    name: str
    branch: str | None = None
    subfolder: str | None = None

    @property
    def url(self) -> str:
        """Canonical repository URL, owner's spelling kept: https://host/owner/name."""
        return f"https://{self.host}/{self.owner}/{self.name}"

    @property
    def key(self) -> str:
        """Merge key: the canonical URL case-folded (forges treat owner and name case-insensitively)."""
        return self.url.lower()

    @property
    def is_github(self) -> bool:
        return self.host == "github.com"


def _clean_host(netloc: str) -> str:
    host = netloc.rsplit("@", 1)[-1].split(":", 1)[0].lower().strip(".")
    host = host.removesuffix(".mcas.ms")  # links rewritten by Microsoft Defender for Cloud Apps
    return host[4:] if host.startswith("www.") else host


def _strip_wrappers(url: str) -> str:
    url = url.strip().strip("<>").strip()
    if url.startswith("git+"):
        url = url[4:]
    return url


def parse_repo_url(url: str | None) -> RepoRef | None:
    """A repository reference from any common spelling, or None when the link is not a repository.

    ``tree/<branch>/<folder>`` and ``blob/<branch>/<file>`` links keep the branch and the folder (a file link
    points at its folder, since a monorepo server is a folder). Branch names containing "/" are ambiguous in a
    URL; the first segment is taken as the branch, as GitHub's own short links do.
    """
    if not url or not isinstance(url, str):
        return None
    raw = _strip_wrappers(url)
    shorthand = _SHORTHAND_RE.match(raw)
    if shorthand:
        forge = shorthand.group("forge").lower()
        host = {"github": "github.com", "gitlab": "gitlab.com", "bitbucket": "bitbucket.org"}[forge]
        raw = f"https://{host}/{shorthand.group('path')}"
    scp = _SCP_RE.match(raw)
    if scp:
        raw = f"https://{scp.group('host')}/{scp.group('path')}"
    if raw.startswith("//"):
        raw = "https:" + raw
    if "://" not in raw and re.match(r"^(www\.)?[a-z0-9.\-]+\.[a-z]{2,}/", raw, re.IGNORECASE):
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https", "ssh", "git"}:
        return None
    host = _clean_host(parts.netloc)
    if host not in FORGE_HOSTS:
        return None
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if len(segments) < 2:
        return None
    owner, name = segments[0], segments[1]
    if name.lower().endswith(".git"):
        name = name[:-4]
    if host == "github.com" and owner.lower() in GITHUB_RESERVED_OWNERS:
        return None
    if not _NAME_RE.match(owner) or not _NAME_RE.match(name) or name in {".", ".."}:
        return None
    rest = segments[2:]
    branch: str | None = None
    subfolder: str | None = None
    if rest and rest[0] == "-":  # gitlab: /owner/repo/-/tree/branch/path
        rest = rest[1:]
    if rest and rest[0] in _TREE_MARKERS and len(rest) >= 2:
        is_file_link = rest[0] in {"blob", "raw"}
        branch = rest[1]
        path = [p for p in rest[2:] if p not in {".", ".."}]
        if is_file_link and path and _FILE_SUFFIX_RE.search(path[-1]):
            path = path[:-1]
        subfolder = "/".join(path) or None
    return RepoRef(host=host, owner=owner, name=name, branch=branch, subfolder=subfolder)


def normalize_repo_url(url: str | None) -> str | None:
    """The case-folded canonical URL (the merge key), or None when the link is not a repository."""
    ref = parse_repo_url(url)
    return ref.key if ref else None


def _split_npm_spec(spec: str) -> tuple[str, str | None]:
    """``@scope/name@1.2`` -> (``@scope/name``, ``1.2``); ``latest`` and empty versions become None."""
    spec = spec.strip()
    at = spec.find("@", 1)
    name, version = (spec[:at], spec[at + 1 :]) if at > 0 else (spec, None)
    if version in {"", "latest", "*"}:
        version = None
    return name, version


def _split_pypi_spec(spec: str) -> tuple[str, str | None]:
    """``name==1.2`` / ``name@1.2`` / ``name[extra]>=1`` -> (name, exact version or None)."""
    spec = spec.strip()
    match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._\-]*)(\[[^\]]*\])?\s*(==|@)?\s*([^\s,;<>=!~]*)", spec)
    if not match:
        return spec, None
    version = match.group(4) if match.group(3) else None
    if version in {"", "latest"}:
        version = None
    return match.group(1), version


def npm_package(spec: str) -> PackageRef | None:
    """A PackageRef for an npm spec (``name``, ``@scope/name``, either with ``@version``), or None if invalid."""
    name, version = _split_npm_spec(spec)
    if not _NPM_NAME_RE.match(name):
        return None
    return PackageRef("npm", name, version)


def pypi_package(spec: str) -> PackageRef | None:
    """A PackageRef for a PyPI requirement-like spec, or None if it is not a distribution name."""
    if " " in spec.strip().split(";")[0].replace(" ==", "==").replace("== ", "=="):
        return None  # prose, not a requirement
    name, version = _split_pypi_spec(spec)
    if not _PYPI_NAME_RE.match(name):
        return None
    return PackageRef("pypi", name, version)


def _host_labels(host: str) -> list[str]:
    return [label for label in host.split(".") if label]


def package_from_url(url: str | None) -> PackageRef | None:
    """A package reference from ``npm:NAME`` / ``pypi:NAME`` notation or a package web page, else None.

    Package pages are recognised by path (``/package/NAME`` for npm, ``/project/NAME`` for PyPI) on a host
    with an ``npm`` or ``pypi`` label, so mirrors and the public sites work alike without naming them.
    """
    if not url or not isinstance(url, str):
        return None
    raw = url.strip().strip("<>")
    lowered = raw.lower()
    if lowered.startswith(("npm:", "pypi:")):
        raw = re.split(r"[?#]", raw, maxsplit=1)[0]  # npm:NAME?activeTab=readme
    if lowered.startswith("npm:"):
        return npm_package(unquote(raw[4:]).strip("/"))
    if lowered.startswith("pypi:"):
        return pypi_package(unquote(raw[5:]).strip("/"))
    try:
        parts = urlsplit(raw)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"}:
        return None
    labels = _host_labels(_clean_host(parts.netloc))
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if not segments:
        return None
    if any(label.startswith("npm") for label in labels) and segments[0] == "package" and len(segments) >= 2:
        name = segments[1]
        rest = segments[2:]
        if name.startswith("@") and rest:
            name, rest = f"{name}/{rest[0]}", rest[1:]
        ref = npm_package(name)
        if ref and len(rest) >= 2 and rest[0] == "v":
            ref.version = rest[1]
        return ref
    is_pypi_host = any(label.startswith("pypi") for label in labels)
    if is_pypi_host and segments[0] in {"project", "simple"} and len(segments) >= 2:
        ref = pypi_package(segments[1])
        if ref and segments[0] == "project" and len(segments) >= 3:
            ref.version = segments[2]
        return ref
    return None
