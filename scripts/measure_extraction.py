#!/usr/bin/env python3
"""Measure static extraction against live ``tools/list`` on real published MCP server packages.

For each seed (default: the packaged quickstart list) this fetches the published artifact into a cache
outside the repository (``npm pack`` / ``pip download --no-deps``), unpacks it safely, runs the static
extractor on it, and - where the server starts without credentials - installs it in a throwaway prefix
(``npm install --ignore-scripts`` / a venv) and asks the running server for its tools with the live
introspection library. Precision and recall of static against live are reported per package and in total,
with every missed or extra tool listed and a first explanation (is the name in the artifact at all?).

This downloads packages and RUNS THIRD-PARTY CODE (the live step, sandboxed as `mcp-catalog introspect`
is); it is a measurement tool for developers, never part of CI.

Example: python scripts/measure_extraction.py --out /tmp/extraction-quality.md
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # usable as `python scripts/measure_extraction.py` from a checkout
    sys.path.insert(0, str(ROOT))

from crawler.archive import ArchiveError, package_root, unpack  # noqa: E402
from crawler.extract.tools_json import records_from_json  # noqa: E402
from crawler.live import IntrospectionError, introspect_stdio  # noqa: E402
from crawler.seeds import Seed, parse_seeds, quickstart  # noqa: E402

DEFAULT_CACHE = Path.home() / ".cache" / "mcp-catalog" / "measure"
# How to start servers that refuse to start without an argument; none of these is a credential.
START_ARGS: dict[str, list[str]] = {
    "@modelcontextprotocol/server-filesystem": ["{tmp}"],
    "@modelcontextprotocol/server-postgres": ["postgresql://localhost:1/none"],
    "mcp-server-sentry": ["--auth-token", "not-a-real-token"],
    "mcp-server-sqlite": ["--db-path", "{tmp}/measure.db"],
}
# Dependencies some packages leave unbounded and that broke them; used on the retry after a failed start.
COMPAT_CONSTRAINTS: dict[str, list[str]] = {"mcp-scholarly": ["bibtexparser<2"]}
# Which console script or bin starts the MCP server, where the package ships several.
ENTRY_POINTS: dict[str, str] = {
    "llm-context": "lc-mcp",
    "@wonderwhy-er/desktop-commander": "desktop-commander",
    "jinni": "jinni-server",  # `jinni` is its command-line tool
}
# The second live configuration, run where static extraction recorded conditional tools the default run did
# not list: extra arguments that switch optional tool groups on (none is a credential) ...
SECOND_CONFIG_ARGS: dict[str, list[str]] = {
    "@playwright/mcp": ["--caps=vision,pdf,devtools,network,storage,testing,config"],
}
# ... or environment variables that do (`{conditional}`: the conditional tool names, comma-separated) ...
SECOND_CONFIG_ENV: dict[str, dict[str, str]] = {
    "exa-mcp-server": {"ENABLED_TOOLS": "{conditional}"},
}
# ... and a client that advertises every capability a server may gate tools on: roots, sampling, form and URL
# elicitation, task-augmented sampling/elicitation, and the MCP Apps UI extension.
FULL_CLIENT_CAPABILITIES: dict[str, Any] = {
    "roots": {"listChanged": True},
    "sampling": {"tools": {}},
    "elicitation": {"form": {}, "url": {}},
    "tasks": {"list": {}, "cancel": {}, "requests": {"sampling": {"createMessage": {}}, "elicitation": {"create": {}}}},
    "extensions": {"io.modelcontextprotocol/ui": {"mimeTypes": ["text/html;profile=mcp-app"]}},
}
RAW_PROTOCOL_VERSION = "2025-11-25"
DELEGATION = "no tools: package delegates to dependency "
WHITESPACE_ONLY = "description differs in whitespace only"


@dataclass
class PackageReport:
    seed: str
    artifact: str | None = None
    static_tools: list[str] = field(default_factory=list)
    live_tools: list[str] = field(default_factory=list)
    live_status: str = "not run"  # ok | failed: ... | skipped: ...
    static_status: str = "not run"
    missed: list[dict[str, str]] = field(default_factory=list)  # live tools static did not find
    extra: list[dict[str, str]] = field(default_factory=list)  # static tools the server does not list
    unresolved: list[dict[str, Any]] = field(default_factory=list)
    description_matches: int = 0
    description_matches_folded: int = 0  # equal once white space is folded (docstring indentation)
    parameter_matches: int = 0  # same property names and required list
    annotation_matches: int = 0
    field_diffs: list[dict[str, str]] = field(default_factory=list)  # found tools whose fields differ
    live_problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    delegated_to: str | None = None  # the dependency the static tools were read from (a launcher package)
    conditional: dict[str, str] = field(default_factory=dict)  # static tool -> the condition it is listed under
    second_live_tools: list[str] = field(default_factory=list)  # listed by the second configuration
    second_live_raw: list[dict[str, Any]] = field(default_factory=list)  # its tools/list entries
    # conditional tools seen only in the second run: (compared, description, folded, parameters, annotations)
    second_field_matches: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])
    second_status: str = "not run"
    command: list[str] = field(default_factory=list)  # how the server was started (for the second run)

    @property
    def compared(self) -> bool:
        return self.live_status == "ok" and self.static_status == "ok"

    @property
    def true_positives(self) -> int:
        return len(set(self.static_tools) & set(self.live_tools))

    def precision(self) -> float | None:
        return self.true_positives / len(set(self.static_tools)) if self.static_tools else None

    @property
    def unconditional(self) -> set[str]:
        return set(self.static_tools) - set(self.conditional)

    @property
    def confirmed_conditional(self) -> set[str]:
        """Conditional tools some live configuration listed (the default one or the second one)."""
        return set(self.conditional) & (set(self.live_tools) | set(self.second_live_tools))

    def unconditional_precision(self) -> float | None:
        tools = self.unconditional
        return len(tools & set(self.live_tools)) / len(tools) if tools else None

    def recall(self) -> float | None:
        return self.true_positives / len(set(self.live_tools)) if self.live_tools else None


# ------------------------------------------------------------------------------------------------ fetching


def run(cmd: list[str], *, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run a packaging command (npm, pip); raise RuntimeError with its stderr tail on failure."""
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"{' '.join(cmd[:3])} failed ({proc.returncode}): {' / '.join(tail)}")
    return proc


