"""OfferCreate fill modes, malformed offers, expiration and cancellation, restated from
rippled's Offer_test.cpp."""

from __future__ import annotations

import pytest

from tests.support.env import XRP
from tests.unit.flow.jtx import FEE, offer_cancel, offer_entry, offers, plus, rippled_env
from xpay.amounts import BAD_CURRENCY, Issue, STAmount
from xpay.protocol.flags import tfFillOrKill, tfImmediateOrCancel, tfSell


def test_fill_or_kill_kills_an_unfillable_offer_but_removes_expired_ones() -> None:
    """Offer_test::testFillModes (tfFillOrKill, with fix1578). bob has an expired offer and a
    live one, each 500 XRP for 500 USD. alice's FillOrKill offer for 1000 XRP cannot be filled:
    tecKILLED, only the fee is taken, but bob's expired offer is removed on the way. A FillOrKill
    for 500 XRP then fills completely from bob's live offer."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    start = XRP(1000000)
    env.fund(start, gw, alice, bob)
    env.offer(bob, USD(500), XRP(500), Expiration=env.ledger.close_time + 1)
    env.close()
    assert env.owner_count(bob) == 1 and len(offers(env, bob)) == 1
    env.offer(bob, USD(500), XRP(500))
    env.close()
    assert env.owner_count(bob) == 2 and len(offers(env, bob)) == 2
    env.trust(alice, USD(1000))
    env.pay(gw, alice, USD(1000))

    env.offer(alice, XRP(1000), USD(1000), flags=tfFillOrKill, expect="tecKILLED")
    assert env.balance(alice) == plus(start, -2 * FEE)
    assert env.balance(alice, USD) == USD(1000)
    assert env.owner_count(alice) == 1 and offers(env, alice) == []
    assert env.balance(bob) == plus(start, -2 * FEE)
    assert env.line(bob, gw, "USD") is None
    assert env.owner_count(bob) == 1 and len(offers(env, bob)) == 1

    env.offer(alice, XRP(500), USD(500), flags=tfFillOrKill)
    assert env.balance(alice) == plus(start, -3 * FEE, XRP(500))
    assert env.balance(alice, USD) == USD(500)
    assert env.owner_count(alice) == 1 and offers(env, alice) == []
    assert env.balance(bob) == plus(start, -2 * FEE, -XRP(500).mantissa)
    assert env.balance(bob, USD) == USD(500)
    assert env.owner_count(bob) == 1 and offers(env, bob) == []


def test_immediate_or_cancel_crosses_what_it_can_and_places_nothing() -> None:
    """Offer_test::testFillModes (tfImmediateOrCancel, with ImmediateOfferKilled). With nothing
    to cross the offer is killed (tecKILLED); with bob's 50 USD offer it takes that and places
    no remainder; an exact match is taken whole."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    start = XRP(1000000)
    env.fund(start, gw, alice, bob)
    env.trust(alice, USD(1000))
    env.pay(gw, alice, USD(1000))

    env.offer(alice, XRP(1000), USD(1000), flags=tfImmediateOrCancel, expect="tecKILLED")
    assert env.balance(alice) == plus(start, -2 * FEE)
    assert env.balance(alice, USD) == USD(1000)
    assert env.owner_count(alice) == 1 and offers(env, alice) == []

    env.offer(bob, USD(50), XRP(50))
    env.offer(alice, XRP(1000), USD(1000), flags=tfImmediateOrCancel)
    assert env.balance(alice) == plus(start, -3 * FEE, XRP(50))
    assert env.balance(alice, USD) == USD(950)
    assert env.owner_count(alice) == 1 and offers(env, alice) == []
    assert env.balance(bob) == plus(start, -FEE, -XRP(50).mantissa)
    assert env.balance(bob, USD) == USD(50)
    assert env.owner_count(bob) == 1 and offers(env, bob) == []

    env.offer(bob, USD(50), XRP(50))
    env.offer(alice, XRP(50), USD(50), flags=tfImmediateOrCancel)
    assert env.balance(alice) == plus(start, -4 * FEE, XRP(100))
    assert env.balance(alice, USD) == USD(900)
    assert env.balance(bob) == plus(start, -2 * FEE, -XRP(100).mantissa)
    assert env.balance(bob, USD) == USD(100)
    assert offers(env, alice) == [] and offers(env, bob) == []


