"""OpenView.succ() with its memo of jumps over erased keys, checked against a sorted list.

The payment engine finds a book's best directory with succ() from the book's base; after many
crossings in one open ledger the first directories are erased there, and succ() must step over
them quickly (the memo) and still exactly (erased keys can come back, new keys can appear)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.unit.flow.builder import LedgerBuilder
from xpay.ledger.entries import DirectoryNode
from xpay.ledger.ledger import close_ledger
from xpay.protocol.ids import Hash256


def _key(i: int) -> Hash256:
    # Above the genesis ledger's own two keys (0x4B.., 0x68..), so runs are contiguous.
    return Hash256(b"\xf0" + bytes([i]) + bytes(30))


def _node(i: int) -> DirectoryNode:
    return DirectoryNode(key=_key(i), root_index=_key(i), indexes=())


ops = st.lists(
    st.tuples(st.sampled_from(["erase", "restore", "insert", "probe"]), st.integers(0, 63)),
    max_size=120,
)


@given(ops)
def test_succ_over_erased_keys_matches_a_sorted_list(operations: list[tuple[str, int]]) -> None:
    b = LedgerBuilder()
    base_keys = list(range(0, 64, 2))  # even indexes exist in the closed ledger
    for i in base_keys:
        b.sb.insert(_node(i))
    b.sb.apply()
    ledger = close_ledger(b.ledger, b.open, 2000)
    view = ledger.open_view()
    others = {k for k, _ in ledger.state.items()} - {_key(i) for i in base_keys}
    live = {_key(i) for i in base_keys}
    for op, i in operations:
        k = _key(i)
        if op == "erase" and k in live:
            view.raw_erase(view.read_key(k))  # type: ignore[arg-type]
            live.discard(k)
        elif (op == "restore" and k not in live and i % 2 == 0) or (op == "insert" and k not in live and i % 2 == 1):
            view.raw_insert(_node(i))
            live.add(k)
        start = _key(i)
        expected = min((x for x in live | others if x > start), default=None)
        assert view.succ(start) == expected
        bound = _key(min(i + 9, 255))
        bounded = expected if expected is not None and expected < bound else None
        assert view.succ(start, bound) == bounded
        assert view.succ(b"\xe0" + bytes(31)) == min(live, default=None)


class _CountingBase:
    """A closed ledger that counts succ() calls (a read view by delegation)."""

    def __init__(self, ledger: object) -> None:
        self._ledger = ledger
        self.succ_calls = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self._ledger, name)

    def succ(self, key: bytes, last: bytes | None = None) -> bytes | None:
        self.succ_calls += 1
        return self._ledger.succ(key, last)  # type: ignore[attr-defined, no-any-return]


def test_a_run_of_erased_keys_is_jumped_over_once_known() -> None:
    """After the first walk over 100 erased keys, finding the first live key again takes a few
    base lookups, not a hundred."""
    b = LedgerBuilder()
    for i in range(120):
        b.sb.insert(_node(i))
    b.sb.apply()
    ledger = close_ledger(b.ledger, b.open, 2000)
    counting = _CountingBase(ledger)
    from xpay.ledger.views import OpenView

    view = OpenView(counting, parent_close_time=ledger.close_time)  # type: ignore[arg-type]
    for i in range(100):
        view.raw_erase(view.read_key(_key(i)))  # type: ignore[arg-type]
    start = b"\xe0" + bytes(31)
    assert view.succ(start) == _key(100)
    first = counting.succ_calls
    assert first >= 100
    counting.succ_calls = 0
    assert view.succ(start) == _key(100)
    assert counting.succ_calls <= 3
    view.raw_erase(view.read_key(_key(100)))  # type: ignore[arg-type]
    counting.succ_calls = 0
    assert view.succ(start) == _key(101)
    assert counting.succ_calls <= 3
    view.raw_insert(_node(50))  # a key comes back: the jumps are forgotten, the answer is exact
    assert view.succ(start) == _key(50)
    assert view.succ(_key(50)) == _key(101)
