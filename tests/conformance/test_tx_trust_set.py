"""TrustSet (rippled's SetTrust.cpp; scenarios from rippled's SetTrust_test, TrustAndBalance_test,
Freeze_test, NoRipple_test and DepositAuth_test)."""

from __future__ import annotations

import pytest

from tests.support.env import IOU, XRP, Env
from xpay.amounts import BAD_CURRENCY, Issue, STAmount, currency_from_code
from xpay.ledger import keylet
from xpay.ledger.directory import dir_is_empty
from xpay.protocol.flags import (
    asfDefaultRipple,
    asfDisallowIncomingTrustline,
    asfNoFreeze,
    asfRequireAuth,
    lsfHighAuth,
    lsfHighDeepFreeze,
    lsfHighFreeze,
    lsfHighNoRipple,
    lsfHighReserve,
    lsfLowAuth,
    lsfLowDeepFreeze,
    lsfLowFreeze,
    lsfLowNoRipple,
    lsfLowReserve,
    tfClearFreeze,
    tfClearNoRipple,
    tfSetDeepFreeze,
    tfSetfAuth,
    tfSetFreeze,
    tfSetNoRipple,
)
from xpay.protocol.ids import ACCOUNT_ONE
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.rules import FEATURE_DEEP_FREEZE


@pytest.fixture
def env() -> Env:
    env = Env()
    env.fund(XRP(1000), "alice", "bob", "gw")
    env.close()
    return env


def _usd(env: Env) -> IOU:
    return env.iou("gw", "USD")


def _set(env: Env, who: str, flag: int) -> None:
    env({"TransactionType": TransactionType.AccountSet, "Account": who, "SetFlag": flag})


def _side(env: Env, a: str, b: str) -> bool:
    """True when `a` is the low account of the a-b line."""
    return env.account(a).account_id < env.account(b).account_id


def test_creating_a_line_reserves_one_object_and_lists_it_in_both_directories(env: Env) -> None:
    usd = _usd(env)
    env.trust("alice", usd(100))
    line = env.line("alice", "gw", "USD")
    assert line is not None
    alice_low = _side(env, "alice", "gw")
    assert (line.low_limit if alice_low else line.high_limit) == usd(100).with_issue(Issue(usd.issue.currency, env.account("alice").account_id))
    assert line.balance == STAmount.zero(Issue(usd.issue.currency, ACCOUNT_ONE))
    assert env.owner_count("alice") == 1 and env.owner_count("gw") == 0
    assert env.owned("alice") == [line] and env.owned("gw") == [line]


def test_changing_the_limit_keeps_the_line(env: Env) -> None:
    usd = _usd(env)
    env.trust("alice", usd(100))
    env.trust("alice", usd(200))
    line = env.line("alice", "gw", "USD")
    assert line is not None
    limit = line.low_limit if _side(env, "alice", "gw") else line.high_limit
    assert limit.value_text() == "200"
    assert env.owner_count("alice") == 1


def test_line_back_to_default_is_deleted_and_its_reserve_released(env: Env) -> None:
    usd = _usd(env)
    env.trust("alice", usd(100))
    env.close()
    env.trust("alice", usd(0))
    assert env.line("alice", "gw", "USD") is None
    assert env.owner_count("alice") == 0
    for who in ("alice", "gw"):
        assert dir_is_empty(env.open, keylet.owner_dir(env.account(who).account_id))
    env.close()
    assert env.ledger.read(keylet.owner_dir(env.account("alice").account_id)) is None


def test_line_with_a_balance_is_kept_when_the_limit_goes_to_zero(env: Env) -> None:
    usd = _usd(env)
    env.trust("alice", usd(100))
    env.pay("gw", "alice", usd(10))
    env.trust("alice", usd(0))
    assert env.line("alice", "gw", "USD") is not None
    assert env.owner_count("alice") == 1
    env.pay("alice", "gw", usd(10))  # paying back to zero deletes the line (ripple_credit)
    assert env.line("alice", "gw", "USD") is None
    assert env.owner_count("alice") == 0


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        (XRP(10), "temBAD_LIMIT"),
        (STAmount.from_value_text("-1", Issue(currency_from_code("USD"), bytes(19) + b"\x07")), "temBAD_LIMIT"),
        (STAmount.from_value_text("1", Issue(BAD_CURRENCY, bytes(19) + b"\x07")), "temBAD_CURRENCY"),
        (STAmount.from_value_text("1", Issue(currency_from_code("USD"), ACCOUNT_ONE)), "temDST_NEEDED"),
    ],
)
def test_malformed_limits(env: Env, limit: STAmount, expected: str) -> None:
    with env.expect_no_change():
        env.trust("alice", limit, expect=expected)


