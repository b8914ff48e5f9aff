"""RIPEMD-160, the second hash in an XRPL account ID (RIPEMD-160(SHA-256(public key))).

hashlib provides it only when the linked OpenSSL still ships the legacy algorithm; OpenSSL 3
moved it to the "legacy" provider, which many builds do not load. This module uses hashlib's
when it exists and otherwise a pure-Python implementation of the published algorithm
(Dobbertin, Bosselaers, Preneel, 1996). Account IDs are derived once per key, so the fallback's
speed does not matter.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable
from typing import Final

_MASK: Final = 0xFFFFFFFF

# Message word used at each of the 80 steps, left and right lines.
_R_LEFT: Final = (
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    7, 4, 13, 1, 10, 6, 15, 3, 12, 0, 9, 5, 2, 14, 11, 8,
    3, 10, 14, 4, 9, 15, 8, 1, 2, 7, 0, 6, 13, 11, 5, 12,
    1, 9, 11, 10, 0, 8, 12, 4, 13, 3, 7, 15, 14, 5, 6, 2,
    4, 0, 5, 9, 7, 12, 2, 10, 14, 1, 3, 8, 11, 6, 15, 13,
)  # fmt: skip
_R_RIGHT: Final = (
    5, 14, 7, 0, 9, 2, 11, 4, 13, 6, 15, 8, 1, 10, 3, 12,
    6, 11, 3, 7, 0, 13, 5, 10, 14, 15, 8, 12, 4, 9, 1, 2,
    15, 5, 1, 3, 7, 14, 6, 9, 11, 8, 12, 2, 10, 0, 4, 13,
    8, 6, 4, 1, 3, 11, 15, 0, 5, 12, 2, 13, 9, 7, 10, 14,
    12, 15, 10, 4, 1, 5, 8, 7, 6, 2, 13, 14, 0, 3, 9, 11,
)  # fmt: skip
# Left-rotation amounts at each step.
_S_LEFT: Final = (
    11, 14, 15, 12, 5, 8, 7, 9, 11, 13, 14, 15, 6, 7, 9, 8,
    7, 6, 8, 13, 11, 9, 7, 15, 7, 12, 15, 9, 11, 7, 13, 12,
    11, 13, 6, 7, 14, 9, 13, 15, 14, 8, 13, 6, 5, 12, 7, 5,
    11, 12, 14, 15, 14, 15, 9, 8, 9, 14, 5, 6, 8, 6, 5, 12,
    9, 15, 5, 11, 6, 8, 13, 12, 5, 12, 13, 14, 11, 8, 5, 6,
)  # fmt: skip
_S_RIGHT: Final = (
    8, 9, 9, 11, 13, 15, 15, 5, 7, 7, 8, 11, 14, 14, 12, 6,
    9, 13, 15, 7, 12, 8, 9, 11, 7, 7, 12, 7, 6, 15, 13, 11,
    9, 7, 15, 11, 8, 6, 6, 14, 12, 13, 5, 14, 13, 13, 7, 5,
    15, 5, 8, 11, 14, 14, 6, 14, 6, 9, 12, 9, 12, 5, 15, 8,
    8, 5, 12, 9, 12, 5, 14, 6, 8, 13, 6, 5, 15, 13, 11, 11,
)  # fmt: skip
_K_LEFT: Final = (0x00000000, 0x5A827999, 0x6ED9EBA1, 0x8F1BBCDC, 0xA953FD4E)
_K_RIGHT: Final = (0x50A28BE6, 0x5C4DD124, 0x6D703EF3, 0x7A6D76E9, 0x00000000)
_INITIAL: Final = (0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0)


def _f(round_: int, x: int, y: int, z: int) -> int:
    """The boolean function of each of the five rounds."""
    if round_ == 0:
        return x ^ y ^ z
    if round_ == 1:
        return (x & y) | (~x & z)
    if round_ == 2:
        return (x | (~y & _MASK)) ^ z
    if round_ == 3:
        return (x & z) | (y & ~z)
    return x ^ (y | (~z & _MASK))


def _rol(value: int, shift: int) -> int:
    value &= _MASK
    return ((value << shift) | (value >> (32 - shift))) & _MASK


def _compress(state: list[int], block: bytes) -> None:
    words = struct.unpack("<16I", block)
    al, bl, cl, dl, el = state
    ar, br, cr, dr, er = state
    for j in range(80):
        round_ = j >> 4
        t = _rol(al + _f(round_, bl, cl, dl) + words[_R_LEFT[j]] + _K_LEFT[round_], _S_LEFT[j])
        t = (t + el) & _MASK
        al, el, dl, cl, bl = el, dl, _rol(cl, 10), bl, t
        # The right line runs the rounds' functions in reverse order.
        t = _rol(
            ar + _f(4 - round_, br, cr, dr) + words[_R_RIGHT[j]] + _K_RIGHT[round_], _S_RIGHT[j]
        )
        t = (t + er) & _MASK
        ar, er, dr, cr, br = er, dr, _rol(cr, 10), br, t
    h0, h1, h2, h3, h4 = state
    state[:] = [
        (h1 + cl + dr) & _MASK,
        (h2 + dl + er) & _MASK,
        (h3 + el + ar) & _MASK,
        (h4 + al + br) & _MASK,
        (h0 + bl + cr) & _MASK,
    ]


def ripemd160_pure(data: bytes) -> bytes:
    """RIPEMD-160 in pure Python."""
    state = list(_INITIAL)
    # MD4-style padding: 0x80, zeros to 56 mod 64, then the bit length as little-endian uint64.
    padded = bytes(data) + b"\x80" + bytes((55 - len(data)) % 64) + struct.pack("<Q", 8 * len(data))
    for offset in range(0, len(padded), 64):
        _compress(state, padded[offset : offset + 64])
    return struct.pack("<5I", *state)


def _hashlib_ripemd160(data: bytes) -> bytes:
    return hashlib.new("ripemd160", data).digest()


def _select() -> Callable[[bytes], bytes]:
    try:
        hashlib.new("ripemd160")
    except ValueError:  # OpenSSL 3 without the legacy provider
        return ripemd160_pure
    return _hashlib_ripemd160


ripemd160: Final[Callable[[bytes], bytes]] = _select()
"""RIPEMD-160 digest (20 bytes): hashlib's where available, the pure-Python one otherwise."""
