"""The XRPL binary Amount field: STAmount.to_wire / from_wire, checked against the XRPL's fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from xrpl.core.addresscodec import decode_classic_address
from xrpl.core.binarycodec.types.amount import Amount as XrplAmount

from xpay.amounts import (
    XRP_ISSUE,
    AmountError,
    AmountOverflow,
    Issue,
    STAmount,
    currency_from_code,
)
from xpay.protocol.ids import AccountID

XRPL_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "xrpl-data"
ISSUER = AccountID(bytes(19) + b"\x01")
USD = Issue(currency_from_code("USD"), ISSUER)


def _values_tests() -> list[dict[str, Any]]:
    tests = json.loads((XRPL_DATA / "data-driven-tests.json").read_text())["values_tests"]
    return [t for t in tests if t["type"] == "Amount"]


def _issue_of(amount_json: dict[str, str]) -> Issue:
    return Issue(
        currency_from_code(amount_json["currency"]),
        AccountID(decode_classic_address(amount_json["issuer"])),
    )


IOU_VALUE_TESTS = [
    t for t in _values_tests() if isinstance(t["test_json"], dict) and "currency" in t["test_json"]
]
XRP_VALUE_TESTS = [t for t in _values_tests() if isinstance(t["test_json"], str) and t["is_native"]]


@pytest.mark.parametrize(
    "case",
    [t for t in IOU_VALUE_TESTS if "error" not in t],
    ids=lambda t: t["test_json"]["value"],
)
def test_iou_values_encode_and_decode_as_the_fixture(case: dict[str, Any]) -> None:
    value = case["test_json"]
    amount = STAmount.from_value_text(value["value"], _issue_of(value))
    assert amount.to_wire().hex().upper() == case["expected_hex"]
    decoded, end = STAmount.from_wire(bytes.fromhex(case["expected_hex"]))
    assert end == 48
    assert decoded == amount
    # The text we print parses back to the same amount.
    assert STAmount.from_value_text(decoded.value_text(), decoded.issue) == amount


def test_iou_fixture_errors_are_range_errors_or_xrpl_py_policy() -> None:
    errors = {t["test_json"]["value"]: t["error"] for t in IOU_VALUE_TESTS if "error" in t}
    # Too large for any IOU. rippled already refuses the 97 digits (more than a uint64 holds);
    # the same value in scientific notation overflows the exponent range.
    big = "9999999999999999000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    assert big in errors
    with pytest.raises(AmountError, match="64-bit mantissa"):
        STAmount.from_value_text(big, USD)
    with pytest.raises(AmountOverflow, match="IOU exponent 81 out of range"):
        STAmount.from_value_text("9999999999999999e81", USD)
    # xrpl-py refuses a 17th significant digit; rippled (and xpay) truncate it.
    assert "1111111111111111.1" in errors
    assert STAmount.from_value_text("1111111111111111.1", USD) == STAmount.from_value_text(
        "1111111111111111", USD
    )


@pytest.mark.parametrize(
    "case",
    [t for t in XRP_VALUE_TESTS if "error" not in t],
    ids=lambda t: t["test_json"],
)
def test_xrp_values_encode_and_decode_as_the_fixture(case: dict[str, Any]) -> None:
    amount = STAmount.from_value_text(case["test_json"], XRP_ISSUE)
    assert amount.to_wire().hex().upper() == case["expected_hex"]
    assert STAmount.from_wire(bytes.fromhex(case["expected_hex"])) == (amount, 8)


def test_xrp_fixture_range_errors_are_overflows() -> None:
    too_big = [t["test_json"] for t in XRP_VALUE_TESTS if "bigger than max" in t.get("error", "")]
    assert too_big
    for text in too_big:
        with pytest.raises(AmountError):
            STAmount.from_value_text(text, XRP_ISSUE)


def _json_amounts(node: object) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    if isinstance(node, dict):
        if {"currency", "value", "issuer"} <= node.keys():
            found.append(node)
        for child in node.values():
            found.extend(_json_amounts(child))
    elif isinstance(node, list):
        for child in node:
            found.extend(_json_amounts(child))
    return found


def _rippled_printed_amounts() -> list[dict[str, str]]:
    amounts = _json_amounts(json.loads((XRPL_DATA / "codec-fixtures.json").read_text()))
    for path in sorted((XRPL_DATA / "tx-metadata").glob("*.json")):
        amounts.extend(_json_amounts(json.loads(path.read_text())))
    unique = {(a["value"], a["currency"], a["issuer"]): a for a in amounts}
    return list(unique.values())


@pytest.mark.parametrize("amount_json", _rippled_printed_amounts(), ids=lambda a: a["value"])
def test_text_printed_by_rippled_reprints_identically(amount_json: dict[str, str]) -> None:
    """Every IOU value rippled printed in the fixtures and metadata is exactly our to_string."""
    amount = STAmount.from_value_text(amount_json["value"], _issue_of(amount_json))
    assert amount.value_text() == amount_json["value"]
    assert amount.iou().to_string() == amount_json["value"]
    assert amount.to_wire() == bytes.fromhex(XrplAmount.from_value(amount_json).to_hex())


def test_native_wire_layout() -> None:
    assert STAmount.from_drops(0).to_wire().hex() == "4000000000000000"
    assert STAmount.from_drops(1).to_wire().hex() == "4000000000000001"
    # rippled serialises a negative drop count without the positive bit.
    assert STAmount.from_drops(-1).to_wire().hex() == "0000000000000001"
    assert STAmount.from_wire(bytes.fromhex("0000000000000001")) == (STAmount.from_drops(-1), 8)


def test_iou_wire_layout() -> None:
    zero = STAmount.zero(USD).to_wire()
    assert zero[:8].hex() == "8000000000000000"
    assert zero[8:] == USD.currency + USD.account
    one = STAmount.from_value_text("1", USD).to_wire()
    # 1 = 10**15 * 10**-15: sign bit set, exponent -15 + 97 = 82.
    assert int.from_bytes(one[:8], "big") == (1 << 63) | (1 << 62) | (82 << 54) | 10**15


def test_from_wire_reads_at_an_offset_and_returns_the_end() -> None:
    blob = b"\xff\xff" + STAmount.from_value_text("2.5", USD).to_wire() + STAmount.from_drops(7).to_wire()
    first, pos = STAmount.from_wire(blob, 2)
    second, end = STAmount.from_wire(blob, pos)
    assert (first, pos) == (STAmount.from_value_text("2.5", USD), 50)
    assert (second, end) == (STAmount.from_drops(7), 58)
    # A bytearray or memoryview decodes the same.
    assert STAmount.from_wire(memoryview(bytearray(blob)), 2)[0] == first


def _iou_head(mantissa: int, exponent: int, positive: bool = True) -> bytes:
    value = (1 << 63) | (int(positive) << 62) | ((exponent + 97) << 54) | mantissa
    return value.to_bytes(8, "big")


TAIL = USD.currency + USD.account


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"", "truncated"),
        (b"\x40\x00\x00", "truncated"),
        (_iou_head(10**15, -15) + TAIL[:39], "truncated"),
        (bytes(8), "negative zero"),
        ((0x2000000000000000 | 0x4000000000000000).to_bytes(8, "big"), "MPT"),
        ((0x4000000000000000 | (10**17 + 1)).to_bytes(8, "big"), "exceeds"),
        (_iou_head(10**15, -15) + bytes(20) + USD.account, "XRP currency"),
        (_iou_head(10**15, -15) + USD.currency + bytes(20), "zero account"),
        (_iou_head(10**15 - 1, -15) + TAIL, "mantissa"),
        (_iou_head(10**16, -15) + TAIL, "mantissa"),
        (_iou_head(10**15, 81) + TAIL, "exponent 81 out of range"),
        (_iou_head(10**15, -97) + TAIL, "exponent -97 out of range"),
        ((0xC000000000000000).to_bytes(8, "big") + TAIL, "non-canonical zero"),
        ((0x8000000000000000 | (5 << 54)).to_bytes(8, "big") + TAIL, "non-canonical zero"),
    ],
)
def test_from_wire_rejects_bad_bytes_with_amount_error(blob: bytes, message: str) -> None:
    with pytest.raises(AmountError, match=message) as raised:
        STAmount.from_wire(blob)
    assert "offset 0" in str(raised.value)


def test_from_wire_rejects_a_negative_offset() -> None:
    with pytest.raises(AmountError, match="negative offset"):
        STAmount.from_wire(STAmount.from_drops(1).to_wire(), -1)


def test_every_truncation_of_a_valid_amount_is_an_amount_error() -> None:
    for blob in (STAmount.from_value_text("-12.5", USD).to_wire(), STAmount.from_drops(9).to_wire()):
        for cut in range(len(blob)):
            with pytest.raises(AmountError):
                STAmount.from_wire(blob[:cut])
