"""Hash prefixes (rippled's HashPrefix) and SHA-512Half, the XRPL's hash.

Every hash the XRPL computes puts a four-byte prefix — three ASCII letters and a zero byte —
before the hashed material, so that two kinds of object with the same bytes never share a hash:
a transaction ID is SHA-512Half(`TXN\\0` + blob), a ledger hash SHA-512Half(`LWR\\0` + header),
a state-tree leaf SHA-512Half(`MLN\\0` + entry + key), and so on.
"""

from __future__ import annotations

import hashlib
from enum import Enum


class HashPrefix(bytes, Enum):
    """rippled's HashPrefix values, as the four bytes that go in front of the hashed data."""

    transactionID = b"TXN\x00"
    """Transaction (with signatures) -> transaction ID."""
    txNode = b"SND\x00"
    """Transaction plus metadata: a leaf of the transaction tree."""
    leafNode = b"MLN\x00"
    """Ledger entry plus its key: a leaf of the state tree."""
    innerNode = b"MIN\x00"
    """Inner node of a SHAMap (16 child hashes)."""
    ledgerMaster = b"LWR\x00"
    """Ledger header -> ledger hash."""
    txSign = b"STX\x00"
    """Transaction signing data (single signature)."""
    txMultiSign = b"SMT\x00"
    """Transaction signing data for one of several signers."""
    validation = b"VAL\x00"
    """Validation signing data."""
    proposal = b"PRP\x00"
    """Consensus proposal signing data."""
    manifest = b"MAN\x00"
    """Validator manifest signing data."""
    paymentChannelClaim = b"CLM\x00"
    """Payment channel claim signing data."""
    credential = b"CRD\x00"
    batch = b"BCH\x00"


def sha512_half(data: bytes) -> bytes:
    """The first 32 bytes of SHA-512: the XRPL's hash for IDs, keys and tree nodes."""
    return hashlib.sha512(data).digest()[:32]
