"""A real HTTP server on 127.0.0.1 that speaks the crawler's sources' APIs, for tests and benchmarks.

It serves the MCP Registry (``/v0.1/servers``, cursor pages, ``updated_since``), GitHub (``/repos``, search,
tarballs built from in-memory files), an npm registry under ``/npm`` (packuments, search, tarballs) and a
PyPI simple index under ``/pypi`` (PEP 691 JSON or PEP 503 HTML, sdists and wheels). Everything answers with
ETags and honours If-None-Match. Faults can be switched on per path prefix: an HTTP status (429, 500, with
Retry-After), a slow response, a truncated body. Every request is logged so tests can count them.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import tarfile
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

FIXED_MTIME = 1_700_000_000  # archives are byte-identical between runs


def make_tar_gz(files: dict[str, str | bytes], prefix: str = "") -> bytes:
    """A deterministic .tar.gz of ``files`` under ``prefix``."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        if prefix:
            info = tarfile.TarInfo(prefix.rstrip("/"))
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, FIXED_MTIME
            tar.addfile(info)
        for path, content in sorted(files.items()):
            data = content.encode("utf-8") if isinstance(content, str) else content
            info = tarfile.TarInfo(prefix + path)
            info.size, info.mode, info.mtime = len(data), 0o644, FIXED_MTIME
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0)


def make_zip(files: dict[str, str | bytes]) -> bytes:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as zf:
        for path, content in sorted(files.items()):
            info = zipfile.ZipInfo(path, date_time=(2024, 1, 1, 0, 0, 0))
            zf.writestr(info, content)
    return raw.getvalue()


def pypi_norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Fault:
    status: int | None = None  # answer with this status
    retry_after: str | None = None
    delay: float = 0.0  # sleep before answering
    truncate: bool = False  # promise the full length, send half, close
    times: int = 1  # how many requests it hits (then it is used up)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Repo:
    files: dict[str, str | bytes]
    meta: dict[str, Any]
    sha: str


