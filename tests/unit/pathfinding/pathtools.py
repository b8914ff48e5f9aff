"""Helpers for pathfinding tests in the style of rippled's Path_test (find_paths, stpath, IPE).

`find_paths(env, src, dst, amount, ...)` closes the ledger, indexes it and runs
ripple_path_find as rippled's test does through the RPC: it returns the first alternative's
paths, its source amount and the delivered amount, plus the whole result. Paths come back in a
readable form: an account element is its name, a book element is ("book", currency, issuer
name) — ("book", "XRP", None) for the XRP book — so expectations read like rippled's
`stpath("gateway")` and `stpath(IPE(G3["ABC"]), "G3")`.
"""

from __future__ import annotations

from typing import Any

from pathfinding.index import PathIndex
from pathfinding.request import SearchLevels, amount_from_json, ripple_path_find
from tests.support.env import Account, Env
from xpay.amounts import STAmount, currency_to_code
from xpay.codec import decode_account_id, field_from_json, field_to_json

PATH_TEST_LEVELS = SearchLevels(fast=7, normal=7, max=10)
"""rippled's Path_test runs with PATH_SEARCH_OLD = PATH_SEARCH = 7, PATH_SEARCH_MAX = 10."""

Step = str | tuple[str, str, str | None]


def names_of(env: Env) -> dict[bytes, str]:
    return {kp.account_id: name for name, kp in env._accounts.items()}


def ipe(currency: str, issuer: str | None = None) -> tuple[str, str, str | None]:
    """An order-book path element (rippled's IPE): into `currency` issued by `issuer`."""
    return ("book", currency, issuer)


def readable(env: Env, path_json: list[dict[str, Any]]) -> tuple[Step, ...]:
    names = names_of(env)
    out: list[Step] = []
    for element in path_json:
        if "account" in element:
            out.append(names[decode_account_id(element["account"])])
        else:
            issuer = element.get("issuer")
            out.append(("book", element["currency"], names[decode_account_id(issuer)] if issuer else None))
    return tuple(out)


def request(
    env: Env,
    src: Account,
    dst: Account,
    amount: STAmount,
    *,
    send_max: STAmount | None = None,
    source_currencies: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "source_account": env._keypair(src).address,
        "destination_account": env._keypair(dst).address,
        "destination_amount": field_to_json("Amount", amount),
    }
    if send_max is not None:
        params["send_max"] = field_to_json("Amount", send_max)
    if source_currencies is not None:
        params["source_currencies"] = source_currencies
    return params


def find_paths(
    env: Env,
    src: Account,
    dst: Account,
    amount: STAmount,
    *,
    send_max: STAmount | None = None,
    src_currency: str | None = None,
    levels: SearchLevels = PATH_TEST_LEVELS,
) -> tuple[set[tuple[Step, ...]], STAmount | None, STAmount | None, dict[str, Any]]:
    """(paths of the first alternative, its source amount, the delivered amount, the result)."""
    env.close()
    params = request(
        env,
        src,
        dst,
        amount,
        send_max=send_max,
        source_currencies=[{"currency": src_currency}] if src_currency is not None else None,
    )
    result = ripple_path_find(PathIndex(env.ledger), params, levels=levels)
    delivered = amount_from_json(result["destination_amount"])
    alternatives = result["alternatives"]
    if not alternatives:
        return set(), None, delivered, result
    first = alternatives[0]
    paths = {readable(env, p) for p in first["paths_computed"]}
    assert len(paths) == len(first["paths_computed"]), "duplicate paths in an alternative"
    source = amount_from_json(first["source_amount"])
    if "destination_amount" in first:
        delivered = amount_from_json(first["destination_amount"])
    return paths, source, delivered, result


def native_paths(alternative: dict[str, Any]) -> list[list[dict[str, bytes]]]:
    """An alternative's paths in the form a Payment carries."""
    paths: list[list[dict[str, bytes]]] = field_from_json("Paths", alternative["paths_computed"])
    return paths


def code(amount: STAmount) -> str:
    return currency_to_code(amount.issue.currency)
