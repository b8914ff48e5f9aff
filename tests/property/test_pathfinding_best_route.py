"""The pathfinder's best alternative delivers at least what the best route of an exhaustive
search delivers, for the same SendMax (pathfinder vs exhaustive search, as STYLE.md asks).

Random small cross-border worlds: a sender holding USD at one or two gateways, a receiver taking
EUR (or USD) at others, market makers and intermediaries holding several gateways' money, books
between gateway issues and XRP at random rates, some lines without credit or with NoRipple.
The request is "as much as possible" (-1) for a SendMax in the sender's currency; the reference
(pathfinding.exhaustive) runs every path of the same shapes and level alone through the engine,
and the default path, and keeps the one delivering the most.
"""

from __future__ import annotations

from hypothesis import event, given
from hypothesis import strategies as st

from bench.worlds import WorldBuilder, iou, xrp
from pathfinding.budget import SearchBudget
from pathfinding.exhaustive import best_single_path, enumerate_paths
from pathfinding.index import PathIndex
from pathfinding.pathfinder import minus_one
from pathfinding.request import SearchLevels, amount_from_json, ripple_path_find
from xpay.amounts import Issue, STAmount, currency_from_code
from xpay.codec import encode_account_id
from xpay.protocol.ids import AccountID

LEVEL = 5


