"""Base58Check with the XRPL alphabet: the text form of addresses, seeds and public keys.

The XRPL's base58 uses its own alphabet (starting `rpshnaf…`, so a version byte of zero — an
account ID — renders as a leading `r`) and appends the first four bytes of a double SHA-256 of
the payload as a checksum.
"""

from __future__ import annotations

import hashlib
from typing import Final

from xpay.codec.errors import CodecError

ALPHABET: Final = "rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz"
_ENCODE: Final = ALPHABET.encode("ascii")
_DECODE: Final[dict[str, int]] = {ch: i for i, ch in enumerate(ALPHABET)}
_ZERO: Final = ALPHABET[0]
MAX_TEXT_LENGTH: Final = 128
"""Longer text is rejected before any arithmetic: nothing the XRPL encodes comes close."""


def checksum(payload: bytes) -> bytes:
    """The four check bytes: SHA-256(SHA-256(payload))[:4]."""
    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]


def b58encode(data: bytes) -> str:
    """Plain base58 (no checksum) in the XRPL alphabet."""
    n = int.from_bytes(data, "big")
    out = bytearray()
    while n:
        n, r = divmod(n, 58)
        out.append(_ENCODE[r])
    pad = len(data) - len(data.lstrip(b"\x00"))
    out.extend(_ENCODE[0:1] * pad)
    out.reverse()
    return out.decode("ascii")


def b58decode(text: str) -> bytes:
    """Plain base58 (no checksum) in the XRPL alphabet. Raises CodecError on a bad character."""
    if not isinstance(text, str):
        raise CodecError(f"expected a base58 string, got {type(text).__name__}")
    if len(text) > MAX_TEXT_LENGTH:
        raise CodecError(f"base58 text too long ({len(text)} characters)")
    n = 0
    decode = _DECODE
    try:
        for ch in text:
            n = n * 58 + decode[ch]
    except KeyError as exc:
        raise CodecError(f"invalid base58 character {exc.args[0]!r}") from None
    pad = len(text) - len(text.lstrip(_ZERO))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\x00" * pad + body


def encode_check(payload: bytes) -> str:
    """Base58Check: payload (version prefix included) plus its four-byte checksum."""
    return b58encode(payload + checksum(payload))


def decode_check(text: str) -> bytes:
    """The payload of a Base58Check string (version prefix included), checksum verified."""
    raw = b58decode(text)
    if len(raw) < 5:
        raise CodecError("base58 text too short to carry a checksum")
    payload, check = raw[:-4], raw[-4:]
    if checksum(payload) != check:
        raise CodecError("invalid checksum")
    return payload
