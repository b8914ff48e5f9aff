"""The XRPL address codec: account IDs (`r…`), family seeds (`sEd…`), public keys (`a…`, `n…`).

Each is Base58Check of a version prefix and a payload, as in rippled's `TokenType` and xrpl-py's
address codec: the prefix fixes the first character(s) of the text, so a reader can tell an
address from a seed at a glance. xpay's keys are Ed25519; a secp256k1 seed (`s…` without `Ed`) is
recognised and refused with a clear message.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from xpay.codec.base58 import decode_check, encode_check
from xpay.codec.errors import CodecError
from xpay.protocol.ids import AccountID

ACCOUNT_ID_PREFIX: Final = b"\x00"
"""rippled's TokenType::AccountID: renders as `r…`."""
ACCOUNT_PUBLIC_PREFIX: Final = b"\x23"
"""TokenType::AccountPublic: `a…`."""
NODE_PUBLIC_PREFIX: Final = b"\x1c"
"""TokenType::NodePublic: `n…`."""
FAMILY_SEED_PREFIX: Final = b"\x21"
"""TokenType::FamilySeed (secp256k1 seeds): `s…`."""
ED25519_SEED_PREFIX: Final = b"\x01\xe1\x4b"
"""The prefix the XRPL tools use for Ed25519 family seeds: `sEd…`."""

ACCOUNT_ID_LENGTH: Final = 20
SEED_LENGTH: Final = 16
PUBLIC_KEY_LENGTH: Final = 33

_CACHE_SIZE: Final = 1 << 16
"""Addresses repeat heavily (the same accounts transact all day): a bounded cache makes the
JSON layer's account conversions nearly free."""


def _decode(text: str, prefix: bytes, length: int, what: str) -> bytes:
    if not isinstance(text, str):
        raise CodecError(f"{what} must be a string, not {type(text).__name__}")
    payload = decode_check(text)
    if len(payload) != len(prefix) + length or not payload.startswith(prefix):
        raise CodecError(f"{text!r} is not {what}")
    return payload[len(prefix) :]


@lru_cache(maxsize=_CACHE_SIZE)
def _encode_account_id(account_id: bytes) -> str:
    return encode_check(ACCOUNT_ID_PREFIX + account_id)


def encode_account_id(account_id: bytes) -> str:
    """The classic address (`r…`) of a 20-byte account ID."""
    if type(account_id) is not bytes or len(account_id) != ACCOUNT_ID_LENGTH:
        raise CodecError("an account ID is 20 bytes")
    return _encode_account_id(account_id)


@lru_cache(maxsize=_CACHE_SIZE)
def _decode_account_id(address: str) -> AccountID:
    return AccountID(_decode(address, ACCOUNT_ID_PREFIX, ACCOUNT_ID_LENGTH, "a classic address"))


def decode_account_id(address: str) -> AccountID:
    """The 20-byte account ID of a classic address (`r…`). Raises CodecError."""
    if type(address) is not str:
        raise CodecError(f"an address must be a string, not {type(address).__name__}")
    return _decode_account_id(address)


def is_valid_classic_address(text: str) -> bool:
    """True for a well-formed classic address with a correct checksum."""
    try:
        decode_account_id(text)
    except CodecError:
        return False
    return True


def encode_seed(entropy: bytes) -> str:
    """The Ed25519 family seed (`sEd…`) of 16 bytes of entropy."""
    if len(entropy) != SEED_LENGTH:
        raise CodecError("seed entropy is 16 bytes")
    return encode_check(ED25519_SEED_PREFIX + bytes(entropy))


def decode_seed(seed: str) -> bytes:
    """The 16 bytes of entropy of an Ed25519 family seed (`sEd…`).

    A secp256k1 family seed (`s…`, version 0x21) is recognised and refused: xpay derives only
    Ed25519 keys, and silently deriving a different key from the same seed would give the user
    a different account than rippled does.
    """
    if not isinstance(seed, str):
        raise CodecError(f"a seed must be a string, not {type(seed).__name__}")
    payload = decode_check(seed)
    if len(payload) == len(ED25519_SEED_PREFIX) + SEED_LENGTH and payload.startswith(
        ED25519_SEED_PREFIX
    ):
        return payload[len(ED25519_SEED_PREFIX) :]
    if len(payload) == len(FAMILY_SEED_PREFIX) + SEED_LENGTH and payload.startswith(
        FAMILY_SEED_PREFIX
    ):
        raise CodecError(
            "secp256k1 seeds are not supported: xpay keys are Ed25519 (seeds starting 'sEd')"
        )
    raise CodecError("not a family seed")


def encode_node_public(public_key: bytes) -> str:
    """The `n…` text of a 33-byte node (validator) public key."""
    if len(public_key) != PUBLIC_KEY_LENGTH:
        raise CodecError("a public key is 33 bytes")
    return encode_check(NODE_PUBLIC_PREFIX + bytes(public_key))


def decode_node_public(text: str) -> bytes:
    """The 33-byte node public key of an `n…` string."""
    return _decode(text, NODE_PUBLIC_PREFIX, PUBLIC_KEY_LENGTH, "a node public key")


def encode_account_public(public_key: bytes) -> str:
    """The `a…` text of a 33-byte account public key (what wallet_propose prints)."""
    if len(public_key) != PUBLIC_KEY_LENGTH:
        raise CodecError("a public key is 33 bytes")
    return encode_check(ACCOUNT_PUBLIC_PREFIX + bytes(public_key))


def decode_account_public(text: str) -> bytes:
    """The 33-byte account public key of an `a…` string."""
    return _decode(text, ACCOUNT_PUBLIC_PREFIX, PUBLIC_KEY_LENGTH, "an account public key")
