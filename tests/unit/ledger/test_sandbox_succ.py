"""succ() through a chain of sandboxes over an open view, against a sorted list of the live keys.

The chain answers without a call per sandbox (each checks the candidate from below: erased
here? an earlier key inserted here?), falling back to the definition in a sandbox that erased
the candidate. A sandbox keeps its inserted keys in a plain sorted list while few, a SortedList
beyond: both are driven here, with bounded (`last`) and unbounded queries.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xpay.amounts import XRPAmount
from xpay.ledger import keylet
from xpay.ledger.entries import AccountRoot, DirectoryNode, Entry
from xpay.ledger.ledger import genesis_ledger
from xpay.ledger.views import _SMALL_SORTED, Fees, OpenView, Sandbox
from xpay.protocol.ids import AccountID, Hash256

FEES = Fees(XRPAmount(10), XRPAmount(1_000_000), XRPAmount(200_000))
PREFIX = bytes(range(24))
UNIVERSE = [PREFIX + i.to_bytes(8, "big") for i in range(0, 1800, 3)]


def _dir(key: bytes) -> DirectoryNode:
    return DirectoryNode(key=Hash256(key), root_index=Hash256(key))


def _live(view: OpenView | Sandbox) -> list[bytes]:
    return [k for k in UNIVERSE if view.read_key(k) is not None]


ops = st.lists(
    st.tuples(st.sampled_from(["insert", "erase", "push", "commit"]), st.integers(0, len(UNIVERSE) - 1)),
    max_size=80,
)


def _check(top: OpenView | Sandbox, probes: list[int]) -> None:
    live = _live(top)
    end = PREFIX + (2**64 - 1).to_bytes(8, "big")
    for i in probes:
        probe = UNIVERSE[i]
        later = [k for k in live if k > probe]
        assert top.succ(probe, end) == (later[0] if later else None)
        if later:
            assert top.succ(probe, later[0]) is None
            bounded = [k for k in later if k < later[-1]]
            assert top.succ(probe, later[-1]) == (bounded[0] if bounded else None)
    assert top.succ(PREFIX + bytes(8), end) == (live[0] if live and live[0] > PREFIX + bytes(8) else (live[1] if len(live) > 1 else None))


@given(st.lists(st.integers(0, len(UNIVERSE) - 1), max_size=60, unique=True), ops, st.lists(st.integers(0, len(UNIVERSE) - 1), max_size=6))
def test_succ_through_sandboxes_is_the_sorted_live_keys(base_keys: list[int], operations: list[tuple[str, int]], probes: list[int]) -> None:
    ledger = genesis_ledger(AccountID(b"\x11" * 20), FEES)
    view = ledger.open_view()
    for i in base_keys:
        view.raw_insert(_dir(UNIVERSE[i]))
    stack: list[OpenView | Sandbox] = [view, Sandbox(view)]
    for op, i in operations:
        top = stack[-1]
        assert isinstance(top, Sandbox)
        key = UNIVERSE[i]
        existing = top.read_key(key)
        if op == "insert" and existing is None:
            top.insert(_dir(key))
        elif op == "erase" and existing is not None:
            top.erase(existing)
        elif op == "push" and len(stack) < 5:
            stack.append(Sandbox(top))
        elif op == "commit" and len(stack) > 2:
            top.apply()
            stack.pop()
        _check(stack[-1], [*probes, i])


def test_many_inserts_switch_to_a_sorted_container_and_still_answer() -> None:
    ledger = genesis_ledger(AccountID(b"\x11" * 20), FEES)
    view = ledger.open_view()
    sandbox = Sandbox(view)
    keys = UNIVERSE[::-1][: _SMALL_SORTED + 20]
    for key in keys:
        sandbox.insert(_dir(key))
    assert type(sandbox._inserted) is not list
    inner = Sandbox(sandbox)
    for key in keys[::7]:
        found = inner.read_key(key)
        assert found is not None
        inner.erase(found)
    _check(inner, list(range(0, len(UNIVERSE), 11)))
    # Other kinds of keys interleave: an account inserted among the directories.
    root = AccountRoot(key=keylet.account(AccountID(b"\x05" * 20)).key, account=AccountID(b"\x05" * 20), balance=XRPAmount(1), sequence=1)
    inner.insert(root)
    probe = bytes(32)
    walked: list[Entry] = []
    while (probe := inner.succ(probe)) is not None:  # type: ignore[assignment]
        found = inner.read_key(probe)
        assert found is not None
        walked.append(found)
    assert [e.key for e in walked] == sorted(e.key for e in walked)
    assert root in walked and len(walked) == len(_live(inner)) + 3  # + the root, genesis, fees
