"""The payloads validators exchange over the overlay, as rippled's peer protocol messages
(``TMProposeSet``, ``TMValidation``, ``TMTransactions``, ``TMGetLedger`` / ``TMLedgerData``).

Every payload travels inside an overlay envelope that the sender signs with its node key, and the
overlay verifies that signature (and that proposals and validations come from the UNL) before
the node sees anything. So these payloads carry no signature of their own: the envelope's sender
*is* the proposer or validator. A validation also names its validator's node ID, which must equal
the envelope's sender, so a validation stays meaningful when logged or shown on the
``validations`` stream.

Fixed big-endian layouts, no JSON or pickle; anything that does not parse exactly raises
``PeerMessageError`` and is dropped by the caller:

    PROPOSAL      prev ledger 32 | position (tx-set ID) 32 | close time u32 (s) | propose seq u32
    VALIDATION    ledger seq u32 | ledger hash 32 | close time u32 (s) | sign time u64 (ms)
                  | flags u8 (bit 0: full) | node ID 33
    TRANSACTIONS  count u32 | count x (length u32 | blob)
    GET_TX_SET    set ID 32
    TX_SET        set ID 32 | count u32 | count x (length u32 | blob)
    GET_LEDGER    ledger hash 32 | mode u8 (0: replay, 1: state snapshot)
    LEDGER        ledger hash 32 | mode u8 | header 118 | tx count u32
                  | tx count x (length u32 | blob | length u32 | metadata)
                  | (snapshot only) entry count u32 | entry count x (key 32 | length u32 | entry)
"""

from __future__ import annotations

import enum
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from xpay.consensus import Proposal, Validation
from xpay.ledger.ledger import LedgerHeader
from xpay.protocol.ids import Hash256, NodeID

HEADER_SIZE: Final = 118
NODE_ID_SIZE: Final = 33

_PROPOSAL = struct.Struct(">32s32sII")
_VALIDATION = struct.Struct(">I32sIQB33s")
_U32 = struct.Struct(">I")
_VALIDATION_FULL: Final = 0x01


class PeerMessageError(ValueError):
    """A payload that is not a well-formed message of its kind."""


class LedgerMode(enum.IntEnum):
    """What a GET_LEDGER asks for (rippled's ``TMGetLedger`` ``itype``: base + transactions, or
    the state tree)."""

    REPLAY = 0
    """The header and the transactions with metadata: replayed on the parent we hold."""
    SNAPSHOT = 1
    """The header, the transactions and every state entry: for a node too far behind."""


# --- proposals and validations -----------------------------------------------------------------


def encode_proposal(proposal: Proposal[NodeID]) -> bytes:
    return _PROPOSAL.pack(
        proposal.prev_ledger, proposal.position, proposal.close_time, proposal.propose_seq
    )


def decode_proposal(payload: bytes, sender: NodeID, now: int) -> Proposal[NodeID]:
    """The proposal ``sender`` (the envelope's verified signer) sent, stamped with ``now``."""
    if len(payload) != _PROPOSAL.size:
        raise PeerMessageError(f"a proposal is {_PROPOSAL.size} bytes, not {len(payload)}")
    prev_ledger, position, close_time, propose_seq = _PROPOSAL.unpack(payload)
    return Proposal(Hash256(prev_ledger), Hash256(position), close_time, now, sender, propose_seq)


@dataclass(frozen=True, slots=True)
class SignedValidation:
    """A validation as it travels: the core's ``Validation`` plus the ledger's close time
    (rippled's ``STValidation`` carries sfCloseTime for the validations stream)."""

    validation: Validation[NodeID]
    close_time: int


def encode_validation(signed: SignedValidation) -> bytes:
    validation = signed.validation
    return _VALIDATION.pack(
        validation.seq,
        validation.ledger_id,
        signed.close_time,
        validation.sign_time,
        _VALIDATION_FULL if validation.full else 0,
        validation.node_id,
    )


def decode_validation(payload: bytes, sender: NodeID) -> SignedValidation:
    """The validation in ``payload``; its node ID must be the envelope's sender."""
    if len(payload) != _VALIDATION.size:
        raise PeerMessageError(f"a validation is {_VALIDATION.size} bytes, not {len(payload)}")
    seq, ledger_hash, close_time, sign_time, flags, node_id = _VALIDATION.unpack(payload)
    if node_id != sender:
        raise PeerMessageError("a validation names another validator than its signer")
    if flags & ~_VALIDATION_FULL:
        raise PeerMessageError(f"unknown validation flags 0x{flags:02x}")
    validation = Validation(
        Hash256(ledger_hash), seq, sign_time, NodeID(node_id), bool(flags & _VALIDATION_FULL)
    )
    return SignedValidation(validation, close_time)


# --- blobs -------------------------------------------------------------------------------------


def _encode_blobs(blobs: Sequence[bytes]) -> bytes:
    parts = [_U32.pack(len(blobs))]
    for blob in blobs:
        parts += (_U32.pack(len(blob)), blob)
    return b"".join(parts)


