"""Transaction signing and verification: xrpl-py's signatures, and every tampering detected."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from xrpl.core import binarycodec
from xrpl.models.transactions import Transaction
from xrpl.transaction import sign as xrpl_sign
from xrpl.wallet import Wallet

from xpay.amounts.st_amount import STAmount
from xpay.codec import CodecError, decode_native, encode_seed, transaction_id
from xpay.crypto import KeyPair, sign_transaction, signing_data, verify_transaction

SEED = encode_seed(bytes(range(16)))
BOB = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe"


def _payment(keypair: KeyPair) -> dict[str, Any]:
    return {
        "TransactionType": "Payment",
        "Account": keypair.address,
        "Destination": BOB,
        "Amount": {"currency": "USD", "issuer": BOB, "value": "12.5"},
        "SendMax": "15000000",
        "Fee": "12",
        "Sequence": 4,
        "Flags": 0x80020000,
        "Memos": [{"Memo": {"MemoData": "68656C6C6F"}}],
    }


def test_signed_blob_and_hash_are_xrpl_pys() -> None:
    keypair = KeyPair.from_seed(SEED)
    tx = _payment(keypair)
    blob, tx_hash = sign_transaction(tx, keypair)
    theirs = xrpl_sign(Transaction.from_xrpl(tx), Wallet.from_seed(SEED))
    assert blob == theirs.blob()
    assert tx_hash == theirs.get_hash()
    assert tx_hash == transaction_id(bytes.fromhex(blob)).hex().upper()


def test_sign_sets_key_and_signature_but_leaves_the_input_alone() -> None:
    keypair = KeyPair.from_seed(SEED)
    tx = _payment(keypair)
    before = copy.deepcopy(tx)
    blob, _hash = sign_transaction({**tx, "SigningPubKey": "ED" + "00" * 32}, keypair)
    assert tx == before
    signed = binarycodec.decode(blob)
    assert signed["SigningPubKey"] == keypair.public_key.hex().upper()
    assert len(bytes.fromhex(signed["TxnSignature"])) == 64


def test_signed_transaction_verifies() -> None:
    keypair = KeyPair.from_seed(SEED)
    blob, _hash = sign_transaction(_payment(keypair), keypair)
    assert verify_transaction(decode_native(bytes.fromhex(blob)))


def test_any_tampering_fails_verification() -> None:
    keypair = KeyPair.from_seed(SEED)
    blob, _hash = sign_transaction(_payment(keypair), keypair)
    native = decode_native(bytes.fromhex(blob))
    assert not verify_transaction({**native, "Fee": STAmount.from_drops(13)})
    assert not verify_transaction({**native, "Sequence": 5})
    assert not verify_transaction({**native, "Memos": [{"Memo": {"MemoData": b"hellO"}}]})
    other = KeyPair.generate()
    assert not verify_transaction({**native, "SigningPubKey": other.public_key})
    signature = native["TxnSignature"]
    assert not verify_transaction({**native, "TxnSignature": signature[:-1] + b"\x00"})
    assert not verify_transaction({k: v for k, v in native.items() if k != "TxnSignature"})
    assert not verify_transaction({k: v for k, v in native.items() if k != "SigningPubKey"})
    assert not verify_transaction({**native, "TxnSignature": signature.hex()})


def test_unserialisable_transaction_does_not_verify() -> None:
    keypair = KeyPair.from_seed(SEED)
    blob, _hash = sign_transaction(_payment(keypair), keypair)
    native = decode_native(bytes.fromhex(blob))
    assert not verify_transaction({**native, "NotAField": 1})


def test_signing_data_excludes_the_signature() -> None:
    keypair = KeyPair.from_seed(SEED)
    blob, _hash = sign_transaction(_payment(keypair), keypair)
    native = decode_native(bytes.fromhex(blob))
    data = signing_data(native)
    assert data.startswith(b"STX\x00")
    assert native["TxnSignature"] not in data
    assert keypair.public_key in data


def test_sign_rejects_bad_json() -> None:
    keypair = KeyPair.from_seed(SEED)
    with pytest.raises(CodecError, match="Fee"):
        sign_transaction({**_payment(keypair), "Fee": "-1"}, keypair)
