"""tsc's down-levelled async handlers (`() => __awaiter(this, void 0, void 0, function* () {...})`) are
followed into the generator, so a compiled low-level server's tools/list is read, not reported as dynamic."""

from __future__ import annotations

from pathlib import Path

from crawler.extract import extract_path

FIXTURE = Path(__file__).parent / "fixtures" / "servers" / "javascript" / "compiled-awaiter"


def test_awaiter_wrapped_list_tools_handler() -> None:
    result = extract_path(FIXTURE)
    assert [t.name for t in result.tools] == ["render_diagram"]
    tool = result.tools[0]
    assert tool.description == "Render diagram source text to an SVG image."
    assert tool.input_schema["required"] == ["source"]
    assert all(not s.unresolved for s in result.servers)