def fetch_artifact(seed: Seed, cache: Path) -> Path:
    """The published artifact (npm tarball, wheel or sdist), downloaded once into the cache."""
    folder = cache / "artifacts" / seed.ecosystem / re.sub(r"[^\w.@=-]+", "_", seed.spec)
    existing = [p for p in folder.glob("*") if p.is_file()] if folder.exists() else []
    if existing:
        return existing[0]
    folder.mkdir(parents=True, exist_ok=True)
    if seed.ecosystem == "npm":
        run(["npm", "pack", seed.spec, "--pack-destination", str(folder), "--ignore-scripts", "--silent"], cwd=folder)
    else:
        run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder), seed.spec])
    found = [p for p in folder.glob("*") if p.is_file()]
    if not found:
        raise RuntimeError(f"{seed}: the download produced no file")
    return found[0]


def unpack_artifact(archive: Path) -> Path:
    """The unpacked artifact (cached next to it, unpacked by the crawler's safe archive module)."""
    dest = archive.parent / "unpacked"
    if not (dest.exists() and any(dest.iterdir())):
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        try:
            unpack(archive, dest)
        except ArchiveError as exc:
            shutil.rmtree(dest, ignore_errors=True)
            raise RuntimeError(f"{archive.name}: {exc}") from exc
    return package_root(dest)


# ------------------------------------------------------------------------------------------------ static


def static_tools(unpacked: Path, report: PackageReport) -> list[Any]:
    try:
        from crawler.extract import extract_path
    except ImportError as exc:
        report.static_status = f"failed: static extractor not available ({exc})"
        return []
    try:
        result = extract_path(unpacked)
    except NotImplementedError as exc:
        report.static_status = f"failed: static extractor not implemented ({exc})"
        return []
    except Exception as exc:  # a crash here is itself a finding for the extractor owners
        report.static_status = f"failed: extractor crashed: {type(exc).__name__}: {exc}"
        return []
    report.static_status = "ok"
    report.unresolved = [u for s in result.servers for u in s.unresolved]
    report.conditional = {t.name: t.conditional for t in result.tools if t.conditional}
    return result.tools


