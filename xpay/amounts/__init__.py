"""XRP drops, IOU amounts with STAmount semantics, currencies, issues and the 64-bit Quality."""
