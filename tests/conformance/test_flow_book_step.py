"""Payments through order books, restated from rippled's Flow_test.cpp (testBookStep,
testTransferRate, testFalseDry, testLimitQuality, testSelfPayment1/2, testSelfFundedXRPEndpoint,
testUnfundedOffer, testReExecuteDirectStep, testSelfPayLowQualityOffer, testXRPPathLoop,
testRIPD1443, testRIPD1449) and Offer_test.cpp's payment scenarios."""

from __future__ import annotations

from tests.support.env import XRP, drops
from tests.unit.flow.jtx import (
    FEE,
    acct,
    book,
    is_offer,
    jtx_trust,
    offer_entry,
    offers,
    plus,
    rate,
    reserve,
    rippled_env,
)
from xpay.amounts import STAmount
from xpay.flow import flow
from xpay.ledger.payment_sandbox import PaymentSandbox
from xpay.ledger.views import Sandbox
from xpay.protocol.flags import tfLimitQuality, tfNoRippleDirect, tfPartialPayment, tfPassive


def _trust_all(env, limit, *who) -> None:  # type: ignore[no-untyped-def]
    for w in who:
        jtx_trust(env, w, limit)


def _base(names=("alice", "bob", "carol", "gateway")):  # type: ignore[no-untyped-def]
    env = rippled_env()
    accounts = [env.account(n) for n in names]
    env.fund(XRP(10000), *accounts)
    env.close()
    return env, accounts


def test_iou_to_iou_through_one_offer() -> None:
    """Flow_test::testBookStep (simple IOU/IOU offer): alice pays carol 50 USD with BTC through
    bob's BTC->USD offer, which is consumed."""
    env, (alice, bob, carol, gw) = _base()
    USD, BTC = env.iou(gw, "USD"), env.iou(gw, "BTC")
    _trust_all(env, USD(1000), alice, bob, carol)
    _trust_all(env, BTC(1000), alice, bob, carol)
    env.pay(gw, alice, BTC(50))
    env.pay(gw, bob, USD(50))
    env.offer(bob, BTC(50), USD(50))
    env.pay(alice, carol, USD(50), Paths=[[book(USD)]], SendMax=BTC(50))
    assert env.balance(alice, BTC) == BTC(0)
    assert env.balance(bob, BTC) == BTC(50) and env.balance(bob, USD) == USD(0)
    assert env.balance(carol, USD) == USD(50)
    assert not is_offer(env, bob, BTC(50), USD(50))


def test_iou_to_xrp_to_iou_through_two_offers() -> None:
    """Flow_test::testBookStep (IOU/XRP XRP/IOU): the path BTC -> XRP -> USD through two of bob's
    offers; both are consumed."""
    env, (alice, bob, carol, gw) = _base()
    USD, BTC = env.iou(gw, "USD"), env.iou(gw, "BTC")
    _trust_all(env, USD(1000), alice, bob, carol)
    _trust_all(env, BTC(1000), alice, bob, carol)
    env.pay(gw, alice, BTC(50))
    env.pay(gw, bob, USD(50))
    env.offer(bob, BTC(50), XRP(50))
    env.offer(bob, XRP(50), USD(50))
    env.pay(alice, carol, USD(50), Paths=[[book(None), book(USD)]], SendMax=BTC(50))
    assert env.balance(alice, BTC) == BTC(0)
    assert env.balance(bob, BTC) == BTC(50) and env.balance(bob, USD) == USD(0)
    assert env.balance(carol, USD) == USD(50)
    assert offers(env, bob) == []


def test_xrp_to_usd_through_an_offer_with_sendmax() -> None:
    """Flow_test::testBookStep (XRP -> USD): alice spends 50 XRP, carol gets 50 USD."""
    env, (alice, bob, carol, gw) = _base()
    USD, BTC = env.iou(gw, "USD"), env.iou(gw, "BTC")
    _trust_all(env, USD(1000), alice, bob, carol)
    _trust_all(env, BTC(1000), alice, bob, carol)
    env.pay(gw, bob, USD(50))
    env.offer(bob, XRP(50), USD(50))
    env.pay(alice, carol, USD(50), Paths=[[book(USD)]], SendMax=XRP(50))
    assert env.balance(alice) == plus(XRP(10000 - 50), -FEE)
    assert env.balance(bob) == plus(XRP(10000 + 50), -FEE)
    assert env.balance(bob, USD) == USD(0) and env.balance(carol, USD) == USD(50)
    assert not is_offer(env, bob, XRP(50), USD(50))


def test_usd_to_xrp_through_an_offer_with_sendmax() -> None:
    """Flow_test::testBookStep (USD -> XRP): alice spends 50 USD, carol gets 50 XRP."""
    env, (alice, bob, carol, gw) = _base()
    USD, BTC = env.iou(gw, "USD"), env.iou(gw, "BTC")
    _trust_all(env, USD(1000), alice, bob, carol)
    _trust_all(env, BTC(1000), alice, bob, carol)
    env.pay(gw, alice, USD(50))
    env.offer(bob, USD(50), XRP(50))
    env.pay(alice, carol, XRP(50), Paths=[[book(None)]], SendMax=USD(50))
    assert env.balance(alice, USD) == USD(0)
    assert env.balance(bob) == plus(XRP(10000 - 50), -FEE)
    assert env.balance(bob, USD) == USD(50)
    assert env.balance(carol) == XRP(10000 + 50)
    assert not is_offer(env, bob, USD(50), XRP(50))


