"""What the users of xpay hold in their hands: a bank's gateway service, a market-maker bot, and
the `xpay demo` walk-through. They sit on top of the SDK (xpay.client) and, for the demo's local
network, the node (xpay.node.devnet).

    gateways/gateway/        the gateway (issuer) service, after the XRPL's "Become an XRP Ledger
                             Gateway": issuing and operational addresses and their settings,
                             onboarding with RequireAuth, deposits paid once per request id,
                             withdrawals booked exactly once from a ledger cursor, the SQLite book,
                             reconciliation, freezes, and the back office's REST API
    gateways/market_maker/   two-sided quotes on a pair around a reference rate
    gateways/demo/           `xpay demo`: two banks, a market maker, Alice pays Bob across currencies
    gateways/commands.py     the `xpay gateway`, `xpay market-maker` and `xpay demo` commands
"""
