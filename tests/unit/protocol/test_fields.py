"""The field table: headers, sort keys and flags as definitions.json and the codec vectors say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xpay.protocol.definitions import DEFINITIONS
from xpay.protocol.fields import (
    FIELDS,
    FIELDS_BY_CODE,
    TYPE_CODES,
    field_code,
    field_header,
)

XRPL_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "xrpl-data"
PACKAGED = Path(__file__).resolve().parents[3] / "xpay" / "protocol" / "definitions.json"


def _fields_tests() -> list[dict[str, Any]]:
    data = json.loads((XRPL_DATA / "data-driven-tests.json").read_text())
    tests: list[dict[str, Any]] = data["fields_tests"]
    return tests


def test_packaged_definitions_are_the_shared_ones() -> None:
    assert json.loads(PACKAGED.read_text()) == json.loads(
        (XRPL_DATA / "definitions.json").read_text()
    )


@pytest.mark.parametrize("case", _fields_tests(), ids=lambda c: c["name"])
def test_field_header_matches_vector(case: dict[str, Any]) -> None:
    field = FIELDS[case["name"]]
    assert field.type_code == case["type"]
    assert field.nth == case["nth_of_type"]
    assert field.type_name == case["type_name"]
    assert field.header.hex().upper() == case["expected_hex"]


def test_every_definitions_field_is_in_the_table_with_its_flags() -> None:
    for name, info in DEFINITIONS["FIELDS"]:
        field = FIELDS[name]
        assert field.type_name == info["type"]
        assert field.nth == info["nth"]
        assert field.is_vl_encoded == info["isVLEncoded"]
        assert field.is_signing_field == info["isSigningField"]
        if info["isSerialized"] and info["type"] != "Unknown":  # "Generic" is a placeholder
            assert field.is_serialized
            assert FIELDS_BY_CODE[field.sort_key] is field


def test_non_serialised_fields_have_no_header() -> None:
    for name in ("hash", "index", "taker_gets_funded", "Transaction", "Invalid"):
        assert not FIELDS[name].is_serialized
        assert FIELDS[name].header == b""


def test_signing_flags() -> None:
    assert not FIELDS["TxnSignature"].is_signing_field
    assert not FIELDS["Signers"].is_signing_field
    assert FIELDS["SigningPubKey"].is_signing_field
    assert FIELDS["Account"].is_vl_encoded
    assert not FIELDS["Amount"].is_vl_encoded


def test_canonical_order_is_type_then_nth() -> None:
    order = sorted(
        ["Account", "Fee", "TransactionType", "Sequence", "Flags", "Amount"],
        key=lambda n: FIELDS[n].sort_key,
    )
    assert order == ["TransactionType", "Flags", "Sequence", "Amount", "Fee", "Account"]
    assert field_code(TYPE_CODES["UInt32"], 4) == FIELDS["Sequence"].sort_key


@pytest.mark.parametrize(
    ("type_code", "nth", "expected"),
    [(1, 1, "11"), (2, 27, "201B"), (16, 1, "0110"), (16, 16, "001010"), (15, 15, "FF")],
)
def test_field_header_encodings(type_code: int, nth: int, expected: str) -> None:
    assert field_header(type_code, nth).hex().upper() == expected


@pytest.mark.parametrize(("type_code", "nth"), [(0, 1), (1, 0), (256, 1), (1, 256)])
def test_field_header_out_of_range_is_rejected(type_code: int, nth: int) -> None:
    with pytest.raises(ValueError):
        field_header(type_code, nth)