def test_line_to_self_is_tem_dst_is_src(env: Env) -> None:
    """fixTrustLinesToSelf."""
    with env.expect_no_change():
        env.trust("alice", env.iou("alice", "USD")(10), expect="temDST_IS_SRC")


def test_line_to_missing_account_is_tec_no_dst(env: Env) -> None:
    env.account("nobody")
    with env.expect_fee_only("alice"):
        env.trust("alice", env.iou("nobody", "USD")(10), expect="tecNO_DST")


def test_default_line_that_does_not_exist_is_tec_no_line_redundant(env: Env) -> None:
    with env.expect_fee_only("alice"):
        env.trust("alice", _usd(env)(0), expect="tecNO_LINE_REDUNDANT")


def test_first_two_objects_need_no_reserve_the_third_does(env: Env) -> None:
    """SetTrust: the reserve is enforced only past an account's first two objects."""
    env.fund(XRP(10), "carol")  # exactly the account reserve
    env.close()
    for cur in ("USD", "EUR"):
        env.trust("carol", env.iou("gw", cur)(10))
    assert env.owner_count("carol") == 2
    with env.expect_fee_only("carol"):
        env.trust("carol", env.iou("gw", "JPY")(10), expect="tecNO_LINE_INSUF_RESERVE")


def test_reserving_for_an_existing_line_needs_the_reserve(env: Env) -> None:
    """tecINSUF_RESERVE_LINE: the peer's side of a line someone else created."""
    env.fund(XRP(10), "carol")
    env.close()
    for cur in ("USD", "EUR"):
        env.trust("carol", env.iou("gw", cur)(10))
    # bob opens a line to carol; carol then sets her own limit on it: a third reserve.
    env.trust("bob", env.iou("carol", "CAD")(10))
    with env.expect_fee_only("carol"):
        env.trust("carol", env.iou("bob", "CAD")(10), expect="tecINSUF_RESERVE_LINE")


def test_quality_in_and_out_are_set_and_cleared(env: Env) -> None:
    usd = _usd(env)
    env.trust("alice", usd(100), QualityIn=1_100_000_000, QualityOut=900_000_000)
    line = env.line("alice", "gw", "USD")
    assert line is not None
    low = _side(env, "alice", "gw")
    assert (line.low_quality_in if low else line.high_quality_in) == 1_100_000_000
    assert (line.low_quality_out if low else line.high_quality_out) == 900_000_000
    env.trust("alice", usd(100), QualityIn=0, QualityOut=1_000_000_000)  # QualityOut 1.0 clears
    line = env.line("alice", "gw", "USD")
    assert line is not None
    assert (line.low_quality_in, line.high_quality_in, line.low_quality_out, line.high_quality_out) == (None,) * 4


def test_no_ripple_set_and_clear(env: Env) -> None:
    """NoRipple_test."""
    usd = _usd(env)
    env.trust("alice", usd(100), flags=tfSetNoRipple)
    line = env.line("alice", "gw", "USD")
    no_ripple = lsfLowNoRipple if _side(env, "alice", "gw") else lsfHighNoRipple
    assert line is not None and line.flags & no_ripple
    env.trust("alice", usd(100), flags=tfClearNoRipple)
    line = env.line("alice", "gw", "USD")
    assert line is not None and not line.flags & no_ripple


def test_no_ripple_on_a_negative_balance_is_tec_no_permission(env: Env) -> None:
    """fix1578: the issuer's side of a line it owes on cannot be set NoRipple."""
    usd = _usd(env)
    env.trust("alice", usd(100))
    env.pay("gw", "alice", usd(10))
    alice_side = env.iou("alice", "USD")
    with env.expect_fee_only("gw"):
        env.trust("gw", alice_side(0), flags=tfSetNoRipple, expect="tecNO_PERMISSION")


def test_set_auth_needs_require_auth(env: Env) -> None:
    with env.expect_no_change():
        env.trust("gw", env.iou("alice", "USD")(0), flags=tfSetfAuth, expect="tefNO_AUTH_REQUIRED")


def test_set_auth_authorises_the_holder(env: Env) -> None:
    _set(env, "gw", asfRequireAuth)
    env.trust("alice", _usd(env)(100))
    env.trust("gw", env.iou("alice", "USD")(0), flags=tfSetfAuth)
    line = env.line("alice", "gw", "USD")
    gw_auth = lsfHighAuth if _side(env, "alice", "gw") else lsfLowAuth
    assert line is not None and line.flags & gw_auth
    env.pay("gw", "alice", _usd(env)(5))
    assert env.balance("alice", _usd(env)) == _usd(env)(5)


