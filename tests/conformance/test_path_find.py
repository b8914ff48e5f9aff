"""ripple_path_find: rippled's Path_test scenarios restated (src/test/app/Path_test.cpp).

Each test names the rippled case it restates. rippled runs these with search levels 7 / 7 / 10
(pathTestEnv), and so do they. rippled's tests search the open ledger; xpay searches closed
ledgers, so `find_paths` closes the ledger first. Amounts issued by an account are written as
rippled writes them: `Account("bob")["USD"](5)` is `iou("bob", "USD")(5)`.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.support.env import XRP, Env
from tests.unit.pathfinding.pathtools import find_paths, ipe
from xpay.amounts import STAmount
from xpay.protocol.flags import tfClearNoRipple, tfSetNoRipple
from xpay.protocol.transaction_types import TransactionType


def rate(env: Env, who: str, multiplier: str) -> None:
    env({"TransactionType": TransactionType.AccountSet, "Account": who, "TransferRate": int(Decimal(multiplier) * 10**9)})


@pytest.fixture
def env() -> Env:
    return Env(check_signatures=False)


def test_no_direct_path_no_intermediary_no_alternatives(env: Env) -> None:
    """Path_test no_direct_path_no_intermediary_no_alternatives."""
    env.fund(XRP(10000), "alice", "bob")
    paths, source, _, result = find_paths(env, "alice", "bob", env.iou("bob", "USD")(5))
    assert paths == set()
    assert source is None
    assert result["alternatives"] == []


def test_direct_path_no_intermediary(env: Env) -> None:
    """Path_test direct_path_no_intermediary: bob trusts alice, the default path is enough."""
    env.fund(XRP(10000), "alice", "bob")
    env.close()
    env.trust("bob", env.iou("alice", "USD")(700))
    paths, source, _, _ = find_paths(env, "alice", "bob", env.iou("bob", "USD")(5))
    assert paths == set()
    assert source == env.iou("alice", "USD")(5)


def test_path_through_one_gateway(env: Env) -> None:
    """Path_test path_find: alice pays bob through their common gateway."""
    env.fund(XRP(10000), "alice", "bob", "gateway")
    env.close()
    usd = env.iou("gateway", "USD")
    env.trust("alice", usd(600))
    env.trust("bob", usd(700))
    env.pay("gateway", "alice", usd(70))
    env.pay("gateway", "bob", usd(50))
    paths, source, _, _ = find_paths(env, "alice", "bob", env.iou("bob", "USD")(5))
    assert paths == {("gateway",)}
    assert source == env.iou("alice", "USD")(5)


def test_indirect_path_through_an_intermediary(env: Env) -> None:
    """Path_test indirect_paths_path_find: alice -> bob -> carol by rippling through bob."""
    env.fund(XRP(10000), "alice", "bob", "carol")
    env.close()
    env.trust("bob", env.iou("alice", "USD")(1000))
    env.trust("carol", env.iou("bob", "USD")(1000))
    paths, source, _, _ = find_paths(env, "alice", "carol", env.iou("carol", "USD")(5))
    assert paths == {("bob",)}
    assert source == env.iou("alice", "USD")(5)


def test_consume_all_through_two_routes(env: Env) -> None:
    """Path_test path_find_consume_all (first case): -1 finds both routes and sums them."""
    env.fund(XRP(10000), "alice", "bob", "carol", "dan", "edward")
    env.close()
    env.trust("bob", env.iou("alice", "USD")(10))
    env.trust("carol", env.iou("bob", "USD")(10))
    env.trust("edward", env.iou("carol", "USD")(10))
    env.trust("dan", env.iou("alice", "USD")(100))
    env.trust("edward", env.iou("dan", "USD")(100))
    paths, source, delivered, _ = find_paths(env, "alice", "edward", env.iou("edward", "USD")(-1))
    assert paths == {("dan",), ("bob", "carol")}
    assert source == env.iou("alice", "USD")(110)
    assert delivered == env.iou("edward", "USD")(110)


def test_consume_all_through_an_xrp_offer(env: Env) -> None:
    """Path_test path_find_consume_all (second case): -1 USD with a SendMax in XRP crosses
    carol's offer; there is no AUD to be had."""
    env.fund(XRP(10000), "alice", "bob", "carol", "gateway")
    env.close()
    usd = env.iou("gateway", "USD")
    env.trust("bob", usd(100))
    env.trust("carol", usd(100))
    env.close()
    env.pay("gateway", "carol", usd(100))
    env.close()
    env.offer("carol", XRP(100), usd(100))
    paths, _, _, _ = find_paths(env, "alice", "bob", env.iou("bob", "AUD")(-1), send_max=XRP(1_000_000))
    assert paths == set()
    _, source, delivered, _ = find_paths(env, "alice", "bob", env.iou("bob", "USD")(-1), send_max=XRP(1_000_000))
    assert source == XRP(100)
    assert delivered == env.iou("bob", "USD")(100)


