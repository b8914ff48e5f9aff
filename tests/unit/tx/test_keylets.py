"""The keylets the engine reads most, against keys published by the XRPL (they are memoised in
xpay.ledger.keylet for speed: the memo must not change a single bit)."""

from __future__ import annotations

from xpay.amounts import currency_from_code
from xpay.codec import decode_account_id
from xpay.ledger import keylet
from xpay.ledger.entries import AccountRoot, RippleState


def test_account_keylet_of_the_genesis_account() -> None:
    genesis = decode_account_id("rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh")
    k = keylet.account(genesis)
    assert k.key.hex().upper() == "2B6AC232AA4C4BE41BF49D2459FA4A0347E1B543A4C92FCEE0821C0201E2E9A8"
    assert k.type is AccountRoot
    assert keylet.account(genesis) == k  # and again, from the memo


def test_line_keylet_from_a_real_payment_either_way_round() -> None:
    """payment_iou.json: the USD line between rKmBGxoc… and its gateway rMwjYedj…"""
    holder = decode_account_id("rKmBGxocj9Abgy25J51Mk1iqFzW9aVF9Tc")
    gateway = decode_account_id("rMwjYedjc7qqtKYVLiAccJSmCwih4LnE2q")
    usd = currency_from_code("USD")
    expected = "2F323020B4288ACD4066CC64C89DAD2E4D5DFC2D44571942A51C005BF79D6E25"
    assert keylet.line(holder, gateway, usd).key.hex().upper() == expected
    assert keylet.line(gateway, holder, usd).key.hex().upper() == expected
    assert keylet.line(holder, gateway, usd).type is RippleState


def test_account_keylet_from_a_real_payment() -> None:
    """payment_xrp_create_account.json: the created account's LedgerIndex."""
    created = decode_account_id("rLDYrujdKUfVx28T9vRDAbyJ7G2WVXKo4K")
    assert keylet.account(created).key.hex().upper() == "C24354B286600B8F28E51233B4AC41A3B4DDD0FDC9BCF96BB171573F6B40A4AE"
