"""Ledger ancestry tree and the preferred-branch rule (rippled's LedgerTrie_test, restated)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.consensus.history import History, PathLedger, ledger_id
from xpay.consensus.ledger_trie import LedgerTrie


def trie_of(h: History, *paths: str) -> LedgerTrie[PathLedger]:
    trie: LedgerTrie[PathLedger] = LedgerTrie()
    for path in paths:
        trie.insert(h[path])
    assert trie.check_invariants()
    return trie


def preferred_path(trie: LedgerTrie[PathLedger], largest_issued: int = 0) -> str | None:
    pick = trie.get_preferred(largest_issued)
    if pick is None:
        return None
    for candidate in _all_paths("abcdefgh", pick.seq):
        if ledger_id(candidate) == pick.id:
            return candidate
    raise AssertionError("preferred ledger outside the test alphabet")


def _all_paths(alphabet: str, length: int) -> list[str]:
    paths = [""]
    for _ in range(length):
        paths = [p + c for p in paths for c in alphabet[:4]]
    return paths


def test_empty_tree_has_no_preferred_ledger() -> None:
    trie: LedgerTrie[PathLedger] = LedgerTrie()
    assert trie.empty
    assert trie.get_preferred(0) is None


def test_single_validation_is_preferred() -> None:
    h = History()
    trie = trie_of(h, "abc")
    assert preferred_path(trie) == "abc"
    assert trie.tip_support(ledger_id("abc")) == 1
    assert trie.branch_support(h.unheld("ab")) == 1


def test_branch_support_counts_descendants() -> None:
    h = History()
    trie = trie_of(h, "abc", "abd", "abd", "ab")
    assert trie.branch_support(h.unheld("ab")) == 4
    assert trie.tip_support(ledger_id("ab")) == 1
    assert trie.branch_support(h.unheld("abd")) == 2
    assert trie.branch_support(h.unheld("abx")) == 0


def test_majority_branch_is_preferred_when_everyone_committed() -> None:
    h = History()
    trie = trie_of(h, "abc", "abc", "abc", "abd", "abd")
    assert preferred_path(trie) == "abc"


def test_uncommitted_validators_block_a_switch() -> None:
    h = History()
    # Two validators still at "ab" could yet back either child of "ab".
    trie = trie_of(h, "abc", "abc", "abd", "ab", "ab")
    assert preferred_path(trie) == "ab"


def test_our_own_largest_validation_makes_slower_validators_uncommitted() -> None:
    h = History()
    trie = trie_of(h, "abc", "abc", "abc", "abde", "abde")
    assert preferred_path(trie, largest_issued=0) == "abc"
    # Having validated sequence 4 ourselves, the three at sequence 3 count as uncommitted.
    assert preferred_path(trie, largest_issued=4) == "ab"


def test_ties_go_to_the_larger_ledger_id() -> None:
    h = History()
    trie = trie_of(h, "abc", "abd")
    larger = "abc" if ledger_id("abc") > ledger_id("abd") else "abd"
    assert preferred_path(trie) == larger


def test_walk_follows_a_supported_chain_to_its_tip() -> None:
    h = History()
    trie = trie_of(h, "abcd", "abcd", "abc")
    assert preferred_path(trie) == "abcd"


def test_removing_support_prunes_and_moves_the_root() -> None:
    h = History()
    trie = trie_of(h, "abc", "abd")
    assert trie.remove(ledger_id("abd"))
    assert trie.check_invariants()
    assert trie.branch_support(h.unheld("abd")) == 0
    assert preferred_path(trie) == "abc"
    assert not trie.remove(ledger_id("abd"))  # no support left to remove
    assert trie.remove(ledger_id("abc"))
    assert trie.empty and trie.check_invariants()


def test_inserting_an_ancestor_or_an_older_fork_lowers_the_root() -> None:
    h = History()
    trie = trie_of(h, "abcd", "ab", "acc")
    assert trie.branch_support(h.unheld("a")) == 3
    assert trie.branch_support(h.unheld("ab")) == 2
    assert trie.check_invariants()


def test_forks_without_known_common_ancestor_meet_under_a_virtual_root() -> None:
    h = History(window=2)
    trie = trie_of(h, "aaaaa", "bbbbb", "ccc")
    assert trie.branch_support(h.unheld("aaaaa")) == 1
    # As under a genesis root: with our own validation at 4, "ccc" is uncommitted, and
    # neither five-ledger branch leads by more than that.
    assert trie.get_preferred(4) is None
    trie.insert(h["aaaaa"])
    trie.insert(h["aaaaa"])
    assert preferred_path(trie, largest_issued=4) == "aaaaa"


def test_an_ancestor_of_a_branch_under_the_virtual_root_joins_that_branch() -> None:
    h = History(window=1)
    trie = trie_of(h, "aaa", "bbb", "bb")
    assert trie.branch_support(h.unheld("bb")) == 2
    assert trie.branch_support(h.unheld("bbb")) == 1


def reference_preferred(tips: list[str], largest_issued: int) -> str | None:
    """rippled's rule walked naively from genesis over every ancestor of every tip."""
    curr = ""
    while True:
        children = sorted({t[: len(curr) + 1] for t in tips if len(t) > len(curr) and t.startswith(curr)})
        if not children:
            break
        uncommitted = sum(1 for t in tips if len(t) < max(len(curr) + 1, largest_issued))
        support = {c: sum(1 for t in tips if t.startswith(c)) for c in children}
        ranked = sorted(children, key=lambda c: (support[c], ledger_id(c)), reverse=True)
        margin = support[ranked[0]]
        if len(ranked) > 1:
            margin -= support[ranked[1]]
            if ledger_id(ranked[0]) > ledger_id(ranked[1]):
                margin += 1
        if margin > uncommitted or uncommitted == 0:
            curr = ranked[0]
        else:
            break
    return curr or None


