"""Bad path requests get rippled's errors; requests with no possible path get no alternatives.

The tokens are rippled's (PathRequest::parseJson / isValid, RPC::Tuning): the API renders them
with rippled's numbers and messages. Each case is restated from rippled's behaviour (and from
Path_test's source_currencies_limit)."""

from __future__ import annotations

from typing import Any

import pytest

from pathfinding.index import PathIndex
from pathfinding.request import (
    MAX_SOURCE_CURRENCIES,
    PathRequestError,
    SearchLevels,
    parse_request,
    ripple_path_find,
)
from tests.support.env import XRP, Env
from xpay.protocol.flags import asfDisallowXRP, asfRequireDest
from xpay.protocol.transaction_types import TransactionType

LEVELS = SearchLevels(fast=4, normal=4, max=6)


@pytest.fixture(scope="module")
def env() -> Env:
    env = Env(check_signatures=False)
    env.fund(XRP(10000), "alice", "bob", "gateway")
    env.close()
    usd = env.iou("gateway", "USD")
    env.trust("alice", usd(600))
    env.trust("bob", usd(700))
    env.pay("gateway", "alice", usd(70))
    env.close()
    return env


def _params(env: Env, **overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "source_account": env.account("alice").address,
        "destination_account": env.account("bob").address,
        "destination_amount": {"currency": "USD", "issuer": env.account("bob").address, "value": "5"},
    }
    for name, value in overrides.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return params


def _error(env: Env, **overrides: Any) -> str:
    with pytest.raises(PathRequestError) as caught:
        ripple_path_find(PathIndex(env.ledger), _params(env, **overrides), levels=LEVELS)
    return caught.value.token


def test_a_good_request_finds_the_gateway(env: Env) -> None:
    result = ripple_path_find(PathIndex(env.ledger), _params(env), levels=LEVELS)
    assert len(result["alternatives"]) == 1
    assert result["source_account"] == env.account("alice").address
    assert result["full_reply"] is True


@pytest.mark.parametrize(
    ("overrides", "token"),
    [
        ({"source_account": None}, "srcActMissing"),
        ({"destination_account": None}, "dstActMissing"),
        ({"destination_amount": None}, "dstAmtMissing"),
        ({"source_account": "rNotAnAddress"}, "srcActMalformed"),
        ({"source_account": 42}, "srcActMalformed"),
        ({"destination_account": "r" + "1" * 33}, "dstActMalformed"),
        ({"destination_amount": "ten"}, "dstAmtMalformed"),
        ({"destination_amount": "0"}, "dstAmtMalformed"),
        ({"destination_amount": "-5"}, "dstAmtMalformed"),
        ({"destination_amount": "1.5"}, "dstAmtMalformed"),
        ({"destination_amount": {"currency": "USD", "value": "5"}}, "dstAmtMalformed"),
        ({"destination_amount": {"currency": "USD", "issuer": "rBad", "value": "5"}}, "dstAmtMalformed"),
        ({"destination_amount": {"currency": "US", "issuer": "rBad", "value": "5"}}, "dstAmtMalformed"),
        ({"destination_amount": {"currency": "USD", "value": "nope", "issuer": "rrrrrrrrrrrrrrrrrrrrBZbvji"}}, "dstAmtMalformed"),
        ({"destination_amount": {"currency": "USD", "value": "0", "issuer": "rrrrrrrrrrrrrrrrrrrrBZbvji"}}, "dstAmtMalformed"),
        ({"destination_amount": [1, 2]}, "dstAmtMalformed"),
        ({"send_max": "1000"}, "dstAmtMalformed"),  # SendMax needs "as much as possible"
        ({"destination_amount": "-1", "send_max": "zero"}, "sendMaxMalformed"),
        ({"destination_amount": "-1", "send_max": "0"}, "sendMaxMalformed"),
        ({"destination_amount": "-1", "send_max": "-3"}, "sendMaxMalformed"),
        ({"source_currencies": []}, "srcCurMalformed"),
        ({"source_currencies": "USD"}, "srcCurMalformed"),
        ({"source_currencies": [{"issuer": "rrrrrrrrrrrrrrrrrrrrBZbvji"}]}, "srcCurMalformed"),
        ({"source_currencies": [{"currency": "TOOLONG"}]}, "srcCurMalformed"),
        ({"source_currencies": [{"currency": 5}]}, "srcCurMalformed"),
        ({"source_currencies": ["USD"]}, "srcCurMalformed"),
        ({"source_currencies": [{"currency": "USD", "issuer": "nope"}]}, "srcIsrMalformed"),
        ({"domain": "00" * 32}, "notSupported"),
    ],
)
def test_malformed_requests_get_rippleds_errors(env: Env, overrides: dict[str, Any], token: str) -> None:
    assert _error(env, **overrides) == token


def test_xrp_source_currency_with_an_issuer_is_malformed(env: Env) -> None:
    issuer = env.account("gateway").address
    assert _error(env, source_currencies=[{"currency": "XRP", "issuer": issuer}]) == "srcCurMalformed"


