"""Measure the integrity detectors on real data: how many benign tools they flag (target < 1%) and whether they
flag the poisoned descriptions of MCPSecBench.

Usage: python scripts/measure_integrity.py /path/to/shared/data [--json] [--show N]
The data folder is read at run time, never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from classifier.integrity import integrity_findings


def benign_tools(data: Path) -> list[tuple[str, dict[str, Any]]]:
    """Tool definitions from the registry dumps, as (server, tool)."""
    tools: list[tuple[str, dict[str, Any]]] = []
    for path in sorted((data / "dumps/mcpm-registry/servers").glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        for t in doc.get("tools") or []:
            if isinstance(t, dict) and t.get("name"):
                tools.append((path.stem, t))
    for path in sorted((data / "dumps/docker-mcp-registry").glob("*/tools.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        items = doc.get("tools", []) if isinstance(doc, dict) else doc
        for t in items:
            if isinstance(t, dict) and t.get("name"):
                tools.append((path.parent.name, t))
    live = data / "dumps/livemcpbench-tools.json"
    if live.exists():
        doc = json.loads(live.read_text(encoding="utf-8"))
        servers = doc if isinstance(doc, list) else doc.get("servers", doc)
        if isinstance(servers, dict):
            servers = [{"name": k, **(v if isinstance(v, dict) else {"tools": v})} for k, v in servers.items()]
        for s in servers:
            if not isinstance(s, dict):
                continue
            for t in s.get("tools") or []:
                if isinstance(t, dict) and t.get("name"):
                    tools.append((str(s.get("name") or s.get("server") or "live"), t))
    return tools


def poisoned_descriptions(data: Path) -> list[str]:
    path = data / "security/mcpsecbench/attacks_updated.json"
    if not path.exists():
        return []
    return [
        a["malicious_prompt"]
        for a in json.loads(path.read_text(encoding="utf-8"))
        if (a.get("malicious_prompt") or "").strip()
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the shared data folder (holds dumps/ and security/)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", type=int, default=0, help="print this many flagged benign tools")
    args = parser.parse_args(argv)
    if not (args.data / "dumps").is_dir():
        print(f"error: {args.data} has no dumps/ folder; pass the shared data folder", file=sys.stderr)
        return 2
    benign = benign_tools(args.data)
    by_server: dict[str, set[str]] = {}
    for server, tool in benign:
        by_server.setdefault(server, set()).add(tool["name"])
    all_names = {n for names in by_server.values() for n in names}
    flagged = []
    kinds: Counter[str] = Counter()
    for server, tool in benign:
        found = integrity_findings(tool, server_tool_names=by_server[server], known_tool_names=all_names)
        if found:
            flagged.append((server, tool, found))
            kinds.update(f["kind"] for f in found)
    poisoned = poisoned_descriptions(args.data)
    caught = [p for p in poisoned if integrity_findings({"name": "tool", "description": f"Adds two numbers. {p}"})]
    result = {
        "benign_tools": len(benign),
        "benign_flagged": len(flagged),
        "benign_flag_rate": round(len(flagged) / max(1, len(benign)), 4),
        "flagged_by_kind": dict(kinds),
        "poisoned": len(poisoned),
        "poisoned_flagged": len(caught),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for k, v in result.items():
            print(f"{k:>20}: {v}")
    for server, tool, found in flagged[: args.show]:
        print(f"--- {server}/{tool['name']}: {[(f['kind'], f['severity']) for f in found]}")
        print("   ", (tool.get("description") or "")[:400].replace("\n", " "))
        for f in found:
            print("    evidence:", json.dumps(f["evidence"])[:300])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
