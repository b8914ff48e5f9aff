"""Alternatives from several source currencies, and Payments that use them.

rippled's PathRequest answers with one alternative per source currency that can deliver; a
client then submits a Payment with the alternative's paths and its source amount as SendMax.
When nothing moved in between, the payment must deliver exactly what was asked and cost
exactly what the search estimated (both run the same payment engine on the same ledger).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from pathfinding.index import PathIndex
from pathfinding.request import SearchLevels, amount_from_json, ripple_path_find
from tests.support.env import XRP, Env
from tests.unit.pathfinding.pathtools import native_paths, request
from xpay.amounts import STAmount, currency_to_code
from xpay.ledger.funds import with_issuer
from xpay.protocol.flags import tfPartialPayment
from xpay.protocol.transaction_types import TransactionType

LEVELS = SearchLevels(fast=4, normal=4, max=6)


def _cross_border(env: Env) -> None:
    """alice holds USD and EUR at the gateway; bob takes USD only; a market maker sells USD
    for EUR and for XRP; the gateway charges 0.2 % to ripple its IOUs."""
    env.fund(XRP(10000), "alice", "bob", "gateway", "mm")
    env.close()
    env({"TransactionType": TransactionType.AccountSet, "Account": "gateway", "TransferRate": 1_002_000_000})
    usd = env.iou("gateway", "USD")
    eur = env.iou("gateway", "EUR")
    env.trust("alice", usd(1000))
    env.trust("alice", eur(1000))
    env.trust("bob", usd(1000))
    env.trust("mm", usd(10000))
    env.trust("mm", eur(10000))
    env.close()
    env.pay("gateway", "alice", usd(100))
    env.pay("gateway", "alice", eur(100))
    env.pay("gateway", "mm", usd(5000))
    env.close()
    env.offer("mm", eur(110), usd(100))  # 1.1 EUR per USD
    env.offer("mm", XRP(250), usd(100))  # 2.5 XRP per USD
    env.close()


def _find(env: Env, amount: STAmount, **extra: Any) -> dict[str, Any]:
    params = request(env, "alice", "bob", amount)
    params.update(extra)
    return ripple_path_find(PathIndex(env.ledger), params, levels=LEVELS)


def test_one_alternative_per_source_currency() -> None:
    """Without source_currencies, each currency alice can spend is tried: XRP, EUR and USD
    each give an alternative, in (currency, issuer) order, with what it would cost."""
    env = Env(check_signatures=False)
    _cross_border(env)
    result = _find(env, env.iou("bob", "USD")(10))
    alternatives = result["alternatives"]
    sources = [amount_from_json(a["source_amount"]) for a in alternatives]
    assert [currency_to_code(s.issue.currency) for s in sources] == ["XRP", "EUR", "USD"]
    xrp, eur, usd = sources
    alice = env.account("alice").account_id
    # 10 USD from the book at 2.5 XRP each; the gateway's fee is paid by the market maker's
    # side on the way out of the book (taker pays it): 10.02 USD -> 25.05 XRP.
    assert xrp == XRP("25.05")
    # EUR: 10.02 USD at 1.1 EUR each is 11.022 EUR, plus 0.2 % on alice's EUR to the maker.
    assert eur.issue.account == alice and eur == with_issuer(env.iou("gateway", "EUR")("11.044044"), alice)
    # USD straight through the gateway: 10 plus the 0.2 % fee.
    assert usd == with_issuer(env.iou("gateway", "USD")("10.02"), alice)
    assert all(a["paths_canonical"] == [] for a in alternatives)
    assert result["destination_currencies"] == ["XRP", "USD"]


def test_source_currencies_restrict_the_alternatives() -> None:
    env = Env(check_signatures=False)
    _cross_border(env)
    result = _find(env, env.iou("bob", "USD")(10), source_currencies=[{"currency": "EUR"}])
    assert len(result["alternatives"]) == 1
    assert amount_from_json(result["alternatives"][0]["source_amount"]).issue.currency == env.iou("gateway", "EUR").issue.currency


@pytest.mark.parametrize("index", [0, 1, 2], ids=["XRP", "EUR", "USD"])
def test_payment_with_the_returned_paths_delivers_what_was_promised(index: int) -> None:
    """A Payment with an alternative's paths and its source amount as SendMax delivers the
    amount exactly and spends exactly the estimate, the books having not moved."""
    env = Env(check_signatures=False)
    _cross_border(env)
    amount = env.iou("bob", "USD")(10)
    alternative = _find(env, amount)["alternatives"][index]
    source = amount_from_json(alternative["source_amount"])
    source_issue = source.issue
    before_bob = env.balance("bob", env.iou("gateway", "USD"))
    before_alice = env.balance("alice") if source.native else env.balance("alice", env.iou("gateway", currency_to_code(source_issue.currency)))
    fields: dict[str, Any] = {"SendMax": source}
    paths = native_paths(alternative)
    if paths:
        fields["Paths"] = paths
    env.pay("alice", "bob", amount, **fields)
    env.close()
    assert env.balance("bob", env.iou("gateway", "USD")) - before_bob == env.iou("gateway", "USD")(10)
    if source.native:
        spent = before_alice - env.balance("alice")
        assert spent == STAmount.from_drops(source.mantissa + env.fees.base.drops)
    else:
        after_alice = env.balance("alice", env.iou("gateway", currency_to_code(source_issue.currency)))
        assert with_issuer(before_alice - after_alice, source_issue.account) == source


def test_as_much_as_possible_payment_delivers_the_estimate() -> None:
    """-1 with a SendMax: a partial payment with the returned paths delivers the estimated
    destination amount for the estimated source amount."""
    env = Env(check_signatures=False)
    _cross_border(env)
    usd = env.iou("gateway", "USD")
    send_max = env.iou("alice", "EUR")(50)
    result = _find(env, env.iou("bob", "USD")(-1), send_max={"currency": "EUR", "issuer": env.account("alice").address, "value": "50"})
    assert len(result["alternatives"]) == 1
    alternative = result["alternatives"][0]
    promised = amount_from_json(alternative["destination_amount"])
    spent = amount_from_json(alternative["source_amount"])
    assert promised.signum() > 0 and spent <= send_max
    # 50 EUR, less the 0.2 % fee, at 1.1 EUR per USD, less the fee on the USD side.
    expected = Decimal(50) / Decimal("1.002") / Decimal("1.1") / Decimal("1.002")
    assert abs(Decimal(promised.value_text()) - expected) < Decimal("1e-9")
    before = env.balance("bob", usd)
    env.pay(
        "alice",
        "bob",
        promised,
        SendMax=send_max,
        Paths=native_paths(alternative),
        Flags=tfPartialPayment,
    )
    env.close()
    assert env.balance("bob", usd) - before == with_issuer(promised, usd.issue.account)
