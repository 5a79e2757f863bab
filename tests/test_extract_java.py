"""Java (Spring AI @Tool, MCP annotations @McpTool) extraction on a hand-written fixture server."""

from __future__ import annotations

from crawler.extract.base import SourceFile
from crawler.extract.java import extract_files
from tests.extract_helpers import by_name, extract_fixture, run


def test_spring_ai_and_mcp_annotations() -> None:
    result = run(extract_files, "java/spring", (".java",))
    tools = by_name(result)
    assert set(tools) == {"searchBooks", "borrow_book", "purge_loans"}  # not the test, not the non-bean class
    search = tools["searchBooks"]
    assert search.description == "Search the catalog by title or author."
    assert search.input_schema == {
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "Words to match"},
            "limit": {"type": "integer", "description": "Max results"},
        },
        "required": ["query"],
    }  # ToolContext is injected by Spring AI, not a parameter
    assert tools["borrow_book"].description == 'Borrow a book.\nFails when "unavailable".'
    assert tools["borrow_book"].input_schema["required"] == ["isbn", "days"]
    purge = tools["purge_loans"]
    assert purge.description == "Delete every closed loan.\n  Cannot be undone.\n"  # text block rules
    assert purge.title == "Purge loans"
    assert purge.annotations == {"title": "Purge loans", "destructiveHint": True, "openWorldHint": False}
    assert list(purge.input_schema["properties"]) == ["days"]
    assert [p.reason for p in result.problems] == [
        "class LegacyTools: its @Service/@Component is commented out, so its 1 tool(s) are not served"
    ]


def test_escapes_and_unresolvable_names() -> None:
    src = (
        "@Service class T {\n"
        '  @Tool(description = "tab\\there \\u00e9") String a() { return ""; }\n'
        '  @McpTool(name = Names.computed(), description = "x") String b() { return ""; }\n'
        "}\n"
    )
    result = extract_files([SourceFile("src/main/java/T.java", src)])
    assert [(t.name, t.description) for t in result.tools] == [("a", "tab\there é")]
    assert [u["line"] for u in result.unresolved] == [3]


def test_driver_end_to_end() -> None:
    result = extract_fixture("java/spring")
    assert [sorted(t.name for t in s.tools) for s in result.servers] == [["borrow_book", "purge_loans", "searchBooks"]]
