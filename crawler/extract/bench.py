"""Throughput of static extraction (MB/s of repository bytes walked, tools/s), and a synthetic mixed tree.

The synthetic tree looks like a real monorepo checkout: mostly ordinary application code (some of it mentions
"tool", so the byte pre-filter cannot discard everything), docs, JSON data, binary assets, a dependency folder
that must be skipped, and a few real MCP servers (FastMCP and low-level) whose tools must all be found.
"""

from __future__ import annotations

import random
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from crawler.extract.dispatch import extract_path
from crawler.extract.references import load_references

WORDS = [
    "account",
    "order",
    "invoice",
    "payment",
    "customer",
    "report",
    "cache",
    "index",
    "query",
    "token",
    "session",
    "user",
    "group",
    "role",
    "policy",
    "file",
    "folder",
    "upload",
    "download",
    "export",
    "import",
    "search",
    "filter",
    "sort",
    "page",
    "limit",
    "offset",
    "build",
    "deploy",
    "release",
    "metric",
    "alert",
    "event",
    "queue",
    "worker",
    "job",
    "schedule",
    "retry",
    "backoff",
    "config",
    "setting",
    "toolbar",
    "toolkit",
]

PY_MODULE = '''"""{doc}"""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class {cls}:
    {a}: str
    {b}: int = 0

    def {fn}(self, {c}: str, limit: int = 10) -> list[str]:
        """Return the {a} entries matching {c}."""
        out = []
        for i in range(limit):
            if {c} in self.{a}:
                out.append(f"{{self.{a}}}-{{i}}")
        log.debug("found %d", len(out))
        return out


def {fn2}(items: list[dict], key: str = "{a}") -> dict[str, int]:
    counts: dict[str, int] = {{}}
    for item in items:
        counts[item.get(key, "")] = counts.get(item.get(key, ""), 0) + 1
    return counts
'''

TS_MODULE = """// {doc}
export interface {cls} {{
  {a}: string;
  {b}: number;
}}

export function {fn}(rows: {cls}[], {c}: string): {cls}[] {{
  return rows.filter((r) => r.{a}.includes({c})).slice(0, 50);
}}

export const {fn2} = async (url: string): Promise<{cls}[]> => {{
  const res = await fetch(url);
  if (!res.ok) throw new Error(`request failed: ${{res.status}}`);
  return (await res.json()) as {cls}[];
}};
"""

FASTMCP_SERVER = '''"""A {a} server."""

from typing import Annotated

from pydantic import Field
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("{name}")
{tools}

def main() -> None:
    mcp.run()
'''

FASTMCP_TOOL = '''

@mcp.tool()
def {fn}({c}: Annotated[str, Field(description="The {c} to look up")], limit: int = 10) -> list[str]:
    """{verb} {a} records matching the {c}.

    Returns at most `limit` entries.
    """
    return []
'''


def _words(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(WORDS) for _ in range(n)]


def _fill(rng: random.Random, template: str, **extra: str) -> str:
    a, b, c, d = _words(rng, 4)
    return template.format(
        doc=" ".join(_words(rng, 12)).capitalize() + ".",
        cls=a.capitalize() + b.capitalize() + "Record",
        a=a,
        b=b + "_count",
        c=c + "_key",
        fn=f"{d}_{a}",
        fn2=f"collect_{b}",
        **extra,
    )


def generate_tree(root: Path, megabytes: float, seed: int = 0) -> dict[str, int]:
    """Write a deterministic mixed tree of about `megabytes` MB; returns the number of servers and tools in it."""
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    written = 0
    servers = 0
    tools = 0
    n = 0
    while written < target:
        n += 1
        pkg = root / f"packages/pkg{n // 200}" / f"mod{n % 200 // 20}"
        pkg.mkdir(parents=True, exist_ok=True)
        roll = rng.random()
        if n % 400 == 1:  # a real server every few hundred files
            servers += 1
            folder = root / f"servers/server{servers}"
            (folder / f"server{servers}").mkdir(parents=True, exist_ok=True)
            (folder / "pyproject.toml").write_text(
                f'[project]\nname = "bench-server-{servers}"\nversion = "0.1.0"\ndependencies = ["mcp>=1.2"]\n'
                f'[project.scripts]\nbench-server-{servers} = "server{servers}.server:main"\n'
            )
            count = rng.randint(3, 12)
            body = "".join(
                _fill(rng, FASTMCP_TOOL, verb=rng.choice(["Find", "List", "Delete", "Create"])).replace(
                    "def ", f"def t{i}_", 1
                )
                for i in range(count)
            )
            text = _fill(rng, FASTMCP_SERVER, name=f"bench-{servers}", tools=body)
            (folder / f"server{servers}/server.py").write_text(text)
            (folder / f"server{servers}/__init__.py").write_text("")
            tools += count
            written += len(text)
            continue
        if roll < 0.40:
            text = "".join(_fill(rng, PY_MODULE) for _ in range(rng.randint(2, 8)))
            path = pkg / f"file{n}.py"
        elif roll < 0.70:
            text = "".join(_fill(rng, TS_MODULE) for _ in range(rng.randint(2, 8)))
            path = pkg / f"file{n}.ts"
        elif roll < 0.82:
            text = "\n\n".join(
                f"## {' '.join(_words(rng, 3)).title()}\n\n" + " ".join(_words(rng, 120)) for _ in range(6)
            )
            path = root / "docs" / f"page{n}.md"
        elif roll < 0.92:
            text = "[" + ",".join(f'{{"id": {i}, "name": "{rng.choice(WORDS)}"}}' for i in range(400)) + "]"
            path = pkg / f"data{n}.json"
        elif roll < 0.97:
            data = rng.randbytes(rng.randint(20_000, 120_000))
            path = root / "assets" / f"image{n}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"\x89PNG\r\n\x1a\n" + data)
            written += len(data)
            continue
        else:  # dependencies: walked past, never read
            text = "".join(_fill(rng, TS_MODULE) for _ in range(6))
            path = root / "node_modules" / f"dep{n}" / "index.js"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if "node_modules" not in path.parts:  # never walked, so not counted towards the size asked for
            written += len(text)
    return {"servers": servers, "tools": tools, "bytes": written}


