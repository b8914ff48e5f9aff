"""Ledger close-time binning, as rippled's ``LedgerTiming.h``.

Validators' clocks never agree exactly, so a ledger's close time is not the instant any one of
them closed it but a *bin*: the raw close time rounded to the ledger's close-time resolution.
The resolution adapts to how well the network agreed last time (``get_next_ledger_time_resolution``):
after a ledger whose close time the validators failed to agree on, the next ledger uses a coarser
bin (every ledger, ``decrease_every``); after agreement, every ``increase_every`` ledgers it tries
a finer one. A ledger on which they "agreed to disagree" gets the parent's close time plus one
second and carries ``close_agree = False``.

All times here are whole seconds of the XRPL's network clock (seconds since 2000-01-01); zero
means "no close time" and is never rounded.
"""

from __future__ import annotations

LEDGER_POSSIBLE_TIME_RESOLUTIONS: tuple[int, ...] = (10, 20, 30, 60, 90, 120)
"""rippled's ``ledgerPossibleTimeResolutions``, in seconds, finest first."""

LEDGER_DEFAULT_TIME_RESOLUTION = LEDGER_POSSIBLE_TIME_RESOLUTIONS[2]
"""Initial resolution of a ledger's close time (``ledgerDefaultTimeResolution``)."""

LEDGER_GENESIS_TIME_RESOLUTION = LEDGER_POSSIBLE_TIME_RESOLUTIONS[0]
"""Close-time resolution of the genesis ledger (``ledgerGenesisTimeResolution``)."""

INCREASE_LEDGER_TIME_RESOLUTION_EVERY = 8
"""After agreement, try a finer resolution on ledgers whose sequence is a multiple of this."""

DECREASE_LEDGER_TIME_RESOLUTION_EVERY = 1
"""After disagreement, use a coarser resolution on ledgers whose sequence is a multiple of this."""


def get_next_ledger_time_resolution(
    previous_resolution: int,
    previous_agree: bool,
    ledger_seq: int,
    *,
    resolutions: tuple[int, ...] = LEDGER_POSSIBLE_TIME_RESOLUTIONS,
    increase_every: int = INCREASE_LEDGER_TIME_RESOLUTION_EVERY,
    decrease_every: int = DECREASE_LEDGER_TIME_RESOLUTION_EVERY,
) -> int:
    """The close-time resolution of ledger ``ledger_seq`` (rippled's ``getNextLedgerTimeResolution``).

    ``previous_resolution`` and ``previous_agree`` describe the parent ledger. A resolution not
    in ``resolutions`` is kept as it is (rippled asserts; a node must not crash on a peer's
    odd ledger).
    """
    if ledger_seq <= 0:
        raise ValueError("ledger_seq must be positive")
    if previous_resolution not in resolutions:
        return previous_resolution
    index = resolutions.index(previous_resolution)
    if not previous_agree and ledger_seq % decrease_every == 0 and index + 1 < len(resolutions):
        # We disagreed last time: a coarser bin makes agreement likelier.
        return resolutions[index + 1]
    if previous_agree and ledger_seq % increase_every == 0 and index > 0:
        # We agreed: see whether we can still agree with a finer bin.
        return resolutions[index - 1]
    return previous_resolution


def round_close_time(close_time: int, resolution: int) -> int:
    """``close_time`` rounded to the nearest multiple of ``resolution``, halves rounding up
    (rippled's ``roundCloseTime``). Zero, "no close time", stays zero."""
    if close_time == 0:
        return 0
    close_time += resolution // 2
    return close_time - close_time % resolution


def eff_close_time(close_time: int, resolution: int, prior_close_time: int) -> int:
    """The effective close time: rounded, and at least one second after the parent's
    (rippled's ``effCloseTime``), so close times strictly increase along a chain."""
    if close_time == 0:
        return 0
    return max(round_close_time(close_time, resolution), prior_close_time + 1)


def accepted_close_time(
    consensus_close_time: int, resolution: int, prior_close_time: int
) -> tuple[int, bool]:
    """The new ledger's close time and its close-agree flag, from the close time the round
    settled on (rippled's ``RCLConsensus::Adaptor::doAccept``).

    A consensus close time of zero means the validators agreed to disagree: the ledger gets
    the parent's close time plus one second and ``close_agree = False``.
    """
    if consensus_close_time == 0:
        return prior_close_time + 1, False
    return eff_close_time(consensus_close_time, resolution, prior_close_time), True
