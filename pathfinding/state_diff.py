"""What changed between two ledgers' state maps, found by walking only the branches that differ.

A closed ledger's state is a persistent SHAMap (xpay.ledger.shamap): the next ledger shares every
untouched subtree with its parent, node for node. So two consecutive states differ exactly where
their node objects differ, and a walk that skips identical nodes visits only the paths the
ledger's transactions touched: O(changes x depth), never O(state). The walk is correct for any
two maps (a chain switch, or states built apart); it is merely slower the less they share.

This reads the map's nodes directly. The ledger package has no public diff of two maps yet;
should the SHAMap's node layout change, `state_changes` is the one place to follow it.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import compress
from operator import is_not
from typing import TypeVar

from xpay.ledger.shamap import SHAMap, _Inner, _Leaf

T = TypeVar("T")

_BRANCHES = range(16)

Change = tuple[bytes, object | None, object | None]
"""(key, item before or None, item after or None)."""


def state_changes(before: SHAMap[T], after: SHAMap[T]) -> Iterator[tuple[bytes, T | None, T | None]]:
    """Every key whose item differs between the two maps, in key order, with both items."""
    out: list[Change] = []
    _diff(before._root, after._root, out)
    return iter(out)  # type: ignore[arg-type]


def _diff(a: _Inner | _Leaf | None, b: _Inner | _Leaf | None, out: list[Change]) -> None:
    inner = _Inner
    while type(a) is inner and type(b) is inner:
        a_children = a.children
        b_children = b.children
        # Which of the sixteen branches differ, found at C speed: most are shared.
        differ = compress(_BRANCHES, map(is_not, a_children, b_children))
        i = next(differ, None)
        if i is None:
            return
        j = next(differ, None)
        if j is not None:
            _diff(a_children[i], b_children[i], out)
            _diff(a_children[j], b_children[j], out)
            for k in differ:
                _diff(a_children[k], b_children[k], out)
            return
        # One branch: follow it without a call. Book directories make long chains of these
        # (a book's quality directories share 48 of their 64 key nibbles).
        a = a_children[i]
        b = b_children[i]
    if a is None:
        for leaf in _leaves(b):
            out.append((leaf.key, None, leaf.item))
        return
    if b is None:
        for leaf in _leaves(a):
            out.append((leaf.key, leaf.item, None))
        return
    if type(a) is _Leaf and type(b) is _Leaf and a.key == b.key:
        # The common case: an entry changed in place.
        if a.item is not b.item and a.item != b.item:
            out.append((a.key, a.item, b.item))
        return
    # A leaf against a subtree (or two different leaves): a leaf sits at the shallowest depth
    # where its branch holds no other key, so match it against the other side's leaves.
    olds = {leaf.key: leaf for leaf in _leaves(a)}
    news = {leaf.key: leaf for leaf in _leaves(b)}
    for key in sorted(olds.keys() | news.keys()):
        old = olds.get(key)
        new = news.get(key)
        if old is None:
            assert new is not None
            out.append((key, None, new.item))
        elif new is None:
            out.append((key, old.item, None))
        elif old.item is not new.item and old.item != new.item:
            out.append((key, old.item, new.item))


def _leaves(node: _Inner | _Leaf | None) -> Iterator[_Leaf]:
    """The leaves under `node`, in key order."""
    stack: list[_Inner | _Leaf | None] = [node]
    while stack:
        current = stack.pop()
        if current is None:
            continue
        if type(current) is _Leaf:
            yield current
        else:
            stack.extend(reversed(current.children))  # type: ignore[union-attr]
