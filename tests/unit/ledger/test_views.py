"""Views and sandboxes checked against a plain dict (the slow, obviously right reference)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xpay.amounts import XRPAmount
from xpay.ledger import keylet
from xpay.ledger.entries import AccountRoot, Entry
from xpay.ledger.ledger import genesis_ledger
from xpay.ledger.views import ERASE, INSERT, MODIFY, Fees, LogicError, Sandbox
from xpay.protocol.ids import AccountID

FEES = Fees(XRPAmount(10), XRPAmount(1_000_000), XRPAmount(200_000))
GENESIS = AccountID(b"\x11" * 20)
ACCOUNTS = [AccountID(bytes([i]) * 20) for i in range(1, 9)]


def _root(account: AccountID, balance: int) -> AccountRoot:
    return AccountRoot(key=keylet.account(account).key, account=account, balance=XRPAmount(balance), sequence=1)


def _reads(view: object) -> dict[bytes, Entry | None]:
    return {keylet.account(a).key: view.read_key(keylet.account(a).key) for a in ACCOUNTS}  # type: ignore[attr-defined]


ops = st.lists(
    st.tuples(st.sampled_from(["insert", "update", "erase", "push", "commit", "discard"]), st.sampled_from(ACCOUNTS), st.integers(1, 10**6)),
    max_size=50,
)


@given(ops)
def test_nested_sandboxes_behave_like_dict_copies(operations: list[tuple[str, AccountID, int]]) -> None:
    ledger = genesis_ledger(GENESIS, FEES)
    open_view = ledger.open_view()
    stack: list[Sandbox] = [Sandbox(open_view)]
    refs: list[dict[bytes, Entry | None]] = [_reads(open_view)]
    for op, account, value in operations:
        top = stack[-1]
        ref = refs[-1]
        key = keylet.account(account).key
        if op == "insert":
            if ref[key] is None:
                top.insert(_root(account, value))
                ref[key] = _root(account, value)
            else:
                with pytest.raises(LogicError):
                    top.insert(_root(account, value))
        elif op == "update" and ref[key] is not None:
            entry = top.read(keylet.account(account))
            assert entry is not None
            new = entry._replace(balance=XRPAmount(value))
            top.update(new)
            ref[key] = new
        elif op == "erase" and ref[key] is not None:
            entry = top.read(keylet.account(account))
            assert entry is not None
            top.erase(entry)
            ref[key] = None
        elif op == "push":
            stack.append(Sandbox(top))
            refs.append(dict(ref))
        elif op == "commit" and len(stack) > 1:
            stack.pop().apply()
            refs.pop()
            refs[-1] = ref
        elif op == "discard" and len(stack) > 1:
            stack.pop().discard()
            refs.pop()
        assert _reads(stack[-1]) == refs[-1]
        # succ over the layers sees exactly the live keys.
        live = sorted(k for k, v in refs[-1].items() if v is not None)
        first = min(ACCOUNTS and [keylet.account(a).key for a in ACCOUNTS])
        probe = bytes(32)
        seen = []
        while True:
            nxt = stack[-1].succ(probe)
            if nxt is None:
                break
            if nxt in refs[-1]:
                seen.append(nxt)
            probe = nxt
        assert seen == live, first
    # Committing everything down to the open view leaves it equal to the reference.
    while len(stack) > 1:
        stack.pop().apply()
        ref = refs.pop()
        refs[-1] = ref
    stack[0].apply()
    assert _reads(open_view) == refs[0]


def test_actions_compose_as_rippled_apply_state_table() -> None:
    ledger = genesis_ledger(GENESIS, FEES)
    parent = Sandbox(ledger.open_view())
    a, b = ACCOUNTS[0], ACCOUNTS[1]
    parent.insert(_root(a, 5))
    child = Sandbox(parent)
    entry = child.read(keylet.account(a))
    assert entry is not None
    child.erase(entry)
    child.insert(_root(b, 7))
    child.apply()
    # Inserted then erased: nothing left; a fresh insert stays an insert.
    assert keylet.account(a).key not in parent.items
    assert parent.items[keylet.account(b).key][0] == INSERT
    genesis = parent.read(keylet.account(GENESIS))
    assert genesis is not None
    parent.update(genesis._replace(sequence=2))
    assert parent.items[genesis.key][0] == MODIFY
    parent.erase(parent.read(keylet.account(GENESIS)))  # type: ignore[arg-type]
    assert parent.items[genesis.key][0] == ERASE
    with pytest.raises(LogicError):
        parent.update(genesis)


def test_discarded_sandbox_leaves_parent_untouched() -> None:
    ledger = genesis_ledger(GENESIS, FEES)
    view = ledger.open_view()
    sb = Sandbox(view)
    genesis = sb.read(keylet.account(GENESIS))
    assert genesis is not None
    sb.update(genesis._replace(balance=XRPAmount(1)))
    sb.destroy_xrp(10)
    sb.discard()
    sb.apply()
    assert view.items == {}
    assert view.destroyed_drops == 0
    assert view.read(keylet.account(GENESIS)) == genesis
