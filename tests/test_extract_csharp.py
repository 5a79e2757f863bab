"""C# (ModelContextProtocol SDK) extraction on a hand-written fixture server."""

from __future__ import annotations

import pytest

from crawler.extract.csharp import extract_files, tool_name_from_method
from tests.extract_helpers import by_name, extract_fixture, run


def test_mcp_server_tool_methods() -> None:
    result = run(extract_files, "csharp/weather", (".cs",))
    tools = by_name(result)
    assert set(tools) == {"echo", "get_alerts", "get_forecast", "delete_location"}  # not the prompt or helper
    echo = tools["echo"]
    assert echo.description == 'Echo "a" message.\nTwice.'
    assert echo.annotations == {"readOnlyHint": True, "idempotentHint": True}
    assert echo.input_schema == {
        "type": "object",
        "properties": {
            "message": {"type": "string", "description": "The message"},
            "times": {"type": "integer", "default": 2},
        },
        "required": ["message"],
    }
    alerts = tools["get_alerts"]
    assert alerts.description == 'Get "alerts" for a US state.'  # verbatim string: "" is one quote
    assert list(alerts.input_schema["properties"]) == ["state"]  # HttpClient and CancellationToken are injected
    forecast = tools["get_forecast"]
    assert forecast.description == "Get the forecast for a location."  # a const built by concatenation
    assert forecast.title == "Forecast"
    assert forecast.annotations == {"destructiveHint": False, "openWorldHint": True, "title": "Forecast"}
    assert forecast.input_schema["required"] == ["latitude", "longitude", "fields"]
    assert forecast.input_schema["properties"]["fields"] == {"type": "array", "items": {"type": "string"}}
    assert tools["delete_location"].description == "Delete a saved location.\n  Cannot be undone."  # raw string


@pytest.mark.parametrize(
    ("method", "name"),
    [("GetAlertsAsync", "get_alerts"), ("Echo", "echo"), ("ListHTTPRoutes", "list_http_routes"), ("Async", "async")],
)
def test_default_tool_names(method: str, name: str) -> None:
    assert tool_name_from_method(method) == name


def test_driver_end_to_end() -> None:
    result = extract_fixture("csharp/weather")
    assert [sorted(t.name for t in s.tools) for s in result.servers] == [
        ["delete_location", "echo", "get_alerts", "get_forecast"]
    ]
