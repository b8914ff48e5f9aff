"""Signature checks done once and remembered (checkValidity with the HashRouter's flags)."""

from __future__ import annotations

import pytest

from tests.support.env import XRP, Env
from xpay.protocol.ids import Hash256
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.signature import SignatureCache, Validity, check_validity, signature_failure
from xpay.tx.transaction import Transaction


@pytest.fixture
def env() -> Env:
    env = Env()
    env.fund(XRP(100), "alice")
    return env


def _tx(env: Env, **fields: object) -> Transaction:
    return env.tx({"TransactionType": TransactionType.Payment, "Account": "alice", "Destination": env.master, "Amount": XRP(1), **fields})


def test_good_signature_is_valid(env: Env) -> None:
    tx = _tx(env)
    assert signature_failure(tx) is None
    assert check_validity(tx) == (Validity.Valid, "")


def test_missing_signature_is_bad(env: Env) -> None:
    fields = {k: v for k, v in _tx(env).fields.items() if k != "TxnSignature"}
    assert check_validity(Transaction.from_fields(fields)) == (Validity.SigBad, "Invalid signature.")


def test_empty_signing_key_without_signers_is_bad(env: Env) -> None:
    fields = dict(_tx(env).fields)
    fields["SigningPubKey"] = b""
    assert check_validity(Transaction.from_fields(fields))[0] == Validity.SigBad


def test_the_cache_remembers_outcomes(env: Env) -> None:
    """A remembered outcome is returned without verifying again: planting a false one shows it."""
    cache = SignatureCache()
    tx = _tx(env)
    assert check_validity(tx, cache) == (Validity.Valid, "")
    assert len(cache) == 1
    cache.put(tx.id, (Validity.SigBad, "planted"))
    assert check_validity(tx, cache) == (Validity.SigBad, "planted")


def test_the_cache_is_bounded_and_forgets_the_oldest() -> None:
    cache = SignatureCache(capacity=2)
    ids = [Hash256(bytes([i]) * 32) for i in range(3)]
    for tx_id in ids:
        cache.put(tx_id, (Validity.Valid, ""))
    assert len(cache) == 2
    assert cache.get(ids[0]) is None and cache.get(ids[2]) is not None
    with pytest.raises(ValueError):
        SignatureCache(capacity=0)


def test_preflight_skips_verification_when_told(env: Env) -> None:
    """tapNO_CHECK_SIGN: the node verified it already; a bad signature then goes unnoticed by
    the engine (so the node must have checked)."""
    from xpay.tx.apply import apply_transaction
    from xpay.tx.context import ApplyFlags

    fields = dict(_tx(env).fields)
    fields["TxnSignature"] = bytes(64)
    tx = Transaction.from_fields(fields)
    assert apply_transaction(env.open, tx, env.rules).applied is False
    assert apply_transaction(env.open, tx, env.rules, ApplyFlags.tapNO_CHECK_SIGN).applied is True
