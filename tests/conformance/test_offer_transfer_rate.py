"""Transfer fees, trust-line qualities and rounding in offer crossing, restated from rippled's
Offer_test.cpp (testTransferRateOffer, testOfferFeesConsumeFunds, testSellFlagBasic,
testSellFlagExceedLimit, testNegativeBalance, testOfferCreateThenCross)."""

from __future__ import annotations

from tests.support.env import XRP, drops
from tests.unit.flow.jtx import (
    FEE,
    acct,
    offer_cancel,
    offer_entry,
    offers,
    plus,
    rate,
    reserve,
    rippled_env,
)
from xpay.amounts import Issue, STAmount
from xpay.protocol.flags import tfSell


def test_transfer_rate_is_paid_by_the_offer_owner() -> None:
    """Offer_test::testTransferRateOffer (ann/bob, che/deb). gateway1 charges 25 %. bob offers
    100 USD for 1 XRP; ann takes it. ann receives 100 USD, bob is debited 125 USD: the owner of
    the offer pays the fee. The same holds with the offers the other way round."""
    env = rippled_env()
    gw1 = env.account("gateway1")
    USD = env.iou(gw1, "USD")
    env.fund(XRP(100000), gw1)
    env.close()
    rate(env, gw1, "1.25")
    for taker, maker, book_first in (("ann", "bob", True), ("che", "deb", False)):
        t, m = env.account(taker), env.account(maker)
        env.fund(plus(XRP(100), reserve(env, 2), 2 * FEE), t, m)
        env.close()
        env.trust(t, USD(200))
        env.trust(m, USD(200))
        env.close()
        env.pay(gw1, m, USD(125))
        env.close()
        if book_first:
            env.offer(m, XRP(1), USD(100))
            env.close()
            env.offer(t, USD(100), XRP(1))
        else:
            env.offer(t, USD(100), XRP(1))
            env.close()
            env.offer(m, XRP(1), USD(100))
        env.close()
        assert env.balance(t, USD) == USD(100)
        assert env.balance(t) == plus(XRP(99), reserve(env, 2))
        assert offers(env, t) == []
        assert env.balance(m, USD) == USD(0)
        assert env.balance(m) == plus(XRP(101), reserve(env, 2))
        assert offers(env, m) == []


def test_transfer_fee_is_taken_from_the_owners_funds_not_from_its_offer() -> None:
    """Offer_test::testTransferRateOffer (eve/fyn). eve offers 4000 XRP for 10 USD; fyn sells 5
    USD for 2000 XRP. fyn pays 6.25 USD (5 plus the 25 % fee); eve's offer is reduced by
    exactly what crossed: 2000 XRP for 5 USD remain."""
    env = rippled_env()
    gw1 = env.account("gateway1")
    USD = env.iou(gw1, "USD")
    env.fund(XRP(100000), gw1)
    env.close()
    rate(env, gw1, "1.25")
    eve, fyn = env.account("eve"), env.account("fyn")
    env.fund(plus(XRP(20000), 2 * FEE), eve, fyn)
    env.close()
    env.trust(eve, USD(1000))
    env.trust(fyn, USD(1000))
    env.close()
    env.pay(gw1, eve, USD(100))
    env.pay(gw1, fyn, USD(100))
    env.close()
    env.offer(eve, USD(10), XRP(4000))
    env.close()
    eve_offer = env.seq(eve) - 1
    env.offer(fyn, XRP(2000), USD(5))
    env.close()
    assert env.balance(eve, USD) == USD(105)
    assert env.balance(eve) == XRP(18000)
    assert offers(env, eve) == [(USD(5), XRP(2000))]
    offer_cancel(env, eve, eve_offer)
    assert env.balance(fyn, USD) == USD("93.75")
    assert env.balance(fyn) == XRP(22000)
    assert offers(env, fyn) == []