class World:
    """The state the fixture server serves; tests mutate it between crawls (thread-safe enough for tests)."""

    def __init__(self) -> None:
        self.registry: list[dict[str, Any]] = []  # {"server": server.json, "_meta": {...}}
        self.repos: dict[str, Repo] = {}
        self.npm: dict[str, dict[str, dict[str, str | bytes]]] = {}  # name -> version -> files
        self.npm_meta: dict[str, dict[str, Any]] = {}  # name -> description, repository...
        self.pypi: dict[str, dict[str, dict[str, str | bytes]]] = {}  # name -> version -> files
        self.pypi_wheel_only: set[str] = set()
        self.faults: list[tuple[str, Fault]] = []
        self.log: list[tuple[str, dict[str, str]]] = []  # (path with query, request headers)
        self.lock = threading.Lock()
        self._blobs: dict[str, bytes] = {}

    # --- building the world -------------------------------------------------------------------------
    def add_registry_server(
        self, server: dict[str, Any], *, status: str = "active", updated: str = "2025-01-01T00:00:00Z"
    ) -> None:
        meta = {"status": status, "publishedAt": updated, "updatedAt": updated, "isLatest": True}
        self.registry = [e for e in self.registry if e["server"]["name"] != server["name"]]
        self.registry.append({"server": server, "_meta": {"io.modelcontextprotocol.registry/official": meta}})

    def add_repo(self, full_name: str, files: dict[str, str | bytes], **meta: Any) -> None:
        owner, repo = full_name.split("/")
        sha = hashlib.sha1(json.dumps(sorted((k, str(v)) for k, v in files.items())).encode()).hexdigest()
        data = {
            "full_name": full_name,
            "name": repo,
            "owner": {"login": owner},
            "html_url": f"https://github.com/{full_name}",
            "description": meta.pop("description", f"{repo} MCP server"),
            "stargazers_count": meta.pop("stars", 10),
            "license": {"spdx_id": meta.pop("license", "MIT")},
            "default_branch": meta.pop("default_branch", "main"),
            "pushed_at": meta.pop("pushed_at", "2025-01-01T00:00:00Z"),
            "archived": meta.pop("archived", False),
            "topics": meta.pop("topics", ["mcp-server"]),
            **meta,
        }
        self.repos[full_name.lower()] = Repo(files, data, sha)

    def add_npm(self, name: str, version: str, files: dict[str, str | bytes], **meta: Any) -> None:
        self.npm.setdefault(name, {})[version] = files
        self.npm_meta.setdefault(name, {}).update(meta)

    def add_pypi(self, name: str, version: str, files: dict[str, str | bytes], *, wheel_only: bool = False) -> None:
        self.pypi.setdefault(pypi_norm(name), {})[version] = files
        if wheel_only:
            self.pypi_wheel_only.add(pypi_norm(name))

    def fault(self, prefix: str, fault: Fault) -> None:
        self.faults.append((prefix, fault))

    # --- accounting ---------------------------------------------------------------------------------
    def requests(self, prefix: str = "") -> list[str]:
        return [p for p, _ in self.log if p.startswith(prefix)]

    def conditional_requests(self) -> int:
        return sum(1 for _, h in self.log if "if-none-match" in h or "if-modified-since" in h)

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for i, (prefix, fault) in enumerate(self.faults):
                if path.startswith(prefix):
                    fault.times -= 1
                    if fault.times <= 0:
                        del self.faults[i]
                    return fault
        return None

    # --- serving ------------------------------------------------------------------------------------
    def route(self, path: str, query: dict[str, str], headers: dict[str, str], base: str) -> tuple[int, dict, bytes]:
        if path == "/v0.1/servers":
            return self._registry_page(query)
        m = re.match(r"^/repos/([^/]+/[^/]+)(?:/tarball/(.+))?$", path)
        if m:
            repo = self.repos.get(m.group(1).lower())
            if repo is None:
                return _json(404, {"message": "Not Found"})
            if m.group(2):
                owner, name = repo.meta["full_name"].split("/")
                key = f"gh:{repo.meta['full_name']}:{repo.sha}"
                blob = self._blob(key, lambda: make_tar_gz(repo.files, f"{owner}-{name}-{repo.sha[:7]}/"))
                return 200, {"Content-Type": "application/x-gzip"}, blob
            return _json(200, repo.meta)
        if path == "/search/repositories":
            return self._github_search(query)
        if path.startswith("/npm/"):
            return self._npm(unquote(path[len("/npm/") :]), query, base)
        if path.startswith("/pypi/"):
            return self._pypi(path[len("/pypi/") :], headers, base)
        return _json(404, {"error": f"no route for {path}"})

    def _blob(self, key: str, make: Any) -> bytes:
        with self.lock:
            if key not in self._blobs:
                self._blobs[key] = make()
            return self._blobs[key]

    def _registry_page(self, query: dict[str, str]) -> tuple[int, dict, bytes]:
        limit = min(100, int(query.get("limit", "30")))
        offset = int(query.get("cursor") or 0)
        entries = self.registry
        since = query.get("updated_since")
        if since:
            meta_key = "io.modelcontextprotocol.registry/official"
            entries = [e for e in entries if e["_meta"][meta_key]["updatedAt"] > since]
        else:  # a full listing leaves deleted servers out, as the registry does
            entries = [
                e for e in entries if e["_meta"]["io.modelcontextprotocol.registry/official"]["status"] != "deleted"
            ]
        page = entries[offset : offset + limit]
        nxt = offset + limit if offset + limit < len(entries) else None
        body = {"servers": page, "metadata": {"count": len(page), **({"nextCursor": str(nxt)} if nxt else {})}}
        return _json(200, body)

    def _github_search(self, query: dict[str, str]) -> tuple[int, dict, bytes]:
        per_page, page = int(query.get("per_page", "30")), int(query.get("page", "1"))
        topic = re.search(r"topic:(\S+)", query.get("q", ""))
        repos = [r.meta for r in self.repos.values() if not topic or topic.group(1) in r.meta.get("topics", [])]
        items = repos[(page - 1) * per_page : page * per_page]
        return _json(200, {"total_count": len(repos), "incomplete_results": False, "items": items})

    def _npm(self, rest: str, query: dict[str, str], base: str) -> tuple[int, dict, bytes]:
        if rest == "-/v1/search":
            size, offset = int(query.get("size", "20")), int(query.get("from", "0"))
            names = sorted(self.npm)
            objects = [
                {"package": {"name": n, "version": max(self.npm[n], key=_vkey), **self.npm_meta.get(n, {})}}
                for n in names[offset : offset + size]
            ]
            return _json(200, {"objects": objects, "total": len(names)})
        m = re.match(r"^(@[^/]+/[^/]+|[^@/][^/]*)/-/([^/]+)-(\d[^/]*)\.tgz$", rest)
        if m:
            name, version = m.group(1), m.group(3)
            files = self.npm.get(name, {}).get(version)
            if files is None:
                return _json(404, {"error": "not found"})
            blob = self._blob(f"npm:{name}@{version}", lambda: make_tar_gz(files, "package/"))
            return 200, {"Content-Type": "application/octet-stream"}, blob
        if rest in self.npm:
            versions = self.npm[rest]
            latest = max(versions, key=_vkey)
            base_name = rest.rsplit("/", 1)[-1]
            doc = {
                "name": rest,
                "dist-tags": {"latest": latest},
                "versions": {
                    v: {"name": rest, "version": v, "dist": {"tarball": f"{base}/npm/{rest}/-/{base_name}-{v}.tgz"}}
                    for v in versions
                },
            }
            return _json(200, doc)
        return _json(404, {"error": "not found"})

    def _pypi(self, rest: str, headers: dict[str, str], base: str) -> tuple[int, dict, bytes]:
        want_json = "application/vnd.pypi.simple.v1+json" in headers.get("accept", "")
        if rest == "simple/":
            names = sorted(self.pypi)
            if want_json:
                return _json(
                    200,
                    {"meta": {"api-version": "1.1"}, "projects": [{"name": n} for n in names]},
                    "application/vnd.pypi.simple.v1+json",
                )
            html = "".join(f'<a href="/pypi/simple/{n}/">{n}</a>\n' for n in names)
            return 200, {"Content-Type": "text/html"}, f"<html><body>{html}</body></html>".encode()
        m = re.match(r"^simple/([^/]+)/$", rest)
        if m:
            name = pypi_norm(m.group(1))
            if name not in self.pypi:
                return _json(404, {"error": "not found"})
            files = []
            for version in sorted(self.pypi[name], key=_vkey):
                stem = f"{name.replace('-', '_')}-{version}"
                if name not in self.pypi_wheel_only:
                    files.append(f"{stem}.tar.gz")
                files.append(f"{stem}-py3-none-any.whl")
            if want_json:
                body = {
                    "meta": {"api-version": "1.1"},
                    "name": name,
                    "files": [{"filename": f, "url": f"../../files/{f}", "hashes": {}} for f in files],
                }
                return _json(200, body, "application/vnd.pypi.simple.v1+json")
            links = "".join(f'<a href="../../files/{f}#sha256=0">{f}</a>\n' for f in files)
            return 200, {"Content-Type": "text/html"}, f"<html><body>{links}</body></html>".encode()
        m = re.match(r"^files/([^/]+?)-(\d[^-/]*?)(\.tar\.gz|-py3-none-any\.whl)$", rest)
        if m:
            name, version, ext = pypi_norm(m.group(1)), m.group(2), m.group(3)
            files = self.pypi.get(name, {}).get(version)
            if files is None:
                return _json(404, {"error": "not found"})
            stem = f"{name.replace('-', '_')}-{version}"
            if ext == ".tar.gz":
                blob = self._blob(f"sdist:{stem}", lambda: make_tar_gz(files, f"{stem}/"))
            else:
                blob = self._blob(f"wheel:{stem}", lambda: make_zip(files))
            return 200, {"Content-Type": "application/octet-stream"}, blob
        return _json(404, {"error": "not found"})


