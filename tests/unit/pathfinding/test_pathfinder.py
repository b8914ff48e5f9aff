"""The search itself: levels, pruning, the issuer the sender spends, the step budget, and
answers that depend only on the ledger (rippled's Pathfinder, with xpay's budget)."""

from __future__ import annotations

from typing import Any

import pytest

from bench.worlds import WorldBuilder
from pathfinding.budget import FLOW_STEPS, SearchBudget
from pathfinding.engine import PathfindingEngine
from pathfinding.index import PathIndex
from pathfinding.pathfinder import MAX_CANDIDATES, Pathfinder
from pathfinding.request import PathRequestError, SearchLevels, amount_from_json, ripple_path_find
from xpay.amounts import Issue, STAmount, currency_from_code
from xpay.codec import decode_account_id, encode_account_id
from xpay.protocol.ids import AccountID

USD = currency_from_code("USD")


def _hub_world(hubs: int) -> tuple[PathIndex, AccountID, AccountID, AccountID, list[AccountID]]:
    """src holds USD at gw1, dst at gw2; `hubs` liquidity providers hold USD at both."""
    b = WorldBuilder()
    gw1 = b.account("gw1", default_ripple=True)
    gw2 = b.account("gw2", default_ripple=True)
    src = b.account("src")
    dst = b.account("dst")
    b.trust(src, gw1, "USD", "1000", "500")
    b.trust(dst, gw2, "USD", "1000")
    providers = []
    for i in range(hubs):
        hub = b.account(f"hub{i:02}", default_ripple=True)
        b.trust(hub, gw1, "USD", "1000")
        b.trust(hub, gw2, "USD", "1000", str(10 + i))
        providers.append(hub)
    return PathIndex(b.close()), src, dst, gw1, providers


def _params(src: AccountID, dst: AccountID, value: str = "5", **extra: Any) -> dict[str, Any]:
    return {
        "source_account": encode_account_id(src),
        "destination_account": encode_account_id(dst),
        "destination_amount": {"currency": "USD", "issuer": encode_account_id(dst), "value": value},
        **extra,
    }


def _pathfinder(index: PathIndex, src: AccountID, dst: AccountID, level: int, budget: SearchBudget | None = None) -> Pathfinder:
    amount = STAmount.from_value_text("5", Issue(USD, dst))
    pathfinder = Pathfinder(index, src, dst, USD, None, amount, None, budget or SearchBudget(None))
    assert pathfinder.find_paths(level)
    return pathfinder


def test_paths_through_liquidity_providers_need_level_seven() -> None:
    """src -> gw1 -> hub -> gw2 -> dst is the shape "saaad", tried from level 7 on."""
    index, src, dst, gw1, hubs = _hub_world(3)
    assert _pathfinder(index, src, dst, 6).complete_paths == []
    found = _pathfinder(index, src, dst, 7).complete_paths
    assert {p[1].account for p in found} == set(hubs)
    assert all(p[0].account == gw1 and len(p) == 3 for p in found)


def test_at_most_ten_accounts_are_kept_per_step() -> None:
    """rippled keeps the ten accounts with the most ways onward (fifty from the source)."""
    index, src, dst, _gw1, hubs = _hub_world(MAX_CANDIDATES + 4)
    found = _pathfinder(index, src, dst, 7).complete_paths
    kept = {p[1].account for p in found}
    assert len(kept) == MAX_CANDIDATES
    # All offer the same ways onward: the tie goes by account, highest first.
    assert kept == set(sorted(hubs, reverse=True)[:MAX_CANDIDATES])


def test_paths_must_start_at_the_issuer_the_sender_spends() -> None:
    """source_currencies naming an issuer: paths start at that issuer, which the payment's
    SendMax then implies, so it is dropped from the returned paths."""
    b = WorldBuilder()
    gw1 = b.account("gw1", default_ripple=True)
    gw2 = b.account("gw2", default_ripple=True)
    src = b.account("src")
    dst = b.account("dst")
    b.trust(src, gw1, "USD", "1000", "100")
    b.trust(src, gw2, "USD", "1000", "100")
    b.trust(dst, gw1, "USD", "1000")
    b.trust(dst, gw2, "USD", "1000")
    index = PathIndex(b.close())
    levels = SearchLevels(7, 7, 10)
    result = ripple_path_find(index, _params(src, dst), levels=levels)
    (usd,) = [a for a in result["alternatives"] if isinstance(a["source_amount"], dict)]
    assert sorted(p[0]["account"] for p in usd["paths_computed"]) == sorted(encode_account_id(g) for g in (gw1, gw2))
    result = ripple_path_find(
        index, _params(src, dst, source_currencies=[{"currency": "USD", "issuer": encode_account_id(gw2)}]), levels=levels
    )
    (alternative,) = result["alternatives"]
    source = amount_from_json(alternative["source_amount"])
    assert source.issue.account == gw2 and source == STAmount.from_value_text("5", Issue(USD, gw2))
    # The only way from gw2's USD is gw2 itself, implied: no path left to name.
    assert alternative["paths_computed"] == []


