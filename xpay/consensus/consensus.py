"""The generic consensus round, as rippled's ``Consensus<Adaptor>`` (Consensus.h).

One object per node runs one round after another: **open** (collect transactions) ->
**close** (take an initial position: our transaction set and close time) -> **establish**
(exchange positions with trusted validators, fetch their sets, vote on disputed transactions
with rising thresholds, agree on a rounded close time) -> **accept** (hand the result to the
adaptor, which builds and validates the ledger and starts the next round).

Driven by the node through five entry points — ``start_round``, ``timer_entry`` (every
``ledger_granularity_ms``), ``peer_proposal``, ``got_tx_set``, ``got_validation`` — with the
current network time in milliseconds. It keeps the node's validations (``Validations``) and
from them detects when the network builds on a ledger other than ours ("wrong ledger"), asks
the adaptor for that ledger and switches to it.

Deterministic: no clock, no randomness, no I/O; iteration only over insertion-ordered dicts
or sorted values.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Generic

from xpay.consensus.adaptor import Adaptor
from xpay.consensus.consensus_types import (
    CloseTimes,
    ConsensusMode,
    ConsensusPhase,
    ConsensusResult,
    ConsensusState,
    LedgerT,
    NodeIdT,
    TxSetT,
)
from xpay.consensus.decisions import check_consensus, participants_needed, should_close_ledger
from xpay.consensus.disputed_tx import DisputedTx
from xpay.consensus.ledger_timing import (
    LEDGER_DEFAULT_TIME_RESOLUTION,
    accepted_close_time,
    get_next_ledger_time_resolution,
    round_close_time,
)
from xpay.consensus.parms import AvalancheState, ConsensusParms, get_needed_weight
from xpay.consensus.proposal import SEQ_JOIN, Proposal
from xpay.consensus.validations import Validation, Validations, ValStatus
from xpay.protocol.ids import Hash256

RECENT_POSITIONS_KEPT = 10
"""Proposals kept per peer for replay when we switch ledgers or start a round (rippled: 10)."""

MAX_PAUSE_PHASE = 4
"""Phases of the laggard pause, from quorum to everyone (rippled's ``maxPausePhase``)."""


@dataclass(slots=True)
class _Round(Generic[TxSetT, NodeIdT]):
    """Our side of the establish phase: the mutable part of rippled's ``ConsensusResult``."""

    txns: TxSetT
    position: Proposal[NodeIdT]
    start: int
    disputes: dict[Hash256, DisputedTx[NodeIdT]] = field(default_factory=dict)
    # For each disputed transaction, a set that holds it (to add it back to ours).
    holders: dict[Hash256, TxSetT] = field(default_factory=dict)
    compares: set[Hash256] = field(default_factory=set)
    round_time: int = 0
    state: ConsensusState = ConsensusState.NO


class Consensus(Generic[LedgerT, TxSetT, NodeIdT]):
    """Consensus rounds for one node (rippled's ``Consensus<Adaptor>``)."""

    def __init__(
        self,
        adaptor: Adaptor[LedgerT, TxSetT, NodeIdT],
        parms: ConsensusParms,
        *,
        validated: tuple[int, Hash256] | None = None,
        largest_issued_seq: int = 0,
    ) -> None:
        """``validated`` is the (sequence, ID) of our newest fully validated ledger as restored
        from storage (the genesis ledger on a new network); ``largest_issued_seq`` the largest
        sequence we signed a validation for before a restart — persist both, so a restarted
        validator neither builds behind its validated chain nor validates a sequence twice."""
        self._adaptor = adaptor
        self._parms = parms
        self._node_id: NodeIdT = adaptor.node_id
        self.validations: Validations[LedgerT, NodeIdT] = Validations(
            parms, adaptor.unl(), adaptor.acquire_ledger
        )
        self.validations.restore_largest_issued(largest_issued_seq)
        self._validated: tuple[int, Hash256] | None = validated

        self._phase = ConsensusPhase.ACCEPTED
        self._mode = ConsensusMode.OBSERVING
        # Whether we send positions this round, and whether the node asked us to at all.
        self._proposing = False
        self._wants_to_propose = False
        self._first_round = True
        self._have_close_time_consensus = False
        self._converge_percent = 0
        self._close_time_state = AvalancheState.INIT
        self._open_start = 0
        self._close_resolution = LEDGER_DEFAULT_TIME_RESOLUTION
        self._prev_round_time = parms.idle_interval_ms
        self._prev_proposers = 0
        self._now = 0

        self._prev_ledger_id: Hash256 | None = None
        self._previous_ledger: LedgerT | None = None
        self._acquired: dict[Hash256, TxSetT] = {}
        self._round: _Round[TxSetT, NodeIdT] | None = None
        self._raw_close_times: dict[int, int] = {}
        self._raw_self_close_time = 0

        self._peer_positions: dict[NodeIdT, Proposal[NodeIdT]] = {}
        self._recent_positions: dict[NodeIdT, deque[Proposal[NodeIdT]]] = {}
        self._dead_nodes: set[NodeIdT] = set()
        self._peer_unchanged_counter = 0
        self._establish_counter = 0

    # --- read-only state ----------------------------------------------------------------------

    @property
    def parms(self) -> ConsensusParms:
        return self._parms

    @property
    def phase(self) -> ConsensusPhase:
        return self._phase

    @property
    def mode(self) -> ConsensusMode:
        return self._mode

    @property
    def proposing(self) -> bool:
        """Whether we send our positions this round (proposing, or switched as a validator)."""
        return self._proposing

    @property
    def prev_ledger_id(self) -> Hash256 | None:
        """The ledger this round builds on (may not be held yet, in wrong-ledger mode)."""
        return self._prev_ledger_id

    @property
    def previous_ledger(self) -> LedgerT | None:
        """The ledger we hold and currently work from."""
        return self._previous_ledger

    @property
    def close_resolution(self) -> int:
        """Close-time resolution of the ledger being built, in seconds."""
        return self._close_resolution

    @property
    def prev_round_time(self) -> int:
        return self._prev_round_time

    @property
    def prev_proposers(self) -> int:
        return self._prev_proposers

    @property
    def converge_percent(self) -> int:
        return self._converge_percent

    @property
    def have_close_time_consensus(self) -> bool:
        return self._have_close_time_consensus

    @property
    def our_position(self) -> Proposal[NodeIdT] | None:
        return self._round.position if self._round is not None else None

    @property
    def peer_positions(self) -> dict[NodeIdT, Proposal[NodeIdT]]:
        """A copy of the current peer positions for this round."""
        return dict(self._peer_positions)

    @property
    def disputes(self) -> dict[Hash256, DisputedTx[NodeIdT]]:
        """The disputed transactions of this round (read, do not change)."""
        return dict(self._round.disputes) if self._round is not None else {}

    @property
    def validated(self) -> tuple[int, Hash256] | None:
        """(sequence, ID) of our newest fully validated ledger."""
        return self._validated

    # --- entry points ---------------------------------------------------------------------------

    def start_round(self, now: int, prev_ledger: LedgerT, *, proposing: bool | None = None) -> None:
        """Begin the next round on ``prev_ledger``, our last closed ledger (rippled's
        ``startRound``). ``proposing`` defaults to ``adaptor.validator``; pass False while the
        node is still syncing.

        If the network's preferred ledger (from validations) differs, we try to acquire it and
        start on it; failing that, we start in wrong-ledger mode and keep trying.
        """
        if proposing is None:
            proposing = self._adaptor.validator
        self._wants_to_propose = proposing
        self._now = now
        unl = frozenset(self._adaptor.unl())
        if unl != self.validations.unl:
            for node in [n for n in self._recent_positions if n not in unl]:
                del self._recent_positions[node]
            self.validations.set_unl(unl)
        if self._first_round:
            self._prev_round_time = self._parms.idle_interval_ms
            self._first_round = False
        self._update_validated()
        prev_ledger_id = self._network_ledger(prev_ledger)
        mode = ConsensusMode.PROPOSING if proposing else ConsensusMode.OBSERVING
        if prev_ledger.id != prev_ledger_id:
            acquired = self._adaptor.acquire_ledger(prev_ledger_id)
            if acquired is not None:
                prev_ledger = acquired
            else:
                mode = ConsensusMode.WRONG_LEDGER
        self._start_round_internal(now, prev_ledger_id, prev_ledger, mode)

    def timer_entry(self, now: int) -> None:
        """Drive the round forward; call every ``ledger_granularity_ms`` (rippled's
        ``timerEntry``)."""
        if self._phase is ConsensusPhase.ACCEPTED:
            return
        self._now = now
        self.validations.expire(now)
        self._update_validated()
        self._check_ledger()
        if self._phase is ConsensusPhase.OPEN:
            self._phase_open()
        elif self._phase is ConsensusPhase.ESTABLISH:
            self._phase_establish()

    def peer_proposal(self, now: int, proposal: Proposal[NodeIdT]) -> bool:
        """A trusted peer's position arrived (signature already checked by the node); return
        whether it was useful, i.e. worth relaying (rippled's ``peerProposal``).

        Proposals from keys outside the UNL, and our own, are ignored. The proposal's ``time``
        is replaced by ``now``: freshness is judged by when we received it.
        """
        node = proposal.node_id
        if node == self._node_id or node not in self.validations.unl:
            return False
        if proposal.time != now:
            proposal = Proposal(
                proposal.prev_ledger,
                proposal.position,
                proposal.close_time,
                now,
                node,
                proposal.propose_seq,
            )
        recent = self._recent_positions.get(node)
        if recent is None:
            recent = self._recent_positions[node] = deque(maxlen=RECENT_POSITIONS_KEPT)
        recent.append(proposal)
        return self._peer_proposal_internal(now, proposal)

    def got_tx_set(self, now: int, tx_set: TxSetT) -> None:
        """A transaction set arrived from the network (rippled's ``gotTxSet``)."""
        if self._phase is ConsensusPhase.ACCEPTED:
            return
        self._now = now
        set_id = tx_set.id
        if set_id in self._acquired:
            return
        self._acquired[set_id] = tx_set
        if self._round is None:
            return
        for node, position in list(self._peer_positions.items()):
            if position.position == set_id:
                self._update_disputes(node, tx_set)

    def got_validation(self, now: int, validation: Validation[NodeIdT]) -> ValStatus:
        """A validation arrived (signature already checked by the node), or we made one:
        store it and report what it was. Relay it only when the result is ``CURRENT``;
        ``CONFLICTING`` names a Byzantine or broken validator (see ``validations.conflicts``)."""
        status = self.validations.add(now, validation)
        if status is ValStatus.CURRENT:
            self._update_validated()
        return status

    def simulate(self, now: int, consensus_delay: int = 100) -> None:
        """Close and accept at once, as if every peer agreed with us (rippled's ``simulate``,
        for a stand-alone node's ``ledger_accept``)."""
        self._now = now
        if self._phase is not ConsensusPhase.OPEN or self._previous_ledger is None:
            raise RuntimeError("simulate needs an open round")
        self._close_ledger()
        round_ = self._round
        assert round_ is not None
        round_.round_time = consensus_delay
        round_.state = ConsensusState.YES
        round_.position = round_.position.change_position(
            round_.position.position, self._as_close_time(round_.position.close_time), now
        )
        self._accept()

    # --- round management -----------------------------------------------------------------------

    def _start_round_internal(
        self, now: int, prev_ledger_id: Hash256, prev_ledger: LedgerT, mode: ConsensusMode
    ) -> None:
        self._phase = ConsensusPhase.OPEN
        self._set_mode(mode)
        # After switching to the network's ledger a validator proposes in the new round, where
        # rippled observes until the next one: the round is on another ledger than the one we
        # bowed out of, and we have taken no position in it. Observing, a validator that keeps
        # landing on the network's ledger a little late would never propose or validate again
        # (seen in simulation: with one Byzantine validator lying to it, never reach 80 %).
        self._proposing = self._wants_to_propose and mode in (
            ConsensusMode.PROPOSING,
            ConsensusMode.SWITCHED_LEDGER,
        )
        self._now = now
        self._prev_ledger_id = prev_ledger_id
        self._previous_ledger = prev_ledger
        self._round = None
        self._converge_percent = 0
        self._have_close_time_consensus = False
        self._close_time_state = AvalancheState.INIT
        self._open_start = now
        self._peer_positions.clear()
        self._acquired.clear()
        self._raw_close_times.clear()
        self._raw_self_close_time = 0
        self._dead_nodes.clear()
        self._peer_unchanged_counter = 0
        self._establish_counter = 0
        parms = self._parms
        self._close_resolution = get_next_ledger_time_resolution(
            prev_ledger.close_time_resolution,
            prev_ledger.close_agree,
            prev_ledger.seq + 1,
            resolutions=parms.close_time_resolutions,
            increase_every=parms.increase_resolution_every,
            decrease_every=parms.decrease_resolution_every,
        )
        if mode in (ConsensusMode.SWITCHED_LEDGER, ConsensusMode.WRONG_LEDGER):
            # Our previous round was not the network's: its proposer count says nothing about
            # this one. Kept, it would make us wait for proposers who already moved on
            # ("fewer than 3/4 of last round's proposers") and leave us switching to the
            # network's next ledger, one behind and never proposing, round after round.
            self._prev_proposers = 0
        self._playback_proposals()
        if len(self._peer_positions) > self._prev_proposers // 2:
            # Others already closed this ledger: we may be behind, do not wait for the timer.
            self.timer_entry(now)

    def _set_mode(self, mode: ConsensusMode) -> None:
        if mode is not self._mode:
            before = self._mode
            self._mode = mode
            self._adaptor.on_mode_change(before, mode)

    def _update_validated(self) -> None:
        latest = self.validations.latest_fully_validated()
        if latest is not None and (self._validated is None or latest[0] > self._validated[0]):
            self._validated = latest

    def _network_ledger(self, ledger: LedgerT) -> Hash256:
        """The ledger the network builds on, judged from trusted validations, never behind our
        fully validated ledger (rippled's ``getPrevLedger`` via ``getPreferred``)."""
        min_seq = self._validated[0] if self._validated is not None else 0
        return self.validations.get_preferred_id(self._now, ledger, min_seq)

    def _check_ledger(self) -> None:
        """Switch ledgers if the network builds on another one (rippled's ``checkLedger``)."""
        previous = self._previous_ledger
        assert previous is not None
        network = self._network_ledger(previous)
        if network != self._prev_ledger_id or previous.id != self._prev_ledger_id:
            self._handle_wrong_ledger(network)

    def _handle_wrong_ledger(self, ledger_id: Hash256) -> None:
        """Stop proposing, re-target the round on ``ledger_id``, and start over on it as soon
        as the adaptor has it (rippled's ``handleWrongLedger``)."""
        self._leave_consensus()
        if self._prev_ledger_id != ledger_id:
            self._prev_ledger_id = ledger_id
            if self._round is not None:
                self._round.disputes.clear()
                self._round.holders.clear()
                self._round.compares.clear()
            self._peer_positions.clear()
            self._raw_close_times.clear()
            self._dead_nodes.clear()
            self._playback_proposals()
        previous = self._previous_ledger
        assert previous is not None
        if previous.id == ledger_id:
            return
        acquired = self._adaptor.acquire_ledger(ledger_id)
        if acquired is not None:
            self._start_round_internal(
                self._now, ledger_id, acquired, ConsensusMode.SWITCHED_LEDGER
            )
        else:
            self._set_mode(ConsensusMode.WRONG_LEDGER)

    def _playback_proposals(self) -> None:
        """Replay recent proposals for the ledger we now build on (``playbackProposals``)."""
        for recent in list(self._recent_positions.values()):
            for proposal in list(recent):
                if proposal.prev_ledger == self._prev_ledger_id:
                    self._peer_proposal_internal(self._now, proposal)

    def _peer_proposal_internal(self, now: int, proposal: Proposal[NodeIdT]) -> bool:
        if self._phase is ConsensusPhase.ACCEPTED:
            return False
        self._now = now
        if proposal.prev_ledger != self._prev_ledger_id:
            return False
        node = proposal.node_id
        if node in self._dead_nodes:
            return False
        existing = self._peer_positions.get(node)
        if existing is not None and proposal.propose_seq <= existing.propose_seq:
            return False
        if proposal.is_bow_out:
            if self._round is not None:
                for dispute in self._round.disputes.values():
                    dispute.un_vote(node)
            self._peer_positions.pop(node, None)
            self._dead_nodes.add(node)
            return True
        self._peer_positions[node] = proposal
        if proposal.is_initial:
            close_time = proposal.close_time
            self._raw_close_times[close_time] = self._raw_close_times.get(close_time, 0) + 1
        tx_set = self._acquired.get(proposal.position)
        if tx_set is None:
            fetched = self._adaptor.acquire_tx_set(proposal.position)
            if fetched is not None:
                self.got_tx_set(now, fetched)
        elif self._round is not None:
            self._update_disputes(node, tx_set)
        return True

    # --- open phase -------------------------------------------------------------------------------

    def _phase_open(self) -> None:
        """Close the ledger when it is time (rippled's ``phaseOpen``)."""
        if should_close_ledger(
            any_transactions=self._adaptor.has_open_transactions(),
            queue_full=self._adaptor.open_queue_full(),
            prev_proposers=self._prev_proposers,
            proposers_closed=len(self._peer_positions),
            prev_round_time=self._prev_round_time,
            open_time=self._now - self._open_start,
            parms=self._parms,
        ):
            self._close_ledger()

    def _close_ledger(self) -> None:
        """Take our initial position and enter the establish phase (``closeLedger``)."""
        previous = self._previous_ledger
        assert previous is not None and self._prev_ledger_id is not None
        self._phase = ConsensusPhase.ESTABLISH
        self._raw_self_close_time = self._now // 1000
        txns = self._adaptor.on_close(previous, self._now, self._mode)
        position = Proposal(
            self._prev_ledger_id,
            txns.id,
            self._raw_self_close_time,
            self._now,
            self._node_id,
            SEQ_JOIN,
        )
        self._round = _Round(txns=txns, position=position, start=self._now)
        if txns.id not in self._acquired:
            self._acquired[txns.id] = txns
            self._adaptor.share_tx_set(txns)
        if self._proposing:
            self._adaptor.propose(position)
        for peer_position in list(self._peer_positions.values()):
            tx_set = self._acquired.get(peer_position.position)
            if tx_set is not None:
                self._create_disputes(tx_set)

    # --- establish phase ----------------------------------------------------------------------------

    def _phase_establish(self) -> None:
        """Update our position and accept once we have consensus on the transaction set and
        the close time (rippled's ``phaseEstablish``)."""
        round_ = self._round
        assert round_ is not None
        parms = self._parms
        round_.round_time = self._now - round_.start
        expected = max(self._prev_round_time, parms.av_min_consensus_time_ms)
        self._converge_percent = round_.round_time * 100 // expected
        # Give every peer a chance to take an initial position.
        if round_.round_time < parms.ledger_min_consensus_ms:
            return
        self._peer_unchanged_counter += 1
        self._establish_counter += 1
        self._update_our_positions()
        if self._should_pause() or not self._have_consensus():
            return
        if not self._have_close_time_consensus:
            return
        self._accept()

    def _accept(self) -> None:
        """Hand the round's result to the adaptor (the end of rippled's ``phaseEstablish``)."""
        round_ = self._round
        previous = self._previous_ledger
        assert round_ is not None and previous is not None
        self._prev_proposers = len(self._peer_positions)
        self._prev_round_time = round_.round_time
        self._phase = ConsensusPhase.ACCEPTED
        close_time, close_agree = accepted_close_time(
            round_.position.close_time, self._close_resolution, previous.close_time
        )
        validate = (
            self._proposing
            and round_.state is ConsensusState.YES
            and self._builds_on_validated(previous)
            and self.validations.can_validate_seq(previous.seq + 1)
        )
        result: ConsensusResult[TxSetT, NodeIdT] = ConsensusResult(
            txns=round_.txns,
            position=round_.position,
            state=round_.state,
            mode=self._mode,
            round_time=round_.round_time,
            proposers=self._prev_proposers,
            close_resolution=self._close_resolution,
            close_time=close_time,
            close_agree=close_agree,
            raw_close_times=CloseTimes(
                tuple(sorted(self._raw_close_times.items())), self._raw_self_close_time
            ),
            disputed=tuple(round_.disputes),
            validate=validate,
        )
        # Last statement: the adaptor may start the next round from here.
        self._adaptor.on_accept(result, previous)

    def _builds_on_validated(self, prev: LedgerT) -> bool:
        """Whether the ledger we are about to build on ``prev`` is compatible with our newest
        fully validated ledger, so validating it cannot contradict that ledger (rippled's
        ``LedgerMaster::isCompatible``).

        The new ledger has sequence ``prev.seq + 1``. If the fully validated ledger is older,
        ``prev`` must descend from it. If it is exactly the sequence we are building — the
        others' validations reached quorum before we finished — we cannot know the new
        ledger's ID yet; having agreed on the same set and close time, we build that very
        ledger, and if we did not, our single validation of another ledger at a sequence the
        network already validated cannot make it count. Further behind, we do not validate.
        """
        if self._validated is None:
            return True
        seq, ledger_id = self._validated
        if seq == prev.seq + 1:
            return True
        if seq > prev.seq:
            return False
        return prev.ancestor(seq) == ledger_id

    def _as_close_time(self, raw: int) -> int:
        return round_close_time(raw, self._close_resolution)

    def _update_our_positions(self) -> None:
        """Drop stale peer positions, re-vote on disputes, vote on the close time, and send a
        new position if ours changed or is about to go stale (``updateOurPositions``)."""
        round_ = self._round
        assert round_ is not None
        parms = self._parms
        now = self._now
        proposing = self._proposing
        peer_cutoff = now - parms.propose_freshness_ms
        our_cutoff = now - parms.propose_interval_ms

        close_time_votes: dict[int, int] = {}
        for node, position in list(self._peer_positions.items()):
            if position.is_stale(peer_cutoff):
                for dispute in round_.disputes.values():
                    dispute.un_vote(node)
                del self._peer_positions[node]
            else:
                rounded = self._as_close_time(position.close_time)
                close_time_votes[rounded] = close_time_votes.get(rounded, 0) + 1

        add: dict[Hash256, TxSetT] = {}
        remove: list[Hash256] = []
        for tx_id, dispute in round_.disputes.items():
            if dispute.update_vote(self._converge_percent, proposing, parms):
                if dispute.our_vote:
                    add[tx_id] = round_.holders[tx_id]
                else:
                    remove.append(tx_id)
        new_set: TxSetT | None = round_.txns.with_changes(add, remove) if add or remove else None

        consensus_close_time = 0
        have_close_time_consensus = False
        if not self._peer_positions:
            have_close_time_consensus = True
            consensus_close_time = self._as_close_time(round_.position.close_time)
        else:
            needed_weight, new_state = get_needed_weight(
                parms, self._close_time_state, self._converge_percent, 0, 0
            )
            if new_state is not None:
                self._close_time_state = new_state
            participants = len(self._peer_positions)
            if proposing:
                ours = self._as_close_time(round_.position.close_time)
                close_time_votes[ours] = close_time_votes.get(ours, 0) + 1
                participants += 1
            thresh_vote = participants_needed(participants, needed_weight)
            thresh_consensus = participants_needed(participants, parms.av_ct_consensus_pct)
            # Ascending close times: among equally supported bins the latest wins, as in rippled.
            for close_time in sorted(close_time_votes):
                votes = close_time_votes[close_time]
                if votes >= thresh_vote:
                    consensus_close_time = close_time
                    thresh_vote = votes
                    if thresh_vote >= thresh_consensus:
                        have_close_time_consensus = True
            # No bin with enough votes leaves zero: we agree to disagree on the close time.
        self._have_close_time_consensus = have_close_time_consensus

        if new_set is None and (
            consensus_close_time != self._as_close_time(round_.position.close_time)
            or round_.position.is_stale(our_cutoff)
        ):
            new_set = round_.txns
        if new_set is None:
            return
        new_id = new_set.id
        round_.txns = new_set
        round_.position = round_.position.change_position(new_id, consensus_close_time, now)
        if new_id not in self._acquired:
            self._acquired[new_id] = new_set
            if not round_.position.is_bow_out:
                self._adaptor.share_tx_set(new_set)
            for node, position in list(self._peer_positions.items()):
                if position.position == new_id:
                    self._update_disputes(node, new_set)
        if not round_.position.is_bow_out and proposing:
            self._adaptor.propose(round_.position)

    def _have_consensus(self) -> bool:
        """Whether we may accept now (rippled's ``haveConsensus``): enough peers share our
        position, or 80 % of them already validated past us (moved on), or every dispute is
        stalled, or the round expired (then we bow out first)."""
        round_ = self._round
        previous = self._previous_ledger
        assert round_ is not None and previous is not None
        ours = round_.position.position
        agree = sum(1 for p in self._peer_positions.values() if p.position == ours)
        proposers = len(self._peer_positions)
        proposing = self._proposing
        stalled = (
            self._have_close_time_consensus
            and bool(round_.disputes)
            and all(
                dispute.stalled(self._parms, proposing, self._peer_unchanged_counter)
                for dispute in round_.disputes.values()
            )
        )
        state = check_consensus(
            prev_proposers=self._prev_proposers,
            current_proposers=proposers,
            current_agree=agree,
            current_finished=self.validations.nodes_after(self._now, previous),
            previous_agree_time=self._prev_round_time,
            current_agree_time=round_.round_time,
            stalled=stalled,
            parms=self._parms,
            proposing=proposing,
        )
        if state is ConsensusState.EXPIRED:
            # Give every avalanche state its minimum passes before abandoning the round.
            minimum = len(self._parms.avalanche_cutoffs) * self._parms.av_min_rounds
            if self._establish_counter < minimum:
                round_.state = ConsensusState.NO
                return False
            self._leave_consensus()
        round_.state = state
        return state is not ConsensusState.NO

    def _should_pause(self) -> bool:
        """Whether to hold back from accepting so that lagging validators can catch up
        (rippled's ``shouldPause``).

        Only a validator that is ahead of the newest fully validated ledger pauses, and never
        past ``ledger_max_pause_ms`` (rippled: max consensus time; see ConsensusParms): while some trusted validators are behind it
        (laggards), or while validators it cannot see yet are on another ledger (below). The
        tolerated share of laggards and offline validators shrinks with every ledger we are
        ahead: first whatever still leaves a quorum, then, linearly, down to none, then round
        again.
        """
        round_ = self._round
        previous = self._previous_ledger
        assert round_ is not None and previous is not None
        if not self._adaptor.validator or self._validated is None:
            return False
        if round_.round_time > self._parms.ledger_max_pause_ms:
            return False
        ahead = previous.seq - min(self._validated[0], previous.seq)
        total = len(self.validations.unl)
        if not ahead or not total:
            return False
        quorum = self.validations.quorum
        if self.validations.pending_support(self._now, previous.seq) > total - quorum:
            # xpay's addition: more validators than may be faulty back a ledger at or below
            # ours that we have not fetched yet. Until we hold it we cannot weigh it, and
            # accepting now would put our own validation ahead of theirs: two groups on
            # diverged branches, the smaller half a round ahead, would then each keep to
            # their own branch forever (the smaller one counting the larger as uncommitted).
            return True
        laggards, offline = self.validations.laggards(self._now, previous.seq)
        if not laggards:
            return False
        phase = (ahead - 1) % (MAX_PAUSE_PHASE + 1)
        if phase == 0:
            return laggards + offline > total - quorum
        if phase == MAX_PAUSE_PHASE:
            return True
        # nonLaggards / total < quorum / total + (1 - quorum / total) * phase / MAX, in integers.
        non_laggards = total - laggards - offline
        return non_laggards * MAX_PAUSE_PHASE < quorum * MAX_PAUSE_PHASE + (total - quorum) * phase

    def _leave_consensus(self) -> None:
        """Bow out and stop proposing for the rest of this round (``leaveConsensus``)."""
        if not self._proposing:
            return
        round_ = self._round
        if round_ is not None and not round_.position.is_bow_out:
            round_.position = round_.position.bow_out(self._now)
            self._adaptor.propose(round_.position)
        self._proposing = False
        self._set_mode(ConsensusMode.OBSERVING)

    def _create_disputes(self, other: TxSetT) -> None:
        """Open a dispute for every transaction in exactly one of our set and ``other``
        (``createDisputes``)."""
        round_ = self._round
        assert round_ is not None
        if other.id in round_.compares:
            return
        round_.compares.add(other.id)
        if round_.txns.id == other.id:
            return
        for tx_id, in_ours in round_.txns.compare(other).items():
            if tx_id in round_.disputes:
                continue
            dispute: DisputedTx[NodeIdT] = DisputedTx(tx_id, in_ours)
            for node, position in self._peer_positions.items():
                peer_set = self._acquired.get(position.position)
                if peer_set is not None:
                    dispute.set_vote(node, tx_id in peer_set)
            holder = round_.txns if in_ours else other
            round_.disputes[tx_id] = dispute
            round_.holders[tx_id] = holder
            self._adaptor.share_tx(tx_id, holder)

    def _update_disputes(self, node: NodeIdT, other: TxSetT) -> None:
        """Record ``node``'s votes now that it proposes ``other`` (``updateDisputes``)."""
        round_ = self._round
        assert round_ is not None
        if other.id not in round_.compares:
            self._create_disputes(other)
        for tx_id, dispute in round_.disputes.items():
            if dispute.set_vote(node, tx_id in other):
                self._peer_unchanged_counter = 0
