"""Every format validates for real published tool lists (docker/mcp-registry and mcpm dumps), read at run time.

Set MCP_CATALOG_SHARED_DATA to the shared data folder (e.g. ../shared/data); skipped otherwise. No
classifier is needed: each tool gets every risk level in turn, so all decisions meet the real names and
input schemas (where argument rules come from).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from crawler.extract.tools_json import ToolsJsonError, records_from_json
from publisher.policy.formats import FORMATS
from publisher.policy.model import build_server_policy
from publisher.policy.options import PRESETS
from publisher.policy.validate import validate_file_text

DATA = os.environ.get("MCP_CATALOG_SHARED_DATA")
RISKS = (
    ("Read", "Low", ["filesystem"]),
    ("Read", "Medium", ["network_egress", "private_data"]),
    ("Write", "High", ["sends_communication"]),
    ("Financial", "Critical", []),
    ("Execute", "Critical", ["code_execution", "filesystem"]),
    ("Write", "Critical", ["secrets"]),
)


@pytest.mark.slow
@pytest.mark.skipif(not DATA or not Path(DATA).is_dir(), reason="MCP_CATALOG_SHARED_DATA not set")
def test_real_tool_lists_compile_to_valid_files() -> None:
    root = Path(DATA or ".")
    files = sorted(root.glob("dumps/docker-mcp-registry/*/tools.json")) + sorted(
        root.glob("dumps/mcpm-registry/servers/*.json")
    )
    assert files, "no docker-mcp-registry or mcpm-registry dumps under MCP_CATALOG_SHARED_DATA"
    checked = rules = 0
    for path in files:
        try:
            data = json.loads(path.read_text("utf-8"))
            records = records_from_json(data.get("tools") or [] if "mcpm-registry" in str(path) else data)
        except (ToolsJsonError, json.JSONDecodeError, AttributeError):
            continue
        if not records:
            continue
        tools = [r.to_mcp() for r in records]
        for preset in PRESETS:
            for shift in (0, 3):  # each tool meets two risk levels; each server (6+ tools) all of them
                cls = {}
                for i, t in enumerate(tools):
                    category, risk, caps = RISKS[(i + shift) % len(RISKS)]
                    cls[t["name"]] = {"category": category, "risk": risk, "capabilities": caps}
                policy = build_server_policy({"slug": path.parent.name}, tools, cls, preset)
                rules += sum(len(t.arg_rules) for t in policy.tools)
                for key, fmt in FORMATS.items():
                    assert validate_file_text(key, fmt.render(policy)) == [], (path.parent.name, preset, key)
                    checked += 1
    assert checked > 1000 and rules > 0
