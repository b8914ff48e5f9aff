"""The consensus adaptor over real ledgers and the overlay, as rippled's ``RCLConsensus::Adaptor``
(with the parts of ``LedgerMaster`` and ``NetworkOPs`` it leans on: building the agreed ledger,
signing validations, full validation, switching to the network's ledger).

The generic round (``xpay.consensus.Consensus``) is synchronous and never awaits; the ledger
master, the disk and the overlay are asynchronous. The adaptor bridges them:

* what the round asks (``acquire_ledger``, ``acquire_tx_set``, ``has_open_transactions``,
  ``on_close``) is answered at once from what the node holds — a missing ledger or set is
  fetched in the background (``xpay.node.acquire``) and the round sees it on a later call;
* what the round tells peers (``propose``, ``share_tx_set``: our position and its set) is
  queued to the ``Outbox``;
* ``on_accept`` queues a *job*. Jobs run one at a time, in order, in ``run_jobs()``, and they
  are the only code that changes which chain the ledger master is on: build the agreed ledger
  (after making the master follow the round's previous ledger), sign and send a validation,
  start the next round; or mark newly fully validated ledgers validated in the store.

Full validation (rippled's ``LedgerMaster::checkAccept``): once a quorum of the UNL (80 %,
``Validations.latest_fully_validated``) has validated a ledger, it and its ancestors down to
our last validated ledger are marked validated — fetched first if we lack them, and adopted as
our chain if we were on another branch. A ledger is never adopted or built on unless it descends
from our validated ledger (or the network fully validated it), and a validated ledger is never
rewritten: nothing validated is lost or contradicted.

Validations are signed only after the sequence is durably recorded (``ValidatorState``), so a
restarted validator never signs a second ledger at a sequence it already validated.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Collection, Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any, Final

from xpay.api.facade import ConsensusPhaseEvent, ValidationEvent
from xpay.api.json_forms import RIPPLE_EPOCH
from xpay.codec import encode_node_public
from xpay.consensus import (
    Consensus,
    ConsensusMode,
    ConsensusParms,
    ConsensusPhase,
    ConsensusResult,
    Proposal,
    Validation,
    ValStatus,
)
from xpay.crypto import NodeKey
from xpay.ledger.ledger import CLOSE_FLAG_NO_CONSENSUS_TIME
from xpay.node.acquire import InboundLedgers, InboundTransactions
from xpay.node.consensus_ledger import ANCESTRY_WINDOW, RCLCxLedger
from xpay.node.ledger_master import LedgerMaster
from xpay.node.ledger_replay import ledger_data
from xpay.node.outbox import Outbox
from xpay.node.peer_messages import (
    LedgerMode,
    PeerMessageError,
    SignedValidation,
    decode_get_ledger,
    decode_get_tx_set,
    decode_proposal,
    decode_tx_set_ids,
    encode_ledger_data,
    encode_proposal,
    encode_tx_set,
    encode_tx_set_ids,
    encode_validation,
)
from xpay.node.tx_set import RCLTxSet
from xpay.node.validator_state import ValidatorState
from xpay.overlay import Envelope, MessageKind, Overlay
from xpay.protocol.ids import Hash256, NodeID
from xpay.tx.transaction import MalformedTransaction, Transaction

_log = logging.getLogger(__name__)

TX_SETS_KEPT: Final = 256
"""Candidate sets kept to answer peers and build from (a few rounds' worth)."""
SOURCES_KEPT: Final = 4096
LEDGERS_KEPT: Final = 2048
DEFAULT_MAX_OPEN_TRANSACTIONS: Final = 20_000
"""Open-ledger size at which the ledger closes early (the adaptor's "queue full"). The open
ledger itself admits far fewer (``NodeConfig.max_ledger_transactions``, 500: load shedding in
``xpay.node.open_ledger``), so on a node this never triggers: a full open ledger does not close
early — as in rippled, the close cadence decides, and the excess waits queued or is refused."""


class NodeLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """A logger that tags every line with the node's identity: in-process devnets run several
    nodes in one process, and their lines must be told apart."""

    def process(self, msg: object, kwargs: MutableMapping[str, Any]) -> tuple[object, MutableMapping[str, Any]]:
        return f"[{self.extra['node'] if self.extra else '?'}] {msg}", kwargs


def network_time_ms() -> int:
    """The node's network clock: milliseconds since the XRPL epoch (what the round runs on)."""
    return time.time_ns() // 1_000_000 - RIPPLE_EPOCH * 1000


@dataclass(frozen=True, slots=True)
class LastClose:
    """What server_info reports about the last round (rippled's ``last_close``)."""

    proposers: int
    converge_time_ms: int


@dataclass(slots=True)
class AdaptorStats:
    built: int = 0
    validations_sent: int = 0
    conflicts: int = 0
    """Conflicting validations detected (a validator signed two ledgers at one sequence)."""
    switches: int = 0
    """Times the ledger master was moved to another chain."""
    refused_builds: int = 0
    """Rounds whose previous ledger did not descend from our validated ledger: not built."""
    forks_refused: int = 0
    """Fully validated ledgers that contradicted ours (never adopted; must stay zero)."""
    marked_validated: int = 0
    sets_by_id: int = 0
    """Peers' position sets pushed as IDs (TX_SET_IDS) that were new here."""
    sets_by_id_incomplete: int = 0
    """Of those, the sets this node lacked a blob of (fetched by ID instead)."""


Job = Callable[[], Awaitable[None]]


class RCLConsensusAdaptor:
    """Implements ``xpay.consensus.Adaptor[RCLCxLedger, RCLTxSet, NodeID]`` for one node."""

    def __init__(
        self,
        *,
        node_key: NodeKey,
        unl: Collection[NodeID],
        validator: bool,
        master: LedgerMaster,
        overlay: Overlay,
        parms: ConsensusParms,
        start: RCLCxLedger,
        state: ValidatorState | None,
        network_id: int,
        clock: Callable[[], int] = network_time_ms,
        max_open_transactions: int = DEFAULT_MAX_OPEN_TRANSACTIONS,
    ) -> None:
        """``unl``: the trusted validators (our own key is added when we validate); ``start``:
        the master's last closed ledger, with its ancestry; ``state``: where a validator keeps
        the largest sequence it validated (None for a tracking node)."""
        if validator and state is None:
            raise ValueError("a validator needs a ValidatorState")
        self._key = node_key
        self._node_id = NodeID(node_key.node_id)
        self.log = NodeLog(_log, {"node": node_key.node_public[:8]})
        self._validator = validator
        trusted = set(unl)
        if validator:
            trusted.add(self._node_id)
        else:
            trusted.discard(self._node_id)
        self._unl: frozenset[NodeID] = frozenset(trusted)
        self.master = master
        self._overlay = overlay
        self._state = state
        self._network_id = network_id
        self._clock = clock
        self._max_open = max_open_transactions
        self.outbox = Outbox(overlay)
        self.inbound_ledgers = InboundLedgers(
            overlay,
            have=self.ledger,
            on_ledger=self._on_ledger_acquired,
            rules=master.rules,
            next_seq=lambda: master.closed_ledger.seq + 1,
            log=self.log,
        )
        self.inbound_sets = InboundTransactions(overlay, self._on_tx_set_acquired, log=self.log)
        self.ledgers: dict[Hash256, RCLCxLedger] = {start.id: start}
        self.tx_sets: OrderedDict[Hash256, RCLTxSet] = OrderedDict()
        self._set_sources: OrderedDict[Hash256, NodeID] = OrderedDict()
        self._ledger_sources: OrderedDict[Hash256, NodeID] = OrderedDict()
        self._ledger_seqs: OrderedDict[Hash256, int] = OrderedDict()
        """Sequences validations gave the ledgers they name (to fetch those far ahead at once)."""
        self._jobs: asyncio.Queue[Job] = asyncio.Queue()
        self._advance_queued = False
        self.stats = AdaptorStats()
        self.last_close = LastClose(0, 0)
        self.phase = "accepted"
        self.cadence_ms: int | None = None
        """Time between ledger closes to keep to (None: the core's open-time rule alone)."""
        self._last_close_at: int | None = None
        self.should_propose: Callable[[], bool] = lambda: self._validator
        self.known_blob: Callable[[Hash256], bytes | None] = lambda tx_id: None
        """A transaction's blob by ID from outside the open ledger (the relay's recent blobs),
        for rebuilding peers' sets pushed as IDs."""
        self._position_set: RCLTxSet | None = None
        """Our latest position's set: the base a peer's set is rebuilt on."""
        """Asked at the start of every round: whether to propose in it (the validator service
        says no while it is catching up or disconnected, as rippled's NetworkOPs does)."""
        largest = state.largest_validated_seq if state is not None else 0
        validated = master.validated_ledger
        self.consensus: Consensus[RCLCxLedger, RCLTxSet, NodeID] = Consensus(
            self,
            parms,
            validated=(validated.seq, Hash256(validated.hash)),
            largest_issued_seq=largest,
        )

    # --- xpay.consensus.Adaptor ---------------------------------------------------------------

    @property
    def node_id(self) -> NodeID:
        return self._node_id

    @property
    def validator(self) -> bool:
        return self._validator

    def unl(self) -> frozenset[NodeID]:
        return self._unl

    def acquire_ledger(self, ledger_id: Hash256) -> RCLCxLedger | None:
        found = self.ledgers.get(ledger_id)
        if found is None:
            self.inbound_ledgers.want(
                ledger_id, self._ledger_sources.get(ledger_id), self._ledger_seqs.get(ledger_id)
            )
        return found

    def acquire_tx_set(self, set_id: Hash256) -> RCLTxSet | None:
        found = self.tx_sets.get(set_id)
        if found is None:
            self.inbound_sets.want(set_id, self._set_sources.get(set_id))
        return found

    def has_open_transactions(self) -> bool:
        return bool(self.master.open.applied)

    def open_queue_full(self) -> bool:
        """Close early: the open ledger is full, or — xpay's cadence — the ledger is due.

        The core times the open phase from the start of the round (``close_interval_ms``, as
        rippled's ``ledgerMIN_CLOSE``), so the time between closes is the close interval *plus*
        the establish phase and the build. When ``cadence_ms`` is set, a ledger holding
        transactions is also due once that long has passed since the previous close: ledgers
        then close every ``cadence_ms`` (the core still keeps ``ledger_min_close_ms`` of open
        time, and the rule that more than half the proposers having closed closes ours)."""
        if len(self.master.open.applied) >= self._max_open:
            return True
        if self.cadence_ms is None or self._last_close_at is None:
            return False
        return self._clock() - self._last_close_at >= self.cadence_ms

    def on_close(self, prev_ledger: RCLCxLedger, now: int, mode: ConsensusMode) -> RCLTxSet:
        """Our initial position: the open ledger's transactions (rippled's ``onClose``)."""
        self._set_phase("establish")
        self._last_close_at = now
        if self.master.closed_ledger.hash != prev_ledger.id:
            # The round switched ledgers: the master follows before the build needs it.
            self._queue(lambda: self._follow_quietly(prev_ledger))
        tx_set = RCLTxSet.of(self.master.open_ledger_transactions())
        self._remember_set(tx_set)
        return tx_set

    def on_accept(self, result: ConsensusResult[RCLTxSet, NodeID], prev_ledger: RCLCxLedger) -> None:
        self._set_phase("accepted")
        self._queue(lambda: self._build(result, prev_ledger))

    def propose(self, proposal: Proposal[NodeID]) -> None:
        self.outbox.send(MessageKind.PROPOSAL, encode_proposal(proposal))

    def share_tx_set(self, tx_set: RCLTxSet) -> None:
        """Our position's set goes to every peer with it, so nobody spends a request round trip
        fetching it — as its transactions' IDs (TX_SET_IDS, 32 bytes a transaction): every peer
        got the blobs with the relay, and rebuilds the set from them and its own position. A
        peer missing a blob asks for the whole set by ID (GET_TX_SET), as before."""
        self._remember_set(tx_set)
        self._position_set = tx_set
        self.outbox.send(
            MessageKind.TX_SET_IDS, encode_tx_set_ids(tx_set.id, [tx_id for tx_id, _ in tx_set.blobs()])
        )

    def share_tx(self, tx_id: Hash256, holder: RCLTxSet) -> None:
        """A disputed transaction goes into our open ledger, so that if this round leaves it
        out, our next position holds it (rippled's ``share(Tx)``). Unlike rippled it is not
        broadcast again: every peer got it with the original relay (QoS 1 over the broker) or
        with the pushed set that disputes it, and re-sending every disputed transaction on
        every validator floods the outbox in exactly the rounds that need proposals to move
        fast."""
        blob = holder.blob(tx_id)
        if blob is not None and tx_id not in self.master.open.applied:
            self.master.submit_relayed(blob)

    def on_mode_change(self, before: ConsensusMode, after: ConsensusMode) -> None:
        self.log.info("consensus mode %s -> %s", before.value, after.value)

    # --- what peers send ----------------------------------------------------------------------

    def on_proposal(self, envelope: Envelope) -> None:
        now = self._clock()
        proposal = decode_proposal(envelope.payload, envelope.sender, now)
        self._remember_source(self._set_sources, proposal.position, envelope.sender)
        self._remember_source(self._ledger_sources, proposal.prev_ledger, envelope.sender)
        self.consensus.peer_proposal(now, proposal)

    def on_validation(self, signed: SignedValidation) -> ValStatus:
        """A validation, from a peer (signature checked by the overlay) or our own."""
        validation = signed.validation
        self._remember_source(self._ledger_sources, validation.ledger_id, validation.node_id)
        self._ledger_seqs[validation.ledger_id] = validation.seq
        self._ledger_seqs.move_to_end(validation.ledger_id)
        while len(self._ledger_seqs) > SOURCES_KEPT:
            self._ledger_seqs.popitem(last=False)
        status = self.consensus.got_validation(self._clock(), validation)
        if status is ValStatus.CONFLICTING:
            self.stats.conflicts += 1
            self.log.warning(
                "conflicting validations from %s for ledger %d: not counted",
                encode_node_public(validation.node_id),
                validation.seq,
            )
        elif status is ValStatus.CURRENT:
            self.master.publish(
                ValidationEvent(
                    ledger_hash=validation.ledger_id,
                    ledger_seq=validation.seq,
                    close_time=signed.close_time,
                    signing_time=validation.sign_time // 1000,
                    full=validation.full,
                    validation_public_key=encode_node_public(validation.node_id),
                    network_id=self._network_id,
                )
            )
            self.schedule_advance()
        return status

    def on_tx_set_ids(self, envelope: Envelope) -> None:
        """A peer's position set pushed as IDs: rebuilt from our own position and the blobs we
        hold (the open ledger's, the relay's), checked against its ID. When a blob is missing
        here nothing happens: the peer's proposal names the set, and the round fetches it."""
        set_id, tx_ids = decode_tx_set_ids(envelope.payload)
        if set_id in self.tx_sets:
            return
        self.stats.sets_by_id += 1
        applied = self.master.open.applied
        known_blob = self.known_blob

        def find(tx_id: Hash256) -> bytes | None:
            tx = applied.get(tx_id)
            return tx.blob if tx is not None else known_blob(tx_id)

        tx_set = RCLTxSet.from_ids(tx_ids, self._position_set, find)
        if tx_set is None:
            self.stats.sets_by_id_incomplete += 1
            return
        if tx_set.id != set_id:
            raise PeerMessageError("a transaction set that does not hash to its ID")
        self._on_tx_set_acquired(tx_set)

    def serve_tx_set(self, envelope: Envelope) -> bytes | None:
        """GET_TX_SET: the set, if we hold it (silence lets another peer answer)."""
        try:
            set_id = decode_get_tx_set(envelope.payload)
        except PeerMessageError:
            return None
        tx_set = self.tx_sets.get(set_id)
        if tx_set is None:
            return None
        return encode_tx_set(set_id, [blob for _, blob in tx_set.blobs()])

    def serve_ledger(self, envelope: Envelope) -> bytes | None:
        """GET_LEDGER: what a peer needs to rebuild a ledger — from memory, or (replay only)
        from the store for older ledgers."""
        try:
            ledger_hash, mode = decode_get_ledger(envelope.payload)
        except PeerMessageError:
            return None
        held = self.ledgers.get(ledger_hash)
        if held is not None:
            return ledger_data(held.ledger, mode)
        in_master = self.master.ledger_by_hash(ledger_hash)
        if in_master is not None:
            return ledger_data(in_master, mode)
        if mode is not LedgerMode.REPLAY:
            return None
        store = self.master.store
        stored = store.ledger_by_hash(ledger_hash)
        if stored is None:
            return None
        records = store.ledger_transactions(stored.seq)
        return encode_ledger_data(
            ledger_hash, mode, stored.header, [(r.tx_blob, r.meta_blob) for r in records]
        )

    # --- rounds -------------------------------------------------------------------------------

    def lcl(self) -> RCLCxLedger:
        """The ledger master's last closed ledger, as the round sees it."""
        closed = self.master.closed_ledger
        found = self.ledgers.get(Hash256(closed.hash))
        if found is not None:
            return found
        parent = self.ledgers.get(Hash256(closed.header.parent_hash))
        wrapped = (
            RCLCxLedger.child_of(parent, closed)
            if parent is not None
            else RCLCxLedger.without_history(closed)
        )
        self._add_ledger(wrapped)
        return wrapped

    def start_round(self) -> None:
        """Start a round on the last closed ledger (first round, or a restart after the node
        was disconnected)."""
        self.consensus.start_round(self._clock(), self.lcl(), proposing=self.should_propose())
        self._set_phase("open")

    def ledger(self, ledger_id: Hash256) -> RCLCxLedger | None:
        return self.ledgers.get(ledger_id)

    # --- jobs ---------------------------------------------------------------------------------

    async def run_jobs(self) -> None:
        """Run queued jobs one at a time, in order (the only writer of the master's chain)."""
        while True:
            job = await self._jobs.get()
            try:
                await job()
            except Exception:
                # A bug in one job must not stop consensus: log it and carry on from the
                # master's last closed ledger.
                self.log.exception("consensus job failed")
                if self.consensus.phase is ConsensusPhase.ACCEPTED:
                    self.start_round()

    def _queue(self, job: Job) -> None:
        self._jobs.put_nowait(job)

    def schedule_advance(self) -> None:
        """Check for newly fully validated ledgers (once per batch of reasons)."""
        if not self._advance_queued:
            self._advance_queued = True
            self._queue(self._advance_validated)

    async def _build(self, result: ConsensusResult[RCLTxSet, NodeID], prev: RCLCxLedger) -> None:
        """Build the agreed ledger, validate it if the round says so, start the next round
        (rippled's ``doAccept``)."""
        if not self._may_build_on(prev):
            self.stats.refused_builds += 1
            self.log.warning("not building on %r: it does not descend from our validated ledger", prev)
            self.start_round()
            return
        if not await self._follow(prev):
            self.stats.refused_builds += 1
            self.start_round()
            return
        flags = 0 if result.close_agree else CLOSE_FLAG_NO_CONSENSUS_TIME
        started = time.monotonic()
        ledger = await self.master.accept(
            self._transactions_of(result.txns), result.close_time, result.close_resolution, flags
        )
        built = RCLCxLedger.child_of(prev, ledger)
        self._add_ledger(built)
        self.stats.built += 1
        self.log.info(
            "built ledger %d (%d txs, %d ms) %s: %s after %d ms with %d proposers, %d disputed%s",
            built.seq,
            len(ledger.txs),
            round((time.monotonic() - started) * 1000),
            built.id.hex()[:12],
            result.state.value,
            result.round_time,
            result.proposers,
            len(result.disputed),
            ", validating" if result.validate else "",
        )
        self.last_close = LastClose(result.proposers, result.round_time)
        if result.validate:
            await self._validate(built)
        self.schedule_advance()
        self.consensus.start_round(self._clock(), built, proposing=self.should_propose())
        self._set_phase("open")

    async def _validate(self, ledger: RCLCxLedger) -> None:
        assert self._state is not None
        # Durable before it leaves the node: never two ledgers validated at one sequence.
        if not self._state.covers(ledger.seq):
            await asyncio.to_thread(self._state.record, ledger.seq)
        validation = Validation(ledger.id, ledger.seq, self._clock(), self._node_id, True)
        signed = SignedValidation(validation, ledger.close_time)
        self.outbox.send(MessageKind.VALIDATION, encode_validation(signed))
        self.stats.validations_sent += 1
        self.on_validation(signed)

    async def _advance_validated(self) -> None:
        """Mark the newest fully validated ledger and its ancestors validated (rippled's
        ``checkAccept`` / ``setFullyValidated``), fetching or adopting them as needed."""
        self._advance_queued = False
        latest = self.consensus.validations.latest_fully_validated()
        validated = self.master.validated_ledger
        if latest is None or latest[0] <= validated.seq:
            return
        ledger_id = latest[1]
        target = self.ledgers.get(ledger_id)
        if target is None:
            self.inbound_ledgers.want(ledger_id, self._ledger_sources.get(ledger_id))
            return
        chain = self._chain_above_validated(target)
        if chain is None:
            self.stats.forks_refused += 1
            self.log.critical("the network fully validated %r, which contradicts our validated ledger", target)
            return
        if not self._on_master_chain(target) and not await self._follow(target):
            return
        for ledger in chain:
            await self.master.mark_validated(ledger.ledger)
            self.stats.marked_validated += 1
        self._prune()

    def _chain_above_validated(self, target: RCLCxLedger) -> list[RCLCxLedger] | None:
        """``target`` and its held ancestors above our validated ledger, oldest first; None if
        the chain reaches our validated sequence at another ledger (a fork)."""
        validated = self.master.validated_ledger
        chain: list[RCLCxLedger] = []
        walk: RCLCxLedger | None = target
        while walk is not None and walk.seq > validated.seq:
            chain.append(walk)
            walk = self.ledgers.get(walk.parent_id)
        if walk is not None and walk.id != validated.hash:
            return None
        chain.reverse()
        return chain

    def _may_build_on(self, prev: RCLCxLedger) -> bool:
        """Whether ``prev`` descends from our validated ledger, or the network fully validated
        it (or one of its known ancestors above ours)."""
        validated = self.master.validated_ledger
        if prev.seq < validated.seq:
            return False
        if prev.descends_from(validated.seq, validated.hash):
            return True
        validations = self.consensus.validations
        for seq in range(prev.seq, max(validated.seq, prev.seq - len(prev.ancestry)), -1):
            if validations.fully_validated(seq) == prev.ancestor(seq):
                return True
        return False

    def _on_master_chain(self, ledger: RCLCxLedger) -> bool:
        closed = self.master.closed_ledger
        if ledger.seq > closed.seq:
            return False
        held = self.master.ledger_by_seq(ledger.seq)
        return held is not None and held.hash == ledger.id

    async def _follow_quietly(self, target: RCLCxLedger) -> None:
        if self._may_build_on(target):
            await self._follow(target)

    async def _follow(self, target: RCLCxLedger) -> bool:
        """Make ``target`` the master's last closed ledger: adopt the ledgers between the fork
        point and it, oldest first, offering the abandoned ledgers' transactions to the new
        open ledger (rippled's ``switchLCL``). False (and nothing changed) if that would move
        the master off its validated ledger."""
        master = self.master
        closed = master.closed_ledger
        if closed.hash == target.id:
            return True
        segment: list[RCLCxLedger] = []
        walk: RCLCxLedger | None = target
        while walk is not None and not self._on_master_chain(walk):
            segment.append(walk)
            walk = self.ledgers.get(walk.parent_id)
        fork_seq = walk.seq if walk is not None else segment[-1].seq - 1
        validated = master.validated_ledger
        if fork_seq < validated.seq or (not segment and target.seq < validated.seq):
            self.log.error("refusing to leave validated ledger %d for %r", validated.seq, target)
            return False
        abandoned: list[Transaction] = []
        for seq in range(fork_seq + 1, closed.seq + 1):
            old = master.ledger_by_seq(seq)
            if old is not None:
                abandoned.extend(_decode_all(blob for _, blob, _ in old.transactions()))
        self.stats.switches += 1
        self.log.info("switching from ledger %d to %r", closed.seq, target)
        if not segment:
            # An ancestor of our last closed ledger: step back to it.
            parent = self.ledgers.get(target.parent_id)
            await master.switch_to(target.ledger, parent.ledger if parent else None, abandoned)
            return True
        parent = walk
        for index, ledger in enumerate(reversed(segment)):
            last = index == len(segment) - 1
            await master.switch_to(
                ledger.ledger,
                parent.ledger if parent is not None else None,
                abandoned if last else (),
                reopen=last,
            )
            parent = ledger
        return True

    # --- bookkeeping --------------------------------------------------------------------------

    def _transactions_of(self, tx_set: RCLTxSet) -> list[Transaction]:
        """The set's transactions, decoded (each once: the set or the open ledger usually holds
        it decoded already). An undecodable blob is left out: it cannot apply anywhere."""
        applied = self.master.open.applied
        out: list[Transaction] = []
        for tx_id, blob in tx_set.blobs():
            tx = tx_set.decoded(tx_id) or applied.get(tx_id)
            if tx is None:
                try:
                    tx = Transaction.from_blob(blob)
                except MalformedTransaction:
                    continue
            out.append(tx)
        return out

    def _remember_set(self, tx_set: RCLTxSet) -> None:
        self.tx_sets[tx_set.id] = tx_set
        self.tx_sets.move_to_end(tx_set.id)
        while len(self.tx_sets) > TX_SETS_KEPT:
            self.tx_sets.popitem(last=False)

    def _add_ledger(self, ledger: RCLCxLedger) -> None:
        self.ledgers[ledger.id] = ledger
        if len(self.ledgers) > LEDGERS_KEPT + ANCESTRY_WINDOW:
            # Validation has not advanced for a long while: keep memory bounded anyway.
            self._prune()

    def _prune(self) -> None:
        """Forget ledgers far below the validated one (peers get those from the store)."""
        floor = self.master.validated_ledger.seq - ANCESTRY_WINDOW
        if len(self.ledgers) <= LEDGERS_KEPT and not any(
            ledger.seq < floor for ledger in self.ledgers.values()
        ):
            return
        keep = sorted(self.ledgers.values(), key=lambda ledger: ledger.seq)
        keep = [ledger for ledger in keep if ledger.seq >= floor][-LEDGERS_KEPT:]
        self.ledgers = {ledger.id: ledger for ledger in keep}

    def _on_ledger_acquired(self, ledger: RCLCxLedger) -> None:
        self._add_ledger(ledger)
        self.schedule_advance()

    def _on_tx_set_acquired(self, tx_set: RCLTxSet) -> None:
        self._remember_set(tx_set)
        self.consensus.got_tx_set(self._clock(), tx_set)

    def _remember_source(self, table: OrderedDict[Hash256, NodeID], key: Hash256, peer: NodeID) -> None:
        """Remember which peer named a set or ledger: the first one to ask for it."""
        if peer == self._node_id:
            return
        table[key] = peer
        table.move_to_end(key)
        while len(table) > SOURCES_KEPT:
            table.popitem(last=False)

    def _set_phase(self, phase: str) -> None:
        if phase != self.phase:
            self.phase = phase
            self.master.publish(ConsensusPhaseEvent(phase))




def _decode_all(blobs: Iterable[bytes]) -> list[Transaction]:
    out: list[Transaction] = []
    for blob in blobs:
        try:
            out.append(Transaction.from_blob(blob))
        except MalformedTransaction:
            continue
    return out
