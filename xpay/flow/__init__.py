"""The payment engine: strands of steps (trust-line steps, book steps, XRP endpoints)."""
