"""Partial payments with DeliverMin through order books, restated from rippled's
DeliverMin_test::test_convert_all_of_an_asset."""

from __future__ import annotations

from tests.support.env import XRP
from tests.unit.flow.jtx import FEE, book, jtx_trust, plus, rippled_env
from xpay.protocol.flags import tfPartialPayment


def test_partial_payment_short_of_deliver_min_fails_and_changes_nothing() -> None:
    """carol sells only 5 USD (for 5 XRP); alice's partial payment of up to 10 USD with
    DeliverMin 7 gets only 5: tecPATH_PARTIAL, and only alice's fee is taken."""
    env = rippled_env()
    alice, bob, carol, gw = (env.account(n) for n in ("alice", "bob", "carol", "gateway"))
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), alice, bob, carol, gw)
    env.close()
    for who in (alice, bob, carol):
        jtx_trust(env, who, USD(100))
    env.close()
    env.pay(gw, carol, USD(50))
    env.offer(carol, XRP(5), USD(5))
    with env.expect_fee_only(alice):
        env.pay(
            alice, bob, USD(10), Paths=[[book(USD)]], DeliverMin=USD(7), Flags=tfPartialPayment, SendMax=XRP(5),
            expect="tecPATH_PARTIAL",
        )
    assert env.balance(alice) == plus(XRP(10000), -FEE)
    assert env.balance(bob) == XRP(10000)


def test_convert_everything_with_deliver_min() -> None:
    """alice converts up to 100 XRP into USD through bob's offer (100 for 100), asking 10000
    USD with DeliverMin 100: she gets exactly 100."""
    env = rippled_env()
    alice, bob, gw = env.account("alice"), env.account("bob"), env.account("gateway")
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), alice, bob, gw)
    env.close()
    jtx_trust(env, alice, USD(1000))
    jtx_trust(env, bob, USD(1000))
    env.close()
    env.pay(gw, bob, USD(100))
    env.offer(bob, XRP(100), USD(100))
    env.pay(
        alice, alice, USD(10000), Paths=[[book(USD)]], DeliverMin=USD(100), Flags=tfPartialPayment, SendMax=XRP(100)
    )
    assert env.balance(alice, USD) == USD(100)


def test_deliver_min_across_offers_of_different_quality() -> None:
    """bob sells 100 USD at 1, 10 and 100 XRP each. Delivering at least 200 USD needs 1100 XRP:
    with SendMax 1000 it is tecPATH_PARTIAL, with 1100 carol gets 200 and bob's first two offers
    are gone."""
    env = rippled_env()
    alice, bob, carol, gw = (env.account(n) for n in ("alice", "bob", "carol", "gateway"))
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), alice, bob, carol, gw)
    env.close()
    jtx_trust(env, bob, USD(1000))
    jtx_trust(env, carol, USD(1000))
    env.close()
    env.pay(gw, bob, USD(200))
    env.offer(bob, XRP(100), USD(100))
    env.offer(bob, XRP(1000), USD(100))
    env.offer(bob, XRP(10000), USD(100))
    env.pay(
        alice, carol, USD(10000), Paths=[[book(USD)]], DeliverMin=USD(200), Flags=tfPartialPayment,
        SendMax=XRP(1000), expect="tecPATH_PARTIAL",
    )
    env.pay(
        alice, carol, USD(10000), Paths=[[book(USD)]], DeliverMin=USD(200), Flags=tfPartialPayment, SendMax=XRP(1100)
    )
    assert env.balance(bob, USD) == USD(0)
    assert env.balance(carol, USD) == USD(200)


def test_deliver_min_takes_the_best_offers_of_two_owners() -> None:
    """bob sells 100 USD at 1 XRP and 100 at 10 XRP; dan sells 100 at 1 XRP. Delivering 200 USD
    for at most 200 XRP takes the two offers at 1 XRP."""
    env = rippled_env()
    alice, bob, carol, dan, gw = (env.account(n) for n in ("alice", "bob", "carol", "dan", "gateway"))
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), alice, bob, carol, dan, gw)
    env.close()
    for who in (bob, carol, dan):
        jtx_trust(env, who, USD(1000))
    env.close()
    env.pay(gw, bob, USD(100))
    env.pay(gw, dan, USD(100))
    env.offer(bob, XRP(100), USD(100))
    env.offer(bob, XRP(1000), USD(100))
    env.offer(dan, XRP(100), USD(100))
    env.pay(
        alice, carol, USD(10000), Paths=[[book(USD)]], DeliverMin=USD(200), Flags=tfPartialPayment, SendMax=XRP(200)
    )
    assert env.balance(bob, USD) == USD(0)
    assert env.balance(carol, USD) == USD(200)
    assert env.balance(dan, USD) == USD(0)
