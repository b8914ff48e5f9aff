"""Bad input to the binary codec always raises CodecError, with a message, offset and field."""

from __future__ import annotations

from typing import Any

import pytest

from xpay.amounts.issue import XRP_ISSUE
from xpay.amounts.st_amount import STAmount
from xpay.codec import (
    CodecError,
    decode,
    decode_field,
    decode_native,
    encode,
    encode_field,
    encode_native,
    from_json,
    to_json,
)
from xpay.codec.native import vl_prefix
from xpay.protocol.fields import FIELDS, FIELDS_BY_CODE, field_code, field_header

ALICE = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
BOB = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe"
PAYMENT: dict[str, Any] = {
    "TransactionType": "Payment",
    "Account": ALICE,
    "Destination": BOB,
    "Amount": "1000000",
    "Fee": "12",
    "Sequence": 7,
    "Flags": 0,
    "SigningPubKey": "ED" + "11" * 32,
    "Memos": [{"Memo": {"MemoData": "CAFE", "MemoType": "74657374"}}],
}


def _blob() -> bytes:
    return bytes.fromhex(encode(PAYMENT))


def _header(name: str) -> bytes:
    return FIELDS[name].header


# --- truncation ------------------------------------------------------------------------------


def test_blob_cut_inside_a_value_is_truncated() -> None:
    blob = _blob()
    # Sequence is TransactionType(3) + Flags(5) in: its header at 8, its value at 9..12.
    with pytest.raises(CodecError, match="truncated") as raised:
        decode_native(blob[:11])
    assert raised.value.field == "Sequence"
    assert raised.value.offset == 9


def test_every_prefix_of_a_blob_decodes_or_raises_codec_error() -> None:
    blob = _blob()
    outcomes = set()
    for cut in range(len(blob)):
        try:
            decode_native(blob[:cut])
            outcomes.add("ok")
        except CodecError as exc:
            assert exc.message
            outcomes.add("error")
    assert outcomes == {"ok", "error"}  # cuts at field boundaries are shorter valid objects


def test_unterminated_nested_array_and_object() -> None:
    blob = _blob()
    with pytest.raises(CodecError, match="no end marker"):
        decode_native(blob[:-1])  # drops the ArrayEndMarker
    with pytest.raises(CodecError, match="no end marker") as raised:
        decode_native(blob[:-2])  # drops the Memo's ObjectEndMarker as well
    assert raised.value.field is not None and raised.value.field.startswith("Memos")


def test_truncated_amount() -> None:
    head = _header("Amount")
    with pytest.raises(CodecError, match="truncated") as raised:
        decode_native(head + b"\x40\x00\x00")
    assert raised.value.field == "Amount"
    with pytest.raises(CodecError, match="truncated"):
        decode_native(head + b"\xd4" + bytes(20))  # an IOU amount needs 48 bytes


# --- field IDs -------------------------------------------------------------------------------


def _unused_code() -> tuple[int, int]:
    for nth in range(1, 16):
        if field_code(2, nth) not in FIELDS_BY_CODE:
            return 2, nth
    for nth in range(16, 256):
        if field_code(2, nth) not in FIELDS_BY_CODE:
            return 2, nth
    raise AssertionError("no unused UInt32 field code")


def test_unknown_field_code() -> None:
    type_code, nth = _unused_code()
    with pytest.raises(CodecError, match="unknown field") as raised:
        decode_native(field_header(type_code, nth) + bytes(4))
    assert raised.value.offset == 0


def test_non_canonical_long_field_ids_are_rejected() -> None:
    # Sequence (type 2, nth 4) written with its type in a byte of its own.
    with pytest.raises(CodecError, match="non-canonical field ID"):
        decode_native(bytes([0x04, 0x02]) + bytes(4))
    # ... or with its nth in a byte of its own.
    with pytest.raises(CodecError, match="non-canonical field ID"):
        decode_native(bytes([0x20, 0x04]) + bytes(4))


def test_fields_out_of_canonical_order() -> None:
    flags = _header("Flags") + bytes(4)
    sequence = _header("Sequence") + (7).to_bytes(4, "big")
    with pytest.raises(CodecError, match="out of canonical order") as raised:
        decode_native(sequence + flags)
    assert raised.value.field == "Flags"
    assert raised.value.offset == 5