def test_a_small_budget_stops_the_search_but_still_answers() -> None:
    index, src, dst, _gw1, _hubs = _hub_world(6)
    levels = SearchLevels(7, 7, 10)
    full = SearchBudget(None)
    complete = ripple_path_find(index, _params(src, dst), levels=levels, budget=full)
    assert complete["alternatives"] and complete["alternatives"][0]["paths_computed"]
    assert not full.exhausted

    tiny = SearchBudget(3 * FLOW_STEPS)
    partial = ripple_path_find(index, _params(src, dst), levels=levels, budget=tiny)
    assert tiny.exhausted
    assert tiny.used < full.used
    # The estimate per source currency is still made, over whatever was found in time.
    assert set(partial) == set(complete)
    assert len(partial["alternatives"]) <= len(complete["alternatives"])


def test_no_budget_at_all_still_estimates_the_default_path() -> None:
    b = WorldBuilder()
    src = b.account("src")
    dst = b.account("dst")
    b.trust(dst, src, "USD", "100")  # dst takes src's own USD: the default path works
    index = PathIndex(b.close())
    budget = SearchBudget(0)
    result = ripple_path_find(index, _params(src, dst), levels=SearchLevels(7, 7, 10), budget=budget)
    usd = [a for a in result["alternatives"] if isinstance(a["source_amount"], dict)]
    assert len(usd) == 1 and usd[0]["paths_computed"] == []
    assert decode_account_id(usd[0]["source_amount"]["issuer"]) == src


def test_same_request_same_ledger_same_answer() -> None:
    """No clock, no randomness: the answer and the work done depend on the ledger alone."""
    index, src, dst, _gw1, _hubs = _hub_world(12)
    levels = SearchLevels(7, 7, 10)
    first, second = SearchBudget(None), SearchBudget(None)
    a = ripple_path_find(index, _params(src, dst), levels=levels, budget=first)
    b = ripple_path_find(PathIndex(index.ledger), _params(src, dst), levels=levels, budget=second)
    assert a == b
    assert first.used == second.used


def test_negative_budget_is_refused() -> None:
    with pytest.raises(ValueError):
        SearchBudget(-1)


def test_search_levels_must_be_ordered() -> None:
    with pytest.raises(ValueError):
        SearchLevels(fast=5, normal=3, max=4)


def test_bad_subcommand_names_rippleds_error() -> None:
    index, src, dst, _gw1, _hubs = _hub_world(1)
    engine = PathfindingEngine(index.ledger)
    with pytest.raises(PathRequestError) as caught:
        engine.path_find("client", {**_params(src, dst), "subcommand": "update"})
    assert caught.value.token == "invalidParams"


def test_search_level_asks_for_a_deeper_search_up_to_the_nodes_maximum() -> None:
    """xpay's `search_level`: the hub route (level 7) at a node whose normal level is 4."""
    index, src, dst, _gw1, _hubs = _hub_world(2)

    def usd_paths(levels: SearchLevels, **extra: Any) -> int:
        result = ripple_path_find(index, _params(src, dst, source_currencies=[{"currency": "USD"}], **extra), levels=levels)
        return sum(len(a["paths_computed"]) for a in result["alternatives"])

    assert usd_paths(SearchLevels(2, 4, 10)) == 0
    assert usd_paths(SearchLevels(2, 4, 10), search_level=7) == 2
    assert usd_paths(SearchLevels(2, 4, 6), search_level=7) == 0  # capped at the maximum
    for bad in (-1, 11, "7", 7.0, True):
        with pytest.raises(PathRequestError) as caught:
            ripple_path_find(index, _params(src, dst, search_level=bad), levels=SearchLevels(2, 4, 10))
        assert caught.value.token == "invalidParams"
