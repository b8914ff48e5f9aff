"""The node database's tables (SQLite, WAL), as rippled splits them between its ledger and
transaction databases and its node store.

* `ledgers`: one row per closed ledger (rippled's Ledgers table): the 118-byte header, its hash,
  and whether the ledger was validated.
* `transactions`: every transaction of a stored ledger with its metadata and result (rippled's
  Transactions table).
* `account_transactions`: account -> (ledger, index in ledger) for account_tx paging (rippled's
  AccountTransactions table).
* `state_snapshots` / `snapshots`: the whole state map at some ledgers; `state_diffs`: per
  ledger, the entries it created, changed (new bytes) or deleted (NULL). A node restarts from the
  newest snapshot at or below its last validated ledger and replays the diffs after it — where
  rippled would fetch the state tree's nodes from its node store.
"""

from __future__ import annotations

import sqlite3
from typing import Final

SCHEMA_VERSION: Final = 1

_TABLES: Final = (
    """CREATE TABLE IF NOT EXISTS store_info (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS ledgers (
        seq INTEGER PRIMARY KEY,
        hash BLOB NOT NULL UNIQUE,
        header BLOB NOT NULL,
        close_time INTEGER NOT NULL,
        tx_count INTEGER NOT NULL,
        validated INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE IF NOT EXISTS transactions (
        tx_id BLOB PRIMARY KEY,
        ledger_seq INTEGER NOT NULL,
        tx_index INTEGER NOT NULL,
        result INTEGER NOT NULL,
        tx_blob BLOB NOT NULL,
        meta_blob BLOB NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS transactions_by_ledger ON transactions (ledger_seq, tx_index)",
    """CREATE TABLE IF NOT EXISTS account_transactions (
        account BLOB NOT NULL,
        ledger_seq INTEGER NOT NULL,
        tx_index INTEGER NOT NULL,
        tx_id BLOB NOT NULL,
        PRIMARY KEY (account, ledger_seq, tx_index)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS state_diffs (
        ledger_seq INTEGER NOT NULL,
        key BLOB NOT NULL,
        entry BLOB,
        PRIMARY KEY (ledger_seq, key)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS state_snapshots (
        ledger_seq INTEGER NOT NULL,
        key BLOB NOT NULL,
        entry BLOB NOT NULL,
        PRIMARY KEY (ledger_seq, key)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS snapshots (
        ledger_seq INTEGER PRIMARY KEY,
        entry_count INTEGER NOT NULL
    )""",
)


def connect(path: str) -> sqlite3.Connection:
    """A connection in WAL mode with full durability: a commit survives a SIGKILL and a power
    cut. Transactions are explicit (isolation_level=None). Connections are used by one thread at
    a time (the writer's, or the event loop's for reads), so SQLite's same-thread check is off."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def create_tables(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _TABLES:
            conn.execute(statement)
        row = conn.execute("SELECT value FROM store_info WHERE name = 'schema_version'").fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO store_info (name, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
        elif int(row[0]) != SCHEMA_VERSION:
            raise RuntimeError(f"database schema version {row[0]}, this node writes {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