def test_two_transfer_rates_apply_in_one_crossing() -> None:
    """Offer_test::testTransferRateOffer (gay/hal). USD charges 25 %, EUR 50 %. gay sells 100
    USD for 100 EUR and hal takes it: gay pays 125 USD and hal 150 EUR, each owner's fee."""
    env = rippled_env()
    gw1, gw2 = env.account("gateway1"), env.account("gateway2")
    USD, EUR = env.iou(gw1, "USD"), env.iou(gw2, "EUR")
    env.fund(XRP(100000), gw1, gw2)
    env.close()
    rate(env, gw1, "1.25")
    rate(env, gw2, "1.5")
    gay, hal = env.account("gay"), env.account("hal")
    env.fund(plus(reserve(env, 3), 3 * FEE), gay, hal)
    env.close()
    for who in (gay, hal):
        env.trust(who, USD(200))
        env.trust(who, EUR(200))
    env.close()
    env.pay(gw1, gay, USD(125))
    env.pay(gw2, hal, EUR(150))
    env.close()
    env.offer(gay, EUR(100), USD(100))
    env.close()
    env.offer(hal, USD(100), EUR(100))
    env.close()
    assert env.balance(gay, USD) == USD(0) and env.balance(gay, EUR) == EUR(100)
    assert env.balance(gay) == reserve(env, 3) and offers(env, gay) == []
    assert env.balance(hal, USD) == USD(100) and env.balance(hal, EUR) == EUR(0)
    assert env.balance(hal) == reserve(env, 3) and offers(env, hal) == []


def test_quality_in_affects_payments_but_not_offer_crossing() -> None:
    """Offer_test::testTransferRateOffer (ivy/joe). Lines with QualityIn below 100 % make the
    gateways' payments cost more (ivy gets 300 USD for 270 sent at 90 %), but crossing ivy's and
    joe's offers ignores QualityIn: ivy sells 200 USD for 100 EUR (paying 250 with the fee)."""
    env = rippled_env()
    gw1, gw2 = env.account("gateway1"), env.account("gateway2")
    USD, EUR = env.iou(gw1, "USD"), env.iou(gw2, "EUR")
    env.fund(XRP(100000), gw1, gw2)
    env.close()
    rate(env, gw1, "1.25")
    rate(env, gw2, "1.5")
    ivy, joe = env.account("ivy"), env.account("joe")
    env.fund(plus(reserve(env, 3), 3 * FEE), ivy, joe)
    env.close()
    env.trust(ivy, USD(400), QualityIn=900_000_000)
    env.trust(ivy, EUR(400), QualityIn=800_000_000)
    env.trust(joe, USD(400), QualityIn=700_000_000)
    env.trust(joe, EUR(400), QualityIn=600_000_000)
    env.close()
    env.pay(gw1, ivy, USD(270), SendMax=USD(500))
    env.pay(gw2, joe, EUR(150), SendMax=EUR(300))
    env.close()
    assert env.balance(ivy, USD) == USD(300)
    assert env.balance(joe, EUR) == EUR(250)
    env.offer(ivy, EUR(100), USD(200))
    env.close()
    env.offer(joe, USD(200), EUR(100))
    env.close()
    assert env.balance(ivy, USD) == USD(50) and env.balance(ivy, EUR) == EUR(100)
    assert env.balance(ivy) == reserve(env, 3) and offers(env, ivy) == []
    assert env.balance(joe, USD) == USD(200) and env.balance(joe, EUR) == EUR(100)
    assert env.balance(joe) == reserve(env, 3) and offers(env, joe) == []


def test_quality_out_affects_payments_but_not_offer_crossing() -> None:
    """Offer_test::testTransferRateOffer (kim/lex/meg/ned). lex's line for ned's BUX has
    QualityOut 120 %: kim's payment of 60 N_BUX to meg rippling through lex costs 72 K_BUX. A
    crossing of lex's and kim's offers ignores QualityOut: 30 for 30."""
    env = rippled_env()
    env.fund(XRP(100000), env.account("gateway1"))
    kim, lex, meg, ned = (env.account(n) for n in ("kim", "lex", "meg", "ned"))
    K_BUX, N_BUX = env.iou(kim, "BUX"), env.iou(ned, "BUX")
    env.fund(plus(reserve(env, 4), 4 * FEE), kim, lex, meg, ned)
    env.close()
    env.trust(lex, K_BUX(400))
    env.trust(lex, N_BUX(200), QualityOut=1_200_000_000)
    env.trust(meg, N_BUX(100))
    env.close()
    env.pay(ned, lex, N_BUX(100))
    env.close()
    assert env.balance(lex, N_BUX) == N_BUX(100)
    env.pay(kim, meg, N_BUX(60), Paths=[[acct(env, lex), acct(env, ned)]], SendMax=K_BUX(200))
    env.close()
    assert env.line(kim, ned, "BUX") is None
    assert env.balance(lex, K_BUX) == K_BUX(72)
    assert env.balance(lex, N_BUX) == N_BUX(40)
    assert env.balance(meg, N_BUX) == N_BUX(60)
    env.offer(lex, K_BUX(30), N_BUX(30))
    env.close()
    env.offer(kim, N_BUX(30), K_BUX(30))
    env.close()
    assert env.balance(kim, N_BUX) == N_BUX(30)
    assert env.balance(lex, K_BUX) == K_BUX(102)
    assert env.balance(lex, N_BUX) == N_BUX(10)
    assert env.balance(meg, N_BUX) == N_BUX(60)
    # ned now owes kim 30 K_BUX: from ned's side of their line, -30.
    assert env.balance(ned, K_BUX) == K_BUX(-30)


