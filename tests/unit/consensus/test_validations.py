"""Trusted validations: quorum, full validation, conflicting validations, staleness, the
preferred ledger (rippled's Validations_test, restated)."""

from __future__ import annotations

import pytest

from tests.unit.consensus.history import History, PathLedger, ledger_id
from xpay.consensus.parms import ConsensusParms
from xpay.consensus.validations import Validation, Validations, ValStatus, quorum_for

PARMS = ConsensusParms()
UNL = ("v0", "v1", "v2", "v3", "v4")
NOW = 1_000_000


def validations(h: History, unl: tuple[str, ...] = UNL) -> Validations[PathLedger, str]:
    return Validations(PARMS, unl, h.acquire)


def val(node: str, path: str, sign_time: int = NOW, *, full: bool = True) -> Validation[str]:
    return Validation(ledger_id(path), len(path), sign_time, node, full)


@pytest.mark.parametrize(("unl", "quorum"), [(1, 1), (3, 3), (4, 4), (5, 4), (6, 5), (10, 8), (20, 16), (21, 17)])
def test_quorum_is_eighty_percent_of_the_unl_rounded_up(unl: int, quorum: int) -> None:
    assert quorum_for(unl, 80) == quorum


def test_ledger_is_fully_validated_at_quorum_not_before() -> None:
    h = History()
    h["ab"]
    vals = validations(h)
    for node in UNL[:3]:
        assert vals.add(NOW, val(node, "ab")) is ValStatus.CURRENT
    assert vals.num_trusted_for_ledger(ledger_id("ab")) == 3
    assert not vals.is_fully_validated(ledger_id("ab"))
    assert vals.latest_fully_validated() is None
    assert vals.add(NOW, val("v3", "ab")) is ValStatus.CURRENT
    assert vals.is_fully_validated(ledger_id("ab"))
    assert vals.latest_fully_validated() == (2, ledger_id("ab"))
    assert vals.fully_validated(2) == ledger_id("ab")


def test_validations_from_keys_outside_the_unl_are_ignored() -> None:
    h = History()
    vals = validations(h)
    for node in ("x1", "x2", "x3", "x4", "x5"):
        assert vals.add(NOW, val(node, "ab")) is ValStatus.UNTRUSTED
    assert vals.num_trusted_for_ledger(ledger_id("ab")) == 0
    assert vals.current(NOW) == {}


def test_partial_validations_steer_but_never_count() -> None:
    h = History()
    h["ab"]
    vals = validations(h)
    for node in UNL:
        assert vals.add(NOW, val(node, "ab", full=False)) is ValStatus.CURRENT
    assert vals.num_trusted_for_ledger(ledger_id("ab")) == 0
    assert vals.latest_fully_validated() is None
    assert vals.trie.tip_support(ledger_id("ab")) == 5


def test_conflicting_validations_are_detected_and_neither_counts() -> None:
    h = History()
    h["ab"], h["ac"]
    vals = validations(h)
    assert vals.add(NOW, val("v0", "ab")) is ValStatus.CURRENT
    assert vals.add(NOW, val("v1", "ab")) is ValStatus.CURRENT
    assert vals.add(NOW + 1, val("v0", "ac", NOW + 1)) is ValStatus.CONFLICTING
    assert [(c.node_id, c.seq) for c in vals.conflicts] == [("v0", 2)]
    assert vals.conflicts[0].first == ledger_id("ab") and vals.conflicts[0].second == ledger_id("ac")
    # The first one no longer counts, and no further one for that sequence is taken.
    assert vals.validators_for_ledger(ledger_id("ab")) == ["v1"]
    assert vals.add(NOW + 2, val("v0", "ab", NOW + 2)) is ValStatus.CONFLICTING
    assert "v0" not in vals.current(NOW + 2)
    # With the two-faced validator excluded, quorum 4 needs all four honest ones.
    assert vals.add(NOW, val("v2", "ab")) is ValStatus.CURRENT
    assert vals.add(NOW, val("v3", "ab")) is ValStatus.CURRENT
    assert not vals.is_fully_validated(ledger_id("ab"))
    assert vals.add(NOW, val("v4", "ab")) is ValStatus.CURRENT
    assert vals.is_fully_validated(ledger_id("ab"))
    # Its validations for later sequences are judged afresh.
    h["abc"]
    assert vals.add(NOW + 3, val("v0", "abc", NOW + 3)) is ValStatus.CURRENT


