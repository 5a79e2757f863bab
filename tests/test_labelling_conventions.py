"""The reviewed relabelling decisions (scripts/relabel_by_conventions.py) and the committed training data.

The decisions are the audit trail of LABELLING.md: the committed files must already carry every one of them
(so a later edit that undoes a convention fails here), and the rewriter must change only what a decision says.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from classifier.training import load_training

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "relabel_by_conventions.py"


def _module():
    spec = importlib.util.spec_from_file_location("relabel_by_conventions", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


relabel = _module()


def test_committed_training_data_carries_every_decision():
    assert relabel.apply(relabel.DECISIONS, dry_run=True) == {}


def test_rewrite_keeps_canonical_order_and_changes_only_what_is_decided(tmp_path):
    d = relabel.Decision(tmp_path / "x.txt", "", "t", add=("private_data",), remove=("filesystem",))
    line = "Read | untrusted_content,filesystem | t | Reads a thing. | id:string"
    assert relabel._rewrite(line, d) == "Read | untrusted_content,private_data | t | Reads a thing. | id:string"
    cat = relabel.Decision(tmp_path / "x.txt", "", "t", add=("code_execution",), category="Execute")
    assert relabel._rewrite("Read | - | t | Explain SQL. | sql:string", cat).startswith("Execute | code_execution |")
    empty = relabel.Decision(tmp_path / "x.txt", "", "t", remove=("filesystem",))
    assert relabel._rewrite("Read | filesystem | t | d", empty) == "Read | - | t | d"


def test_apply_rewrites_only_the_named_server_and_refuses_stale_decisions(tmp_path):
    path = tmp_path / "training.txt"
    path.write_text(
        "# rubric_version: 1\n# server: npm:a\nRead | - | get_deal | A deal.\n"
        "# server: npm:b\nRead | - | get_deal | A deal.\n",
        encoding="utf-8",
    )
    counts = relabel.apply([relabel.Decision(path, "npm:a", "get_deal", add=("private_data",))])
    assert counts == {"+private_data": 1}
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[2] == "Read | private_data | get_deal | A deal."
    assert lines[4] == "Read | - | get_deal | A deal."
    with pytest.raises(SystemExit, match="matching no row"):
        relabel.apply([relabel.Decision(path, "npm:c", "get_deal", add=("private_data",))])


def test_business_records_are_private_and_public_market_data_is_not():
    """Spot checks of the private_data convention on the committed data (LABELLING.md, private_data 1 and 4)."""
    _, examples = load_training()
    by_key = {(e.server, e.tool["name"]): e for e in examples}
    for key in (
        ("pypi:freshbooks-mcp", "freshbooks_list_bills"),
        ("pypi:pipedrive-mcp", "get_deal"),
        ("npm:linear-mcp-server", "linear_get_user_issues"),
    ):
        assert "private_data" in by_key[key].capabilities, key
    for key in (("pypi:alpaca-mcp-server", "get_stock_trades"), ("pypi:pipedrive-mcp", "list_stages")):
        assert "private_data" not in by_key[key].capabilities, key
