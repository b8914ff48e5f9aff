"""The JSON layer: rippled's JSON forms for each field type, both directions."""

from __future__ import annotations

from typing import Any

import pytest
from xrpl.core import binarycodec

from xpay.amounts.currency import currency_from_code
from xpay.amounts.issue import XRP_ISSUE, Issue
from xpay.amounts.st_amount import STAmount
from xpay.codec import (
    CodecError,
    MPTAmount,
    MPTIssue,
    STNumber,
    classic_to_xaddress,
    decode,
    decode_account_id,
    encode,
    encode_for_signing,
    field_from_json,
    field_to_json,
    from_json,
    to_json,
)

ALICE = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"
BOB = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe"


def _round_trip(field: str, value: Any) -> Any:
    return field_to_json(field, field_from_json(field, value))


def test_uint64_is_hex_except_the_base10_fields() -> None:
    assert _round_trip("IndexNext", "1a") == "000000000000001A"
    assert _round_trip("IndexNext", 26) == "000000000000001A"
    assert _round_trip("MaximumAmount", "12345") == "12345"
    assert field_from_json("OutstandingAmount", "100") == 100
    assert field_from_json("IndexNext", "100") == 0x100


def test_enum_fields_print_names_and_accept_numbers() -> None:
    assert field_from_json("TransactionType", "TrustSet") == 20
    assert field_from_json("TransactionType", 20) == 20
    assert field_to_json("TransactionType", 20) == "TrustSet"
    assert field_to_json("LedgerEntryType", 0x72) == "RippleState"
    assert field_to_json("TransactionResult", 128) == "tecPATH_DRY"
    assert field_from_json("TransactionResult", "tesSUCCESS") == 0
    assert field_to_json("PermissionValue", 1) == "Payment"
    assert field_from_json("PermissionValue", "TrustlineAuthorize") == 65537
    # A number that names nothing known is printed as the number.
    assert field_to_json("TransactionType", 9999) == 9999


def test_uints_accept_numeric_strings_as_rippled_does() -> None:
    assert field_from_json("Sequence", "42") == 42
    assert field_from_json("TickSize", 5) == 5
    with pytest.raises(CodecError):
        field_from_json("TickSize", 256)


def test_hashes_and_blobs_are_upper_case_hex() -> None:
    assert _round_trip("SigningPubKey", "ed" + "ab" * 32) == "ED" + "AB" * 32
    assert _round_trip("InvoiceID", "ab" * 32) == "AB" * 32
    assert _round_trip("MemoData", "") == ""
    assert field_from_json("EmailHash", "") == bytes(16)  # as xrpl-py reads an empty Hash128


def test_accounts_as_classic_addresses_or_hex() -> None:
    account_id = decode_account_id(ALICE)
    assert field_from_json("Account", ALICE) == account_id
    assert field_from_json("Account", account_id.hex()) == account_id
    assert field_to_json("Account", account_id) == ALICE


def test_x_addresses_move_their_tags() -> None:
    tx = {
        "TransactionType": "Payment",
        "Account": classic_to_xaddress(ALICE, 5, False),
        "Destination": classic_to_xaddress(BOB, 77, True),
        "Amount": "1",
        "Fee": "10",
    }
    native = from_json(tx)
    assert native["Account"] == decode_account_id(ALICE)
    assert native["SourceTag"] == 5
    assert native["DestinationTag"] == 77
    assert encode(tx) == encode({**tx, "Account": ALICE, "Destination": BOB, "SourceTag": 5,
                                 "DestinationTag": 77})  # fmt: skip
    with pytest.raises(CodecError, match="contradicts"):
        from_json({**tx, "SourceTag": 6})
    with pytest.raises(CodecError, match="cannot carry an X-address tag"):
        from_json({"RegularKey": classic_to_xaddress(BOB, 1, False)})
    assert from_json({"RegularKey": classic_to_xaddress(BOB, None, False)})["RegularKey"] == (
        decode_account_id(BOB)
    )


