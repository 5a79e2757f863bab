"""The Docker MCP registry source: layouts, tools.json shapes, secrets, remotes and broken entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.parse.docker import DumpEntryError, parse_docker_server
from crawler.sources.docker_registry import SOURCE
from crawler.sources.inputs import SourceInputError
from tests.source_helpers import discover

DUMPS = Path(__file__).parent / "fixtures" / "dumps"


def servers() -> dict[str, object]:
    return {s.name: s for s in discover(SOURCE, str(DUMPS / "docker"))}


def test_checkout_layout_yields_every_readable_entry_and_records_the_broken_one() -> None:
    found = servers()
    assert set(found) == {"notes-server", "remote-only", "names-only", "wrapped-tools", "inline-tools"}
    assert [where for where, _ in SOURCE.problems if "broken-yaml" in where]
    assert any("inline-tools" in where and "tools.json" in why for where, why in SOURCE.problems)


def test_flat_layout_is_supported() -> None:
    assert [s.name for s in discover(SOURCE, str(DUMPS / "docker-flat"))] == ["alpha"]


def test_server_metadata_image_source_and_secrets() -> None:
    notes = servers()["notes-server"]
    assert notes.source == "dump:docker"
    assert notes.title == "Notes" and notes.categories == ["productivity"]
    assert notes.extra["tags"] == ["notes", "productivity"]
    assert [p.key() for p in notes.packages] == ["oci:mcp/notes-server"]
    assert notes.repository_url == "https://github.com/NotesCo/notes-mcp"
    assert notes.repository_subfolder == "packages/server"
    assert notes.extra["source_branch"] == "main" and notes.extra["source_commit"].startswith("0123")
    assert notes.extra["file"] == "servers/notes-server/server.yaml"
    assert notes.extra["config_parameters"] == ["region"]
    env = {e["name"]: e for e in notes.env_vars}
    assert env["NOTES_API_KEY"]["is_secret"] is True and "is_secret_inferred" not in env["NOTES_API_KEY"]
    assert env["NOTES_REGION"]["is_secret"] is False


def test_docker_arguments_become_a_json_schema() -> None:
    tools = {t.name: t for t in servers()["notes-server"].tools or []}
    listing = tools["list_notes"]
    assert listing.origin == "dump" and listing.annotations == {"readOnlyHint": True}
    assert listing.input_schema == {
        "type": "object",
        "properties": {
            "folder": {"type": "string", "description": "Folder to list"},
            "limit": {"type": "integer", "description": "Maximum results"},
        },
        "required": ["folder"],
    }
    assert tools["delete_note"].input_schema["properties"]["ids"]["items"] == {"type": "string"}


def test_wrapped_and_inline_tool_lists() -> None:
    found = servers()
    assert [t.name for t in found["wrapped-tools"].tools or []] == ["search"]
    inline = found["inline-tools"].tools or []
    assert [t.name for t in inline] == ["fetch_url"]
    assert inline[0].input_schema["required"] == ["url"]


def test_name_only_and_empty_lists_never_become_tool_records() -> None:
    found = servers()
    names_only = found["names-only"]
    assert names_only.tools is None and names_only.extra["tool_names"] == ["build_image", "push_image"]
    remote = found["remote-only"]
    assert remote.tools is None and remote.extra["tools_dynamic"] is True
    assert remote.remotes == [
        {"type": "streamable-http", "url": "https://mcp.tracker.example.com/mcp", "headers": ["Authorization"]}
    ]
    assert remote.extra["oauth_providers"] == ["tracker"]


def test_parser_rejects_non_mapping_yaml() -> None:
    with pytest.raises(DumpEntryError, match="mapping"):
        parse_docker_server("x", "- just\n- a list\n")
    server, warnings = parse_docker_server("y", "name: y\nabout: {title: 'Old (Archived)'}\n", "{")
    assert server.status == "deprecated" and warnings


def test_bad_arguments() -> None:
    with pytest.raises(SourceInputError):
        discover(SOURCE, None)
    with pytest.raises(SourceInputError, match="not a URL"):
        discover(SOURCE, "https://example.com/registry")
