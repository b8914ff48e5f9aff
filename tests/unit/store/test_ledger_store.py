"""The node database: round trips, account_tx paging, restart from snapshot + diffs, corruption."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.unit.store.ledgers import GENESIS, chain, keypair, next_ledger
from xpay.codec import decode_native
from xpay.ledger import keylet
from xpay.ledger.ledger import Ledger
from xpay.store import AccountTxMarker, LedgerStore, StoreCorrupt, affected_accounts
from xpay.store.ledger_store import DB_FILE_NAME


def _write_chain(store: LedgerStore, ledgers: list[Ledger], *, validated: bool = True) -> None:
    parent: Ledger | None = None
    for ledger in ledgers:
        store.write_ledger(ledger, parent, validated=validated)
        parent = ledger


def _same_ledger(a: Ledger, b: Ledger) -> None:
    assert a.hash == b.hash
    assert a.header == b.header
    assert a.state.root_hash() == b.state.root_hash()
    assert dict(a.state.items()) == dict(b.state.items())
    assert list(a.transactions()) == list(b.transactions())


@pytest.fixture
def store(tmp_path: Path) -> LedgerStore:
    s = LedgerStore.open(tmp_path, snapshot_interval=4)
    yield s  # type: ignore[misc]
    s.close()


def test_empty_store_has_nothing_to_restart_from(store: LedgerStore) -> None:
    assert store.load_last_validated() is None
    assert store.validated_range() is None
    assert store.ledger(1) is None


def test_headers_and_transactions_round_trip(store: LedgerStore) -> None:
    ledgers = chain(3)
    _write_chain(store, ledgers)
    for ledger in ledgers:
        stored = store.ledger(ledger.seq)
        assert stored is not None and stored.validated
        assert stored.header == ledger.header and stored.hash == ledger.hash
        assert store.ledger_by_hash(ledger.hash) == stored
        records = store.ledger_transactions(ledger.seq)
        assert [(r.tx_id, r.tx_blob, r.meta_blob) for r in sorted(records, key=lambda r: r.tx_id)] == list(
            ledger.transactions()
        )
        assert [r.tx_index for r in records] == list(range(len(records)))
        for record in records:
            assert store.transaction(record.tx_id) == record
            assert record.result == 0 and record.close_time == ledger.close_time
            assert record.ledger_hash == ledger.hash
    assert store.validated_range() == (1, 4)
    assert store.transaction(b"\x00" * 32) is None


def test_restart_from_snapshot_and_diffs_equals_the_original_state(tmp_path: Path) -> None:
    ledgers = chain(10)
    store = LedgerStore.open(tmp_path, snapshot_interval=4)
    _write_chain(store, ledgers)
    store.close()
    conn = sqlite3.connect(tmp_path / DB_FILE_NAME)
    # Only the newest snapshot is kept; the ledgers after it are diffs.
    assert conn.execute("SELECT ledger_seq FROM snapshots").fetchall() == [(9,)]
    assert conn.execute("SELECT COUNT(DISTINCT ledger_seq) FROM state_diffs WHERE ledger_seq > 9").fetchone() == (2,)
    conn.close()

    reopened = LedgerStore.open(tmp_path, snapshot_interval=4)
    loaded = reopened.load_last_validated()
    assert loaded is not None
    _same_ledger(loaded, ledgers[-1])
    reopened.close()


def test_a_tampered_diff_is_detected_at_restart(tmp_path: Path) -> None:
    store = LedgerStore.open(tmp_path, snapshot_interval=100)
    _write_chain(store, chain(3))
    store.close()
    conn = sqlite3.connect(tmp_path / DB_FILE_NAME)
    # The last ledger's diff: nothing later overwrites the entry it no longer restores.
    conn.execute("DELETE FROM state_diffs WHERE ledger_seq = 4 AND key = (SELECT MIN(key) FROM state_diffs WHERE ledger_seq = 4)")
    conn.commit()
    conn.close()
    reopened = LedgerStore.open(tmp_path, snapshot_interval=100)
    with pytest.raises(StoreCorrupt, match="account hash"):
        reopened.load_last_validated()
    reopened.close()


def test_a_missing_transaction_is_detected_at_restart(tmp_path: Path) -> None:
    store = LedgerStore.open(tmp_path)
    _write_chain(store, chain(2))
    store.close()
    conn = sqlite3.connect(tmp_path / DB_FILE_NAME)
    conn.execute("DELETE FROM transactions WHERE ledger_seq = 3 AND tx_index = 0")
    conn.commit()
    conn.close()
    reopened = LedgerStore.open(tmp_path)
    with pytest.raises(StoreCorrupt, match="transaction hash"):
        reopened.load_last_validated()
    reopened.close()


def test_restart_drops_ledgers_that_were_never_validated(store: LedgerStore) -> None:
    ledgers = chain(4)
    _write_chain(store, ledgers[:3])
    store.write_ledger(ledgers[3], ledgers[2], validated=False)
    store.write_ledger(ledgers[4], ledgers[3], validated=False)
    loaded = store.load_last_validated()
    assert loaded is not None and loaded.hash == ledgers[2].hash
    assert store.ledger(4) is None and store.ledger(5) is None
    assert store.ledger_transactions(4) == ()


def test_mark_validated_moves_the_restart_point(store: LedgerStore) -> None:
    ledgers = chain(2)
    _write_chain(store, ledgers[:2])
    store.write_ledger(ledgers[2], ledgers[1], validated=False)
    assert not store.mark_validated(3, ledgers[1].hash)  # not the hash stored at 3
    assert store.mark_validated(3, ledgers[2].hash)
    loaded = store.load_last_validated()
    assert loaded is not None
    _same_ledger(loaded, ledgers[2])


def test_writing_another_ledger_at_a_stored_sequence_replaces_the_tail(store: LedgerStore) -> None:
    ledgers = chain(3)
    _write_chain(store, ledgers)
    other = next_ledger(ledgers[1], [(GENESIS, keypair(99).account_id, 30_000_000)])
    assert other.seq == 3 and other.hash != ledgers[2].hash
    store.write_ledger(other, ledgers[1], validated=True)
    assert store.ledger(4) is None
    stored = store.ledger(3)
    assert stored is not None and stored.hash == other.hash
    loaded = store.load_last_validated()
    assert loaded is not None
    _same_ledger(loaded, other)
    old_txs = {tx_id for tx_id, _, _ in ledgers[2].transactions()}
    assert all(store.transaction(tx_id) is None for tx_id in old_txs)


def test_a_ledger_whose_parent_is_not_stored_is_written_as_a_snapshot(store: LedgerStore) -> None:
    ledgers = chain(3)
    store.write_ledger(ledgers[3], ledgers[2], validated=True)  # parent never written
    loaded = store.load_last_validated()
    assert loaded is not None
    _same_ledger(loaded, ledgers[3])


def _all_pages(store: LedgerStore, account: bytes, *, forward: bool, limit: int) -> list[tuple[int, int]]:
    seen: list[tuple[int, int]] = []
    marker: AccountTxMarker | None = None
    pages = 0
    while True:
        page = store.account_transactions(account, 1, 100, forward=forward, limit=limit, marker=marker)  # type: ignore[arg-type]
        assert len(page.transactions) <= limit
        seen += [(r.ledger_seq, r.tx_index) for r in page.transactions]
        pages += 1
        assert pages < 100
        if page.marker is None:
            return seen
        marker = page.marker


def test_account_tx_pages_cover_every_transaction_once_in_order(store: LedgerStore) -> None:
    ledgers = chain(6, per_ledger=4)
    _write_chain(store, ledgers)
    genesis_txs = [
        (ledger.seq, decode_native(meta)["TransactionIndex"])
        for ledger in ledgers
        for _, _, meta in ledger.transactions()
    ]
    expected = sorted(genesis_txs)
    assert len(expected) == 24
    for limit in (1, 5, 24, 50):
        assert _all_pages(store, GENESIS.account_id, forward=True, limit=limit) == expected
        assert _all_pages(store, GENESIS.account_id, forward=False, limit=limit) == expected[::-1]


def test_account_tx_honours_the_ledger_range_and_lists_receivers(store: LedgerStore) -> None:
    ledgers = chain(6, per_ledger=4)
    _write_chain(store, ledgers)
    page = store.account_transactions(GENESIS.account_id, 3, 4, forward=True, limit=100)
    assert {r.ledger_seq for r in page.transactions} == {3, 4} and page.marker is None
    receiver = keypair(1).account_id
    page = store.account_transactions(receiver, 1, 100, forward=True, limit=100)
    assert page.transactions
    for record in page.transactions:
        assert receiver in affected_accounts(decode_native(record.tx_blob), decode_native(record.meta_blob))
    nobody = keypair(200).account_id
    assert store.account_transactions(nobody, 1, 100, forward=True, limit=10).transactions == ()


def test_account_tx_skips_ledgers_that_are_not_validated(store: LedgerStore) -> None:
    ledgers = chain(2)
    _write_chain(store, ledgers[:2])
    store.write_ledger(ledgers[2], ledgers[1], validated=False)
    page = store.account_transactions(GENESIS.account_id, 1, 100, forward=True, limit=100)
    assert {r.ledger_seq for r in page.transactions} == {2}


def test_state_diff_restores_deleted_and_created_entries(tmp_path: Path) -> None:
    """A ledger that deletes an entry (here: directly, as a close could) round trips too."""
    ledgers = chain(2)
    parent = ledgers[-1]
    view = parent.open_view(build=True)
    victim = keylet.account(keypair(1).account_id).key
    entry = view.read_key(victim)
    assert entry is not None
    view.raw_erase(entry)
    from xpay.ledger.ledger import close_ledger

    child = close_ledger(parent, view, parent.close_time + 10)
    store = LedgerStore.open(tmp_path, snapshot_interval=100)
    _write_chain(store, [*ledgers, child])
    loaded = store.load_last_validated()
    assert loaded is not None
    _same_ledger(loaded, child)
    assert loaded.read_key(victim) is None
    store.close()