def measure(path: Path, repeat: int = 1) -> dict[str, Any]:
    """Extract `path` `repeat` times and keep the fastest run (wall and CPU seconds, MB/s, tools/s)."""
    best: dict[str, Any] | None = None
    for _ in range(repeat):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        result = extract_path(path)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        row = {
            "path": str(path),
            "files": result.files_scanned,
            "mb": result.bytes_scanned / 1e6,
            "servers": len(result.servers),
            "tools": len(result.tools),
            "problems": len(result.problems),
            "seconds": wall,
            "cpu_seconds": cpu,
        }
        if best is None or wall < best["seconds"]:
            best = row
    assert best is not None
    best["mb_per_s"] = best["mb"] / best["seconds"] if best["seconds"] else 0.0
    best["tools_per_s"] = best["tools"] / best["seconds"] if best["seconds"] else 0.0
    # CPU time of this single-threaded job = time on one core, whatever else the machine is doing.
    best["mb_per_cpu_s"] = best["mb"] / best["cpu_seconds"] if best["cpu_seconds"] else 0.0
    best["tools_per_cpu_s"] = best["tools"] / best["cpu_seconds"] if best["cpu_seconds"] else 0.0
    return best


def run_benchmark(paths: list[Path], *, synthetic_mb: float = 0.0, seed: int = 0, repeat: int = 1) -> dict[str, Any]:
    runs = []
    expected: dict[str, int] | None = None
    tmp: Path | None = None
    try:
        if synthetic_mb > 0:
            tmp = Path(tempfile.mkdtemp(prefix="mcp-catalog-bench-"))
            expected = generate_tree(tmp, synthetic_mb, seed)
            paths = [*paths, tmp]
        for path in paths:
            runs.append(measure(path, repeat))
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    mb = sum(r["mb"] for r in runs)
    seconds = sum(r["seconds"] for r in runs)
    tools = sum(r["tools"] for r in runs)
    total = {
        "mb": mb,
        "seconds": seconds,
        "cpu_seconds": sum(r["cpu_seconds"] for r in runs),
        "tools": tools,
        "mb_per_s": mb / seconds if seconds else 0.0,
        "tools_per_s": tools / seconds if seconds else 0.0,
    }
    cpu = total["cpu_seconds"]
    total["mb_per_cpu_s"] = mb / cpu if cpu else 0.0
    total["tools_per_cpu_s"] = tools / cpu if cpu else 0.0
    report: dict[str, Any] = {"runs": runs, "total": total}
    if expected is not None:
        report["synthetic_expected"] = expected
    return report


# -- recall and precision against tool lists captured from running servers -----------------------------------
def _package_key(name: str) -> str:
    """`mcp-server-git==1.0`, `yfmcp@latest`, `Mcp_Server.Git` -> `mcp_server_git` (PEP 503, underscores)."""
    return re.sub(r"[-_.]+", "_", re.split(r"[=@<>~! \[]", name.strip(), maxsplit=1)[0]).lower()


def reference_tool_lists(data: Path) -> dict[str, tuple[str, set[str]]]:
    """Python package -> (source, tool names) from the shared dumps (crawler.extract.references): LiveMCPBench's
    live `tools/list` captures first (they are what a running server answered), then the mcpm registry's lists."""
    try:
        found = load_references(data)
    except FileNotFoundError:
        return {}
    return {
        _package_key(name): ("live" if ref.source == "livemcpbench" else ref.source, {t.name for t in ref.tools})
        for (ecosystem, name), ref in found.items()
        if ecosystem == "pypi"
    }


def recall_report(paths: list[Path], reference: dict[str, tuple[str, set[str]]]) -> dict[str, Any]:
    """Extract each unpacked sdist (or archive) and compare its tool names with the reference list of its package.

    Paths whose package has no reference list are reported as skipped. Misses and extras are listed per package,
    with the extractor's unresolved reasons, so each difference can be explained (version drift or our fault)."""
    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    for path in paths:
        result = extract_path(path)
        keys = [_package_key(s.name) for s in result.servers] + [_package_key(path.name.rsplit("-", 1)[0])]
        key = next((k for k in keys if k in reference), None)
        if key is None:
            skipped.append(str(path))
            continue
        source, expected = reference[key]
        found = {t.name for t in result.tools}
        rows.append(
            {
                "path": str(path),
                "package": key,
                "reference": source,
                "expected": len(expected),
                "found": len(found),
                "matched": len(expected & found),
                "missed": sorted(expected - found),
                "extra": sorted(found - expected),
                "unresolved": [u.get("reason") for s in result.servers for u in s.unresolved],
            }
        )
    matched = sum(r["matched"] for r in rows)
    expected_total = sum(r["expected"] for r in rows)
    found_total = sum(r["found"] for r in rows)
    return {
        "packages": rows,
        "skipped": skipped,
        "total": {
            "packages": len(rows),
            "expected": expected_total,
            "found": found_total,
            "matched": matched,
            "recall": matched / expected_total if expected_total else 0.0,
            "precision": matched / found_total if found_total else 0.0,
        },
    }
