"""Scanning a published npm / PyPI package that the catalog does not know: fetch, then extract statically.

The download goes through the crawler's own code (crawler.crawl.artifacts with crawler.http.PoliteClient):
the same disk cache (a second scan of the same version costs no download), the same per-host politeness and
retries, and the registry from the user's npm / pip configuration (crawler.registries). Nothing fetched is
ever run: the archive is read by the static extractors only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from catalog.config import Settings
from catalog.records import ExtractionResult, ToolRecord
from publisher.scan.model import Subject, version_of
from publisher.scan.versions import best_match, kind_of

FetchedLister = Callable[[Subject], "FetchedPackage"]


@dataclass
class FetchedPackage:
    """What one package fetch gave: its tools (tools/list wire dicts with file/line) and what went wrong."""

    origin: str | None  # package:npm:name@1.2.3 / package:pypi:name==1.2.3: exactly what was read
    tools: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    from_cache: bool = False


def wire(record: ToolRecord) -> dict[str, Any]:
    """A tools/list entry, plus the source location when the tool was found statically."""
    out = record.to_mcp()
    if record.file:
        out["file"], out["line"] = record.file, record.line
    return out


def tools_of(result: ExtractionResult) -> list[dict[str, Any]]:
    """One wire dict per tool name (the first definition wins, as in a live tools/list), with its location."""
    seen: dict[str, dict[str, Any]] = {}
    for record in result.tools:
        seen.setdefault(record.name, wire(record))
    return list(seen.values())


async def _fetch_one(
    subject: Subject,
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None,
    extractor: Callable[[Any], ExtractionResult] | None,
) -> FetchedPackage:
    from crawler.archive import ArchiveError
    from crawler.crawl.artifacts import Artifact, ArtifactError, fetch_npm, fetch_pypi
    from crawler.crawl.extracting import default_extractor, run_extractor
    from crawler.http import HttpError, PoliteClient
    from crawler.registries import RegistryNotConfigured, RegistryUrls

    label = subject.label()
    registries = RegistryUrls(settings.npm_registry_url, settings.pypi_index_url)
    try:
        async with PoliteClient(settings, transport=transport) as http:
            name = subject.package or ""
            if subject.kind == "npm":
                base = registries.npm()
                version = await _npm_version(http, base, name, subject.version)
                got = await fetch_npm(http, settings, base, name, version, None)
            else:
                base = registries.pypi()
                version = await _pypi_version(http, base, name, subject.version)
                got = await fetch_pypi(http, settings, base, name, version, None)
    except (HttpError, ArtifactError, RegistryNotConfigured) as exc:
        return FetchedPackage(None, problems=[f"{label}: could not fetch the package: {exc}"])
    except (httpx.HTTPError, OSError, ValueError) as exc:  # ValueError: a registry answer that is not JSON
        return FetchedPackage(None, problems=[f"{label}: could not fetch the package: {type(exc).__name__}: {exc}"])
    if not isinstance(got, Artifact):  # only when a current origin is given, which a scan never does
        return FetchedPackage(got.origin, problems=[f"{label}: nothing downloaded"])
    try:
        result = run_extractor(extractor or default_extractor, got.path, got.suffix)
    except (ArchiveError, OSError, ValueError) as exc:
        return FetchedPackage(got.origin, problems=[f"{label}: unreadable package archive: {exc}"])
    exact = kind_of(subject.kind, subject.version) == "exact"
    read = label if exact else f"{label} (read {version_of(got.origin) or '?'})"
    tools = tools_of(result)
    problems = [_problem(read, p.path, p.reason, got.path) for p in result.problems]
    if tools and len(problems) > 1:  # tools were found: the skipped files are a footnote, not a list
        reasons = sorted({p.reason.split(" (", 1)[0] for p in result.problems})
        problems = [f"{read}: {len(problems)} files not read ({'; '.join(reasons)}); tools from them may be missing"]
    if not tools:
        problems.append(
            f"{read}: no tool definitions found by static extraction "
            "(tools built at run time or a bundled build): --live lists them by running the server"
        )
    return FetchedPackage(got.origin, tools, problems, got.from_cache)


async def _npm_version(http: Any, base: str, name: str, spec: str | None) -> str | None:
    """The exact version npx would run for `name@spec` (None: the latest)."""
    from urllib.parse import quote

    from crawler.crawl.artifacts import NPM_ABBREVIATED, ArtifactError

    kind = kind_of("npm", spec)
    if kind in ("exact", "latest"):
        return None if kind == "latest" else spec
    meta = await http.fetch(f"{base}/{quote(name, safe='@')}", headers={"Accept": NPM_ABBREVIATED})
    raw = meta.json()
    data = raw if isinstance(raw, dict) else {}
    if kind == "tag":
        found = (data.get("dist-tags") or {}).get(spec)
    else:
        found = best_match("npm", spec or "", (data.get("versions") or {}).keys())
    if not found:
        raise ArtifactError(f"npm package {name}: no published version matches {spec!r}")
    return str(found)


async def _pypi_version(http: Any, base: str, name: str, spec: str | None) -> str | None:
    """The exact version uvx would run for `name<spec>` (None: the latest)."""
    from crawler.crawl.artifacts import ArtifactError, parse_simple_page
    from crawler.merge import normalise_package_id
    from crawler.sources.pypi import SIMPLE_ACCEPT

    kind = kind_of("pypi", spec)
    if kind in ("exact", "latest"):
        return None if kind == "latest" else spec
    norm = normalise_package_id("pypi", name).split(":", 1)[1]
    page = await http.fetch(f"{base}/{norm}/", headers={"Accept": SIMPLE_ACCEPT})
    files = parse_simple_page(page.content(), page.headers.get("content-type", ""), page.url, name)
    found = best_match("pypi", spec or "", {f.version for f in files if not f.yanked})
    if not found:
        raise ArtifactError(f"PyPI package {name}: no published version matches {spec!r}")
    return found


def _problem(label: str, where: str, reason: str, artifact: Any) -> str:
    """An extraction problem; the whole-archive ones name the cached download, which means nothing to a user."""
    names = {artifact.name, artifact.stem} if artifact is not None else set()
    for top in ("package", *names):  # npm tarballs keep everything under package/; some extractors name the file
        where = where.removeprefix(f"{top}/")
    inside = bool(where) and ("/" in where or where not in names)
    return f"{label}: {where}: {reason}" if inside else f"{label}: {reason}"


def package_fetcher(
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    extractor: Callable[[Any], ExtractionResult] | None = None,
) -> FetchedLister:
    """A lister for npm/pypi subjects: downloads the named (or latest) version and extracts its tools.

    `transport` is for tests (httpx.MockTransport) and `extractor` for a stand-in extractor; by default the
    crawler's extractor reads the source, then any declared tools.json / MCPB manifest.
    """

    def fetch(subject: Subject) -> FetchedPackage:
        if subject.kind not in ("npm", "pypi") or not subject.package:
            return FetchedPackage(None, problems=[f"{subject.label()}: not an npm or PyPI package"])
        return asyncio.run(_fetch_one(subject, settings, transport, extractor))

    return fetch
