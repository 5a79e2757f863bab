"""The Glama API source: cursor pagination, search, resume state, tools and saved pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from catalog.config import Settings
from crawler.sources.base import SourceContext
from crawler.sources.glama import SOURCE
from tests.source_helpers import NoHttp, discover, run_discover

BASE = "http://127.0.0.1:9/"


def server(i: int, tools: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "id": f"id{i:08d}",
        "namespace": "acme",
        "slug": f"server-{i}",
        "name": f"Server {i}",
        "description": f"Server number {i}",
        "attributes": ["hosting:local-only"] + (["author:official"] if i == 0 else []),
        "environmentVariablesJsonSchema": {
            "type": "object",
            "properties": {
                "ACME_TOKEN": {"type": "string", "description": "token"},
                "ACME_REGION": {"type": "string", "description": ""},
            },
            "required": ["ACME_TOKEN"],
        },
        "repository": {"url": f"https://github.com/acme/server-{i}"},
        "spdxLicense": {"name": "MIT", "url": "https://opensource.org/licenses/MIT"},
        "tools": tools if tools is not None else [],
        "url": f"https://glama.example/mcp/servers/acme/server-{i}",
    }


class PagedApi(NoHttp):
    """Serves the servers in pages the way the API does: `first`, `after`, `query`, pageInfo."""

    def __init__(self, servers: list[dict[str, Any]], repeat_cursor: bool = False) -> None:
        self.servers = servers
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.repeat_cursor = repeat_cursor

    async def get_json(self, url: str, *, params: dict[str, Any] | None = None, **_: Any) -> Any:
        params = dict(params or {})
        self.calls.append((url, params))
        items = [s for s in self.servers if params.get("query", "").lower() in s["description"].lower()]
        start = int(params["after"].removeprefix("c")) if params.get("after") else 0
        page = items[start : start + int(params["first"])]
        end = start + len(page)
        has_next = end < len(items)
        cursor = "c1" if self.repeat_cursor else f"c{end}"
        return {
            "pageInfo": {
                "startCursor": f"c{start}",
                "endCursor": cursor if page else None,
                "hasNextPage": has_next,
                "hasPreviousPage": start > 0,
            },
            "servers": page,
        }


def test_walks_every_page_with_cursor_and_page_size() -> None:
    api = PagedApi([server(i) for i in range(250)])
    servers = discover(SOURCE, None, api, glama_url=BASE)
    assert len(servers) == 250 and len({s.external_id for s in servers}) == 250
    assert [c[1].get("after") for c in api.calls] == [None, "c100", "c200"]
    assert {c[0] for c in api.calls} == {"http://127.0.0.1:9/api/mcp/v1/servers"}
    assert all(c[1]["first"] == 100 for c in api.calls)


def test_server_fields_and_tools() -> None:
    tools = [
        {
            "name": "get_item",
            "description": "Read one item",
            "inputSchema": {"type": "object", "properties": {"id": {"type": "string"}}},
        },
        {"name": "drop_item", "description": None, "inputSchema": {"type": "object"}},
    ]
    api = PagedApi([server(0, tools), server(1)])
    first, second = discover(SOURCE, None, api, glama_url=BASE)
    assert first.source == "glama" and first.name == "acme/server-0" and first.title == "Server 0"
    assert first.repository_url == "https://github.com/acme/server-0" and first.license == "MIT"
    assert first.extra["official"] is True
    assert [t.name for t in first.tools or []] == ["get_item", "drop_item"]
    assert first.tools[0].origin == "dump" and first.tools[0].input_schema["properties"]["id"] == {"type": "string"}
    env = {e["name"]: e for e in first.env_vars}
    assert env["ACME_TOKEN"]["is_secret"] is True and env["ACME_TOKEN"]["required"] is True
    assert env["ACME_REGION"]["required"] is False
    assert second.tools is None  # an empty list means "not inspected", never "no tools"


def test_search_argument_is_sent_as_query() -> None:
    api = PagedApi([server(i) for i in range(30)])
    servers = discover(SOURCE, "number 2", api, glama_url=BASE)
    assert all(c[1]["query"] == "number 2" for c in api.calls)
    assert {s.name for s in servers} == {"acme/server-2"} | {f"acme/server-{i}" for i in range(20, 30)}


def test_resume_from_saved_cursor_and_clear_it_when_done() -> None:
    api = PagedApi([server(i) for i in range(250)])
    ctx = SourceContext(settings=Settings(glama_url=BASE), http=api, state={"cursor": "c200", "query": None})
    servers = run_discover(SOURCE, ctx)
    assert len(servers) == 50 and api.calls[0][1]["after"] == "c200"
    assert "cursor" not in ctx.state


def test_cursor_is_kept_while_walking() -> None:
    api = PagedApi([server(i) for i in range(250)])
    ctx = SourceContext(settings=Settings(glama_url=BASE), http=api)

    async def first_page_then_stop() -> dict[str, Any]:
        gen = SOURCE.discover(ctx)
        for _ in range(101):  # the whole first page and the first server of the second
            await gen.__anext__()
        await gen.aclose()
        return dict(ctx.state)

    import asyncio

    assert asyncio.run(first_page_then_stop())["cursor"] == "c100"


def test_repeated_cursor_stops_with_a_problem() -> None:
    api = PagedApi([server(i) for i in range(300)], repeat_cursor=True)
    servers = discover(SOURCE, None, api, glama_url=BASE)
    assert len(api.calls) == 2 and len(servers) == 200
    assert "repeated cursor" in SOURCE.problems[0][1]


def test_saved_pages_and_bad_entries(tmp_path: Path) -> None:
    pages = [
        {"pageInfo": {"endCursor": "a", "hasNextPage": True}, "servers": [server(1), {"no": "id"}]},
        {"pageInfo": {"endCursor": None, "hasNextPage": False}, "servers": [server(2)]},
    ]
    path = tmp_path / "pages.json"
    path.write_text(json.dumps(pages))
    servers = discover(SOURCE, str(path))
    assert [s.name for s in servers] == ["acme/server-1", "acme/server-2"]
    assert len(SOURCE.problems) == 1 and "servers[1]" in SOURCE.problems[0][0]
    lines = tmp_path / "pages.jsonl"
    lines.write_text("\n".join(json.dumps(p) for p in pages))
    assert len(discover(SOURCE, str(lines))) == 2


def test_servers_url_forms() -> None:
    from crawler.sources.glama import servers_url

    want = "http://127.0.0.1:9/api/mcp/v1/servers"
    assert servers_url("http://127.0.0.1:9") == want
    assert servers_url("http://127.0.0.1:9/api/mcp/") == want
    assert servers_url(want) == want


def test_over_real_httpx_with_a_mock_transport() -> None:
    """The requests as httpx really sends them: path, `first`, `after` and `query` in the query string."""
    import asyncio

    import httpx

    seen: list[httpx.URL] = []
    items = [server(i) for i in range(3)]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        after = request.url.params.get("after")
        start = int(after) if after else 0
        page = items[start : start + 2]
        info = {"endCursor": str(start + len(page)), "hasNextPage": start + 2 < len(items)}
        return httpx.Response(200, json={"pageInfo": info, "servers": page})

    class HttpxClient(NoHttp):
        def __init__(self, client: httpx.AsyncClient) -> None:
            self.client = client

        async def get_json(self, url: str, *, params: dict[str, Any] | None = None, **_: Any) -> Any:
            response = await self.client.get(url, params=params)
            response.raise_for_status()
            return response.json()

    async def run() -> list[Any]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            ctx = SourceContext(
                settings=Settings(glama_url="http://glama.test", extra={"glama_page_size": 2}),
                http=HttpxClient(client),
                argument="acme tools",
            )
            return [s async for s in SOURCE.discover(ctx)]

    servers = asyncio.run(run())
    assert [s.name for s in servers] == ["acme/server-0", "acme/server-1", "acme/server-2"]
    assert [str(u) for u in seen] == [
        "http://glama.test/api/mcp/v1/servers?first=2&query=acme+tools",
        "http://glama.test/api/mcp/v1/servers?first=2&after=2&query=acme+tools",
    ]
