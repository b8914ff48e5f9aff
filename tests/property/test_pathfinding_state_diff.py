"""The SHAMap walk that finds what changed between two states, against a plain dict comparison.

Keys are drawn with shared prefixes (as book directories share 24 of their 32 bytes), so the
maps grow the deep single-branch chains the walk follows without recursing, and changes land
on leaves that move up or down when a neighbour comes or goes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pathfinding.state_diff import state_changes
from xpay.ledger.shamap import TX_ONLY, SHAMap

PREFIXES = (bytes(24), b"\x11" * 24, b"\xab" * 12 + bytes(12))

keys = st.builds(
    lambda prefix, tail: (prefix + tail)[:32],
    st.sampled_from(PREFIXES),
    st.binary(min_size=8, max_size=8),
) | st.binary(min_size=32, max_size=32)

states = st.dictionaries(keys, st.binary(min_size=1, max_size=4), max_size=40)


def _map(items: dict[bytes, bytes]) -> SHAMap[bytes]:
    empty: SHAMap[bytes] = SHAMap(TX_ONLY)
    return empty.apply(items.items())


def _expected(before: dict[bytes, bytes], after: dict[bytes, bytes]) -> list[tuple[bytes, bytes | None, bytes | None]]:
    return sorted(
        (key, before.get(key), after.get(key))
        for key in before.keys() | after.keys()
        if before.get(key) != after.get(key)
    )


@given(before=states, changes=st.dictionaries(keys, st.none() | st.binary(min_size=1, max_size=4), max_size=20))
def test_changes_between_a_map_and_its_successor(before: dict[bytes, bytes], changes: dict[bytes, bytes | None]) -> None:
    """The common case: the next state is the previous one with changes applied (shared
    structure)."""
    old = _map(before)
    applicable = [(k, v) for k, v in changes.items() if v is not None or k in before]
    new = old.apply(applicable)
    after = dict(before)
    for key, value in applicable:
        if value is None:
            del after[key]
        else:
            after[key] = value
    assert sorted(state_changes(old, new)) == _expected(before, after)


@given(before=states, after=states)
def test_changes_between_unrelated_maps(before: dict[bytes, bytes], after: dict[bytes, bytes]) -> None:
    """Two maps built apart (nothing shared, as after a chain switch) still diff exactly."""
    assert sorted(state_changes(_map(before), _map(after))) == _expected(before, after)


@given(before=states)
def test_a_map_has_no_changes_against_itself(before: dict[bytes, bytes]) -> None:
    old = _map(before)
    assert list(state_changes(old, old)) == []
    assert list(state_changes(old, _map(before))) == []
