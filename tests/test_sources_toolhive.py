"""The ToolHive registry source: container and remote servers, names-only tools, permissions and secrets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.sources.inputs import SourceInputError
from crawler.sources.toolhive import SOURCE
from tests.source_helpers import NoHttp, discover

REGISTRY = Path(__file__).parent / "fixtures" / "dumps" / "toolhive-registry.json"


def found() -> dict[str, Any]:
    return {s.name: s for s in discover(SOURCE, str(REGISTRY))}


def test_servers_and_remote_servers_with_a_problem_for_the_bad_entry() -> None:
    servers = found()
    assert set(servers) == {"db-explorer", "old-thing", "tracker-remote"}
    assert [where for where, _ in SOURCE.problems] == ["servers/not-an-object"]


def test_container_entry() -> None:
    db = found()["db-explorer"]
    assert db.source == "dump:toolhive" and db.stars == 42
    assert [p.key() for p in db.packages] == ["oci:ghcr.io/dbco/db-explorer:2.0.1"]
    assert (db.repository_url, db.repository_subfolder) == ("https://github.com/DbCo/db-explorer", "mcp")
    assert db.tools is None and db.extra["tool_names"] == ["run_query", "list_tables"]
    assert db.extra["permissions"]["network"]["outbound"]["allow_host"] == ["db.example.com"]
    assert db.extra["tier"] == "Official" and db.extra["transport"] == "stdio"
    env = {e["name"]: e for e in db.env_vars}
    assert env["DB_PASSWORD"]["is_secret"] is True
    assert env["DB_TOKEN_TTL"]["is_secret"] is False  # an explicit flag beats the name
    assert env["DB_HOST"]["is_secret"] is False


def test_deprecated_and_remote_entries() -> None:
    servers = found()
    assert servers["old-thing"].status == "deprecated" and "tool_names" not in servers["old-thing"].extra
    remote = servers["tracker-remote"]
    assert remote.packages == [] and remote.extra["kind"] == "remote"
    assert remote.remotes == [
        {"type": "streamable-http", "url": "https://mcp.tracker.example.com/mcp", "headers": ["X-Api-Key"]}
    ]
    assert remote.extra["homepage"] == "https://tracker.example.com"


def test_list_shaped_registry_and_url_argument() -> None:
    data = {"servers": [{"name": "listed", "image": "x/listed:1", "tools": ["a"]}]}

    class JsonHttp(NoHttp):
        async def get_json(self, url: str, **_: Any) -> Any:
            assert url == "https://registry.example.org/registry.json"
            return data

    servers = discover(SOURCE, "https://registry.example.org/registry.json", JsonHttp())
    assert [(s.name, s.extra["tool_names"]) for s in servers] == [("listed", ["a"])]


def test_unreadable_registry_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "registry.json"
    bad.write_text("{")
    with pytest.raises(SourceInputError, match="cannot read"):
        discover(SOURCE, str(bad))
    bad.write_text(json.dumps({"something": "else"}))
    with pytest.raises(SourceInputError, match="remote_servers"):
        discover(SOURCE, str(bad))
