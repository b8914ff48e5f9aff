"""Entries' _replace (written for speed) behaves as collections.namedtuple's: a new value of the
same type with the named fields changed, the original untouched, unknown names refused."""

from __future__ import annotations

import pytest

from xpay.amounts import XRPAmount
from xpay.ledger.entries import (
    AccountRoot,
    DirectoryNode,
    FeeSettings,
    LedgerHashes,
    Offer,
    RippleState,
    with_previous_txn,
)
from xpay.ledger.views import Fees
from xpay.protocol.ids import AccountID, Hash256


def test_replace_changes_only_the_named_fields_and_keeps_the_type() -> None:
    root = AccountRoot(key=Hash256(b"k" * 32), account=AccountID(b"a" * 20), balance=XRPAmount(5), sequence=3)
    changed = root._replace(sequence=4, balance=XRPAmount(7))
    assert type(changed) is AccountRoot
    assert changed == tuple.__new__(AccountRoot, (root.key, root.account, XRPAmount(7), 4, *root[4:]))
    assert root.sequence == 3 and root.balance == XRPAmount(5)
    assert root._replace() == root and root._replace() is not root


@pytest.mark.parametrize("cls", [AccountRoot, RippleState, DirectoryNode, Offer, FeeSettings, LedgerHashes])
def test_replace_refuses_a_field_the_entry_does_not_have(cls: type) -> None:
    entry = tuple.__new__(cls, [None] * len(cls._fields))  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="no_such_field"):
        entry._replace(no_such_field=1)  # type: ignore[attr-defined]


def test_threading_writes_the_two_previous_transaction_fields() -> None:
    root = AccountRoot(key=Hash256(b"k" * 32), account=AccountID(b"a" * 20), balance=XRPAmount(5), sequence=3)
    tx_id = Hash256(b"\x09" * 32)
    threaded = with_previous_txn(root, tx_id, 42)
    assert threaded == root._replace(previous_txn_id=tx_id, previous_txn_lgr_seq=42)
    assert type(threaded) is AccountRoot


def test_reserve_in_drops_is_the_account_reserve() -> None:
    fees = Fees(XRPAmount(10), XRPAmount(10_000_000), XRPAmount(2_000_000))
    for count in (0, 1, 7, 1000):
        assert fees.reserve_drops(count) == fees.account_reserve(count).drops
