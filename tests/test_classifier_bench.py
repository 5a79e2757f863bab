"""The classification benchmark's corpus: real tool lists read from dump shapes, made distinct deterministically,
and a report that says what was measured."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from catalog.cli import app
from catalog.synthetic import generate, product_word, vary_tool
from classifier.bench import distinct_corpus, load_servers, prepare_batches, synthetic_servers

DUMPS = Path(__file__).parent / "fixtures" / "dumps"
runner = CliRunner()


def test_product_words_are_one_to_one() -> None:
    words = [product_word(i) for i in range(20_000)]
    assert len(set(words)) == len(words)
    assert all(w.isalpha() and w.islower() and len(w) >= 4 for w in words)


def test_vary_tool_keeps_the_name_style_and_adds_words() -> None:
    tool = {"name": "getUser", "description": "Get a user.", "inputSchema": {"type": "object", "properties": {}}}
    varied = vary_tool(tool, 3, "crm")
    word = product_word(3)
    assert varied["name"] == word + "GetUser"
    assert varied["description"].startswith("Get a user. ") and word.capitalize() in varied["description"]
    assert list(varied["inputSchema"]["properties"]) == [f"{word}_region"]
    assert tool["inputSchema"]["properties"] == {}  # the original is not changed
    assert vary_tool({"name": "list-files", "description": ""}, 0)["name"] == f"{product_word(0)}-list-files"
    assert vary_tool({"name": "list_files", "description": ""}, 0)["description"] == ""  # empty stays empty
    assert vary_tool({"name": "x", "input_schema": {"properties": {}}}, 1)["input_schema"]["properties"]


def test_distinct_synthetic_catalog_never_repeats_a_description() -> None:
    tools = [t for s in generate(300, seed=3, distinct=True) for t in s.tools]
    assert len({t.description for t in tools}) == len(tools)
    assert len({t.name for t in tools}) == len(tools)
    plain = [t for s in generate(300, seed=3) for t in s.tools]
    assert len({t.description for t in plain}) < len(plain) / 2  # the default still repeats, as before
    assert [t.line for t in plain] == [t.line for t in tools]  # the same random stream either way


def test_load_servers_reads_every_dump_shape() -> None:
    servers = load_servers(DUMPS)
    names = {name for name, _, _ in servers}
    assert "weather-hub" in names  # mcpm: {"name", "description", "tools": [...]}
    assert "notes-server" in names  # docker: <server>/tools.json holding a list
    weather = next(s for s in servers if s[0] == "weather-hub")
    assert weather[1].startswith("Forecasts") and [t["name"] for t in weather[2]] == ["get_forecast", "set_alert"]
    assert all(isinstance(t["name"], str) and t["name"] for _, _, tools in servers for t in tools)


def test_load_servers_reads_a_livemcpbench_style_capture(tmp_path: Path) -> None:
    capture = [
        {
            "name": "Search",
            "description": "A search server.",
            "tools": {"search-srv": {"tools": [{"name": "web_search", "description": "Search the web."}]}},
        }
    ]
    path = tmp_path / "capture.json"
    path.write_text(json.dumps(capture), encoding="utf-8")
    assert load_servers(path) == [("search-srv", "A search server.", [capture[0]["tools"]["search-srv"]["tools"][0]])]


def test_distinct_corpus_reaches_n_with_every_tool_distinct() -> None:
    base = load_servers(DUMPS)
    servers = distinct_corpus(base, 500)
    tools = [t for _, _, ts in servers for t in ts]
    assert len(tools) == 500
    named = [t for t in tools if t.get("description")]
    assert len({t["description"] for t in named}) == len(named)
    assert len({t["name"] for t in tools}) == len(tools)
    assert distinct_corpus(base, 500) == servers  # deterministic
    batches = prepare_batches(servers, 128)
    assert [len(b[0]) for b in batches] == [128, 128, 128, 116]
    assert all(t["server"] in context for batch, context in batches for t in batch)


def test_synthetic_servers_hold_exactly_n_tools() -> None:
    assert sum(len(tools) for _, _, tools in synthetic_servers(101)) == 101


def test_cli_bench_classify_on_real_shaped_tools() -> None:
    result = runner.invoke(app, ["bench", "classify", "-n", "200", "--tools-from", str(DUMPS), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["tools"] == 200 and data["headline"] is True and data["integrity"] is True
    assert data["tools_per_cpu_second"] > 0 and data["cpu_seconds"] > 0
    assert set(data["load_average"]) == {"before", "after"}
    assert str(DUMPS) in data["corpus"]
    plain = runner.invoke(app, ["bench", "classify", "-n", "200", "--no-integrity"])
    assert plain.exit_code == 0 and "not the headline" in plain.output


def test_cli_bench_classify_refuses_a_path_without_tools(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"hello": 1}', encoding="utf-8")
    result = runner.invoke(app, ["bench", "classify", "-n", "10", "--tools-from", str(tmp_path)])
    assert result.exit_code != 0 and "no tool definitions found" in " ".join(result.output.split())
    missing = runner.invoke(app, ["bench", "classify", "-n", "10", "--tools-from", str(tmp_path / "nope")])
    assert missing.exit_code != 0 and "no such file" in " ".join(missing.output.split())


def test_bench_synth_distinct_fills_a_catalog_without_repeated_descriptions(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "synth.db"
    result = runner.invoke(app, ["bench", "synth", "--servers", "20", "--distinct", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    rows = sqlite3.connect(db).execute("select description from tool").fetchall()
    assert len(rows) == json.loads(result.stdout)["tools"] > 20
    assert len({r[0] for r in rows}) == len(rows)


def test_repeated_corpus_copies_real_tools_unchanged_up_to_n() -> None:
    from classifier.bench import repeated_corpus

    base = load_servers(DUMPS)
    total = sum(len(t) for _, _, t in base)
    servers = repeated_corpus(base, total * 2 + 3)
    tools = [t for _, _, ts in servers for t in ts]
    assert len(tools) == total * 2 + 3
    assert tools[:total] == [t for _, _, ts in base for t in ts] == tools[total : 2 * total]
    assert len({name for name, _, _ in servers}) == len(servers)  # each copy is its own server


def test_cli_bench_classify_profile_lists_the_costliest_functions() -> None:
    result = runner.invoke(app, ["bench", "classify", "-n", "100", "--profile", "3", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["profile"]) == 3 and "cProfile" in data["profiled"]
    own = [row["own_s"] for row in data["profile"]]
    assert own == sorted(own, reverse=True) and all(row["calls"] > 0 for row in data["profile"])
    plain = json.loads(runner.invoke(app, ["bench", "classify", "-n", "50", "--json"]).stdout)
    assert "profile" not in plain and "profiled" not in plain
