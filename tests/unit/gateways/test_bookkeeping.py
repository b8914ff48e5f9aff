"""What each kind of ledger transaction books: a deposit's payment, a withdrawal to either
address (by delivered amount, with or without a known tag), a transfer fee between customers, an
IOU issued outside the gateway (not booked: an exception), a failed deposit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gateways.gateway.book import Customer, Deposit
from gateways.gateway.bookkeeping import GatewayAccounts, booking_for
from xpay.client import TransactionRecord

COLD, HOT, ALICE, BOB, CAROL = "rCold", "rHot", "rAlice", "rBob", "rCarol"
ONE = "rrrrrrrrrrrrrrrrrrrrBZbvji"
ACCOUNTS = GatewayAccounts(COLD, HOT, frozenset({"USD"}))
ALICE_CUSTOMER = Customer("alice", ALICE, 1000, "Alice", "approved", frozenset(), "t", "t")


def change(holder: str, before: str, after: str) -> dict[str, Any]:
    """A USD line of COLD (COLD on the high side, so the balance is the holder's)."""
    def fields(value: str) -> dict[str, Any]:
        return {"Balance": {"currency": "USD", "issuer": ONE, "value": value},
                "LowLimit": {"currency": "USD", "issuer": holder, "value": "1000"},
                "HighLimit": {"currency": "USD", "issuer": COLD, "value": "0"}}
    return {"ModifiedNode": {"LedgerEntryType": "RippleState", "FinalFields": fields(after),
                             "PreviousFields": {"Balance": fields(before)["Balance"]}}}


def record(tx: dict[str, Any], nodes: list[dict[str, Any]], *, result: str = "tesSUCCESS",
           delivered: Any = None) -> TransactionRecord:
    meta: dict[str, Any] = {"AffectedNodes": nodes, "TransactionResult": result, "TransactionIndex": 0}
    if delivered is not None:
        meta["delivered_amount"] = delivered
    return TransactionRecord(hash="AA" * 32, ledger_index=42, validated=True, engine_result=result,
                             tx_json={"TransactionType": "Payment", **tx}, meta=meta)


def tags(tag: int) -> Customer | None:
    return ALICE_CUSTOMER if tag == 1000 else None


def deposit(amount: str = "100") -> Deposit:
    return Deposit("req-1", "alice", "USD", Decimal(amount), "submitted", "AA" * 32, "blob", 50, 1, None, None, "t", "t")


def test_the_payment_of_a_deposit_books_the_issue_and_settles_the_request() -> None:
    paid = record({"Account": HOT, "Destination": ALICE},
                  [change(ALICE, "0", "100"), change(HOT, "5000", "4899.8")])
    booking = booking_for(paid, ACCOUNTS, deposit=deposit(), customer_for_tag=tags)
    assert booking.kind == "deposit" and booking.exceptions == ()
    (entry,) = booking.entries
    assert (entry.kind, entry.debit, entry.credit, entry.amount, entry.request_id) == (
        "deposit", "bank", "issued", Decimal(100), "req-1")
    assert booking.deposit is not None and booking.deposit.status == "validated"


def test_a_failed_deposit_payment_settles_the_request_as_failed_and_books_nothing() -> None:
    failed = record({"Account": HOT, "Destination": ALICE}, [], result="tecPATH_DRY")
    booking = booking_for(failed, ACCOUNTS, deposit=deposit(), customer_for_tag=tags)
    assert booking.entries == () and booking.deposit is not None
    assert (booking.deposit.status, booking.deposit.engine_result) == ("failed", "tecPATH_DRY")


def test_a_withdrawal_is_credited_by_delivered_amount_not_by_the_amount_field() -> None:
    partial = record({"Account": ALICE, "Destination": COLD, "DestinationTag": 1000,
                      "Amount": {"currency": "USD", "issuer": COLD, "value": "1000"}, "Flags": 0x00020000},
                     [change(ALICE, "100", "93")], delivered={"currency": "USD", "issuer": COLD, "value": "7"})
    booking = booking_for(partial, ACCOUNTS, deposit=None, customer_for_tag=tags)
    (entry,) = booking.entries
    assert (entry.kind, entry.debit, entry.credit, entry.amount) == ("withdrawal", "issued", "customer:alice",
                                                                     Decimal(7))
    assert booking.withdrawal is not None and booking.withdrawal.status == "credited"


def test_a_withdrawal_to_the_operational_address_books_the_senders_transfer_fee_too() -> None:
    to_hot = record({"Account": ALICE, "Destination": HOT, "DestinationTag": 1000},
                    [change(ALICE, "100", "79.96"), change(HOT, "0", "20")],
                    delivered={"currency": "USD", "issuer": COLD, "value": "20"})
    booking = booking_for(to_hot, ACCOUNTS, deposit=None, customer_for_tag=tags)
    assert [(e.kind, e.credit, e.amount) for e in booking.entries] == [
        ("withdrawal", "customer:alice", Decimal(20)), ("transfer_fee", "transfer_fees", Decimal("0.04"))]


def test_an_unknown_tag_goes_to_suspense() -> None:
    stray = record({"Account": CAROL, "Destination": COLD, "DestinationTag": 5},
                   [change(CAROL, "10", "0")], delivered={"currency": "USD", "issuer": COLD, "value": "10"})
    booking = booking_for(stray, ACCOUNTS, deposit=None, customer_for_tag=tags)
    assert booking.kind == "unattributed"
    assert [(e.debit, e.credit, e.amount) for e in booking.entries] == [("issued", "suspense", Decimal(10))]
    assert booking.withdrawal is not None and booking.withdrawal.customer_id is None


def test_a_transfer_between_customers_books_the_issuers_fee() -> None:
    transfer = record({"Account": ALICE, "Destination": BOB}, [change(ALICE, "100", "49.9"), change(BOB, "0", "50")])
    booking = booking_for(transfer, ACCOUNTS, deposit=None, customer_for_tag=tags)
    assert booking.kind == "transfer_fee"
    assert [(e.kind, e.amount) for e in booking.entries] == [("transfer_fee", Decimal("0.1"))]


def test_an_iou_issued_outside_the_gateway_is_an_exception_not_an_entry() -> None:
    rogue = record({"Account": COLD, "Destination": CAROL}, [change(CAROL, "0", "25")])
    booking = booking_for(rogue, ACCOUNTS, deposit=None, customer_for_tag=tags)
    assert booking.entries == ()
    (exception,) = booking.exceptions
    assert (exception.currency, exception.amount, exception.ledger_index) == ("USD", Decimal(25), 42)
    assert "issued outside the gateway" in exception.description and CAROL in exception.description


def test_refills_between_the_gateways_addresses_and_xrp_payments_book_nothing() -> None:
    refill = record({"Account": COLD, "Destination": HOT, "DestinationTag": 0}, [change(HOT, "0", "10000")],
                    delivered={"currency": "USD", "issuer": COLD, "value": "10000"})
    xrp = record({"Account": ALICE, "Destination": COLD, "DestinationTag": 1000}, [], delivered="1000000")
    for item in (refill, xrp):
        booking = booking_for(item, ACCOUNTS, deposit=None, customer_for_tag=tags)
        assert booking.entries == () and booking.exceptions == () and booking.withdrawal is None
