"""Node keys and a verify function for overlay tests (PyNaCl, until xpay.crypto lands)."""

from __future__ import annotations

from dataclasses import dataclass, field

import nacl.exceptions
import nacl.signing

from xpay.protocol.ids import NodeID


@dataclass(frozen=True)
class TestKey:
    seed: bytes
    _key: nacl.signing.SigningKey = field(init=False, repr=False, compare=False)
    node_id: NodeID = field(init=False)

    def __post_init__(self) -> None:
        key = nacl.signing.SigningKey(self.seed)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "node_id", NodeID(b"\xed" + bytes(key.verify_key)))

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message).signature


def key(n: int) -> TestKey:
    return TestKey(n.to_bytes(32, "big"))


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    if len(public_key) != 33 or public_key[0] != 0xED or len(signature) != 64:
        return False
    try:
        nacl.signing.VerifyKey(public_key[1:]).verify(message, signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError):
        return False
    return True
