"""Consensus parameters: rippled's ``ConsensusParms`` re-tuned for xpay's fast rounds.

rippled's defaults assume ledgers every three to four seconds on the open internet (a 2 s
minimum open time, a 1.95 s minimum establish phase, a 1 s timer). xpay's validators sit on one
LAN or one MQTT broker and close a ledger every second or so: proposals cross the network in a
few milliseconds, so the establish phase converges in one or two position exchanges, and the
timer fires every 50 ms. Every duration here is therefore shorter, but each keeps the role it
has in rippled, and every one can be changed by constructing ``ConsensusParms(...)`` with other
values (the simulation does, to provoke timeouts).

Units: durations are integer milliseconds (``*_ms``); percentages are integers (80 means 80 %).
Close-time resolutions are whole seconds, as the XRPL's ``closeTimeResolution``.

The avalanche cutoffs are rippled's: a disputed transaction needs 50 % of the votes to stay in
our position at first, 65 % once the round has run half as long as the previous one, 70 % at
85 %, and 95 % (we are stuck) once it has run twice as long. ``get_needed_weight`` walks those
states as rippled's ``getNeededWeight`` does, insisting on ``av_min_rounds`` timer passes in a
state before moving on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from xpay.consensus.ledger_timing import (
    DECREASE_LEDGER_TIME_RESOLUTION_EVERY,
    INCREASE_LEDGER_TIME_RESOLUTION_EVERY,
    LEDGER_POSSIBLE_TIME_RESOLUTIONS,
)


class AvalancheState(IntEnum):
    """rippled's ``ConsensusParms::AvalancheState``: how far a round has progressed."""

    INIT = 0
    MID = 1
    LATE = 2
    STUCK = 3


@dataclass(frozen=True, slots=True)
class AvalancheCutoff:
    """One avalanche state: when it starts, the vote it requires, and the state after it.

    ``consensus_time`` is a percentage of the expected round time (the previous round's
    duration, at least ``av_min_consensus_time_ms``); ``consensus_pct`` the share of yes votes
    a disputed transaction needs to stay in our position in this state.
    """

    consensus_time: int
    consensus_pct: int
    next: AvalancheState


AVALANCHE_CUTOFFS: tuple[AvalancheCutoff, ...] = (
    AvalancheCutoff(0, 50, AvalancheState.MID),  # INIT: a simple majority keeps a transaction
    AvalancheCutoff(50, 65, AvalancheState.LATE),  # MID: from half the expected round time
    AvalancheCutoff(85, 70, AvalancheState.STUCK),  # LATE: from 85 %
    AvalancheCutoff(200, 95, AvalancheState.STUCK),  # STUCK: twice as long; stays stuck
)
"""rippled's ``avalancheCutoffs``, indexed by ``AvalancheState``."""


