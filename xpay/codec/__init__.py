"""The XRPL binary codec (bytes <-> dict) and the address codec, driven by the protocol tables.

Two layers of the binary codec: the native layer (`encode_native` / `decode_native`, the ledger
engine's hot path, Python values) and the JSON layer (`encode` / `decode` /
`encode_for_signing` on hex strings, and `to_json` / `from_json` between the two forms).
"""

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
from xpay.codec.hashes import transaction_id
from xpay.codec.json_form import (
    decode,
    encode,
    encode_for_signing,
    field_from_json,
    field_to_json,
    from_json,
    to_json,
)
from xpay.codec.ledger_header import (
    deserialize_ledger_header,
    ledger_header_hash,
    ledger_header_to_json,
    serialize_ledger_header,
)
from xpay.codec.mpt import MPTAmount, MPTIssue
from xpay.codec.native import decode_field, decode_native, encode_field, encode_native
from xpay.codec.number import STNumber
from xpay.codec.xaddress import classic_to_xaddress, is_valid_xaddress, xaddress_to_classic

__all__ = [
    "CodecError",
    "MPTAmount",
    "MPTIssue",
    "STNumber",
    "classic_to_xaddress",
    "decode",
    "decode_account_id",
    "decode_account_public",
    "decode_field",
    "decode_native",
    "decode_node_public",
    "decode_seed",
    "deserialize_ledger_header",
    "encode",
    "encode_account_id",
    "encode_account_public",
    "encode_field",
    "encode_for_signing",
    "encode_native",
    "encode_node_public",
    "encode_seed",
    "field_from_json",
    "field_to_json",
    "from_json",
    "is_valid_classic_address",
    "is_valid_xaddress",
    "ledger_header_hash",
    "ledger_header_to_json",
    "serialize_ledger_header",
    "to_json",
    "transaction_id",
    "xaddress_to_classic",
]
