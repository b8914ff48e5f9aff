"""Who a stream message is for, decided on real XRPL transaction messages (tx-metadata fixtures):
affected accounts as rippled's TxMeta::getAffectedAccounts counts them, books as
OrderBookDB::processTxn finds them (xrpl-py's order-book changes as the oracle)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from xrpl.utils import get_balance_changes, get_order_book_changes

from xpay.client import Book, TransactionRecord, issue
from xpay.client.subscriptions import (
    affected_accounts,
    affected_books,
    wants_accounts,
    wants_books,
    wants_ledgers,
    wants_transactions,
)

FIXTURES = Path(__file__).resolve().parents[4] / "shared" / "xrpl-data" / "tx-metadata"
ACCOUNT_ONE = "rrrrrrrrrrrrrrrrrrrrBZbvji"


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


def message(name: str) -> dict[str, Any]:
    """The fixture as an API v1 `transaction` stream message (some are `tx` answers)."""
    data = fixture(name)
    if "transaction" in data:
        return data
    fields = {key: value for key, value in data.items() if key[:1].isupper() or key in ("hash", "date")}
    return {
        "type": "transaction",
        "transaction": fields,
        "meta": data["meta"],
        "ledger_index": data.get("ledger_index", data.get("inLedger")),
        "validated": data.get("validated", True),
        "engine_result": data["meta"]["TransactionResult"],
    }


ALL = sorted(path.stem for path in FIXTURES.glob("*.json"))


def test_the_fixtures_are_there() -> None:
    assert len(ALL) >= 10


def test_a_trust_set_affects_the_holder_and_the_issuer_only() -> None:
    assert affected_accounts(message("trustline_create")) == {
        "rLDYrujdKUfVx28T9vRDAbyJ7G2WVXKo4K",
        "rMwjYedjc7qqtKYVLiAccJSmCwih4LnE2q",
    }


@pytest.mark.parametrize("name", ALL)
def test_every_account_whose_balance_changed_is_affected_and_account_one_never_is(name: str) -> None:
    msg = message(name)
    accounts = affected_accounts(msg)
    for change in get_balance_changes(msg["meta"]):
        assert change["account"] in accounts
    assert ACCOUNT_ONE not in accounts
    assert msg["transaction"]["Account"] in accounts


@pytest.mark.parametrize("name", ALL)
def test_books_are_the_books_of_the_offers_changed(name: str) -> None:
    msg = message(name)
    expected = set()
    for maker in get_order_book_changes(msg["meta"]):
        for change in maker["offer_changes"]:
            sides = []
            for amount in (change["taker_gets"], change["taker_pays"]):
                sides.append(issue(amount["currency"], amount.get("issuer")))
            expected.add((sides[0], sides[1]))
    assert affected_books(msg) == expected


def test_book_and_account_filters_pick_their_messages() -> None:
    filled = message("offer_partially_filled_and_filled")
    ((gets, pays),) = affected_books(filled) or {(None, None)}
    assert gets is not None and pays is not None
    assert wants_books((Book(gets, pays),))(filled)
    assert not wants_books((Book(pays, gets),))(filled)
    assert wants_books((Book(pays, gets, both=True),))(filled)
    assert not wants_books((Book(gets, pays),))(message("payment_xrp_create_account"))
    failed = {**filled, "meta": {**filled["meta"], "TransactionResult": "tecPATH_DRY"}}
    assert not wants_books((Book(gets, pays),))(failed), "books only hear of successful transactions"

    payment = message("payment_xrp_create_account")
    destination = payment["transaction"]["Destination"]
    assert wants_accounts(frozenset({destination}))(payment)
    assert not wants_accounts(frozenset({ACCOUNT_ONE}))(payment)
    assert wants_transactions(payment) and not wants_ledgers(payment)
    assert wants_ledgers({"type": "ledgerClosed"}) and not wants_transactions({"type": "ledgerClosed"})


@pytest.mark.parametrize("name", ALL)
def test_api_v1_stream_messages_read_as_records(name: str) -> None:
    msg = message(name)
    record = TransactionRecord.from_stream(msg)
    assert record.hash == msg["transaction"]["hash"]
    assert record.ledger_index == msg["ledger_index"]
    assert record.validated is True
    assert record.engine_result == msg["meta"]["TransactionResult"]
    assert record.transaction_type == msg["transaction"]["TransactionType"]
    assert len(record.affected_nodes) == len(msg["meta"]["AffectedNodes"])


@pytest.mark.parametrize("name", [name for name in ALL if "transaction" not in fixture(name)])
def test_api_v1_tx_answers_read_as_records(name: str) -> None:
    data = fixture(name)
    record = TransactionRecord.from_tx_result(data)
    assert record.hash == data["hash"]
    assert record.ledger_index == data.get("ledger_index", data.get("inLedger"))
    assert record.engine_result == data["meta"]["TransactionResult"]
    assert record.tx_json["Account"] == data["Account"]
    assert "meta" not in record.tx_json


def test_delivered_amount_is_read_from_the_metadata_and_unavailable_is_none() -> None:
    msg = message("payment_iou")
    assert TransactionRecord.from_stream(msg).delivered_amount is None  # old ledgers lack it
    amount = msg["transaction"]["Amount"]
    with_delivered = {**msg, "meta": {**msg["meta"], "delivered_amount": amount}}
    delivered = TransactionRecord.from_stream(with_delivered).delivered_amount
    assert delivered is not None and delivered.value_text() == amount["value"]
    unavailable = {**msg, "meta": {**msg["meta"], "delivered_amount": "unavailable"}}
    assert TransactionRecord.from_stream(unavailable).delivered_amount is None
