"""An npm launcher whose tools live in a dependency gets an explicit unresolved entry naming it, not a silent
"0 tools"; a package with its own tools never does."""

from __future__ import annotations

from pathlib import Path

from crawler.extract import extract_path
from crawler.extract.js_shim import find_js_delegation, package_of

FIXTURES = Path(__file__).parent / "fixtures" / "servers"


def test_launcher_package_names_the_dependency() -> None:
    result = extract_path(FIXTURES / "javascript" / "launcher-shim")
    assert result.tools == []
    [server] = result.servers
    [entry] = server.unresolved
    assert entry["reason"] == "no tools: package delegates to dependency browser-automation-core"
    assert entry["file"] == "package.json"
    assert entry["expression"].startswith("index.js:1:")


def test_packages_with_tools_are_not_shims() -> None:
    result = extract_path(FIXTURES / "javascript" / "compiled-awaiter")
    assert [t.name for t in result.tools] == ["render_diagram"]
    assert all(not s.unresolved for s in result.servers)


def test_sdk_imports_are_not_delegation() -> None:
    manifest = '{"dependencies": {"@modelcontextprotocol/sdk": "1", "zod": "3"}}'
    files = {"index.js": "import { Server } from '@modelcontextprotocol/sdk/server/index.js';\nimport {z} from 'zod';"}
    assert find_js_delegation(manifest, files) is None
    assert find_js_delegation("not json", files) is None


def test_package_of() -> None:
    assert package_of("@scope/pkg/lib/x.js") == "@scope/pkg"
    assert package_of("pkg/sub") == "pkg"
    assert package_of("./local") is None and package_of("node:fs") is None
