"""Transaction IDs (rippled's `STTx::getTransactionID`).

A transaction's ID is SHA-512Half of the `TXN\\0` prefix and its complete serialisation,
signatures included: the hash a client looks the transaction up by.
"""

from __future__ import annotations

from xpay.protocol.hash_prefix import HashPrefix, sha512_half
from xpay.protocol.ids import Hash256


def transaction_id(blob: bytes) -> Hash256:
    """The ID of a serialised, signed transaction."""
    return Hash256(sha512_half(HashPrefix.transactionID.value + blob))
