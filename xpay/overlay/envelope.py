"""Envelopes: the signed, length-prefixed frame every overlay message travels in.

rippled frames a peer message with a small binary header (payload size and a 16-bit
`MessageType`) around a protobuf, and authenticates the link itself with the TLS handshake
between the two peers; only proposals and validations carry their own signatures. xpay's peers
meet through a broker (or an in-process hub), so there is no peer-to-peer handshake to lean on:
every frame carries its sender's node public key and an Ed25519 signature over the whole frame,
and a receiver verifies before it uses anything inside.

Wire layout, big-endian, no padding, no JSON, no pickle:

    offset  size  field
    0       1     version        = 1
    1       4     network_id     the XRPL NetworkID of the network the frame belongs to
    5       2     kind           `MessageKind`, numbered as rippled's `MessageType` where one exists
    7       1     flags          bit 0: the frame is a reply and a reply-to block follows the sender
    8       8     sequence       per sender, strictly increasing: de-duplication and replay defence
    16      33    sender         node public key: 0xED followed by the 32-byte Ed25519 key
    49      33    requester      (replies only) the node that asked
    82      8     request_seq    (replies only) the sequence of the request being answered
    ..      4     payload_len
    ..      n     payload        opaque bytes: the node's own serialisation
    ..      64    signature      Ed25519 over SIGNING_PREFIX + every byte above

The signature covers network id, kind, sequence, sender, the reply-to block and the payload, so a
frame cannot be replayed on another network, re-labelled as another kind, or redirected as an
answer to another node's request.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from typing import Final, Protocol

from xpay.overlay.errors import MalformedEnvelope
from xpay.protocol.ids import NodeID

WIRE_VERSION: Final = 1

SIGNING_PREFIX: Final = b"OVL\x00"
"""Domain separation, in the style of rippled's HashPrefix (`TXN\\0`, `PRP\\0`, `VAL\\0`): a
signature over an overlay frame can never be mistaken for one over a transaction or a proposal."""

NODE_KEY_PREFIX: Final = 0xED
NODE_ID_SIZE: Final = 33
SIGNATURE_SIZE: Final = 64
MAX_PAYLOAD: Final = 64 * 1024 * 1024
"""rippled caps a peer message at 64 MiB (`maximiumMessageSize`); a longer length prefix is
garbage, refused before anything is allocated."""

_FLAG_REPLY: Final = 0x01
_KNOWN_FLAGS: Final = _FLAG_REPLY

_HEAD = struct.Struct(">BIHBQ")
_REPLY_SEQ = struct.Struct(">Q")
_LEN = struct.Struct(">I")
_HEAD_END: Final = _HEAD.size + NODE_ID_SIZE
_REPLY_SIZE: Final = NODE_ID_SIZE + _REPLY_SEQ.size
MIN_WIRE_SIZE: Final = _HEAD_END + _LEN.size + SIGNATURE_SIZE


class MessageKind(enum.IntEnum):
    """What a frame carries. Numbers follow rippled's `MessageType` (ripple.proto) where rippled
    has the message; xpay's own kinds are numbered from 200 so they can never collide with it."""

    TRANSACTIONS = 64  # mtTRANSACTIONS: a batch of serialized transactions
    PROPOSAL = 33  # mtPROPOSE_LEDGER: a validator's position in a consensus round
    VALIDATION = 41  # mtVALIDATION: a validator's signature on a closed ledger
    STATUS = 34  # mtSTATUS_CHANGE: a node's state (ledger it is on, what it is doing)
    GET_LEDGER = 31  # mtGET_LEDGER
    LEDGER = 32  # mtLEDGER_DATA
    HAVE_SET = 35  # mtHAVE_TRANSACTION_SET: "I have (or need) the set with this hash"
    GET_TX_SET = 200  # rippled asks with mtGET_LEDGER/liTS_CANDIDATE; xpay names it
    TX_SET = 201
    PRESENCE = 202  # overlay-internal liveness: "online" / "offline" (MQTT retained + last will)
    TX_SET_IDS = 203  # a position's set pushed as transaction IDs (peers hold the blobs from relay)


REPLY_KIND: Final[dict[MessageKind, MessageKind]] = {
    MessageKind.GET_TX_SET: MessageKind.TX_SET,
    MessageKind.GET_LEDGER: MessageKind.LEDGER,
}
"""Request kinds and the kind of their answer; `request()` accepts only these."""

UNL_ONLY: Final[frozenset[MessageKind]] = frozenset({MessageKind.PROPOSAL, MessageKind.VALIDATION})
"""Kinds accepted only from validators on our UNL: rippled ignores proposals and validations
from untrusted validators for consensus (it may relay them; xpay has no relaying to do)."""


