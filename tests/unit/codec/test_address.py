"""Address codec: base58 with the XRPL alphabet, addresses, seeds, public keys, X-addresses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from xrpl import CryptoAlgorithm
from xrpl.core import addresscodec

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
from xpay.codec.base58 import b58decode, b58encode, decode_check, encode_check
from xpay.codec.errors import CodecError
from xpay.codec.xaddress import classic_to_xaddress, is_valid_xaddress, xaddress_to_classic
from xpay.protocol.ids import ACCOUNT_ONE, ACCOUNT_ZERO

XRPL_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "xrpl-data"
GENESIS = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
GENESIS_ID = bytes.fromhex("B5F762798A53D543A014CAF8B297CFF8F2F937E8")


def test_special_accounts_have_the_xrpl_addresses() -> None:
    assert encode_account_id(ACCOUNT_ZERO) == "rrrrrrrrrrrrrrrrrrrrrhoLvTp"
    assert encode_account_id(ACCOUNT_ONE) == "rrrrrrrrrrrrrrrrrrrrBZbvji"
    assert encode_account_id(GENESIS_ID) == GENESIS
    assert decode_account_id(GENESIS) == GENESIS_ID


def test_base58_keeps_leading_zero_bytes() -> None:
    for data in (b"", b"\x00", b"\x00\x00\x01", b"\x00\xff" * 5, bytes(range(30))):
        assert b58decode(b58encode(data)) == data
    assert b58encode(b"\x00\x00") == "rr"


def test_checked_round_trip() -> None:
    assert decode_check(encode_check(b"\x00" + GENESIS_ID)) == b"\x00" + GENESIS_ID


def test_bad_checksum_is_rejected() -> None:
    tampered = GENESIS[:-1] + ("i" if GENESIS[-1] != "i" else "j")
    with pytest.raises(CodecError, match="checksum"):
        decode_account_id(tampered)
    assert not is_valid_classic_address(tampered)


@pytest.mark.parametrize("text", ["0", "O", "I", "l", "r r", "rHb9CJAWyB4rj91VRWn96DkukG4bwdty0"])
def test_characters_outside_the_alphabet_are_rejected(text: str) -> None:
    with pytest.raises(CodecError, match="invalid base58 character"):
        decode_account_id(text)


@pytest.mark.parametrize("bad", [None, 5, b"rHb9", ["r"]])
def test_non_strings_are_rejected_with_codec_error(bad: Any) -> None:
    with pytest.raises(CodecError):
        decode_account_id(bad)
    assert not is_valid_classic_address(bad)


def test_too_long_text_is_rejected_before_arithmetic() -> None:
    with pytest.raises(CodecError, match="too long"):
        b58decode("r" * 10_000)


def test_wrong_kind_of_token_is_rejected() -> None:
    seed = encode_seed(bytes(16))
    with pytest.raises(CodecError, match="not a classic address"):
        decode_account_id(seed)
    with pytest.raises(CodecError):
        decode_node_public(GENESIS)
    with pytest.raises(CodecError):
        decode_seed(GENESIS)
    with pytest.raises(CodecError, match="20 bytes"):
        encode_account_id(b"\x01" * 19)


def test_ed25519_seed_matches_xrpl_py() -> None:
    entropy = bytes.fromhex("4C3A1D213FBDFB14C7C28D609469B341")
    seed = encode_seed(entropy)
    assert seed.startswith("sEd")
    assert seed == addresscodec.encode_seed(entropy, CryptoAlgorithm.ED25519)
    assert decode_seed(seed) == entropy


def test_secp256k1_seed_is_recognised_and_refused() -> None:
    secp = addresscodec.encode_seed(bytes(range(16)), CryptoAlgorithm.SECP256K1)
    assert secp.startswith("s") and not secp.startswith("sEd")
    with pytest.raises(CodecError, match="secp256k1 seeds are not supported"):
        decode_seed(secp)


def test_seed_of_wrong_length_is_rejected() -> None:
    with pytest.raises(CodecError, match="16 bytes"):
        encode_seed(bytes(15))


def test_public_key_encodings_match_xrpl_py() -> None:
    key = bytes.fromhex("ED" + "11" * 32)
    assert encode_node_public(key) == addresscodec.encode_node_public_key(key)
    assert encode_account_public(key) == addresscodec.encode_account_public_key(key)
    assert encode_node_public(key).startswith("n")
    assert encode_account_public(key).startswith("a")
    assert decode_node_public(encode_node_public(key)) == key
    assert decode_account_public(encode_account_public(key)) == key
    with pytest.raises(CodecError):
        decode_account_public(encode_node_public(key))
    with pytest.raises(CodecError, match="33 bytes"):
        encode_node_public(key[:32])


def _x_fixtures() -> list[dict[str, Any]]:
    data = json.loads((XRPL_DATA / "x-codec-fixtures.json").read_text())
    return list(data["transactions"])


@pytest.mark.parametrize(
    "case",
    _x_fixtures(),
    ids=[
        f"x-codec-{i}-{c['rjson'].get('TransactionType', 'object')}"
        for i, c in enumerate(_x_fixtures())
    ],
)
def test_x_codec_fixture_addresses(case: dict[str, Any]) -> None:
    rjson, xjson = case["rjson"], case["xjson"]
    for field, tag_field in (("Account", "SourceTag"), ("Destination", "DestinationTag")):
        if field not in xjson or not is_valid_xaddress(xjson[field]):
            continue
        classic, tag, is_test = xaddress_to_classic(xjson[field])
        assert classic == rjson[field]
        assert tag == rjson.get(tag_field)
        assert classic_to_xaddress(classic, tag, is_test) == xjson[field]


def test_xaddress_test_and_main_nets() -> None:
    main = classic_to_xaddress(GENESIS, 12345, False)
    test = classic_to_xaddress(GENESIS, None, True)
    assert main.startswith("X") and test.startswith("T")
    assert xaddress_to_classic(main) == (GENESIS, 12345, False)
    assert xaddress_to_classic(test) == (GENESIS, None, True)
    assert main == addresscodec.classic_address_to_xaddress(GENESIS, 12345, False)
    assert is_valid_xaddress(main) and not is_valid_xaddress(GENESIS)


def test_xaddress_tag_out_of_range_is_rejected() -> None:
    with pytest.raises(CodecError, match="32-bit"):
        classic_to_xaddress(GENESIS, 1 << 32, False)
    with pytest.raises(CodecError):
        classic_to_xaddress(GENESIS, -1, False)


def test_xaddress_with_unknown_prefix_is_rejected() -> None:
    bogus = encode_check(b"\x07\x07" + GENESIS_ID + b"\x00" + bytes(8))
    with pytest.raises(CodecError, match="network prefix"):
        xaddress_to_classic(bogus)
    nonzero_tag = encode_check(b"\x05\x44" + GENESIS_ID + b"\x00" + b"\x01" + bytes(7))
    with pytest.raises(CodecError, match="zero tag bytes"):
        xaddress_to_classic(nonzero_tag)
