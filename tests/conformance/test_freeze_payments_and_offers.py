"""Frozen trust lines in payments and offers, restated from rippled's Freeze_test.cpp
(testRippleState, testGlobalFreeze, testOffersWhenFrozen, testOffersWhenDeepFrozen without
the deep-freeze parts).

A line the issuer froze can still receive (and buy on the market) but cannot send or sell; a
global freeze stops every market in the issuer's currencies and all rippling, while the issuer
can still issue and holders can still redeem directly.
"""

from __future__ import annotations

from tests.support.env import XRP, Env
from tests.unit.flow.jtx import book, jtx_trust, offer_cancel, offers
from xpay.protocol.flags import asfGlobalFreeze, tfClearFreeze, tfFillOrKill, tfPassive, tfSetFreeze
from xpay.protocol.transaction_types import TransactionType


def _freeze(env: Env, issuer, holder, code: str = "USD", flag: int = tfSetFreeze) -> None:  # type: ignore[no-untyped-def]
    env.trust(issuer, env.iou(holder, code)(0), flags=flag)


def test_frozen_holder_can_receive_and_buy_but_not_send_or_sell() -> None:
    """Freeze_test::testRippleState. G1 freezes bob's USD line. bob can still buy USD on the
    market (crossing alice's offer) and receive a payment, but cannot offer his USD
    (tecUNFUNDED_OFFER: it counts as zero) or pay with it (tecPATH_DRY). Unfrozen, all works."""
    env = Env(check_signatures=False)
    G1, alice, bob = env.account("G1"), env.account("alice"), env.account("bob")
    USD = env.iou(G1, "USD")
    env.fund(XRP(1000), G1, alice, bob)
    env.close()
    jtx_trust(env, bob, USD(100))
    jtx_trust(env, alice, USD(100))
    env.close()
    env.pay(G1, bob, USD(10))
    env.pay(G1, alice, USD(100))
    env.close()
    env.offer(alice, XRP(500), USD(100))
    env.close()
    env.pay(alice, bob, USD(1))
    env.pay(bob, alice, USD(1))
    env.close()
    _freeze(env, G1, bob)
    env.close()
    env.offer(bob, USD(5), XRP(25))
    assert env.balance(bob, USD) == USD(15)
    env.offer(bob, XRP(1), USD(5), expect="tecUNFUNDED_OFFER")
    env.pay(alice, bob, USD(1))
    env.pay(bob, alice, USD(1), expect="tecPATH_DRY")
    assert env.balance(bob, USD) == USD(16)
    # Close before unfreezing: a ledger replays its set in canonical order, not as submitted.
    env.close()
    _freeze(env, G1, bob, flag=tfClearFreeze)
    env.close()
    env.pay(bob, alice, USD(1))
    assert env.balance(bob, USD) == USD(15)


def test_global_freeze_stops_markets_and_rippling_but_not_direct_issue_or_redeem() -> None:
    """Freeze_test::testGlobalFreeze. Before the freeze, BTC can be bought and sold on the
    market and USD rippled between holders. With G1's global freeze: offers in its currencies are
    tecFROZEN; G1 can still issue to A2 and A2 redeem to G1; A2 paying A1 (rippling through G1)
    is tecPATH_DRY."""
    env = Env(check_signatures=False)
    G1, A1, A2, A3, A4 = (env.account(n) for n in ("G1", "A1", "A2", "A3", "A4"))
    USD, BTC = env.iou(G1, "USD"), env.iou(G1, "BTC")
    env.fund(XRP(12000), G1)
    env.fund(XRP(1000), A1)
    env.fund(XRP(20000), A2, A3, A4)
    env.close()
    jtx_trust(env, A1, USD(1200))
    jtx_trust(env, A2, USD(200))
    jtx_trust(env, A3, BTC(100))
    jtx_trust(env, A4, BTC(100))
    env.close()
    env.pay(G1, A1, USD(1000))
    env.pay(G1, A2, USD(100))
    env.pay(G1, A3, BTC(100))
    env.pay(G1, A4, BTC(100))
    env.close()
    env.offer(G1, XRP(10000), USD(100), flags=tfPassive)
    env.offer(G1, USD(100), XRP(10000), flags=tfPassive)
    env.offer(A1, XRP(10000), USD(100), flags=tfPassive)
    env.offer(A2, USD(100), XRP(10000), flags=tfPassive)
    env.close()

    env.offer(A3, BTC(1), XRP(1))
    env.offer(A4, XRP(1), BTC(1))
    env.pay(G1, A2, USD(1))
    env.pay(A2, G1, USD(1))
    env.pay(A2, A1, USD(1))
    env.pay(A1, A2, USD(1))

    env({"TransactionType": TransactionType.AccountSet, "Account": G1, "SetFlag": asfGlobalFreeze})
    env.offer(A3, BTC(1), XRP(1), expect="tecFROZEN")
    env.offer(A4, XRP(1), BTC(1), expect="tecFROZEN")
    assert len(offers(env, G1)) == 2
    env.pay(G1, A2, USD(1))
    env.pay(A2, G1, USD(1))
    env.pay(A2, A1, USD(1), expect="tecPATH_DRY")
    assert env.balance(A2, USD) == USD(100)
    assert env.balance(A1, USD) == USD(1000)


