"""The round's pure decisions: when to close the open ledger, and whether consensus is reached
(rippled's free functions ``shouldCloseLedger``, ``checkConsensusReached``, ``checkConsensus``
and ``participantsNeeded``, Consensus.cpp / Consensus.h).

They take plain integers (milliseconds, counts, percentages) so they can be tested one rule at
a time.
"""

from __future__ import annotations

from xpay.consensus.consensus_types import ConsensusState
from xpay.consensus.parms import ConsensusParms

_TEN_MINUTES_MS = 600_000


def should_close_ledger(
    *,
    any_transactions: bool,
    queue_full: bool,
    prev_proposers: int,
    proposers_closed: int,
    prev_round_time: int,
    open_time: int,
    parms: ConsensusParms,
) -> bool:
    """Whether to close the open ledger now (rippled's ``shouldCloseLedger``, with xpay's
    timing).

    xpay closes a ledger once it has been open ``close_interval_ms`` (``idle_interval_ms`` when
    it holds no transactions), or earlier when the adaptor reports a full queue (but never
    before ``ledger_min_close_ms``), or as soon as more than half of the previous round's
    proposers have closed theirs. Two rippled rules are kept: a ledger never closes in less than
    half the time the previous round took to agree (so a slow network slows everyone down
    together), and absurd timings close at once.

    rippled also counts validators that validated the previous ledger as "closed"; with xpay's
    one-second rhythm every validator has validated the previous ledger a moment after each
    round, so that term would close every ledger immediately, and xpay leaves it out. For the
    same reason the idle rule uses the open time, not the time since the previous ledger's
    close time (whole seconds, rounded to a 10 s or coarser bin, too coarse for a 1 s rhythm).
    """
    if prev_round_time < -1000 or prev_round_time > _TEN_MINUTES_MS or open_time > _TEN_MINUTES_MS:
        # Unexpected timings (a clock jump): close and let the next round recover.
        return True
    if proposers_closed > prev_proposers // 2:
        # More than half of the network has closed: keep in step with it.
        return True
    if open_time < parms.ledger_min_close_ms:
        return False
    if queue_full:
        return True
    if open_time < prev_round_time // 2:
        # Do not close more than twice as fast as the previous round reached consensus.
        return False
    interval = parms.close_interval_ms if any_transactions else parms.idle_interval_ms
    return open_time >= interval


def check_consensus_reached(
    *,
    agreeing: int,
    total: int,
    count_self: bool,
    min_consensus_pct: int,
    reached_max: bool,
    stalled: bool,
) -> bool:
    """Whether ``agreeing`` out of ``total`` proposers (plus us, if ``count_self``) reach
    ``min_consensus_pct`` (rippled's ``checkConsensusReached``).

    Alone (no proposers at all), we only declare consensus once the maximum consensus time
    has passed, so that a node whose proposals are merely slow to arrive does not race ahead.
    When every disputed transaction is stalled, consensus is declared: nothing will change.
    """
    if total == 0:
        return reached_max
    if stalled:
        return True
    if count_self:
        agreeing += 1
        total += 1
    return agreeing * 100 // total >= min_consensus_pct


def check_consensus(
    *,
    prev_proposers: int,
    current_proposers: int,
    current_agree: int,
    current_finished: int,
    previous_agree_time: int,
    current_agree_time: int,
    stalled: bool,
    parms: ConsensusParms,
    proposing: bool,
) -> ConsensusState:
    """Whether the network reached consensus and whether we are part of it (rippled's
    ``checkConsensus``).

    ``current_proposers`` and ``current_agree`` count peers (not us) holding a position and
    holding ours; ``current_finished`` counts validators that already validated a later
    ledger; times are milliseconds of the establish phase (this round's and the previous
    round's). Returns ``YES``, ``MOVED_ON`` (80 % have validated past us: follow them without
    validating), ``EXPIRED`` (the round ran far too long) or ``NO``.
    """
    if current_agree_time <= parms.ledger_min_consensus_ms:
        return ConsensusState.NO
    if (
        current_proposers < prev_proposers * 3 // 4
        and current_agree_time < previous_agree_time + parms.ledger_min_consensus_ms
    ):
        # Fewer than 3/4 of the last round's proposers are here: give them time to show up.
        return ConsensusState.NO
    reached_max = current_agree_time > parms.ledger_max_consensus_ms
    if check_consensus_reached(
        agreeing=current_agree,
        total=current_proposers,
        count_self=proposing,
        min_consensus_pct=parms.min_consensus_pct,
        reached_max=reached_max,
        stalled=stalled,
    ):
        return ConsensusState.YES
    if check_consensus_reached(
        agreeing=current_finished,
        total=current_proposers,
        count_self=False,
        min_consensus_pct=parms.min_consensus_pct,
        reached_max=reached_max,
        stalled=False,
    ):
        return ConsensusState.MOVED_ON
    max_agree_time = previous_agree_time * parms.ledger_abandon_consensus_factor
    limit = min(
        max(max_agree_time, parms.ledger_max_consensus_ms), parms.ledger_abandon_consensus_ms
    )
    if current_agree_time > limit:
        return ConsensusState.EXPIRED
    return ConsensusState.NO


def participants_needed(participants: int, percent: int) -> int:
    """How many of ``participants`` must agree to reach ``percent``, at least one (rippled's
    ``participantsNeeded``). The arithmetic is rippled's, not exact: 70 % of 5 gives 3, which
    is only 60 %; it is used for close-time votes, where that slack is harmless."""
    result = (participants * percent + percent // 2) // 100
    return result if result else 1
