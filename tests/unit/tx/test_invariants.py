"""Each invariant checker against changes that break it, and changes that do not."""

from __future__ import annotations

import pytest

from tests.support.env import XRP, Env
from xpay.amounts import STAmount, XRPAmount
from xpay.ledger import keylet
from xpay.ledger.entries import AccountRoot, Entry, RippleState
from xpay.ledger.views import ERASE, INSERT, MODIFY
from xpay.protocol.flags import lsfLowReserve
from xpay.protocol.ids import ACCOUNT_ONE
from xpay.protocol.ter import Tec, Tef, Tes
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.invariants import check_invariants, invariant_failures
from xpay.tx.transaction import Transaction


@pytest.fixture
def env() -> Env:
    env = Env()
    env.fund(XRP(1000), "alice", "bob", "gw")
    env.trust("alice", env.iou("gw", "USD")(100))
    env.close()
    return env


def _tx(env: Env, tx_type: TransactionType = TransactionType.Payment) -> Transaction:
    if tx_type is TransactionType.Payment:
        return env.tx({"TransactionType": tx_type, "Account": "alice", "Destination": "bob", "Amount": XRP(1)})
    return env.tx({"TransactionType": tx_type, "Account": "alice"})


def _root(env: Env, who: str) -> AccountRoot:
    root = env.root(who)
    assert root is not None
    return root


def _fee_change(env: Env, fee: int = 10) -> tuple[bytes, int, Entry]:
    alice = _root(env, "alice")
    changed = alice._replace(balance=XRPAmount(alice.balance.drops - fee), sequence=alice.sequence + 1)
    return (changed.key, MODIFY, changed)


def _failures(env: Env, changes: list[tuple[bytes, int, Entry]], fee: int = 10, tx_type: TransactionType = TransactionType.Payment) -> list[str]:
    return invariant_failures(_tx(env, tx_type), Tes.tesSUCCESS, fee, env.open, changes)


def test_fee_only_change_holds(env: Env) -> None:
    assert _failures(env, [_fee_change(env)]) == []


def test_fee_above_the_transactions_fee_fails(env: Env) -> None:
    assert any("TransactionFeeCheck" in f for f in _failures(env, [_fee_change(env, 20)], fee=20))


def test_xrp_created_fails(env: Env) -> None:
    bob = _root(env, "bob")
    more = bob._replace(balance=XRPAmount(bob.balance.drops + 10))
    failures = _failures(env, [_fee_change(env, 0), (more.key, MODIFY, more)], fee=0)
    assert any("XRPNotCreated" in f for f in failures)


def test_xrp_lost_fails(env: Env) -> None:
    failures = _failures(env, [_fee_change(env, 10)], fee=5)
    assert any("XRPNotCreated" in f for f in failures)


def test_negative_balance_fails(env: Env) -> None:
    alice = _root(env, "alice")
    bob = _root(env, "bob")
    broke = alice._replace(balance=XRPAmount(-1))
    rich = bob._replace(balance=XRPAmount(bob.balance.drops + alice.balance.drops + 1))
    failures = _failures(env, [(broke.key, MODIFY, broke), (rich.key, MODIFY, rich)], fee=0)
    assert any("XRPBalanceChecks" in f for f in failures)


def test_deleted_account_root_fails(env: Env) -> None:
    bob = _root(env, "bob")
    failures = _failures(env, [(bob.key, ERASE, bob)], fee=0)
    assert any("AccountRootsNotDeleted" in f for f in failures)


def test_account_created_by_trust_set_fails(env: Env) -> None:
    carol = env.account("carol").account_id
    new = AccountRoot(key=keylet.account(carol).key, account=carol, balance=XRPAmount(0), sequence=env.open.seq)
    failures = _failures(env, [(new.key, INSERT, new)], fee=0, tx_type=TransactionType.AccountSet)
    assert any("ValidNewAccountRoot" in f for f in failures)
    assert _failures(env, [(new.key, INSERT, new)], fee=0) == []
    wrong_seq = new._replace(sequence=1)
    assert any("ValidNewAccountRoot" in f for f in _failures(env, [(new.key, INSERT, wrong_seq)], fee=0))


def _line(env: Env) -> RippleState:
    line = env.line("alice", "gw", "USD")
    assert line is not None
    return line


def test_trust_line_with_a_real_issuer_in_the_balance_fails(env: Env) -> None:
    line = _line(env)
    bad = line._replace(balance=line.balance.with_issue(line.low_limit.issue))
    assert any("TrustLinesSane" in f for f in _failures(env, [(bad.key, MODIFY, bad)], fee=0))


def test_trust_line_with_negative_limit_fails(env: Env) -> None:
    line = _line(env)
    bad = line._replace(low_limit=-line.low_limit if line.low_limit else STAmount.from_value_text("-1", line.low_limit.issue))
    assert any("TrustLinesSane" in f for f in _failures(env, [(bad.key, MODIFY, bad)], fee=0))


def test_trust_line_under_another_key_fails(env: Env) -> None:
    line = _line(env)
    moved = line._replace(key=keylet.account(ACCOUNT_ONE).key)
    assert any("TrustLinesSane" in f for f in _failures(env, [(moved.key, INSERT, moved)], fee=0))


def test_xrp_trust_line_fails(env: Env) -> None:
    line = _line(env)
    bad = line._replace(low_limit=XRP(1))
    assert any("NoXRPTrustLines" in f for f in _failures(env, [(bad.key, MODIFY, bad)], fee=0))


def test_reserve_flag_without_owner_count_fails(env: Env) -> None:
    line = _line(env)
    cleared = line._replace(flags=line.flags & ~lsfLowReserve & ~0x20000)
    assert any("OwnerCountsMatch" in f for f in _failures(env, [(cleared.key, MODIFY, cleared)], fee=0))


def test_type_change_fails(env: Env) -> None:
    line = _line(env)
    alice = _root(env, "alice")
    imposter = alice._replace(key=line.key)
    assert any("LedgerEntryTypesMatch" in f for f in _failures(env, [(line.key, MODIFY, imposter)], fee=0))


def test_check_invariants_escalates_to_tef_on_the_second_failure(env: Env) -> None:
    tx = _tx(env)
    bad = [_fee_change(env, 10)]
    assert check_invariants(tx, Tes.tesSUCCESS, 5, env.open, bad) is Tec.tecINVARIANT_FAILED
    assert check_invariants(tx, Tec.tecINVARIANT_FAILED, 5, env.open, bad) is Tef.tefINVARIANT_FAILED
    assert check_invariants(tx, Tec.tecPATH_DRY, 10, env.open, bad) is Tec.tecPATH_DRY

