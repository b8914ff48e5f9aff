"""Authorisation and freeze results a holder meets when it asks for an IOU (rippled's
checkAcceptAsset in CreateOffer.cpp and the Freeze_test / Offer_test RequireAuth scenarios),
each failure checked to claim only the fee and the sequence."""

from __future__ import annotations

import pytest

from tests.support.env import XRP, Env
from xpay.protocol.flags import asfGlobalFreeze, asfRequireAuth, tfSetfAuth
from xpay.protocol.transaction_types import TransactionType


@pytest.fixture
def env() -> Env:
    env = Env()
    env.fund(XRP(1000), "alice", "gw")
    env.close()
    return env


def _set(env: Env, who: str, flag: int) -> None:
    env({"TransactionType": TransactionType.AccountSet, "Account": who, "SetFlag": flag})


def test_buying_an_authorised_iou_without_a_line_is_tec_no_line(env: Env) -> None:
    _set(env, "gw", asfRequireAuth)
    usd = env.iou("gw", "USD")
    with env.expect_fee_only("alice"):
        env.offer("alice", usd(10), XRP(10), expect="tecNO_LINE")


def test_buying_an_authorised_iou_on_an_unauthorised_line_is_tec_no_auth(env: Env) -> None:
    _set(env, "gw", asfRequireAuth)
    usd = env.iou("gw", "USD")
    env.trust("alice", usd(100))
    with env.expect_fee_only("alice"):
        env.offer("alice", usd(10), XRP(10), expect="tecNO_AUTH")
    env.trust("gw", env.iou("alice", "USD")(0), flags=tfSetfAuth)
    env.offer("alice", usd(10), XRP(10))
    assert len(env.offers("alice")) == 1


def test_offer_in_a_globally_frozen_iou_is_tec_frozen(env: Env) -> None:
    usd = env.iou("gw", "USD")
    env.trust("alice", usd(100))
    env.pay("gw", "alice", usd(50))
    _set(env, "gw", asfGlobalFreeze)
    with env.expect_fee_only("alice"):
        env.offer("alice", XRP(10), usd(10), expect="tecFROZEN")
