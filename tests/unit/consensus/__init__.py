"""Unit tests for xpay.consensus."""