def test_amounts() -> None:
    xrp = field_from_json("Amount", "1000000")
    assert xrp == STAmount.from_drops(1_000_000)
    assert field_to_json("Amount", xrp) == "1000000"
    assert field_from_json("Fee", 12) == STAmount.from_drops(12)
    usd = field_from_json("Amount", {"currency": "USD", "issuer": ALICE, "value": "1.5"})
    assert usd.issue == Issue(currency_from_code("USD"), decode_account_id(ALICE))
    assert field_to_json("Amount", usd) == {"currency": "USD", "issuer": ALICE, "value": "1.5"}
    hex_currency = "0158415500000000C1F76FF6ECB0BAC600000000"
    gold = field_from_json("Amount", {"currency": hex_currency, "issuer": ALICE, "value": "2"})
    assert field_to_json("Amount", gold)["currency"] == hex_currency
    assert field_from_json("FeeAmountDelta", "-5") == STAmount.from_drops(-5)


def test_iou_values_beyond_sixteen_digits_are_refused_not_truncated() -> None:
    with pytest.raises(CodecError, match="precision of 17"):
        field_from_json(
            "Amount", {"currency": "USD", "issuer": ALICE, "value": "1.0000000000000001"}
        )
    ok = {"currency": "USD", "issuer": ALICE, "value": "1.000000000000001000"}
    assert field_to_json("Amount", field_from_json("Amount", ok))["value"] == "1.000000000000001"


def test_mpt_amounts_and_issues() -> None:
    issuance = "00002403C84A0A28E0190E208E982C352BBD5006600555CF"
    amount = field_from_json("Amount", {"mpt_issuance_id": issuance, "value": "100"})
    assert amount == MPTAmount(100, bytes.fromhex(issuance))
    assert field_to_json("Amount", amount) == {"mpt_issuance_id": issuance, "value": "100"}
    issue = field_from_json("Asset", {"mpt_issuance_id": issuance})
    assert issue == MPTIssue(bytes.fromhex(issuance))
    assert _round_trip("Asset", {"mpt_issuance_id": issuance}) == {"mpt_issuance_id": issuance}
    assert encode({"Asset": {"mpt_issuance_id": issuance}}) == binarycodec.encode(
        {"Asset": {"mpt_issuance_id": issuance}}
    )


def test_issues() -> None:
    assert field_from_json("Asset", {"currency": "XRP"}) is XRP_ISSUE
    assert _round_trip("Asset", {"currency": "XRP"}) == {"currency": "XRP"}
    usd = {"currency": "USD", "issuer": ALICE}
    assert _round_trip("Asset", usd) == usd


def test_paths() -> None:
    paths = [
        [{"currency": "USD", "issuer": ALICE}, {"account": BOB}],
        [{"currency": "XRP"}],
    ]
    assert _round_trip("Paths", paths) == paths
    # rippled prints type / type_hex in path steps: accepted and ignored on input.
    typed = [[{"account": BOB, "type": 1, "type_hex": "0000000000000001"}]]
    assert _round_trip("Paths", typed) == [[{"account": BOB}]]


def test_numbers() -> None:
    assert field_from_json("AssetsMaximum", "1000") == STNumber(10**18, -15)
    assert _round_trip("AssetsMaximum", "12347865.746832746") == "12347865.746832746"
    assert _round_trip("AssetsMaximum", "99e20") == "99e20"
    assert _round_trip("AssetsMaximum", "0") == "0"


def test_signing_serialisation_drops_only_top_level_signatures() -> None:
    tx = {
        "TransactionType": "Payment",
        "Account": ALICE,
        "Destination": BOB,
        "Amount": "1",
        "Fee": "10",
        "Sequence": 1,
        "SigningPubKey": "ED" + "11" * 32,
        "TxnSignature": "AB" * 64,
    }
    signing = encode_for_signing(tx)
    assert signing.startswith("53545800")
    assert "TxnSignature" not in decode(signing[8:])
    assert signing == binarycodec.encode_for_signing(tx)


def test_decode_gives_canonical_order_and_to_json_inverts_from_json() -> None:
    tx = {"Sequence": 3, "TransactionType": "AccountSet", "Account": ALICE, "Fee": "10"}
    decoded = decode(encode(tx))
    assert list(decoded) == ["TransactionType", "Sequence", "Fee", "Account"]
    assert decoded == tx
    assert to_json(from_json(tx)) == tx
