"""A closed ledger's state diff against its parent: what the store writes per ledger.

Every entry a transaction touched is named in its metadata (AffectedNodes, LedgerIndex), so the
diff is found from the metadata without walking the state map; entries a ledger changes outside
any transaction (the skip list, as rippled's updateSkipList does at close) are added by key. The
result is checked: the parent's state with the diff applied must hash to the child's account
hash. Should it not (a close that changed an entry no metadata names), the diff falls back to a
merge of the two maps in key order, which is always right, only slower.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from xpay.ledger import keylet
from xpay.ledger.entries import Entry
from xpay.ledger.ledger import Ledger

StateDiff = list[tuple[bytes, Entry | None]]
"""(key, new entry) for every created or changed entry, (key, None) for every deleted one, in
key order."""

# Entries a close may change with no transaction naming them.
_CLOSE_KEYS: tuple[bytes, ...] = (keylet.skip().key, keylet.fees().key)


def _named_keys(metas: Iterable[Mapping[str, Any]]) -> set[bytes]:
    keys: set[bytes] = set(_CLOSE_KEYS)
    for meta in metas:
        for wrapper in meta.get("AffectedNodes", ()):
            for body in wrapper.values():
                index = body.get("LedgerIndex")
                if type(index) is bytes:
                    keys.add(index)
    return keys


def _diff_of(parent: Ledger, child: Ledger, keys: Iterable[bytes]) -> StateDiff:
    out: StateDiff = []
    parent_state = parent.state
    child_state = child.state
    for key in sorted(keys):
        new = child_state.get(key)
        old = parent_state.get(key)
        if new is None:
            if old is not None:
                out.append((key, None))
        elif old is None or old != new:
            out.append((key, new))
    return out


def _merge_diff(parent: Ledger, child: Ledger) -> StateDiff:
    """The diff by walking both maps in key order: O(size of the state)."""
    out: StateDiff = []
    old_items: Iterator[tuple[bytes, Entry]] = parent.state.items()
    new_items: Iterator[tuple[bytes, Entry]] = child.state.items()
    old = next(old_items, None)
    new = next(new_items, None)
    while old is not None or new is not None:
        if new is None or (old is not None and old[0] < new[0]):
            assert old is not None
            out.append((old[0], None))
            old = next(old_items, None)
        elif old is None or new[0] < old[0]:
            out.append((new[0], new[1]))
            new = next(new_items, None)
        else:
            if old[1] is not new[1] and old[1] != new[1]:
                out.append((new[0], new[1]))
            old = next(old_items, None)
            new = next(new_items, None)
    return out


def state_diff(parent: Ledger, child: Ledger, metas: Iterable[Mapping[str, Any]]) -> StateDiff:
    """The entries `child` changed relative to `parent`, given the child's transactions'
    metadata (native form). Verified against the child's account hash."""
    diff = _diff_of(parent, child, _named_keys(metas))
    if parent.state.apply(diff).root_hash() == child.header.account_hash:
        return diff
    return _merge_diff(parent, child)
