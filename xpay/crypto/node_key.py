"""A validator's node key: the Ed25519 key that signs its proposals, validations and overlay
messages.

rippled identifies a validator by its node public key, written `n…` (TokenType::NodePublic).
xpay's node keys are Ed25519, derived from a seed exactly like account keys (private key =
SHA-512Half(seed entropy)); the 33-byte public key (0xED + 32 bytes) is the node ID peers use in
UNLs and check signatures against with `xpay.crypto.verify`.
"""

from __future__ import annotations

from dataclasses import dataclass

from xpay.codec.address import encode_node_public
from xpay.crypto.keys import KeyPair
from xpay.protocol.ids import NodeID


@dataclass(frozen=True, slots=True, repr=False)
class NodeKey:
    """A validator's signing key. Its repr shows the public `n…` identity, never the secret."""

    _keypair: KeyPair

    @classmethod
    def from_seed(cls, seed: str) -> NodeKey:
        """The node key of an Ed25519 seed (`sEd…`), e.g. a validator's configured secret."""
        return cls(KeyPair.from_seed(seed))

    @classmethod
    def from_entropy(cls, entropy: bytes) -> NodeKey:
        """The node key of 16 bytes of seed entropy (deterministic keys for simulations)."""
        return cls(KeyPair.from_entropy(entropy))

    @classmethod
    def generate(cls) -> NodeKey:
        """A new node key from secure randomness."""
        return cls(KeyPair.generate())

    @property
    def node_id(self) -> NodeID:
        """33 bytes: 0xED + the Ed25519 public key."""
        return NodeID(self._keypair.public_key)

    @property
    def node_public(self) -> str:
        """The `n…` encoding of the node ID, as rippled prints validator keys."""
        return encode_node_public(self._keypair.public_key)

    @property
    def seed(self) -> str:
        """The seed (`sEd…`): the secret. Only ever read on purpose."""
        return self._keypair.seed

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of `message`."""
        return self._keypair.sign(message)

    def __repr__(self) -> str:
        return f"NodeKey({self.node_public})"

    __str__ = __repr__
