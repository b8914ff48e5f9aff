"""sim tests."""
