"""Payment (rippled's Payment.cpp; scenarios from rippled's Payment, DepositAuth_test,
AccountSet_test, Flow_test and Freeze_test suites)."""

from __future__ import annotations

import pytest

from tests.support.env import XRP, Env, drops
from xpay.amounts import BAD_CURRENCY, Issue, STAmount
from xpay.ledger import keylet
from xpay.protocol.flags import (
    asfDepositAuth,
    asfDisallowXRP,
    asfGlobalFreeze,
    asfRequireDest,
    lsfPasswordSpent,
    tfLimitQuality,
    tfNoRippleDirect,
    tfPartialPayment,
    tfSetFreeze,
)
from xpay.protocol.ids import ACCOUNT_ZERO
from xpay.protocol.ter import Tec, Tes
from xpay.protocol.transaction_types import TransactionType

FEE = 10
RESERVE = XRP(10)


@pytest.fixture
def env() -> Env:
    env = Env()
    env.fund(XRP(1000), "alice", "bob", "gw")
    env.close()
    return env


def _set(env: Env, who: str, flag: int) -> None:
    env({"TransactionType": TransactionType.AccountSet, "Account": who, "SetFlag": flag})


# --- direct XRP ---------------------------------------------------------------------------------


def test_xrp_payment_moves_drops_and_burns_the_fee(env: Env) -> None:
    env.pay("alice", "bob", XRP(100))
    env.close()
    assert env.balance("alice") == XRP(900) - drops(FEE)
    assert env.balance("bob") == XRP(1100)
    assert env.ledger.header.total_coins == env.history[-2].header.total_coins - FEE


def test_payment_creates_the_destination_with_the_ledger_sequence(env: Env) -> None:
    """DeletableAccounts: a new account's first Sequence is the ledger's."""
    env.account("carol")
    env.pay("alice", "carol", RESERVE)
    root = env.root("carol")
    assert root is not None
    assert root.balance.drops == RESERVE.mantissa and root.sequence == env.open.seq and root.owner_count == 0


def test_too_little_to_create_an_account_is_tec_no_dst_insuf_xrp(env: Env) -> None:
    env.account("carol")
    with env.expect_fee_only("alice"):
        env.pay("alice", "carol", RESERVE - drops(1), expect="tecNO_DST_INSUF_XRP")
    assert env.root("carol") is None


def test_sender_keeps_its_reserve_but_the_fee_may_eat_into_it(env: Env) -> None:
    """doApply: prior balance >= amount + max(reserve, fee)."""
    spendable = XRP(1000) - RESERVE
    with env.expect_fee_only("alice"):
        env.pay("alice", "bob", spendable + drops(1), expect="tecUNFUNDED_PAYMENT")
    env.close()
    balance = env.balance("alice")
    env.pay("alice", "bob", balance - RESERVE)
    assert env.balance("alice") == RESERVE - drops(FEE)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"Amount": drops(0)}, "temBAD_AMOUNT"),
        ({"Amount": drops(-5)}, "temBAD_AMOUNT"),
        ({"Destination": "alice"}, "temREDUNDANT"),
        ({"Destination": ACCOUNT_ZERO}, "temDST_NEEDED"),
        ({"SendMax": XRP(2)}, "temBAD_SEND_XRP_MAX"),
        ({"Paths": [[{"account": b"\x01" * 20}]]}, "temBAD_SEND_XRP_PATHS"),
        ({"Flags": tfPartialPayment}, "temBAD_SEND_XRP_PARTIAL"),
        ({"Flags": tfLimitQuality}, "temBAD_SEND_XRP_LIMIT"),
        ({"Flags": tfNoRippleDirect}, "temBAD_SEND_XRP_NO_DIRECT"),
        ({"DeliverMin": XRP(1)}, "temBAD_AMOUNT"),
        ({"CredentialIDs": [bytes(32)]}, "temDISABLED"),
    ],
)
def test_malformed_xrp_payments(env: Env, fields: dict[str, object], expected: str) -> None:
    """Payment::preflight."""
    tx = {"TransactionType": TransactionType.Payment, "Account": "alice", "Destination": "bob", "Amount": XRP(1), **fields}
    with env.expect_no_change():
        env(tx, expect=expected)


def test_require_dest_needs_a_destination_tag(env: Env) -> None:
    """lsfRequireDestTag: tecDST_TAG_NEEDED without one."""
    _set(env, "bob", asfRequireDest)
    with env.expect_fee_only("alice"):
        env.pay("alice", "bob", XRP(1), expect="tecDST_TAG_NEEDED")
    env.pay("alice", "bob", XRP(1), DestinationTag=7)