def test_unfunded_offers_found_are_removed_when_the_payment_succeeds() -> None:
    """Flow_test::testBookStep (unfunded offers removed on success): bob's BTC->EUR offer is
    unfunded (he gave his EUR back). The payment uses the direct BTC->USD book; the EUR path is
    tried and its unfunded offer removed; bob's EUR->USD offer is never reached and stays."""
    env, (alice, bob, carol, gw) = _base()
    USD, BTC, EUR = env.iou(gw, "USD"), env.iou(gw, "BTC"), env.iou(gw, "EUR")
    for iou in (USD, BTC, EUR):
        _trust_all(env, iou(1000), alice, bob, carol)
    env.pay(gw, alice, BTC(60))
    env.pay(gw, bob, USD(50))
    env.pay(gw, bob, EUR(50))
    env.offer(bob, BTC(50), USD(50))
    env.offer(bob, BTC(40), EUR(50))
    env.offer(bob, EUR(50), USD(50))
    env.pay(bob, gw, EUR(50))
    assert is_offer(env, bob, BTC(40), EUR(50))
    env.pay(alice, carol, USD(50), Paths=[[book(USD)], [book(EUR), book(USD)]], SendMax=BTC(60))
    assert env.balance(alice, BTC) == BTC(10)
    assert env.balance(bob, BTC) == BTC(50)
    assert env.balance(bob, USD) == USD(0) and env.balance(bob, EUR) == EUR(0)
    assert env.balance(carol, USD) == USD(50)
    assert not is_offer(env, bob, BTC(50), USD(50))
    assert not is_offer(env, bob, BTC(40), EUR(50))
    assert is_offer(env, bob, EUR(50), USD(50))


def test_unfunded_offers_are_reported_when_the_payment_fails() -> None:
    """Flow_test::testBookStep (unfunded offers returned on failure): alice cannot pay 51 USD
    with 61 BTC (she has 60). flow() fails and changes nothing, but reports bob's unfunded
    BTC->EUR offer as removable; deleting it leaves the offers the failed payment used."""
    env, (alice, bob, carol, gw) = _base()
    USD, BTC, EUR = env.iou(gw, "USD"), env.iou(gw, "BTC"), env.iou(gw, "EUR")
    for iou in (USD, BTC, EUR):
        _trust_all(env, iou(1000), alice, bob, carol)
    env.pay(gw, alice, BTC(60))
    env.pay(gw, bob, USD(60))
    env.pay(gw, bob, EUR(50))
    env.pay(gw, carol, EUR(1))
    env.offer(bob, BTC(50), USD(50))
    env.offer(bob, BTC(60), EUR(50))
    env.offer(carol, BTC(1000), EUR(1))
    env.offer(bob, EUR(50), USD(50))
    env.pay(bob, gw, EUR(50))

    def step(iou):  # type: ignore[no-untyped-def]
        return {"currency": iou.issue.currency, "issuer": iou.issue.account}

    base = Sandbox(env.open)
    sb = PaymentSandbox(base)
    result = flow(
        sb,
        USD(51),
        env._id(alice),
        env._id(carol),
        [[step(USD)], [step(EUR), step(USD)]],
        default_path=False,
        partial_payment=False,
        owner_pays_transfer_fee=True,
        offer_crossing=False,
        limit_quality=None,
        send_max=BTC(61),
    )
    assert result.result.name == "tecPATH_PARTIAL"
    assert not sb.items  # nothing applied on failure
    unfunded = env.offers(bob)[1]
    assert (unfunded.taker_pays, unfunded.taker_gets) == (BTC(60), EUR(50))
    assert result.removable_offers == frozenset({unfunded.key})


def test_forward_pass_may_not_leave_a_blocking_remainder() -> None:
    """Flow_test::testBookStep (forward pass, with fixReducedOffersV2): the reverse pass wants
    0.5 USD for 1 EUR, SendMax is 0.4 USD. Taking less than 0.5 USD of bob's USD->XRP offer would
    leave a remainder worse than its book: nothing crosses (tecPATH_DRY)."""
    env, (alice, bob, carol, gw) = _base()
    USD, EUR = env.iou(gw, "USD"), env.iou(gw, "EUR")
    _trust_all(env, USD(1000), alice, bob, carol)
    _trust_all(env, EUR(1000), alice, bob, carol)
    env.pay(gw, alice, USD(1000))
    env.pay(gw, bob, EUR(1000))
    env.offer(bob, USD(1), drops(2), flags=tfPassive)
    env.offer(bob, drops(1), EUR(1000), flags=tfPassive)
    env.pay(
        alice,
        carol,
        EUR(1),
        Paths=[[book(None), book(EUR)]],
        SendMax=USD("0.4"),
        Flags=tfNoRippleDirect | tfPartialPayment,
        expect="tecPATH_DRY",
    )


