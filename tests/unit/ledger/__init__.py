"""Tests of xpay.ledger."""
