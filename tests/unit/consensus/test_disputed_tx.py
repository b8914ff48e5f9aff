"""Disputed transactions: votes, thresholds rising 50 -> 65 -> 70 -> 95 %, and stalling
(DisputedTx.h; rippled's Consensus_test testDisputes-style cases restated)."""

from __future__ import annotations

import pytest

from xpay.consensus.disputed_tx import DisputedTx
from xpay.consensus.parms import AvalancheState, ConsensusParms
from xpay.protocol.ids import Hash256

PARMS = ConsensusParms()
TX = Hash256(b"\x01" * 32)


def dispute_with(our_vote: bool, yes: int, no: int) -> DisputedTx[int]:
    dispute: DisputedTx[int] = DisputedTx(TX, our_vote)
    for peer in range(yes):
        dispute.set_vote(peer, True)
    for peer in range(yes, yes + no):
        dispute.set_vote(peer, False)
    return dispute


def advance_to(dispute: DisputedTx[int], percent_time: int, passes: int = 10) -> None:
    for _ in range(passes):
        dispute.update_vote(percent_time, True, PARMS)


def test_set_vote_reports_new_and_changed_votes_only() -> None:
    dispute: DisputedTx[int] = DisputedTx(TX, True)
    assert dispute.set_vote(7, True) is True
    assert dispute.set_vote(7, True) is False
    assert dispute.set_vote(7, False) is True
    assert (dispute.yays, dispute.nays) == (0, 1)
    dispute.un_vote(7)
    dispute.un_vote(8)  # never voted: nothing happens
    assert (dispute.yays, dispute.nays) == (0, 0)
    assert dispute.votes() == {}


@pytest.mark.parametrize(
    ("yes", "no", "percent_time", "kept"),
    [
        # 12 of 19 peers plus us say yes: 65 %.
        (12, 7, 10, True),  # INIT needs more than 50 %
        (12, 7, 60, False),  # MID needs more than 65 %: exactly 65 is not enough
        # 13 of 19 plus us: 70 %.
        (13, 6, 60, True),  # MID: 70 > 65
        (13, 6, 90, False),  # LATE needs more than 70 %
        # 18 of 19 plus us: 95 %.
        (18, 1, 90, True),  # LATE: 95 > 70
        (18, 1, 250, False),  # STUCK needs more than 95 %
    ],
)
def test_proposer_keeps_a_transaction_only_above_the_rising_threshold(
    yes: int, no: int, percent_time: int, kept: bool
) -> None:
    dispute = dispute_with(True, yes, no)
    advance_to(dispute, percent_time)
    assert dispute.our_vote is kept


def test_thresholds_rise_only_after_minimum_passes_in_each_state() -> None:
    dispute = dispute_with(True, 12, 7)  # 65 %
    # Late in the round already, but the first pass only reaches MID after av_min_rounds.
    assert dispute.update_vote(300, True, PARMS) is False
    assert dispute.avalanche_state is AvalancheState.INIT
    assert dispute.update_vote(300, True, PARMS) is True  # now MID: 65 is not above 65
    assert dispute.avalanche_state is AvalancheState.MID
    assert dispute.our_vote is False


def test_proposer_adopts_a_transaction_most_peers_include() -> None:
    dispute = dispute_with(False, 3, 1)
    assert dispute.update_vote(0, True, PARMS) is True
    assert dispute.our_vote is True


def test_observer_follows_the_majority_without_weighting_itself() -> None:
    dispute = dispute_with(True, 2, 3)
    assert dispute.update_vote(0, False, PARMS) is True
    assert dispute.our_vote is False
    tie = dispute_with(True, 2, 2)
    assert tie.update_vote(0, False, PARMS) is True  # a tie is not a majority for yes
    assert tie.our_vote is False


def test_unanimous_agreement_with_us_changes_nothing() -> None:
    dispute = dispute_with(True, 4, 0)
    assert dispute.update_vote(500, True, PARMS) is False
    assert dispute.avalanche_state is AvalancheState.INIT


def test_overwhelming_vote_stalls_in_the_stuck_state_only() -> None:
    dispute = dispute_with(False, 1, 9)  # 1 of 11 want it: 9 %
    for _ in range(5):
        dispute.update_vote(100, True, PARMS)  # MID/LATE, not yet stuck
    assert dispute.avalanche_state is not AvalancheState.STUCK
    assert dispute.stalled(PARMS, True, peers_unchanged=10) is False
    advance_to(dispute, 300, passes=10)
    assert dispute.avalanche_state is AvalancheState.STUCK
    assert dispute.stalled(PARMS, True, peers_unchanged=10) is True


def test_a_split_vote_never_stalls() -> None:
    dispute = dispute_with(False, 5, 5)
    advance_to(dispute, 300, passes=20)
    assert dispute.avalanche_state is AvalancheState.STUCK
    assert dispute.stalled(PARMS, True, peers_unchanged=100) is False


def test_a_recent_change_of_our_vote_prevents_stalling() -> None:
    dispute = dispute_with(True, 17, 1)  # 94 %: kept until the 95 % STUCK threshold
    advance_to(dispute, 300, passes=6)
    assert dispute.avalanche_state is AvalancheState.STUCK
    assert dispute.our_vote is False  # flipped on entering STUCK
    advance_to(dispute, 300, passes=2)
    # Peers quiet, but we changed our vote only two passes ago.
    assert dispute.stalled(PARMS, True, peers_unchanged=0) is False
    advance_to(dispute, 300, passes=2)
    assert dispute.stalled(PARMS, True, peers_unchanged=0) is True
