"""OpenView remembers its base's answers (reads and succ) for its life: every transaction of an
open ledger reads the same hot entries, each a walk down the state map. Whatever the view
changes on top (updates, erasures, new keys, entries that come back), its answers must stay
those of a plain dict model, also once the bounded memory starts over."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import xpay.ledger.views as views_module
from tests.unit.flow.builder import LedgerBuilder
from xpay.ledger import keylet
from xpay.ledger.entries import DirectoryNode, Entry
from xpay.ledger.ledger import close_ledger
from xpay.ledger.views import OpenView
from xpay.protocol.ids import Hash256


def _key(i: int) -> Hash256:
    return Hash256(b"\xf0" + bytes([i]) + bytes(30))


def _node(i: int, version: int = 0) -> DirectoryNode:
    return DirectoryNode(key=_key(i), root_index=_key(i), indexes=(), index_previous=version)


operations = st.lists(
    st.tuples(
        st.sampled_from(["read", "read_keylet", "succ", "update", "erase", "insert"]),
        st.integers(0, 4),
        st.integers(1, 5),
    ),
    min_size=3,
    max_size=60,
)


@given(st.lists(st.integers(0, 4), unique=True, max_size=4), operations, st.sampled_from([2, 1 << 20]))
@example([0], [("read", 0, 1), ("update", 0, 2), ("read", 0, 1), ("read_keylet", 0, 1)], 1 << 20)
@example([0], [("succ", 0, 1), ("read", 1, 1), ("insert", 1, 2), ("read", 1, 1), ("succ", 0, 1)], 1 << 20)
@example([1], [("read", 1, 1), ("succ", 0, 1), ("erase", 1, 1), ("read", 1, 1), ("succ", 0, 1)], 1 << 20)
def test_remembered_base_answers_match_a_dict_model(
    present: list[int], ops: list[tuple[str, int, int]], limit: int
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(views_module, "_BASE_MEMO_LIMIT", limit)
        b = LedgerBuilder()
        for i in present:
            b.sb.insert(_node(i))
        b.sb.apply()
        ledger = close_ledger(b.ledger, b.open, 2000)
        view = ledger.open_view()
        model: dict[bytes, Entry] = {k: e for k, e in ledger.state.items()}
        for op, i, version in ops:
            k = _key(i)
            if op == "read":
                assert view.read_key(k) == model.get(k)
            elif op == "read_keylet":
                assert view.read(keylet.Keylet(DirectoryNode, k)) == model.get(k)
            elif op == "succ":
                later = sorted(x for x in model if x > k)
                assert view.succ(k) == (later[0] if later else None)
                bound = _key(min(i + 4, 255))
                assert view.succ(k, bound) == (later[0] if later and later[0] < bound else None)
            elif op == "update" and k in model:
                model[k] = _node(i, version)
                view.raw_replace(model[k])
            elif op == "erase" and k in model:
                view.raw_erase(model.pop(k))
            elif op == "insert" and k not in model:
                model[k] = _node(i, version)
                view.raw_insert(model[k])
        if limit == 2:
            assert len(view._base_reads) <= 2 and len(view._base_succs) <= 2


class _CountingBase:
    """A closed ledger that counts its reads (a read view by delegation)."""

    def __init__(self, ledger: object) -> None:
        self._ledger = ledger
        self.calls = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self._ledger, name)

    def read_key(self, key: bytes) -> Entry | None:
        self.calls += 1
        return self._ledger.read_key(key)  # type: ignore[attr-defined, no-any-return]

    def succ(self, key: bytes, last: bytes | None = None) -> bytes | None:
        self.calls += 1
        return self._ledger.succ(key, last)  # type: ignore[attr-defined, no-any-return]


def test_the_base_is_asked_once_per_key() -> None:
    b = LedgerBuilder()
    b.sb.insert(_node(1))
    b.sb.insert(_node(2))
    b.sb.apply()
    ledger = close_ledger(b.ledger, b.open, 2000)
    counting = _CountingBase(ledger)
    view = OpenView(counting, parent_close_time=ledger.close_time)  # type: ignore[arg-type]
    for _ in range(5):
        assert view.read_key(_key(1)) == _node(1)
        assert view.read(keylet.Keylet(DirectoryNode, _key(3))) is None
        assert view.succ(_key(1)) == _key(2)
    assert counting.calls == 3