class Signer(Protocol):
    """A node key: what the overlay needs to sign what it sends (xpay.crypto's NodeKey)."""

    @property
    def node_id(self) -> bytes: ...

    def sign(self, message: bytes, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class ReplyTo:
    """Which request a reply answers: the requester's node id and the request's sequence."""

    requester: NodeID
    sequence: int


@dataclass(frozen=True, slots=True)
class Envelope:
    """One signed overlay frame, decoded. Build one with `seal()`, read one with `decode()`."""

    network_id: int
    kind: MessageKind
    sequence: int
    sender: NodeID
    payload: bytes
    signature: bytes
    reply_to: ReplyTo | None = None

    def signing_data(self) -> bytes:
        """The exact bytes the signature covers."""
        return SIGNING_PREFIX + _body(
            self.network_id, self.kind, self.sequence, self.sender, self.payload, self.reply_to
        )

    def encode(self) -> bytes:
        """The wire form."""
        return (
            _body(
                self.network_id, self.kind, self.sequence, self.sender, self.payload, self.reply_to
            )
            + self.signature
        )


def _body(
    network_id: int,
    kind: MessageKind,
    sequence: int,
    sender: bytes,
    payload: bytes,
    reply_to: ReplyTo | None,
) -> bytes:
    flags = _FLAG_REPLY if reply_to is not None else 0
    try:
        head = _HEAD.pack(WIRE_VERSION, network_id, kind, flags, sequence)
    except struct.error as exc:
        raise ValueError(f"envelope field out of range: {exc}") from None
    if len(sender) != NODE_ID_SIZE or sender[0] != NODE_KEY_PREFIX:
        raise ValueError("sender must be a 33-byte Ed25519 node public key (0xED + 32 bytes)")
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes exceeds the {MAX_PAYLOAD}-byte limit")
    parts = [head, sender]
    if reply_to is not None:
        if len(reply_to.requester) != NODE_ID_SIZE:
            raise ValueError("requester must be a 33-byte node public key")
        parts += (reply_to.requester, _REPLY_SEQ.pack(reply_to.sequence))
    parts += (_LEN.pack(len(payload)), payload)
    return b"".join(parts)


def seal(
    signer: Signer,
    *,
    network_id: int,
    kind: MessageKind,
    sequence: int,
    payload: bytes,
    reply_to: ReplyTo | None = None,
) -> tuple[Envelope, bytes]:
    """Sign a frame with `signer`; returns the envelope and its wire form (built once)."""
    sender = NodeID(bytes(signer.node_id))
    body = _body(network_id, kind, sequence, sender, payload, reply_to)
    signature = signer.sign(SIGNING_PREFIX + body)
    if len(signature) != SIGNATURE_SIZE:
        raise ValueError(f"signer returned {len(signature)} bytes, not a 64-byte signature")
    envelope = Envelope(
        network_id=network_id,
        kind=kind,
        sequence=sequence,
        sender=sender,
        payload=payload,
        signature=signature,
        reply_to=reply_to,
    )
    return envelope, body + signature


def signing_data_of(wire: bytes) -> bytes:
    """The bytes a well-formed frame's signature covers, taken from the wire without re-encoding.
    Only meaningful once `decode(wire)` has succeeded."""
    return SIGNING_PREFIX + wire[: len(wire) - SIGNATURE_SIZE]


def decode(wire: bytes) -> Envelope:
    """Parse a frame; anything that is not exactly one well-formed frame raises
    `MalformedEnvelope`. Does not verify the signature (`Admission` does)."""
    size = len(wire)
    if size < MIN_WIRE_SIZE:
        raise MalformedEnvelope(f"{size} bytes is shorter than the smallest frame", size)
    version, network_id, kind_code, flags, sequence = _HEAD.unpack_from(wire, 0)
    if version != WIRE_VERSION:
        raise MalformedEnvelope(f"unknown wire version {version}", 0)
    try:
        kind = MessageKind(kind_code)
    except ValueError:
        raise MalformedEnvelope(f"unknown message kind {kind_code}", 5) from None
    if flags & ~_KNOWN_FLAGS:
        raise MalformedEnvelope(f"unknown flags 0x{flags:02x}", 7)
    sender = wire[_HEAD.size : _HEAD_END]
    if sender[0] != NODE_KEY_PREFIX:
        raise MalformedEnvelope("sender is not an Ed25519 node key (0xED prefix)", _HEAD.size)
    offset = _HEAD_END
    reply_to: ReplyTo | None = None
    if flags & _FLAG_REPLY:
        if size < MIN_WIRE_SIZE + _REPLY_SIZE:
            raise MalformedEnvelope("reply frame too short for its reply-to block", size)
        requester = wire[offset : offset + NODE_ID_SIZE]
        if requester[0] != NODE_KEY_PREFIX:
            raise MalformedEnvelope("requester is not an Ed25519 node key", offset)
        (request_sequence,) = _REPLY_SEQ.unpack_from(wire, offset + NODE_ID_SIZE)
        reply_to = ReplyTo(NodeID(bytes(requester)), request_sequence)
        offset += _REPLY_SIZE
    (payload_len,) = _LEN.unpack_from(wire, offset)
    offset += _LEN.size
    if payload_len > MAX_PAYLOAD:
        raise MalformedEnvelope(f"payload length {payload_len} exceeds the limit", offset - 4)
    expected = offset + payload_len + SIGNATURE_SIZE
    if expected != size:
        raise MalformedEnvelope(
            f"length prefix says {expected} bytes in all, frame has {size}", offset - 4
        )
    return Envelope(
        network_id=network_id,
        kind=kind,
        sequence=sequence,
        sender=NodeID(bytes(sender)),
        payload=bytes(wire[offset : offset + payload_len]),
        signature=bytes(wire[offset + payload_len :]),
        reply_to=reply_to,
    )
