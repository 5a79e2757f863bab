"""Go extraction (mark3labs/mcp-go and the official SDK) on hand-written fixture servers."""

from __future__ import annotations

from crawler.extract.base import SourceFile
from crawler.extract.golang import extract_files
from tests.extract_helpers import by_name, extract_fixture, run, server_tools


def test_mcp_go_option_builders() -> None:
    result = run(extract_files, "go/mcpgo", (".go",))
    tools = by_name(result)
    assert set(tools) == {"search_items", "get_item", "delete_item"}  # not the _test.go or commented-out ones
    search = tools["search_items"]
    # "\\," in Go source is a backslash and a comma on the wire
    assert search.description == "Search inventory items.\nMatches name and SKU; use \\, to escape commas."
    assert search.title == "Search items"
    assert search.annotations == {"title": "Search items", "readOnlyHint": True}
    assert search.input_schema == {
        "type": "object",
        "properties": {
            "q": {"type": "string", "description": "Search text"},
            "limit": {"type": "number", "description": "Max results", "default": 20, "minimum": 1, "maximum": 100},
            "sort": {"type": "string", "enum": ["name", "stock"]},
            "in_stock": {"type": "boolean"},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["q"],
    }
    assert tools["get_item"].description == "Get one item by SKU.\nRaw strings keep \\n as two characters."
    delete = tools["delete_item"]
    assert delete.conditional == "enableWrite"
    assert delete.annotations == {"destructiveHint": True, "idempotentHint": True, "openWorldHint": False}
    assert search.conditional is None and tools["get_item"].conditional is None
    assert [(u["line"], u["expression"]) for u in result.unresolved] == [(41, "name")]


def test_official_sdk_struct_literals_translations_and_factories() -> None:
    result = run(extract_files, "go/official", (".go",))
    tools = by_name(result)
    assert set(tools) == {"greet (structured)", "confirm_delete", "get_repo", "update_title", "update_topics"}
    repo = tools["get_repo"]
    assert repo.title == "Get repository"
    assert repo.description == "Get details of a repository.\tTabs are decoded."
    assert repo.annotations == {"readOnlyHint": True, "destructiveHint": False}
    assert repo.input_schema == {
        "type": "object",
        "properties": {
            "owner": {"type": "string", "description": "Repository owner"},
            "repo": {"type": "string", "description": "Repository name"},
        },
        "required": ["owner", "repo"],
    }
    assert tools["update_topics"].description == "Update the repository topics."
    assert tools["confirm_delete"].conditional == "supportsElicitation()"
    assert tools["confirm_delete"].annotations == {"destructiveHint": True, "openWorldHint": False}
    # no InputSchema field: the SDK infers it from the handler's input struct (json / jsonschema tags)
    assert tools["confirm_delete"].input_schema == {
        "type": "object",
        "properties": {
            "path": {"type": "string", "description": "the file to delete"},
            "reason": {"type": "string"},
            "retries": {"type": "integer"},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["path", "tags"],
    }
    assert tools["greet (structured)"].extra["unresolved"] == ["input_schema"]  # handler not in the sources
    assert tools["greet (structured)"].conditional is None


def test_go_escapes_and_broken_files() -> None:
    src = (
        'package main\nconst n = "x\\u00e9\\x41\\101"\n'
        'func f() { s.AddTool(mcp.NewTool(n, mcp.WithDescription("a\\tb")), h) }\nfunc ( {\n'
    )
    result = extract_files([SourceFile("main.go", src)])
    assert [(t.name, t.description) for t in result.tools] == [("xéAA", "a\tb")]


def test_driver_end_to_end() -> None:
    result = extract_fixture("go/official")
    assert server_tools(result) == {
        "github.com/acme/repos-mcp": [
            "confirm_delete",
            "get_repo",
            "greet (structured)",
            "update_title",
            "update_topics",
        ]
    }