def test_offer_owned_by_the_issuer_sender_pays_the_transfer_fee() -> None:
    """Flow_test::testTransferRate: the gateway (25 % fee) sells its own USD for XRP. alice pays
    bob 100 USD with XRP: she spends 125 XRP, the fee being charged to the sender as the offer's
    owner issues what it sells."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), alice, bob, gw)
    env.close()
    rate(env, gw, "1.25")
    jtx_trust(env, alice, USD(1000))
    jtx_trust(env, bob, USD(1000))
    env.offer(gw, XRP(125), USD(125))
    env.pay(alice, bob, USD(100), SendMax=XRP(200))
    assert env.balance(alice) == plus(XRP(10000 - 125), -FEE)
    assert env.balance(bob, USD) == USD(100)


def test_false_dry_partial_payment_delivers_some() -> None:
    """Flow_test::testFalseDry: bob has just under 50 XRP above his reserve; his EUR->XRP and
    XRP->USD offers bridge alice's partial payment to carol, which delivers something, less
    than 50 USD."""
    env = rippled_env()
    gw, alice, bob, carol = (env.account(n) for n in ("gateway", "alice", "bob", "carol"))
    USD, EUR = env.iou(gw, "USD"), env.iou(gw, "EUR")
    env.fund(XRP(10000), alice, carol, gw)
    env.fund(reserve(env, 5), bob)
    env.close()
    _trust_all(env, USD(1000), alice, bob, carol)
    _trust_all(env, EUR(1000), alice, bob, carol)
    env.pay(gw, alice, EUR(50))
    env.pay(gw, bob, USD(50))
    env.offer(bob, EUR(50), XRP(50))
    env.offer(bob, XRP(50), USD(50))
    env.pay(
        alice,
        carol,
        USD(1000000),
        Paths=[[book(None), book(USD)]],
        SendMax=EUR(500),
        Flags=tfNoRippleDirect | tfPartialPayment,
    )
    got = env.balance(carol, USD)
    assert USD(0) < got < USD(50)


def test_limit_quality_takes_the_first_offer_but_not_the_worse_second() -> None:
    """Flow_test::testLimitQuality: bob sells 50 USD at 1 XRP each, then 50 more at 2 XRP each.
    alice pays carol up to 100 USD with at most 100 XRP and tfLimitQuality (1 XRP per USD):
    only the first offer qualifies, carol gets 50."""
    env, (alice, bob, carol, gw) = _base()
    USD = env.iou(gw, "USD")
    _trust_all(env, USD(100), alice, bob, carol)
    env.pay(gw, bob, USD(100))
    env.offer(bob, XRP(50), USD(50))
    env.offer(bob, XRP(100), USD(50))
    env.pay(
        alice,
        carol,
        USD(100),
        Paths=[[book(USD)]],
        SendMax=XRP(100),
        Flags=tfNoRippleDirect | tfPartialPayment | tfLimitQuality,
    )
    assert env.balance(carol, USD) == USD(50)


def test_self_payment_through_own_offer() -> None:
    """Flow_test::testSelfPayment1: alice pays herself 600 EUR with at most 500 USD through
    her own offer (sells 600 EUR for 500 USD). She holds only 1 USD: 1 USD buys 1.2 EUR from
    herself; balances are unchanged and her offer shrinks to 598.8 EUR for 499 USD."""
    env = rippled_env()
    gw1, gw2, alice = env.account("gw1"), env.account("gw2"), env.account("alice")
    USD, EUR = env.iou(gw1, "USD"), env.iou(gw2, "EUR")
    env.fund(XRP(1000000), gw1, gw2)
    env.close()
    env.fund(plus(reserve(env, 3), 4 * FEE), alice)
    env.close()
    env.trust(alice, USD(2000))
    env.trust(alice, EUR(2000))
    env.close()
    env.pay(gw1, alice, USD(1))
    env.pay(gw2, alice, EUR(1000))
    env.close()
    env.offer(alice, USD(500), EUR(600))
    env.close()
    assert env.owner_count(alice) == 3
    env.pay(alice, alice, EUR(600), SendMax=USD(500), Flags=tfPartialPayment)
    env.close()
    assert env.owner_count(alice) == 3
    assert env.balance(alice, USD) == USD(1) and env.balance(alice, EUR) == EUR(1000)
    assert offers(env, alice) == [(USD(499), EUR("598.8"))]


def test_self_payment_leaves_the_offer_reduced() -> None:
    """Flow_test::testSelfPayment2: alice pays herself 60 EUR with at most 50 USD through her own
    offer: balances unchanged, offer reduced to 594 EUR for 495 USD."""
    env = rippled_env()
    gw1, gw2, alice = env.account("gw1"), env.account("gw2"), env.account("alice")
    USD, EUR = env.iou(gw1, "USD"), env.iou(gw2, "EUR")
    env.fund(XRP(1000000), gw1, gw2)
    env.close()
    env.fund(plus(reserve(env, 3), 4 * FEE), alice)
    env.close()
    env.trust(alice, USD(506))
    env.trust(alice, EUR(606))
    env.close()
    env.pay(gw1, alice, USD(500))
    env.pay(gw2, alice, EUR(600))
    env.close()
    env.offer(alice, USD(500), EUR(600))
    env.close()
    env.pay(alice, alice, EUR(60), SendMax=USD(50), Flags=tfPartialPayment)
    env.close()
    assert env.owner_count(alice) == 3
    assert env.balance(alice, USD) == USD(500) and env.balance(alice, EUR) == EUR(600)
    assert offers(env, alice) == [(USD(495), EUR(594))]


def test_self_funded_xrp_endpoint_cannot_spend_xrp_received_in_the_payment() -> None:
    """Flow_test::testSelfFundedXRPEndpoint: alice pays herself USD with XRP through her own
    offer that receives XRP. The XRP the offer receives is a deferred credit: the payment cannot
    spend it. Both a partial take (9 USD) and a full take (10 USD, changing her owner count)
    succeed without the re-execution check failing."""
    for to_send in (9, 10):
        env = rippled_env()
        alice, gw = env.account("alice"), env.account("gw")
        USD = env.iou(gw, "USD")
        env.fund(XRP(10000), alice, gw)
        env.close()
        env.trust(alice, USD(20))
        env.pay(gw, alice, USD(10))
        env.offer(alice, XRP(50000), USD(10))
        env.pay(
            alice,
            alice,
            USD(to_send),
            Paths=[[book(USD)]],
            SendMax=XRP(20000),
            Flags=tfPartialPayment | tfNoRippleDirect,
        )
        assert env.balance(alice, USD) == USD(10)


def test_offer_with_a_tiny_remainder_is_removed() -> None:
    """Flow_test::testUnfundedOffer: the gateway's offer gives 9.000000000000003e-2 USD for
    9000 XRP; a payment taking 9e-2 USD leaves a remainder too small to keep a sane quality, and
    the offer is removed (reverse case), likewise when paying XRP out (forward case)."""
    tiny1 = lambda iou: STAmount(9000000000000000, -17, iou.issue)  # noqa: E731
    tiny3 = lambda iou: STAmount(9000000000000003, -17, iou.issue)  # noqa: E731
    env = rippled_env()
    alice, bob, gw = env.account("alice"), env.account("bob"), env.account("gw")
    USD = env.iou(gw, "USD")
    env.fund(XRP(100000), alice, bob, gw)
    env.close()
    env.trust(bob, USD(20))
    env.offer(gw, drops(9000000000), tiny3(USD))
    env.pay(alice, bob, tiny1(USD), Paths=[[book(USD)]], SendMax=drops(9000000000), Flags=tfNoRippleDirect)
    assert offers(env, gw) == []

    env = rippled_env()
    alice, bob, gw = env.account("alice"), env.account("bob"), env.account("gw")
    USD = env.iou(gw, "USD")
    env.fund(XRP(100000), alice, bob, gw)
    env.close()
    env.trust(alice, USD(20))
    env.pay(gw, alice, tiny1(USD))
    env.offer(gw, tiny3(USD), drops(9000000000))
    env.pay(alice, bob, drops(9000000000), Paths=[[book(None)]], SendMax=USD(1), Flags=tfNoRippleDirect)
    assert offers(env, gw) == []


def test_re_execute_direct_step_with_awkward_amounts() -> None:
    """Flow_test::testReExecuteDirectStep: a partial payment of up to 10000 XRP through several
    of the gateway's offers with 16-digit amounts, and one of alice's own; it must complete
    (the forward pass must not find more than the reverse pass)."""
    env = rippled_env()
    alice, bob, gw = env.account("alice"), env.account("bob"), env.account("gw")
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), alice, bob, gw)
    env.close()
    env.trust(alice, USD(100))
    env.close()
    env.pay(gw, alice, STAmount(1255555555555555, -14, USD.issue))
    env.offer(gw, STAmount(5000000000000000, -15, USD.issue), XRP(1000))
    env.offer(gw, STAmount(5555555555555555, -16, USD.issue), XRP(10))
    env.offer(gw, STAmount(4444444444444444, -15, USD.issue), XRP("0.1"))
    env.offer(alice, STAmount(1700000000000000, -14, USD.issue), XRP("0.001"))
    env.pay(alice, bob, XRP(10000), Paths=[[book(None)]], SendMax=USD(100), Flags=tfPartialPayment | tfNoRippleDirect)


def test_self_pay_through_a_low_quality_offer() -> None:
    """Flow_test::testSelfPayLowQualityOffer: ann's offer asks far more XRP than she has;
    paying herself CTB with XRP through it must not fail."""
    env = rippled_env()
    ann, gw = env.account("ann"), env.account("gateway")
    CTB = env.iou(gw, "CTB")
    env.fund(plus(reserve(env, 2), drops(9999640), FEE), ann)
    env.fund(plus(reserve(env, 2), 4 * FEE), gw)
    env.close()
    rate(env, gw, "1.002")
    env.trust(ann, CTB(10))
    env.close()
    env.pay(gw, ann, CTB("2.856"))
    env.close()
    env.offer(ann, drops(365611702030), CTB("5.713"))
    env.close()
    env.pay(ann, ann, CTB("0.687"), SendMax=drops(20000000000), Flags=tfPartialPayment)


def test_paths_through_xrp_twice_are_loops() -> None:
    """Flow_test::testXRPPathLoop: a path converting into XRP twice (at the start, at the end, or
    in the middle) is temBAD_PATH_LOOP, and nothing changes."""
    env = rippled_env()
    alice, bob, gw = env.account("alice"), env.account("bob"), env.account("gw")
    USD, EUR, JPY = env.iou(gw, "USD"), env.iou(gw, "EUR"), env.iou(gw, "JPY")
    env.fund(XRP(10000), alice, bob, gw)
    env.close()
    for iou in (USD, EUR, JPY):
        _trust_all(env, iou(1000), alice, bob)
    env.close()
    for iou in (USD, EUR, JPY):
        env.pay(gw, alice, iou(100))
    env.close()
    env.offer(alice, XRP(100), USD(100), flags=tfPassive)
    env.offer(alice, USD(100), XRP(100), flags=tfPassive)
    env.offer(alice, XRP(100), EUR(100), flags=tfPassive)
    env.close()
    with env.expect_no_change():
        env.pay(
            alice, bob, EUR(1), Paths=[[book(USD), book(None), book(EUR)]], SendMax=XRP(1), Flags=tfNoRippleDirect,
            expect="temBAD_PATH_LOOP",
        )
        env.pay(
            alice, bob, XRP(1), Paths=[[book(None), book(USD), book(None)]], SendMax=EUR(1), Flags=tfNoRippleDirect,
            expect="temBAD_PATH_LOOP",
        )
        env.pay(
            alice, bob, JPY(1), Paths=[[book(None), book(EUR), book(None), book(JPY)]], SendMax=USD(1),
            Flags=tfNoRippleDirect, expect="temBAD_PATH_LOOP",
        )


def test_no_ripple_blocks_paths_through_an_offer_and_an_account() -> None:
    """Flow_test::testRIPD1443 and testRIPD1449: bob set NoRipple on his line to the gateway;
    payments whose path ripples through bob between a book and the gateway are dry
    (tecPATH_DRY)."""
    env = rippled_env()
    alice, bob, carol, gw = (env.account(n) for n in ("alice", "bob", "carol", "gw"))
    USD, BUSD = env.iou(gw, "USD"), env.iou(bob, "USD")
    env.fund(XRP(100000000), alice, carol, gw)
    env.fund(XRP(100000000), bob, default_ripple=False)
    env.close()
    jtx_trust(env, alice, USD(10000))
    jtx_trust(env, carol, USD(10000))
    env.trust(bob, USD(10000), flags=0x00020000)  # tfSetNoRipple
    jtx_trust(env, bob, USD(10000))
    env.close()
    env.pay(gw, alice, USD(1000))
    env.close()
    env.offer(alice, BUSD(1000), XRP(1))
    env.close()
    env.pay(
        alice, alice, XRP(1), Paths=[[acct(env, gw), acct(env, bob), book(None)]], SendMax=USD(1000),
        Flags=tfNoRippleDirect, expect="tecPATH_DRY",
    )
    env.close()
    jtx_trust(env, alice, BUSD(10000))
    env.pay(bob, alice, BUSD(1000))
    env.offer(alice, XRP(1000), BUSD(1000))
    env.close()
    env.pay(
        carol, carol, USD(1000), Paths=[[book(BUSD), acct(env, gw)]], SendMax=XRP(100000),
        Flags=tfNoRippleDirect, expect="tecPATH_DRY",
    )


def test_ripd1449_no_ripple_after_a_book() -> None:
    """Flow_test::testRIPD1449: alice -> XRP -> bob's USD (carol's offer) -> bob -> gw -> alice,
    with NoRipple on bob's side of his gateway line: tecPATH_DRY."""
    env = rippled_env()
    alice, bob, carol, gw = (env.account(n) for n in ("alice", "bob", "carol", "gw"))
    USD, BUSD = env.iou(gw, "USD"), env.iou(bob, "USD")
    env.fund(XRP(100000000), alice, bob, carol, gw)
    env.close()
    jtx_trust(env, alice, USD(10000))
    jtx_trust(env, carol, USD(10000))
    env.trust(bob, USD(10000), flags=0x00020000)  # tfSetNoRipple
    jtx_trust(env, bob, USD(10000))
    jtx_trust(env, carol, BUSD(10000))
    env.close()
    env.pay(bob, carol, BUSD(1000))
    env.pay(gw, bob, USD(1000))
    env.close()
    env.offer(carol, XRP(1), BUSD(1000))
    env.close()
    env.pay(
        alice, alice, USD(1000), Paths=[[book(BUSD), acct(env, bob), acct(env, gw)]], SendMax=XRP(1),
        Flags=tfNoRippleDirect, expect="tecPATH_DRY",
    )


