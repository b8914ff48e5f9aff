"""The node: the ledger master (single writer of ledger state), the consensus adaptor, serve()."""
