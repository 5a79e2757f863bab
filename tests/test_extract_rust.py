"""Rust (rmcp) extraction on hand-written fixture servers."""

from __future__ import annotations

from crawler.extract.base import SourceFile
from crawler.extract.rust import extract_files
from tests.extract_helpers import by_name, extract_fixture, run, server_tools


def test_rmcp_tool_router_methods() -> None:
    result = run(extract_files, "rust/counter", (".rs",))
    tools = by_name(result)
    assert set(tools) == {"increment", "decrement", "get-info", "sum", "reset"}  # no prompt, helper or config
    assert tools["increment"].description == "Increment the counter by one.\nReturns the new value."
    assert tools["decrement"].description == "Decrement the counter by one."  # `\` + newline skips indentation
    assert tools["decrement"].annotations == {"idempotentHint": False, "destructiveHint": False}
    info = tools["get-info"]
    assert info.description == "Describe this server."  # from the const, not a doc comment
    assert info.annotations == {"readOnlyHint": True, "title": "Server info"}
    assert info.title == "Server info"
    assert tools["sum"].description == "Add two numbers."
    assert tools["sum"].input_schema == {
        "type": "object",
        "properties": {
            "a": {"type": "integer", "description": "The left-hand side"},
            "b": {"type": "integer", "description": "The right-hand side"},
            "labels": {"type": "array", "items": {"type": "string"}, "description": "Labels to attach"},
            "roundTo": {"type": "number"},
        },
        "required": ["a", "roundTo"],
    }
    assert tools["reset"].conditional == 'cfg(feature = "admin")'
    assert tools["increment"].conditional is None


def test_hand_written_list_tools_inside_vec_macro() -> None:
    result = run(extract_files, "rust/handwritten", (".rs",))
    tools = by_name(result)
    assert set(tools) == {"read_file", "write_file", "list_dir"}
    assert tools["read_file"].description == "Read a file.\nPaths are relative."
    assert tools["read_file"].line == 10
    assert tools["write_file"].description == 'Write a file (overwrites "existing" files).'
    assert tools["list_dir"].description == "List a directory."
    assert [(u["line"], u["reason"]) for u in result.unresolved] == [(20, "tool name computed at run time")]


def test_escapes_and_raw_strings() -> None:
    src = '#[tool(description = "tab\\there \\u{e9}", name = r#"q"uote"#)]\nfn f(&self) {}\n'
    tools = extract_files([SourceFile("src/lib.rs", src)]).tools
    assert [(t.name, t.description) for t in tools] == [('q"uote', "tab\there é")]


def test_driver_end_to_end() -> None:
    result = extract_fixture("rust/counter")
    assert server_tools(result) == {"counter-mcp": ["decrement", "get-info", "increment", "reset", "sum"]}
