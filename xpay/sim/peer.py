"""A simulated validator: the consensus adaptor over toy ledgers and the simulated network, as
rippled's ``csf::Peer``.

Each ``SimPeer`` runs one ``xpay.consensus.Consensus`` and implements its ``Adaptor``:

- transactions: submitted ones are broadcast to every peer; each peer keeps those not yet in
  its chain as its open ledger, and proposes them at close. Disputed transactions are
  re-broadcast so everyone has them for the next round.
- ledgers: built on accept (after ``build_delay_ms``, as the ledger master would) by applying
  the agreed set to the parent, skipping transactions already in the chain (the XRPL rejects
  a replay); fetched from peers when missing (``LedgerRequest`` answered with the ledger and up
  to 256 ancestors), after ``ACQUIRE_DELAY_MS`` so a ledger we are about to build ourselves is
  not requested.
- validations: signed when the round says ``validate``, broadcast, and relayed once when new,
  so that two different validations from one validator meet somewhere and are caught.
- full validation: when a quorum validated a ledger, the peer adopts it and its ancestors as
  its fully validated chain and tells the collectors.

Crash and restart: a crashed peer receives nothing and its timers stop; on restart it has lost
everything in memory (consensus state, validations, open transactions, unvalidated ledgers)
but keeps its fully validated chain and the largest sequence it ever validated — what a node
keeps in its database — and catches up by acquiring ledgers from its peers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from xpay.consensus.consensus import Consensus
from xpay.consensus.consensus_types import ConsensusMode, ConsensusResult
from xpay.consensus.parms import ConsensusParms
from xpay.consensus.proposal import Proposal
from xpay.consensus.validations import Validation, ValStatus
from xpay.protocol.ids import Hash256, NodeID
from xpay.sim.collectors import Collectors
from xpay.sim.ledger import ANCESTRY_WINDOW, SimLedger, SimTxSet
from xpay.sim.messages import (
    LedgerReply,
    LedgerRequest,
    ProposalMessage,
    TxMessage,
    TxSetMessage,
    TxSetRequest,
    ValidationMessage,
)
from xpay.sim.network import Network
from xpay.sim.scheduler import Scheduler

ACQUIRE_DELAY_MS = 100
"""Wait this long before asking peers for a ledger: we may be about to build it ourselves."""
RETRY_MS = 500
"""Ask again after this long without an answer."""
GIVE_UP_MS = 10_000
"""Stop asking for something nobody has (a Byzantine peer's invented ledger)."""
SEEN_LIMIT = 4096
"""Relayed messages remembered to suppress repeats (rippled's HashRouter)."""


@dataclass
class PeerEnv:
    """What every peer of one simulation shares."""

    scheduler: Scheduler
    network: Network
    collectors: Collectors
    parms: ConsensusParms
    unl: tuple[NodeID, ...]
    genesis: SimLedger
    epoch_ms: int
    """Network time (ms since the XRPL epoch) at virtual time zero."""
    build_delay_ms: int = 5
    queue_limit: int = 10_000


@dataclass
class _Want:
    first: int
    last_sent: int | None = None


class SimPeer:
    """One simulated validator (or tracking node, with ``validator=False``)."""

    def __init__(
        self,
        index: int,
        node_id: NodeID,
        env: PeerEnv,
        *,
        validator: bool = True,
        clock_skew_ms: int = 0,
        rng: random.Random | None = None,
    ) -> None:
        self.index = index
        self._node_id = node_id
        self._validator = validator
        self.env = env
        self.clock_skew_ms = clock_skew_ms
        self.rng = rng if rng is not None else random.Random(index)
        # Persistent: survives a crash, as a node's database does.
        self.validated_chain: list[SimLedger] = [env.genesis]
        self.largest_issued = 0
        self.running = False
        self._generation = 0
        self._reset_memory()
        env.network.register(index, self.receive)

    # --- lifecycle ----------------------------------------------------------------------------

    def _reset_memory(self) -> None:
        validated = self.validated_chain[-1]
        self.ledgers: dict[Hash256, SimLedger] = {ledger.id: ledger for ledger in self.validated_chain}
        self._orphans: dict[Hash256, SimLedger] = {}
        self.lcl = validated
        self._chain_txs: set[Hash256] = set()
        for ledger in self.validated_chain:
            self._chain_txs |= ledger.txs
        self.open_txs: dict[Hash256, None] = {}
        self.tx_sets: dict[Hash256, SimTxSet] = {}
        self._wanted_ledgers: dict[Hash256, _Want] = {}
        self._wanted_sets: dict[Hash256, _Want] = {}
        self._seen: dict[tuple[object, ...], None] = {}
        self.consensus: Consensus[SimLedger, SimTxSet, NodeID] = Consensus(
            self,
            self.env.parms,
            validated=(validated.seq, validated.id),
            largest_issued_seq=self.largest_issued,
        )

    def start(self) -> None:
        """Start the first round and the heartbeat timer, at a random phase of the timer."""
        self.running = True
        generation = self._generation
        offset = self.rng.randrange(self.env.parms.ledger_granularity_ms)
        self.env.scheduler.after(offset, lambda: self._tick(generation))
        self.consensus.start_round(self.now(), self.lcl)

    def crash(self) -> None:
        """Stop: nothing in, nothing out, no timers; in-memory state is gone."""
        self.running = False
        self._generation += 1
        self.env.network.set_down(self.index, True)

    def restart(self) -> None:
        """Come back with only the persistent state, and catch up."""
        self.env.network.set_down(self.index, False)
        self.env.collectors.on_restart(self.index)
        self._reset_memory()
        self.start()

    def now(self) -> int:
        """This peer's network clock, ms since the XRPL epoch (skewed as configured)."""
        return self.env.epoch_ms + self.env.scheduler.now + self.clock_skew_ms

    @property
    def validated(self) -> SimLedger:
        return self.validated_chain[-1]

    def _tick(self, generation: int) -> None:
        if generation != self._generation:
            return
        now = self.now()
        self.consensus.timer_entry(now)
        self._service_wants(now)
        self.env.scheduler.after(
            self.env.parms.ledger_granularity_ms, lambda: self._tick(generation)
        )

    # --- transactions ---------------------------------------------------------------------------

    def submit(self, tx_id: Hash256) -> None:
        """A client submits a transaction here: keep it and broadcast it."""
        self._add_open_tx(tx_id)
        self.env.network.broadcast(self.index, TxMessage(tx_id))

    def _add_open_tx(self, tx_id: Hash256) -> None:
        if tx_id not in self._chain_txs:
            self.open_txs[tx_id] = None

    # --- the consensus adaptor ------------------------------------------------------------------

    @property
    def node_id(self) -> NodeID:
        return self._node_id

    @property
    def validator(self) -> bool:
        return self._validator

    def unl(self) -> tuple[NodeID, ...]:
        return self.env.unl

    def acquire_ledger(self, ledger_id: Hash256) -> SimLedger | None:
        ledger = self.ledgers.get(ledger_id)
        if ledger is None:
            self._want(self._wanted_ledgers, ledger_id)
        return ledger

    def acquire_tx_set(self, set_id: Hash256) -> SimTxSet | None:
        tx_set = self.tx_sets.get(set_id)
        if tx_set is None and set_id not in self._wanted_sets:
            # Sets are small and usually already on their way: ask at once.
            want = self._want(self._wanted_sets, set_id)
            want.last_sent = self.now()
            self.env.network.broadcast(self.index, TxSetRequest(set_id))
        return tx_set

    def has_open_transactions(self) -> bool:
        return bool(self.open_txs)

    def open_queue_full(self) -> bool:
        return len(self.open_txs) >= self.env.queue_limit

    def on_close(self, prev_ledger: SimLedger, now: int, mode: ConsensusMode) -> SimTxSet:
        self._set_lcl(prev_ledger)
        self.env.collectors.on_close(self.index, self.env.scheduler.now)
        tx_set = SimTxSet.of(self.open_txs)
        self.tx_sets[tx_set.id] = tx_set
        return tx_set

    def on_accept(self, result: ConsensusResult[SimTxSet, NodeID], prev_ledger: SimLedger) -> None:
        self.env.collectors.on_accept(self.index, result)
        generation = self._generation
        self.env.scheduler.after(
            self.env.build_delay_ms, lambda: self._build(generation, result, prev_ledger)
        )

    def propose(self, proposal: Proposal[NodeID]) -> None:
        self.env.network.broadcast(self.index, ProposalMessage(proposal))

    def share_tx_set(self, tx_set: SimTxSet) -> None:
        self.tx_sets[tx_set.id] = tx_set
        self.env.network.broadcast(self.index, TxSetMessage(tx_set))

    def share_tx(self, tx_id: Hash256, holder: SimTxSet) -> None:
        self._add_open_tx(tx_id)
        self.env.network.broadcast(self.index, TxMessage(tx_id))

    def on_mode_change(self, before: ConsensusMode, after: ConsensusMode) -> None:
        return None

    # --- building and validating -----------------------------------------------------------------

    def _build(
        self, generation: int, result: ConsensusResult[SimTxSet, NodeID], prev: SimLedger
    ) -> None:
        if generation != self._generation:
            return
        self._set_lcl(prev)
        # Applying a transaction already in the chain fails, so it is left out.
        txs = frozenset(tx for tx in result.txns.txs if tx not in self._chain_txs)
        ledger = prev.child(txs, result.close_time, result.close_resolution, result.close_agree)
        self.ledgers[ledger.id] = ledger
        self._set_lcl(ledger)
        now = self.now()
        if result.validate:
            self.largest_issued = ledger.seq
            validation = Validation(ledger.id, ledger.seq, now, self._node_id)
            self._send_validation(validation)
            self._on_validation(self.index, validation)
        self._check_fully_validated()
        self.consensus.start_round(now, ledger)

    def _send_validation(self, validation: Validation[NodeID]) -> None:
        self._remember(_validation_key(validation))
        self.env.network.broadcast(self.index, ValidationMessage(validation))

    def _set_lcl(self, ledger: SimLedger) -> None:
        """Make ``ledger`` our last closed ledger, keeping the open transactions in step: those
        now in the chain leave the open set, those of abandoned ledgers come back."""
        old = self.lcl
        if ledger.id == old.id:
            return
        if ledger.parent_id == old.id:
            added = [ledger]
            removed: list[SimLedger] = []
        else:
            added, removed = self._branch_difference(old, ledger)
        for gone in removed:
            self._chain_txs -= gone.txs
            for tx_id in sorted(gone.txs):
                self.open_txs[tx_id] = None
        for new in added:
            self._chain_txs |= new.txs
            for tx_id in new.txs:
                self.open_txs.pop(tx_id, None)
        self.lcl = ledger

    def _branch_difference(
        self, old: SimLedger, new: SimLedger
    ) -> tuple[list[SimLedger], list[SimLedger]]:
        """Ledgers on ``new``'s branch and on ``old``'s branch since their common ancestor."""
        added: list[SimLedger] = []
        removed: list[SimLedger] = []
        a, b = old, new
        while a.seq > b.seq:
            removed.append(a)
            a = self.ledgers[a.parent_id]
        while b.seq > a.seq:
            added.append(b)
            b = self.ledgers[b.parent_id]
        while a.id != b.id:
            removed.append(a)
            added.append(b)
            a = self.ledgers[a.parent_id]
            b = self.ledgers[b.parent_id]
        added.reverse()
        return added, removed

    def _check_fully_validated(self) -> None:
        """Adopt the newest ledger a quorum validated, with its ancestors, as fully validated."""
        latest = self.consensus.validations.latest_fully_validated()
        previous = self.validated
        if latest is None or latest[0] <= previous.seq:
            return
        ledger = self.ledgers.get(latest[1])
        if ledger is None:
            self._want(self._wanted_ledgers, latest[1])
            return
        newly: list[SimLedger] = []
        walk = ledger
        while walk.seq > previous.seq:
            newly.append(walk)
            walk = self.ledgers[walk.parent_id]
        now = self.env.scheduler.now
        if walk.id != previous.id:
            self.env.collectors.on_chain_break(self.index, previous, ledger)
        for adopted in reversed(newly):
            self.validated_chain.append(adopted)
            self.env.collectors.on_fully_validated(self.index, adopted, now)

    # --- receiving ----------------------------------------------------------------------------

    def receive(self, src: int, message: object) -> None:
        """Handle a message from peer ``src``; anything unexpected is garbage."""
        if not self.running:
            return
        now = self.now()
        if isinstance(message, ProposalMessage):
            self.consensus.peer_proposal(now, message.proposal)
        elif isinstance(message, ValidationMessage):
            self._on_validation(src, message.validation)
        elif isinstance(message, TxMessage):
            self._add_open_tx(message.tx_id)
        elif isinstance(message, TxSetMessage):
            tx_set = message.tx_set
            self.tx_sets[tx_set.id] = tx_set
            self._wanted_sets.pop(tx_set.id, None)
            self.consensus.got_tx_set(now, tx_set)
        elif isinstance(message, TxSetRequest):
            found = self.tx_sets.get(message.set_id)
            if found is not None:
                self.env.network.send(self.index, src, TxSetMessage(found))
        elif isinstance(message, LedgerRequest):
            self._answer_ledger_request(src, message)
        elif isinstance(message, LedgerReply):
            self._on_ledgers(message.ledgers)
        else:
            self.env.collectors.on_garbage(self.index)

    def _on_validation(self, src: int, validation: Validation[NodeID]) -> None:
        status = self.consensus.got_validation(self.now(), validation)
        self.env.collectors.on_validation(self.index, status)
        if status is ValStatus.CURRENT:
            key = _validation_key(validation)
            if self._remember(key):
                origin = self._index_of(validation.node_id)
                exclude = (src,) if origin is None else (src, origin)
                self.env.network.broadcast(self.index, ValidationMessage(validation), exclude)
            self._check_fully_validated()

    def _index_of(self, node_id: NodeID) -> int | None:
        try:
            return self.env.unl.index(node_id)
        except ValueError:
            return None

    def _remember(self, key: tuple[object, ...]) -> bool:
        """Remember a relayed message; return False if it was already seen."""
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > SEEN_LIMIT:
            del self._seen[next(iter(self._seen))]
        return True

    def _answer_ledger_request(self, src: int, request: LedgerRequest) -> None:
        ledger = self.ledgers.get(request.ledger_id)
        if ledger is None:
            return
        chain = [ledger]
        while (
            len(chain) < ANCESTRY_WINDOW
            and chain[-1].seq - 1 > request.have_seq
            and chain[-1].parent_id in self.ledgers
        ):
            chain.append(self.ledgers[chain[-1].parent_id])
        self.env.network.send(self.index, src, LedgerReply(tuple(chain)))

    def _on_ledgers(self, ledgers: tuple[SimLedger, ...]) -> None:
        for ledger in ledgers:
            if ledger.id not in self.ledgers:
                self._orphans[ledger.id] = ledger
        # Connect orphans whose parent we hold, lowest sequence first.
        for ledger in sorted(self._orphans.values(), key=lambda lgr: lgr.seq):
            if ledger.parent_id in self.ledgers:
                self.ledgers[ledger.id] = ledger
                del self._orphans[ledger.id]
                self._wanted_ledgers.pop(ledger.id, None)
        for ledger in list(self._orphans.values()):
            if ledger.parent_id not in self._orphans:
                self._want(self._wanted_ledgers, ledger.parent_id)
        self._check_fully_validated()

    def _want(self, wanted: dict[Hash256, _Want], item: Hash256) -> _Want:
        want = wanted.get(item)
        if want is None:
            want = wanted[item] = _Want(self.now())
        return want

    def _service_wants(self, now: int) -> None:
        for ledger_id, want in list(self._wanted_ledgers.items()):
            if ledger_id in self.ledgers or now - want.first > GIVE_UP_MS:
                del self._wanted_ledgers[ledger_id]
            elif (want.last_sent is None and now - want.first >= ACQUIRE_DELAY_MS) or (
                want.last_sent is not None and now - want.last_sent >= RETRY_MS
            ):
                want.last_sent = now
                request = LedgerRequest(ledger_id, self.validated.seq)
                self.env.network.broadcast(self.index, request)
        for set_id, want in list(self._wanted_sets.items()):
            if set_id in self.tx_sets or now - want.first > GIVE_UP_MS:
                del self._wanted_sets[set_id]
            elif want.last_sent is not None and now - want.last_sent >= RETRY_MS:
                want.last_sent = now
                self.env.network.broadcast(self.index, TxSetRequest(set_id))


def _validation_key(validation: Validation[NodeID]) -> tuple[object, ...]:
    return ("val", validation.node_id, validation.seq, validation.ledger_id, validation.sign_time)
