"""The SQLite book: idempotent registrations and requests with conflicts that change nothing, a
booking applied once, balances that follow the journal, the cursor, persistence across reopening,
and a book that belongs to another issuer refused."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from gateways.gateway.book import (
    Book,
    Booking,
    BookMismatch,
    DepositOutcome,
    JournalEntry,
    LedgerException,
    Withdrawal,
)
from gateways.gateway.errors import Conflict, CustomerNotFound

COLD = "rCold"


@pytest.fixture
def book(tmp_path: Path) -> Book:
    opened = Book.open(tmp_path / "book.sqlite", COLD)
    yield opened  # type: ignore[misc]
    opened.close()


def test_customers_get_consecutive_tags_and_registering_twice_is_a_no_op(book: Book) -> None:
    alice, created = book.register_customer("alice", "rAlice", "Alice")
    bob, _ = book.register_customer("bob", "rBob", "")
    again, created_again = book.register_customer("alice", "rAlice", "Alice")
    assert created and not created_again and again == alice
    assert (alice.destination_tag, bob.destination_tag) == (1000, 1001)
    assert book.customer_by_tag(1001) == bob and book.customer_by_address("rAlice") == alice
    with pytest.raises(Conflict, match="registered with address rAlice"):
        book.register_customer("alice", "rOther", "")
    with pytest.raises(Conflict, match="belongs to customer 'alice'"):
        book.register_customer("carol", "rAlice", "")
    assert [c.customer_id for c in book.customers()] == ["alice", "bob"]
    with pytest.raises(CustomerNotFound):
        book.approve_customer("nobody")
    assert book.approve_customer("alice").approved
    assert book.set_frozen("alice", "USD", True, "H").frozen == {"USD"}
    assert book.set_frozen("alice", "USD", False, "H").frozen == frozenset()


def test_a_deposit_request_is_recorded_once_and_a_conflicting_retry_changes_nothing(book: Book) -> None:
    book.register_customer("alice", "rAlice", "")
    first, created = book.create_deposit("r1", "alice", "USD", Decimal("10.50"))
    retry, created_again = book.create_deposit("r1", "alice", "USD", Decimal("10.5"))
    assert created and not created_again and retry == first
    with pytest.raises(Conflict):
        book.create_deposit("r1", "alice", "USD", Decimal(11))
    assert book.deposit("r1") == first and first.status == "received"
    signed = book.deposit_signed("r1", "H1", "BLOB", 99)
    assert (signed.status, signed.tx_hash, signed.submissions) == ("submitted", "H1", 1)
    assert book.deposit_expired("r1", "OTHER").status == "submitted", "only the stored transaction can expire"
    back = book.deposit_expired("r1", "H1")
    assert (back.status, back.tx_blob, back.submissions) == ("received", None, 1)
    book.deposit_signed("r1", "H2", "BLOB2", 120)
    assert book.deposit_for_transaction("H1") == book.deposit_for_transaction("H2") == book.deposit("r1")
    assert [d.request_id for d in book.deposits(open_only=True)] == ["r1"]


def test_a_booking_is_applied_once_with_its_journal_balances_and_outcomes(book: Book) -> None:
    book.register_customer("alice", "rAlice", "")
    book.create_deposit("r1", "alice", "USD", Decimal(100))
    book.deposit_signed("r1", "H1", "BLOB", 99)
    deposit = Booking("H1", 7, "deposit", (JournalEntry("deposit", "bank", "issued", "USD", Decimal(100),
                                                        customer_id="alice", request_id="r1", tx_hash="H1"),),
                      DepositOutcome("r1", "validated", "tesSUCCESS"))
    withdrawal = Booking("H2", 8, "withdrawal",
                         (JournalEntry("withdrawal", "issued", "customer:alice", "USD", Decimal(30), tx_hash="H2"),),
                         withdrawal=Withdrawal("H2", "alice", 1000, "rAlice", COLD, "USD", Decimal(30), "credited", 8),
                         exceptions=(LedgerException("H2", 8, "USD", Decimal(1), "odd"),))
    assert book.book(deposit) and book.book(withdrawal)
    assert not book.book(withdrawal) and not book.book(deposit), "a transaction is booked once"
    assert book.balance("issued", "USD") == Decimal(70)
    assert book.balance("bank", "USD") == Decimal(-100)
    assert book.balance("customer:alice", "USD") == Decimal(30)
    assert len(book.journal()) == 2 and len(book.journal(tx_hash="h2")) == 1
    settled = book.deposit("r1")
    assert settled is not None and (settled.status, settled.ledger_index) == ("validated", 7)
    assert [w.tx_hash for w in book.withdrawals(customer_id="alice")] == ["H2"]
    assert [e.amount for e in book.exceptions()] == [Decimal(1)]


def test_the_cursor_only_moves_forward_and_everything_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "book.sqlite"
    book = Book.open(path, COLD)
    assert book.cursor() is None
    book.set_cursor(10)
    book.set_cursor(5)
    assert book.cursor() == 10
    book.register_customer("alice", "rAlice", "")
    book.close()
    reopened = Book.open(path, COLD)
    try:
        assert reopened.cursor() == 10 and reopened.customer("alice") is not None
    finally:
        reopened.close()
    with pytest.raises(BookMismatch, match="rCold"):
        Book.open(path, "rSomeoneElse")


def test_a_journal_entry_moves_a_positive_amount(book: Book) -> None:
    bad = Booking("H9", 1, "x", (JournalEntry("x", "a", "b", "USD", Decimal(0)),))
    with pytest.raises(ValueError, match="positive"):
        book.book(bad)
    assert not book.is_booked("H9"), "the failed booking left nothing behind"
