"""The polite client against the fixture server: retries, Retry-After, 304 reuse, limits."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from crawler.http import HttpError, NotFound, PoliteClient, RateLimited, TooLarge, backoff_delay, parse_retry_after
from crawler.testing.fixture_server import Fault, FixtureServer, World
from tests.fixture_server import settings_for_world, small_world


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    with FixtureServer(small_world()) as srv:
        yield srv


def client(srv: FixtureServer, tmp_path: Path, sleeps: Sleeps | None = None, **extra: object) -> PoliteClient:
    settings = settings_for_world(srv.url, tmp_path, **extra)
    return PoliteClient(settings, sleep=sleeps or Sleeps())


def test_retries_500_with_backoff_then_succeeds(server: FixtureServer, tmp_path: Path) -> None:
    server.world.fault("/repos/acme/weather", Fault(status=500, times=2))
    sleeps = Sleeps()

    async def go() -> dict:
        async with client(server, tmp_path, sleeps) as http:
            data = await http.get_json(f"{server.url}/repos/acme/weather")
            assert http.stats.retries == 2 and http.stats.requests == 3
            return data

    assert run(go())["full_name"] == "acme/weather"
    assert len(sleeps.calls) == 2 and all(s > 0 for s in sleeps.calls)


def test_honours_retry_after_on_429(server: FixtureServer, tmp_path: Path) -> None:
    server.world.fault("/repos/acme/weather", Fault(status=429, retry_after="7"))
    sleeps = Sleeps()

    async def go() -> None:
        async with client(server, tmp_path, sleeps) as http:
            await http.get_json(f"{server.url}/repos/acme/weather")

    run(go())
    assert sleeps.calls == [7.0]


def test_gives_up_after_max_retries(server: FixtureServer, tmp_path: Path) -> None:
    server.world.fault("/repos/acme/weather", Fault(status=503, times=10))

    async def go() -> None:
        async with client(server, tmp_path, max_retries=2) as http:
            await http.get_json(f"{server.url}/repos/acme/weather")

    with pytest.raises(HttpError, match="HTTP 503"):
        run(go())
    assert len(server.world.requests("/repos/acme/weather")) == 3


def test_rate_limit_reset_too_far_is_reported_not_waited(server: FixtureServer, tmp_path: Path) -> None:
    far = "9999999999"
    server.world.fault(
        "/repos/acme/weather",
        Fault(status=403, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": far}, times=5),
    )

    async def go() -> None:
        async with client(server, tmp_path) as http:
            await http.get_json(f"{server.url}/repos/acme/weather")

    with pytest.raises(RateLimited):
        run(go())
    assert len(server.world.requests("/repos/acme/weather")) == 1


def test_truncated_body_is_retried(server: FixtureServer, tmp_path: Path) -> None:
    server.world.fault("/npm/@acme/weather-mcp/-/", Fault(truncate=True))
    url = f"{server.url}/npm/@acme/weather-mcp/-/weather-mcp-1.0.0.tgz"

    async def go() -> bytes:
        async with client(server, tmp_path) as http:
            resp = await http.fetch(url, stream_to_cache=True)
            assert http.stats.retries == 1
            return resp.content()

    body = run(go())
    assert body[:2] == b"\x1f\x8b" and len(server.world.requests("/npm/@acme/weather-mcp/-/")) == 2


def test_second_fetch_is_conditional_and_served_from_cache(server: FixtureServer, tmp_path: Path) -> None:
    url = f"{server.url}/repos/acme/mono"

    async def go() -> tuple[bool, bool, dict]:
        async with client(server, tmp_path) as http:
            first = await http.fetch(url)
            second = await http.fetch(url)
            assert http.stats.not_modified == 1 and http.stats.conditional == 1
            return first.from_cache, second.from_cache, second.json()

    first_cached, second_cached, data = run(go())
    assert (first_cached, second_cached) == (False, True)
    assert data["stargazers_count"] == 42
    assert "if-none-match" in server.world.log[-1][1]


def test_changed_etag_fetches_the_new_body(server: FixtureServer, tmp_path: Path) -> None:
    url = f"{server.url}/repos/acme/mono"

    async def go() -> int:
        async with client(server, tmp_path) as http:
            await http.fetch(url)
            server.world.repos["acme/mono"].meta["stargazers_count"] = 43
            resp = await http.fetch(url)
            assert not resp.from_cache
            return resp.json()["stargazers_count"]

    assert run(go()) == 43


def test_not_found_is_not_retried(server: FixtureServer, tmp_path: Path) -> None:
    async def go() -> None:
        async with client(server, tmp_path) as http:
            await http.get_json(f"{server.url}/repos/acme/missing")

    with pytest.raises(NotFound):
        run(go())
    assert len(server.world.requests("/repos/acme/missing")) == 1


def test_size_limit_stops_a_download(server: FixtureServer, tmp_path: Path) -> None:
    async def go() -> None:
        async with client(server, tmp_path) as http:
            await http.fetch(f"{server.url}/repos/acme/mono/tarball/main", stream_to_cache=True, max_bytes=50)

    with pytest.raises(TooLarge):
        run(go())


def test_requests_per_second_budget_spaces_requests(server: FixtureServer, tmp_path: Path) -> None:
    sleeps = Sleeps()

    async def go() -> None:
        async with client(server, tmp_path, sleeps, requests_per_second_per_host=2.0) as http:
            for _ in range(3):
                await http.fetch(f"{server.url}/repos/acme/mono", revalidate=False)

    run(go())
    # Sleeps are recorded, not slept: the 2nd and 3rd requests each wait for their half-second slot.
    assert len(sleeps.calls) == 2 and all(0.4 < s <= 1.0 for s in sleeps.calls)


def test_concurrency_per_host_is_bounded(tmp_path: Path) -> None:
    world = World()
    world.add_repo("a/b", {"x.txt": "x"})
    world.fault("/repos/a/b", Fault(delay=0.2, times=6))
    with FixtureServer(world) as srv:

        async def go() -> float:
            async with PoliteClient(settings_for_world(srv.url, tmp_path, concurrency_per_host=2)) as http:
                loop = asyncio.get_running_loop()
                start = loop.time()
                await asyncio.gather(*(http.fetch(f"{srv.url}/repos/a/b", revalidate=False) for _ in range(6)))
                return loop.time() - start

        elapsed = run(go())
    assert elapsed >= 0.55  # 6 slow requests, 2 at a time: at least 3 rounds of 0.2 s


def test_retry_after_and_backoff_parsing() -> None:
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0) == 0.0
    assert parse_retry_after("soon") is None
    delays = [backoff_delay(a, 0.5) for a in range(4)]
    assert all(0.25 * 2**a <= d <= 0.5 * 2**a for a, d in enumerate(delays))


def test_token_sent_only_to_the_github_api_host(server: FixtureServer, tmp_path: Path) -> None:
    async def go() -> None:
        settings = settings_for_world(server.url, tmp_path, github_api_url="http://localhost:1", github_token="t0k")
        async with PoliteClient(settings) as http:
            await http.fetch(f"{server.url}/repos/acme/mono")

    run(go())
    assert "authorization" not in server.world.log[-1][1]
    assert server.world.log[-1][1]["user-agent"].startswith("mcp-catalog/")
