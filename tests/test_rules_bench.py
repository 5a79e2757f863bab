"""`mcp-catalog bench rules`: what it reports, and that bad input is refused without a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from catalog.cli import app
from classifier.rules import RULE_FAMILIES
from classifier.rules_bench import run_rules_benchmark

DUMPS = Path(__file__).parent / "fixtures" / "dumps"
runner = CliRunner()


def test_reports_rules_and_decide_per_tool_and_each_family() -> None:
    result = run_rules_benchmark(n=120, repeat=2, families=True)
    assert result["tools"] == 120
    assert 0 < result["rules_us_per_tool"]["best"] <= result["rules_us_per_tool"]["median"]
    assert 0 < result["decide_us_per_tool"]["best"] <= result["decide_us_per_tool"]["median"]
    assert set(result["family_us_per_tool"]) == set(RULE_FAMILIES)
    assert len(result["load_average"]["before"]) == 3


def test_cli_json_and_refusals() -> None:
    done = runner.invoke(app, ["bench", "rules", "-n", "60", "--repeat", "1", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["tools"] == 60
    bad = runner.invoke(app, ["bench", "rules", "-n", "0"])
    assert bad.exit_code != 0 and "at least 1" in bad.output and "Traceback" not in bad.output
    missing = runner.invoke(app, ["bench", "rules", "--tools-from", str(DUMPS / "nothing-here")])
    assert missing.exit_code != 0 and "no such file" in missing.output
