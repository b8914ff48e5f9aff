"""Payments rippling along trust lines, restated from rippled's Flow_test.cpp (testDirectStep,
testLineQuality) and the IOU payment side of Path_test.cpp.

Accounts issue their own USD here (alice's USD, bob's USD ...), so a payment ripples through
each account that holds one and owes the next. QualityIn / QualityOut and TransferRate change
what arrives; NoRipple, limits and SendMax stop or cap it.
"""

from __future__ import annotations

import pytest

from tests.support.env import XRP
from tests.unit.flow.jtx import acct, jtx_trust, quality_percent, rate, rippled_env
from xpay.protocol.flags import tfLimitQuality, tfNoRippleDirect, tfPartialPayment


def test_pay_usd_through_the_gateway_on_the_default_path() -> None:
    """Flow_test::testDirectStep (trivial path): alice pays bob 10 of gw's USD; it ripples
    alice -> gw -> bob."""
    env = rippled_env()
    alice, bob, gw = env.account("alice"), env.account("bob"), env.account("gw")
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), alice, bob, gw)
    env.close()
    jtx_trust(env, alice, USD(1000))
    jtx_trust(env, bob, USD(1000))
    env.pay(gw, alice, USD(100))
    env.pay(alice, bob, USD(10))
    assert env.balance(bob, USD) == USD(10)
    assert env.balance(alice, USD) == USD(90)


def test_partial_payment_delivers_what_there_is_and_full_payment_fails() -> None:
    """Flow_test::testDirectStep (partial payments): alice holds 100 USD; paying 110 fails with
    tecPATH_PARTIAL and moves nothing; with tfPartialPayment 100 arrive."""
    env = rippled_env()
    alice, bob, gw = env.account("alice"), env.account("bob"), env.account("gw")
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), alice, bob, gw)
    env.close()
    jtx_trust(env, alice, USD(1000))
    jtx_trust(env, bob, USD(1000))
    env.pay(gw, alice, USD(100))
    with env.expect_fee_only(alice):
        env.pay(alice, bob, USD(110), expect="tecPATH_PARTIAL")
    assert env.balance(bob, USD) == USD(0)
    env.pay(alice, bob, USD(110), Flags=tfPartialPayment)
    assert env.balance(bob, USD) == USD(100)
    assert env.balance(alice, USD) == USD(0)


def test_ripple_through_a_chain_of_accounts() -> None:
    """Flow_test::testDirectStep (rippling through accounts): bob trusts alice, carol trusts bob,
    dan trusts carol, 10 each. alice pays dan 10 of carol's USD through bob and carol: each
    account on the way now holds 10 of the previous one's USD."""
    env = rippled_env()
    alice, bob, carol, dan = (env.account(n) for n in ("alice", "bob", "carol", "dan"))
    USDA, USDB, USDC = env.iou(alice, "USD"), env.iou(bob, "USD"), env.iou(carol, "USD")
    env.fund(XRP(10000), alice, bob, carol, dan)
    env.close()
    jtx_trust(env, bob, USDA(10))
    jtx_trust(env, carol, USDB(10))
    jtx_trust(env, dan, USDC(10))
    env.pay(alice, dan, USDC(10), Paths=[[acct(env, bob), acct(env, carol)]])
    assert env.balance(bob, USDA) == USDA(10)
    assert env.balance(carol, USDB) == USDB(10)
    assert env.balance(dan, USDC) == USDC(10)


def test_transfer_fee_is_charged_when_rippling_through_an_issuer() -> None:
    """Flow_test::testDirectStep (transfer fee charged): bob charges 10 %. alice holds 6 of
    bob's USD and pays dan 5 of carol's USD through bob and carol: she redeems 5.5 to bob (5 plus
    the fee) and keeps 0.5."""
    env = rippled_env()
    alice, bob, carol, dan = (env.account(n) for n in ("alice", "bob", "carol", "dan"))
    USDA, USDB, USDC = env.iou(alice, "USD"), env.iou(bob, "USD"), env.iou(carol, "USD")
    env.fund(XRP(10000), alice, bob, carol, dan)
    env.close()
    jtx_trust(env, bob, USDA(10))
    jtx_trust(env, alice, USDB(10))
    jtx_trust(env, carol, USDB(10))
    jtx_trust(env, dan, USDC(10))
    rate(env, bob, "1.1")
    env.pay(bob, alice, USDB(6))
    env.pay(
        alice, dan, USDC(5), Paths=[[acct(env, bob), acct(env, carol)]], SendMax=USDA(6), Flags=tfNoRippleDirect
    )
    assert env.balance(dan, USDC) == USDC(5)
    assert env.balance(alice, USDB) == USDB("0.5")


