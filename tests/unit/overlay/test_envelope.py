"""The envelope wire form: round trips, what the signature covers, and garbage handling."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.overlay.nodes import node_key
from xpay.crypto import verify
from xpay.overlay import MalformedEnvelope, MessageKind, ReplyTo, decode, seal
from xpay.overlay.envelope import MAX_PAYLOAD, MIN_WIRE_SIZE, Envelope, signing_data_of

KEY = node_key(1)
OTHER = node_key(2)

kinds = st.sampled_from(list(MessageKind))
reply_tos = st.none() | st.builds(
    ReplyTo, st.sampled_from([OTHER.node_id, KEY.node_id]), st.integers(0, 2**64 - 1)
)


def sealed(
    payload: bytes = b"payload",
    *,
    kind: MessageKind = MessageKind.TRANSACTIONS,
    sequence: int = 1,
    network_id: int = 0,
    reply_to: ReplyTo | None = None,
) -> tuple[Envelope, bytes]:
    return seal(
        KEY, network_id=network_id, kind=kind, sequence=sequence, payload=payload, reply_to=reply_to
    )


@given(
    network_id=st.integers(0, 2**32 - 1),
    kind=kinds,
    sequence=st.integers(0, 2**64 - 1),
    payload=st.binary(max_size=2000),
    reply_to=reply_tos,
)
def test_sealed_frame_decodes_to_the_same_envelope_and_verifies(
    network_id: int, kind: MessageKind, sequence: int, payload: bytes, reply_to: ReplyTo | None
) -> None:
    envelope, wire = sealed(
        payload, kind=kind, sequence=sequence, network_id=network_id, reply_to=reply_to
    )
    assert decode(wire) == envelope
    assert envelope.encode() == wire
    assert signing_data_of(wire) == envelope.signing_data()
    assert verify(envelope.sender, envelope.signing_data(), envelope.signature)


def test_wire_layout_is_the_documented_one() -> None:
    _, wire = sealed(b"abc", kind=MessageKind.PROPOSAL, sequence=0x0102, network_id=21)
    assert wire[0] == 1  # version
    assert wire[1:5] == (21).to_bytes(4, "big")
    assert wire[5:7] == (33).to_bytes(2, "big")  # rippled's mtPROPOSE_LEDGER
    assert wire[7] == 0  # not a reply
    assert wire[8:16] == (0x0102).to_bytes(8, "big")
    assert wire[16:49] == KEY.node_id
    assert wire[49:53] == (3).to_bytes(4, "big")
    assert wire[53:56] == b"abc"
    assert len(wire) == 56 + 64 == MIN_WIRE_SIZE + 3


def test_message_kinds_use_rippled_message_type_numbers() -> None:
    assert MessageKind.TRANSACTIONS.value == 64  # mtTRANSACTIONS
    assert MessageKind.PROPOSAL.value == 33  # mtPROPOSE_LEDGER
    assert MessageKind.VALIDATION.value == 41  # mtVALIDATION
    assert MessageKind.STATUS.value == 34  # mtSTATUS_CHANGE
    assert MessageKind.GET_LEDGER.value == 31
    assert MessageKind.LEDGER.value == 32


@given(index=st.integers(0, 200), reply=st.booleans())
def test_any_flipped_byte_breaks_the_signature_or_the_frame(index: int, reply: bool) -> None:
    _, wire = sealed(
        b"x" * 40, reply_to=ReplyTo(OTHER.node_id, 9) if reply else None
    )
    index %= len(wire)
    tampered = wire[:index] + bytes([wire[index] ^ 0x80]) + wire[index + 1 :]
    try:
        changed = decode(tampered)
    except MalformedEnvelope:
        return
    assert not verify(changed.sender, signing_data_of(tampered), changed.signature)


@given(st.binary(max_size=400))
def test_random_bytes_only_ever_raise_malformed_envelope(data: bytes) -> None:
    try:
        decode(data)
    except MalformedEnvelope as exc:
        assert 0 <= exc.offset <= len(data)


@given(cut=st.integers(0, 300))
def test_truncated_or_extended_frames_are_malformed(cut: int) -> None:
    _, wire = sealed(b"y" * 100, reply_to=ReplyTo(OTHER.node_id, 3))
    with pytest.raises(MalformedEnvelope):
        decode(wire[: cut % len(wire)])
    with pytest.raises(MalformedEnvelope):
        decode(wire + b"\x00" * (1 + cut % 5))


@pytest.mark.parametrize(
    ("index", "value", "reason"),
    [
        (0, 2, "unknown wire version"),
        (6, 99, "unknown message kind"),
        (7, 0x02, "unknown flags"),
        (16, 0x02, "not an Ed25519 node key"),
    ],
)
def test_malformed_reasons_name_the_problem(index: int, value: int, reason: str) -> None:
    _, wire = sealed()
    bad = wire[:index] + bytes([value]) + wire[index + 1 :]
    with pytest.raises(MalformedEnvelope, match=reason):
        decode(bad)


def test_oversized_length_prefix_is_refused_before_allocating() -> None:
    _, wire = sealed(b"")
    bad = wire[:49] + (MAX_PAYLOAD + 1).to_bytes(4, "big") + wire[53:]
    with pytest.raises(MalformedEnvelope, match="exceeds the limit"):
        decode(bad)


def test_sealing_refuses_out_of_range_fields_and_bad_signers() -> None:
    with pytest.raises(ValueError):
        sealed(network_id=2**32)
    with pytest.raises(ValueError):
        sealed(sequence=-1)

    class ShortSigner:
        node_id = KEY.node_id

        def sign(self, message: bytes) -> bytes:
            return b"\x00" * 10

    with pytest.raises(ValueError, match="64-byte"):
        seal(ShortSigner(), network_id=0, kind=MessageKind.STATUS, sequence=1, payload=b"")

    class Secp256k1Signer:
        node_id = b"\x02" + bytes(32)

        def sign(self, message: bytes) -> bytes:
            return bytes(64)

    with pytest.raises(ValueError, match="Ed25519"):
        seal(Secp256k1Signer(), network_id=0, kind=MessageKind.STATUS, sequence=1, payload=b"")
