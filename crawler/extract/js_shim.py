"""npm packages that hand their server over to a dependency (the JavaScript side of ``python_shim``).

Some published MCP packages are a few lines of launcher: `@scope/mcp` whose `index.js` re-exports
`require('some-core/lib/bundle').tools.createConnection`. Their tools are declared in the dependency, so a
static read of the package finds none. Rather than report "0 tools" silently, the server gets an explicit
unresolved entry naming the dependency, so the crawler (or a person) can follow it. Pure: texts in, findings out.
"""

from __future__ import annotations

import json
import re

from crawler.extract.python_shim import Delegation

# Libraries a launcher imports without them being where the tools are.
NOT_TARGETS = frozenset(
    {
        "@modelcontextprotocol/sdk", "zod", "zod-to-json-schema", "commander", "yargs", "dotenv", "chalk",
        "express", "cross-spawn", "node-fetch", "undici", "tslib", "debug", "fastmcp", "mcp-framework",
    }
)  # fmt: skip
MAX_SHIM_FILES = 6  # more JavaScript than this is a real package whose tools the extractor failed to find
_SPECIFIER = re.compile(
    r"""(?:require\(\s*|import\(\s*|\bfrom\s+|^\s*import\s+)(['"])([^'"\n]+)\1""",
    re.M,
)
_JS = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")


def package_of(specifier: str) -> str | None:
    """`@scope/pkg/lib/x` -> `@scope/pkg`; `pkg/sub` -> `pkg`; relative and node: specifiers -> None."""
    if specifier.startswith((".", "/", "node:")):
        return None
    parts = specifier.split("/")
    if specifier.startswith("@"):
        return "/".join(parts[:2]) if len(parts) >= 2 else None
    return parts[0]


def _entry_rank(manifest: dict, path: str) -> int:
    """0 for the module users import (main, module, index.js), 1 for a bin, 2 for the rest."""
    path = path.removeprefix("./")
    mains = {"index.js"} | {
        v.removeprefix("./") for v in (manifest.get("main"), manifest.get("module")) if isinstance(v, str)
    }
    if path in mains:
        return 0
    bins = manifest.get("bin")
    values = [bins] if isinstance(bins, str) else list(bins.values()) if isinstance(bins, dict) else []
    return 1 if path in {v.removeprefix("./") for v in values if isinstance(v, str)} else 2


def find_js_delegation(package_json: str, files: dict[str, str]) -> Delegation | None:
    """The dependency a tool-less npm package delegates to, judged from its few source files' imports."""
    try:
        manifest = json.loads(package_json)
    except json.JSONDecodeError:
        return None
    if not isinstance(manifest, dict):
        return None
    deps = manifest.get("dependencies")
    if not isinstance(deps, dict) or not deps:
        return None
    sources = {path: text for path, text in files.items() if path.endswith(_JS) and not path.endswith(".d.ts")}
    if not sources or len(sources) > MAX_SHIM_FILES:
        return None
    for path in sorted(sources, key=lambda p: (_entry_rank(manifest, p), p)):
        for match in _SPECIFIER.finditer(sources[path]):
            package = package_of(match.group(2))
            if package and package in deps and package not in NOT_TARGETS:
                line = sources[path].count("\n", 0, match.start()) + 1
                return Delegation(package, f"{path}:{line}: {match.group(0).strip()}")
    return None
