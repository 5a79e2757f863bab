"""The render path's fast paths give exactly what the plain definitions give.

Each speed-up of a full build (output escaping without a Markup per value, buffered page blocks,
shared link dicts, libyaml for policy snippets, folders made up front) must leave every byte of the
site as it was; these tests compare each fast path with the slow definition it replaces.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jinja2 import Environment
from markupsafe import Markup, escape

from publisher.site import urls
from publisher.site.builder import _make_folders
from publisher.site.pages import tool_link
from publisher.site.policy_files import PolicyIndex, load_policy_index, tool_snippets
from publisher.site.render import environment, output_escape

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "a & b",
    "\"quoted\" and 'single'",
    "plain",
    "",
    "é ü 中文 \u200b\u202e",
]


class _Html:
    def __html__(self) -> str:
        return "<b>trusted</b>"


@pytest.mark.parametrize("value", [*HOSTILE, Markup("<i>safe</i>"), 42, 2.5, None, True, _Html(), ["<x>"]])
def test_output_escape_gives_the_text_of_markupsafe_escape(value: Any) -> None:
    assert output_escape(value) == str(escape(value))


def test_site_templates_escape_with_output_escape_and_plain_templates_do_not() -> None:
    env = environment()
    template = env.from_string("<p title='{{ v }}'>{{ v }}</p>{{ m }}")
    assert template.root_render_func.__globals__["escape"] is output_escape
    rendered = template.render(v="<img src=x onerror=alert(1)>", m=Markup("<br>"))
    assert rendered == ("<p title='&lt;img src=x onerror=alert(1)&gt;'>&lt;img src=x onerror=alert(1)&gt;</p><br>")
    plain = Environment(autoescape=True).from_string("{{ v }}")
    assert plain.root_render_func.__globals__["escape"] is not output_escape  # only our environment changes


def test_buffered_block_renders_the_same_bytes_as_a_plain_block() -> None:
    """The tool and server templates collect their main block in a set block; same output, fewer yields."""
    env = environment()
    body = (
        "{% for r in rows %}<li>{{ r.name }}{% if loop.first %} first{% endif %}</li>{% endfor %}"
        "{% set sid = 'x-' ~ rows|length %}<p id='{{ sid }}'>{{ note }}</p>"
    )
    plain = env.from_string(body)
    buffered = env.from_string("{% set html %}" + body + "{% endset %}{{ html }}")
    ctx = {"rows": [{"name": v} for v in HOSTILE], "note": Markup("<em>ok</em>")}
    assert buffered.render(ctx) == plain.render(ctx)
    assert "&lt;img" in plain.render(ctx)


def _tool(name: str, server_slug: str = "srv") -> dict[str, Any]:
    return {"name": name, "slug": name.replace("<", "").replace(">", ""), "server_slug": server_slug, "cls": None}


def test_same_server_links_are_shared_per_root_and_labelled_links_are_not() -> None:
    tool = _tool("<b>delete</b>")
    first = tool_link(tool, None, "../../../")
    assert tool_link(tool, None, "../../../") is first
    assert "&lt;b&gt;delete&lt;/b&gt;" in first["html"] and 'href="../../../tools/srv/bdelete/b/"' in first["html"]
    other_root = tool_link(tool, None, "../")
    assert other_root is not first and 'href="../tools/' in other_root["html"]
    labelled = tool_link(tool, "Server <X>", "../../../")
    assert labelled is not first and labelled["server"] == "Server <X>"
    assert tool_link(tool, "Server <X>", "../../../") is not labelled  # callers add "via" to these


def test_new_server_folders_are_made_up_front(tmp_path: Path) -> None:
    tools = [_tool("a"), _tool("b")]
    _make_folders(tmp_path, "srv", tools)
    _make_folders(tmp_path, "srv", tools)  # a second call (folders already there) is harmless
    for rel in (
        urls.server_path("srv"),
        urls.tool_path("srv", "a"),
        urls.tool_path("srv", "b"),
        str(Path(urls.tool_api_path("srv", "a")).parent),
    ):
        assert (tmp_path / rel).is_dir(), rel


def _policy_tree(root: Path) -> PolicyIndex:
    """A hand-written policies folder: one server, two presets, hostile names and values."""
    tools_json = {
        "<img src=x onerror=alert(1)>": {"limits": [{"counter": "calls", "window": "1h", "max": 5}]},
        "delete_repo": {"require": ["approval"], "deny_if": [{"arg": "force", "equals": True}]},
        "read": {},
    }
    intercept = {
        "version": "1",
        "tools": {
            "<img src=x onerror=alert(1)>": {"rules": [{"name": "rate", "rate_limit": "5/hour", "on_deny": "é 中文"}]},
            "delete_repo": {
                "rules": [{"name": "approval required", "action": "require_approval", "on_deny": "x: y # z " * 12}]
            },
            "read": {"rules": []},
        },
    }
    files: dict[str, dict[str, str]] = {}
    for preset in ("recommended", "strict"):
        folder = root / "srv" / preset
        folder.mkdir(parents=True)
        (folder / "policy.json").write_text(json.dumps({"tools": tools_json, "hide": ["read"]}), encoding="utf-8")
        (folder / "intercept.yaml").write_text(
            "# a comment the site ignores\n" + yaml.safe_dump(intercept, allow_unicode=True), encoding="utf-8"
        )
        files[preset] = {"policy.json": f"srv/{preset}/policy.json", "intercept.yaml": f"srv/{preset}/intercept.yaml"}
    (root / "index.json").write_text(json.dumps({"servers": {"srv": {"files": files}}}), encoding="utf-8")
    return load_policy_index(root)


def test_policy_snippets_with_libyaml_equal_the_pure_python_ones(tmp_path: Path) -> None:
    index = _policy_tree(tmp_path)
    names = ["<img src=x onerror=alert(1)>", "delete_repo", "read", "missing"]
    snippets = tool_snippets(index, "srv", names)
    assert snippets["missing"] == []
    assert [s["preset"] for s in snippets["delete_repo"]] == ["recommended", "strict"]
    assert snippets["read"][0]["hidden"] and snippets["read"][0]["entry"] == {"hidden": True}
    for name in names[:3]:
        for snippet in snippets[name]:
            document = yaml.safe_load((tmp_path / "srv" / snippet["preset"] / "intercept.yaml").read_text("utf-8"))
            texts = {f["format"]: f["text"] for f in snippet["formats"]}
            expected = yaml.safe_dump({name: document["tools"][name]}, sort_keys=True, allow_unicode=True).rstrip()
            assert texts["intercept.yaml"] == expected
            assert json.loads(texts["policy.json"]) == {
                name: json.loads((tmp_path / "srv" / snippet["preset"] / "policy.json").read_text())["tools"][name]
            }


def test_bench_with_policies_builds_pages_with_snippets_and_downloads(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from catalog.cli import app

    site = tmp_path / "site"
    args = ["bench", "site", "--servers", "6", "--workers", "1", "--policies", "--keep", str(site), "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output[result.output.index("{") :])
    assert figures["policies"] is True
    policy_files = [p for p in (site / "policies").rglob("*") if p.is_file()]
    assert len(policy_files) == 6 * 3 * 5  # every server, preset and format is offered for download
    page = next((site / "tools").glob("*/*/index.html")).read_text(encoding="utf-8")
    assert 'class="copy" data-copy="snip-recommended-1"' in page and "Intercept YAML" in page
    assert figures["no_change"]["written"] == 0


def test_only_forked_workers_freeze_what_they_inherit() -> None:
    """A serial build renders in this process: its objects must stay collectable after the build."""
    import gc
    import multiprocessing

    from publisher.site import builder

    before = gc.get_freeze_count()
    builder._freeze_inherited()
    assert gc.get_freeze_count() == before and not builder._FROZEN
    with multiprocessing.get_context("fork").Pool(1) as pool:
        frozen = pool.apply(_freeze_in_worker)
    assert frozen > 0


def _freeze_in_worker() -> int:
    import gc

    from publisher.site import builder

    builder._freeze_inherited()
    return gc.get_freeze_count() if builder._FROZEN else 0
