"""X-addresses (XLS-5d): a classic address and an optional destination tag in one string.

Payload: a two-byte network prefix (0x05 0x44 main net `X…`, 0x04 0x93 test net `T…`), the
20-byte account ID, a flag byte (0: no tag, 1: a 32-bit tag) and eight tag bytes (the tag as
little-endian uint32, then four zero bytes reserved for 64-bit tags), all Base58Check encoded.
"""

from __future__ import annotations

from typing import Final

from xpay.codec.address import decode_account_id, encode_account_id
from xpay.codec.base58 import decode_check, encode_check
from xpay.codec.errors import CodecError

MAIN_NET_PREFIX: Final = b"\x05\x44"
TEST_NET_PREFIX: Final = b"\x04\x93"
_PAYLOAD_LENGTH: Final = 2 + 20 + 1 + 8
_MAX_TAG: Final = 0xFFFFFFFF


def classic_to_xaddress(classic_address: str, tag: int | None, is_test_network: bool) -> str:
    """The X-address of a classic address and optional tag."""
    account_id = decode_account_id(classic_address)
    if tag is not None and (type(tag) is not int or not 0 <= tag <= _MAX_TAG):
        raise CodecError(f"a tag is a 32-bit unsigned integer, not {tag!r}")
    prefix = TEST_NET_PREFIX if is_test_network else MAIN_NET_PREFIX
    flag = b"\x00" if tag is None else b"\x01"
    tag_bytes = (tag or 0).to_bytes(4, "little") + bytes(4)
    return encode_check(prefix + account_id + flag + tag_bytes)


def xaddress_to_classic(xaddress: str) -> tuple[str, int | None, bool]:
    """(classic address, tag or None, is test network) of an X-address. Raises CodecError."""
    payload = decode_check(xaddress)
    if len(payload) != _PAYLOAD_LENGTH:
        raise CodecError(f"{xaddress!r} is not an X-address")
    prefix = payload[:2]
    if prefix == MAIN_NET_PREFIX:
        is_test = False
    elif prefix == TEST_NET_PREFIX:
        is_test = True
    else:
        raise CodecError(f"{xaddress!r} has an unknown X-address network prefix")
    account_id = payload[2:22]
    flag = payload[22]
    tag_bytes = payload[23:]
    if flag == 0:
        if tag_bytes != bytes(8):
            raise CodecError("an X-address without a tag must have zero tag bytes")
        tag = None
    elif flag == 1:
        if tag_bytes[4:] != bytes(4):
            raise CodecError("64-bit tags are not supported")
        tag = int.from_bytes(tag_bytes[:4], "little")
    else:
        raise CodecError(f"unknown X-address flag {flag}")
    return encode_account_id(account_id), tag, is_test


def is_valid_xaddress(text: str) -> bool:
    """True for a well-formed X-address."""
    if not isinstance(text, str):
        return False
    try:
        xaddress_to_classic(text)
    except CodecError:
        return False
    return True
