"""SQLite persistence: ledger headers, transactions with metadata, state snapshots and diffs."""
