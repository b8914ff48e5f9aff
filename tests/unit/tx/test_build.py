"""build_ledger: canonical order, retry passes, and the closed ledger it produces."""

from __future__ import annotations

import pytest

from tests.support.env import XRP, Env
from xpay.ledger.ledger import STATE_LEAVES
from xpay.ledger.shamap import SHAMap
from xpay.protocol.ter import Tec, Tem, Tes
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.build import build_ledger, canonical_order, tx_set_hash
from xpay.tx.transaction import Transaction


@pytest.fixture
def env() -> Env:
    env = Env()
    env.fund(XRP(1000), "alice", "bob", "carol")
    env.close()
    return env


def _pay(env: Env, src: str, dst: str, amount: int, seq_offset: int = 0, **fields: object) -> Transaction:
    return env.tx({"TransactionType": TransactionType.Payment, "Account": src, "Destination": dst, "Amount": XRP(amount), "Sequence": env.seq(src) + seq_offset, **fields})


def _key(tx: Transaction, salt: bytes) -> tuple[int, int, bytes]:
    return ((int.from_bytes(tx.account, "big") << 96) ^ int.from_bytes(salt, "big"), tx.sequence, tx.id)


def test_canonical_order_is_account_xor_salt_then_sequence_then_id(env: Env) -> None:
    txs = [_pay(env, who, "bob" if who != "bob" else "alice", 1, k) for who in ("alice", "bob", "carol") for k in range(3)]
    for salt in (bytes(32), b"\xff" * 32, tx_set_hash(txs)):
        ordered = canonical_order(reversed(txs), salt)
        assert ordered == sorted(txs, key=lambda tx: _key(tx, salt))
        for who in ("alice", "bob", "carol"):
            seqs = [tx.sequence for tx in ordered if tx.account == env.account(who).account_id]
            assert seqs == sorted(seqs)
    # The salt decides which account goes first: the order of accounts is not fixed.
    firsts = {canonical_order(txs, bytes([b]) * 32)[0].account for b in range(0, 256, 16)}
    assert len(firsts) > 1


def test_tx_set_hash_ignores_order(env: Env) -> None:
    txs = [_pay(env, "alice", "bob", 1), _pay(env, "bob", "alice", 1)]
    assert tx_set_hash(txs) == tx_set_hash(list(reversed(txs)))
    assert tx_set_hash(txs) != tx_set_hash(txs[:1])


def test_out_of_order_sequences_apply_in_the_retry_pass(env: Env) -> None:
    later = _pay(env, "alice", "bob", 1, 1)
    first = _pay(env, "alice", "bob", 1, 0)
    ledger, report = build_ledger(env.ledger, [later, first], env.ledger.close_time + 10, 10, 0, env.rules)
    assert report.results == {later.id: Tes.tesSUCCESS, first.id: Tes.tesSUCCESS}
    assert report.applied == [first.id, later.id] and not report.failed and not report.retriable
    assert len(ledger.txs) == 2 and ledger.seq == env.ledger.seq + 1
    assert ledger.header.parent_hash == env.ledger.hash
    assert ledger.header.total_coins == env.ledger.header.total_coins - 20


def test_tec_waits_for_the_final_pass(env: Env) -> None:
    """A payment that needs another's XRP: retried, then applied once that one is in."""
    drain = _pay(env, "carol", "alice", 980)  # carol keeps her reserve
    ok = _pay(env, "alice", "bob", 1500)  # needs carol's XRP first
    _ledger, report = build_ledger(env.ledger, [ok, drain], env.ledger.close_time + 10, 10, 0, env.rules)
    assert report.results[ok.id] is Tes.tesSUCCESS and report.results[drain.id] is Tes.tesSUCCESS


def test_hopeless_tec_is_applied_in_the_final_pass(env: Env) -> None:
    broke = _pay(env, "alice", "bob", 5000)
    _ledger, report = build_ledger(env.ledger, [broke], env.ledger.close_time + 10, 10, 0, env.rules)
    assert report.results[broke.id] is Tec.tecUNFUNDED_PAYMENT and report.applied == [broke.id]


def test_malformed_is_failed_and_duplicates_are_applied_once(env: Env) -> None:
    bad = _pay(env, "alice", "bob", 0)
    good = _pay(env, "bob", "alice", 1)
    ledger, report = build_ledger(env.ledger, [bad, good, good], env.ledger.close_time + 10, 10, 0, env.rules)
    assert report.failed == [bad.id] and report.results[bad.id] is Tem.temBAD_AMOUNT
    assert report.applied == [good.id] and len(ledger.txs) == 1


def test_retriable_left_for_the_next_ledger(env: Env) -> None:
    gap = _pay(env, "alice", "bob", 1, 5)
    _ledger, report = build_ledger(env.ledger, [gap], env.ledger.close_time + 10, 10, 0, env.rules)
    assert report.retriable == [gap] and not report.applied


def test_incremental_state_hash_equals_a_rebuild(env: Env) -> None:
    txs = [_pay(env, "alice", "bob", 3), _pay(env, "bob", "carol", 2), _pay(env, "carol", "alice", 1)]
    ledger, _report = build_ledger(env.ledger, txs, env.ledger.close_time + 10, 10, 0, env.rules)
    rebuilt: SHAMap = SHAMap(STATE_LEAVES)
    rebuilt = rebuilt.apply(list(ledger.state.items()))
    assert rebuilt.root_hash() == ledger.header.account_hash