def delegated_seed(seed: Seed, unpacked: Path, unresolved: list[dict[str, Any]]) -> Seed | None:
    """The dependency a tool-less launcher package hands its server to (as the crawler follows it), pinned to
    the version the package declares when it declares an exact one."""
    for entry in unresolved:
        reason = entry.get("reason") if isinstance(entry, dict) else None
        if isinstance(reason, str) and reason.startswith(DELEGATION):
            name = reason[len(DELEGATION) :].strip()
            if name and name != seed.name:
                return Seed(seed.ecosystem, name, declared_version(unpacked, name))
    return None


def declared_version(unpacked: Path, name: str) -> str | None:
    """An exact version the package pins its dependency to (`"dep": "1.2.3"`, `dep==1.2.3`), else None."""
    manifest = unpacked / "package.json"
    if manifest.is_file():
        try:
            spec = (json.loads(manifest.read_text(encoding="utf-8")).get("dependencies") or {}).get(name)
        except (OSError, ValueError):
            return None
        return spec if isinstance(spec, str) and re.fullmatch(r"\d+\.\d+\.\d+[\w.+-]*", spec) else None
    for metadata in unpacked.glob("*.dist-info/METADATA"):
        text = metadata.read_text(encoding="utf-8", errors="replace")
        match = re.search(rf"^Requires-Dist:\s*{re.escape(name)}\s*\(?==\s*([\w.+-]+)", text, re.M | re.I)
        if match:
            return match.group(1)
    return None


# ------------------------------------------------------------------------------------------------ live


def install(seed: Seed, cache: Path, constraints: list[str] | None = None) -> Path:
    """Install the package (and its dependencies) into a throwaway prefix in the cache; no install scripts run.

    ``constraints`` (pip only) pins dependencies the package forgot to bound, in a separate prefix.
    """
    name = re.sub(r"[^\w.@=-]+", "_", seed.spec) + ("+compat" if constraints else "")
    prefix = cache / "installs" / seed.ecosystem / name
    marker = prefix / ".installed"
    if marker.exists():
        return prefix
    shutil.rmtree(prefix, ignore_errors=True)
    prefix.mkdir(parents=True)
    if seed.ecosystem == "npm":
        (prefix / "package.json").write_text('{"name": "measure-install", "private": true}')
        run(
            ["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", "--omit=dev", "--silent", seed.spec],
            cwd=prefix,
            timeout=900,
        )
    else:
        run([sys.executable, "-m", "venv", str(prefix / "venv")])
        pip = [str(prefix / "venv" / "bin" / "python"), "-m", "pip", "install", "-q", seed.spec]
        if constraints:
            (prefix / "constraints.txt").write_text("\n".join(constraints) + "\n")
            pip += ["-c", str(prefix / "constraints.txt")]
        run(pip, timeout=900)
    marker.write_text(time.strftime("%Y-%m-%dT%H:%M:%S"))
    return prefix


def npm_command(seed: Seed, prefix: Path) -> list[str]:
    pkg_dir = prefix / "node_modules" / seed.name
    manifest = json.loads((pkg_dir / "package.json").read_text(encoding="utf-8"))
    bins = manifest.get("bin")
    if isinstance(bins, str):
        script = bins
    elif isinstance(bins, dict) and bins:
        wanted = ENTRY_POINTS.get(seed.name) or seed.name.rsplit("/", 1)[-1]
        script = bins.get(wanted) or next(iter(bins.values()))
    else:
        script = manifest.get("main") or "index.js"
    node = shutil.which("node")
    if not node:
        raise RuntimeError("node is not installed")
    return [node, str(pkg_dir / script)]


def pypi_command(seed: Seed, prefix: Path) -> list[str]:
    venv = prefix / "venv"
    scripts: list[str] = []
    norm = re.sub(r"[-_.]+", "_", seed.name).lower()
    for dist in (venv / "lib").glob("python*/site-packages/*.dist-info"):
        if re.sub(r"[-_.]+", "_", dist.name.split("-")[0]).lower() != norm:
            continue
        entry_points = dist / "entry_points.txt"
        section = ""
        for line in entry_points.read_text().splitlines() if entry_points.exists() else []:
            if line.startswith("["):
                section = line.strip("[] ")
            elif section == "console_scripts" and "=" in line:
                scripts.append(line.split("=", 1)[0].strip())
    if not scripts:
        raise RuntimeError("the package declares no console script to start")
    wanted = ENTRY_POINTS.get(seed.name)
    pick = wanted if wanted in scripts else next((s for s in scripts if s == seed.name), None)
    pick = pick or next((s for s in scripts if "mcp" in s), scripts[0])
    return [str(venv / "bin" / pick)]