def test_repeat_and_out_of_order_validations_are_refused() -> None:
    h = History()
    h["abc"], h["ab"]
    vals = validations(h)
    assert vals.add(NOW, val("v0", "abc")) is ValStatus.CURRENT
    assert vals.add(NOW, val("v0", "abc")) is ValStatus.MULTIPLE
    assert vals.add(NOW, val("v0", "ab")) is ValStatus.BAD_SEQ
    assert vals.num_trusted_for_ledger(ledger_id("ab")) == 0
    # A refused validation still exposes a different one for its sequence.
    assert vals.add(NOW, val("v0", "ax")) is ValStatus.CONFLICTING


def test_validations_signed_too_long_ago_or_too_far_ahead_are_stale() -> None:
    h = History()
    vals = validations(h)
    assert vals.add(NOW, val("v0", "ab", NOW - PARMS.validation_current_wall_ms)) is ValStatus.STALE
    assert vals.add(NOW, val("v1", "ab", NOW + PARMS.validation_current_early_ms)) is ValStatus.STALE
    assert vals.add(NOW, val("v2", "ab", NOW - PARMS.validation_current_wall_ms + 1)) is ValStatus.CURRENT


def test_current_validations_go_stale_and_sets_expire() -> None:
    h = History()
    h["ab"]
    vals = validations(h)
    vals.add(NOW, val("v0", "ab"))
    later = NOW + PARMS.validation_current_local_ms
    assert vals.current(later - 1) != {}
    assert vals.current(later) == {}
    assert vals.trie.empty
    vals.expire(NOW + PARMS.validation_set_expires_ms + 1)
    assert vals.num_trusted_for_ledger(ledger_id("ab")) == 0
    # After expiry the sequence enforcer no longer blocks a (re)validation at that sequence.
    assert vals.add(NOW + PARMS.validation_set_expires_ms + 2, val("v0", "ab", NOW + PARMS.validation_set_expires_ms + 2)) is (
        ValStatus.CURRENT
    )


def test_laggards_and_offline_validators() -> None:
    h = History()
    h["ab"], h["abc"]
    vals = validations(h)
    vals.add(NOW, val("v0", "abc"))
    vals.add(NOW, val("v1", "abc"))
    vals.add(NOW, val("v2", "ab"))
    assert vals.laggards(NOW, 3) == (1, 2)  # v2 behind; v3 and v4 never heard from
    assert vals.laggards(NOW + PARMS.validation_freshness_ms, 3) == (0, 5)


def test_nodes_after_counts_validators_past_a_ledger_on_its_chain() -> None:
    h = History()
    for path in ("ab", "abc", "abcd", "abx"):
        h[path]
    vals = validations(h)
    vals.add(NOW, val("v0", "abc"))
    vals.add(NOW, val("v1", "abcd"))
    vals.add(NOW, val("v2", "abx"))
    vals.add(NOW, val("v3", "ab"))
    assert vals.nodes_after(NOW, h["ab"]) == 3
    assert vals.nodes_after(NOW, h["abc"]) == 1


def test_can_validate_each_sequence_once_in_increasing_order() -> None:
    vals = validations(History())
    assert vals.can_validate_seq(5)
    assert not vals.can_validate_seq(5)
    assert not vals.can_validate_seq(4)
    vals.restore_largest_issued(9)
    assert not vals.can_validate_seq(8)
    assert vals.can_validate_seq(10)


