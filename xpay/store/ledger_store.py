"""The node database: closed ledgers, their transactions, and the state to restart from.

rippled keeps ledger headers and transactions in SQLite (its Ledgers, Transactions and
AccountTransactions tables) and the state tree in its node store; a restarted rippled loads its
last validated ledger and checks it. Here one SQLite file in WAL mode holds all of it: each closed
ledger is written in ONE SQLite transaction (header, transactions, account index, state diff and,
every `snapshot_interval` ledgers, a full state snapshot), so a node killed at any instant
restarts at a ledger that is whole. `load_last_validated()` rebuilds that ledger from the newest
snapshot and the diffs after it and verifies its state hash, transaction hash and ledger hash.

The writer side (`write_ledger`, `mark_validated`) runs on one thread at a time (the
LedgerWriter's); the read side runs on its own connection, which WAL lets read while the writer
writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from xpay.codec import decode_native, encode_native
from xpay.ledger.entries import Entry, from_fields, to_fields
from xpay.ledger.ledger import STATE_LEAVES, Ledger, LedgerHeader
from xpay.ledger.shamap import TX_WITH_META, SHAMap
from xpay.protocol.ids import AccountID, Hash256
from xpay.store.affected import DecodedTx, decoded_transactions
from xpay.store.records import AccountTxMarker, AccountTxPage, StoredLedger, TxRecord
from xpay.store.schema import connect, create_tables
from xpay.store.state_diff import StateDiff, state_diff

DB_FILE_NAME: Final = "xpay.sqlite3"
DEFAULT_SNAPSHOT_INTERVAL: Final = 256


class StoreCorrupt(Exception):
    """The database does not hold a ledger that verifies (state, transaction or ledger hash)."""


def serialize_entry(entry: Entry) -> bytes:
    return encode_native(to_fields(entry))


def deserialize_entry(key: bytes, data: bytes) -> Entry:
    return from_fields(key, decode_native(data))


_TX_COLUMNS: Final = (
    "t.tx_id, t.ledger_seq, t.tx_index, t.result, t.tx_blob, t.meta_blob, l.close_time, l.hash, l.validated"
)


def _tx_record(row: tuple[Any, ...]) -> TxRecord:
    return TxRecord(
        tx_id=Hash256(bytes(row[0])),
        ledger_seq=row[1],
        tx_index=row[2],
        result=row[3],
        tx_blob=bytes(row[4]),
        meta_blob=bytes(row[5]),
        close_time=row[6],
        ledger_hash=Hash256(bytes(row[7])),
        validated=bool(row[8]),
    )


def _stored_ledger(row: tuple[Any, ...]) -> StoredLedger:
    header = LedgerHeader.from_bytes(bytes(row[0]))
    return StoredLedger(header=header, hash=Hash256(bytes(row[1])), validated=bool(row[2]), tx_count=row[3])


class LedgerStore:
    """The node's SQLite database. Open with `LedgerStore.open(data_dir)`; close with `close()`."""

    def __init__(self, path: Path, *, snapshot_interval: int = DEFAULT_SNAPSHOT_INTERVAL) -> None:
        if snapshot_interval < 1:
            raise ValueError("snapshot_interval must be at least 1")
        self.path = path
        self.snapshot_interval = snapshot_interval
        self._write = connect(str(path))
        create_tables(self._write)
        self._read = connect(str(path))
        self._read.execute("PRAGMA query_only = ON")
        self._last_snapshot = self._scalar(self._write, "SELECT MAX(ledger_seq) FROM snapshots")

    @classmethod
    def open(cls, data_dir: Path, *, snapshot_interval: int = DEFAULT_SNAPSHOT_INTERVAL) -> LedgerStore:
        data_dir.mkdir(parents=True, exist_ok=True)
        return cls(data_dir / DB_FILE_NAME, snapshot_interval=snapshot_interval)

    def close(self) -> None:
        self._read.close()
        self._write.close()

    @staticmethod
    def _scalar(conn: sqlite3.Connection, sql: str, args: tuple[Any, ...] = ()) -> Any:
        row = conn.execute(sql, args).fetchone()
        return None if row is None else row[0]

    # Facts about the database ----------------------------------------------------------------

    def get_info(self, name: str) -> str | None:
        """A fact recorded about this database (its network id, its genesis account)."""
        value = self._scalar(self._write, "SELECT value FROM store_info WHERE name = ?", (name,))
        return None if value is None else str(value)

    def put_info(self, name: str, value: str) -> None:
        self._write.execute("INSERT OR REPLACE INTO store_info (name, value) VALUES (?, ?)", (name, value))

    # Writing (the writer thread) -------------------------------------------------------------

    def write_ledger(
        self,
        ledger: Ledger,
        parent: Ledger | None,
        *,
        validated: bool,
        decoded: Sequence[DecodedTx] | None = None,
    ) -> None:
        """Persist a closed ledger in one SQLite transaction.

        `parent` is the ledger it was built on (None for genesis, or when the parent is unknown):
        the state is stored as a diff against it when the store holds that parent, else as a full
        snapshot. A stored ledger at this sequence or later (a ledger this node has since
        abandoned for another chain) is replaced. `decoded` is the ledger's transactions already
        decoded (`decoded_transactions`), when the caller has them: they are not decoded again.
        """
        seq = ledger.seq
        if decoded is None:
            decoded = decoded_transactions(ledger)
        txs: list[tuple[bytes, int, int, int, bytes, bytes]] = []
        account_rows: list[tuple[bytes, int, int, bytes]] = []
        metas: list[Mapping[str, Any]] = []
        for item in decoded:
            metas.append(item.meta)
            index = item.tx_index
            tx_id = item.tx_id
            txs.append((tx_id, seq, index, item.result, item.blob, item.meta_blob))
            for account in item.accounts:
                account_rows.append((account, seq, index, tx_id))

        conn = self._write
        parent_stored = parent is not None and (
            self._scalar(conn, "SELECT hash FROM ledgers WHERE seq = ?", (parent.seq,)) == parent.hash
        )
        snapshot = (
            not parent_stored
            or self._last_snapshot is None
            or seq - self._last_snapshot >= self.snapshot_interval
        )
        diff: StateDiff = [] if snapshot or parent is None else state_diff(parent, ledger, metas)

        conn.execute("BEGIN IMMEDIATE")
        try:
            self._truncate_from(conn, seq)
            conn.execute(
                "INSERT INTO ledgers (seq, hash, header, close_time, tx_count, validated) VALUES (?, ?, ?, ?, ?, ?)",
                (seq, ledger.hash, ledger.header.to_bytes(), ledger.close_time, len(txs), int(validated)),
            )
            conn.executemany(
                "INSERT OR REPLACE INTO transactions (tx_id, ledger_seq, tx_index, result, tx_blob, meta_blob)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                txs,
            )
            conn.executemany(
                "INSERT OR REPLACE INTO account_transactions (account, ledger_seq, tx_index, tx_id) VALUES (?, ?, ?, ?)",
                account_rows,
            )
            if snapshot:
                conn.executemany(
                    "INSERT INTO state_snapshots (ledger_seq, key, entry) VALUES (?, ?, ?)",
                    ((seq, key, serialize_entry(entry)) for key, entry in ledger.state.items()),
                )
                conn.execute(
                    "INSERT INTO snapshots (ledger_seq, entry_count) VALUES (?, ?)", (seq, len(ledger.state))
                )
                self._prune_snapshots(conn)
            else:
                conn.executemany(
                    "INSERT INTO state_diffs (ledger_seq, key, entry) VALUES (?, ?, ?)",
                    ((seq, key, None if entry is None else serialize_entry(entry)) for key, entry in diff),
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if snapshot:
            self._last_snapshot = seq

    def _prune_snapshots(self, conn: sqlite3.Connection) -> None:
        """Keep only the snapshots a restart could start from: the newest one at or below the
        last validated ledger, and any newer ones (of ledgers not validated yet)."""
        keep_from = self._scalar(
            conn,
            "SELECT MAX(ledger_seq) FROM snapshots"
            " WHERE ledger_seq <= (SELECT MAX(seq) FROM ledgers WHERE validated = 1)",
        )
        if keep_from is not None:
            conn.execute("DELETE FROM state_snapshots WHERE ledger_seq < ?", (keep_from,))
            conn.execute("DELETE FROM snapshots WHERE ledger_seq < ?", (keep_from,))

    def _truncate_from(self, conn: sqlite3.Connection, seq: int) -> None:
        """Drop every stored ledger from `seq` on (and what hangs off them)."""
        last = self._scalar(conn, "SELECT MAX(seq) FROM ledgers")
        if last is None or last < seq:
            return
        conn.execute("DELETE FROM ledgers WHERE seq >= ?", (seq,))
        conn.execute("DELETE FROM transactions WHERE ledger_seq >= ?", (seq,))
        conn.execute("DELETE FROM account_transactions WHERE ledger_seq >= ?", (seq,))
        conn.execute("DELETE FROM state_diffs WHERE ledger_seq >= ?", (seq,))
        conn.execute("DELETE FROM state_snapshots WHERE ledger_seq >= ?", (seq,))
        conn.execute("DELETE FROM snapshots WHERE ledger_seq >= ?", (seq,))
        self._last_snapshot = self._scalar(conn, "SELECT MAX(ledger_seq) FROM snapshots")

    def mark_validated(self, seq: int, ledger_hash: Hash256) -> bool:
        """Record that the stored ledger `seq` with this hash is validated; False if the store
        holds another ledger (or none) at that sequence."""
        cur = self._write.execute(
            "UPDATE ledgers SET validated = 1 WHERE seq = ? AND hash = ?", (seq, ledger_hash)
        )
        return cur.rowcount == 1

    # Restart ----------------------------------------------------------------------------------

    def load_last_validated(self) -> Ledger | None:
        """The last validated ledger, rebuilt from a snapshot and diffs and verified; None for an
        empty store. Ledgers stored after it (closed but never validated) are dropped, as a
        restarted node resumes from its last validated ledger."""
        conn = self._write
        seq = self._scalar(conn, "SELECT MAX(seq) FROM ledgers WHERE validated = 1")
        if seq is None:
            return None
        row = conn.execute("SELECT header, hash FROM ledgers WHERE seq = ?", (seq,)).fetchone()
        header = LedgerHeader.from_bytes(bytes(row[0]))
        if header.hash() != bytes(row[1]):
            raise StoreCorrupt(f"ledger {seq}: stored header does not hash to the stored hash")

        base = self._scalar(conn, "SELECT MAX(ledger_seq) FROM snapshots WHERE ledger_seq <= ?", (seq,))
        if base is None:
            raise StoreCorrupt(f"no state snapshot at or below ledger {seq}")
        snapshot_rows = conn.execute("SELECT key, entry FROM state_snapshots WHERE ledger_seq = ?", (base,))
        state: SHAMap[Entry] = SHAMap(STATE_LEAVES)
        state = state.apply((bytes(key), deserialize_entry(key, data)) for key, data in snapshot_rows)
        # Later diffs win; a key created and deleted after the snapshot never reaches the map.
        changes: dict[bytes, bytes | None] = {}
        for key, data in conn.execute(
            "SELECT key, entry FROM state_diffs WHERE ledger_seq > ? AND ledger_seq <= ? ORDER BY ledger_seq",
            (base, seq),
        ):
            changes[bytes(key)] = None if data is None else bytes(data)
        state = state.apply(
            (key, None if data is None else deserialize_entry(key, data))
            for key, data in changes.items()
            if data is not None or key in state
        )
        if state.root_hash() != header.account_hash:
            raise StoreCorrupt(f"ledger {seq}: rebuilt state does not match the account hash")

        txs: SHAMap[tuple[bytes, bytes]] = SHAMap(TX_WITH_META)
        txs = txs.apply(
            (bytes(tx_id), (bytes(blob), bytes(meta)))
            for tx_id, blob, meta in conn.execute(
                "SELECT tx_id, tx_blob, meta_blob FROM transactions WHERE ledger_seq = ?", (seq,)
            )
        )
        if txs.root_hash() != header.tx_hash:
            raise StoreCorrupt(f"ledger {seq}: stored transactions do not match the transaction hash")

        if self._scalar(conn, "SELECT MAX(seq) FROM ledgers") != seq:
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._truncate_from(conn, seq + 1)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return Ledger(header, state, txs)

    # Reading (the event loop) -------------------------------------------------------------

    def ledger(self, seq: int) -> StoredLedger | None:
        row = self._read.execute(
            "SELECT header, hash, validated, tx_count FROM ledgers WHERE seq = ?", (seq,)
        ).fetchone()
        return None if row is None else _stored_ledger(row)

    def ledger_by_hash(self, ledger_hash: bytes) -> StoredLedger | None:
        row = self._read.execute(
            "SELECT header, hash, validated, tx_count FROM ledgers WHERE hash = ?", (ledger_hash,)
        ).fetchone()
        return None if row is None else _stored_ledger(row)

    def validated_range(self) -> tuple[int, int] | None:
        """(first, last) validated ledger sequence held, or None."""
        row = self._read.execute("SELECT MIN(seq), MAX(seq) FROM ledgers WHERE validated = 1").fetchone()
        if row is None or row[0] is None:
            return None
        return int(row[0]), int(row[1])

    def ledger_transactions(self, seq: int) -> tuple[TxRecord, ...]:
        rows = self._read.execute(
            f"SELECT {_TX_COLUMNS} FROM transactions t JOIN ledgers l ON l.seq = t.ledger_seq"
            " WHERE t.ledger_seq = ? ORDER BY t.tx_index",
            (seq,),
        )
        return tuple(_tx_record(row) for row in rows)

    def transaction(self, tx_id: bytes) -> TxRecord | None:
        row = self._read.execute(
            f"SELECT {_TX_COLUMNS} FROM transactions t JOIN ledgers l ON l.seq = t.ledger_seq WHERE t.tx_id = ?",
            (tx_id,),
        ).fetchone()
        return None if row is None else _tx_record(row)

    def account_transactions(
        self,
        account: AccountID,
        min_seq: int,
        max_seq: int,
        *,
        forward: bool,
        limit: int,
        marker: AccountTxMarker | None = None,
    ) -> AccountTxPage:
        """A page of the account's transactions in validated ledgers min_seq..max_seq, oldest
        first when `forward`, newest first otherwise, resuming at `marker` (inclusive)."""
        if limit < 1:
            raise ValueError("limit must be positive")
        args: list[Any] = [account, min_seq, max_seq]
        where = "a.account = ? AND a.ledger_seq >= ? AND a.ledger_seq <= ? AND l.validated = 1"
        if marker is not None:
            op = ">=" if forward else "<="
            where += f" AND (a.ledger_seq, a.tx_index) {op} (?, ?)"
            args += [marker.ledger_seq, marker.tx_index]
        order = "ASC" if forward else "DESC"
        rows = self._read.execute(
            f"SELECT {_TX_COLUMNS} FROM account_transactions a"
            " JOIN transactions t ON t.tx_id = a.tx_id JOIN ledgers l ON l.seq = a.ledger_seq"
            f" WHERE {where} ORDER BY a.ledger_seq {order}, a.tx_index {order} LIMIT ?",
            (*args, limit + 1),
        ).fetchall()
        records = tuple(_tx_record(row) for row in rows[:limit])
        next_marker = None
        if len(rows) > limit:
            nxt = rows[limit]
            next_marker = AccountTxMarker(ledger_seq=nxt[1], tx_index=nxt[2])
        return AccountTxPage(transactions=records, marker=next_marker)