def test_source_currencies_limit(env: Env) -> None:
    """Path_test source_currencies_limit: eighteen are allowed, nineteen are not."""
    listed = [{"currency": str(100 + i)} for i in range(MAX_SOURCE_CURRENCIES)]
    result = ripple_path_find(PathIndex(env.ledger), _params(env, source_currencies=listed), levels=LEVELS)
    assert "alternatives" in result
    assert _error(env, source_currencies=[*listed, {"currency": "999"}]) == "srcCurMalformed"


def test_send_max_issuer_conflict_is_malformed(env: Env) -> None:
    """With SendMax, a source currency of its currency must agree on the issuer."""
    gateway = env.account("gateway").address
    bob = env.account("bob").address
    error = _error(
        env,
        destination_amount={"currency": "USD", "issuer": bob, "value": "-1"},
        send_max={"currency": "USD", "issuer": gateway, "value": "10"},
        source_currencies=[{"currency": "USD", "issuer": bob}],
    )
    assert error == "srcIsrMalformed"


def test_send_max_keeps_only_its_currency() -> None:
    env = Env(check_signatures=False)
    env.fund(XRP(1000), "alice", "bob")
    env.close()
    alice = env.account("alice").address
    params = _params(
        env,
        destination_amount={"currency": "USD", "issuer": env.account("bob").address, "value": "-1"},
        send_max={"currency": "USD", "issuer": alice, "value": "10"},
        source_currencies=[{"currency": "EUR"}, {"currency": "USD"}],
    )
    request = parse_request(params)
    assert [i.currency for i in request.source_issues] == [request.dst_amount.issue.currency]
    assert request.convert_all


def test_unknown_source_account(env: Env) -> None:
    assert _error(env, source_account=env.account("nobody").address) == "srcActNotFound"


def test_unknown_destination_gets_only_xrp(env: Env) -> None:
    """Only XRP, and at least the reserve, can go to an account that does not exist."""
    ghost = env.account("ghost").address
    usd = {"currency": "USD", "issuer": ghost, "value": "5"}
    assert _error(env, destination_account=ghost, destination_amount=usd) == "actNotFound"
    assert _error(env, destination_account=ghost, destination_amount="1000") == "dstAmtMalformed"
    result = ripple_path_find(
        PathIndex(env.ledger), _params(env, destination_account=ghost, destination_amount="20000000"), levels=LEVELS
    )
    assert result["destination_currencies"] == ["XRP"]


def test_same_account_same_currency_has_no_alternative(env: Env) -> None:
    """Paying oneself in the currency one spends is pointless: no alternative (rippled's
    Pathfinder refuses; auto source currencies skip it)."""
    alice = env.account("alice").address
    same = {"currency": "USD", "issuer": alice, "value": "5"}
    result = ripple_path_find(
        PathIndex(env.ledger),
        _params(env, destination_account=alice, destination_amount=same, source_currencies=[{"currency": "USD"}]),
        levels=LEVELS,
    )
    assert result["alternatives"] == []
    result = ripple_path_find(PathIndex(env.ledger), _params(env, destination_account=alice, destination_amount=same), levels=LEVELS)
    assert result["alternatives"] == []


def test_no_path_is_an_empty_list_not_an_error(env: Env) -> None:
    eur = {"currency": "EUR", "issuer": env.account("bob").address, "value": "5"}
    result = ripple_path_find(PathIndex(env.ledger), _params(env, destination_amount=eur), levels=LEVELS)
    assert result["alternatives"] == []
    assert result["destination_amount"] == eur


def test_too_many_automatic_source_currencies_is_internal() -> None:
    """Path_test source_currencies_limit: with no source_currencies, up to 88 of the sender's
    currencies (XRP included) are tried; one more is rippled's rpcINTERNAL."""
    env = Env(check_signatures=False)
    env.fund(XRP(10000), "alice", "bob")
    env.close()
    for i in range(87):  # 87 currencies alice may issue to bob, and XRP: 88
        env.trust("bob", env.iou("alice", str(100 + i))(100))
    env.close()
    index = PathIndex(env.ledger)
    result = ripple_path_find(index, _params(env), levels=SearchLevels(1, 1, 1))
    assert "alternatives" in result
    env.trust("bob", env.iou("alice", "AUD")(100))
    env.close()
    with pytest.raises(PathRequestError) as caught:
        ripple_path_find(PathIndex(env.ledger), _params(env), levels=SearchLevels(1, 1, 1))
    assert caught.value.token == "internal"


def test_ripple_path_find_lists_xrp_even_when_disallowed() -> None:
    """rippled's doUpdate for ripple_path_find lists the receiver's currencies with XRP
    included, whatever its DisallowXRP (advisory, as on the XRPL)."""
    env = Env(check_signatures=False)
    env.fund(XRP(10000), "alice", "bob")
    env.close()
    env({"TransactionType": TransactionType.AccountSet, "Account": "bob", "SetFlag": asfDisallowXRP})
    env({"TransactionType": TransactionType.AccountSet, "Account": "bob", "SetFlag": asfRequireDest})
    env.close()
    result = ripple_path_find(PathIndex(env.ledger), _params(env, destination_amount="1000000"), levels=LEVELS)
    assert result["destination_currencies"] == ["XRP"]
