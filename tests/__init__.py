"""xpay's tests."""