def _start(seed: Seed, cache: Path, timeout: float, constraints: list[str] | None, report: PackageReport) -> Any:
    """Install and introspect once; raises RuntimeError (install) or IntrospectionError (start)."""
    try:
        prefix = install(seed, cache, constraints)
        command = npm_command(seed, prefix) if seed.ecosystem == "npm" else pypi_command(seed, prefix)
    except (OSError, json.JSONDecodeError, subprocess.TimeoutExpired) as exc:
        raise RuntimeError(str(exc)) from exc
    report.command = command
    with tempfile.TemporaryDirectory(prefix="measure-") as tmp:
        args = [a.replace("{tmp}", tmp) for a in START_ARGS.get(seed.name, [])]
        return introspect_stdio([*command, *args], timeout=timeout)


def live_tools(seed: Seed, cache: Path, timeout: float, report: PackageReport) -> list[Any]:
    """The live tool list; PyPI servers that break on today's dependencies are retried with older bounds."""
    attempts: list[list[str] | None] = [None]
    if seed.ecosystem == "pypi":
        attempts.append(["mcp<2", *COMPAT_CONSTRAINTS.get(seed.name, [])])
    failures: list[str] = []
    for constraints in attempts:
        try:
            result = _start(seed, cache, timeout, constraints, report)
        except RuntimeError as exc:
            failures.append(f"install{' with ' + ', '.join(constraints) if constraints else ''}: {exc}")
            continue
        except IntrospectionError as exc:
            where = f"with {', '.join(constraints)}: " if constraints else ""
            failures.append(where + " | ".join(str(exc).splitlines()[:1] + str(exc).splitlines()[-2:]))
            continue
        report.live_problems = result.problems
        if constraints:
            report.live_problems.insert(
                0,
                f"started only with {', '.join(constraints)}: it breaks on current dependencies ({failures[0][:200]})",
            )
        report.live_status = "ok"
        return result.tools
    report.live_status = "failed: " + " || ".join(failures)
    return []


class RawClientError(Exception):
    pass


