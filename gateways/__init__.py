"""The gateway (issuer) service of a bank, and a market-maker bot."""