def test_disallow_xrp_is_advisory(env: Env) -> None:
    """rippled does not enforce lsfDisallowXRP in the ledger (clients should honour it)."""
    _set(env, "bob", asfDisallowXRP)
    env.pay("alice", "bob", XRP(1))
    assert env.balance("bob") == XRP(1001) - drops(FEE)


def test_deposit_auth_blocks_xrp_except_small_amounts_to_a_wedged_account(env: Env) -> None:
    """DepositAuth_test: only the account itself pays in, except that while its balance is at
    most the base reserve it may receive up to the base reserve."""
    _set(env, "bob", asfDepositAuth)
    with env.expect_fee_only("alice"):
        env.pay("alice", "bob", XRP(1), expect="tecNO_PERMISSION")
    # Drain bob to below the base reserve: then a small payment is let through.
    env.pay("bob", "alice", env.balance("bob") - RESERVE)
    bob_after = env.balance("bob")
    assert bob_after <= RESERVE
    env.pay("alice", "bob", RESERVE)
    assert env.balance("bob") == bob_after + RESERVE
    with env.expect_fee_only("alice"):
        env.pay("alice", "bob", XRP(1), expect="tecNO_PERMISSION")


def test_receiving_xrp_rearms_the_free_key_change(env: Env) -> None:
    """lsfPasswordSpent is cleared by an incoming XRP payment."""
    regular = env.account("alice-regular")
    env({"TransactionType": TransactionType.SetRegularKey, "Account": "alice", "RegularKey": regular.account_id, "Fee": drops(0)})
    root = env.root("alice")
    assert root is not None and root.flags & lsfPasswordSpent
    env.pay("bob", "alice", XRP(1))
    root = env.root("alice")
    assert root is not None and not root.flags & lsfPasswordSpent


# --- IOUs through the payment engine ------------------------------------------------------------


@pytest.fixture
def usd_env(env: Env) -> Env:
    usd = env.iou("gw", "USD")
    env.trust("alice", usd(1000))
    env.trust("bob", usd(1000))
    env.close()
    env.pay("gw", "alice", usd(100))
    env.close()
    return env


def test_iou_payment_ripples_through_the_issuer(usd_env: Env) -> None:
    env = usd_env
    usd = env.iou("gw", "USD")
    env.pay("alice", "bob", usd(30))
    env.close()
    assert env.balance("alice", usd) == usd(70)
    assert env.balance("bob", usd) == usd(30)
    assert env.balance("gw", usd) == usd(0)


def test_iou_to_a_missing_account_is_tec_no_dst(usd_env: Env) -> None:
    env = usd_env
    usd = env.iou("gw", "USD")
    env.account("carol")
    with env.expect_fee_only("alice"):
        env.pay("alice", "carol", usd(1), expect="tecNO_DST")


def test_iou_without_a_trust_line_is_tec_path_dry(usd_env: Env) -> None:
    """A retry result from the payment engine (no line) becomes tecPATH_DRY: fee only."""
    env = usd_env
    usd = env.iou("gw", "USD")
    env.fund(XRP(1000), "carol")
    with env.expect_fee_only("alice"):
        env.pay("alice", "carol", usd(1), expect="tecPATH_DRY")


def test_iou_beyond_the_balance_is_tec_path_partial(usd_env: Env) -> None:
    env = usd_env
    usd = env.iou("gw", "USD")
    with env.expect_fee_only("alice"):
        env.pay("alice", "bob", usd(101), expect="tecPATH_PARTIAL")


def test_partial_payment_delivers_what_it_can_and_records_delivered_amount(usd_env: Env) -> None:
    """Payment::doApply: a partial delivery is the metadata's DeliveredAmount."""
    env = usd_env
    usd = env.iou("gw", "USD")
    outcome = env.pay("alice", "bob", usd(150), Flags=tfPartialPayment)
    assert outcome.result is Tes.tesSUCCESS
    env.close()
    assert env.balance("bob", usd) == usd(100)
    assert env.last_report is not None
    meta = env.meta(env.last_report.applied[0])
    assert meta["DeliveredAmount"] == {"currency": "USD", "issuer": env.account("gw").address, "value": "100"}


def test_full_payment_has_no_delivered_amount_field(usd_env: Env) -> None:
    env = usd_env
    usd = env.iou("gw", "USD")
    env.pay("alice", "bob", usd(10))
    env.close()
    assert env.last_report is not None
    assert "DeliveredAmount" not in env.meta(env.last_report.applied[0])