def raw_tools_list(
    command: list[str], *, capabilities: dict[str, Any], timeout: float, env: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The `tools/list` entries of a stdio server, asked by a minimal JSON-RPC client that advertises
    `capabilities`.

    The SDK client cannot advertise task-augmented requests or arbitrary extensions, which some servers gate
    tools on; this client sends exactly the capability object given. Same sandbox as `introspect`: a scrubbed
    environment (PATH and a temporary HOME only), a temporary working folder, a deadline, the process killed
    at the end. Server requests (roots, sampling, elicitation) are answered empty or declined.
    """
    with tempfile.TemporaryDirectory(prefix="measure-raw-") as tmp:
        child_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp, "LANG": "C.UTF-8", **(env or {})}
        args = [a.replace("{tmp}", tmp) for a in command]
        proc = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=tmp, env=child_env
        )
        lines: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
        deadline = time.monotonic() + timeout

        def send(message: dict[str, Any]) -> None:
            proc.stdin.write((json.dumps(message) + "\n").encode())  # type: ignore[union-attr]
            proc.stdin.flush()  # type: ignore[union-attr]

        def answer(request_id: int) -> dict[str, Any]:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or proc.poll() is not None and lines.empty():
                    raise RawClientError("no answer before the deadline (or the server exited)")
                try:
                    message = json.loads(lines.get(timeout=min(remaining, 1.0)))
                except queue.Empty:
                    continue
                except ValueError:
                    continue  # a log line on stdout
                if not isinstance(message, dict):
                    continue
                if "method" in message and "id" in message:  # a request from the server
                    result = {"roots": []} if message["method"] == "roots/list" else None
                    reply = {"jsonrpc": "2.0", "id": message["id"]}
                    send(
                        {**reply, "result": result}
                        if result
                        else {**reply, "error": {"code": -32600, "message": "declined"}}
                    )
                elif message.get("id") == request_id:
                    if "error" in message:
                        raise RawClientError(f"{message['error'].get('message', message['error'])}")
                    return message.get("result") or {}

        try:
            send({
                "jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"protocolVersion": RAW_PROTOCOL_VERSION, "capabilities": capabilities,
                           "clientInfo": {"name": "mcp-catalog-measure", "version": "1"}},
            })  # fmt: skip
            answer(1)
            send({"jsonrpc": "2.0", "method": "notifications/initialized"})
            tools: list[dict[str, Any]] = []
            cursor: str | None = None
            for page in range(2, 52):
                send(
                    {
                        "jsonrpc": "2.0",
                        "id": page,
                        "method": "tools/list",
                        "params": {"cursor": cursor} if cursor else {},
                    }
                )
                result = answer(page)
                tools += [
                    t for t in result.get("tools") or [] if isinstance(t, dict) and isinstance(t.get("name"), str)
                ]
                cursor = result.get("nextCursor")
                if not cursor:
                    break
            return tools
        except (OSError, BrokenPipeError) as exc:
            raise RawClientError(f"the server closed its input: {exc}") from exc
        finally:
            proc.kill()
            proc.wait(timeout=10)


def second_configuration(seed: Seed, report: PackageReport, timeout: float) -> None:
    """Run the server again with every optional group and client capability on, to confirm conditional tools."""
    pending = set(report.conditional) - set(report.live_tools)
    if not pending or not report.command:
        report.second_status = "not needed" if not pending else "not run: the server did not start"
        return
    command = [*report.command, *START_ARGS.get(seed.name, []), *SECOND_CONFIG_ARGS.get(seed.name, [])]
    names = ",".join(sorted(report.conditional))
    env = {k: v.replace("{conditional}", names) for k, v in SECOND_CONFIG_ENV.get(seed.name, {}).items()}
    try:
        report.second_live_raw = raw_tools_list(
            command, capabilities=FULL_CLIENT_CAPABILITIES, timeout=timeout, env=env
        )
        report.second_live_tools = sorted({t["name"] for t in report.second_live_raw})
        extra = " ".join([*SECOND_CONFIG_ARGS.get(seed.name, []), *(f"{k}=(the conditional tools)" for k in env)])
        report.second_status = "ok: every client capability" + (f", {extra}" if extra else "")
    except (RawClientError, OSError, subprocess.SubprocessError) as exc:
        report.second_status = f"failed: {exc}"


# ------------------------------------------------------------------------------------------------ comparing


def explain_miss(name: str, folders: list[Path], unresolved: list[dict[str, Any]]) -> str:
    """A first explanation of a tool static extraction missed: is its name in the shipped code at all?"""
    if not folders:
        return "no artifact"
    hits: list[str] = []
    needle = name.encode()
    for folder in folders:
        for path in folder.rglob("*"):
            if len(hits) >= 3:
                break
            if path.is_file() and path.suffix in (".js", ".mjs", ".cjs", ".ts", ".py", ".json"):
                try:
                    if path.stat().st_size < 1e7 and needle in path.read_bytes():
                        where = str(path.relative_to(folder))
                        hits.append(where if folder == folders[0] else f"the dependency's {where}")
                except OSError:
                    continue
    if not hits:
        deps = declared_dependencies(folders[0])
        reason = "name not in the artifact: built at run time or declared in a dependency"
        if deps:
            reason += f" (the package depends on {', '.join(deps[:4])})"
    else:
        reason = "name is in " + ", ".join(hits) + " but was not extracted"
    if unresolved:
        reason += f"; the extractor reported {len(unresolved)} unresolved registration(s)"
    return reason


def declared_dependencies(unpacked: Path) -> list[str]:
    """The runtime dependencies an npm package.json or a wheel's METADATA declares (names only)."""
    manifest = unpacked / "package.json"
    if manifest.is_file():
        try:
            deps = json.loads(manifest.read_text(encoding="utf-8")).get("dependencies") or {}
        except (OSError, ValueError):
            return []
        return [d for d in deps if not d.startswith("@types/")]
    names: list[str] = []
    for metadata in unpacked.glob("*.dist-info/METADATA"):
        for line in metadata.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("Requires-Dist:") and "extra ==" not in line:
                names.append(re.split(r"[\s<>=!~;\[(]", line.split(":", 1)[1].strip(), maxsplit=1)[0])
    return names


def compare(report: PackageReport, static: list[Any], live: list[Any], folders: list[Path]) -> None:
    report.static_tools = sorted({t.name for t in static})
    report.live_tools = sorted({t.name for t in live})
    if not report.compared:
        return
    live_by = {t.name: t for t in live}
    second_by = {t.name: t for t in records_from_json(report.second_live_raw, origin="live")}
    for tool in static:
        other = live_by.get(tool.name)
        if other is not None:
            counts = _compare_fields(tool, other, report.field_diffs, "")
            report.description_matches += counts[0]
            report.description_matches_folded += counts[1]
            report.parameter_matches += counts[2]
            report.annotation_matches += counts[3]
        elif tool.name in second_by and tool.name in report.conditional:
            counts = _compare_fields(tool, second_by[tool.name], report.field_diffs, " (second configuration)")
            report.second_field_matches = [
                a + b for a, b in zip(report.second_field_matches, (1, *counts), strict=True)
            ]
    for name in sorted(set(report.live_tools) - set(report.static_tools)):
        report.missed.append({"tool": name, "why": explain_miss(name, folders, report.unresolved)})
    for name in sorted(set(report.static_tools) - set(report.live_tools)):
        condition = report.conditional.get(name)
        if condition is None:
            why = "extracted as unconditional but not listed by the running server"
        elif name in report.second_live_tools:
            why = f"conditional ({condition}); confirmed: listed by the second configuration"
        else:
            why = f"conditional ({condition}); not listed by the second configuration ({report.second_status})"
        report.extra.append({"tool": name, "why": why, "conditional": "yes" if condition else "no"})
    for name in sorted(set(report.second_live_tools) - set(report.live_tools) - set(report.static_tools)):
        report.missed.append(
            {"tool": name, "why": "listed only by the second configuration; " + explain_miss(name, folders, [])}
        )


def _compare_fields(tool: Any, other: Any, diffs: list[dict[str, str]], where: str) -> tuple[int, int, int, int]:
    """(description, description with white space folded, parameters, annotations) agreement, 1 or 0 each;
    what differs is appended to `diffs`."""
    differs = []
    same_text = (tool.description or "").strip() == (other.description or "").strip()
    folded = same_text
    if not same_text:
        diff = _description_diff(tool.description, other.description)
        folded = diff.startswith(WHITESPACE_ONLY)
        differs.append(diff)
    same_params = _parameters(tool.input_schema) == _parameters(other.input_schema)
    if not same_params:
        differs.append(f"parameters {_parameters(tool.input_schema)} vs live {_parameters(other.input_schema)}")
    same_annotations = (tool.annotations or {}) == (other.annotations or {})
    if not same_annotations:
        differs.append(f"annotations {tool.annotations} vs live {other.annotations}")
    if differs:
        diffs.append({"tool": tool.name + where, "differs": "; ".join(differs)})
    return int(same_text), int(folded), int(same_params), int(same_annotations)


def _description_diff(static: str | None, live: str | None) -> str:
    """Say how two descriptions differ: whitespace only (docstring indentation), or where the text parts."""
    a, b = " ".join((static or "").split()), " ".join((live or "").split())
    if a == b:
        return WHITESPACE_ONLY + " (indentation or line breaks)"
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return (
        f"description differs from char {at}: {a[max(0, at - 20) : at + 40]!r} vs live {b[max(0, at - 20) : at + 40]!r}"
    )


def _parameters(schema: dict[str, Any] | None) -> tuple[list[str], list[str]]:
    """A schema's parameter names and required names: what a static extractor must get exactly right."""
    schema = schema or {}
    props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    required = schema.get("required") if isinstance(schema.get("required"), list) else []
    return sorted(props), sorted(map(str, required))


def totals(reports: list[PackageReport]) -> dict[str, Any]:
    compared = [r for r in reports if r.compared]
    tp = sum(r.true_positives for r in compared)
    static_n = sum(len(r.static_tools) for r in compared)
    live_n = sum(len(r.live_tools) for r in compared)
    uncond = sum(len(r.unconditional) for r in compared)
    uncond_tp = sum(len(r.unconditional & set(r.live_tools)) for r in compared)
    cond = sum(len(r.conditional) for r in compared)
    cond_default = sum(len(set(r.conditional) & set(r.live_tools)) for r in compared)
    cond_confirmed = sum(len(r.confirmed_conditional) for r in compared)
    listed_somewhere = uncond_tp + cond_confirmed
    return {
        "unconditional_tools": uncond,
        "unconditional_true_positives": uncond_tp,
        "unconditional_precision": round(uncond_tp / uncond, 4) if uncond else None,
        "conditional_tools": cond,
        "conditional_listed_by_default": cond_default,
        "conditional_confirmed": cond_confirmed,
        "precision_any_configuration": round(listed_somewhere / static_n, 4) if static_n else None,
        "packages": len(reports),
        "compared": len(compared),
        "static_tools": static_n,
        "live_tools": live_n,
        "true_positives": tp,
        "precision": round(tp / static_n, 4) if static_n else None,
        "recall": round(tp / live_n, 4) if live_n else None,
        "description_matches": sum(r.description_matches for r in compared),
        "description_matches_folded": sum(r.description_matches_folded for r in compared),
        "second_run_fields": [sum(r.second_field_matches[i] for r in compared) for i in range(5)],
        "parameter_matches": sum(r.parameter_matches for r in compared),
        "annotation_matches": sum(r.annotation_matches for r in compared),
        "static_only_packages_tools": sum(len(r.static_tools) for r in reports if not r.compared),
    }


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def markdown(reports: list[PackageReport], total: dict[str, Any]) -> str:
    lines = [
        "# Static extraction vs live tools/list",
        "",
        f"Compared {total['compared']} of {total['packages']} packages: precision **{_fmt(total['precision'])}**, "
        f"recall **{_fmt(total['recall'])}** over {total['live_tools']} live tools "
        f"({total['true_positives']} found, {total['static_tools']} extracted). "
        f"Of the found tools, {total['description_matches']} have the live description "
        f"({total['description_matches_folded']} once white space is folded: Python before 3.13 keeps a "
        f"docstring's indentation, which the extractor removes as Python 3.13 and `inspect.cleandoc` do), "
        f"{total['parameter_matches']} the live parameter names and required list, "
        f"{total['annotation_matches']} the live annotations.",
        "",
        f"Conditional registration is recorded, not dropped: {total['conditional_tools']} extracted tools carry a "
        f"condition (a capability flag, a client capability, a filter). On the "
        f"{total['unconditional_tools']} unconditional tools precision is "
        f"**{_fmt(total['unconditional_precision'])}**. Of the conditional ones, "
        f"{total['conditional_listed_by_default']} are listed by the default configuration and "
        f"{total['conditional_confirmed']} by the default or a second configuration (every client capability "
        f"advertised, optional tool groups switched on); counting those as correct, precision over all extracted "
        f"tools is **{_fmt(total['precision_any_configuration'])}**. Of the "
        f"{total['second_run_fields'][0]} conditional tools compared with the second run's answer, "
        f"{total['second_run_fields'][1]} have its description ({total['second_run_fields'][2]} folded), "
        f"{total['second_run_fields'][3]} its parameter names and required list, "
        f"{total['second_run_fields'][4]} its annotations.",
        "",
        "| package | static | conditional | live | found | precision | unconditional precision | recall "
        "| conditional confirmed | live status |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in reports:
        status = r.live_status if r.static_status == "ok" else f"static {r.static_status}; live {r.live_status}"
        if r.delegated_to:
            status = f"tools read from dependency {r.delegated_to}; {status}"
        confirmed = f"{len(r.confirmed_conditional)}/{len(r.conditional)}" if r.compared and r.conditional else "-"
        lines.append(
            f"| {r.seed} | {len(r.static_tools)} | {len(r.conditional)} | {len(r.live_tools)} "
            f"| {r.true_positives if r.compared else '-'} "
            f"| {_fmt(r.precision()) if r.compared else '-'} "
            f"| {_fmt(r.unconditional_precision()) if r.compared else '-'} "
            f"| {_fmt(r.recall()) if r.compared else '-'} | {confirmed} "
            f"| {status.replace('|', '/')[:200]} |"
        )
    lines += ["", "## Misses", ""]
    for r in reports:
        for miss in r.missed:
            lines.append(f"- {r.seed}: missed `{miss['tool']}` - {miss['why']}")
        for extra in r.extra:
            lines.append(f"- {r.seed}: extra `{extra['tool']}` - {extra['why']}")
    lines += ["", "## Live notes", ""]
    for r in reports:
        for note in r.live_problems[:5]:
            lines.append(f"- {r.seed}: {note[:300]}")
        if r.second_status not in ("not run", "not needed"):
            lines.append(f"- {r.seed}: second configuration {r.second_status[:300]}")
    lines += ["", "## Field differences on found tools", ""]
    for r in reports:
        for diff in r.field_diffs:
            lines.append(f"- {r.seed}: `{diff['tool']}`: {diff['differs'][:300]}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------ main


def measure(seeds: list[Seed], *, cache: Path, timeout: float, live: bool, progress: Any = None) -> list[PackageReport]:
    reports: list[PackageReport] = []
    for seed in seeds:
        started = time.monotonic()
        report = PackageReport(seed=str(seed))
        unpacked: Path | None = None
        static: list[Any] = []
        folders: list[Path] = []
        try:
            archive = fetch_artifact(seed, cache)
            report.artifact = str(archive)
            unpacked = unpack_artifact(archive)
            folders.append(unpacked)
            static = static_tools(unpacked, report)
            dependency = delegated_seed(seed, unpacked, report.unresolved) if not static else None
            if dependency is not None:  # follow a launcher to its dependency, one level, as the crawler does
                report.delegated_to = str(dependency)
                folders.append(unpack_artifact(fetch_artifact(dependency, cache)))
                static = static_tools(folders[-1], report)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            report.static_status = f"failed: fetch: {exc}"
        live_list = live_tools(seed, cache, timeout, report) if live else []
        if not live:
            report.live_status = "skipped: --no-live"
        elif report.compared:
            report.live_tools = sorted({t.name for t in live_list})
            second_configuration(seed, report, timeout)
        compare(report, static, live_list, folders)
        report.seconds = round(time.monotonic() - started, 1)
        reports.append(report)
        if progress:
            progress(report)
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Example: python scripts/measure_extraction.py --out /tmp/extraction-quality.md",
    )
    parser.add_argument("--out", type=Path, required=True, help="Markdown report path; a .json is written next to it")
    parser.add_argument("--seeds", type=Path, help="Seed file (default: the packaged quickstart list)")
    parser.add_argument("--only", action="append", default=[], help="Only seeds whose name contains this")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"Download cache (default {DEFAULT_CACHE})")
    parser.add_argument("--timeout", type=float, default=60.0, help="Seconds for each live introspection")
    parser.add_argument("--no-live", action="store_true", help="Static extraction only (runs no package code)")
    args = parser.parse_args(argv)
    try:
        seeds = parse_seeds(args.seeds.read_text(encoding="utf-8")) if args.seeds else quickstart()
    except (OSError, ValueError) as exc:
        print(f"error: cannot read the seed list: {exc}", file=sys.stderr)
        return 2
    if args.only:
        seeds = [s for s in seeds if any(o in s.name for o in args.only)]
    if not shutil.which("npm") and any(s.ecosystem == "npm" for s in seeds):
        print("error: npm is not installed; it is needed for the npm seeds (or use --only)", file=sys.stderr)
        return 2
    args.cache.mkdir(parents=True, exist_ok=True)
    logging.getLogger("mcp").setLevel(logging.CRITICAL)  # non-JSON stdout lines are summarised, not traced

    from rich.progress import Progress

    with Progress(transient=False) as bar:
        task = bar.add_task("measuring", total=len(seeds))

        def step(report: PackageReport) -> None:
            bar.update(task, advance=1, description=report.seed[:50])

        reports = measure(seeds, cache=args.cache, timeout=args.timeout, live=not args.no_live, progress=step)
    total = totals(reports)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown(reports, total), encoding="utf-8")
    args.out.with_suffix(".json").write_text(
        json.dumps(
            {
                "totals": total,
                "packages": [
                    {**r.__dict__, "precision": r.precision(), "recall": r.recall(), "compared": r.compared}
                    for r in reports
                ],
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print(
        f"precision {_fmt(total['precision'])} recall {_fmt(total['recall'])} over {total['compared']} packages; "
        f"report: {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
