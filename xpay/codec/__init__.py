"""The XRPL binary codec (bytes <-> dict) and the address codec, driven by the protocol tables."""

from xpay.codec.address import (
    decode_account_id,
    decode_account_public,
    decode_node_public,
    decode_seed,
    encode_account_id,
    encode_account_public,
    encode_node_public,
    encode_seed,
    is_valid_classic_address,
)
from xpay.codec.errors import CodecError
from xpay.codec.xaddress import classic_to_xaddress, is_valid_xaddress, xaddress_to_classic

__all__ = [
    "CodecError",
    "classic_to_xaddress",
    "decode_account_id",
    "decode_account_public",
    "decode_node_public",
    "decode_seed",
    "encode_account_id",
    "encode_account_public",
    "encode_node_public",
    "encode_seed",
    "is_valid_classic_address",
    "is_valid_xaddress",
    "xaddress_to_classic",
]
