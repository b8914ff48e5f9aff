"""ConsensusParms checks and the avalanche state machine (ConsensusParms.h getNeededWeight)."""

from __future__ import annotations

import pytest

from xpay.consensus.parms import (
    AVALANCHE_CUTOFFS,
    AvalancheCutoff,
    AvalancheState,
    ConsensusParms,
    get_needed_weight,
)

PARMS = ConsensusParms()


def test_default_cutoffs_are_rippled_thresholds() -> None:
    assert [c.consensus_pct for c in AVALANCHE_CUTOFFS] == [50, 65, 70, 95]
    assert [c.consensus_time for c in AVALANCHE_CUTOFFS] == [0, 50, 85, 200]


def test_needed_weight_stays_until_minimum_rounds_spent() -> None:
    # Plenty of time has passed, but only one pass in INIT: no move yet.
    assert get_needed_weight(PARMS, AvalancheState.INIT, 100, 1, 2) == (50, None)
    assert get_needed_weight(PARMS, AvalancheState.INIT, 100, 2, 2) == (65, AvalancheState.MID)


def test_needed_weight_moves_one_state_at_a_time_with_time() -> None:
    assert get_needed_weight(PARMS, AvalancheState.INIT, 49, 5, 2) == (50, None)
    assert get_needed_weight(PARMS, AvalancheState.MID, 84, 5, 2) == (65, None)
    assert get_needed_weight(PARMS, AvalancheState.MID, 300, 5, 2) == (70, AvalancheState.LATE)
    assert get_needed_weight(PARMS, AvalancheState.LATE, 200, 5, 2) == (95, AvalancheState.STUCK)
    assert get_needed_weight(PARMS, AvalancheState.STUCK, 10_000, 50, 2) == (95, None)


@pytest.mark.parametrize(
    "changes",
    [
        {"avalanche_cutoffs": AVALANCHE_CUTOFFS[:3]},
        {"min_consensus_pct": 0},
        {"av_ct_consensus_pct": 101},
        {"close_time_resolutions": (20, 10)},
        {"ledger_min_consensus_ms": 5000, "ledger_max_consensus_ms": 1000},
        {"propose_interval_ms": 3000, "propose_freshness_ms": 3000},
        {
            "avalanche_cutoffs": (
                AvalancheCutoff(0, 50, AvalancheState.MID),
                AvalancheCutoff(90, 65, AvalancheState.LATE),
                AvalancheCutoff(50, 70, AvalancheState.STUCK),
                AvalancheCutoff(200, 95, AvalancheState.STUCK),
            )
        },
    ],
)
def test_inconsistent_parameters_are_rejected(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ConsensusParms(**changes)  # type: ignore[arg-type]