def test_repeated_field() -> None:
    flags = _header("Flags") + bytes(4)
    with pytest.raises(CodecError, match="repeated field"):
        decode_native(flags + flags)


def test_end_markers_out_of_place() -> None:
    with pytest.raises(CodecError, match="object end marker outside an object"):
        decode_native(b"\xe1")
    with pytest.raises(CodecError, match="unknown field"):
        decode_native(b"\xf1")  # an ArrayEndMarker outside an array


def test_array_element_must_be_an_object_field() -> None:
    with pytest.raises(CodecError, match="must be an object field"):
        decode_native(_header("Memos") + _header("Flags") + bytes(4) + b"\xf1")


def test_nesting_deeper_than_rippled_allows() -> None:
    memo = _header("Memo")
    deep = memo * 12 + b"\xe1" * 12
    with pytest.raises(CodecError, match="nested more than 10"):
        decode_native(deep)
    inner: dict[str, Any] = {"Flags": 0}
    for _ in range(12):
        inner = {"Memo": inner}
    with pytest.raises(CodecError, match="nested more than 10"):
        encode_native(inner)


# --- lengths ---------------------------------------------------------------------------------


def test_oversized_length_prefix() -> None:
    with pytest.raises(CodecError, match="exceeds the 10 bytes that remain") as raised:
        decode_native(_header("MemoData") + vl_prefix(200) + bytes(10))
    assert raised.value.field == "MemoData"


def test_invalid_length_prefix_byte() -> None:
    with pytest.raises(CodecError, match="invalid length prefix"):
        decode_native(_header("MemoData") + b"\xff" + bytes(10))


def test_length_prefix_round_trips_at_its_boundaries() -> None:
    for n in (0, 1, 192, 193, 12480, 12481, 20000):
        blob = encode_field("MemoData", bytes(n))
        assert decode_field("MemoData", blob) == bytes(n)
    with pytest.raises(CodecError, match="longer than a length prefix allows"):
        vl_prefix(918745)


def test_account_id_of_wrong_length() -> None:
    with pytest.raises(CodecError, match="an AccountID is 20 bytes, not 19") as raised:
        decode_native(_header("Account") + b"\x13" + bytes(19))
    assert raised.value.field == "Account"
    with pytest.raises(CodecError, match="20 bytes"):
        encode_native({"Account": bytes(19)})


def test_vector256_of_wrong_length() -> None:
    with pytest.raises(CodecError, match="multiple of 32"):
        decode_native(_header("Indexes") + vl_prefix(33) + bytes(33))


def test_decode_field_rejects_left_over_bytes() -> None:
    with pytest.raises(CodecError, match="left over"):
        decode_field("Sequence", bytes(5))


# --- values ----------------------------------------------------------------------------------


def test_non_canonical_amounts_surface_as_codec_errors_with_the_field() -> None:
    negative_zero = b"\x00" * 8  # XRP, sign bit clear, zero drops
    with pytest.raises(CodecError, match="negative zero") as raised:
        decode_native(_header("Fee") + negative_zero)
    assert raised.value.field == "Fee"
    bad_mantissa = (0xD4 << 56 | 5).to_bytes(8, "big") + b"\x01" * 40
    with pytest.raises(CodecError, match="mantissa") as raised:
        decode_native(_header("Amount") + bad_mantissa)
    assert raised.value.field == "Amount"


def test_path_set_errors() -> None:
    paths = _header("Paths")
    with pytest.raises(CodecError, match="empty path"):
        decode_native(paths + b"\x00")
    with pytest.raises(CodecError, match="bad path step type 0x02"):
        decode_native(paths + b"\x02" + bytes(20) + b"\x00")
    with pytest.raises(CodecError, match="no end marker"):
        decode_native(paths + b"\x01" + bytes(20))
    with pytest.raises(CodecError, match="non-empty"):
        encode_native({"Paths": [[]]})


def test_wrong_native_types_are_codec_errors() -> None:
    for bad in (
        {"Sequence": "7"},
        {"Sequence": -1},
        {"Sequence": 1 << 32},
        {"Amount": "1000"},
        {"Memos": {"Memo": {}}},
        {"Memos": [{"Flags": 0}]},
        {"Indexes": [bytes(31)]},
        {"Fee": STAmount.from_drops(1), "NotAField": 1},
    ):
        with pytest.raises(CodecError) as raised:
            encode_native(bad)
        assert raised.value.field is not None


