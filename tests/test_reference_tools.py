"""Reference tool lists read from dump-shaped fixtures, and the comparison of static results against them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from catalog.records import ToolRecord

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import measure_extraction as measure  # noqa: E402
import reference_tools as ref  # noqa: E402

import crawler.extract.references as refs  # noqa: E402


@pytest.mark.parametrize(
    ("command", "args", "expected"),
    [
        ("npx", ["-y", "@scope/server-x@latest"], ("npm", "@scope/server-x")),
        ("npx", ["plain-server@1.2.0", "--flag"], ("npm", "plain-server")),
        ("npx", ["-y", "github:owner/repo"], None),
        ("npx", ["-y", "https://github.com/owner/repo"], None),
        ("uvx", ["Some_Server==0.3"], ("pypi", "some-server")),
        ("uvx", ["--with", "mcp==1.9.0", "site-server"], ("pypi", "site-server")),
        ("uvx", ["--from", "office-server", "office_cmd"], ("pypi", "office-server")),
        ("uvx", ["--from", "git+https://github.com/o/r", "cmd"], None),
        ("uv", ["run", "--with", "bio-server", "bio", "run"], ("pypi", "bio-server")),
        ("uv", ["tool", "run", "paper-server", "--storage-path", "x"], ("pypi", "paper-server")),
        ("docker", ["run", "-i", "image"], None),
    ],
)
def test_install_commands_name_their_package(command: str, args: list[str], expected: tuple[str, str] | None) -> None:
    assert refs.package_from_command(command, args) == expected


def _write_dumps(root: Path) -> None:
    servers = root / "dumps" / "mcpm-registry" / "servers"
    servers.mkdir(parents=True)
    tool = {"name": "get_weather", "description": "Weather.", "inputSchema": {"type": "object", "properties": {}}}
    (servers / "weather.json").write_text(
        json.dumps(
            {
                "name": "weather",
                "installations": {"npm": {"type": "npm", "command": "npx", "args": ["-y", "weather-srv"]}},
                "tools": [tool, {"description": "no name"}],
            }
        )
    )
    (servers / "no-tools.json").write_text(json.dumps({"name": "empty", "installations": {}, "tools": []}))
    live = [
        {
            "name": "Weather (live)",
            "config": {"mcpServers": {"w": {"command": "npx", "args": ["-y", "weather-srv"]}}},
            "tools": {"w": {"tools": [{**tool, "annotations": None}, {"name": "get_alerts"}]}},
        }
    ]
    (root / "dumps" / "livemcpbench-tools.json").write_text(json.dumps(live))


def test_live_captures_are_preferred_over_registry_lists(tmp_path: Path) -> None:
    _write_dumps(tmp_path)
    found = refs.load_references(tmp_path)
    assert set(found) == {("npm", "weather-srv")}
    reference = found[("npm", "weather-srv")]
    assert reference.source == "livemcpbench"
    assert [t.name for t in reference.tools] == ["get_weather", "get_alerts"]
    assert reference.tools[0].annotations == {}


def test_missing_dumps_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        refs.load_references(tmp_path)


def test_comparison_against_a_reference_explains_drift_and_renames(tmp_path: Path) -> None:
    artifact = tmp_path / "pkg"
    artifact.mkdir()
    (artifact / "server.py").write_text(
        "@mcp.tool()\ndef find_exceptions_in_file(): ...\n@mcp.tool()\ndef ping(): ...\n"
    )
    reference = refs.ReferenceList(
        "mcpm",
        "demo",
        (refs.ReferenceTool("find_exceptions"), refs.ReferenceTool("ping"), refs.ReferenceTool("gone_tool")),
    )
    report = measure.PackageReport(seed="pypi:demo==1.0", static_status="ok", live_status="skipped: --no-live")
    static = [ToolRecord(name="ping"), ToolRecord(name="find_exceptions_in_file")]
    ref.compare_with_reference(report, static, reference, [artifact], measure.compare)
    assert report.compared and report.truth == "reference: mcpm demo"
    assert (report.true_positives, report.precision(), report.recall()) == (1, 0.5, 1 / 3)
    why = {m["tool"]: m["why"] for m in report.missed}
    assert why["find_exceptions"].startswith("name not in the artifact as a whole word")
    assert why["gone_tool"].startswith("name not in the artifact: version drift from the mcpm dump")
    assert [e["tool"] for e in report.extra] == ["find_exceptions_in_file"]
    assert "reference: mcpm demo" in measure.markdown([report], measure.totals([report]))


def test_unresolved_places_are_named_in_miss_explanations() -> None:
    report = measure.PackageReport(seed="npm:x@1.0", static_status="ok", live_status="ok")
    report.unresolved = [{"file": "dist/server.js", "line": 12, "reason": "tools/list returns a run-time list"}]
    report.missed = [
        {
            "tool": "a",
            "why": "name is in dist/a.js but was not extracted; the extractor reported 1 unresolved registration(s)",
        }
    ]
    ref.explain_unresolved(report)
    assert report.missed[0]["why"] == (
        "name is in dist/a.js but was not extracted; the extractor said: tools/list returns a run-time list "
        "(dist/server.js:12)"
    )


def test_seed_notes_are_the_comments_after_seed_lines() -> None:
    text = "# heading\nnpm:a@1.0  # a Go binary\npypi:b==2.0\npypi:c==3.0 #  tools in a dependency \n"
    assert ref.seed_notes(text) == {"npm:a@1.0": "a Go binary", "pypi:c==3.0": "tools in a dependency"}
