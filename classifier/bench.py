"""Classification throughput, measured (never asserted): tools per second in batch, on one core.

Wall-clock time on a shared machine swings with other people's load, so the CPU time of this process is
reported next to it. Synthetic tools come from ``catalog.synthetic`` (deterministic from a seed); a real tools file can be used
instead. Caches are cleared first so the figure includes splitting every name once.
"""

from __future__ import annotations

import time
from typing import Any

from catalog.synthetic import generate
from classifier.api import classify_tools
from classifier.features import clear_caches as name_tokens_cache_clear
from classifier.model import load_model
from classifier.rules.base import clear_caches as name_actions_cache_clear
from classifier.text import split_identifier

BATCH = 5000


def synthetic_tools(n: int, seed: int = 1) -> list[dict[str, Any]]:
    tools: list[dict[str, Any]] = []
    for server in generate(max(1, n // 8), seed=seed):
        for record in server.tools:
            tool = record.to_mcp()
            tool["server"] = server.slug
            tools.append(tool)
            if len(tools) >= n:
                return tools
    return tools


def run_benchmark(n: int = 50_000, seed: int = 1, integrity: bool = True, tools: list[dict] | None = None) -> dict:
    load_model.cache_clear()
    start = time.perf_counter()
    load_model()
    load_ms = (time.perf_counter() - start) * 1000
    tools = tools if tools is not None else synthetic_tools(n, seed)
    split_identifier.cache_clear()
    name_tokens_cache_clear()
    name_actions_cache_clear()
    start = time.perf_counter()
    cpu_start = time.process_time()
    if integrity:
        for i in range(0, len(tools), BATCH):
            classify_tools(tools[i : i + BATCH])
    else:
        from classifier.engine import classify_features, features_for, paused_gc

        for i in range(0, len(tools), BATCH):
            with paused_gc():
                classify_features(features_for(tools[i : i + BATCH], None))
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return {
        "cpu_seconds": round(cpu, 3),
        "tools_per_cpu_second": round(len(tools) / cpu, 1) if cpu else None,
        "tools": len(tools),
        "seconds": round(seconds, 3),
        "tools_per_second": round(len(tools) / seconds, 1) if seconds else None,
        "model_load_ms": round(load_ms, 1),
        "integrity": integrity,
        "batch": BATCH,
    }
