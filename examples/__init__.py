"""Runnable examples; the README walks through them."""