def test_no_transfer_fee_when_the_sender_issues() -> None:
    """Flow_test::testDirectStep (fee not charged when alice issues): alice holds none of bob's
    USD, so she issues her own to bob; bob's 10 % fee does not apply and bob ends holding 5 of
    alice's USD."""
    env = rippled_env()
    alice, bob, carol, dan = (env.account(n) for n in ("alice", "bob", "carol", "dan"))
    USDA, USDB, USDC = env.iou(alice, "USD"), env.iou(bob, "USD"), env.iou(carol, "USD")
    env.fund(XRP(10000), alice, bob, carol, dan)
    env.close()
    jtx_trust(env, bob, USDA(10))
    jtx_trust(env, alice, USDB(10))
    jtx_trust(env, carol, USDB(10))
    jtx_trust(env, dan, USDC(10))
    rate(env, bob, "1.1")
    env.pay(
        alice, dan, USDC(5), Paths=[[acct(env, bob), acct(env, carol)]], SendMax=USDA(6), Flags=tfNoRippleDirect
    )
    assert env.balance(dan, USDC) == USDC(5)
    assert env.balance(bob, USDA) == USDA(5)


def test_best_quality_path_is_taken_first() -> None:
    """Flow_test::testDirectStep (best quality path): two paths to erin, through carol (who
    charges 10 %, and alice redeems to her) or through bob (no fee). The whole 5 goes through
    bob: dan ends holding 5 of bob's USD and none of carol's."""
    env = rippled_env()
    alice, bob, carol, dan, erin = (env.account(n) for n in ("alice", "bob", "carol", "dan", "erin"))
    USDA, USDB, USDC, USDD = (env.iou(a, "USD") for a in (alice, bob, carol, dan))
    env.fund(XRP(10000), alice, bob, carol, dan, erin)
    env.close()
    jtx_trust(env, bob, USDA(10))
    jtx_trust(env, carol, USDA(10))
    jtx_trust(env, dan, USDB(10))
    jtx_trust(env, alice, USDC(10))
    jtx_trust(env, dan, USDC(10))
    jtx_trust(env, erin, USDD(20))
    rate(env, bob, "1")
    rate(env, carol, "1.1")
    env.pay(carol, alice, USDC(10))
    env.pay(
        alice,
        erin,
        USDD(5),
        Paths=[[acct(env, carol), acct(env, dan)], [acct(env, bob), acct(env, dan)]],
        Flags=tfNoRippleDirect,
    )
    assert env.balance(erin, USDD) == USDD(5)
    assert env.balance(dan, USDB) == USDB(5)
    assert env.balance(dan, USDC) == USDC(0)


def test_limit_quality_refuses_a_path_worse_than_sendmax_over_amount() -> None:
    """Flow_test::testDirectStep (limit quality): paying 5 of bob's USD with at most 4 of alice's
    is a quality of 0.8; the 1:1 path is worse, so with tfLimitQuality nothing moves
    (tecPATH_DRY); without it, a partial payment delivers 4."""
    env = rippled_env()
    alice, bob, carol = env.account("alice"), env.account("bob"), env.account("carol")
    USDA, USDB = env.iou(alice, "USD"), env.iou(bob, "USD")
    env.fund(XRP(10000), alice, bob, carol)
    env.close()
    jtx_trust(env, bob, USDA(10))
    jtx_trust(env, carol, USDB(10))
    env.pay(alice, carol, USDB(5), SendMax=USDA(4), Flags=tfLimitQuality | tfPartialPayment, expect="tecPATH_DRY")
    assert env.balance(carol, USDB) == USDB(0)
    env.pay(alice, carol, USDB(5), SendMax=USDA(4), Flags=tfPartialPayment)
    assert env.balance(carol, USDB) == USDB(4)


