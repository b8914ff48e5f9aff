"""Identifier types of the XRPL vocabulary.

They are plain `bytes` at run time (no cost on the hot path); the NewTypes let a type checker
tell a 20-byte account ID from a 20-byte currency code or a 32-byte ledger key.
"""

from __future__ import annotations

from typing import NewType

AccountID = NewType("AccountID", bytes)
"""20 bytes: RIPEMD-160(SHA-256(public key))."""

Currency = NewType("Currency", bytes)
"""20 bytes: the XRPL's 160-bit currency code (all zero for the native asset)."""

Hash256 = NewType("Hash256", bytes)
"""32 bytes: ledger keys (keylets), transaction IDs, ledger hashes."""

NodeID = NewType("NodeID", bytes)
"""33 bytes: a validator's node public key (0xED followed by the 32-byte Ed25519 key)."""

ACCOUNT_ZERO = AccountID(bytes(20))
ACCOUNT_ONE = AccountID(bytes(19) + b"\x01")
"""rippled's noAccount(): the issuer placeholder written in trust-line balances."""
XRP_CURRENCY = Currency(bytes(20))
