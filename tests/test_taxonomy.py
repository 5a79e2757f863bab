from catalog.taxonomy import Capability as C
from catalog.taxonomy import Category, Risk, inferred_hints, pick_category, risk_for


def test_precedence_picks_most_severe() -> None:
    assert pick_category(["Read", "Write", "Destructive"]) is Category.DESTRUCTIVE
    assert pick_category(["Execute", "Financial"]) is Category.FINANCIAL
    assert pick_category([]) is Category.READ


def test_risk_table_rows() -> None:
    assert risk_for("Financial", []) is Risk.CRITICAL
    assert risk_for("Destructive", []) is Risk.CRITICAL
    assert risk_for("Read", [C.CODE_EXECUTION]) is Risk.CRITICAL
    assert risk_for("Write", [C.PERMISSIONS]) is Risk.CRITICAL
    assert risk_for("Write", [C.SECRETS]) is Risk.CRITICAL
    assert risk_for("Read", [C.SECRETS]) is Risk.HIGH
    assert risk_for("Execute", []) is Risk.HIGH
    assert risk_for("Write", [C.SENDS_COMMUNICATION]) is Risk.HIGH  # send_email
    assert risk_for("Write", [C.INFRASTRUCTURE]) is Risk.HIGH
    assert risk_for("Write", []) is Risk.MEDIUM
    assert risk_for("Read", [C.PRIVATE_DATA]) is Risk.MEDIUM  # read_email
    assert risk_for("Read", [C.NETWORK_EGRESS]) is Risk.MEDIUM
    assert risk_for("Read", [C.UNTRUSTED_CONTENT, C.FILESYSTEM]) is Risk.LOW


def test_inferred_hints() -> None:
    hints = inferred_hints("Destructive", [C.INFRASTRUCTURE])
    assert hints == {"readOnlyHint": False, "destructiveHint": True, "idempotentHint": None, "openWorldHint": True}
    assert inferred_hints("Read", [C.FILESYSTEM])["openWorldHint"] is False
