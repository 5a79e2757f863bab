"""Classification throughput, measured (never asserted): tools per CPU second in batch, in one process.

Honest by construction:
- **Distinct tools.** Real catalogs rarely repeat a description word for word, and the classifier caches work
  per distinct text, so a corpus that repeats descriptions measures the caches. Every tool here gets its own
  name, description and parameter set (``catalog.synthetic.vary_tool``): either real tool definitions read at
  run time from a dump (``--tools-from``: the mcpm registry folder, a docker registry folder, a tools/list JSON
  file or LiveMCPBench's capture), copied under made-up product words until there are ``n``; or synthetic
  servers generated in distinct mode.
- **The configuration that runs in production.** The headline is what ``mcp-catalog classify`` does to a
  catalog: features, rules, both models, decisions, rationale, *and* integrity checks, with each tool's
  server context (its siblings and description) and the catalog's tool names for shadowing checks. Without
  integrity it is reported as a second figure, never the headline.
- **CPU time.** Wall time on a shared machine swings with other people's load; the CPU seconds of this
  process are reported next to it, with the load average. Every cache is cleared first.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from catalog.gc_pause import paused_gc
from catalog.synthetic import generate, vary_tool
from classifier import api, integrity
from classifier.api import classify_tools
from classifier.engine import classify_features, features_for
from classifier.features import clear_caches as feature_caches_clear
from classifier.model import load_model
from classifier.rules.base import clear_caches as name_actions_cache_clear
from classifier.text import split_identifier

BATCH = 2000  # classify_catalog's batch size: the headline measures the batches the catalog stage sends

Server = tuple[str, str, list[dict[str, Any]]]  # name, description, tools


class CorpusError(ValueError):
    """The --tools-from path holds no tool definitions; the message says what was looked for."""


def synthetic_servers(n: int, seed: int = 1, *, distinct: bool = True) -> list[Server]:
    """Synthetic servers holding ``n`` tools in all (distinct tools unless ``distinct`` is off)."""
    servers: list[Server] = []
    count = 0
    for server in generate(max(1, n // 8), seed=seed, distinct=distinct):
        tools = [record.to_mcp() for record in server.tools[: n - count]]
        servers.append((server.slug, server.description, tools))
        count += len(tools)
        if count >= n:
            break
    return servers


def _tool_dicts(items: Any) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        return []
    return [t for t in items if isinstance(t, dict) and isinstance(t.get("name"), str) and t["name"]]


def _servers_in(data: Any, fallback_name: str) -> Iterator[Server]:
    """The tool lists a JSON document holds, in the shapes the public dumps use."""
    if isinstance(data, dict):
        if isinstance(data.get("result"), dict):
            data = data["result"]
        tools = _tool_dicts(data.get("tools"))
        if tools:
            name = data.get("name") if isinstance(data.get("name"), str) else fallback_name
            description = data.get("description") if isinstance(data.get("description"), str) else ""
            yield name, description, tools
        elif isinstance(data.get("tools"), dict):  # LiveMCPBench: {"tools": {server: {"tools": [...]}}}
            for name, entry in data["tools"].items():
                inner = entry.get("tools") if isinstance(entry, dict) else None
                if _tool_dicts(inner):
                    description = data.get("description") if isinstance(data.get("description"), str) else ""
                    yield str(name), description, _tool_dicts(inner)
    elif isinstance(data, list):
        tools = _tool_dicts(data)
        is_tool_list = not any("tools" in t for t in tools)  # a list of servers holds tool lists of its own
        if tools and is_tool_list and len(tools) == len(data):
            yield fallback_name, "", tools
        else:
            for i, item in enumerate(data):
                if isinstance(item, dict):
                    yield from _servers_in(item, f"{fallback_name}-{i}")


def load_servers(path: Path) -> list[Server]:
    """Real tool definitions from a dump: a JSON file, or every JSON file under a folder (sorted, deterministic)."""
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder (give a dump folder or a tools/list JSON file)")
    files = [path] if path.is_file() else sorted(path.rglob("*.json"))
    servers: list[Server] = []
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue  # a dump folder holds other files too; only tool lists count
        stem = file.parent.name if file.stem == "tools" else file.stem
        servers.extend(_servers_in(data, stem))
    if not servers:
        raise CorpusError(
            f"{path}: no tool definitions found (expected tools/list JSON: a list of tools with names and "
            'descriptions, {"tools": [...]}, or a folder of such files)'
        )
    return servers


def distinct_corpus(servers: list[Server], n: int) -> list[Server]:
    """``n`` tools from ``servers``, every one made distinct: copy ``k`` of a server is a new server whose tools
    carry product word number ``k * len(servers) + i``. Deterministic."""
    out: list[Server] = []
    count = 0
    copy = 0
    while count < n:
        for i, (name, description, tools) in enumerate(servers):
            index = copy * len(servers) + i
            noun = name.rsplit("/", 1)[-1].replace("-", " ")[:30] or "record"
            varied = [vary_tool(t, index, noun) for t in tools[: n - count]]
            out.append((f"{name}~{index}", description, varied))
            count += len(varied)
            if count >= n:
                break
        copy += 1
    return out


def repeated_corpus(servers: list[Server], n: int) -> list[Server]:
    """``n`` tools from ``servers`` copied as they are (what a cache-friendly benchmark measured)."""
    out: list[Server] = []
    count = 0
    while count < n:
        for name, description, tools in servers:
            taken = tools[: n - count]
            out.append((f"{name}~{len(out)}", description, taken))
            count += len(taken)
            if count >= n:
                break
    return out


def top_functions(profiler: cProfile.Profile, limit: int) -> list[dict[str, Any]]:
    """The functions with the most own time, as rows a script can read."""
    stats = pstats.Stats(profiler)
    rows = []
    for (file, line, function), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{Path(file).name}:{line}" if line else file
        rows.append({"function": f"{where}({function})", "calls": calls, "own_s": own, "cumulative_s": cumulative})
    rows.sort(key=lambda r: r["own_s"], reverse=True)
    return [{**r, "own_s": round(r["own_s"], 3), "cumulative_s": round(r["cumulative_s"], 3)} for r in rows[:limit]]


def clear_caches() -> None:
    """Forget every per-text cache, so a run measures a cold start."""
    split_identifier.cache_clear()
    feature_caches_clear()
    name_actions_cache_clear()
    model = load_model()
    if model is not None:
        model.column_cache.clear()
    api._KNOWN_LOWER.clear()  # the catalog's lower-cased names
    integrity._PHRASES_FOR.clear()  # phrase lists per pre-filter mask


Batch = tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]  # tools (with "server"), server context


def prepare_batches(servers: list[Server], batch_size: int = BATCH) -> list[Batch]:
    """The corpus as the catalog stage hands it to the classifier: batches of tool dicts naming their server,
    with each server's context (description, tool names). Built before the clock starts."""
    contexts = {
        name: {"description": description, "tool_names": [t["name"] for t in tools]}
        for name, description, tools in servers
    }
    tools = [{**tool, "server": name} for name, _, server_tools in servers for tool in server_tools]
    out: list[Batch] = []
    for start in range(0, len(tools), batch_size):
        batch = tools[start : start + batch_size]
        out.append((batch, {t["server"]: contexts[t["server"]] for t in batch}))
    return out