def _vkey(v: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in re.split(r"[.+-]", v))


def _json(status: int, data: Any, content_type: str = "application/json") -> tuple[int, dict, bytes]:
    return status, {"Content-Type": content_type}, json.dumps(data).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    world: World
    etag_salt: dict[str, str]

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        world = self.server.world  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        headers = {k.lower(): v for k, v in self.headers.items()}
        with world.lock:
            world.log.append((self.path, headers))
        fault = world.take_fault(parts.path)
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.status:
            body = json.dumps({"error": "fault"}).encode()
            self.send_response(fault.status)
            if fault.retry_after is not None:
                self.send_header("Retry-After", fault.retry_after)
            for k, v in fault.headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        host = self.headers.get("Host", "127.0.0.1")
        status, resp_headers, body = world.route(parts.path, query, headers, f"http://{host}")
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if status == 200 and headers.get("if-none-match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(status)
        for k, v in resp_headers.items():
            self.send_header(k, v)
        if status == 200:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        if fault and fault.truncate:
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.end_headers()
        self.wfile.write(body)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (timeouts, truncation tests, killed crawls) are expected here, not errors."""
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FixtureServer:
    """``with FixtureServer(world) as srv: srv.url``: serve ``world`` on a free loopback port."""

    def __init__(self, world: World | None = None) -> None:
        self.world = world or World()
        self.httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self.httpd.world = self.world  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FixtureServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@contextmanager
def serve(world: World) -> Iterator[FixtureServer]:
    with FixtureServer(world) as server:
        yield server
