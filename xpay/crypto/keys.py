"""Ed25519 keys as the XRPL derives them, signing and verification (PyNaCl / libsodium).

From a family seed's 16 bytes of entropy the XRPL derives an Ed25519 key as rippled's
`generateKeyPair(KeyType::ed25519, seed)` does: the private key is SHA-512Half(entropy), the
public key is the byte 0xED followed by the 32-byte Ed25519 public key, and the account ID is
RIPEMD-160(SHA-256(public key)). Ed25519 signatures are deterministic and cover the whole
message (no pre-hash), so the same seed and message give xrpl-py's signature byte for byte.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Final

from nacl.bindings import crypto_sign, crypto_sign_open, crypto_sign_seed_keypair
from nacl.exceptions import BadSignatureError, CryptoError

from xpay.codec.address import SEED_LENGTH, decode_seed, encode_account_id, encode_seed
from xpay.crypto.ripemd160 import ripemd160
from xpay.protocol.hash_prefix import sha512_half
from xpay.protocol.ids import AccountID

ED25519_PREFIX: Final = 0xED
"""First byte of every XRPL Ed25519 public key (secp256k1 keys start 0x02 or 0x03)."""
PUBLIC_KEY_LENGTH: Final = 33
SIGNATURE_LENGTH: Final = 64


def account_id_from_public_key(public_key: bytes) -> AccountID:
    """The XRPL account ID of a public key: RIPEMD-160(SHA-256(public key))."""
    return AccountID(ripemd160(hashlib.sha256(public_key).digest()))


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class KeyPair:
    """An account's Ed25519 key pair, derived from a family seed as the XRPL does.

    The secret never appears in `repr` or `str`; `seed` gives it back only when asked for by
    name (to print it in `wallet propose`, for instance).
    """

    public_key: bytes
    """33 bytes: 0xED + the Ed25519 public key (what `SigningPubKey` carries)."""
    account_id: AccountID
    _entropy: bytes = field(repr=False)
    _secret: bytes = field(repr=False)
    """libsodium's 64-byte secret key (private seed + public key)."""

    @classmethod
    def from_entropy(cls, entropy: bytes) -> KeyPair:
        """The key pair of 16 bytes of seed entropy."""
        if len(entropy) != SEED_LENGTH:
            raise ValueError("seed entropy is 16 bytes")
        private_key = sha512_half(bytes(entropy))
        raw_public, secret = crypto_sign_seed_keypair(private_key)
        public_key = bytes((ED25519_PREFIX,)) + raw_public
        return cls(
            public_key=public_key,
            account_id=account_id_from_public_key(public_key),
            _entropy=bytes(entropy),
            _secret=secret,
        )

    @classmethod
    def from_seed(cls, seed: str) -> KeyPair:
        """The key pair of an Ed25519 family seed (`sEd…`). Raises CodecError for a bad seed,
        including a secp256k1 one."""
        return cls.from_entropy(decode_seed(seed))

    @classmethod
    def generate(cls) -> KeyPair:
        """A new key pair from 16 bytes of the operating system's secure randomness."""
        return cls.from_entropy(secrets.token_bytes(SEED_LENGTH))

    @property
    def address(self) -> str:
        """The classic address (`r…`)."""
        return encode_account_id(self.account_id)

    @property
    def seed(self) -> str:
        """The family seed (`sEd…`): the secret. Only ever read on purpose."""
        return encode_seed(self._entropy)

    @property
    def seed_entropy(self) -> bytes:
        """The seed's 16 bytes of entropy (rippled's `master_seed_hex`): the secret."""
        return self._entropy

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of `message`."""
        signature: bytes = crypto_sign(message, self._secret)[:SIGNATURE_LENGTH]
        return signature

    def __repr__(self) -> str:
        return f"KeyPair(address={self.address!r}, public_key={self.public_key.hex().upper()!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KeyPair) and other.public_key == self.public_key

    def __hash__(self) -> int:
        return hash(self.public_key)


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True when `signature` is a valid Ed25519 signature of `message` by `public_key` (33 bytes,
    0xED-prefixed). Any malformed key or signature is simply False, never an exception.

    libsodium rejects non-canonical signatures (S >= L) and small-order keys, as rippled's
    `verify` requires of Ed25519.
    """
    if (
        type(public_key) is not bytes
        or type(signature) is not bytes
        or len(public_key) != PUBLIC_KEY_LENGTH
        or public_key[0] != ED25519_PREFIX
        or len(signature) != SIGNATURE_LENGTH
    ):
        return False
    try:
        crypto_sign_open(signature + bytes(message), public_key[1:])
    except (BadSignatureError, CryptoError, ValueError, TypeError):
        return False
    return True
