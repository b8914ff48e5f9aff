"""Transaction: decoded once from its blob, checked against its type's format."""

from __future__ import annotations

import pytest

from tests.support.env import XRP, Env
from xpay.codec import encode_native, transaction_id
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.transaction import MalformedTransaction, Transaction


@pytest.fixture
def env() -> Env:
    env = Env()
    env.fund(XRP(100), "alice")
    return env


def _payment(env: Env) -> Transaction:
    return env.tx({"TransactionType": TransactionType.Payment, "Account": "alice", "Destination": env.master, "Amount": XRP(1)})


def test_round_trip_and_id(env: Env) -> None:
    tx = _payment(env)
    again = Transaction.from_blob(tx.blob)
    assert again == tx and again.fields == tx.fields
    assert tx.id == transaction_id(tx.blob)
    assert tx.tx_type is TransactionType.Payment
    assert tx.account == env.account("alice").account_id
    assert tx.fee.native and tx.fee.mantissa == 10
    assert tx.sequence == env.seq("alice") and tx.flags == 0


@pytest.mark.parametrize("blob", [b"", b"\x12", b"\xff\xff\xff", bytes(40)])
def test_garbage_is_malformed(blob: bytes) -> None:
    with pytest.raises(MalformedTransaction):
        Transaction.from_blob(blob)


def test_not_bytes_is_malformed() -> None:
    with pytest.raises(MalformedTransaction):
        Transaction.from_blob("12000022")  # type: ignore[arg-type]


def test_missing_required_field_is_malformed(env: Env) -> None:
    fields = dict(_payment(env).fields)
    del fields["Destination"]
    with pytest.raises(MalformedTransaction, match="missing Destination"):
        Transaction.from_blob(encode_native(fields))


def test_field_of_another_type_is_malformed(env: Env) -> None:
    fields = dict(_payment(env).fields)
    fields["LimitAmount"] = XRP(1)
    with pytest.raises(MalformedTransaction, match="may not contain LimitAmount"):
        Transaction.from_blob(encode_native(fields))


def test_unknown_transaction_type_is_malformed(env: Env) -> None:
    fields = dict(_payment(env).fields)
    fields["TransactionType"] = 9999
    with pytest.raises(MalformedTransaction, match="unknown TransactionType"):
        Transaction.from_blob(encode_native(fields))


def test_signing_data_excludes_the_signature(env: Env) -> None:
    tx = _payment(env)
    unsigned = {k: v for k, v in tx.fields.items() if k != "TxnSignature"}
    assert tx.signing_data() == b"STX\x00" + encode_native(unsigned)
    assert tx.multi_signing_data(tx.account) == b"SMT\x00" + encode_native(unsigned) + tx.account