def test_cross_currency_payment_start_with_xrp() -> None:
    """Offer_test::testCrossCurrencyStartXRP: alice pays bob 25 USD with at most 333 XRP through
    carol's offer (50 USD for 500 XRP): carol's offer halves."""
    env = rippled_env()
    gw, alice, bob, carol = (env.account(n) for n in ("gateway", "alice", "bob", "carol"))
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), gw, alice, bob, carol)
    env.close()
    env.trust(carol, USD(1000))
    env.trust(bob, USD(2000))
    env.pay(gw, carol, USD(500))
    seq = env.seq(carol)
    env.offer(carol, XRP(500), USD(50))
    env.pay(alice, bob, USD(25), SendMax=XRP(333))
    assert env.balance(bob, USD) == USD(25)
    assert env.balance(carol, USD) == USD(475)
    entry = offer_entry(env, carol, seq)
    assert entry is not None and (entry.taker_pays, entry.taker_gets) == (XRP(250), USD(25))


def test_cross_currency_payment_end_with_xrp() -> None:
    """Offer_test::testCrossCurrencyEndXRP: alice pays bob 250 XRP with at most 333 USD through
    carol's offer (500 XRP for 50 USD): alice spends 25 USD."""
    env = rippled_env()
    gw, alice, bob, carol = (env.account(n) for n in ("gateway", "alice", "bob", "carol"))
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), gw, alice, bob, carol)
    env.close()
    env.trust(alice, USD(1000))
    env.trust(carol, USD(2000))
    env.pay(gw, alice, USD(500))
    seq = env.seq(carol)
    env.offer(carol, USD(50), XRP(500))
    env.pay(alice, bob, XRP(250), SendMax=USD(333))
    assert env.balance(alice, USD) == USD(475)
    assert env.balance(carol, USD) == USD(25)
    assert env.balance(bob) == XRP(10250)
    entry = offer_entry(env, carol, seq)
    assert entry is not None and (entry.taker_pays, entry.taker_gets) == (USD(25), XRP(250))


