"""No path where the ledger forbids one: a frozen line, a global freeze, a missing authorisation,
NoRipple on both sides of an intermediary.

rippled's Path_test covers NoRipple (test_path_find.py restates it); these restate the rules of
rippled's Freeze_test and RequireAuth on the pathfinder's side: the search may propose a path
through a frozen or unauthorised line (rippled's addLink looks at credit, not at freezes), but
ranking runs the payment engine over each path, which refuses it, so nothing is offered. Each
test shows the path exists first, then that it is gone.
"""

from __future__ import annotations

import pytest

from tests.support.env import XRP, Env
from tests.unit.pathfinding.pathtools import find_paths
from xpay.protocol.flags import (
    asfGlobalFreeze,
    asfRequireAuth,
    tfClearFreeze,
    tfSetfAuth,
    tfSetFreeze,
    tfSetNoRipple,
)
from xpay.protocol.transaction_types import TransactionType


@pytest.fixture
def env() -> Env:
    env = Env(check_signatures=False)
    env.fund(XRP(10000), "alice", "bob", "gateway")
    env.close()
    return env


def _account_set(env: Env, who: str, flag: int, *, clear: bool = False) -> None:
    env({"TransactionType": TransactionType.AccountSet, "Account": who, ("ClearFlag" if clear else "SetFlag"): flag})


def _lines(env: Env) -> None:
    usd = env.iou("gateway", "USD")
    env.trust("alice", usd(600))
    env.trust("bob", usd(700))
    env.pay("gateway", "alice", usd(70))


def test_frozen_sender_line_has_no_path(env: Env) -> None:
    """Freeze_test: the gateway freezes alice's line; she can no longer send through it."""
    _lines(env)
    paths, _, _, _ = find_paths(env, "alice", "bob", env.iou("bob", "USD")(5))
    assert paths == {("gateway",)}
    env.trust("gateway", env.iou("alice", "USD")(0), flags=tfSetFreeze)
    paths, source, _, result = find_paths(env, "alice", "bob", env.iou("bob", "USD")(5))
    assert paths == set()
    assert source is None
    assert result["alternatives"] == []
    # Unfrozen, the path is back.
    env.trust("gateway", env.iou("alice", "USD")(0), flags=tfClearFreeze)
    paths, _, _, _ = find_paths(env, "alice", "bob", env.iou("bob", "USD")(5))
    assert paths == {("gateway",)}


def test_frozen_receiver_line_still_receives(env: Env) -> None:
    """Freeze_test: a frozen holder can still be paid (freezing stops sending, not receiving)."""
    _lines(env)
    env.trust("gateway", env.iou("bob", "USD")(0), flags=tfSetFreeze)
    paths, source, _, _ = find_paths(env, "alice", "bob", env.iou("bob", "USD")(5))
    assert paths == {("gateway",)}
    assert source == env.iou("alice", "USD")(5)


def test_global_freeze_has_no_path(env: Env) -> None:
    """Freeze_test: a globally frozen gateway's IOUs go nowhere but back to it."""
    _lines(env)
    _account_set(env, "gateway", asfGlobalFreeze)
    paths, _, _, result = find_paths(env, "alice", "bob", env.iou("bob", "USD")(5))
    assert paths == set()
    assert result["alternatives"] == []
    _account_set(env, "gateway", asfGlobalFreeze, clear=True)
    paths, _, _, _ = find_paths(env, "alice", "bob", env.iou("bob", "USD")(5))
    assert paths == {("gateway",)}


def test_unauthorised_receiver_has_no_path() -> None:
    """RequireAuth: a gateway that requires authorisation does not carry payments to a holder it
    has not authorised; once it authorises bob, the path appears."""
    env = Env(check_signatures=False)
    env.fund(XRP(10000), "alice", "bob", "gateway")
    env.close()
    _account_set(env, "gateway", asfRequireAuth)
    env.close()  # RequireAuth needs an empty owner directory: before any line is created
    usd = env.iou("gateway", "USD")
    env.trust("alice", usd(600))
    env.trust("bob", usd(700))
    env.trust("gateway", env.iou("alice", "USD")(0), flags=tfSetfAuth)
    env.pay("gateway", "alice", usd(70))
    paths, _, _, result = find_paths(env, "alice", "bob", env.iou("bob", "USD")(5))
    assert paths == set()
    assert result["alternatives"] == []
    env.trust("gateway", env.iou("bob", "USD")(0), flags=tfSetfAuth)
    paths, source, _, _ = find_paths(env, "alice", "bob", env.iou("bob", "USD")(5))
    assert paths == {("gateway",)}
    assert source == env.iou("alice", "USD")(5)


def test_intermediary_with_noripple_on_both_lines_is_no_path(env: Env) -> None:
    """NoRipple: carol holds alice's and bob's USD but set NoRipple on both lines, so no
    payment may ripple through her, even though she has the balances."""
    env.fund(XRP(10000), "carol", default_ripple=False)
    env.close()
    env.trust("carol", env.iou("alice", "USD")(100))
    env.trust("bob", env.iou("carol", "USD")(100))
    env.pay("alice", "carol", env.iou("alice", "USD")(50))
    paths, _, _, _ = find_paths(env, "alice", "bob", env.iou("bob", "USD")(5))
    assert paths == {("carol",)}
    # carol sets NoRipple on her side of both lines.
    env.trust("carol", env.iou("alice", "USD")(100), flags=tfSetNoRipple)
    env.trust("carol", env.iou("bob", "USD")(0), flags=tfSetNoRipple)
    paths, _, _, result = find_paths(env, "alice", "bob", env.iou("bob", "USD")(5))
    assert paths == set()
    assert result["alternatives"] == []
