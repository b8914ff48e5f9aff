"""Path elements: what each kind carries, on the wire, in rippled's JSON, and in the search."""

from __future__ import annotations

from pathfinding.path import (
    TYPE_ACCOUNT,
    TYPE_CURRENCY,
    TYPE_ISSUER,
    XRP_BOOK,
    account_element,
    book_element,
    has_seen,
    paths_to_json,
    paths_to_native,
    source_element,
)
from xpay.amounts import currency_from_code
from xpay.codec import encode_account_id, field_from_json, field_to_json
from xpay.protocol.ids import ACCOUNT_ZERO, XRP_CURRENCY, AccountID

GW = AccountID(b"\x01" * 20)
BOB = AccountID(b"\x02" * 20)
USD = currency_from_code("USD")


def test_account_element_names_only_the_account_but_remembers_its_currency() -> None:
    element = account_element(GW, USD)
    assert element.is_account and not element.is_offer
    assert element.to_native() == {"account": GW}
    assert element.to_json() == {"account": encode_account_id(GW), "type": TYPE_ACCOUNT}
    # In the search it ends a path in USD issued by the account itself.
    assert (element.currency, element.issuer) == (USD, GW)


def test_book_elements_name_what_comes_out() -> None:
    usd_book = book_element(USD, GW)
    assert usd_book.is_offer
    assert usd_book.to_native() == {"currency": USD, "issuer": GW}
    assert usd_book.to_json() == {"currency": "USD", "issuer": encode_account_id(GW), "type": TYPE_CURRENCY | TYPE_ISSUER}
    assert book_element(XRP_CURRENCY, ACCOUNT_ZERO) is XRP_BOOK
    assert XRP_BOOK.to_native() == {"currency": XRP_CURRENCY}
    assert XRP_BOOK.to_json() == {"currency": "XRP", "type": TYPE_CURRENCY}


def test_source_element_type_bits_follow_what_is_present() -> None:
    assert source_element(BOB, USD, BOB).type == TYPE_ACCOUNT | TYPE_CURRENCY | TYPE_ISSUER
    assert source_element(BOB, XRP_CURRENCY, ACCOUNT_ZERO).type == TYPE_ACCOUNT


def test_has_seen_matches_all_three_identifiers() -> None:
    path = (account_element(GW, USD), book_element(USD, BOB))
    assert has_seen(path, GW, USD, GW)
    assert has_seen(path, ACCOUNT_ZERO, USD, BOB)
    assert not has_seen(path, GW, currency_from_code("EUR"), GW)
    assert not has_seen(path, BOB, USD, BOB)


def test_path_sets_round_trip_through_the_codec() -> None:
    """paths_computed (rippled's JSON, with "type") is accepted back as a Payment's Paths."""
    paths = [(account_element(GW, USD), book_element(USD, BOB), account_element(BOB, USD)), (XRP_BOOK,)]
    native = paths_to_native(paths)
    assert field_from_json("Paths", paths_to_json(paths)) == native
    assert field_from_json("Paths", field_to_json("Paths", native)) == native


def test_elements_are_values() -> None:
    assert account_element(GW, USD) == account_element(GW, USD)
    assert len({(account_element(GW, USD),), (account_element(GW, USD),)}) == 1