def test_auto_bridged_crossing_pays_both_transfer_fees() -> None:
    """Offer_test::testTransferRateOffer (ova/pat/qae). ova sells 100 USD for 2 XRP, pat sells 2
    XRP for 100 EUR; qae sells 100 EUR for 100 USD and crosses both through XRP: ova pays 125
    USD (25 %), qae pays 150 EUR (50 %), pat ends with 100 EUR and no XRP above its reserve."""
    env = rippled_env()
    gw1, gw2 = env.account("gateway1"), env.account("gateway2")
    USD, EUR = env.iou(gw1, "USD"), env.iou(gw2, "EUR")
    env.fund(XRP(100000), gw1, gw2)
    env.close()
    rate(env, gw1, "1.25")
    rate(env, gw2, "1.5")
    ova, pat, qae = env.account("ova"), env.account("pat"), env.account("qae")
    env.fund(plus(XRP(2), reserve(env, 3), 3 * FEE), ova, pat, qae)
    env.close()
    for who in (ova, pat, qae):
        env.trust(who, USD(200))
        env.trust(who, EUR(200))
    env.close()
    env.pay(gw1, ova, USD(125))
    env.pay(gw2, qae, EUR(150))
    env.close()
    env.offer(ova, XRP(2), USD(100))
    env.offer(pat, EUR(100), XRP(2))
    env.close()
    env.offer(qae, USD(100), EUR(100))
    env.close()
    assert env.balance(ova, USD) == USD(0) and env.balance(ova, EUR) == EUR(0)
    assert env.balance(ova) == plus(XRP(4), reserve(env, 3))
    assert offers(env, ova) == []
    assert env.balance(pat, USD) == USD(0) and env.balance(pat, EUR) == EUR(100)
    assert env.balance(pat) == reserve(env, 3) and offers(env, pat) == []
    assert env.balance(qae, USD) == USD(100) and env.balance(qae, EUR) == EUR(0)
    assert env.balance(qae) == plus(XRP(2), reserve(env, 3)) and offers(env, qae) == []


def test_offer_fees_consume_funds_reserve_limits_what_is_spent() -> None:
    """Offer_test::testOfferFeesConsumeFunds. alice has 100 XRP above the reserve for her three
    lines; her offer buying 200 USD for 200 XRP can only spend those 100 XRP: she gets 100 USD,
    keeps 350 XRP (the reserve for three objects), and bob's offer sold 100 USD."""
    env = rippled_env()
    gw1, gw2, gw3 = env.account("gateway_1"), env.account("gateway_2"), env.account("gateway_3")
    alice, bob = env.account("alice"), env.account("bob")
    USD1, USD2, USD3 = env.iou(gw1, "USD"), env.iou(gw2, "USD"), env.iou(gw3, "USD")
    starting = plus(XRP(100), reserve(env, 3), 4 * FEE)
    env.fund(starting, gw1, gw2, gw3, alice, bob)
    env.trust(alice, USD1(1000))
    env.trust(alice, USD2(1000))
    env.trust(alice, USD3(1000))
    env.trust(bob, USD1(1000))
    env.trust(bob, USD2(1000))
    env.pay(gw1, bob, USD1(500))
    env.offer(bob, XRP(200), USD1(200))
    env.offer(alice, USD1(200), XRP(200))
    assert env.balance(alice, USD1) == USD1(100)
    assert env.balance(alice) == XRP(350)
    assert env.balance(bob, USD1) == USD1(400)


