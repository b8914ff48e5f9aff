"""Ledger and transaction-tree hashes as the XRPL computes them.

* codec-fixtures.json's ledgerData: the header's 118 bytes decode to its JSON fields and encode
  back to the same bytes, and its hash is SHA-512Half("LWR\\0" + those bytes), the same as the
  codec's own ledger_header_hash.
* XRPL mainnet ledger 38129 (the header and its one transaction with metadata, as published by
  rippled and used by xrpl.js's hash tests): its transaction ID, its transaction tree's root and
  its ledger hash recomputed from the parts.
"""

from __future__ import annotations

import json
from hashlib import sha512
from pathlib import Path
from typing import Any

from xpay.codec import deserialize_ledger_header, encode_native, from_json, ledger_header_hash
from xpay.ledger.ledger import LedgerHeader
from xpay.ledger.shamap import TX_WITH_META, SHAMap
from xpay.tx.transaction import Transaction

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "xrpl-data" / "codec-fixtures.json"


def _ledger_data() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(FIXTURES.read_text())["ledgerData"]
    return data


def test_fixture_ledger_header_round_trips_and_hashes() -> None:
    for case in _ledger_data():
        blob = bytes.fromhex(case["binary"])
        fields = case["json"]
        header = LedgerHeader.from_bytes(blob)
        assert header.seq == fields["ledger_index"]
        assert header.total_coins == int(fields["total_coins"])
        assert header.parent_hash.hex().upper() == fields["parent_hash"]
        assert header.tx_hash.hex().upper() == fields["transaction_hash"]
        assert header.account_hash.hex().upper() == fields["account_hash"]
        assert header.parent_close_time == fields["parent_close_time"]
        assert header.close_time == fields["close_time"]
        assert header.close_time_resolution == fields["close_time_resolution"]
        assert header.close_flags == fields["close_flags"]
        assert header.to_bytes() == blob
        expected = sha512(b"LWR\x00" + blob).digest()[:32]
        assert header.hash() == expected
        assert ledger_header_hash(deserialize_ledger_header(blob)) == expected


# Ledger 38129 of the XRPL mainnet (2013-01-02): header fields, ledger hash, and its only
# transaction. Its parent close time is not published; rippled of that era hashed the close
# time there, as xrpl.js's test does.
_LEDGER_38129 = {
    "ledger_index": 38129,
    "total_coins": 99999999999996310,
    "parent_hash": "3401E5B2E5D3A53EB0891088A5F2D9364BBB6CE5B37A337D2C0660DAF9C4175E",
    "transaction_hash": "DB83BF807416C5B3499A73130F843CF615AB8E797D79FE7D330ADF1BFA93951A",
    "account_hash": "2C23D15B6B549123FB351E4B5CDE81C564318EB845449CD43C3EA7953C4DB452",
    "close_time": 410424200,
    "close_time_resolution": 10,
    "ledger_hash": "E6DB7365949BF9814D76BCC730B01818EB9136A89DB224F3F9F5AAE4569D758E",
}
_TX_38129 = {
    "Account": "r3kmLJN5D28dHuH8vZNUZpMC43pEHpaocV",
    "Amount": "10000000000",
    "Destination": "rLQBHVhFnaC5gLEkgr6HgBJJ3bgeZHg9cj",
    "Fee": "10",
    "Flags": 0,
    "Sequence": 62,
    "SigningPubKey": "034AADB09CFF4A4804073701EC53C3510CDC95917C2BB0150FB742D0C66E6CEE9E",
    "TransactionType": "Payment",
    "TxnSignature": "3045022022EB32AECEF7C644C891C19F87966DF9C62B1F34BABA6BE774325E4BB8E2DD62022100A51437898C28C2B297112DF8131F2BB39EA5FE613487DDD611525F1796264639",
}
_TX_38129_ID = "3B1A4E1C9BB6A7208EB146BCDB86ECEA6068ED01466D933528CA2B4C64F753EF"
_META_38129 = {
    "AffectedNodes": [
        {
            "CreatedNode": {
                "LedgerEntryType": "AccountRoot",
                "LedgerIndex": "4C6ACBD635B0F07101F7FA25871B0925F8836155462152172755845CE691C49E",
                "NewFields": {"Account": "rLQBHVhFnaC5gLEkgr6HgBJJ3bgeZHg9cj", "Balance": "10000000000", "Sequence": 1},
            }
        },
        {
            "ModifiedNode": {
                "FinalFields": {
                    "Account": "r3kmLJN5D28dHuH8vZNUZpMC43pEHpaocV",
                    "Balance": "981481999380",
                    "Flags": 0,
                    "OwnerCount": 0,
                    "Sequence": 63,
                },
                "LedgerEntryType": "AccountRoot",
                "LedgerIndex": "B33FDD5CF3445E1A7F2BE9B06336BEBD73A5E3EE885D3EF93F7E3E2992E46F1A",
                "PreviousFields": {"Balance": "991481999390", "Sequence": 62},
                "PreviousTxnID": "2485FDC606352F1B0785DA5DE96FB9DBAF43EB60ECBB01B7F6FA970F512CDA5F",
                "PreviousTxnLgrSeq": 31317,
            }
        },
    ],
    "TransactionIndex": 0,
    "TransactionResult": "tesSUCCESS",
}


def test_mainnet_ledger_38129_hashes_from_its_parts() -> None:
    blob = encode_native(from_json(_TX_38129))
    tx = Transaction.from_blob(blob)
    assert tx.id.hex().upper() == _TX_38129_ID
    meta = encode_native(from_json(_META_38129))
    tree: SHAMap[tuple[bytes, bytes]] = SHAMap(TX_WITH_META)
    tree = tree.apply([(tx.id, (blob, meta))])
    assert tree.root_hash().hex().upper() == _LEDGER_38129["transaction_hash"]
    header = LedgerHeader(
        seq=int(_LEDGER_38129["ledger_index"]),
        total_coins=int(_LEDGER_38129["total_coins"]),
        parent_hash=bytes.fromhex(str(_LEDGER_38129["parent_hash"])),  # type: ignore[arg-type]
        tx_hash=tree.root_hash(),  # type: ignore[arg-type]
        account_hash=bytes.fromhex(str(_LEDGER_38129["account_hash"])),  # type: ignore[arg-type]
        parent_close_time=int(_LEDGER_38129["close_time"]),
        close_time=int(_LEDGER_38129["close_time"]),
        close_time_resolution=int(_LEDGER_38129["close_time_resolution"]),
        close_flags=0,
    )
    assert header.hash().hex().upper() == _LEDGER_38129["ledger_hash"]
    # One bit anywhere changes the hash.
    assert header._replace(close_flags=1).hash().hex().upper() != _LEDGER_38129["ledger_hash"]
