"""A fixture world of N synthetic MCP servers (from ``catalog.synthetic``) for the crawl benchmark.

60% publish an npm package, 25% a PyPI package, 15% only a GitHub repository; every artifact holds a FastMCP
server whose tools are the synthetic ones, and an MCPB-style ``manifest.json`` declaring them.
"""

from __future__ import annotations

import json
import keyword
import re
from typing import Any

from catalog.records import ToolRecord
from catalog.synthetic import generate
from crawler.testing.fixture_server import World

PY_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "array": "list", "object": "dict"}


def _ident(name: str) -> str:
    ident = re.sub(r"\W", "_", name)
    if not ident or ident[0].isdigit() or keyword.iskeyword(ident):
        ident = f"p_{ident}"
    return ident


def render_fastmcp(server_name: str, tools: list[ToolRecord]) -> str:
    """Python source of a FastMCP server declaring ``tools`` (names, docstrings, typed parameters)."""
    lines = ["from mcp.server.fastmcp import FastMCP", "", f"mcp = FastMCP({server_name!r})", ""]
    for tool in tools:
        schema = tool.input_schema or {}
        required = set(schema.get("required") or [])
        params: list[str] = []
        optional: list[str] = []
        for pname, spec in (schema.get("properties") or {}).items():
            py = PY_TYPES.get(spec.get("type", "string"), "str")
            if pname in required:
                params.append(f"{_ident(pname)}: {py}")
            else:
                optional.append(f"{_ident(pname)}: {py} | None = None")
        func = _ident(tool.name)
        deco = "@mcp.tool()" if func == tool.name else f"@mcp.tool(name={tool.name!r})"
        lines += [deco, f"def {func}({', '.join(params + optional)}) -> str:", f"    {tool.description or ''!r}"]
        lines += ["    return ''", ""]
    return "\n".join(lines)


def artifact_files(name: str, version: str, tools: list[ToolRecord]) -> dict[str, str | bytes]:
    manifest = {
        "manifest_version": "0.2",
        "name": name,
        "version": version,
        "tools": [{"name": t.name, "description": t.description} for t in tools],
    }
    return {"server.py": render_fastmcp(name, tools), "manifest.json": json.dumps(manifest, indent=1)}


def build_world(n: int, seed: int = 0) -> World:
    world = World()
    for i, synth in enumerate(generate(n, seed)):
        short = synth.slug.removeprefix("synthetic-")
        server: dict[str, Any] = {"name": f"io.github.synthetic/{short}", "description": synth.description}
        files = artifact_files(short, "1.0.0", synth.tools)
        bucket = i % 20
        if bucket < 12:
            pkg = f"@synthetic/{short}"
            world.add_npm(pkg, "1.0.0", files)
            server["version"] = "1.0.0"
            server["packages"] = [{"registryType": "npm", "identifier": pkg, "version": "1.0.0"}]
        elif bucket < 17:
            pkg = f"synthetic-{short}"
            world.add_pypi(pkg, "1.0.0", files)
            server["version"] = "1.0.0"
            server["packages"] = [{"registryType": "pypi", "identifier": pkg, "version": "1.0.0"}]
        else:
            world.add_repo(f"synthetic/{short}", files)
        server["repository"] = {"url": f"https://github.com/synthetic/{short}", "source": "github"}
        world.add_registry_server(server)
    return world