@dataclass(frozen=True, slots=True)
class ConsensusParms:
    """Parameters of the consensus round and of validation bookkeeping (rippled's
    ``ConsensusParms`` and ``ValidationParms``)."""

    # --- Open phase -----------------------------------------------------------------------
    close_interval_ms: int = 1000
    """The open ledger closes once it has been open this long and holds transactions."""
    idle_interval_ms: int = 1000
    """...and once it has been open this long when it holds none (rippled's
    ``ledgerIDLE_INTERVAL``, 15 s there: xpay closes empty ledgers at the same pace)."""
    ledger_min_close_ms: int = 200
    """Minimum open time even when the adaptor reports a full queue (``ledgerMIN_CLOSE``)."""
    ledger_granularity_ms: int = 50
    """How often the node should call ``timer_entry`` (``ledgerGRANULARITY``)."""

    # --- Establish phase ------------------------------------------------------------------
    ledger_min_consensus_ms: int = 150
    """Time after closing before we change position or declare consensus, so every peer can
    take an initial position (``ledgerMIN_CONSENSUS``)."""
    ledger_max_consensus_ms: int = 2000
    """After this long alone, or waiting for laggards, we stop waiting (``ledgerMAX_CONSENSUS``)."""
    ledger_max_pause_ms: int = 4000
    """Longest a validator ahead of the fully validated ledger waits for laggards (rippled
    stops at ``ledgerMAX_CONSENSUS``). Longer than max consensus on purpose: a validator alone
    on its branch already waits max consensus every round, so with rippled's cap the ones
    ahead would move exactly as fast as the laggard they wait for, and validators split
    one per branch would never line up."""
    ledger_abandon_consensus_ms: int = 20000
    """Upper bound on a round before it is abandoned (``ledgerABANDON_CONSENSUS``)."""
    ledger_abandon_consensus_factor: int = 10
    """A round is abandoned after this many times the previous round's duration, clamped to
    [max consensus, abandon consensus] (``ledgerABANDON_CONSENSUS_FACTOR``)."""
    av_min_consensus_time_ms: int = 500
    """Smallest expected round time used to measure the round's progress
    (``avMIN_CONSENSUS_TIME``), so each avalanche state gets a few timer passes."""
    min_consensus_pct: int = 80
    """Share of proposers (counting us) that must hold our position (``minCONSENSUS_PCT``)."""
    av_ct_consensus_pct: int = 75
    """Share of proposers that must agree on a rounded close time (``avCT_CONSENSUS_PCT``)."""
    av_min_rounds: int = 2
    """Timer passes spent in an avalanche state before moving on (``avMIN_ROUNDS``)."""
    av_stalled_rounds: int = 4
    """Passes without a vote change before a dispute counts as stalled (``avSTALLED_ROUNDS``)."""
    avalanche_cutoffs: tuple[AvalancheCutoff, ...] = AVALANCHE_CUTOFFS

    # --- Proposals --------------------------------------------------------------------------
    propose_freshness_ms: int = 3000
    """A peer position older than this (by when we received it) is dropped (``proposeFRESHNESS``)."""
    propose_interval_ms: int = 1500
    """We re-send an unchanged position this often to keep it fresh (``proposeINTERVAL``)."""

    # --- Close time -------------------------------------------------------------------------
    close_time_resolutions: tuple[int, ...] = LEDGER_POSSIBLE_TIME_RESOLUTIONS
    """Allowed close-time resolutions in seconds, finest first (``ledgerPossibleTimeResolutions``)."""
    increase_resolution_every: int = INCREASE_LEDGER_TIME_RESOLUTION_EVERY
    decrease_resolution_every: int = DECREASE_LEDGER_TIME_RESOLUTION_EVERY

    # --- Validations (rippled's ValidationParms) ---------------------------------------------
    validation_quorum_pct: int = 80
    """A ledger is fully validated once this share of the UNL, rounded up, validated it."""
    validation_current_wall_ms: int = 60000
    """A validation signed longer ago than this is no longer current (``validationCURRENT_WALL``)."""
    validation_current_early_ms: int = 30000
    """...nor one signed this far in our future: clock error (``validationCURRENT_EARLY``)."""
    validation_current_local_ms: int = 30000
    """...nor one we first saw longer ago than this (``validationCURRENT_LOCAL``)."""
    validation_freshness_ms: int = 5000
    """A validator whose latest validation is older than this counts as offline when deciding
    whether to wait for laggards (``validationFRESHNESS``); well above max consensus time."""
    validation_set_expires_ms: int = 60000
    """Validations grouped by ledger are forgotten after this (``validationSET_EXPIRES``)."""

    def __post_init__(self) -> None:
        if len(self.avalanche_cutoffs) != len(AvalancheState):
            raise ValueError("avalanche_cutoffs needs one cutoff per AvalancheState")
        for state, cutoff in zip(AvalancheState, self.avalanche_cutoffs):
            following = self.avalanche_cutoffs[cutoff.next]
            if following.consensus_time < cutoff.consensus_time and cutoff.next != state:
                raise ValueError("avalanche cutoffs must not go back in time")
        if not 0 < self.min_consensus_pct <= 100 or not 0 < self.av_ct_consensus_pct <= 100:
            raise ValueError("consensus percentages must lie in (0, 100]")
        if list(self.close_time_resolutions) != sorted(set(self.close_time_resolutions)):
            raise ValueError("close_time_resolutions must be distinct and ascending")
        if self.ledger_min_consensus_ms > self.ledger_max_consensus_ms:
            raise ValueError("ledger_min_consensus_ms exceeds ledger_max_consensus_ms")
        if self.ledger_max_pause_ms < self.ledger_max_consensus_ms:
            raise ValueError("ledger_max_pause_ms must not be shorter than ledger_max_consensus_ms")
        if self.propose_interval_ms >= self.propose_freshness_ms:
            # Our own re-proposals must reach peers before they consider us stale.
            raise ValueError("propose_interval_ms must be shorter than propose_freshness_ms")


def get_needed_weight(
    parms: ConsensusParms,
    state: AvalancheState,
    percent_time: int,
    current_rounds: int,
    minimum_rounds: int,
) -> tuple[int, AvalancheState | None]:
    """The yes-vote percentage required now, and the state to move to (rippled's
    ``getNeededWeight``).

    We move to the next state once the round has run for that state's share of the expected
    time and we have spent at least ``minimum_rounds`` passes in the current one.
    """
    cutoff = parms.avalanche_cutoffs[state]
    if cutoff.next != state and current_rounds >= minimum_rounds:
        following = parms.avalanche_cutoffs[cutoff.next]
        if percent_time >= following.consensus_time:
            return following.consensus_pct, cutoff.next
    return cutoff.consensus_pct, None