@pytest.mark.parametrize(
    ("flags", "pays", "gets", "fields", "expect"),
    [
        pytest.param(tfImmediateOrCancel + 1, "usd", "xrp", {}, "temINVALID_FLAG", id="invalid-flag"),
        pytest.param(tfImmediateOrCancel | tfFillOrKill, "usd", "xrp", {}, "temINVALID_FLAG", id="ioc-and-fok"),
        pytest.param(0, "xrp", "xrp", {}, "temBAD_OFFER", id="xrp-for-xrp"),
        pytest.param(0, "usd", "usd", {}, "temREDUNDANT", id="usd-for-same-usd"),
        pytest.param(0, "-usd", "xrp", {}, "temBAD_OFFER", id="negative-pays"),
        pytest.param(0, "usd", "-xrp", {}, "temBAD_OFFER", id="negative-gets"),
        pytest.param(0, "usd", "xrp", {"Expiration": 0}, "temBAD_EXPIRATION", id="zero-expiration"),
        pytest.param(0, "usd", "xrp", {"OfferSequence": 0}, "temBAD_SEQUENCE", id="zero-offer-sequence"),
        pytest.param(0, "xrp", "bad", {}, "temBAD_CURRENCY", id="xrp-as-currency-code"),
    ],
)
def test_malformed_offers_are_refused_and_change_nothing(
    flags: int, pays: str, gets: str, fields: dict[str, int], expect: str
) -> None:
    """Offer_test::testMalformed: each malformed offer is refused in preflight (tem) and the
    ledger does not change: no fee, no offer."""
    env = rippled_env()
    gw, alice = env.account("gateway"), env.account("alice")
    USD = env.iou(gw, "USD")
    env.fund(XRP(1000000), gw, alice)
    env.trust(alice, USD(1000))
    env.pay(gw, alice, USD(1000))
    amounts = {
        "usd": USD(1000),
        "-usd": USD(-1000),
        "xrp": XRP(1000),
        "-xrp": STAmount.from_drops(-1000 * 1_000_000),
        "bad": STAmount.from_value_text("1000", Issue(BAD_CURRENCY, env._id(gw))),
    }
    with env.expect_no_change():
        env.offer(alice, amounts[pays], amounts[gets], flags=flags, expect=expect, **fields)
    assert offers(env, alice) == [] and env.owner_count(alice) == 1