@pytest.mark.parametrize("bob_dan_q_in", [80, 100, 120])
@pytest.mark.parametrize("bob_alice_q_out", [80, 100, 120])
def test_line_quality_in_and_out_when_rippling_through_bob(bob_dan_q_in: int, bob_alice_q_out: int) -> None:
    """Flow_test::testLineQuality (dan -> bob -> alice -> carol). bob takes dan's USD at
    QualityIn bob_dan_q_in and pays out alice's USD at QualityOut bob_alice_q_out. bob pays 10
    to carol; he receives 10 * qOut / qIn of dan's USD when qOut is worse than qIn, else 10."""
    env = rippled_env()
    alice, bob, carol, dan = (env.account(n) for n in ("alice", "bob", "carol", "dan"))
    USDA, USDD = env.iou(alice, "USD"), env.iou(dan, "USD")
    env.fund(XRP(10000), alice, bob, carol, dan)
    env.close()
    env.trust(bob, USDD(100), QualityIn=quality_percent(bob_dan_q_in))
    env.trust(bob, USDA(100), QualityOut=quality_percent(bob_alice_q_out))
    env.trust(carol, USDA(100))
    env.pay(alice, bob, USDA(100))
    assert env.balance(bob, USDA) == USDA(100)
    env.pay(dan, carol, USDA(10), Paths=[[acct(env, bob)]], SendMax=USDD(100), Flags=tfNoRippleDirect)
    assert env.balance(bob, USDA) == USDA(90)
    expected = {(80, 120): "15", (100, 120): "12", (80, 100): "12.5"}.get((bob_dan_q_in, bob_alice_q_out), "10")
    assert env.balance(bob, USDD) == USDD(expected)
    assert env.balance(carol, USDA) == USDA(10)


@pytest.mark.parametrize(("carol_alice_q_in", "bob_left"), [(80, "3.75"), (100, "5"), (120, "5")])
def test_destination_quality_in_discounts_what_arrives(carol_alice_q_in: int, bob_left: str) -> None:
    """Flow_test::testLineQuality (bob -> alice -> carol, carol's QualityIn varies). carol values
    alice's USD at 80 %: to deliver 5 bob must send 6.25. A QualityIn above 100 % is capped at
    1:1 on the last step."""
    env = rippled_env()
    alice, bob, carol = env.account("alice"), env.account("bob"), env.account("carol")
    USDA = env.iou(alice, "USD")
    env.fund(XRP(10000), alice, bob, carol)
    env.close()
    env.trust(bob, USDA(10))
    env.trust(carol, USDA(10), QualityIn=quality_percent(carol_alice_q_in))
    env.pay(alice, bob, USDA(10))
    env.pay(bob, carol, USDA(5), SendMax=USDA(10))
    assert env.balance(bob, USDA) == USDA(bob_left)


@pytest.mark.parametrize("bob_alice_q_out", [80, 100, 120])
def test_source_quality_out_does_not_apply_when_paying_the_issuers_own_iou(bob_alice_q_out: int) -> None:
    """Flow_test::testLineQuality (bob -> alice -> carol, bob's QualityOut varies): bob's
    QualityOut on his line to alice does not change a payment that redeems to alice and is
    reissued by her: 5 sent, 5 delivered."""
    env = rippled_env()
    alice, bob, carol = env.account("alice"), env.account("bob"), env.account("carol")
    USDA = env.iou(alice, "USD")
    env.fund(XRP(10000), alice, bob, carol)
    env.close()
    env.trust(bob, USDA(10), QualityOut=quality_percent(bob_alice_q_out))
    env.trust(carol, USDA(10))
    env.pay(alice, bob, USDA(10))
    env.pay(bob, carol, USDA(5), SendMax=USDA(5))
    assert env.balance(carol, USDA) == USDA(5)
    assert env.balance(bob, USDA) == USDA(5)


def test_path_through_the_source_itself_is_a_loop() -> None:
    """Flow_test::testEmptyStrand: alice pays herself her own USD through the book into her own
    USD: the strand would go nowhere (temBAD_PATH), and nothing changes."""
    env = rippled_env()
    alice = env.account("alice")
    env.fund(XRP(10000), alice)
    env.close()
    USDA = env.iou(alice, "USD")
    with env.expect_no_change():
        env.pay(
            alice,
            alice,
            USDA(100),
            Paths=[[{"currency": USDA.issue.currency, "issuer": USDA.issue.account}]],
            expect="temBAD_PATH",
        )
