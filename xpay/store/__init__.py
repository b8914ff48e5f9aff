"""SQLite persistence: ledger headers, transactions with metadata, state snapshots and diffs."""

from xpay.store.affected import affected_accounts, affected_books
from xpay.store.ledger_store import DB_FILE_NAME, LedgerStore, StoreCorrupt
from xpay.store.records import AccountTxMarker, AccountTxPage, StoredLedger, TxRecord
from xpay.store.state_diff import state_diff
from xpay.store.writer import LedgerWriter

__all__ = [
    "DB_FILE_NAME",
    "AccountTxMarker",
    "AccountTxPage",
    "LedgerStore",
    "LedgerWriter",
    "StoreCorrupt",
    "StoredLedger",
    "TxRecord",
    "affected_accounts",
    "affected_books",
    "state_diff",
]