def test_alternatives_limited_to_best_quality(env: Env) -> None:
    """Path_test alternative_paths_limit_returned_paths_to_best_quality: four paths are kept,
    carol's (with a transfer fee) among them, through each way alice can pay."""
    env.fund(XRP(10000), "alice", "bob", "carol", "dan", "gateway", "gateway2")
    env.close()
    rate(env, "carol", "1.1")
    for holder in ("alice", "bob"):
        env.trust(holder, env.iou("carol", "USD")(800))
        env.trust(holder, env.iou("dan", "USD")(800))
        env.trust(holder, env.iou("gateway", "USD")(800))
        env.trust(holder, env.iou("gateway2", "USD")(800))
    env.trust("dan", env.iou("alice", "USD")(800))
    env.trust("dan", env.iou("bob", "USD")(800))
    env.close()
    env.pay("gateway2", "alice", env.iou("gateway2", "USD")(100))
    env.close()
    env.pay("carol", "alice", env.iou("carol", "USD")(100))
    env.close()
    env.pay("gateway", "alice", env.iou("gateway", "USD")(100))
    paths, source, _, _ = find_paths(env, "alice", "bob", env.iou("bob", "USD")(5))
    assert paths == {("gateway",), ("gateway2",), ("dan",), ("carol",)}
    assert source == env.iou("alice", "USD")(5)


def test_no_path_when_the_only_credit_is_used_up(env: Env) -> None:
    """Path_test issues_path_negative_issue: nothing can reach bob, either way round."""
    env.fund(XRP(10000), "alice", "bob", "carol", "dan")
    env.close()
    for holder in ("alice", "carol", "dan"):
        env.trust(holder, env.iou("bob", "USD")(100))
    env.trust("dan", env.iou("alice", "USD")(100))
    env.trust("dan", env.iou("carol", "USD")(100))
    env.pay("bob", "carol", env.iou("bob", "USD")(75))
    paths, _, _, _ = find_paths(env, "alice", "bob", env.iou("bob", "USD")(25))
    assert paths == set()
    paths, _, _, _ = find_paths(env, "alice", "bob", env.iou("alice", "USD")(25))
    assert paths == set()


def test_via_gateway_offers_find_no_usd_path(env: Env) -> None:
    """Path_test via_offers_via_gateway: AUD moves through carol's offer, but no USD path."""
    env.fund(XRP(10000), "alice", "bob", "carol", "gateway")
    env.close()
    rate(env, "gateway", "1.1")
    env.close()
    aud = env.iou("gateway", "AUD")
    env.trust("bob", aud(100))
    env.trust("carol", aud(100))
    env.close()
    env.pay("gateway", "carol", aud(50))
    env.close()
    env.offer("carol", XRP(50), aud(50))
    env.close()
    # jtx's paths(XRP) fills in what the pathfinder finds from XRP: the book into AUD.
    env.pay("alice", "bob", aud(10), SendMax=XRP(100), Paths=[[{"currency": aud.issue.currency, "issuer": aud.issue.account}]])
    env.close()
    assert env.balance("bob", aud) == aud(10)
    assert env.balance("carol", aud) == aud(39)
    paths, _, _, _ = find_paths(env, "alice", "bob", env.iou("bob", "USD")(25))
    assert paths == set()


def test_xrp_to_xrp_needs_no_path(env: Env) -> None:
    """Path_test xrp_to_xrp: nothing to find. The engine leaves a direct XRP payment to the
    Payment transactor (rippled's isDirectXrpToXrp), so no alternative is estimated either."""
    env.fund(XRP(10000), "alice", "bob")
    paths, source, delivered, result = find_paths(env, "alice", "bob", XRP(5))
    assert paths == set()
    assert source is None
    assert delivered == XRP(5)
    assert result["destination_currencies"] == ["XRP"]