def test_cross_currency_payment_bridged_through_xrp() -> None:
    """Offer_test::testCrossCurrencyBridged: alice pays bob 30 EUR (gateway_2) with USD
    (gateway_1) along the path through XRP: carol's USD->XRP and dan's XRP->EUR offers each
    give 300 XRP worth."""
    env = rippled_env()
    gw1, gw2, alice, bob, carol, dan = (
        env.account(n) for n in ("gateway_1", "gateway_2", "alice", "bob", "carol", "dan")
    )
    USD, EUR = env.iou(gw1, "USD"), env.iou(gw2, "EUR")
    env.fund(XRP(10000), gw1, gw2, alice, bob, carol, dan)
    env.close()
    env.trust(alice, USD(1000))
    env.trust(bob, EUR(1000))
    env.trust(carol, USD(1000))
    env.trust(dan, EUR(1000))
    env.pay(gw1, alice, USD(500))
    env.pay(gw2, dan, EUR(400))
    carol_seq = env.seq(carol)
    env.offer(carol, USD(50), XRP(500))
    dan_seq = env.seq(dan)
    env.offer(dan, XRP(500), EUR(50))
    env.pay(alice, bob, EUR(30), Paths=[[book(None)]], SendMax=USD(333))
    assert env.balance(alice, USD) == USD(470)
    assert env.balance(bob, EUR) == EUR(30)
    assert env.balance(carol, USD) == USD(30)
    assert env.balance(dan, EUR) == EUR(370)
    c = offer_entry(env, carol, carol_seq)
    d = offer_entry(env, dan, dan_seq)
    assert c is not None and (c.taker_pays, c.taker_gets) == (USD(20), XRP(200))
    assert d is not None and (d.taker_pays, d.taker_gets) == (XRP(200), EUR(20))


