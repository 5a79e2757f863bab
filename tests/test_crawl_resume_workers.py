"""Durability of the crawl: a crawl killed at any moment resumes without loss or duplicates, expired claims
are handed out again, and two worker processes on one PostgreSQL catalog never claim the same item."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from catalog.db import Catalog
from catalog.models import Server, Tool, ToolChange, WorkItem, utcnow
from crawler.crawl import queue
from crawler.testing.fixture_server import Fault, FixtureServer, World
from tests.fixture_server import tools_json

ROOT = Path(__file__).resolve().parent.parent


def many_servers(n: int) -> World:
    world = World()
    for i in range(n):
        name = f"@fleet/s{i:03d}"
        world.add_npm(name, "1.0.0", {"tools.json": tools_json(f"tool_a_{i}", f"tool_b_{i}")})
        world.add_registry_server(
            {
                "name": f"io.github.fleet/s{i:03d}",
                "packages": [{"registryType": "npm", "identifier": name, "version": "1.0.0"}],
            }
        )
    return world


def cli_env(url: str, tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "MCP_CATALOG_REGISTRY_URL": url,
        "MCP_CATALOG_NPM_REGISTRY_URL": f"{url}/npm",
        "MCP_CATALOG_GITHUB_API_URL": url,
        "MCP_CATALOG_PYPI_INDEX_URL": f"{url}/pypi/simple",
        "MCP_CATALOG_CACHE_DIR": str(tmp / "cache"),
        "PYTHONPATH": str(ROOT),
    }


def crawl_cmd(db: str, *args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "mcp-catalog"), *args, "--db", db, "--json", "--rate", "0"]


def crawl_until(db: str, env: dict[str, str], world: World, tarballs: int) -> subprocess.Popen[bytes]:
    """Start a crawl in another process and return once it has asked for ``tarballs`` npm downloads."""
    proc = subprocess.Popen(
        crawl_cmd(db, "crawl", "-s", "registry", "--concurrency", "2"),
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.time() + 30
    while time.time() < deadline and len(world.requests("/npm/")) < tarballs:
        time.sleep(0.05)
    return proc


def assert_complete_without_duplicates(db: str, n: int) -> None:
    cat = Catalog(db)
    try:
        with cat.session() as s:
            assert s.exec(select(func.count()).select_from(Server)).one() == n
            assert s.exec(select(func.count()).select_from(Tool).where(Tool.present)).one() == 2 * n
            # each tool was added exactly once, whatever the interruptions
            kinds = s.exec(select(ToolChange.kind, func.count()).group_by(ToolChange.kind)).all()
            assert dict(kinds) == {"added": 2 * n}
            statuses = s.exec(
                select(WorkItem.status, func.count()).where(WorkItem.kind == "fetch").group_by(WorkItem.status)
            ).all()
            assert dict(statuses) == {"done": n}
    finally:
        cat.dispose()


@pytest.mark.slow
def test_kill_and_resume_loses_nothing_and_duplicates_nothing(tmp_path: Path) -> None:
    n = 24
    world = many_servers(n)
    world.fault("/npm/", Fault(delay=0.15, times=10_000))  # slow tarballs so the kill lands mid-fetch
    db = str(tmp_path / "c.db")
    with FixtureServer(world) as srv:
        env = cli_env(srv.url, tmp_path)
        proc = crawl_until(db, env, world, 6)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        cat = Catalog(db)
        with cat.session() as s:
            done_before = s.exec(select(func.count()).select_from(WorkItem).where(WorkItem.status == "done")).one()
        cat.dispose()
        assert 0 < done_before < n, "the kill should land in the middle of the fetch phase"
        world.faults.clear()
        again = subprocess.run(
            crawl_cmd(db, "crawl", "-s", "registry"), env=env, cwd=ROOT, capture_output=True, timeout=120
        )
        assert again.returncode == 0, again.stderr.decode()
        summary = json.loads(again.stdout)
    assert summary["failed"] == 0
    assert summary["fetched"] + summary["unchanged"] <= n - done_before + 2  # finished work is not fetched again
    assert_complete_without_duplicates(db, n)


def test_expired_claims_are_handed_out_again(catalog: Catalog) -> None:
    with catalog.session() as s:
        for i in range(3):
            queue.enqueue(s, f"fetch:{i}", queue.FETCH, {"server_id": i})
        s.commit()
        first = queue.claim(s, "host-a:1", limit=2)
        assert [c.key for c in first] == ["fetch:0", "fetch:1"]
        assert [c.key for c in queue.claim(s, "host-b:2", limit=5)] == ["fetch:2"]
        assert queue.claim(s, "host-b:2") == []
        assert queue.requeue_expired(s, timedelta(minutes=15)) == 0
        item = s.exec(select(WorkItem).where(WorkItem.key == "fetch:0")).one()
        item.claimed_at = utcnow() - timedelta(hours=1)
        s.add(item)
        s.commit()
        assert queue.requeue_expired(s, timedelta(minutes=15)) == 1
        again = queue.claim(s, "host-b:2")
        assert [c.key for c in again] == ["fetch:0"] and again[0].attempts == 2
        queue.complete(s, first[0].id, "host-a:1")  # the dead worker's late answer is ignored
        assert s.get(WorkItem, first[0].id).status == "claimed"  # type: ignore[union-attr]
        queue.complete(s, again[0].id, "host-b:2")
        assert s.get(WorkItem, first[0].id).status == "done"  # type: ignore[union-attr]
        # done with the same payload stays done; a new payload queues it again
        assert queue.enqueue(s, "fetch:0", queue.FETCH, {"server_id": 0}) == "unchanged"
        assert queue.enqueue(s, "fetch:0", queue.FETCH, {"server_id": 0, "v": 2}) == "requeued"


@pytest.mark.postgres
def test_two_workers_on_postgresql_never_claim_the_same_item(pg_url: str, tmp_path: Path) -> None:
    n = 40
    world = many_servers(n)
    world.fault("/npm/", Fault(delay=0.03, times=10_000))
    with FixtureServer(world) as srv:
        env = cli_env(srv.url, tmp_path)
        first = subprocess.run(
            crawl_cmd(pg_url, "crawl", "-s", "registry", "--discover-only"),
            env=env,
            cwd=ROOT,
            capture_output=True,
            timeout=120,
        )
        assert first.returncode == 0, first.stderr.decode()
        workers = [
            subprocess.Popen(
                crawl_cmd(pg_url, "crawl", "--worker", "--concurrency", "3"),
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        outputs = [w.communicate(timeout=180) for w in workers]
    summaries = []
    for w, (out, err) in zip(workers, outputs, strict=True):
        assert w.returncode == 0, err.decode()
        summaries.append(json.loads(out))
    fetched = [s["fetched"] for s in summaries]
    assert sum(fetched) == n and all(f > 0 for f in fetched), fetched  # both worked, nothing twice
    cat = Catalog(pg_url)
    try:
        with cat.session() as s:
            items = s.exec(select(WorkItem).where(WorkItem.kind == "fetch")).all()
            assert all(item.attempts == 1 for item in items)
    finally:
        cat.dispose()
    assert_complete_without_duplicates(pg_url, n)


def test_waiting_worker_picks_up_work_queued_after_it_started(tmp_path: Path) -> None:
    import threading

    from crawler.crawl.extracting import manifest_tools
    from crawler.pipeline import crawl
    from tests.fixture_server import settings_for_world, small_world

    db = str(tmp_path / "c.db")
    results: list = []
    with FixtureServer(small_world()) as srv:
        settings = settings_for_world(srv.url, tmp_path, db=db)
        worker_catalog = Catalog(db)

        def work() -> None:
            results.append(
                crawl(
                    worker_catalog, settings, [], worker=True, idle_wait=2.0, progress=False, extractor=manifest_tools
                )
            )

        thread = threading.Thread(target=work)
        thread.start()
        time.sleep(0.3)
        discover_catalog = Catalog(db)
        crawl(discover_catalog, settings, ["registry"], discover_only=True, progress=False)
        thread.join(30)
        discover_catalog.dispose()
        worker_catalog.dispose()
    assert results and results[0].fetched == 3 and results[0].tools_added == 6


@pytest.mark.slow
def test_ctrl_c_gives_claims_back_and_marks_the_run_interrupted(tmp_path: Path) -> None:
    from catalog.models import Run

    world = many_servers(12)
    world.fault("/npm/", Fault(delay=0.3, times=10_000))
    db = str(tmp_path / "c.db")
    with FixtureServer(world) as srv:
        proc = crawl_until(db, cli_env(srv.url, tmp_path), world, 3)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err.decode()
    assert b"interrupted" in err and b"Traceback" not in err
    cat = Catalog(db)
    try:
        with cat.session() as s:
            assert s.exec(select(func.count()).select_from(WorkItem).where(WorkItem.status == "claimed")).one() == 0
            assert s.exec(select(Run.status)).all() == ["interrupted"]
    finally:
        cat.dispose()