def _path_find_01(env: Env) -> None:
    env.fund(XRP(100000), "A1")
    env.fund(XRP(10000), "A2")
    env.fund(XRP(1000), "A3", "G1", "G2", "G3", "M1")
    env.close()
    env.trust("A1", env.iou("G1", "XYZ")(5000))
    env.trust("A1", env.iou("G3", "ABC")(5000))
    env.trust("A2", env.iou("G2", "XYZ")(5000))
    env.trust("A2", env.iou("G3", "ABC")(5000))
    env.trust("A3", env.iou("A2", "ABC")(1000))
    env.trust("M1", env.iou("G1", "XYZ")(100000))
    env.trust("M1", env.iou("G2", "XYZ")(100000))
    env.trust("M1", env.iou("G3", "ABC")(100000))
    env.close()
    env.pay("G1", "A1", env.iou("G1", "XYZ")(3500))
    env.pay("G3", "A1", env.iou("G3", "ABC")(1200))
    env.pay("G2", "M1", env.iou("G2", "XYZ")(25000))
    env.pay("G3", "M1", env.iou("G3", "ABC")(25000))
    env.close()
    env.offer("M1", env.iou("G1", "XYZ")(1000), env.iou("G2", "XYZ")(1000))
    env.offer("M1", XRP(10000), env.iou("G3", "ABC")(1000))


def test_xrp_to_xrp_with_source_currency(env: Env) -> None:
    """Path_test path_find_01: XRP -> XRP, and to an account that does not exist."""
    _path_find_01(env)
    paths, _, delivered, _ = find_paths(env, "A1", "A2", XRP(10), src_currency="XRP")
    assert delivered == XRP(10)
    assert paths == set()
    env.account("A0")
    paths, _, delivered, _ = find_paths(env, "A1", "A0", XRP(200), src_currency="XRP")
    assert delivered == XRP(200)
    assert paths == set()


def test_xrp_to_iou_through_an_offer(env: Env) -> None:
    """Path_test path_find_01: XRP -> IOU through M1's offer, to the gateway itself."""
    _path_find_01(env)
    paths, source, _, _ = find_paths(env, "A2", "G3", env.iou("G3", "ABC")(10), src_currency="XRP")
    assert source == XRP(100)
    assert paths == {(ipe("ABC", "G3"),)}


def test_xrp_in_the_middle_then_rippling_through_the_gateway(env: Env) -> None:
    """Path_test path_find_01: XRP -> book -> G3 -> A2, and on through A2 to A3."""
    _path_find_01(env)
    paths, source, _, _ = find_paths(env, "A1", "A2", env.iou("A2", "ABC")(1), src_currency="XRP")
    assert source == XRP(10)
    assert paths == {(ipe("ABC", "G3"), "G3")}
    paths, source, _, _ = find_paths(env, "A1", "A3", env.iou("A3", "ABC")(1), src_currency="XRP")
    assert source == XRP(10)
    assert paths == {(ipe("ABC", "G3"), "G3", "A2")}


def test_iou_to_xrp_through_the_gateway_and_a_book(env: Env) -> None:
    """Path_test path_find_02: non-XRP -> XRP."""
    env.fund(XRP(1000), "A1", "A2", "G3")
    env.fund(XRP(11000), "M1")
    env.close()
    abc = env.iou("G3", "ABC")
    env.trust("A1", abc(1000))
    env.trust("A2", abc(1000))
    env.trust("M1", abc(100000))
    env.close()
    env.pay("G3", "A1", abc(1000))
    env.pay("G3", "A2", abc(1000))
    env.pay("G3", "M1", abc(1200))
    env.close()
    env.offer("M1", abc(1000), XRP(10000))
    paths, source, delivered, _ = find_paths(env, "A1", "A2", XRP(10), src_currency="ABC")
    assert delivered == XRP(10)
    assert source == env.iou("A1", "ABC")(1)
    assert paths == {("G3", ("book", "XRP", None))}


def test_rippling_through_a_liquidity_provider_without_offers(env: Env) -> None:
    """Path_test path_find_04 (Bitstamp and SnapSwap): HKD ripples through M1, who holds both
    gateways' HKD."""
    env.fund(XRP(1000), "G1BS", "G2SW", "A1", "A2")
    env.fund(XRP(11000), "M1")
    env.close()
    hkd1 = env.iou("G1BS", "HKD")
    hkd2 = env.iou("G2SW", "HKD")
    env.trust("A1", hkd1(2000))
    env.trust("A2", hkd2(2000))
    env.trust("M1", hkd1(100000))
    env.trust("M1", hkd2(100000))
    env.close()
    env.pay("G1BS", "A1", hkd1(1000))
    env.pay("G2SW", "A2", hkd2(1000))
    env.pay("G1BS", "M1", hkd1(1200))
    env.pay("G2SW", "M1", hkd2(5000))
    env.close()

    paths, source, _, _ = find_paths(env, "A1", "A2", env.iou("A2", "HKD")(10), src_currency="HKD")
    assert source == env.iou("A1", "HKD")(10)
    assert paths == {("G1BS", "M1", "G2SW")}
    paths, source, _, _ = find_paths(env, "A2", "A1", env.iou("A1", "HKD")(10), src_currency="HKD")
    assert source == env.iou("A2", "HKD")(10)
    assert paths == {("G2SW", "M1", "G1BS")}
    paths, source, _, _ = find_paths(env, "G1BS", "A2", env.iou("A2", "HKD")(10), src_currency="HKD")
    assert source == env.iou("G1BS", "HKD")(10)
    assert paths == {("M1", "G2SW")}
    paths, source, _, _ = find_paths(env, "M1", "G1BS", env.iou("M1", "HKD")(10), src_currency="HKD")
    assert source == env.iou("M1", "HKD")(10)
    assert paths == set()
    paths, source, _, _ = find_paths(env, "G2SW", "A1", env.iou("A1", "HKD")(10), src_currency="HKD")
    assert source == env.iou("G2SW", "HKD")(10)
    assert paths == {("M1", "G1BS")}


