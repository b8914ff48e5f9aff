"""When to close the open ledger and whether consensus is reached (rippled's Consensus_test
testShouldCloseLedger / testCheckConsensus, restated for xpay's timing)."""

from __future__ import annotations

import pytest

from xpay.consensus.consensus_types import ConsensusState
from xpay.consensus.decisions import (
    check_consensus,
    check_consensus_reached,
    participants_needed,
    should_close_ledger,
)
from xpay.consensus.parms import ConsensusParms

PARMS = ConsensusParms()


def close(**overrides: object) -> bool:
    args: dict[str, object] = {
        "any_transactions": True,
        "queue_full": False,
        "prev_proposers": 4,
        "proposers_closed": 0,
        "prev_round_time": 200,
        "open_time": 500,
        "parms": PARMS,
    }
    args.update(overrides)
    return should_close_ledger(**args)  # type: ignore[arg-type]


def test_ledger_closes_after_the_close_interval() -> None:
    assert close(open_time=999) is False
    assert close(open_time=1000) is True


def test_empty_ledger_closes_after_the_idle_interval() -> None:
    parms = ConsensusParms(idle_interval_ms=3000)
    assert close(any_transactions=False, open_time=2999, parms=parms) is False
    assert close(any_transactions=False, open_time=3000, parms=parms) is True


def test_full_queue_closes_early_but_not_before_minimum_open_time() -> None:
    assert close(queue_full=True, open_time=199) is False
    assert close(queue_full=True, open_time=200) is True


def test_ledger_closes_when_more_than_half_of_the_proposers_have() -> None:
    assert close(proposers_closed=2, open_time=10) is False
    assert close(proposers_closed=3, open_time=10) is True


def test_ledger_never_closes_twice_as_fast_as_the_previous_round_agreed() -> None:
    assert close(prev_round_time=2400, open_time=1100) is False
    assert close(prev_round_time=2400, open_time=1200) is True


def test_absurd_timings_close_immediately() -> None:
    assert close(prev_round_time=-5000, open_time=0) is True
    assert close(prev_round_time=700_000, open_time=0) is True


def test_consensus_reached_counts_us_and_needs_eighty_percent() -> None:
    def reached(agreeing: int, total: int, count_self: bool) -> bool:
        return check_consensus_reached(
            agreeing=agreeing, total=total, count_self=count_self, min_consensus_pct=80,
            reached_max=False, stalled=False,
        )

    assert reached(3, 4, True) is True  # 4 of 5
    assert reached(3, 4, False) is False  # 3 of 4 = 75 %
    assert reached(2, 4, True) is False  # 3 of 5


def test_alone_we_wait_for_the_maximum_consensus_time() -> None:
    base = {"agreeing": 0, "total": 0, "count_self": True, "min_consensus_pct": 80, "stalled": True}
    assert check_consensus_reached(reached_max=False, **base) is False  # type: ignore[arg-type]
    assert check_consensus_reached(reached_max=True, **base) is True  # type: ignore[arg-type]


def check(**overrides: object) -> ConsensusState:
    args: dict[str, object] = {
        "prev_proposers": 4,
        "current_proposers": 4,
        "current_agree": 3,
        "current_finished": 0,
        "previous_agree_time": 200,
        "current_agree_time": 200,
        "stalled": False,
        "parms": PARMS,
        "proposing": True,
    }
    args.update(overrides)
    return check_consensus(**args)  # type: ignore[arg-type]


def test_no_consensus_before_the_minimum_consensus_time() -> None:
    assert check(current_agree_time=150) is ConsensusState.NO
    assert check(current_agree_time=151) is ConsensusState.YES


def test_missing_proposers_get_extra_time() -> None:
    # 2 of the last round's 4 proposers: wait previous round time + minimum.
    assert check(current_proposers=2, current_agree=2, current_agree_time=300) is ConsensusState.NO
    assert check(current_proposers=2, current_agree=2, current_agree_time=350) is ConsensusState.YES


def test_minority_position_is_not_consensus() -> None:
    assert check(current_agree=2) is ConsensusState.NO


def test_stalled_disputes_end_the_round() -> None:
    assert check(current_agree=0, stalled=True) is ConsensusState.YES


def test_moved_on_when_eighty_percent_validated_past_us() -> None:
    assert check(current_agree=0, current_finished=3) is ConsensusState.NO
    assert check(current_agree=0, current_finished=4) is ConsensusState.MOVED_ON


def test_round_expires_after_ten_previous_rounds_clamped() -> None:
    # Previous round 200 ms: 10x is 2 s, clamped up to max consensus (2 s).
    assert check(current_agree=0, current_agree_time=2000) is ConsensusState.NO
    assert check(current_agree=0, current_agree_time=2001) is ConsensusState.EXPIRED
    # Previous round 5 s: 50 s, clamped down to the abandon time (20 s).
    assert check(current_agree=0, previous_agree_time=5000, current_agree_time=20_000) is (
        ConsensusState.NO
    )
    assert check(current_agree=0, previous_agree_time=5000, current_agree_time=20_001) is (
        ConsensusState.EXPIRED
    )


@pytest.mark.parametrize(
    ("participants", "percent", "needed"),
    [(5, 50, 2), (5, 75, 4), (5, 70, 3), (6, 50, 3), (6, 75, 4), (1, 10, 1), (0, 50, 1), (10, 80, 8)],
)
def test_participants_needed_follows_rippled_rounding(participants: int, percent: int, needed: int) -> None:
    assert participants_needed(participants, percent) == needed