def _world(data: st.DataObject) -> tuple[PathIndex, AccountID, AccountID, str, str]:
    b = WorldBuilder()
    gateways = [b.account(f"gw{i}", 1000, default_ripple=True) for i in range(3)]
    src = b.account("src", 1000)
    dst = b.account("dst", 1000)
    makers = [b.account(f"mm{i}", 5000) for i in range(3)]
    send_code = "USD"
    dst_code = data.draw(st.sampled_from(["USD", "EUR"]), label="destination currency")
    lines: set[tuple[AccountID, AccountID, str]] = set()

    def trust(holder: AccountID, gw: AccountID, code: str, balance: int, **flags: bool) -> None:
        if (holder, gw, code) not in lines:
            lines.add((holder, gw, code))
            b.trust(holder, gw, code, "100000", str(balance), **flags)

    usd = currency_from_code(send_code)
    src_issues = [Issue(usd, gw) for gw in gateways[:2]]
    for issue in src_issues:
        # Now and then a line the sender cannot send over (frozen, or nothing held).
        trust(src, issue.account, send_code, data.draw(st.integers(0, 500)), frozen=data.draw(st.integers(0, 9)) == 0)
    dst_issues = [Issue(currency_from_code(dst_code), gw) for gw in gateways[1:]]
    for issue in dst_issues:
        trust(dst, issue.account, dst_code, 0)
    # Hubs ripple one currency between the gateways (DefaultRipple, balances at each).
    for i, code in enumerate(("USD", "EUR")):
        if data.draw(st.booleans(), label=f"{code} hub"):
            hub = b.account(f"hub{i}", 1000, default_ripple=True)
            for gw in gateways:
                trust(hub, gw, code, data.draw(st.integers(0, 300)))

    def offer(maker: AccountID, pays_issue: Issue | None, gets_issue: Issue | None) -> None:
        gets_n = data.draw(st.integers(1, 300))
        pays_n = data.draw(st.integers(1, 300))
        if gets_issue is None:
            gets = xrp(gets_n)
        else:
            # The maker holds what it sells (sometimes less than it offers).
            trust(maker, gets_issue.account, _code(gets_issue), data.draw(st.integers(gets_n // 2, gets_n * 2)))
            gets = iou(_code(gets_issue), gets_issue.account, gets_n)
        if pays_issue is None:
            pays = xrp(pays_n)
        else:
            trust(maker, pays_issue.account, _code(pays_issue), 0)
            pays = iou(_code(pays_issue), pays_issue.account, pays_n)
        b.offer(maker, pays, gets)

    # Books from what the sender holds towards what the receiver takes, directly or through
    # XRP, each present or not; and a few between anything.
    for pays_issue in [None, *src_issues]:
        for gets_issue in [None, *dst_issues]:
            if pays_issue != gets_issue and data.draw(st.booleans()):
                offer(data.draw(st.sampled_from(makers)), pays_issue, gets_issue)
    anything = st.sampled_from([None, *(Issue(currency_from_code(c), gw) for c in ("USD", "EUR") for gw in gateways)])
    for _ in range(data.draw(st.integers(0, 3), label="other offers")):
        pays_issue, gets_issue = data.draw(anything), data.draw(anything)
        if pays_issue != gets_issue:
            offer(data.draw(st.sampled_from(makers)), pays_issue, gets_issue)
    return PathIndex(b.close()), src, dst, send_code, dst_code


def _code(issue: Issue) -> str:
    return issue.currency[12:15].decode()


@given(data=st.data())
def test_best_alternative_delivers_at_least_the_best_exhaustive_route(data: st.DataObject) -> None:
    index, src, dst, send_code, dst_code = _world(data)
    send_value = data.draw(st.integers(1, 400), label="send max")
    send_max = STAmount.from_value_text(str(send_value), Issue(currency_from_code(send_code), src))
    deliver = minus_one(Issue(currency_from_code(dst_code), dst))
    params = {
        "source_account": encode_account_id(src),
        "destination_account": encode_account_id(dst),
        "destination_amount": {"currency": dst_code, "issuer": encode_account_id(dst), "value": "-1"},
        "send_max": {"currency": send_code, "issuer": encode_account_id(src), "value": str(send_value)},
    }
    result = ripple_path_find(index, params, levels=SearchLevels(LEVEL, LEVEL, LEVEL), budget=SearchBudget(None))
    delivered = [amount_from_json(a["destination_amount"]) for a in result["alternatives"]]
    spent = [amount_from_json(a["source_amount"]) for a in result["alternatives"]]
    assert all(s <= send_max.with_issue(s.issue) for s in spent)
    engine_best = max(delivered, default=STAmount.zero(deliver.issue))
    reference = best_single_path(index, src, dst, deliver, send_max, LEVEL)
    event(f"exhaustive search: {'a route' if reference is not None else 'no route'}")
    if reference is None:
        assert not delivered, "the engine found a route the exhaustive search did not"
        return
    event(f"routes tried by the exhaustive search: {min(reference.paths_tried, 10)}{'+' if reference.paths_tried >= 10 else ''}")
    assert engine_best >= reference.delivered, (
        f"engine delivers {engine_best.value_text()}, the exhaustive search's best path "
        f"{reference.path} delivers {reference.delivered.value_text()}"
    )


def test_exhaustive_search_finds_the_two_gateway_route() -> None:
    """The reference itself: src -> gw1 -> book -> gw2 -> dst is enumerated and delivers."""
    b = WorldBuilder()
    gw1 = b.account("gw1", default_ripple=True)
    gw2 = b.account("gw2", default_ripple=True)
    src = b.account("src")
    dst = b.account("dst")
    mm = b.account("mm")
    b.trust(src, gw1, "USD", "1000", "100")
    b.trust(dst, gw2, "EUR", "1000")
    b.trust(mm, gw1, "USD", "1000")
    b.trust(mm, gw2, "EUR", "1000", "500")
    b.offer(mm, iou("USD", gw1, 100), iou("EUR", gw2, 90))
    index = PathIndex(b.close())
    deliver = minus_one(Issue(currency_from_code("EUR"), dst))
    paths = enumerate_paths(index, src, dst, deliver, currency_from_code("USD"), 3)
    assert any(len(p) == 3 and p[0].account == gw1 and p[1].is_offer and p[2].account == gw2 for p in paths)
    send_max = STAmount.from_value_text("50", Issue(currency_from_code("USD"), src))
    best = best_single_path(index, src, dst, deliver, send_max, 3)
    assert best is not None and best.path is not None
    assert best.delivered == STAmount.from_value_text("45", deliver.issue)


def test_unfunded_offer_atop_a_book_does_not_cost_the_better_route() -> None:
    """Shrunk from the property above. Two routes from gw0's USD to the receiver: a book into
    gw1's USD at 3:1 topped by an unfunded 1:1 offer, and a book into gw2's USD at 2:1. The
    engine runs strands by an upper bound of their quality, so with both paths the gw1 strand
    (its bound set by the unfunded offer) spends the whole SendMax at 3:1 and delivers 1/3;
    gw2's path alone delivers 1/2, and the answer must be that."""
    b = WorldBuilder()
    gw0, gw1, gw2 = (b.account(f"gw{i}", 1000, default_ripple=True) for i in range(3))
    src = b.account("src", 1000)
    dst = b.account("dst", 1000)
    maker, broke = b.account("mm0", 5000), b.account("mm1", 5000)
    b.trust(src, gw0, "USD", "100000", "1")
    b.trust(src, gw1, "USD", "100000", "0", frozen=True)
    b.trust(dst, gw1, "USD", "100000")
    b.trust(dst, gw2, "USD", "100000")
    b.trust(maker, gw0, "USD", "100000")
    b.trust(maker, gw1, "USD", "100000", "1")
    b.trust(maker, gw2, "USD", "100000", "1")
    b.offer(maker, iou("USD", gw0, 3), iou("USD", gw1, 1))
    b.offer(maker, iou("USD", gw0, 2), iou("USD", gw2, 1))
    b.trust(broke, gw0, "USD", "100000")
    b.trust(broke, gw1, "USD", "100000", "0")
    b.offer(broke, iou("USD", gw0, 1), iou("USD", gw1, 1))  # unfunded
    index = PathIndex(b.close())
    params = {
        "source_account": encode_account_id(src),
        "destination_account": encode_account_id(dst),
        "destination_amount": {"currency": "USD", "issuer": encode_account_id(dst), "value": "-1"},
        "send_max": {"currency": "USD", "issuer": encode_account_id(src), "value": "1"},
    }
    result = ripple_path_find(index, params, levels=SearchLevels(LEVEL, LEVEL, LEVEL), budget=SearchBudget(None))
    (alternative,) = result["alternatives"]
    assert amount_from_json(alternative["destination_amount"]) == STAmount.from_value_text("0.5", Issue(currency_from_code("USD"), dst))
    assert len(alternative["paths_computed"]) == 1