def _path_find_05(env: Env) -> None:
    env.fund(XRP(1000), "A1", "A2", "A3", "G1", "G2", "G3", "G4")
    env.fund(XRP(10000), "A4")
    env.fund(XRP(11000), "M1", "M2")
    env.close()
    hkd1 = env.iou("G1", "HKD")
    hkd2 = env.iou("G2", "HKD")
    env.trust("A1", hkd1(2000))
    env.trust("A2", hkd2(2000))
    env.trust("A3", hkd1(2000))
    for m in ("M1", "M2"):
        env.trust(m, hkd1(100000))
        env.trust(m, hkd2(100000))
    env.close()
    env.pay("G1", "A1", hkd1(1000))
    env.pay("G2", "A2", hkd2(1000))
    env.pay("G1", "A3", hkd1(1000))
    for m in ("M1", "M2"):
        env.pay("G1", m, hkd1(1200))
        env.pay("G2", m, hkd2(5000))
    env.close()
    env.offer("M1", hkd1(1000), hkd2(1000))
    env.offer("M2", XRP(10000), hkd2(1000))
    env.offer("M2", hkd1(1000), XRP(10000))


def test_same_currency_repay_the_issuer(env: Env) -> None:
    """Path_test path_find_05 A and A2: paying the source's own issuer needs no path."""
    _path_find_05(env)
    for amount in (env.iou("G1", "HKD")(10), env.iou("A1", "HKD")(10)):
        paths, source, delivered, _ = find_paths(env, "A1", "G1", amount, src_currency="HKD")
        assert paths == set()
        assert delivered == amount
        assert source == env.iou("A1", "HKD")(10)


def test_same_currency_common_gateway(env: Env) -> None:
    """Path_test path_find_05 B: source -> gateway -> destination."""
    _path_find_05(env)
    paths, source, _, _ = find_paths(env, "A1", "A3", env.iou("A3", "HKD")(10), src_currency="HKD")
    assert source == env.iou("A1", "HKD")(10)
    assert paths == {("G1",)}


def test_gateway_to_gateway_through_books_and_market_makers(env: Env) -> None:
    """Path_test path_find_05 C: two gateways and a book, the market makers, and an XRP bridge."""
    _path_find_05(env)
    paths, source, _, _ = find_paths(env, "G1", "G2", env.iou("G2", "HKD")(10), src_currency="HKD")
    assert source == env.iou("G1", "HKD")(10)
    assert paths == {
        (ipe("HKD", "G2"),),
        ("M1",),
        ("M2",),
        (ipe("XRP"), ipe("HKD", "G2")),
    }


def test_user_to_unlinked_gateway_via_order_book(env: Env) -> None:
    """Path_test path_find_05 D: source -> gateway -> book -> destination."""
    _path_find_05(env)
    paths, source, _, _ = find_paths(env, "A1", "G2", env.iou("G2", "HKD")(10), src_currency="HKD")
    assert source == env.iou("A1", "HKD")(10)
    assert paths == {
        ("G1", "M1"),
        ("G1", "M2"),
        ("G1", ipe("HKD", "G2")),
        ("G1", ipe("XRP"), ipe("HKD", "G2")),
    }


def test_user_to_user_across_two_gateways_and_an_xrp_bridge(env: Env) -> None:
    """Path_test path_find_05 I4: source -> gateway -> book (or XRP bridge) -> gateway -> dest."""
    _path_find_05(env)
    paths, source, _, _ = find_paths(env, "A1", "A2", env.iou("A2", "HKD")(10), src_currency="HKD")
    assert source == env.iou("A1", "HKD")(10)
    assert paths == {
        ("G1", "M1", "G2"),
        ("G1", "M2", "G2"),
        ("G1", ipe("HKD", "G2"), "G2"),
        ("G1", ipe("XRP"), ipe("HKD", "G2"), "G2"),
    }