def test_currency_conversion_in_parts_then_partial_payment() -> None:
    """Offer_test::testCurrencyConversionInParts: alice converts USD to XRP through bob's offer
    (100 USD for 500 XRP): 200 XRP first; then 600 XRP is more than is left (tecPATH_PARTIAL),
    but as a partial payment she gets the remaining 300."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), gw, alice, bob)
    env.close()
    env.trust(alice, USD(200))
    env.trust(bob, USD(1000))
    env.pay(gw, alice, USD(200))
    seq = env.seq(bob)
    env.offer(bob, USD(100), XRP(500))
    env.pay(alice, alice, XRP(200), SendMax=USD(100))
    entry = offer_entry(env, bob, seq)
    assert entry is not None and (entry.taker_pays, entry.taker_gets) == (USD(60), XRP(300))
    assert env.balance(alice, USD) == USD(160)
    assert env.balance(alice) == plus(XRP(10000), XRP(200), -2 * FEE)
    assert env.balance(bob, USD) == USD(40)
    env.pay(alice, alice, XRP(600), SendMax=USD(100), expect="tecPATH_PARTIAL")
    env.pay(alice, alice, XRP(600), SendMax=USD(100), Flags=tfPartialPayment)
    assert offer_entry(env, bob, seq) is None
    assert env.balance(alice, USD) == USD(100)
    assert env.balance(alice) == plus(XRP(10000), XRP(200), XRP(300), -4 * FEE)
    assert env.balance(bob, USD) == USD(100)


def test_enforce_no_ripple_on_an_implied_step_after_an_offer() -> None:
    """Offer_test::testEnforceNoRipple. With NoRipple on bob's lines, alice's payment of USD2 to
    carol through dan's offer and then bob is dry; with default flags it goes through: bob ends
    with 100 USD1 and no USD2."""
    for no_ripple in (True, False):
        env = rippled_env()
        alice, bob, carol, dan = (env.account(n) for n in ("alice", "bob", "carol", "dan"))
        gw1, gw2 = env.account("gw1"), env.account("gw2")
        USD1, USD2 = env.iou(gw1, "USD"), env.iou(gw2, "USD")
        env.fund(XRP(10000), alice, carol, dan, gw1, gw2)
        env.fund(XRP(10000), bob, default_ripple=not no_ripple)
        for iou in (USD1, USD2):
            jtx_trust(env, alice, iou(1000))
            jtx_trust(env, carol, iou(1000))
            jtx_trust(env, dan, iou(1000))
            if no_ripple:
                env.trust(bob, iou(1000), flags=0x00020000)  # tfSetNoRipple
            else:
                jtx_trust(env, bob, iou(1000))
        env.pay(gw1, dan, USD1(50))
        env.pay(gw1, bob, USD1(50))
        env.pay(gw2, bob, USD2(50))
        env.offer(dan, XRP(50), USD1(50))
        if no_ripple:
            env.pay(
                alice, carol, USD2(50), Paths=[[book(USD1), acct(env, bob)]], SendMax=XRP(50),
                Flags=tfNoRippleDirect, expect="tecPATH_DRY",
            )
        else:
            env.pay(alice, carol, USD2(50), Paths=[[book(USD1), acct(env, bob)]], SendMax=XRP(50), Flags=tfNoRippleDirect)
            assert env.balance(alice) == plus(XRP(10000 - 50), -FEE)
            assert env.balance(bob, USD1) == USD1(100)
            assert env.balance(bob, USD2) == USD2(0)
            assert env.balance(carol, USD2) == USD2(50)


def test_funded_offer_in_an_unused_path_is_not_removed() -> None:
    """Offer_test::testRmFundedOffer: two paths, a good one (carol's BTC->USD offer) and a poor
    one (BTC->XRP->USD). The payment of 100 USD uses the good one; carol's first BTC->XRP offer,
    funded but not needed, must stay."""
    env = rippled_env()
    gw, alice, bob, carol = (env.account(n) for n in ("gateway", "alice", "bob", "carol"))
    USD, BTC = env.iou(gw, "USD"), env.iou(gw, "BTC")
    env.fund(XRP(10000), alice, bob, carol, gw)
    _trust_all(env, USD(1000), alice, bob, carol)
    _trust_all(env, BTC(1000), alice, bob, carol)
    env.pay(gw, alice, BTC(1000))
    env.pay(gw, carol, USD(1000))
    env.pay(gw, carol, BTC(1000))
    env.offer(carol, BTC(49), XRP(49))
    env.offer(carol, BTC(51), XRP(51))
    env.offer(carol, XRP(50), USD(50))
    env.offer(carol, XRP(50), USD(50))
    env.offer(carol, BTC(1), USD(100))
    env.pay(
        alice, bob, USD(100), Paths=[[book(None), book(USD)], [book(USD)]], SendMax=BTC(1000), Flags=tfPartialPayment
    )
    assert env.balance(bob, USD) == USD(100)
    assert not is_offer(env, carol, BTC(1), USD(100))
    assert is_offer(env, carol, BTC(49), XRP(49))


def test_xrp_tiny_payment_does_not_remove_a_funded_offer() -> None:
    """Offer_test::testXRPTinyPayment (current form): carol's offer (1 drop for 0.99999 USD) is
    taken first; then the input needed from erin's offer (2 drops for 1 USD) is less than a drop.
    It must round up, not to zero: erin's funded offer is consumed, not removed as unfunded, and
    keeps some liquidity (erin still holds 0.99999 USD and has 1 offer)."""
    env = rippled_env()
    alice, bob, carol, dan, erin, gw = (env.account(n) for n in ("alice", "bob", "carol", "dan", "erin", "gw"))
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), alice, bob, carol, dan, erin, gw)
    env.close()
    _trust_all(env, USD(1000), alice, bob, carol, dan, erin)
    env.close()
    env.pay(gw, carol, USD("0.99999"))
    env.pay(gw, dan, USD(1))
    env.pay(gw, erin, USD(1))
    env.close()
    env.offer(carol, drops(1), USD("0.99999"))
    env.offer(dan, XRP(100), USD(1))
    env.close()
    env.offer(erin, drops(2), USD(1))
    env.pay(
        alice, bob, USD(1), Paths=[[book(USD)]], SendMax=XRP(102), Flags=tfNoRippleDirect | tfPartialPayment
    )
    assert offers(env, carol) == []
    assert len(offers(env, dan)) == 1
    assert env.balance(erin, USD) == USD("0.99999")
    assert len(offers(env, erin)) == 1


def test_small_increased_quality_xrp_offer_is_removed_not_crossed() -> None:
    """Offer_test::testRmSmallIncreasedQOffersXRP (offer crossing). carol offers 1 USD for 1
    drop but holds only 0.499 USD: funded, her offer would give 0.499 USD for 1 drop, a worse
    rate than its book's. It is removed without being taken; alice's offer then crosses bob's
    (when it can pay 2 drops) or is placed (1 drop)."""
    for cross_both in (False, True):
        env = rippled_env()
        alice, bob, carol, gw = (env.account(n) for n in ("alice", "bob", "carol", "gw"))
        USD = env.iou(gw, "USD")
        env.fund(XRP(10000), alice, bob, carol, gw)
        env.close()
        _trust_all(env, USD(1000), alice, bob, carol)
        env.pay(gw, carol, USD("0.499"))
        env.pay(gw, bob, USD(100))
        env.close()
        env.offer(carol, drops(1), USD(1))
        env.close()
        env.offer(bob, drops(2), USD(1), flags=tfPassive)
        env.close()
        env.offer(alice, USD(1), drops(2) if cross_both else drops(1))
        env.close()
        assert offers(env, carol) == []
        assert env.balance(carol, USD) == USD("0.499")
        if cross_both:
            assert offers(env, alice) == [] and env.balance(alice, USD) == USD(1)
        else:
            assert len(offers(env, alice)) == 1 and env.balance(alice, USD) == USD(0)


def test_small_increased_quality_xrp_offer_is_removed_by_a_payment() -> None:
    """Offer_test::testRmSmallIncreasedQOffersXRP (payments). carol's underfunded 1 drop for 1
    USD offer: a partial payment removes it without taking it; a full payment fails
    (tecPATH_PARTIAL)."""
    for partial in (False, True):
        env = rippled_env()
        alice, bob, carol, gw = (env.account(n) for n in ("alice", "bob", "carol", "gw"))
        USD = env.iou(gw, "USD")
        env.fund(XRP(10000), alice, bob, carol, gw)
        env.close()
        _trust_all(env, USD(1000), alice, bob, carol)
        env.close()
        env.pay(gw, carol, USD("0.999"))
        env.close()
        env.pay(gw, bob, USD(100))
        env.close()
        env.offer(carol, drops(1), USD(1))
        env.close()
        env.offer(bob, drops(2), USD(2), flags=tfPassive)
        env.close()
        flags = tfNoRippleDirect | (tfPartialPayment if partial else 0)
        env.pay(
            alice, bob, USD(5), Paths=[[book(USD)]], SendMax=XRP(1), Flags=flags,
            expect="tesSUCCESS" if partial else "tecPATH_PARTIAL",
        )
        env.close()
        if partial:
            assert offers(env, carol) == []
            assert env.balance(carol, USD) == USD("0.999")


def test_small_increased_quality_iou_offer_is_removed() -> None:
    """Offer_test::testRmSmallIncreasedQOffersIOU: carol holds 1e-81 USD and offers 10 USD for 1
    EUR; funded, that is a tiny amount at a much worse rate. Crossing (and partial payments)
    remove it without taking it."""
    for cross_both in (False, True):
        env = rippled_env()
        alice, bob, carol, gw = (env.account(n) for n in ("alice", "bob", "carol", "gw"))
        USD, EUR = env.iou(gw, "USD"), env.iou(gw, "EUR")
        env.fund(XRP(10000), alice, bob, carol, gw)
        env.close()
        _trust_all(env, USD(1000), alice, bob, carol)
        _trust_all(env, EUR(1000), alice, bob, carol)
        tiny = STAmount(1, -81, USD.issue)
        env.pay(gw, carol, tiny)
        env.pay(gw, bob, USD(100))
        env.pay(gw, alice, EUR(100))
        env.close()
        env.offer(carol, EUR(1), USD(10))
        env.close()
        env.offer(bob, EUR(1), USD(5), flags=tfPassive)
        env.close()
        env.offer(alice, USD(1), EUR("0.2") if cross_both else EUR("0.1"))
        env.close()
        assert offers(env, carol) == []
        assert env.balance(carol, USD) == tiny
        if cross_both:
            assert offers(env, alice) == [] and env.balance(alice, USD) == USD(1)
        else:
            assert len(offers(env, alice)) == 1 and env.balance(alice, USD) == USD(0)
    env = rippled_env()
    alice, bob, carol, gw = (env.account(n) for n in ("alice", "bob", "carol", "gw"))
    USD, EUR = env.iou(gw, "USD"), env.iou(gw, "EUR")
    env.fund(XRP(10000), alice, bob, carol, gw)
    env.close()
    _trust_all(env, USD(1000), alice, bob, carol)
    _trust_all(env, EUR(1000), alice, bob, carol)
    env.close()
    tiny = STAmount(1, -81, USD.issue)
    env.pay(gw, carol, tiny)
    env.pay(gw, bob, USD(100))
    env.pay(gw, alice, EUR(100))
    env.close()
    env.offer(carol, EUR(1), USD(2))
    env.close()
    env.offer(bob, EUR(2), USD(4), flags=tfPassive)
    env.close()
    env.pay(alice, bob, USD(5), Paths=[[book(USD)]], SendMax=EUR(10), Flags=tfNoRippleDirect | tfPartialPayment)
    env.close()
    assert offers(env, carol) == []
    assert env.balance(carol, USD) == tiny


def test_tiny_payment_through_many_offers() -> None:
    """Offer_test::testTinyPayment: 101 of carol's USD->EUR offers on the book; alice pays bob
    the smallest EUR amount through the book with 100 USD: it succeeds."""
    env = rippled_env()
    alice, bob, carol, gw = (env.account(n) for n in ("alice", "bob", "carol", "gw"))
    USD, EUR = env.iou(gw, "USD"), env.iou(gw, "EUR")
    env.fund(XRP(10000), alice, bob, carol, gw)
    _trust_all(env, USD(1000), alice, bob, carol)
    _trust_all(env, EUR(1000), alice, bob, carol)
    env.pay(gw, alice, USD(100))
    env.pay(gw, carol, EUR(100))
    for _ in range(101):
        env.offer(carol, USD(1), EUR(2))
    epsilon = STAmount(1000000000000000, -96, EUR.issue)
    env.pay(alice, bob, epsilon, Paths=[[book(EUR)]], SendMax=USD(100))
    assert env.balance(bob, EUR) == epsilon
