"""Close-time binning: roundCloseTime, effCloseTime, getNextLedgerTimeResolution (LedgerTiming.h),
and the close time an accepted round gives its ledger (RCLConsensus::Adaptor::doAccept)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xpay.consensus.ledger_timing import (
    LEDGER_POSSIBLE_TIME_RESOLUTIONS,
    accepted_close_time,
    eff_close_time,
    get_next_ledger_time_resolution,
    round_close_time,
)


@pytest.mark.parametrize(
    ("raw", "resolution", "rounded"),
    [
        (1000, 10, 1000),
        (1004, 10, 1000),
        (1005, 10, 1010),  # exactly half-way rounds up
        (1006, 10, 1010),
        (1014, 30, 1020),
        (1035, 30, 1050),  # 1035 is half-way between 1020 and 1050
        (1034, 30, 1020),
        (59, 120, 0),  # rounds down to the bin at zero
    ],
)
def test_round_close_time_rounds_to_nearest_bin_halves_up(raw: int, resolution: int, rounded: int) -> None:
    assert round_close_time(raw, resolution) == rounded


def test_round_close_time_keeps_zero_meaning_no_close_time() -> None:
    assert round_close_time(0, 30) == 0


@given(st.integers(min_value=1, max_value=2**40), st.sampled_from(LEDGER_POSSIBLE_TIME_RESOLUTIONS))
def test_round_close_time_is_a_nearby_multiple_and_idempotent(raw: int, resolution: int) -> None:
    rounded = round_close_time(raw, resolution)
    assert rounded % resolution == 0
    assert abs(rounded - raw) <= resolution // 2
    if rounded:
        assert round_close_time(rounded, resolution) == rounded


def test_eff_close_time_is_at_least_one_second_after_the_parent() -> None:
    # Rounding 1004 gives 1000, but the parent closed at 1000: the child gets 1001.
    assert eff_close_time(1004, 10, 1000) == 1001
    assert eff_close_time(1016, 10, 1000) == 1020
    assert eff_close_time(0, 10, 1000) == 0


def test_accepted_close_time_of_zero_means_agree_to_disagree() -> None:
    assert accepted_close_time(0, 30, 5000) == (5001, False)
    assert accepted_close_time(5016, 10, 5000) == (5020, True)
    assert accepted_close_time(5001, 10, 5000) == (5001, True)


def test_resolution_gets_coarser_after_every_disagreement() -> None:
    assert get_next_ledger_time_resolution(10, False, 5) == 20
    assert get_next_ledger_time_resolution(20, False, 6) == 30
    assert get_next_ledger_time_resolution(90, False, 7) == 120


def test_resolution_never_exceeds_the_coarsest_bin() -> None:
    assert get_next_ledger_time_resolution(120, False, 9) == 120


def test_resolution_gets_finer_after_agreement_only_every_eighth_ledger() -> None:
    assert get_next_ledger_time_resolution(30, True, 16) == 20
    for seq in (9, 10, 15, 17):
        assert get_next_ledger_time_resolution(30, True, seq) == 30
    assert get_next_ledger_time_resolution(10, True, 8) == 10  # already the finest


def test_unknown_resolution_is_kept_and_sequence_zero_is_rejected() -> None:
    assert get_next_ledger_time_resolution(45, False, 3) == 45
    with pytest.raises(ValueError):
        get_next_ledger_time_resolution(30, True, 0)


def test_resolution_rules_follow_configured_bins() -> None:
    bins = (2, 4, 8)
    assert get_next_ledger_time_resolution(2, False, 3, resolutions=bins) == 4
    assert get_next_ledger_time_resolution(4, True, 3, resolutions=bins, increase_every=3) == 2
