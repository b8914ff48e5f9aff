"""xpay: a cross-border payment network in the style of the XRP Ledger."""
