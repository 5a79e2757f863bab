"""`mcp-catalog bench crawl`: a cold and a warm crawl of N synthetic servers served by the fixture server.

The fixture server runs in a child process, so the figures (throughput, requests per server, peak memory) are
the crawler's own. The warm crawl runs right after the cold one on an unchanged world: it should send only
conditional requests and one ``updated_since`` registry query.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from catalog.config import Settings
from catalog.db import open_catalog


def _serve(n: int, seed: int, conn: Any) -> None:
    from crawler.testing.fixture_server import FixtureServer
    from crawler.testing.synthetic_world import build_world

    world = build_world(n, seed)
    with FixtureServer(world) as server:
        conn.send(server.url)
        while True:
            msg = conn.recv()
            if msg == "stop":
                return
            log = list(world.log)
            world.log.clear()
            conn.send(
                {
                    "requests": len(log),
                    "conditional": sum(1 for _, h in log if "if-none-match" in h or "if-modified-since" in h),
                    "updated_since": sum(1 for p, _ in log if "updated_since=" in p),
                }
            )


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_crawl_benchmark(
    n: int, *, seed: int = 0, db: str | None = None, concurrency: int = 16, progress: bool = True
) -> dict[str, Any]:
    from crawler.pipeline import crawl

    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(n, seed, child), daemon=True)
    proc.start()
    try:
        if not parent.poll(600):
            raise RuntimeError("the fixture server did not start")
        url = parent.recv()
        with tempfile.TemporaryDirectory(prefix="mcp-catalog-bench-") as tmp:
            settings = Settings(
                db=db or str(Path(tmp) / "bench.db"),
                cache_dir=Path(tmp) / "cache",
                registry_url=url,
                github_api_url=url,
                npm_registry_url=f"{url}/npm",
                pypi_index_url=f"{url}/pypi/simple",
                concurrency_per_host=concurrency,
                requests_per_second_per_host=0,
                max_retries=2,
            )
            catalog = open_catalog(settings.db)
            results: dict[str, Any] = {"servers": n}
            try:
                for phase in ("cold", "warm"):
                    start, cpu_start = time.perf_counter(), _cpu_seconds()
                    summary = crawl(catalog, settings, ["registry"], progress=progress, concurrency=concurrency)
                    elapsed, cpu = time.perf_counter() - start, _cpu_seconds() - cpu_start
                    parent.send("log")
                    seen = parent.recv()
                    results[phase] = {
                        "seconds": round(elapsed, 2),
                        "servers_per_second": round(n / elapsed, 1),
                        # CPU time of the crawler process alone: the figure that does not depend on machine load
                        "cpu_seconds": round(cpu, 2),
                        "servers_per_cpu_second": round(n / cpu, 1) if cpu else None,
                        "requests": seen["requests"],
                        "requests_per_server": round(seen["requests"] / n, 3),
                        "conditional": seen["conditional"],
                        "updated_since": seen["updated_since"],
                        "non_conditional": seen["requests"] - seen["conditional"] - seen["updated_since"],
                        "fetched": summary.fetched,
                        "unchanged": summary.unchanged,
                        "failed": summary.failed,
                        "tools_added": summary.tools_added,
                        "tools_changed": summary.tools_changed,
                        "peak_rss_mb": _peak_rss_mb(),
                    }
            finally:
                catalog.dispose()
        return results
    finally:
        with contextlib.suppress(OSError):
            parent.send("stop")
        proc.join(10)
        if proc.is_alive():
            proc.terminate()
