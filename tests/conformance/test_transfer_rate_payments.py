"""Transfer fees in payments: rippling through an issuer, and through two books with a fee at
each issuer. Restated from the transfer-rate scenarios of rippled's Flow_test / Path_test /
TransferRate behaviour (the fee is charged when value ripples through an issuer; in payments
the sender pays it, and the issuer keeps it: its obligations shrink)."""

from __future__ import annotations

from tests.support.env import XRP, Env
from tests.unit.flow.jtx import FEE, book, jtx_trust, offers, plus, rate, rippled_env
from xpay.amounts import STAmount
from xpay.protocol.flags import tfNoRippleDirect, tfPartialPayment


def _obligations(env: Env, issuer, iou, *holders) -> STAmount:  # type: ignore[no-untyped-def]
    total = STAmount.zero(iou.issue)
    for h in holders:
        total = total + env.balance(h, iou)
    return total


def test_iou_payment_rippling_through_the_issuer_pays_its_transfer_fee() -> None:
    """The gateway charges 0.2 %. alice pays bob 100 USD: 100.2 leave alice, 100 reach bob, and
    the gateway owes 0.2 less in total. Paying the gateway itself (redeeming) costs no fee."""
    env = rippled_env()
    gw, alice, bob = env.account("gw"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), gw, alice, bob)
    env.close()
    rate(env, gw, "1.002")
    jtx_trust(env, alice, USD(1000))
    jtx_trust(env, bob, USD(1000))
    env.pay(gw, alice, USD(500))
    env.pay(alice, bob, USD(100), SendMax=USD(101))
    assert env.balance(alice, USD) == USD("399.8")
    assert env.balance(bob, USD) == USD(100)
    assert _obligations(env, gw, USD, alice, bob) == USD("499.8")
    env.pay(alice, gw, USD(10))
    assert env.balance(alice, USD) == USD("389.8")


def test_transfer_fee_needs_sendmax_room() -> None:
    """Without SendMax the sender may spend only the amount itself: a payment rippling through a
    gateway that charges a fee is then short (tecPATH_PARTIAL) and changes nothing but the fee."""
    env = rippled_env()
    gw, alice, bob = env.account("gw"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), gw, alice, bob)
    env.close()
    rate(env, gw, "1.25")
    jtx_trust(env, alice, USD(1000))
    jtx_trust(env, bob, USD(1000))
    env.pay(gw, alice, USD(500))
    with env.expect_fee_only(alice):
        env.pay(alice, bob, USD(100), expect="tecPATH_PARTIAL")
    env.pay(alice, bob, USD(100), SendMax=USD(125))
    assert env.balance(alice, USD) == USD(375)
    assert env.balance(bob, USD) == USD(100)


def test_payment_through_two_books_pays_a_transfer_fee_at_each_issuer() -> None:
    """alice pays bob 10 EUR (gw2, 50 % fee) with USD (gw1, 25 % fee) along USD -> XRP -> EUR.
    mm2 sells EUR at 3 XRP each; mm1 buys USD at 2 XRP each. For bob to get 10 EUR, gw2 must
    issue them from 15 EUR mm2 redeems (50 %): 45 XRP, bought from mm1 with 22.5 USD, which cost
    alice 28.125 USD (25 %). Both gateways' obligations shrink by their fee."""
    env = rippled_env()
    gw1, gw2, alice, bob, mm1, mm2 = (env.account(n) for n in ("gw1", "gw2", "alice", "bob", "mm1", "mm2"))
    USD, EUR = env.iou(gw1, "USD"), env.iou(gw2, "EUR")
    env.fund(XRP(100000), gw1, gw2, alice, bob, mm1, mm2)
    env.close()
    rate(env, gw1, "1.25")
    rate(env, gw2, "1.5")
    jtx_trust(env, alice, USD(1000))
    jtx_trust(env, mm1, USD(1000))
    jtx_trust(env, mm2, EUR(1000))
    jtx_trust(env, bob, EUR(1000))
    env.pay(gw1, alice, USD(100))
    env.pay(gw2, mm2, EUR(100))
    env.offer(mm1, USD(100), XRP(200))
    env.offer(mm2, XRP(300), EUR(100))
    env.close()
    mm1_xrp, mm2_xrp = env.balance(mm1), env.balance(mm2)
    env.pay(alice, bob, EUR(10), Paths=[[book(None), book(EUR)]], SendMax=USD(50), Flags=tfNoRippleDirect)
    assert env.balance(bob, EUR) == EUR(10)
    assert env.balance(mm2, EUR) == EUR(85)
    assert env.balance(mm2) == plus(mm2_xrp, XRP(45))
    assert env.balance(mm1) == plus(mm1_xrp, -XRP(45).mantissa)
    assert env.balance(mm1, USD) == USD("22.5")
    assert env.balance(alice, USD) == USD("71.875")
    assert _obligations(env, gw2, EUR, mm2, bob) == EUR(95)
    assert _obligations(env, gw1, USD, alice, mm1) == USD("94.375")
    assert offers(env, mm1) == [(USD("77.5"), XRP(155))]
    assert offers(env, mm2) == [(XRP(255), EUR(85))]


def test_failed_payment_changes_nothing_but_the_fee() -> None:
    """A cross-currency payment with no liquidity at all (the book is empty): as a partial
    payment it is tecPATH_DRY (nothing could be delivered), as a full one tecPATH_PARTIAL; either
    way the sender pays the fee and nothing else changes."""
    env = rippled_env()
    gw, alice, bob = env.account("gw"), env.account("alice"), env.account("bob")
    USD, EUR = env.iou(gw, "USD"), env.iou(gw, "EUR")
    env.fund(XRP(10000), gw, alice, bob)
    env.close()
    jtx_trust(env, alice, USD(1000))
    jtx_trust(env, bob, EUR(1000))
    env.pay(gw, alice, USD(100))
    env.close()
    with env.expect_fee_only(alice, FEE):
        env.pay(
            alice, bob, EUR(10), Paths=[[book(EUR)]], SendMax=USD(20), Flags=tfPartialPayment, expect="tecPATH_DRY"
        )
    with env.expect_fee_only(alice, FEE):
        env.pay(alice, bob, EUR(10), Paths=[[book(EUR)]], SendMax=USD(20), expect="tecPATH_PARTIAL")