def test_sell_flag_basic() -> None:
    """Offer_test::testSellFlagBasic. bob sells 200 USD for 200 XRP (tfSell); alice, with 100
    XRP above her reserve, sells 200 XRP for 200 USD (tfSell): she can only sell 100 XRP and gets
    100 USD."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    starting = plus(XRP(100), reserve(env, 1), 2 * FEE)
    env.fund(starting, gw, alice, bob)
    env.trust(alice, USD(1000))
    env.trust(bob, USD(1000))
    env.pay(gw, bob, USD(500))
    env.offer(bob, XRP(200), USD(200), flags=tfSell)
    env.offer(alice, USD(200), XRP(200), flags=tfSell)
    assert env.balance(alice, USD) == USD(100)
    assert env.balance(alice) == XRP(250)
    assert env.balance(bob, USD) == USD(400)


def test_sell_flag_exceeds_the_asked_amount_and_the_trust_limit() -> None:
    """Offer_test::testSellFlagExceedLimit. bob sells 200 USD for 100 XRP. alice sells her 100
    spendable XRP asking at least 100 USD (tfSell): she gets 200 USD, more than asked and more
    than her 150 USD trust limit."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    starting = plus(XRP(100), reserve(env, 1), 2 * FEE)
    env.fund(starting, gw, alice, bob)
    env.trust(alice, USD(150))
    env.trust(bob, USD(1000))
    env.pay(gw, bob, USD(500))
    env.offer(bob, XRP(100), USD(200))
    env.offer(alice, USD(100), XRP(100), flags=tfSell)
    assert env.balance(alice, USD) == USD(200)
    assert env.balance(alice) == XRP(250)
    assert env.balance(bob, USD) == USD(300)


def test_negative_balance_dust_offer_does_not_cross_and_is_placed() -> None:
    """Offer_test::testNegativeBalance (with fixReducedOffersV2, as rippled runs today). With a
    0.5 % transfer fee, bob holds a minuscule 2.710505431213761e-18 USD and offers 1 USD for
    2000 XRP against alice's offer (alice gave her USD back to the gateway and now owes 50).
    The dust would buy less than a drop, rounded down: nothing crosses, bob keeps his dust and
    his offer is placed as given."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    gw_initial, alice_initial, bob_initial = drops(1149999730), drops(499946999680), drops(10199999920)
    small = STAmount(2710505431213761, -33, Issue(USD.issue.currency, env._id(bob)))
    env.fund(gw_initial, gw)
    env.fund(alice_initial, alice)
    env.fund(bob_initial, bob)
    env.close()
    rate(env, gw, "1.005")
    env.trust(alice, USD(500))
    env.trust(bob, USD(50))
    env.trust(gw, env.iou(alice, "USD")(100))
    env.pay(gw, alice, env.iou(alice, "USD")(50))
    env.pay(gw, bob, small)
    env.offer(alice, USD(50), XRP(150000))
    env.pay(alice, gw, USD(100))  # alice now owes the gateway 50
    env.trust(gw, env.iou(alice, "USD")(0))
    assert env.balance(alice, USD) == USD(-50)
    dust = STAmount(2710505431213761, -33, USD.issue)
    assert env.balance(bob, USD) == dust
    bob_offer_seq = env.seq(bob)
    env.offer(bob, XRP(2000), USD(1))
    assert env.balance(bob, USD) == dust
    assert env.balance(alice, USD) == USD(-50)
    assert env.balance(alice) == plus(alice_initial, -3 * FEE)
    placed = offer_entry(env, bob, bob_offer_seq)
    assert placed is not None
    assert (placed.taker_pays, placed.taker_gets) == (XRP(2000), USD(1))


def test_offer_create_then_cross_rounds_as_rippled() -> None:
    """Offer_test::testOfferCreateThenCross. With a 0.5 % transfer fee, alice (who owes the
    gateway nothing and holds 50 USD) sells 50 USD at 3000 XRP each; bob sells 0.1 USD for 100
    XRP. alice ends owing 49.96666666666667 USD, bob holds 0.966500000033334 USD: the exact
    16-digit results of rippled's arithmetic."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), gw, alice, bob)
    rate(env, gw, "1.005")
    env.trust(alice, USD(1000))
    env.trust(bob, USD(1000))
    env.trust(gw, env.iou(alice, "USD")(50))
    env.pay(gw, bob, env.iou(bob, "USD")(1))
    env.pay(alice, gw, USD(50))
    env.trust(gw, env.iou(alice, "USD")(0))
    env.offer(alice, USD(50), XRP(150000))
    env.offer(bob, XRP(100), USD("0.1"))
    # alice owed 50 and bought some back; bob sold 0.1 USD and paid the fee on it.
    assert env.balance(alice, USD) == USD("-49.96666666666667")
    assert env.balance(bob, USD) == USD("0.966500000033334")