def test_everyone_behind_our_own_validation_prefers_nothing() -> None:
    h = History()
    trie = trie_of(h, "ab", "ab")
    assert preferred_path(trie, largest_issued=2) == "ab"
    assert trie.get_preferred(5) is None
    assert reference_preferred(["ab", "ab"], 5) is None


paths = st.text(alphabet="ab", min_size=1, max_size=6)


@settings(max_examples=300)
@given(
    st.lists(st.text(alphabet="abc", min_size=1, max_size=5), min_size=1, max_size=12),
    st.integers(min_value=0, max_value=7),
)
def test_preferred_matches_a_naive_walk_from_genesis(tips: list[str], largest_issued: int) -> None:
    h = History()
    trie = trie_of(h, *tips)
    pick = trie.get_preferred(largest_issued)
    expected = reference_preferred(tips, largest_issued)
    if expected is None:
        assert pick is None
    else:
        assert pick is not None and pick.id == ledger_id(expected) and pick.seq == len(expected)


@settings(max_examples=200)
@given(st.lists(st.tuples(st.booleans(), paths), min_size=1, max_size=40))
def test_support_matches_a_brute_force_count(ops: list[tuple[bool, str]]) -> None:
    h = History()
    trie: LedgerTrie[PathLedger] = LedgerTrie()
    tips: list[str] = []
    for insert, path in ops:
        if insert or path not in tips:
            trie.insert(h[path])
            tips.append(path)
        else:
            assert trie.remove(ledger_id(path))
            tips.remove(path)
        assert trie.check_invariants()
        for prefix in {t[:i] for t in tips for i in range(1, len(t) + 1)}:
            expected = sum(1 for t in tips if t.startswith(prefix))
            assert trie.branch_support(h.unheld(prefix)) == expected
            assert trie.tip_support(ledger_id(prefix)) in (0, tips.count(prefix))
        for largest_issued in (0, 3):
            pick = trie.get_preferred(largest_issued)
            expected = reference_preferred(tips, largest_issued)
            assert (pick.id if pick is not None else None) == (
                ledger_id(expected) if expected is not None else None
            )