def test_non_bytes_input_to_decode_native() -> None:
    with pytest.raises(CodecError, match="expected bytes"):
        decode_native("1200")  # type: ignore[arg-type]
    assert decode_native(bytearray(encode_native({"Flags": 1}))) == {"Flags": 1}


def test_unknown_fields_by_name() -> None:
    with pytest.raises(CodecError, match="unknown field") as raised:
        encode_native({"Frobnicate": 1})
    assert raised.value.field == "Frobnicate"
    with pytest.raises(CodecError, match="unknown field"):
        from_json({**PAYMENT, "Frobnicate": 1})
    with pytest.raises(CodecError, match="unknown field"):
        to_json({"Frobnicate": 1})


def test_fields_that_are_never_serialised_are_skipped() -> None:
    assert encode_native({"Flags": 0, "hash": bytes(32)}) == encode_native({"Flags": 0})


def test_xrp_amount_helpers_behave() -> None:
    assert decode_native(encode_native({"Fee": STAmount.from_drops(12)}))["Fee"] == (
        STAmount.from_value_text("12", XRP_ISSUE)
    )


# --- JSON-level bad input --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("Sequence", "abc", "expected a UInt32"),
        ("Sequence", 1.5, "expected a UInt32"),
        ("Sequence", True, "expected a UInt32"),
        ("Sequence", -1, "does not fit"),
        ("Flags", 1 << 32, "does not fit"),
        ("Fee", 1.5, "expected an amount"),
        ("Fee", "1.5", "integral number of drops"),
        ("Fee", "-5", "may not be negative"),
        ("Amount", {"currency": "USD", "value": "1"}, "exactly currency, issuer and value"),
        ("Amount", {"currency": "XRP", "issuer": ALICE, "value": "1"}, "native asset"),
        ("Amount", {"currency": "USD", "issuer": ALICE, "value": "1.2.3"}, "not a number"),
        ("Amount", {"currency": "USD", "issuer": ALICE, "value": 1.5}, "expected a value"),
        ("Account", 123, "expected an address"),
        ("Account", "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTi", "checksum"),
        ("Account", "not an address", "invalid base58 character"),
        ("SigningPubKey", "XYZ", "not hex"),
        ("SigningPubKey", "ED 11", "not hex"),
        ("InvoiceID", "00" * 31, "expected 32 bytes"),
        ("TransactionType", "Pay", "unknown name"),
        ("Memos", {"Memo": {}}, "expected an array"),
        ("Memos", [{"Memo": {}, "Other": {}}], "exactly one field"),
        ("Memos", [{"Flags": 0}], "must be an object field"),
        ("Paths", [[{"bogus": 1}]], "unknown path step keys"),
        ("Paths", "path", "expected a list of paths"),
        ("Indexes", ["00"], "expected 32 bytes"),
        ("Asset", {"currency": "USD"}, "needs an issuer"),
        ("Asset", {"currency": "XRP", "issuer": ALICE}, "native asset"),
        ("AssetsMaximum", "1.2.3", "cannot parse"),
        ("IndexNext", "XYZ", "UInt64"),
        ("IndexNext", "1" * 17, "UInt64"),
    ],
)
def test_bad_json_values_raise_codec_error_naming_the_field(
    field: str, value: Any, message: str
) -> None:
    with pytest.raises(CodecError, match=message) as raised:
        encode({field: value})
    assert raised.value.field is not None and raised.value.field.startswith(field)
    assert field in str(raised.value)


def test_bad_hex_input_to_decode() -> None:
    with pytest.raises(CodecError, match="not hex"):
        decode("12 00")
    with pytest.raises(CodecError, match="not hex"):
        decode("XYZ")
    with pytest.raises(CodecError, match="expected a hex string"):
        decode(b"1200")  # type: ignore[arg-type]


def test_error_carries_offset_and_field_in_its_text() -> None:
    error = CodecError("truncated", offset=9, field="Sequence")
    assert str(error) == "Sequence at byte 9: truncated"
    assert isinstance(error, ValueError)
    assert error.in_field("Memo").field == "Memo.Sequence"
