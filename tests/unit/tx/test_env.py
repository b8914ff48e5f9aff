"""The test Env itself: amounts, accounts, JSON submission, expectations, closing."""

from __future__ import annotations

import pytest

from tests.support.env import XRP, Env, EnvError, drops, passphrase_keypair
from xpay.codec import decode_account_id


def test_xrp_helper_takes_whole_and_fractional_xrp() -> None:
    assert XRP(1) == drops(1_000_000)
    assert XRP("0.5") == drops(500_000)
    assert XRP("2.000001") == drops(2_000_001)
    with pytest.raises(ValueError):
        XRP("0.0000001")


def test_accounts_are_deterministic_wallet_propose_keys() -> None:
    """rippled's `wallet_propose passphrase=masterpassphrase key_type=ed25519` account."""
    assert passphrase_keypair("masterpassphrase").address == "rGWrZyQqhTp9Xu7G5Pkayo7bXjH4k4QYpf"
    assert Env().account("alice") == passphrase_keypair("alice")


def test_json_transactions_are_accepted() -> None:
    env = Env()
    env.fund(XRP(100), "alice")
    bob = env.account("bob")
    env({"TransactionType": "Payment", "Account": env.account("alice").address, "Destination": bob.address, "Amount": "20000000"})
    assert env.balance("bob") == XRP(20)
    assert decode_account_id(bob.address) == bob.account_id


def test_an_unexpected_result_raises() -> None:
    env = Env()
    env.fund(XRP(100), "alice")
    with pytest.raises(EnvError, match="tecUNFUNDED_PAYMENT"):
        env.pay("alice", env.master, XRP(1000))


def test_held_transactions_are_offered_at_close() -> None:
    env = Env()
    env.fund(XRP(100), "alice")
    seq = env.seq("alice")
    env.pay("alice", env.master, XRP(1), Sequence=seq + 1, expect="terPRE_SEQ")
    assert len(env.held) == 1
    env.pay("alice", env.master, XRP(1), Sequence=seq)
    env.close()
    assert env.seq("alice") == seq + 2 and env.held == []


def test_close_advances_the_chain() -> None:
    env = Env()
    first = env.ledger
    env.fund(XRP(100), "alice")
    closed = env.close()
    assert closed.seq == first.seq + 1 and closed.header.parent_hash == first.hash
    assert closed.close_time == first.close_time + 10
    assert env.history == [first, closed]
    assert env.last_report is not None and len(env.last_report.applied) == 2
    meta = env.meta(env.last_report.applied[0])
    assert meta["TransactionResult"] == "tesSUCCESS"
