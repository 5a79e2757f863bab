"""`mcp-catalog bench scan`: throughput of a scan, end to end, on deterministic synthetic servers.

Two phases, both offline: (1) packages: N synthetic npm packages served by the crawler's fixture registry on
127.0.0.1, fetched cold (download + extract) and then warm (from the crawler's HTTP cache), as `scan
npm:...` does; (2) reports: one client config's worth of servers classified by the real classifier, then
rendered in every format, with policies written and every policy file validated.
"""

from __future__ import annotations

import io
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from catalog.config import Settings
from catalog.synthetic import generate
from publisher.scan.model import Subject


def _rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1) if seconds > 0 else 0.0


def _timed(func: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - started


def bench_packages(n_packages: int, tmp: Path, seed: int = 0) -> dict[str, Any]:
    """Fetch and read `n_packages` synthetic npm packages, cold then warm."""
    from crawler.testing.fixture_server import FixtureServer, World
    from publisher.scan.packages import package_fetcher

    world = World()
    subjects = []
    tools = 0
    for server in generate(n_packages, seed=seed):
        name = f"@bench/{server.slug}"
        listing = {"tools": [t.to_mcp() for t in server.tools]}
        world.add_npm(name, "1.0.0", {"package.json": json.dumps({"name": name}), "tools.json": json.dumps(listing)})
        subjects.append(Subject(name=server.slug, kind="npm", package=name, version="1.0.0"))
        tools += len(server.tools)
    out: dict[str, Any] = {"packages": n_packages, "tools": tools}
    with FixtureServer(world) as srv:
        settings = Settings(
            cache_dir=tmp / "cache",
            npm_registry_url=f"{srv.url}/npm",
            requests_per_second_per_host=0.0,
            timeout_seconds=10.0,
        )
        fetch = package_fetcher(settings)
        for phase in ("cold", "warm"):
            before = len(srv.world.requests())
            found, seconds = _timed(lambda: [fetch(s) for s in subjects])
            out[phase] = {
                "seconds": round(seconds, 3),
                "packages_per_second": _rate(n_packages, seconds),
                "tools": sum(len(f.tools) for f in found),
                "registry_requests": len(srv.world.requests()) - before,
            }
    return out


def bench_reports(n_servers: int, tmp: Path, seed: int = 0) -> dict[str, Any]:
    """Scan `n_servers` synthetic tools/list files as one agent, render every format, write and check policies."""
    from publisher.policy.check_tree import check_tree
    from publisher.scan.report_markdown import render_markdown
    from publisher.scan.report_sarif import render_sarif
    from publisher.scan.report_table import render_table
    from publisher.scan.runner import run_scan, write_scan_policies

    subjects = []
    for server in generate(n_servers, seed=seed):
        path = tmp / f"{server.slug}.json"
        path.write_text(json.dumps({"tools": [t.to_mcp() for t in server.tools]}), "utf-8")
        subjects.append(Subject(name=server.slug, kind="tools-json", path=str(path)))
    report, scan_s = _timed(run_scan, subjects)
    tools = sum(len(s.tools) for s in report.servers)
    renders = {
        "table": lambda: render_table(report, Console(file=io.StringIO(), width=160)),
        "markdown": lambda: render_markdown(report),
        "sarif": lambda: render_sarif(report),
        "json": lambda: json.dumps(report.to_json()),
    }
    out: dict[str, Any] = {
        "servers": n_servers,
        "tools": tools,
        "scan": {"seconds": round(scan_s, 3), "tools_per_second": _rate(tools, scan_s)},
    }
    for name, render in renders.items():
        _, seconds = _timed(render)
        out[f"render_{name}"] = {"seconds": round(seconds, 3), "tools_per_second": _rate(tools, seconds)}
    summary, write_s = _timed(write_scan_policies, report, tmp / "policies")
    checked, check_s = _timed(check_tree, tmp / "policies")
    out["write_policies"] = {"seconds": round(write_s, 3), "files": summary["files_written"]}
    out["check_policies"] = {
        "seconds": round(check_s, 3),
        "files_per_second": _rate(checked.files, check_s),
        "invalid": len(checked.failures),
    }
    return out


def bench_scan(n_servers: int, n_packages: int, seed: int = 0) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="mcp-catalog-bench-scan-") as tmp:
        root = Path(tmp)
        (root / "reports").mkdir()
        (root / "packages").mkdir()
        return {
            "reports": bench_reports(n_servers, root / "reports", seed),
            "packages": bench_packages(n_packages, root / "packages", seed) if n_packages else None,
        }