def test_deliver_min_not_reached_is_tec_path_partial(usd_env: Env) -> None:
    env = usd_env
    usd = env.iou("gw", "USD")
    with env.expect_fee_only("alice"):
        env.pay("alice", "bob", usd(150), Flags=tfPartialPayment, DeliverMin=usd(120), expect="tecPATH_PARTIAL")
    env.pay("alice", "bob", usd(150), Flags=tfPartialPayment, DeliverMin=usd(90))
    assert env.balance("bob", usd) == usd(100)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda usd, eur: {"DeliverMin": usd(5)}, "temBAD_AMOUNT"),  # without tfPartialPayment
        (lambda usd, eur: {"DeliverMin": usd(11), "Flags": tfPartialPayment}, "temBAD_AMOUNT"),
        (lambda usd, eur: {"DeliverMin": eur(5), "Flags": tfPartialPayment}, "temBAD_AMOUNT"),
        (lambda usd, eur: {"DeliverMin": usd(-1), "Flags": tfPartialPayment}, "temBAD_AMOUNT"),
        (lambda usd, eur: {"SendMax": usd(0)}, "temBAD_AMOUNT"),
        (lambda usd, eur: {"Amount": STAmount.from_value_text("1", Issue(BAD_CURRENCY, usd.issue.account))}, "temBAD_CURRENCY"),
        (lambda usd, eur: {"Paths": [[{"account": b"\x00" * 20}]]}, "temBAD_PATH"),
        (lambda usd, eur: {"Paths": [[{"account": b"\x02" * 20, "currency": b"\x03" * 20}]]}, "temBAD_PATH"),
    ],
)
def test_malformed_iou_payments(usd_env: Env, make: object, expected: str) -> None:
    """Payment::preflight's DeliverMin and amount rules; toStrand's path-step rules."""
    env = usd_env
    usd = env.iou("gw", "USD")
    eur = env.iou("gw", "EUR")
    fields = make(usd, eur)  # type: ignore[operator]
    tx = {"TransactionType": TransactionType.Payment, "Account": "alice", "Destination": "bob", "Amount": usd(10), **fields}
    with env.expect_no_change():
        env(tx, expect=expected)


def test_iou_payment_to_self_without_paths_is_tem_redundant(usd_env: Env) -> None:
    env = usd_env
    usd = env.iou("gw", "USD")
    with env.expect_no_change():
        env.pay("alice", "alice", usd(1), expect="temREDUNDANT")


def test_iou_to_deposit_auth_account_is_tec_no_permission(usd_env: Env) -> None:
    env = usd_env
    usd = env.iou("gw", "USD")
    _set(env, "bob", asfDepositAuth)
    with env.expect_fee_only("alice"):
        env.pay("alice", "bob", usd(1), expect="tecNO_PERMISSION")


def test_frozen_holder_can_receive_but_not_send(usd_env: Env) -> None:
    """Freeze_test: an individually frozen line pays nothing out but still takes payments."""
    env = usd_env
    usd = env.iou("gw", "USD")
    gw = env.account("gw")
    env.trust("gw", STAmount.zero(Issue(usd.issue.currency, env.account("alice").account_id)), flags=tfSetFreeze)
    line = env.line("alice", gw, "USD")
    assert line is not None
    with env.expect_fee_only("alice"):
        env.pay("alice", "bob", usd(1), expect="tecPATH_DRY")
    with env.expect_fee_only("bob"):
        env.pay("bob", "alice", usd(1), expect="tecPATH_DRY")  # bob holds none yet
    env.pay("gw", "bob", usd(5))
    env.pay("bob", "alice", usd(5))
    assert env.balance("alice", usd) == usd(105)


def test_global_freeze_stops_transfers_between_holders(usd_env: Env) -> None:
    env = usd_env
    usd = env.iou("gw", "USD")
    _set(env, "gw", asfGlobalFreeze)
    with env.expect_fee_only("alice"):
        env.pay("alice", "bob", usd(1), expect="tecPATH_DRY")
    # Holders may still return IOUs to the issuer.
    env.pay("alice", "gw", usd(1))
    assert env.balance("alice", usd) == usd(99)


def test_trust_line_from_a_payment_is_threaded_in_metadata(usd_env: Env) -> None:
    env = usd_env
    usd = env.iou("gw", "USD")
    previous = env.line("alice", "gw", "USD")
    assert previous is not None
    env.pay("alice", "bob", usd(1))
    env.close()
    line = env.ledger.read(keylet.line(env.account("alice").account_id, env.account("gw").account_id, usd.issue.currency))
    assert env.last_report is not None
    assert line is not None and line.previous_txn_id == env.last_report.applied[0]
    assert line.previous_txn_lgr_seq == env.ledger.seq
    assert Tec.tecPATH_DRY not in env.last_report.results.values()
