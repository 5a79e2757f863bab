"""The crawler's one shared, polite async HTTP client.

Why one client: every source and fetcher goes through the same per-host concurrency limit, per-host
requests-per-second budget, retry policy and on-disk cache, so a crawl of tens of thousands of servers never
hammers one host, survives flaky networks, and re-crawls cost only conditional requests (ETag /
Last-Modified revalidation answered by 304).

Sleeping and the clock are injected so tests check backoff and Retry-After without waiting.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import json
import os
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from catalog.config import Settings

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
SHA256_HEADER = "x-mcp-catalog-sha256"  # set on streamed downloads (and kept in the cache): the body's digest
SIZE_HEADER = "x-mcp-catalog-size"
MAX_RETRY_AFTER = 300.0  # never sleep longer than this on one Retry-After / rate-limit reset
Sleep = Callable[[float], Awaitable[None]]


class HttpError(Exception):
    """A request failed for good (after retries); ``status`` is None for network errors."""

    def __init__(self, url: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.status = status


class NotFound(HttpError):
    pass


class TooLarge(HttpError):
    pass


class RateLimited(HttpError):
    """The host's rate limit resets later than we are willing to wait; retry the work later."""


@dataclass
class HttpStats:
    requests: int = 0  # HTTP requests sent, retries included
    conditional: int = 0  # of which carried If-None-Match / If-Modified-Since
    not_modified: int = 0  # answered 304
    from_cache: int = 0  # served from the on-disk cache (304, or immutable URL already cached)
    retries: int = 0
    failures: int = 0
    bytes: int = 0
    by_host: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "conditional": self.conditional,
            "not_modified": self.not_modified,
            "from_cache": self.from_cache,
            "retries": self.retries,
            "failures": self.failures,
            "bytes": self.bytes,
            "by_host": dict(sorted(self.by_host.items())),
        }


@dataclass
class Response:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes | None = None  # None when streamed to ``path``
    path: Path | None = None
    from_cache: bool = False

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    def content(self) -> bytes:
        if self.body is not None:
            return self.body
        assert self.path is not None
        return self.path.read_bytes()

    def json(self) -> Any:
        return json.loads(self.content())

    def text(self) -> str:
        return self.content().decode("utf-8", errors="replace")


@dataclass
class CacheEntry:
    url: str
    etag: str | None
    last_modified: str | None
    headers: dict[str, str]
    body_path: Path


class DiskCache:
    """Bodies and validators on disk, keyed by the full URL (query included)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _paths(self, url: str, suffix: str = ".body") -> tuple[Path, Path]:
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()
        folder = self.root / digest[:2]
        return folder / f"{digest}.json", folder / f"{digest}{suffix}"

    def get(self, url: str) -> CacheEntry | None:
        meta_path, _ = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        body_path = meta_path.with_name(str(meta.get("body") or ""))
        if meta.get("url") != url or not meta.get("body") or not body_path.exists():
            return None
        return CacheEntry(url, meta.get("etag"), meta.get("last_modified"), meta.get("headers", {}), body_path)

    def body_path(self, url: str, suffix: str = ".body") -> Path:
        """Archives keep their type's suffix, so extractors can read the cached file in place."""
        return self._paths(url, suffix)[1]

    def put(self, url: str, headers: dict[str, str], body: bytes | None = None, suffix: str = ".body") -> Path:
        """Store validators (and the body unless it was already streamed to ``body_path(url, suffix)``)."""
        meta_path, body_path = self._paths(url, suffix)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        if body is not None:
            tmp = body_path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_bytes(body)
            tmp.replace(body_path)
        keep = {
            k: v
            for k, v in headers.items()
            if k in ("content-type", "etag", "last-modified", SHA256_HEADER, SIZE_HEADER)
        }
        meta = {
            "url": url,
            "etag": headers.get("etag"),
            "last_modified": headers.get("last-modified"),
            "headers": keep,
            "body": body_path.name,
        }
        tmp_meta = meta_path.with_suffix(f".tmp{os.getpid()}")
        tmp_meta.write_text(json.dumps(meta), encoding="utf-8")
        tmp_meta.replace(meta_path)
        return body_path


