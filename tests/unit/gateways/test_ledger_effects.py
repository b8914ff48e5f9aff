"""Reading an issuer's trust-line changes from metadata: the low/high side, created, modified and
deleted lines, lines of other issuers ignored, the operational address left out of obligations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gateways.gateway.ledger_effects import (
    LineChange,
    issuer_line_changes,
    obligation_changes,
    transaction_index,
)

ISSUER = "rIssuer"
HOT = "rHot"
ALICE = "rAlice"
BOB = "rBob"
ONE = "rrrrrrrrrrrrrrrrrrrrBZbvji"


def line(low: str, high: str, balance: str, *, currency: str = "USD") -> dict[str, Any]:
    return {
        "Balance": {"currency": currency, "issuer": ONE, "value": balance},
        "LowLimit": {"currency": currency, "issuer": low, "value": "0"},
        "HighLimit": {"currency": currency, "issuer": high, "value": "1000"},
        "Flags": 0,
    }


def modified(low: str, high: str, before: str, after: str, **kw: str) -> dict[str, Any]:
    return {"ModifiedNode": {"LedgerEntryType": "RippleState", "FinalFields": line(low, high, after, **kw),
                             "PreviousFields": {"Balance": {"currency": kw.get("currency", "USD"), "issuer": ONE,
                                                            "value": before}}}}


def test_a_holder_on_the_high_side_holds_the_balance_and_on_the_low_side_its_negation() -> None:
    meta = {"AffectedNodes": [
        modified(ISSUER, ALICE, "-100", "-70"),   # issuer low: Alice (high) held 100, now 70
        modified(BOB, ISSUER, "10", "40"),        # issuer high: Bob (low) held 10, now 40
    ]}
    assert issuer_line_changes(meta, ISSUER) == (
        LineChange(ALICE, "USD", Decimal(-30)), LineChange(BOB, "USD", Decimal(30)))


def test_created_and_deleted_lines_count_from_and_to_zero() -> None:
    meta = {"AffectedNodes": [
        {"CreatedNode": {"LedgerEntryType": "RippleState", "NewFields": line(ALICE, ISSUER, "25")}},
        {"DeletedNode": {"LedgerEntryType": "RippleState", "FinalFields": line(BOB, ISSUER, "0"),
                         "PreviousFields": {"Balance": {"currency": "USD", "issuer": ONE, "value": "5"}}}},
    ]}
    assert issuer_line_changes(meta, ISSUER) == (
        LineChange(ALICE, "USD", Decimal(25)), LineChange(BOB, "USD", Decimal(-5)))


def test_other_issuers_lines_unchanged_balances_and_other_entries_are_ignored() -> None:
    meta = {"AffectedNodes": [
        modified(ALICE, BOB, "1", "2"),
        {"ModifiedNode": {"LedgerEntryType": "RippleState", "FinalFields": line(ALICE, ISSUER, "9")}},
        {"ModifiedNode": {"LedgerEntryType": "AccountRoot", "FinalFields": {"Account": ISSUER}}},
    ], "TransactionIndex": 3}
    assert issuer_line_changes(meta, ISSUER) == ()
    assert issuer_line_changes(None, ISSUER) == ()
    assert transaction_index(meta) == 3 and transaction_index(None) == 0


def test_obligations_leave_out_the_operational_address() -> None:
    changes = (LineChange(ALICE, "USD", Decimal(10)), LineChange(HOT, "USD", Decimal("-10.02")),
               LineChange(BOB, "EUR", Decimal(3)))
    assert obligation_changes(changes, excluding=frozenset({HOT})) == {"USD": Decimal(10), "EUR": Decimal(3)}
    assert obligation_changes((LineChange(HOT, "USD", Decimal(1)),), excluding=frozenset({HOT})) == {}
