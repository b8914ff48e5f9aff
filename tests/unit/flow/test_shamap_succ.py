"""SHAMap.succ() over keys like book directories: a long shared prefix puts the leaves under a
chain of inner nodes far deeper than random keys do, and the engine asks for a book's best
directory (succ from the book's base) at every step. Checked against a sorted list."""

from __future__ import annotations

from hashlib import sha512

from hypothesis import given
from hypothesis import strategies as st

from xpay.ledger.shamap import LeafKind, SHAMap

PLAIN: LeafKind[bytes] = LeafKind("test", lambda key, item: sha512(key + item).digest()[:32])

PREFIX = bytes.fromhex("7E2F1C3D5A6B8C9DAEBFC0D1E2F30415263748596A7B8C9D")  # 24 bytes, a book base
BASE = PREFIX + bytes(8)
END = PREFIX[:-1] + bytes([PREFIX[-1] + 1]) + bytes(8)

# Qualities (the last 8 bytes) bunched together so that keys also share much of their tail.
tails = st.integers(0, 2**64 - 1) | st.integers(0x5500000000000000, 0x5500000000000FFF)
book_keys = st.builds(lambda t: PREFIX + t.to_bytes(8, "big"), tails)
other_keys = st.binary(min_size=32, max_size=32)


@given(
    st.lists(book_keys, max_size=50, unique=True),
    st.lists(other_keys, max_size=20, unique=True),
    st.lists(book_keys | other_keys | st.just(BASE), max_size=10),
)
def test_succ_walks_a_deep_book_chain_like_a_sorted_list(
    book: list[bytes], others: list[bytes], probes: list[bytes]
) -> None:
    everything = sorted(set(book) | set(others))
    m: SHAMap[bytes] = SHAMap(PLAIN).apply((k, b"v") for k in everything)
    for probe in [BASE, *probes, *book]:
        later = [k for k in everything if k > probe]
        assert m.succ(probe) == (later[0] if later else None)
        in_book = [k for k in later if k < END]
        assert m.succ(probe, last=END) == (in_book[0] if in_book else None)


def test_succ_from_a_book_base_finds_the_best_directory_past_a_full_chain() -> None:
    # 2000 directories differing only in their last bytes: every step of a walk is exact.
    dirs = [PREFIX + (0x5500000000000000 + 7 * i).to_bytes(8, "big") for i in range(2000)]
    m: SHAMap[bytes] = SHAMap(PLAIN).apply((k, b"v") for k in dirs)
    walked = []
    key: bytes | None = BASE
    while (key := m.succ(key, last=END)) is not None:
        walked.append(key)
    assert walked == dirs
    assert m.succ(dirs[-1]) is None
