"""Metadata of closed transactions against real XRPL examples (../shared/xrpl-data/tx-metadata).

For each example the same kind of transaction is run through the Env, and the metadata built at
close is compared by shape: the same nodes (CreatedNode / ModifiedNode / DeletedNode of the same
entry types), the same fields in NewFields / FinalFields / PreviousFields, and PreviousTxnID on
the same nodes. Fields that only say which directory page something sits on (LowNode,
HighNode, IndexPrevious, …) depend on the ledger's history and are left out where their
presence does. Threading is then checked by value: every PreviousTxnID a node records is the
transaction that last touched the entry, and every entry the transaction touched now names it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.env import XRP, Env
from xpay.codec import decode_account_id
from xpay.ledger import keylet
from xpay.protocol.ids import Hash256

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "xrpl-data" / "tx-metadata"
_NEW_PAGE_FIELDS = frozenset({"LowNode", "HighNode", "OwnerNode", "BookNode", "IndexPrevious", "IndexNext"})
_FINAL_PAGE_FIELDS = frozenset({"IndexPrevious", "IndexNext"})

Shape = tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]


def _shape(meta: dict[str, Any]) -> list[Shape]:
    shapes = []
    for node in meta["AffectedNodes"]:
        ((kind, body),) = node.items()
        shapes.append(
            (
                kind,
                body["LedgerEntryType"],
                tuple(sorted(set(body.get("NewFields", {})) - _NEW_PAGE_FIELDS)),
                tuple(sorted(set(body.get("FinalFields", {})) - _FINAL_PAGE_FIELDS)),
                tuple(sorted(body.get("PreviousFields", {}))),
                "PreviousTxnID" in body,
            )
        )
    return sorted(shapes)


def _example(name: str) -> dict[str, Any]:
    data = json.loads((EXAMPLES / f"{name}.json").read_text())
    meta: dict[str, Any] = data.get("meta") or data["metaData"]
    return meta


def _names_with_order(env: Env, issuer: str, *holders: str) -> None:
    """The examples' holders are the low accounts of their lines: keep that, so Low/High field
    names line up (renaming accounts does not change what is tested)."""
    gw = env.account(issuer).account_id
    for holder in holders:
        assert env.account(holder).account_id < gw, f"{holder} must sort below {issuer}"


def _low_names(env: Env, issuer: str, count: int) -> list[str]:
    gw = env.account(issuer).account_id
    names = [n for n in (f"holder{i}" for i in range(64)) if env.account(n).account_id < gw]
    return names[:count]


def _closed_meta(env: Env, submit: Callable[[], Any]) -> tuple[dict[str, Any], Hash256]:
    env.close()
    before = env.ledger
    submit()
    env.close()
    assert env.last_report is not None and len(env.last_report.applied) == 1
    tx_id = env.last_report.applied[0]
    meta = env.meta(tx_id)
    _check_threading(env, before, meta, tx_id)
    return meta, tx_id


def _check_threading(env: Env, before: Any, meta: dict[str, Any], tx_id: Hash256) -> None:
    for node in meta["AffectedNodes"]:
        ((kind, body),) = node.items()
        key = bytes.fromhex(body["LedgerIndex"])
        if "PreviousTxnID" in body:
            old = before.read_key(key)
            assert old is not None
            assert bytes.fromhex(body["PreviousTxnID"]) == old.previous_txn_id
            assert body["PreviousTxnLgrSeq"] == old.previous_txn_lgr_seq
        if kind != "DeletedNode" and body["LedgerEntryType"] in ("AccountRoot", "RippleState", "Offer"):
            now = env.ledger.read_key(key)
            assert now is not None
            assert now.previous_txn_id == tx_id and now.previous_txn_lgr_seq == env.ledger.seq  # type: ignore[union-attr]


def test_payment_creating_an_account() -> None:
    env = Env()
    env.fund(XRP(1000), "alice")
    env.close()  # settings in place before anything uses them
    env.account("carol")
    meta, _ = _closed_meta(env, lambda: env.pay("alice", "carol", XRP(100)))
    assert _shape(meta) == _shape(_example("payment_xrp_create_account"))
    created = next(n["CreatedNode"] for n in meta["AffectedNodes"] if "CreatedNode" in n)
    assert created["NewFields"] == {"Account": env.account("carol").address, "Balance": "100000000", "Sequence": env.ledger.seq}
    assert meta["TransactionResult"] == "tesSUCCESS" and meta["TransactionIndex"] == 0


def test_trust_line_created() -> None:
    env = Env()
    alice, other = _low_names(env, "gw", 2)
    env.fund(XRP(1000), "gw", alice, other)
    env.close()  # settings in place before anything uses them
    usd = env.iou("gw", "USD")
    env.trust(other, usd(10))  # the issuer already has an owner directory, as in the example
    meta, _ = _closed_meta(env, lambda: env.trust(alice, usd(100)))
    assert _shape(meta) == _shape(_example("trustline_create"))


def test_trust_line_limit_changed() -> None:
    env = Env()
    (alice,) = _low_names(env, "gw", 1)
    env.fund(XRP(1000), "gw", alice)
    env.close()  # settings in place before anything uses them
    usd = env.iou("gw", "USD")
    env.trust(alice, usd(100))
    env.pay("gw", alice, usd(1))
    meta, _ = _closed_meta(env, lambda: env.trust(alice, usd(200)))
    assert _shape(meta) == _shape(_example("trustline_set_limit"))


def test_trust_line_deleted_by_paying_out_the_last_balance() -> None:
    env = Env()
    alice, bob = _low_names(env, "gw", 2)
    env.fund(XRP(1000), "gw", alice, bob)
    env.close()  # settings in place before anything uses them
    usd = env.iou("gw", "USD")
    env.trust(alice, usd(100))
    env.trust(bob, usd(100))
    env.pay("gw", alice, usd(5))
    env.pay("gw", bob, usd(5))
    env.close()
    env.trust(alice, usd(0))  # the line stays while alice holds USD
    meta, _ = _closed_meta(env, lambda: env.pay(alice, bob, usd(5)))
    assert _shape(meta) == _shape(_example("trustline_delete"))
    assert env.line(alice, "gw", "USD") is None
    assert env.ledger.read(keylet.owner_dir(env.account(alice).account_id)) is None


def test_iou_payment_through_the_issuer() -> None:
    env = Env()
    alice, bob = _low_names(env, "gw", 2)
    env.fund(XRP(1000), "gw", alice, bob)
    env.close()  # settings in place before anything uses them
    usd = env.iou("gw", "USD")
    env.trust(alice, usd(100))
    env.trust(bob, usd(100))
    env.pay("gw", alice, usd(50))
    meta, _ = _closed_meta(env, lambda: env.pay(alice, bob, usd(10)))
    assert _shape(meta) == _shape(_example("payment_iou"))


def test_iou_redeemed_to_the_issuer() -> None:
    env = Env()
    env.fund(XRP(1000), "gw", "alice")
    env.close()  # settings in place before anything uses them
    usd = env.iou("gw", "USD")
    env.trust("alice", usd(1000))
    env.pay("gw", "alice", usd(500))
    meta, _ = _closed_meta(env, lambda: env.pay("alice", "gw", usd(100)))
    assert _shape(meta) == _shape(_example("payment_iou_redeem"))


def test_own_iou_redeemed_then_issued() -> None:
    """The sender pays in its own IOU: first it takes back what it holds of the receiver's,
    then it issues the rest, all on one line."""
    env = Env()
    env.fund(XRP(1000), "alice", "bob")
    env.close()  # settings in place before anything uses them
    env.trust("alice", env.iou("bob", "USD")(1000))
    env.trust("bob", env.iou("alice", "USD")(1000))
    env.pay("bob", "alice", env.iou("bob", "USD")(100))
    meta, _ = _closed_meta(env, lambda: env.pay("alice", "bob", env.iou("alice", "USD")(200)))
    assert _shape(meta) == _shape(_example("payment_iou_redeem_then_issue"))
    assert env.balance("bob", env.iou("alice", "USD")) == env.iou("alice", "USD")(100)


@pytest.mark.parametrize("name", ["payment_xrp_create_account", "trustline_create", "trustline_delete"])
def test_examples_parse(name: str) -> None:
    """The examples themselves use the shapes this test relies on."""
    meta = _example(name)
    assert meta["AffectedNodes"] and "TransactionResult" in meta
    for node in meta["AffectedNodes"]:
        ((_kind, body),) = node.items()
        assert len(bytes.fromhex(body["LedgerIndex"])) == 32
        account = body.get("FinalFields", body.get("NewFields", {})).get("Account")
        if account is not None:
            assert len(decode_account_id(account)) == 20


def test_tec_metadata_shows_only_fee_and_sequence() -> None:
    env = Env()
    env.fund(XRP(1000), "alice", "bob")
    env.close()  # settings in place before anything uses them
    meta, _ = _closed_meta(env, lambda: env.pay("alice", "bob", XRP(5000), expect="tecUNFUNDED_PAYMENT"))
    assert meta["TransactionResult"] == "tecUNFUNDED_PAYMENT"
    ((kind, body),) = meta["AffectedNodes"][0].items()
    assert len(meta["AffectedNodes"]) == 1 and kind == "ModifiedNode" and body["LedgerEntryType"] == "AccountRoot"
    assert set(body["PreviousFields"]) == {"Balance", "Sequence"}