class TestPreferredLedger:
    def test_without_validations_there_is_no_preference(self) -> None:
        h = History()
        assert validations(h).get_preferred(NOW, h["ab"]) is None
        assert validations(h).get_preferred_id(NOW, h["ab"], 0) == ledger_id("ab")

    def test_a_ledger_ahead_on_our_chain_is_preferred(self) -> None:
        h = History()
        h["abcd"]
        vals = validations(h)
        for node in UNL[:3]:
            vals.add(NOW, val(node, "abcd"))
        assert vals.get_preferred(NOW, h["ab"]) == (4, ledger_id("abcd"))

    def test_our_child_being_preferred_keeps_us_on_our_ledger(self) -> None:
        h = History()
        h["abc"]
        vals = validations(h)
        for node in UNL[:4]:
            vals.add(NOW, val(node, "abc"))
        assert vals.get_preferred(NOW, h["ab"]) == (2, ledger_id("ab"))

    def test_a_majority_branch_at_our_sequence_makes_us_switch(self) -> None:
        h = History()
        h["abc"], h["abd"]
        vals = validations(h)
        for node in UNL[:3]:
            vals.add(NOW, val(node, "abc"))
        for node in UNL[3:]:
            vals.add(NOW, val(node, "abd"))
        assert vals.get_preferred(NOW, h["abd"]) == (3, ledger_id("abc"))
        # The majority's own members stay.
        assert vals.get_preferred(NOW, h["abc"]) == (3, ledger_id("abc"))

    def test_never_back_behind_the_fully_validated_ledger(self) -> None:
        h = History()
        h["abc"]
        vals = validations(h)
        for node in UNL[:3]:
            vals.add(NOW, val(node, "abc"))
        # Preferred is "abc" at seq 3 on another branch; with seq 4 validated we stay.
        assert vals.get_preferred_id(NOW, h["abdd"], 4) == ledger_id("abdd")
        assert vals.get_preferred_id(NOW, h["abdd"], 3) == ledger_id("abc")

    def test_validations_for_ledgers_not_yet_held_count_once_acquired(self) -> None:
        h = History()
        vals = validations(h)
        for node in UNL[:3]:
            vals.add(NOW, val(node, "abc"))
        # Nothing held: fall back to the ledger validators are waiting for, once a quorum is.
        assert vals.get_preferred(NOW, h["ab"]) is None
        vals.add(NOW, val("v3", "abc"))
        assert vals.get_preferred(NOW, h["ab"]) == (3, ledger_id("abc"))
        assert vals.trie.empty
        h["abc"]
        assert vals.get_preferred(NOW, h["a"]) == (3, ledger_id("abc"))
        assert vals.trie.tip_support(ledger_id("abc")) == 4

    def test_a_lone_validation_of_an_unknown_ledger_steers_nothing(self) -> None:
        h = History()
        vals = validations(h)
        vals.add(NOW, val("v4", "zzzzzzzz"))  # a ledger nobody can supply
        assert vals.get_preferred(NOW, h["ab"]) is None
        assert vals.get_preferred_id(NOW, h["ab"], 0) == ledger_id("ab")

    def test_stale_current_validations_stop_steering(self) -> None:
        h = History()
        h["abc"]
        vals = validations(h)
        for node in UNL[:3]:
            vals.add(NOW, val(node, "abc"))
        late = NOW + PARMS.validation_current_local_ms
        assert vals.get_preferred(late, h["abd"]) is None


def test_support_for_an_unfetchable_ledger_is_pending_then_the_old_support_lapses() -> None:
    h = History()
    h["ab"]
    vals = validations(h)
    vals.add(NOW, val("v0", "ab"))
    vals.add(NOW + 10, val("v0", "abz", NOW + 10))  # a ledger nobody can supply
    assert vals.pending_support(NOW + 10, 3) == 1
    assert vals.pending_support(NOW + 10, 2) == 0
    # rippled keeps the previous ledger's support while the new one is fetched...
    assert vals.trie.tip_support(ledger_id("ab")) == 1
    vals.get_preferred(NOW + 10 + PARMS.validation_freshness_ms, h["a"])
    assert vals.trie.tip_support(ledger_id("ab")) == 1
    # ...but not forever: an invented ledger must not pin a stale vote in the tree.
    vals.get_preferred(NOW + 11 + PARMS.validation_freshness_ms, h["a"])
    assert vals.trie.tip_support(ledger_id("ab")) == 0
    # Once the ledger turns up after all, the validator's support moves to it.
    h["abz"]
    assert vals.get_preferred(NOW + 12 + PARMS.validation_freshness_ms, h["a"]) == (3, ledger_id("abz"))


def test_votes_giving_a_ledger_another_sequence_do_not_count_towards_its_quorum() -> None:
    h = History()
    vals = validations(h)
    lie = Validation(ledger_id("ab"), 7, NOW, "v0")  # a real ledger at a made-up sequence
    assert vals.add(NOW, lie) is ValStatus.CURRENT
    for node in UNL[1:4]:
        vals.add(NOW, val(node, "ab"))
    assert vals.fully_validated(7) is None
    assert vals.latest_fully_validated() is None  # 3 honest votes: below quorum
    assert vals.num_trusted_for_ledger(ledger_id("ab")) == 3
    vals.add(NOW, val("v4", "ab"))
    assert vals.latest_fully_validated() == (2, ledger_id("ab"))
