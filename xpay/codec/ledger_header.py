"""The ledger header's binary form (rippled's `addRaw(LedgerInfo)`) and its hash.

A ledger is identified by the hash of its header: SHA-512Half of the `LWR\\0` prefix and, in this
order, the sequence (uint32), the total XRP in drops (uint64), the parent ledger's hash, the
transaction tree's hash, the state tree's hash (32 bytes each), the parent's close time and this
ledger's close time (uint32 seconds since the XRPL epoch, 2000-01-01), the close time resolution
(uint8 seconds) and the close flags (uint8). The same 118 bytes are the header's wire form.

Headers are mappings with rippled's JSON keys (`ledger_index`, `total_coins`, `parent_hash`, …).
Numbers may be ints or decimal strings and hashes bytes or hex, so a header read from rippled's
JSON and one built natively hash alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from xpay.codec.errors import CodecError
from xpay.protocol.hash_prefix import HashPrefix, sha512_half

LEDGER_HEADER_LENGTH: Final = 118

# (key, size in bytes, is a hash) in wire order.
_LAYOUT: Final = (
    ("ledger_index", 4, False),
    ("total_coins", 8, False),
    ("parent_hash", 32, True),
    ("transaction_hash", 32, True),
    ("account_hash", 32, True),
    ("parent_close_time", 4, False),
    ("close_time", 4, False),
    ("close_time_resolution", 1, False),
    ("close_flags", 1, False),
)


def _number(key: str, value: Any, size: int) -> bytes:
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 20:
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise CodecError(f"expected an unsigned integer, got {value!r:.80}", field=key)
    try:
        return value.to_bytes(size, "big")
    except OverflowError:
        raise CodecError(f"{value} does not fit in {8 * size} bits", field=key) from None


def _hash(key: str, value: Any) -> bytes:
    if isinstance(value, str):
        try:
            data = bytes.fromhex(value)
        except ValueError:
            raise CodecError(f"not hex: {value!r:.80}", field=key) from None
        if 2 * len(data) != len(value):
            raise CodecError(f"not hex: {value!r:.80}", field=key)
        value = data
    if not isinstance(value, (bytes, bytearray)) or len(value) != 32:
        raise CodecError("expected a 32-byte hash", field=key)
    return bytes(value)


def serialize_ledger_header(header: Mapping[str, Any]) -> bytes:
    """The 118-byte binary form of a ledger header."""
    parts = []
    for key, size, is_hash in _LAYOUT:
        if key not in header:
            raise CodecError("missing from the ledger header", field=key)
        value = header[key]
        parts.append(_hash(key, value) if is_hash else _number(key, value, size))
    return b"".join(parts)


def deserialize_ledger_header(data: bytes) -> dict[str, Any]:
    """The native header (ints and 32-byte hashes) of its 118-byte binary form."""
    if not isinstance(data, (bytes, bytearray)):
        raise CodecError(f"expected bytes, not {type(data).__name__}")
    if len(data) != LEDGER_HEADER_LENGTH:
        raise CodecError(f"a ledger header is {LEDGER_HEADER_LENGTH} bytes, not {len(data)}")
    header: dict[str, Any] = {}
    pos = 0
    for key, size, is_hash in _LAYOUT:
        chunk = bytes(data[pos : pos + size])
        header[key] = chunk if is_hash else int.from_bytes(chunk, "big")
        pos += size
    return header


def ledger_header_to_json(header: Mapping[str, Any]) -> dict[str, Any]:
    """rippled's JSON form of a native header: hex hashes, total_coins as a string."""
    native = deserialize_ledger_header(serialize_ledger_header(header))
    out: dict[str, Any] = {}
    for key, _size, is_hash in _LAYOUT:
        value = native[key]
        out[key] = value.hex().upper() if is_hash else value
    out["total_coins"] = str(native["total_coins"])
    return out


def ledger_header_hash(header: Mapping[str, Any]) -> bytes:
    """The ledger hash: SHA-512Half(`LWR\\0` + the header's binary form)."""
    return sha512_half(HashPrefix.ledgerMaster.value + serialize_ledger_header(header))