class HostLimiter:
    """A concurrency limit and a requests-per-second budget for one host, plus a 'blocked until' time
    set by rate-limit headers."""

    def __init__(self, concurrency: int, rps: float, clock: Callable[[], float], sleep: Sleep) -> None:
        self.semaphore = asyncio.Semaphore(max(1, concurrency))
        self.interval = 1.0 / rps if rps and rps > 0 else 0.0
        self.next_at = 0.0
        self.blocked_until = 0.0
        self.lock = asyncio.Lock()
        self.clock = clock
        self.sleep = sleep

    async def wait_turn(self) -> None:
        async with self.lock:
            now = self.clock()
            start = max(now, self.next_at, self.blocked_until)
            self.next_at = start + self.interval
        if start > now:
            await self.sleep(start - now)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def backoff_delay(attempt: int, base: float = 0.5, cap: float = 60.0, rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter: uniform in [d/2, d] where d = base * 2**attempt (capped)."""
    delay = min(cap, base * (2**attempt))
    return delay / 2 + (rng or random).uniform(0, delay / 2)


class PoliteClient:
    """The shared client. Use as ``async with PoliteClient(settings) as http:``."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        cache: DiskCache | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        backoff_base: float = 0.5,
        max_wait: float = MAX_RETRY_AFTER,
    ) -> None:
        self.settings = settings
        self.cache = cache if cache is not None else DiskCache(Path(settings.cache_dir) / "http")
        self.sleep = sleep
        self.clock = clock
        self.wall_clock = wall_clock
        self.backoff_base = float(settings.extra.get("backoff_base", backoff_base))
        self.max_wait = max_wait
        self.stats = HttpStats()
        self._hosts: dict[str, HostLimiter] = {}
        self._auth: dict[str, dict[str, str]] = {}
        if settings.github_token:
            host = httpx.URL(settings.github_api_url).host
            self._auth[host] = {"Authorization": f"Bearer {settings.github_token}"}
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(settings.timeout_seconds),
            follow_redirects=True,
            headers={"User-Agent": settings.user_agent},
            limits=httpx.Limits(max_connections=max(10, settings.concurrency_per_host * 8)),
        )

    async def __aenter__(self) -> PoliteClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    def _limiter(self, host: str) -> HostLimiter:
        limiter = self._hosts.get(host)
        if limiter is None:
            limiter = HostLimiter(
                self.settings.concurrency_per_host, self.settings.requests_per_second_per_host, self.clock, self.sleep
            )
            self._hosts[host] = limiter
        return limiter

    def _note_rate_limit(self, limiter: HostLimiter, headers: httpx.Headers) -> None:
        """GitHub-style headers: when the budget is spent, hold the host until the reset time."""
        if headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset", "").isdigit():
            wait = float(headers["x-ratelimit-reset"]) - self.wall_clock()
            if wait > 0:
                limiter.blocked_until = max(limiter.blocked_until, self.clock() + min(wait, self.max_wait))

    async def fetch(
        self,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        revalidate: bool = True,
        immutable: bool = False,
        stream_to_cache: bool = False,
        suffix: str = ".body",
        max_bytes: int | None = None,
    ) -> Response:
        """GET with cache, retries and limits.

        ``revalidate``: send the cached validators and serve the cached body on 304. ``immutable``: a cached
        copy is served without any request (versioned artifacts). ``stream_to_cache``: write the body to the
        cache file as it arrives (archives), enforcing ``max_bytes``.
        """
        full = str(httpx.URL(url, params=params)) if params else url
        entry = self.cache.get(full) if (revalidate or immutable) else None
        if entry is not None and immutable:
            self.stats.from_cache += 1
            return Response(full, 200, entry.headers, path=entry.body_path, from_cache=True)
        send_headers = dict(headers or {})
        parsed = httpx.URL(full)
        send_headers.update(self._auth.get(parsed.host, {}))
        if entry is not None:
            if entry.etag:
                send_headers["If-None-Match"] = entry.etag
            if entry.last_modified:
                send_headers["If-Modified-Since"] = entry.last_modified
        limiter = self._limiter(parsed.host)
        attempt = 0
        while True:
            wait: float | None = None
            try:
                async with limiter.semaphore:
                    await limiter.wait_turn()
                    self.stats.requests += 1
                    self.stats.by_host[parsed.host] += 1
                    if entry is not None:
                        self.stats.conditional += 1
                    result = await self._send(full, send_headers, limiter, entry, stream_to_cache, suffix, max_bytes)
                if isinstance(result, Response):
                    return result
                status, resp_headers = result
                if status in (403, 429) and (
                    resp_headers.get("x-ratelimit-remaining") == "0" or "retry-after" in resp_headers
                ):
                    wait = parse_retry_after(resp_headers.get("retry-after"), self.wall_clock())
                    if wait is None and resp_headers.get("x-ratelimit-reset", "").isdigit():
                        wait = max(0.0, float(resp_headers["x-ratelimit-reset"]) - self.wall_clock())
                    if wait is not None and wait > self.max_wait:
                        self.stats.failures += 1
                        raise RateLimited(full, f"rate limited for {wait:.0f}s more; try again later", status)
                elif status in RETRY_STATUSES:
                    wait = parse_retry_after(resp_headers.get("retry-after"), self.wall_clock())
                elif status == 404 or status == 410:
                    raise NotFound(full, f"HTTP {status}", status)
                else:
                    self.stats.failures += 1
                    raise HttpError(full, f"HTTP {status}", status)
                error = HttpError(full, f"HTTP {status} after {attempt + 1} attempt(s)", status)
            except (httpx.TransportError, httpx.DecodingError) as exc:
                error = HttpError(full, f"{type(exc).__name__}: {exc or 'connection failed'}")
            if attempt >= self.settings.max_retries:
                self.stats.failures += 1
                raise error
            delay = wait if wait is not None else backoff_delay(attempt, self.backoff_base)
            self.stats.retries += 1
            attempt += 1
            await self.sleep(min(delay, self.max_wait))

    async def _send(
        self,
        url: str,
        headers: dict[str, str],
        limiter: HostLimiter,
        entry: CacheEntry | None,
        stream_to_cache: bool,
        suffix: str,
        max_bytes: int | None,
    ) -> Response | tuple[int, httpx.Headers]:
        async with self._client.stream("GET", url, headers=headers) as resp:
            self._note_rate_limit(limiter, resp.headers)
            if resp.status_code == 304 and entry is not None:
                self.stats.not_modified += 1
                self.stats.from_cache += 1
                return Response(url, 200, entry.headers, path=entry.body_path, from_cache=True)
            if resp.status_code != 200:
                await resp.aread()
                return resp.status_code, resp.headers
            declared = resp.headers.get("content-length", "")
            if max_bytes is not None and declared.isdigit() and int(declared) > max_bytes:
                raise TooLarge(url, f"{int(declared)} bytes, more than the limit of {max_bytes}")
            out_headers = {k.lower(): v for k, v in resp.headers.items()}
            if stream_to_cache:
                target = self.cache.body_path(url, suffix)
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_suffix(f".part{os.getpid()}")
                size = 0
                digest = hashlib.sha256()
                try:
                    with tmp.open("wb") as fh:
                        async for chunk in resp.aiter_bytes():
                            size += len(chunk)
                            if max_bytes is not None and size > max_bytes:
                                raise TooLarge(url, f"more than the limit of {max_bytes} bytes")
                            digest.update(chunk)
                            fh.write(chunk)
                except BaseException:
                    tmp.unlink(missing_ok=True)
                    raise
                tmp.replace(target)
                self.stats.bytes += size
                out_headers[SHA256_HEADER] = digest.hexdigest()  # provenance of what the tools came from
                out_headers[SIZE_HEADER] = str(size)
                self.cache.put(url, out_headers, suffix=suffix)
                return Response(url, 200, out_headers, path=target)
            body = bytearray()
            async for chunk in resp.aiter_bytes():
                body += chunk
                if max_bytes is not None and len(body) > max_bytes:
                    raise TooLarge(url, f"more than the limit of {max_bytes} bytes")
            self.stats.bytes += len(body)
            if "etag" in out_headers or "last-modified" in out_headers:
                self.cache.put(url, out_headers, bytes(body))
            return Response(url, 200, out_headers, body=bytes(body))

    # The narrow interface sources use (crawler.sources.base.HttpClient).
    async def get_json(
        self, url: str, *, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Any:
        resp = await self.fetch(url, params=params, headers={"Accept": "application/json", **(headers or {})})
        try:
            return resp.json()
        except ValueError as exc:
            raise HttpError(resp.url, f"invalid JSON: {exc}", resp.status) from exc

    async def get_text(
        self, url: str, *, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> str:
        return (await self.fetch(url, params=params, headers=headers)).text()

    async def get_bytes(
        self, url: str, *, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> bytes:
        return (await self.fetch(url, params=params, headers=headers)).content()
