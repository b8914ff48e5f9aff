"""SHAMap lookups that jump chains of single-child inner nodes, against a dict and a sorted list.

Keys that share long prefixes (book directories share 24 bytes) sit under chains of inner nodes
that each have one child; get() and succ() cross such a chain in one step, comparing the key's
nibbles with the chain's. Chains of every length ending at odd and even depths, maps changed in
batches (which must drop the jumps cached on the nodes they change, and must not disturb the
jumps of the maps they were derived from), and probes that leave a chain at any nibble, above or
below it, are all checked against the obvious answers.
"""

from __future__ import annotations

from hashlib import sha512

from hypothesis import given
from hypothesis import strategies as st

from xpay.ledger.shamap import LeafKind, SHAMap

PLAIN: LeafKind[bytes] = LeafKind("test", lambda key, item: sha512(key + item).digest()[:32])
ROOTS = [sha512(bytes([i])).digest()[:32] for i in range(3)]


def _with_nibbles(base: bytes, keep: int, tail: bytes) -> bytes:
    """`base`'s first `keep` nibbles, then nibbles from `tail`."""
    nibbles = [n for b in base for n in (b >> 4, b & 15)]
    fill = [n for b in tail for n in (b >> 4, b & 15)]
    mixed = nibbles[:keep] + fill[keep:]
    return bytes((mixed[i] << 4) | mixed[i + 1] for i in range(0, 64, 2))


keys = st.builds(_with_nibbles, st.sampled_from(ROOTS), st.integers(0, 63), st.binary(min_size=32, max_size=32))
batches = st.lists(
    st.lists(st.tuples(st.booleans(), keys), max_size=12),
    min_size=1,
    max_size=5,
)


def _check(m: SHAMap[bytes], model: dict[bytes, bytes], probes: list[bytes]) -> None:
    ordered = sorted(model)
    assert len(m) == len(model)
    assert [k for k, _ in m.items()] == ordered
    for probe in probes:
        assert m.get(probe) == model.get(probe)
        later = [k for k in ordered if k > probe]
        assert m.succ(probe) == (later[0] if later else None)
        for last in (later[1] if len(later) > 1 else None, probe[:20] + b"\xff" * 12):
            if last is None:
                continue
            bounded = [k for k in later if k < last]
            assert m.succ(probe, last) == (bounded[0] if bounded else None)


@given(batches, st.lists(st.tuples(st.integers(0, 63), st.binary(min_size=32, max_size=32)), max_size=8))
def test_chain_jumps_answer_as_a_sorted_dict(
    batches: list[list[tuple[bool, bytes]]], probe_specs: list[tuple[int, bytes]]
) -> None:
    m: SHAMap[bytes] = SHAMap(PLAIN)
    model: dict[bytes, bytes] = {}
    history: list[tuple[SHAMap[bytes], dict[bytes, bytes]]] = []
    for n, batch in enumerate(batches):
        changes: dict[bytes, bytes | None] = {}
        for insert, key in batch:
            present = key in model or changes.get(key) is not None
            if insert:
                changes[key] = bytes([n])
            elif present and key in model and changes.get(key, b"") is not None:
                changes[key] = None
        m = m.apply(changes.items())
        for key, item in changes.items():
            if item is None:
                model.pop(key)
            else:
                model[key] = item
        # Probes: every key, keys leaving each one's chain at a random nibble, neighbours.
        probes = list(model)
        for keep, tail in probe_specs:
            for key in list(model)[:4] or ROOTS:
                probes.append(_with_nibbles(key, keep, tail))
        for key in list(model)[:4]:
            value = int.from_bytes(key, "big")
            probes += [(value + 1).to_bytes(32, "big") if value + 1 < 2**256 else key, (value - 1).to_bytes(32, "big") if value else key]
        _check(m, model, probes)
        history.append((m, dict(model)))
    # Earlier maps are untouched by later batches (and by the jumps cached while reading them).
    for old, old_model in history:
        _check(old, old_model, list(old_model)[:10] + ROOTS)


def test_a_book_like_chain_is_jumped_and_broken_by_a_sibling() -> None:
    prefix = bytes(range(24))
    dirs = [prefix + (0x5500000000000000 + 3 * i).to_bytes(8, "big") for i in range(50)]
    m: SHAMap[bytes] = SHAMap(PLAIN).apply((k, b"d") for k in dirs)
    assert all(m.get(k) == b"d" for k in dirs)
    assert m.get(prefix + bytes(8)) is None
    assert m.succ(prefix + bytes(8)) == dirs[0]
    # A key that leaves the chain halfway down, below it and above it.
    below = prefix[:11] + b"\x00" + prefix[12:] + bytes(8)
    above = prefix[:11] + b"\xff" + prefix[12:] + bytes(8)
    assert m.succ(below) == dirs[0] and m.succ(above) is None
    # A sibling in the middle of the chain: the old map keeps its chain, the new one has two.
    n = m.apply([(below, b"x")])
    assert n.get(below) == b"x" and m.get(below) is None
    assert n.succ(bytes(32)) == below and m.succ(bytes(32)) == dirs[0]
    assert [k for k, _ in n.items()] == sorted([*dirs, below])
    assert n.root_hash() == SHAMap(PLAIN).apply((k, b"d") for k in dirs).apply([(below, b"x")]).root_hash()


@given(st.lists(keys, max_size=60), st.lists(keys, max_size=10))
def test_build_in_one_pass_is_inserting_one_by_one(items: list[bytes], later: list[bytes]) -> None:
    """SHAMap.build groups the items by nibble: the same tree (same hash, same answers, same
    behaviour when changed afterwards) as applying them in order, repeated keys included."""
    pairs = [(k, bytes([i % 7])) for i, k in enumerate(items)]
    built = SHAMap.build(PLAIN, pairs)
    applied: SHAMap[bytes] = SHAMap(PLAIN).apply(pairs)
    assert built.root_hash() == applied.root_hash()
    assert list(built.items()) == list(applied.items()) and len(built) == len(applied)
    model = dict(pairs)
    _check(built, model, list(model)[:5] + ROOTS)
    changes = [(k, b"z") for k in later]
    assert built.apply(changes).root_hash() == applied.apply(changes).root_hash()
