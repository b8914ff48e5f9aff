"""Deterministic node keys for overlay tests (xpay.crypto's NodeKey)."""

from __future__ import annotations

from xpay.crypto import NodeKey


def node_key(n: int) -> NodeKey:
    """The n-th test validator's key: the same bytes in every run."""
    return NodeKey.from_entropy(n.to_bytes(16, "big"))