class _Reader:
    __slots__ = ("data", "offset")

    def __init__(self, data: bytes, offset: int = 0) -> None:
        self.data = data
        self.offset = offset

    def take(self, size: int) -> bytes:
        end = self.offset + size
        if size < 0 or end > len(self.data):
            raise PeerMessageError(f"truncated message at byte {self.offset}")
        out = self.data[self.offset : end]
        self.offset = end
        return out

    def u32(self) -> int:
        value: int = _U32.unpack(self.take(4))[0]
        return value

    def count(self, min_item_size: int) -> int:
        """An item count, refused when the bytes left cannot hold that many items (a forged
        count must not make us loop, or allocate, beyond the message)."""
        count = self.u32()
        if count * min_item_size > len(self.data) - self.offset:
            raise PeerMessageError(f"{count} items cannot fit in the rest of the message")
        return count

    def blob(self) -> bytes:
        return self.take(self.u32())

    def end(self) -> None:
        if self.offset != len(self.data):
            raise PeerMessageError(f"{len(self.data) - self.offset} bytes after the message")


def encode_transactions(blobs: Sequence[bytes]) -> bytes:
    return _encode_blobs(blobs)


def decode_transactions(payload: bytes) -> list[bytes]:
    reader = _Reader(payload)
    blobs = [reader.blob() for _ in range(reader.count(4))]
    reader.end()
    return blobs


# --- transaction sets --------------------------------------------------------------------------


def encode_get_tx_set(set_id: Hash256) -> bytes:
    return bytes(set_id)


def decode_get_tx_set(payload: bytes) -> Hash256:
    if len(payload) != 32:
        raise PeerMessageError("a transaction-set request is a 32-byte set ID")
    return Hash256(payload)


def encode_tx_set(set_id: Hash256, blobs: Sequence[bytes]) -> bytes:
    return bytes(set_id) + _encode_blobs(blobs)


def decode_tx_set(payload: bytes) -> tuple[Hash256, list[bytes]]:
    reader = _Reader(payload)
    set_id = Hash256(reader.take(32))
    blobs = [reader.blob() for _ in range(reader.count(4))]
    reader.end()
    return set_id, blobs


def encode_tx_set_ids(set_id: Hash256, tx_ids: Sequence[Hash256]) -> bytes:
    """A set pushed by its transactions' IDs: 32 bytes a transaction instead of its blob (peers
    got the blobs with the relay)."""
    return bytes(set_id) + _U32.pack(len(tx_ids)) + b"".join(tx_ids)


def decode_tx_set_ids(payload: bytes) -> tuple[Hash256, list[Hash256]]:
    reader = _Reader(payload)
    set_id = Hash256(reader.take(32))
    count = reader.count(32)
    raw = reader.take(32 * count)
    reader.end()
    return set_id, [Hash256(raw[i : i + 32]) for i in range(0, len(raw), 32)]


# --- ledgers -----------------------------------------------------------------------------------


def encode_get_ledger(ledger_hash: Hash256, mode: LedgerMode) -> bytes:
    return bytes(ledger_hash) + bytes((mode,))


def decode_get_ledger(payload: bytes) -> tuple[Hash256, LedgerMode]:
    if len(payload) != 33:
        raise PeerMessageError("a ledger request is a 32-byte hash and a mode byte")
    try:
        mode = LedgerMode(payload[32])
    except ValueError:
        raise PeerMessageError(f"unknown ledger request mode {payload[32]}") from None
    return Hash256(payload[:32]), mode


@dataclass(frozen=True, slots=True)
class LedgerData:
    """What a peer sent for a ledger: enough to rebuild it and check it against its hash."""

    ledger_hash: Hash256
    mode: LedgerMode
    header: LedgerHeader
    transactions: tuple[tuple[bytes, bytes], ...]
    """(blob, metadata blob) of each transaction."""
    state: tuple[tuple[bytes, bytes], ...] = ()
    """(key, serialised entry) of every state entry (snapshot mode only)."""


def encode_ledger_data(
    ledger_hash: Hash256,
    mode: LedgerMode,
    header: LedgerHeader,
    transactions: Iterable[tuple[bytes, bytes]],
    state: Iterable[tuple[bytes, bytes]] = (),
) -> bytes:
    txs = list(transactions)
    parts = [bytes(ledger_hash), bytes((mode,)), header.to_bytes(), _U32.pack(len(txs))]
    for blob, meta in txs:
        parts += (_U32.pack(len(blob)), blob, _U32.pack(len(meta)), meta)
    if mode is LedgerMode.SNAPSHOT:
        entries = list(state)
        parts.append(_U32.pack(len(entries)))
        for key, entry in entries:
            parts += (key, _U32.pack(len(entry)), entry)
    return b"".join(parts)


def decode_ledger_data(payload: bytes) -> LedgerData:
    reader = _Reader(payload)
    ledger_hash = Hash256(reader.take(32))
    try:
        mode = LedgerMode(reader.take(1)[0])
    except ValueError:
        raise PeerMessageError("unknown ledger data mode") from None
    try:
        header = LedgerHeader.from_bytes(reader.take(HEADER_SIZE))
    except ValueError as exc:
        raise PeerMessageError(str(exc)) from None
    transactions = tuple((reader.blob(), reader.blob()) for _ in range(reader.count(8)))
    state: tuple[tuple[bytes, bytes], ...] = ()
    if mode is LedgerMode.SNAPSHOT:
        state = tuple((reader.take(32), reader.blob()) for _ in range(reader.count(36)))
    reader.end()
    return LedgerData(ledger_hash, mode, header, transactions, state)
