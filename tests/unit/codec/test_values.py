"""The codec's own wire values (STNumber, MPT amounts and issues) and the ledger header."""

from __future__ import annotations

import pytest

from xpay.codec import (
    CodecError,
    MPTAmount,
    MPTIssue,
    STNumber,
    deserialize_ledger_header,
    ledger_header_hash,
    serialize_ledger_header,
)

ISSUANCE = bytes.fromhex("00002403C84A0A28E0190E208E982C352BBD5006600555CF")
HEADER = {
    "ledger_index": 7,
    "total_coins": 10**17,
    "parent_hash": bytes(32),
    "transaction_hash": b"\x01" * 32,
    "account_hash": b"\x02" * 32,
    "parent_close_time": 100,
    "close_time": 110,
    "close_time_resolution": 10,
    "close_flags": 0,
}


def test_number_zero_and_bad_text() -> None:
    assert STNumber.from_text("0") == STNumber(0, -(2**31))
    assert STNumber.from_text("-0.000").to_text() == "0"
    for bad in ("", "1.", ".5", "01", "1e", "abc", "1" * 300):
        with pytest.raises(CodecError, match="Number"):
            STNumber.from_text(bad)
    with pytest.raises(CodecError):
        STNumber.from_text(5)  # type: ignore[arg-type]
    with pytest.raises(CodecError, match="out of range"):
        STNumber(2**63, 0).to_wire()
    with pytest.raises(CodecError, match="12 bytes"):
        STNumber.from_wire(bytes(11))


def test_mpt_amount_values() -> None:
    assert MPTAmount.from_value_text("0x7FFFFFFFFFFFFFFF", ISSUANCE).value == 2**63 - 1
    assert MPTAmount.from_value_text("-0", ISSUANCE).value == 0
    for bad in ("-1", "10.1", "a", "0xy", "9223372036854775808", "", "0x"):
        with pytest.raises(CodecError):
            MPTAmount.from_value_text(bad, ISSUANCE)
    amount = MPTAmount(100, ISSUANCE)
    assert MPTAmount.from_wire(amount.to_wire()) == amount
    assert amount.to_wire()[0] == 0x60


def test_mpt_amount_wire_errors() -> None:
    wire = MPTAmount(5, ISSUANCE).to_wire()
    with pytest.raises(CodecError, match="flags"):
        MPTAmount.from_wire(b"\x61" + wire[1:])
    with pytest.raises(CodecError, match="negative zero"):
        MPTAmount.from_wire(b"\x20" + bytes(8) + ISSUANCE)
    with pytest.raises(CodecError, match="33 bytes"):
        MPTAmount.from_wire(wire[:-1])
    with pytest.raises(CodecError, match="24 bytes"):
        MPTAmount(1, ISSUANCE[:-1]).to_wire()


def test_mpt_issue_puts_the_sequence_last_and_reversed() -> None:
    issue = MPTIssue(ISSUANCE)
    wire = issue.to_wire()
    assert wire[:20] == ISSUANCE[4:]
    assert wire[40:] == ISSUANCE[:4][::-1]
    assert MPTIssue.from_wire(wire) == issue
    with pytest.raises(CodecError, match="not an MPT issue"):
        MPTIssue.from_wire(bytes(44))


def test_ledger_header_round_trip_and_forms() -> None:
    blob = serialize_ledger_header(HEADER)
    assert len(blob) == 118
    assert deserialize_ledger_header(blob) == HEADER
    as_text = {k: (v.hex() if isinstance(v, bytes) else str(v)) for k, v in HEADER.items()}
    assert serialize_ledger_header(as_text) == blob
    assert ledger_header_hash(as_text) == ledger_header_hash(HEADER)
    assert ledger_header_hash({**HEADER, "close_flags": 1}) != ledger_header_hash(HEADER)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ledger_index": -1}, "does not fit"),
        ({"close_time_resolution": 256}, "does not fit"),
        ({"ledger_index": 1.5}, "unsigned integer"),
        ({"parent_hash": "zz"}, "not hex"),
        ({"parent_hash": bytes(31)}, "32-byte"),
        ({"account_hash": "00 11"}, "not hex"),
    ],
)
def test_bad_ledger_headers(change: dict[str, object], message: str) -> None:
    with pytest.raises(CodecError, match=message):
        serialize_ledger_header({**HEADER, **change})


def test_ledger_header_missing_field_and_wrong_length() -> None:
    incomplete = {k: v for k, v in HEADER.items() if k != "close_time"}
    with pytest.raises(CodecError, match="missing") as raised:
        serialize_ledger_header(incomplete)
    assert raised.value.field == "close_time"
    with pytest.raises(CodecError, match="118 bytes"):
        deserialize_ledger_header(bytes(117))