def test_expired_offer_is_refused_and_one_expiring_later_is_removed_when_met() -> None:
    """Offer_test::testExpiration. An offer whose Expiration is the last close time is already
    expired: tecEXPIRED, only the fee. One expiring a second later is placed; after the next
    close it has expired but is still in the ledger, until bob's crossing offer meets it and
    removes it (bob's own offer is then placed, uncrossed)."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    start = XRP(1000000)
    env.fund(start, gw, alice, bob)
    env.close()
    env.trust(alice, USD(1000))
    env.pay(gw, alice, USD(1000))
    env.close()
    env.offer(alice, XRP(1000), USD(1000), Expiration=env.ledger.close_time, expect="tecEXPIRED")
    assert env.balance(alice) == plus(start, -2 * FEE)
    assert offers(env, alice) == [] and env.owner_count(alice) == 1
    env.close()
    env.offer(alice, XRP(1000), USD(1000), Expiration=env.ledger.close_time + 1)
    assert env.balance(alice) == plus(start, -3 * FEE)
    assert len(offers(env, alice)) == 1 and env.owner_count(alice) == 2
    env.close()
    assert len(offers(env, alice)) == 1 and env.owner_count(alice) == 2
    env.offer(bob, USD(1000), XRP(1000))
    assert offers(env, alice) == [] and env.owner_count(alice) == 1
    assert env.balance(alice, USD) == USD(1000)
    assert env.balance(bob) == plus(start, -FEE)
    assert env.line(bob, gw, "USD") is None
    assert len(offers(env, bob)) == 1 and env.owner_count(bob) == 1


def test_offer_sequence_replaces_an_offer_and_offer_cancel_removes_one() -> None:
    """Offer_test::testCanceledOffer. OfferSequence cancels the named offer before placing the
    new one; naming an offer that no longer exists is fine; OfferCancel removes an offer; and an
    expired OfferCreate (tecEXPIRED) does not cancel the offer it names."""
    env = rippled_env()
    gw, alice = env.account("gateway"), env.account("alice")
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), alice, gw)
    env.close()
    env.trust(alice, USD(100))
    env.close()
    env.pay(gw, alice, USD(50))
    env.close()
    offer1 = env.seq(alice)
    env.offer(alice, XRP(500), USD(100))
    env.close()
    assert offers(env, alice) == [(XRP(500), USD(100))]
    offer2 = env.seq(alice)
    env.offer(alice, XRP(300), USD(100), OfferSequence=offer1)
    env.close()
    assert offers(env, alice) == [(XRP(300), USD(100))]
    env.offer(alice, XRP(400), USD(200), OfferSequence=offer1)
    env.close()
    assert sorted(offers(env, alice), key=repr) == sorted([(XRP(300), USD(100)), (XRP(400), USD(200))], key=repr)
    offer4 = env.seq(alice)
    env.offer(alice, XRP(222), USD(111))
    env.close()
    assert (XRP(222), USD(111)) in offers(env, alice)
    offer_cancel(env, alice, offer4)
    env.close()
    assert env.seq(alice) == offer4 + 2
    assert (XRP(222), USD(111)) not in offers(env, alice)
    assert len(offers(env, alice)) == 2
    env.offer(alice, XRP(5), USD(2), Expiration=env.ledger.close_time, OfferSequence=offer2, expect="tecEXPIRED")
    env.close()
    assert len(offers(env, alice)) == 2
    assert offer_entry(env, alice, offer2) is not None


def test_offer_cancel_of_a_future_sequence_is_malformed_and_of_a_missing_offer_succeeds() -> None:
    """Offer_test::testOfferCancelPastAndFuture. Cancelling an offer sequence the account used
    for something else is tesSUCCESS (nothing to cancel); naming its next sequence or later is
    temBAD_SEQUENCE."""
    env = rippled_env()
    alice = env.account("alice")
    next_seq = env.seq(env.master)
    env.fund(XRP(10000), alice)
    offer_cancel(env, env.master, next_seq)
    with env.expect_no_change():
        offer_cancel(env, env.master, env.seq(env.master), expect="temBAD_SEQUENCE")
        offer_cancel(env, env.master, env.seq(env.master) + 1, expect="temBAD_SEQUENCE")
    env.close()
    env.close()


def test_offer_cancel_with_zero_sequence_is_malformed() -> None:
    """CancelOffer::preflight: OfferSequence 0 is temBAD_SEQUENCE."""
    env = rippled_env()
    alice = env.account("alice")
    env.fund(XRP(10000), alice)
    with env.expect_no_change():
        offer_cancel(env, alice, 0, expect="temBAD_SEQUENCE")


def test_sell_with_fill_or_kill() -> None:
    """Offer_test::testSellWithFillOrKill. bob sells 20 USD for 2000 XRP. alice's tfSell |
    tfFillOrKill offer that cannot cross is killed; one that matches exactly crosses; one that
    sells 1500 XRP for at least 10 USD gets 15 USD (selling buys more than asked); one needing
    more of bob's remainder than exists is killed; one selling exactly the remaining 500 XRP
    takes the last 5 USD."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000000), gw, alice, bob)
    env.trust(bob, USD(200))
    env.close()
    env.pay(gw, bob, USD(100))
    env.close()
    env.offer(bob, XRP(2000), USD(20))
    env.close()
    env.offer(alice, USD(21), XRP(2100), flags=tfSell | tfFillOrKill, expect="tecKILLED")
    env.close()
    assert env.line(alice, gw, "USD") is None
    assert offers(env, alice) == [] and env.balance(bob, USD) == USD(100)
    env.offer(alice, USD(20), XRP(2000), flags=tfSell | tfFillOrKill)
    env.close()
    assert env.balance(alice, USD) == USD(20) and offers(env, alice) == []
    assert env.balance(bob, USD) == USD(80)
    env.offer(bob, XRP(2000), USD(20))
    env.close()
    env.offer(alice, USD(10), XRP(1500), flags=tfSell | tfFillOrKill)
    env.close()
    assert env.balance(alice, USD) == USD(35) and offers(env, alice) == []
    assert env.balance(bob, USD) == USD(65)
    env.offer(alice, USD(1), XRP(501), flags=tfSell | tfFillOrKill, expect="tecKILLED")
    env.close()
    assert env.balance(alice, USD) == USD(35) and env.balance(bob, USD) == USD(65)
    env.offer(alice, USD(1), XRP(500), flags=tfSell | tfFillOrKill)
    env.close()
    assert env.balance(alice, USD) == USD(40) and offers(env, alice) == []
    assert env.balance(bob, USD) == USD(60)