def test_gateway_to_user_through_a_book(env: Env) -> None:
    """Path_test path_find_06 E: source -> book -> gateway -> destination."""
    env.fund(XRP(11000), "M1")
    env.fund(XRP(1000), "A1", "A2", "A3", "G1", "G2")
    env.close()
    hkd1 = env.iou("G1", "HKD")
    hkd2 = env.iou("G2", "HKD")
    env.trust("A1", hkd1(2000))
    env.trust("A2", hkd2(2000))
    env.trust("A3", env.iou("A2", "HKD")(2000))
    env.trust("M1", hkd1(100000))
    env.trust("M1", hkd2(100000))
    env.close()
    env.pay("G1", "A1", hkd1(1000))
    env.pay("G2", "A2", hkd2(1000))
    env.pay("G1", "M1", hkd1(5000))
    env.pay("G2", "M1", hkd2(5000))
    env.close()
    env.offer("M1", hkd1(1000), hkd2(1000))
    paths, source, delivered, _ = find_paths(env, "G1", "A2", env.iou("A2", "HKD")(10), src_currency="HKD")
    assert delivered == env.iou("A2", "HKD")(10)
    assert source == env.iou("G1", "HKD")(10)
    assert paths == {("M1", "G2"), (ipe("HKD", "G2"), "G2")}


def test_receive_max_xrp_to_iou(env: Env) -> None:
    """Path_test receive_max: as much USD as 100 XRP can buy through charlie's offer."""
    env.fund(XRP(10000), "alice", "bob", "charlie", "gw")
    env.close()
    usd = env.iou("gw", "USD")
    for who in ("alice", "bob", "charlie"):
        env.trust(who, usd(100))
    env.close()
    env.pay("gw", "charlie", usd(10))
    env.close()
    env.offer("charlie", XRP(10), usd(10))
    paths, source, delivered, _ = find_paths(env, "alice", "bob", usd(-1), send_max=XRP(100))
    assert source == XRP(10)
    assert delivered == usd(10)
    assert paths == {(ipe("USD", "gw"),)}


def test_receive_max_iou_to_xrp(env: Env) -> None:
    """Path_test receive_max: as much XRP as 100 USD can buy through charlie's offer."""
    env.fund(XRP(10000), "alice", "bob", "charlie", "gw")
    env.close()
    usd = env.iou("gw", "USD")
    for who in ("alice", "bob", "charlie"):
        env.trust(who, usd(100))
    env.close()
    env.pay("gw", "alice", usd(10))
    env.close()
    env.offer("charlie", usd(10), XRP(10))
    paths, source, delivered, _ = find_paths(env, "alice", "bob", STAmount.from_drops(-1), send_max=usd(100))
    assert source == usd(10)
    assert delivered == XRP(10)
    assert paths == {(ipe("XRP"),)}


@pytest.mark.parametrize(
    ("alice_ripple", "bob_ripple", "expect_path"),
    [(True, True, True), (True, False, True), (False, True, True), (False, False, False)],
    ids=["ripple-ripple", "ripple-noripple", "noripple-ripple", "noripple-noripple"],
)
def test_noripple_combinations(env: Env, alice_ripple: bool, bob_ripple: bool, expect_path: bool) -> None:
    """Path_test noripple_combinations: george ripples only where he has not set NoRipple on
    both of his lines."""
    env.fund(XRP(10000), "alice", "bob", "george", default_ripple=False)
    env.close()
    usd = env.iou("george", "USD")
    env.trust("alice", usd(100), flags=tfClearNoRipple if alice_ripple else tfSetNoRipple)
    env.trust("george", env.iou("alice", "USD")(100), flags=tfClearNoRipple if alice_ripple else tfSetNoRipple)
    env.trust("bob", usd(100), flags=tfClearNoRipple if bob_ripple else tfSetNoRipple)
    env.trust("george", env.iou("bob", "USD")(100), flags=tfClearNoRipple if bob_ripple else tfSetNoRipple)
    env.close()
    env.pay("george", "alice", usd(70))
    paths, source, delivered, _ = find_paths(env, "alice", "bob", env.iou("bob", "USD")(5))
    assert delivered == env.iou("bob", "USD")(5)
    if expect_path:
        assert paths == {("george",)}
        assert source == env.iou("alice", "USD")(5)
    else:
        assert paths == set()
        assert source is None