def test_offer_of_a_frozen_owner_is_skipped_and_removed() -> None:
    """Freeze_test::testOffersWhenFrozen. A3's offer (sell USD for XRP) is partly used by a
    payment; then G1 freezes A3's line: A3's offer counts as unfunded, a payment goes through
    A4's offer instead and removes A3's. Then A4 is frozen: A2's crossing offer finds A4's offer
    unfunded, removes it and is placed."""
    env = Env(check_signatures=False)
    G1, A2, A3, A4 = (env.account(n) for n in ("G1", "A2", "A3", "A4"))
    USD = env.iou(G1, "USD")
    env.fund(XRP(1000), G1, A3, A4)
    env.fund(XRP(2000), A2)
    env.close()
    jtx_trust(env, A2, USD(1000))
    jtx_trust(env, A3, USD(2000))
    jtx_trust(env, A4, USD(2000))
    env.close()
    env.pay(G1, A3, USD(2000))
    env.pay(G1, A4, USD(2000))
    env.close()
    env.offer(A3, XRP(1000), USD(1000), flags=tfPassive)
    env.close()
    env.pay(A2, G1, USD(1), Paths=[[book(USD)]], SendMax=XRP(1))
    env.close()
    assert offers(env, A3) == [(XRP(999), USD(999))]
    env.offer(A4, XRP(999), USD(999))
    env.close()
    _freeze(env, G1, A3)
    env.close()
    assert len(offers(env, A3)) == 1
    env.pay(A2, G1, USD(1), Paths=[[book(USD)]], SendMax=XRP(1))
    env.close()
    assert offers(env, A3) == []
    _freeze(env, G1, A4)
    env.close()
    env.offer(A2, USD(999), XRP(999))
    env.close()
    assert offers(env, A4) == []
    assert offers(env, A2) == [(USD(999), XRP(999))]


def test_frozen_line_can_still_buy_but_existing_sell_offers_die() -> None:
    """Freeze_test::testOffersWhenDeepFrozen (the plain-freeze parts). With A1's line frozen: a
    passive buy offer is placed, buying from A2 works, but selling USD (passive or not) is
    tecUNFUNDED_OFFER. A1's existing offers after a freeze: its buy offer is still crossed by
    A2's FillOrKill sale; its sell offer is unfunded, so A3's FillOrKill purchase is killed and
    the offer removed."""
    env = Env(check_signatures=False)
    G1, A1, A2, A3 = (env.account(n) for n in ("G1", "A1", "A2", "A3"))
    USD = env.iou(G1, "USD")
    env.fund(XRP(10000), G1, A1, A2, A3)
    env.close()
    for who in (A1, A2, A3):
        jtx_trust(env, who, USD(10000))
    env.close()
    env.pay(G1, A1, USD(1000))
    env.pay(G1, A2, USD(1000))
    env.close()
    env.offer(A2, XRP(100), USD(50), flags=tfPassive)
    env.close()
    env.offer(A3, USD(100), XRP(100), flags=tfPassive)
    env.close()
    env.offer(A1, USD(1), XRP(2))
    env.close()
    assert env.balance(A1, USD) == USD(1001) and env.balance(A2, USD) == USD(999)
    env.offer(A1, XRP(1), USD(1))
    env.close()
    assert env.balance(A1, USD) == USD(1000) and env.balance(A3, USD) == USD(1)

    _freeze(env, G1, A1)
    env.close()
    env.offer(A1, USD(1), XRP("0.5"), flags=tfPassive)
    env.close()
    assert env.balance(A1, USD) == USD(1000) and len(offers(env, A1)) == 1
    offer_cancel(env, A1, env.seq(A1) - 1)
    env.close()
    env.offer(A1, USD(1), XRP(2))
    env.close()
    assert env.balance(A1, USD) == USD(1001) and env.balance(A2, USD) == USD(998)
    assert offers(env, A1) == []
    env.offer(A1, XRP(2), USD(1), flags=tfPassive, expect="tecUNFUNDED_OFFER")
    env.close()
    env.offer(A1, XRP(1), USD(1), expect="tecUNFUNDED_OFFER")
    env.close()
    assert env.balance(A1, USD) == USD(1001) and offers(env, A1) == []
    _freeze(env, G1, A1, flag=tfClearFreeze)
    env.close()

    env.offer(A1, XRP("1.9"), USD(1))
    env.offer(A1, USD(1), XRP("1.1"))
    env.close()
    assert len(offers(env, A1)) == 2
    _freeze(env, G1, A1)
    env.close()
    env.offer(A2, XRP("1.1"), USD(1), flags=tfFillOrKill)
    env.close()
    assert env.balance(A1, USD) == USD(1002) and env.balance(A2, USD) == USD(997)
    assert len(offers(env, A1)) == 1
    env.offer(A3, USD(1), XRP("1.9"), flags=tfFillOrKill, expect="tecKILLED")
    env.close()
    assert env.balance(A1, USD) == USD(1002) and env.balance(A3, USD) == USD(1)
    assert offers(env, A1) == []
