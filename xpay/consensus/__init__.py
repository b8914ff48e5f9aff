"""The generic consensus round (no I/O, no ledger knowledge), as rippled's Consensus<Adaptor>."""
