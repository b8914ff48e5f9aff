"""State diffs from metadata, checked against a plain dict comparison of the two states."""

from __future__ import annotations

import itertools

from tests.unit.store.ledgers import GENESIS, chain, keypair
from xpay.codec import decode_native
from xpay.ledger import keylet
from xpay.ledger.entries import Entry
from xpay.ledger.ledger import Ledger, close_ledger
from xpay.store import affected_accounts, state_diff


def _reference(parent: Ledger, child: Ledger) -> list[tuple[bytes, Entry | None]]:
    old = dict(parent.state.items())
    new = dict(child.state.items())
    return [(k, new.get(k)) for k in sorted(old.keys() | new.keys()) if old.get(k) != new.get(k)]


def _metas(ledger: Ledger) -> list[dict[str, object]]:
    return [decode_native(meta) for _, _, meta in ledger.transactions()]


def test_diff_from_metadata_equals_the_full_comparison() -> None:
    ledgers = chain(5)
    for parent, child in itertools.pairwise(ledgers):
        assert state_diff(parent, child, _metas(child)) == _reference(parent, child)


def test_a_change_no_metadata_names_is_still_found() -> None:
    ledgers = chain(2)
    parent = ledgers[-1]
    view = parent.open_view(build=True)
    entry = view.read(keylet.account(keypair(2).account_id))
    assert entry is not None
    view.raw_replace(entry._replace(balance=entry.balance.__class__(entry.balance.drops + 1)))
    child = close_ledger(parent, view, parent.close_time + 10)
    diff = state_diff(parent, child, [])
    assert diff == _reference(parent, child) and len(diff) == 1


def test_affected_accounts_name_both_parties_of_a_payment() -> None:
    ledger = chain(1)[-1]
    for _, blob, meta in ledger.transactions():
        tx = decode_native(blob)
        accounts = affected_accounts(tx, decode_native(meta))
        assert accounts == {GENESIS.account_id, tx["Destination"]}