def classify_batches(batches: list[Batch], known: set[str], *, integrity: bool = True) -> int:
    """Classify every batch as the catalog stage does (with integrity: server context and the catalog's tool
    names); without integrity, only features, rules, models and decisions. Returns the number of tools."""
    done = 0
    for tools, context in batches:
        if integrity:
            classify_tools(tools, server_context=context, known_tool_names=known)
        else:
            with paused_gc():
                classify_features(features_for(tools, context))
        done += len(tools)
    return done


def run_benchmark(
    n: int = 50_000,
    seed: int = 1,
    integrity: bool = True,
    tools_from: Path | None = None,
    distinct: bool = True,
    profile: int = 0,
) -> dict[str, Any]:
    """One measured run; the figures a reader needs to judge it (CPU seconds, load average, what was run).

    ``profile``: run under cProfile and add the ``profile`` most expensive functions by own time (the
    throughput figures then include the profiler's overhead, so they are not comparable).
    """
    load_model.cache_clear()
    start = time.perf_counter()
    load_model()
    load_ms = (time.perf_counter() - start) * 1000
    if tools_from is not None:
        base = load_servers(tools_from)
        servers = distinct_corpus(base, n) if distinct else repeated_corpus(base, n)
        corpus = (
            f"{tools_from} ({sum(len(s[2]) for s in base)} real tools{', made distinct' if distinct else ', repeated'})"
        )
    else:
        servers = synthetic_servers(n, seed, distinct=distinct)
        corpus = f"synthetic (seed {seed}{', distinct' if distinct else ', repeated descriptions'})"
    all_tools = [t for s in servers for t in s[2]]
    distinct_descriptions = len({t.get("description") for t in all_tools})
    batches = prepare_batches(servers)
    known = {t["name"] for t in all_tools}
    clear_caches()
    load_before = os.getloadavg()
    start = time.perf_counter()
    cpu_start = time.process_time()
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    count = classify_batches(batches, known, integrity=integrity)
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    extra: dict[str, Any] = {}
    if profiler is not None:
        extra = {"profile": top_functions(profiler, profile), "profiled": "figures include cProfile's overhead"}
    return {
        **extra,
        "tools_per_cpu_second": round(count / cpu, 1) if cpu else None,
        "cpu_seconds": round(cpu, 3),
        "tools": count,
        "distinct_descriptions": distinct_descriptions,
        "distinct_names": len({t.get("name") for t in all_tools}),
        "seconds": round(seconds, 3),
        "tools_per_second": round(count / seconds, 1) if seconds else None,
        "load_average": {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in os.getloadavg()]},
        "model_load_ms": round(load_ms, 1),
        "integrity": integrity,
        "headline": integrity,
        "configuration": "as `mcp-catalog classify` (integrity, server context, catalog tool names)"
        if integrity
        else "without integrity checks (not the headline)",
        "corpus": corpus,
        "batch": BATCH,
    }
