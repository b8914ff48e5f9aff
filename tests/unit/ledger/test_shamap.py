"""The SHAMap: XRPL hashes, persistence, incremental hashing against a from-scratch rebuild."""

from __future__ import annotations

from hashlib import sha512

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xpay.ledger.shamap import TX_ONLY, ZERO_HASH, LeafKind, SHAMap

# rippled's SHAMap_test "build/tear": eight keys, item i = 32 bytes of value i, added as
# transactions without metadata; the map's hash after each addition.
KEYS = [
    "b92891fe4ef6cee585fdc6fda1e09eb4d386363158ec3321b8123e5a772c6ca8",
    "b92881fe4ef6cee585fdc6fda1e09eb4d386363158ec3321b8123e5a772c6ca8",
    "b92691fe4ef6cee585fdc6fda1e09eb4d386363158ec3321b8123e5a772c6ca8",
    "b92791fe4ef6cee585fdc6fda1e09eb4d386363158ec3321b8123e5a772c6ca8",
    "b91891fe4ef6cee585fdc6fda1e09eb4d386363158ec3321b8123e5a772c6ca8",
    "b99891fe4ef6cee585fdc6fda1e09eb4d386363158ec3321b8123e5a772c6ca8",
    "f22891fe4ef6cee585fdc6fda1e09eb4d386363158ec3321b8123e5a772c6ca8",
    "292891fe4ef6cee585fdc6fda1e09eb4d386363158ec3321b8123e5a772c6ca8",
]
HASHES = [
    "B7387CFEA0465759ADC718E8C42B52D2309D179B326E239EB5075C64B6281F7F",
    "FBC195A9592A54AB44010274163CB6BA95F497EC5BA0A8831845467FB2ECE266",
    "4E7D2684B65DFD48937FFB775E20175C43AF0C94066F7D5679F51AE756795B75",
    "7A2F312EB203695FFD164E038E281839EEF06A1B99BFC263F3CECC6C74F93E07",
    "395A6691A372387A703FB0F2C6D2C405DAF307D0817F8F0E207596462B0E3A3E",
    "D044C0A696DE3169CC70AE216A1564D69DE96582865796142CE7D98A84D9DDE4",
    "76DCC77C4027309B5A91AD164083264D70B77B5E43E08AEDA5EBF94361143615",
    "DF4220E93ADC6F5569063A01B4DC79F8DB9553B6A3222ADE23DEA02BBE7230E5",
]


def test_build_and_tear_down_match_rippled_hashes() -> None:
    m: SHAMap[bytes] = SHAMap(TX_ONLY)
    assert m.root_hash() == ZERO_HASH
    snapshots = []
    for i, key in enumerate(KEYS):
        m = m.apply([(bytes.fromhex(key), bytes([i]) * 32)])
        assert m.root_hash().hex().upper() == HASHES[i]
        snapshots.append(m)
    for i in reversed(range(len(KEYS))):
        assert m.root_hash().hex().upper() == HASHES[i]
        m = m.apply([(bytes.fromhex(KEYS[i]), None)])
    assert m.root_hash() == ZERO_HASH
    assert len(m) == 0
    # Every earlier map is untouched by later changes (persistence).
    for i, snap in enumerate(snapshots):
        assert snap.root_hash().hex().upper() == HASHES[i]
        assert len(snap) == i + 1


def test_deleting_a_missing_key_raises() -> None:
    m: SHAMap[bytes] = SHAMap(TX_ONLY).apply([(bytes(32), b"x")])
    with pytest.raises(KeyError):
        m.apply([(b"\x01" * 32, None)])


def _plain(key: bytes, item: bytes) -> bytes:
    return sha512(b"LEAF" + item + key).digest()[:32]


PLAIN: LeafKind[bytes] = LeafKind("test", _plain)

# Keys drawn from a small alphabet share long prefixes, which exercises deep splits and collapses.
keys = st.binary(min_size=32, max_size=32) | st.builds(
    lambda head, tail: head + tail, st.sampled_from([b"\xaa" * 30, b"\xab" * 30, bytes(30)]), st.binary(min_size=2, max_size=2)
)
ops = st.lists(st.tuples(keys, st.one_of(st.none(), st.binary(min_size=1, max_size=8))), max_size=60)


@given(ops, st.integers(min_value=1, max_value=7))
def test_incremental_hash_equals_rebuild_from_scratch(operations: list[tuple[bytes, bytes | None]], batch: int) -> None:
    reference: dict[bytes, bytes] = {}
    m: SHAMap[bytes] = SHAMap(PLAIN)
    pending: list[tuple[bytes, bytes | None]] = []
    for key, item in operations:
        if item is None and key not in reference and not any(k == key for k, _ in pending):
            continue
        if item is None:
            reference.pop(key, None)
        else:
            reference[key] = item
        pending.append((key, item))
        if len(pending) >= batch:
            m = _apply_sequentially(m, pending)
            pending = []
    m = _apply_sequentially(m, pending)
    fresh: SHAMap[bytes] = SHAMap(PLAIN).apply(sorted(reference.items(), reverse=True))
    assert m.root_hash() == fresh.root_hash()
    assert len(m) == len(reference)
    assert list(m.items()) == sorted(reference.items())
    for key, item in reference.items():
        assert m.get(key) == item


def _apply_sequentially(m: SHAMap[bytes], changes: list[tuple[bytes, bytes | None]]) -> SHAMap[bytes]:
    # Within one batch a key may be set then deleted: apply in order, one call per batch.
    present = {k for k, _ in m.items()}
    batch: list[tuple[bytes, bytes | None]] = []
    for key, item in changes:
        if item is None and key not in present:
            continue
        batch.append((key, item))
        if item is None:
            present.discard(key)
        else:
            present.add(key)
    return m.apply(batch)


@given(st.lists(keys, max_size=40, unique=True), keys)
def test_succ_returns_the_next_key_in_order(all_keys: list[bytes], probe: bytes) -> None:
    m: SHAMap[bytes] = SHAMap(PLAIN).apply((k, b"v") for k in all_keys)
    later = sorted(k for k in all_keys if k > probe)
    assert m.succ(probe) == (later[0] if later else None)
    if len(later) >= 2:
        assert m.succ(probe, last=later[1]) == later[0]
        assert m.succ(probe, last=later[0]) is None
