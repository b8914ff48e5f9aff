"""Table-driven offer placement and crossing corner cases, restated from rippled's
Offer_test::testPartialCross and Offer_test::testSellOffer.

Each row funds a fresh account, has the gateway put a 1:1 XRP/USD offer on the book (or not),
optionally pre-establishes a trust line, then has the account place an offer, and checks the
result code, the XRP spent (fees included), the USD held, and the account's offers and owned
objects. The reserve is rippled's unit-test one: 200 XRP plus 50 XRP per object.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from tests.support.env import XRP, Env
from tests.unit.flow.jtx import FEE, offer_cancel, offers, plus, reserve, rippled_env
from xpay.amounts import STAmount
from xpay.protocol.flags import tfSell


class PartialCross(NamedTuple):
    account: str
    fund: tuple[int, int, int]  # (XRP, reserve count, fees)
    book: int
    pre_trust: str  # "", "gw" or "acct"
    offer: int
    tec: str
    spent: tuple[int, int]  # (XRP, fees)
    usd: str
    offers: int
    owners: int


# rippled's table, with fundXrp = XRP(a) + reserve(b) + c*f and spentXrp = XRP(a) + c*f.
PARTIAL_CROSS = [
    PartialCross("ann", (0, 0, 0), 1, "", 1000, "tecUNFUNDED_OFFER", (0, 1), "0", 0, 0),
    PartialCross("bev", (0, 0, 1), 1, "", 1000, "tecUNFUNDED_OFFER", (0, 1), "0", 0, 0),
    PartialCross("cam", (0, 0, 2), 0, "", 1000, "tecINSUF_RESERVE_OFFER", (0, 1), "0", 0, 0),
    PartialCross("deb", (0, 0, 2), 1, "", 1000, "tesSUCCESS", (0, 2), "0.00001", 0, 1),
    PartialCross("eve", (0, 1, 0), 0, "", 1000, "tesSUCCESS", (0, 1), "0", 1, 1),
    PartialCross("flo", (0, 1, 0), 1, "", 1000, "tesSUCCESS", (1, 1), "1", 0, 1),
    PartialCross("gay", (0, 1, 1), 1000, "", 1000, "tesSUCCESS", (50, 1), "50", 0, 1),
    PartialCross("hye", (1000, -1, 1), 1000, "", 1000, "tesSUCCESS", (800, 1), "800", 0, 1),
    PartialCross("ivy", (1, 1, 1), 1, "", 1000, "tesSUCCESS", (1, 1), "1", 0, 1),
    PartialCross("joy", (1, 2, 1), 1, "", 1000, "tesSUCCESS", (1, 1), "1", 1, 2),
    PartialCross("kim", (900, 2, 1), 999, "", 1000, "tesSUCCESS", (999, 1), "999", 0, 1),
    PartialCross("liz", (998, 0, 1), 999, "", 1000, "tesSUCCESS", (998, 1), "998", 0, 1),
    PartialCross("meg", (998, 1, 1), 999, "", 1000, "tesSUCCESS", (999, 1), "999", 0, 1),
    PartialCross("nia", (998, 2, 1), 999, "", 1000, "tesSUCCESS", (999, 1), "999", 1, 2),
    PartialCross("ova", (999, 0, 1), 1000, "", 1000, "tesSUCCESS", (999, 1), "999", 0, 1),
    PartialCross("pam", (999, 1, 1), 1000, "", 1000, "tesSUCCESS", (1000, 1), "1000", 0, 1),
    PartialCross("rae", (999, 2, 1), 1000, "", 1000, "tesSUCCESS", (1000, 1), "1000", 0, 1),
    PartialCross("sue", (1000, 2, 1), 0, "", 1000, "tesSUCCESS", (0, 1), "0", 1, 1),
    PartialCross("abe", (0, 0, 0), 1, "gw", 1000, "tecUNFUNDED_OFFER", (0, 1), "0", 0, 0),
    PartialCross("bud", (0, 0, 1), 1, "gw", 1000, "tecUNFUNDED_OFFER", (0, 1), "0", 0, 0),
    PartialCross("che", (0, 0, 2), 0, "gw", 1000, "tecINSUF_RESERVE_OFFER", (0, 1), "0", 0, 0),
    PartialCross("dan", (0, 0, 2), 1, "gw", 1000, "tesSUCCESS", (0, 2), "0.00001", 0, 0),
    PartialCross("eli", (20, 0, 1), 1000, "gw", 1000, "tesSUCCESS", (20, 1), "20", 0, 0),
    PartialCross("fyn", (0, 1, 0), 0, "gw", 1000, "tesSUCCESS", (0, 1), "0", 1, 1),
    PartialCross("gar", (0, 1, 0), 1, "gw", 1000, "tesSUCCESS", (1, 1), "1", 1, 1),
    PartialCross("hal", (0, 1, 1), 1, "gw", 1000, "tesSUCCESS", (1, 1), "1", 1, 1),
    PartialCross("ned", (0, 1, 0), 1, "acct", 1000, "tecUNFUNDED_OFFER", (0, 2), "0", 0, 1),
    PartialCross("ole", (0, 1, 1), 1, "acct", 1000, "tecUNFUNDED_OFFER", (0, 2), "0", 0, 1),
    PartialCross("pat", (0, 1, 2), 0, "acct", 1000, "tecUNFUNDED_OFFER", (0, 2), "0", 0, 1),
    PartialCross("quy", (0, 1, 2), 1, "acct", 1000, "tecUNFUNDED_OFFER", (0, 2), "0", 0, 1),
    PartialCross("ron", (0, 1, 3), 0, "acct", 1000, "tecINSUF_RESERVE_OFFER", (0, 2), "0", 0, 1),
    PartialCross("syd", (0, 1, 3), 1, "acct", 1000, "tesSUCCESS", (0, 3), "0.00001", 0, 1),
    PartialCross("ted", (20, 1, 2), 1000, "acct", 1000, "tesSUCCESS", (20, 2), "20", 0, 1),
    PartialCross("uli", (0, 2, 0), 0, "acct", 1000, "tecINSUF_RESERVE_OFFER", (0, 2), "0", 0, 1),
    PartialCross("vic", (0, 2, 0), 1, "acct", 1000, "tesSUCCESS", (1, 2), "1", 0, 1),
    PartialCross("wes", (0, 2, 1), 0, "acct", 1000, "tesSUCCESS", (0, 2), "0", 1, 2),
    PartialCross("xan", (0, 2, 1), 1, "acct", 1000, "tesSUCCESS", (1, 2), "1", 1, 2),
]


def _fund_amount(env: Env, xrp: int, reserve_count: int, fees: int) -> STAmount:
    base = XRP(xrp).mantissa
    if reserve_count >= 0:
        base += reserve(env, reserve_count).mantissa
    return STAmount.from_drops(base + fees * FEE)


@pytest.mark.parametrize("row", PARTIAL_CROSS, ids=[r.account for r in PARTIAL_CROSS])
def test_partial_cross(row: PartialCross) -> None:
    """Offer_test::testPartialCross: an account offers 1000 XRP for 1000 USD against a gateway
    offer of `book` USD at 1:1. Shows how the reserve limits what can cross (crossing may use
    one object's reserve when no USD line exists yet, since the line created is paid from it),
    and when the remainder is placed. "deb" / "dan" / "syd" can spend only what the fee left
    above the reserve, 10 drops, and get 0.00001 USD for it."""
    env = rippled_env()
    gw = env.account("gateway")
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000000), gw)
    acct = env.account(row.account)
    fund = _fund_amount(env, *row.fund)
    env.fund(fund, acct)
    env.close()
    if row.book:
        env.offer(gw, XRP(row.book), USD(row.book))
    env.close()
    gw_offer_seq = env.seq(gw) - 1
    if row.pre_trust == "gw":
        env.trust(gw, env.iou(acct, "USD")(1))
    if row.pre_trust == "acct":
        env.trust(acct, USD(1))
    env.close()
    env.offer(acct, USD(row.offer), XRP(row.offer), expect=row.tec)
    env.close()
    acct_offer_seq = env.seq(acct) - 1

    assert env.balance(acct, USD) == USD(row.usd)
    assert env.balance(acct) == plus(fund, -XRP(row.spent[0]).mantissa, -row.spent[1] * FEE)
    assert len(offers(env, acct)) == row.offers
    assert env.owner_count(acct) == row.owners
    if row.offers:
        leftover = row.offer - row.book
        assert offers(env, acct) == [(USD(leftover), XRP(leftover))]
    if not row.pre_trust:
        line = env.line(acct, gw, "USD")
        if USD(row.usd).signum():
            # A line the crossing created: default in every way but its balance.
            assert line is not None
            assert line.low_limit.signum() == 0 and line.high_limit.signum() == 0
        else:
            assert line is None
    offer_cancel(env, acct, acct_offer_seq)
    offer_cancel(env, gw, gw_offer_seq)
    env.close()


class SellRow(NamedTuple):
    account: str
    fund: tuple[int, int, int]  # (XRP, reserve count, fees)
    fund_usd: int
    gw_gets: str
    gw_pays: str
    acct_gets: str
    acct_pays: str
    tec: str
    spent: tuple[int, int]  # (XRP, fees)
    final_usd: int
    offers: int
    owners: int
    taker_gets: str = ""
    taker_pays: str = ""


SELL_OFFER = [
    # The account pays XRP.
    SellRow("ann", (10, 0, 1), 0, "XRP 10", "USD 5", "USD 10", "XRP 10", "tecINSUF_RESERVE_OFFER", (0, 1), 0, 0, 0),
    SellRow("bev", (10, 1, 1), 0, "XRP 10", "USD 5", "USD 10", "XRP 10", "tesSUCCESS", (0, 1), 0, 1, 1, "XRP 10", "USD 10"),
    SellRow("cam", (10, 0, 1), 0, "XRP 10", "USD 10", "USD 10", "XRP 10", "tesSUCCESS", (10, 1), 10, 0, 1),
    SellRow("deb", (10, 0, 1), 0, "XRP 10", "USD 20", "USD 10", "XRP 10", "tesSUCCESS", (10, 1), 20, 0, 1),
    SellRow("eve", (10, 0, 1), 0, "XRP 10", "USD 20", "USD 5", "XRP 5", "tesSUCCESS", (5, 1), 10, 0, 1),
    SellRow("flo", (10, 0, 1), 0, "XRP 10", "USD 20", "USD 20", "XRP 20", "tesSUCCESS", (10, 1), 20, 0, 1),
    SellRow("gay", (20, 1, 1), 0, "XRP 10", "USD 20", "USD 20", "XRP 20", "tesSUCCESS", (10, 1), 20, 0, 1),
    SellRow("hye", (20, 2, 1), 0, "XRP 10", "USD 20", "USD 20", "XRP 20", "tesSUCCESS", (10, 1), 20, 1, 2, "XRP 10", "USD 10"),
    # The account pays USD.
    SellRow("meg", (0, 1, 2), 10, "USD 10", "XRP 5", "XRP 10", "USD 10", "tecINSUF_RESERVE_OFFER", (0, 2), 10, 0, 1),
    SellRow("nia", (0, 2, 2), 10, "USD 10", "XRP 5", "XRP 10", "USD 10", "tesSUCCESS", (0, 2), 10, 1, 2, "USD 10", "XRP 10"),
    SellRow("ova", (0, 1, 2), 10, "USD 10", "XRP 10", "XRP 10", "USD 10", "tesSUCCESS", (-10, 2), 0, 0, 1),
    SellRow("pam", (0, 1, 2), 10, "USD 10", "XRP 20", "XRP 10", "USD 10", "tesSUCCESS", (-20, 2), 0, 0, 1),
    SellRow("qui", (0, 1, 2), 10, "USD 20", "XRP 40", "XRP 10", "USD 10", "tesSUCCESS", (-20, 2), 0, 0, 1),
    SellRow("rae", (0, 2, 2), 10, "USD 5", "XRP 5", "XRP 10", "USD 10", "tesSUCCESS", (-5, 2), 5, 1, 2, "USD 5", "XRP 5"),
    SellRow("sue", (0, 2, 2), 10, "USD 5", "XRP 10", "XRP 10", "USD 10", "tesSUCCESS", (-10, 2), 5, 1, 2, "USD 5", "XRP 5"),
]


@pytest.mark.parametrize("row", SELL_OFFER, ids=[r.account for r in SELL_OFFER])
def test_sell_offer(row: SellRow) -> None:
    """Offer_test::testSellOffer: tfSell offers against one gateway offer. A sell offer spends
    all it offers when the book is better than its price ("deb" sells 10 XRP and gets 20 USD
    though it asked for 10), and the placed remainder keeps the offer's own rate ("rae", "sue")."""
    env = rippled_env()
    gw = env.account("gateway")
    USD = env.iou(gw, "USD")

    def amount(text: str) -> STAmount:
        code, value = text.split()
        return XRP(int(value)) if code == "XRP" else USD(value)

    env.fund(XRP(10000000), gw)
    acct = env.account(row.account)
    fund = _fund_amount(env, *row.fund)
    env.fund(fund, acct)
    env.close()
    if row.fund_usd:
        env.trust(acct, USD(row.fund_usd))
        env.close()
        env.pay(gw, acct, USD(row.fund_usd))
        env.close()
    env.offer(gw, amount(row.gw_gets), amount(row.gw_pays))
    env.close()
    gw_offer_seq = env.seq(gw) - 1
    env.offer(acct, amount(row.acct_gets), amount(row.acct_pays), flags=tfSell, expect=row.tec)
    env.close()
    acct_offer_seq = env.seq(acct) - 1

    assert env.balance(acct, USD) == USD(row.final_usd)
    assert env.balance(acct) == plus(fund, -XRP(row.spent[0]).mantissa, -row.spent[1] * FEE)
    assert len(offers(env, acct)) == row.offers
    assert env.owner_count(acct) == row.owners
    if row.offers:
        assert offers(env, acct) == [(amount(row.taker_pays), amount(row.taker_gets))]
    offer_cancel(env, acct, acct_offer_seq)
    offer_cancel(env, gw, gw_offer_seq)
    env.close()