def test_unauthorised_holder_cannot_receive(env: Env) -> None:
    """RequireAuth: the engine refuses a line the issuer did not authorise (tecPATH_DRY)."""
    _set(env, "gw", asfRequireAuth)
    env.trust("alice", _usd(env)(100))
    with env.expect_fee_only("gw"):
        env.pay("gw", "alice", _usd(env)(5), expect="tecPATH_DRY")


def test_freeze_and_unfreeze(env: Env) -> None:
    """Freeze_test."""
    env.trust("alice", _usd(env)(100))
    alice_usd = env.iou("alice", "USD")
    env.trust("gw", alice_usd(0), flags=tfSetFreeze)
    freeze = lsfHighFreeze if _side(env, "alice", "gw") else lsfLowFreeze
    line = env.line("alice", "gw", "USD")
    assert line is not None and line.flags & freeze
    env.trust("gw", alice_usd(0), flags=tfClearFreeze)
    line = env.line("alice", "gw", "USD")
    assert line is not None and not line.flags & freeze


def test_freeze_after_no_freeze_is_tec_no_permission(env: Env) -> None:
    env.trust("alice", _usd(env)(100))
    _set(env, "gw", asfNoFreeze)
    with env.expect_fee_only("gw"):
        env.trust("gw", env.iou("alice", "USD")(0), flags=tfSetFreeze, expect="tecNO_PERMISSION")


def test_freeze_and_unfreeze_together_is_tec_no_permission(env: Env) -> None:
    env.trust("alice", _usd(env)(100))
    with env.expect_fee_only("gw"):
        env.trust("gw", env.iou("alice", "USD")(0), flags=tfSetFreeze | tfClearFreeze, expect="tecNO_PERMISSION")


def test_deep_freeze_flags_need_the_feature(env: Env) -> None:
    with env.expect_no_change():
        env.trust("gw", env.iou("alice", "USD")(0), flags=tfSetDeepFreeze, expect="temINVALID_FLAG")


def test_deep_freeze_with_the_feature_needs_a_freeze() -> None:
    env = Env(features=frozenset({FEATURE_DEEP_FREEZE}))
    env.fund(XRP(1000), "alice", "gw")
    env.trust("alice", env.iou("gw", "USD")(100))
    alice_usd = env.iou("alice", "USD")
    with env.expect_fee_only("gw"):
        env.trust("gw", alice_usd(0), flags=tfSetDeepFreeze, expect="tecNO_PERMISSION")
    env.trust("gw", alice_usd(0), flags=tfSetFreeze | tfSetDeepFreeze)
    line = env.line("alice", "gw", "USD")
    deep = lsfLowDeepFreeze if _side(env, "gw", "alice") else lsfHighDeepFreeze
    assert line is not None and line.flags & deep


def test_disallow_incoming_trustline_refuses_new_lines(env: Env) -> None:
    _set(env, "gw", asfDisallowIncomingTrustline)
    with env.expect_fee_only("alice"):
        env.trust("alice", _usd(env)(100), expect="tecNO_PERMISSION")


def test_issuer_side_follows_default_ripple(env: Env) -> None:
    """trustCreate: the peer's NoRipple bit is set unless the peer has DefaultRipple."""
    env.fund(XRP(1000), "plain", default_ripple=False)
    env.trust("alice", env.iou("plain", "USD")(10))
    line = env.line("alice", "plain", "USD")
    assert line is not None
    plain_no_ripple = lsfHighNoRipple if _side(env, "alice", "plain") else lsfLowNoRipple
    assert line.flags & plain_no_ripple
    _set(env, "plain", asfDefaultRipple)
    env.trust("bob", env.iou("plain", "USD")(10))
    line = env.line("bob", "plain", "USD")
    plain_no_ripple = lsfHighNoRipple if _side(env, "bob", "plain") else lsfLowNoRipple
    assert line is not None and not line.flags & plain_no_ripple


def test_both_sides_reserved_when_both_set_limits(env: Env) -> None:
    env.trust("alice", env.iou("bob", "USD")(10))
    env.trust("bob", env.iou("alice", "USD")(20))
    line = env.line("alice", "bob", "USD")
    assert line is not None
    assert env.owner_count("alice") == 1 and env.owner_count("bob") == 1
    assert line.flags & lsfLowReserve and line.flags & lsfHighReserve
    env.trust("alice", env.iou("bob", "USD")(0))
    assert env.line("alice", "bob", "USD") is not None  # bob's side still holds it
    assert env.owner_count("alice") == 0 and env.owner_count("bob") == 1
