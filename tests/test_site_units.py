"""Unit tests of the site's pure parts: parameters, prose, search tokens, charts, machine files, writer, CLI."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from catalog.cli import app
from publisher.site.charts import risk_bars, risk_stack
from publisher.site.machine import atom_feed, sitemaps, xml_text
from publisher.site.pages import combination_risk, hint_rows
from publisher.site.params import parameter_rows, type_label
from publisher.site.policy_files import PolicyIndex
from publisher.site.prose import parameter_sentences, risk_reason, tool_prose
from publisher.site.search_index import build_search_files, tokens
from publisher.site.writer import Writer, remove_stale


def test_parameter_rows_handle_real_and_odd_schemas() -> None:
    schema = {
        "type": "object",
        "properties": {
            "owner": {"type": "string", "description": "Repository owner"},
            "state": {"type": "string", "enum": ["open", "closed"], "default": "open"},
            "labels": {"type": "array", "items": {"type": "string"}},
            "limit": {"type": ["integer", "null"], "minimum": 1, "maximum": 100},
            "filter": {"type": "object", "properties": {"since": {"type": "string", "format": "date-time"}}},
            "weird": "not a dict",
        },
        "required": ["owner", 42],
    }
    rows = {r["name"]: r for r in parameter_rows(schema)}
    assert list(rows) == ["owner", "state", "labels", "limit", "filter", "filter.since", "weird"]
    assert rows["owner"]["required"] and not rows["state"]["required"]
    assert rows["state"]["default"] == "open" and "one of: open, closed" in rows["state"]["constraints"]
    assert rows["labels"]["type"] == "array of string"
    assert rows["limit"]["type"] == "integer | null" and "maximum: 100" in rows["limit"]["constraints"]
    assert rows["weird"]["type"] == "any"
    assert parameter_rows(None) == [] and parameter_rows({"properties": []}) == []
    assert type_label({"anyOf": [{"type": "string"}, {"$ref": "#/defs/Thing"}]}) == "string | ref Thing"


def test_risk_reason_asks_the_rubric() -> None:
    assert risk_reason("Destructive", [], "Critical") == "the category Destructive on its own rates Critical"
    assert risk_reason("Write", ["sends_communication"], "High") == "a Write tool with `sends_communication` rates High"
    assert risk_reason("Read", ["secrets"], "High") == "a Read tool with `secrets` rates High"


def test_prose_varies_with_parameters_capabilities_and_evidence() -> None:
    def tool(caps: list[str], evidence: list[dict]) -> dict:
        return {
            "name": "do_it",
            "cls": {"category": "Read", "risk": "Medium", "capabilities": caps, "evidence": evidence},
        }

    url_param = [{"name": "url", "required": True}]
    path_param = [{"name": "path", "required": False}]
    a = tool_prose(tool(["network_egress"], []), "S", url_param, None)
    b = tool_prose(
        tool(["private_data"], [{"source": "description", "signal": "customer records"}]), "S", path_param, None
    )
    assert a != b
    assert any("any host the network allows" in s for s in a)
    assert any("names a location on disk" in s for s in b)
    assert any("“customer records” in the description" in s for s in b)
    assert any("All 1 of its parameters are optional" in s for s in b)
    assert parameter_sentences([{"name": "opts.command"}, {"name": "cmd"}]) == [
        "The text in `opts.command` is run as given: constrain it with `deny_if` patterns or require approval."
    ]
    unclassified = tool_prose({"name": "x", "cls": None}, "S", [], None)
    assert "has not been classified yet" in unclassified[0]


def test_hint_rows_are_tri_state_and_flag_mismatches() -> None:
    tool = {
        "annotations": {"readOnlyHint": True, "x-custom": "yes"},
        "cls": {
            "inferred_hints": {"readOnlyHint": False, "destructiveHint": True},
            "hint_mismatches": [{"hint": "readOnlyHint", "message": "it deletes"}],
        },
    }
    rows = {r["hint"]: r for r in hint_rows(tool)}
    assert rows["readOnlyHint"]["mismatch"] and rows["readOnlyHint"]["message"] == "it deletes"
    assert rows["destructiveHint"]["declared"] == "not declared" and rows["destructiveHint"]["inferred"] == "true"
    assert rows["idempotentHint"]["inferred"] == "not declared"
    assert rows["x-custom"]["declared"] == "yes"


def test_combination_risk_raises_the_server_for_dangerous_pairs() -> None:
    read = {"cls": {"risk": "Medium", "capabilities": ["private_data"]}}
    web = {"cls": {"risk": "Low", "capabilities": ["untrusted_content"]}}
    fetch = {"cls": {"risk": "Medium", "capabilities": ["network_egress"]}}
    assert combination_risk([read, web])["risk"] == "Medium"
    result = combination_risk([read, web, fetch])
    assert result["risk"] == "Critical" and result["worst_tool"] == "Medium"
    assert result["combinations"][0]["capabilities"] == ["network_egress", "private_data", "untrusted_content"]
    assert combination_risk([{"cls": None}])["risk"] == "Unclassified"


def test_search_tokens_and_shards() -> None:
    assert tokens("getIssueComments") == ["get", "issue", "comments"]
    assert tokens("créer_facture-v2") == ["creer", "facture", "v2"]
    docs = [
        {"kind": "s", "name": "Stripe", "url": "servers/stripe/"},
        {
            "kind": "t",
            "name": "create_refund",
            "server": "Stripe",
            "risk": "Critical",
            "category": "Financial",
            "url": "tools/stripe/create_refund/",
        },
        {
            "kind": "t",
            "name": "list_refunds",
            "server": "Stripe",
            "risk": "Low",
            "category": "Read",
            "url": "tools/stripe/list_refunds/",
        },
    ]
    files = build_search_files(docs)
    shard = files["search/t/re.js"]
    payload = json.loads(shard[shard.index(",") + 1 : shard.rindex(")")])
    assert payload["refund"] == [1] and payload["refunds"] == [2]
    docs_js = files["search/d/0.js"]
    rows = json.loads(docs_js[docs_js.index(",") + 1 : docs_js.rindex(")")])
    assert rows[1] == ["t", "create_refund", "Stripe", 3, 0, "tools/stripe/create_refund/"]


def test_charts_carry_text_and_escape() -> None:
    bars = str(risk_bars({"Critical": 3, "Low": 1}))
    assert "Critical</text>" in bars and "3 (75.0%)" in bars and "<title>Tools by risk" in bars
    stack = str(risk_stack({"High": 2}))
    assert "<title>Risk of 2 tools: 2 High</title>" in stack
    assert "no tools" in str(risk_stack({}))


def test_machine_files_are_valid_xml_even_with_control_characters() -> None:
    assert xml_text("a\x00b<c>&") == "ab&lt;c&gt;&amp;"
    change = {
        "id": 1,
        "kind": "changed",
        "tool_name": "bad\x07<name>",
        "server_slug": "s",
        "tool_slug": "t",
        "at": "2026-01-01T00:00:00Z",
        "changed_fields": ["description"],
    }
    feed = ET.fromstring(atom_feed("https://x.test/", [change], "2026-01-01T00:00:00Z"))
    title = feed.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title").text
    assert title == "changed: bad<name>"
    many = sitemaps("https://x.test/", [f"tools/s/t{i}/" for i in range(45_001)], "2026-01-01T00:00:00Z")
    assert set(many) == {"sitemap.xml", "sitemaps/0.xml", "sitemaps/1.xml"}
    assert "<sitemapindex" in many["sitemap.xml"]


def test_policy_index_refuses_paths_outside_its_folder(tmp_path: Path) -> None:
    index = PolicyIndex(
        root=tmp_path,
        servers={
            "s": {
                "files": {
                    "recommended": {"policy.json": "s/recommended/policy.json", "cedar": "../x", "a": "/etc/passwd"}
                }
            }
        },
    )
    assert index.files_for("s") == {"recommended": {"policy.json": "s/recommended/policy.json"}}
    assert index.files_for("missing") == {}


def test_writer_skips_unchanged_inputs_and_removes_stale_files(tmp_path: Path) -> None:
    first = Writer(tmp_path, {})
    first.emit("a/index.html", "k1", lambda: "one")
    first.emit("b/c/index.html", "k2", lambda: "two")
    assert first.written == 2
    calls = []
    second = Writer(tmp_path, first.entries)
    second.emit("a/index.html", "k1", lambda: calls.append(1) or "one")  # same inputs: not even rendered
    second.emit("b/c/index.html", "k3", lambda: "two")  # new inputs, same bytes: rendered, not written
    assert calls == [] and second.written == 0 and second.rendered == 1
    third = Writer(tmp_path, second.entries)
    third.emit("a/index.html", "k1", lambda: "one")
    assert remove_stale(tmp_path, second.entries, third.entries) == 1
    assert not (tmp_path / "b").exists() and (tmp_path / "a/index.html").read_text() == "one"


def test_cli_serve_and_bench_errors_are_messages(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["serve", "--dir", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "run `mcp-catalog build" in result.output
    result = runner.invoke(app, ["serve", "--port", "70000", "--dir", str(tmp_path)])
    assert result.exit_code == 2 and "not a port number" in result.output
    result = runner.invoke(app, ["bench", "site", "--servers", "0"])
    assert result.exit_code == 2 and "at least 1" in result.output
    assert "Example: mcp-catalog serve" in runner.invoke(app, ["serve", "--help"]).output


def test_bench_site_runs_on_a_tiny_catalog(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["bench", "site", "--servers", "12", "--workers", "1", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output[result.output.index("{") :])
    assert figures["tools"] > 12 and figures["full"]["pages"] > figures["tools"]
    assert figures["incremental"]["tools_changed"] >= 1
    assert 0 < figures["incremental"]["written"] < figures["full"]["files"] / 2
    assert figures["no_change"]["written"] == 0
