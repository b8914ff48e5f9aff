"""The apply pipeline, common checks, invariants, one module per transaction type."""
