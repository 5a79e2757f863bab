"""Two npm declaration styles seen in the wild: chart modules collected with `Object.values(namespace)` and
filtered by an env var, and a class keeping its tools in a `Map` filled by its own `registerTool(tool)`."""

from __future__ import annotations

from crawler.extract.typescript import extract_files
from tests.extract_helpers import by_name, run

EXT = (".js", ".ts", ".mjs", ".cjs")


def test_tools_kept_in_a_map_filled_by_a_register_method() -> None:
    result = run(extract_files, "javascript/map-registry", EXT)
    tools = by_name(result)
    # `draft-helper` is built by the same factory but never registered: not a tool of this server
    assert set(tools) == {"write-page", "read-page", "list-books"}
    assert tools["write-page"].description == "Write a page in a notebook, replacing its text."
    # the `{jsonSchema, parse}` schema handler: tools/list sends the JSON form
    assert tools["write-page"].input_schema == {
        "type": "object",
        "properties": {
            "book": {"type": "string", "description": "Notebook name"},
            "page": {"type": "string", "description": "Page title"},
            "text": {"type": "string"},
        },
        "required": ["book", "page", "text"],
    }
    assert all(t.conditional is None for t in tools.values())


def test_chart_modules_collected_from_a_namespace_and_filtered_by_env() -> None:
    result = run(extract_files, "javascript/module-array", EXT)
    tools = by_name(result)
    assert set(tools) == {"plot_bar_chart", "plot_pie_chart", "plot_word_cloud"}
    bar = tools["plot_bar_chart"]
    assert bar.annotations == {"title": "Plot Bar Chart", "readOnlyHint": True}
    assert bar.input_schema is not None and bar.input_schema["required"] == ["data"]
    # the DISABLED_TOOLS filter removes nothing by default: the tools are not conditional
    assert all(t.conditional is None for t in tools.values())
