"""The integrity checks' own benchmark: the integrity step of ``classify_tools`` alone, on the corpus of
``mcp-catalog bench classify`` (distinct tools, server context, the catalog's tool names, batches of 2,000).

``bench classify`` reports integrity only as the difference of two whole-classifier runs, which on a shared
machine is noisier than the integrity step itself; this times that step (``classifier.api.integrity_for``)
directly, several times over, and reports the best run in CPU microseconds per tool.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from catalog.gc_pause import paused_gc
from classifier import api
from classifier.bench import Server, clear_caches, distinct_corpus, load_servers, prepare_batches, synthetic_servers


def run_integrity_benchmark(n: int = 20_000, tools_from: Path | None = None, repeats: int = 3) -> dict[str, Any]:
    """Time the integrity step over ``n`` distinct tools ``repeats`` times; the figures of the best run."""
    if tools_from is not None:
        servers: list[Server] = distinct_corpus(load_servers(tools_from), n)
        corpus = f"{tools_from} (made distinct)"
    else:
        servers = synthetic_servers(n, 1, distinct=True)
        corpus = "synthetic (distinct descriptions)"
    batches = prepare_batches(servers)
    known = {t["name"] for _, _, tools in servers for t in tools}
    count = sum(len(tools) for tools, _ in batches)
    load_before = os.getloadavg()
    runs: list[float] = []
    flagged = 0
    for _ in range(max(1, repeats)):
        clear_caches()
        cpu_start = time.process_time()
        with paused_gc():
            flagged = sum(
                bool(findings)
                for tools, context in batches
                for findings in api.integrity_for(tools, context, None, known)
            )
        runs.append(time.process_time() - cpu_start)
    best = min(runs)
    return {
        "corpus": corpus,
        "tools": count,
        "flagged_tools": flagged,
        "us_per_tool": round(best / count * 1e6, 2) if count else None,
        "tools_per_cpu_second": round(count / best, 1) if best else None,
        "cpu_seconds_per_run": [round(r, 3) for r in runs],
        "load_average": {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in os.getloadavg()]},
    }
