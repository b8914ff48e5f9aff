"""Ledger state: entries and keylets, the Merkle state map, views and sandboxes, metadata, books."""
