"""The consensus round driven by hand through a recording adaptor (rippled's Consensus_test
single-node cases, restated): closing, proposing, disputes, close-time agreement, wrong
ledgers, bow-outs, stale positions, moved-on, laggard pauses."""

from __future__ import annotations

from collections.abc import Iterable

from xpay.consensus import (
    SEQ_LEAVE,
    Consensus,
    ConsensusMode,
    ConsensusParms,
    ConsensusPhase,
    ConsensusResult,
    ConsensusState,
    Proposal,
    Validation,
)
from xpay.protocol.ids import Hash256
from xpay.sim.ledger import SimLedger, SimTxSet, sha512_half

T0 = 760_000_000_000  # ms since the XRPL epoch
PEERS = ("p1", "p2", "p3", "p4")
UNL = ("me", *PEERS)


def tx(n: int) -> Hash256:
    return sha512_half(b"tx", bytes([n]))


class RecordingAdaptor:
    """Implements the Adaptor protocol and records what the core asks of it."""

    def __init__(self, genesis: SimLedger) -> None:
        self.node_id = "me"
        self.validator = True
        self.ledgers = {genesis.id: genesis}
        self.tx_sets: dict[Hash256, SimTxSet] = {}
        self.open_txs: set[Hash256] = set()
        self.queue_full = False
        self.proposals: list[Proposal[str]] = []
        self.shared_sets: list[Hash256] = []
        self.shared_txs: list[Hash256] = []
        self.accepted: list[tuple[ConsensusResult[SimTxSet, str], SimLedger]] = []
        self.modes: list[ConsensusMode] = []
        self.wanted_ledgers: list[Hash256] = []

    def unl(self) -> tuple[str, ...]:
        return UNL

    def acquire_ledger(self, ledger_id: Hash256) -> SimLedger | None:
        ledger = self.ledgers.get(ledger_id)
        if ledger is None:
            self.wanted_ledgers.append(ledger_id)
        return ledger

    def acquire_tx_set(self, set_id: Hash256) -> SimTxSet | None:
        return self.tx_sets.get(set_id)

    def has_open_transactions(self) -> bool:
        return bool(self.open_txs)

    def open_queue_full(self) -> bool:
        return self.queue_full

    def on_close(self, prev_ledger: SimLedger, now: int, mode: ConsensusMode) -> SimTxSet:
        return SimTxSet.of(self.open_txs)

    def on_accept(self, result: ConsensusResult[SimTxSet, str], prev_ledger: SimLedger) -> None:
        self.accepted.append((result, prev_ledger))

    def propose(self, proposal: Proposal[str]) -> None:
        self.proposals.append(proposal)

    def share_tx_set(self, tx_set: SimTxSet) -> None:
        self.shared_sets.append(tx_set.id)

    def share_tx(self, tx_id: Hash256, holder: SimTxSet) -> None:
        self.shared_txs.append(tx_id)

    def on_mode_change(self, before: ConsensusMode, after: ConsensusMode) -> None:
        self.modes.append(after)


GENESIS = SimLedger.genesis(T0 // 1000 - 1)


def setup(
    open_txs: Iterable[Hash256] = (), parms: ConsensusParms | None = None, *, proposing: bool = True
) -> tuple[RecordingAdaptor, Consensus[SimLedger, SimTxSet, str]]:
    adaptor = RecordingAdaptor(GENESIS)
    adaptor.open_txs = set(open_txs)
    consensus: Consensus[SimLedger, SimTxSet, str] = Consensus(
        adaptor, parms or ConsensusParms(), validated=(GENESIS.seq, GENESIS.id)
    )
    consensus.start_round(T0, GENESIS, proposing=proposing)
    return adaptor, consensus


def peer_set(adaptor: RecordingAdaptor, txs: Iterable[Hash256]) -> SimTxSet:
    tx_set = SimTxSet.of(txs)
    adaptor.tx_sets[tx_set.id] = tx_set
    return tx_set


def propose(
    consensus: Consensus[SimLedger, SimTxSet, str],
    now: int,
    peers: Iterable[str],
    tx_set: SimTxSet,
    *,
    close_time: int | None = None,
    seq: int = 0,
    prev: Hash256 = GENESIS.id,
) -> None:
    for peer in peers:
        ct = now // 1000 if close_time is None else close_time
        consensus.peer_proposal(now, Proposal(prev, tx_set.id, ct, now, peer, seq))


def run(consensus: Consensus[SimLedger, SimTxSet, str], start: int, end: int, step: int = 50) -> None:
    for now in range(start, end + 1, step):
        consensus.timer_entry(now)


def test_ledger_closes_after_the_interval_and_we_propose_our_open_set() -> None:
    adaptor, consensus = setup([tx(1), tx(2)])
    consensus.timer_entry(T0 + 999)
    assert consensus.phase is ConsensusPhase.OPEN
    consensus.timer_entry(T0 + 1000)
    assert consensus.phase is ConsensusPhase.ESTABLISH
    ours = SimTxSet.of([tx(1), tx(2)])
    assert [(p.position, p.propose_seq, p.close_time) for p in adaptor.proposals] == [
        (ours.id, 0, (T0 + 1000) // 1000)
    ]
    assert adaptor.shared_sets == [ours.id]


def test_full_queue_closes_the_ledger_early() -> None:
    adaptor, consensus = setup([tx(1)])
    adaptor.queue_full = True
    consensus.timer_entry(T0 + 150)
    assert consensus.phase is ConsensusPhase.OPEN
    consensus.timer_entry(T0 + 200)
    assert consensus.phase is ConsensusPhase.ESTABLISH


def test_agreeing_peers_give_consensus_after_the_minimum_time() -> None:
    adaptor, consensus = setup([tx(1)])
    ours = peer_set(adaptor, [tx(1)])
    close = T0 + 1000
    consensus.timer_entry(close)
    propose(consensus, close + 10, PEERS, ours)
    run(consensus, close + 50, close + 150)
    assert not adaptor.accepted
    consensus.timer_entry(close + 200)
    result, prev = adaptor.accepted[0]
    assert prev.id == GENESIS.id
    assert result.state is ConsensusState.YES and result.validate
    assert result.txns.id == ours.id and result.proposers == 4
    assert result.close_agree and result.close_time > GENESIS.close_time
    assert consensus.phase is ConsensusPhase.ACCEPTED


def test_a_transaction_most_peers_lack_is_dropped_from_our_position() -> None:
    adaptor, consensus = setup([tx(1), tx(2)])
    theirs = peer_set(adaptor, [tx(1)])
    close = T0 + 1000
    consensus.timer_entry(close)
    propose(consensus, close + 10, PEERS[:3], theirs)
    propose(consensus, close + 10, PEERS[3:], peer_set(adaptor, [tx(1), tx(2)]))
    assert tx(2) in consensus.disputes
    assert adaptor.shared_txs == [tx(2)]
    run(consensus, close + 50, close + 200)
    # We switched to the majority's set, sent it as propose_seq 1, and agreed.
    assert [p.propose_seq for p in adaptor.proposals][:2] == [0, 1]
    assert adaptor.proposals[1].position == theirs.id
    result, _ = adaptor.accepted[0]
    assert result.txns.id == theirs.id and tx(2) in result.disputed


def test_a_transaction_most_peers_have_is_added_to_our_position() -> None:
    adaptor, consensus = setup([tx(1)])
    theirs = peer_set(adaptor, [tx(1), tx(3)])
    close = T0 + 1000
    consensus.timer_entry(close)
    propose(consensus, close + 10, PEERS, theirs)
    run(consensus, close + 50, close + 250)
    result, _ = adaptor.accepted[0]
    assert result.txns.id == theirs.id


def test_proposals_from_outside_the_unl_and_our_own_are_ignored() -> None:
    adaptor, consensus = setup()
    empty = peer_set(adaptor, [])
    assert not consensus.peer_proposal(T0, Proposal(GENESIS.id, empty.id, T0 // 1000, T0, "stranger"))
    assert not consensus.peer_proposal(T0, Proposal(GENESIS.id, empty.id, T0 // 1000, T0, "me"))
    assert consensus.peer_positions == {}


def test_older_or_repeated_proposals_do_not_replace_newer_ones() -> None:
    adaptor, consensus = setup()
    first = peer_set(adaptor, [tx(1)])
    second = peer_set(adaptor, [tx(2)])
    propose(consensus, T0 + 10, ["p1"], second, seq=2)
    propose(consensus, T0 + 20, ["p1"], first, seq=1)
    assert consensus.peer_positions["p1"].position == second.id
    assert consensus.peer_positions["p1"].time == T0 + 10  # stamped on receipt


def test_a_peer_that_bows_out_is_ignored_for_the_rest_of_the_round() -> None:
    adaptor, consensus = setup()
    empty = peer_set(adaptor, [])
    propose(consensus, T0 + 10, ["p1"], empty)
    assert consensus.peer_proposal(
        T0 + 20, Proposal(GENESIS.id, empty.id, T0 // 1000, T0 + 20, "p1", SEQ_LEAVE)
    )
    assert "p1" not in consensus.peer_positions
    propose(consensus, T0 + 30, ["p1"], empty, seq=5)
    assert "p1" not in consensus.peer_positions


def test_stale_peer_positions_are_dropped() -> None:
    adaptor, consensus = setup()
    empty = peer_set(adaptor, [])
    close = T0 + 1000
    propose(consensus, close - 5, ["p1"], empty)
    consensus.timer_entry(close)
    run(consensus, close + 50, close + 150)
    assert "p1" in consensus.peer_positions
    parms = consensus.parms
    # Nothing new from p1 for longer than the freshness window while we keep waiting.
    consensus.timer_entry(close - 5 + parms.propose_freshness_ms)
    assert "p1" not in consensus.peer_positions


def test_alone_we_wait_for_the_maximum_consensus_time() -> None:
    adaptor, consensus = setup()
    close = T0 + 1000
    consensus.timer_entry(close)
    run(consensus, close + 50, close + consensus.parms.ledger_max_consensus_ms)
    assert not adaptor.accepted
    consensus.timer_entry(close + consensus.parms.ledger_max_consensus_ms + 50)
    assert adaptor.accepted[0][0].state is ConsensusState.YES


def test_scattered_close_times_make_validators_agree_to_disagree() -> None:
    adaptor, consensus = setup()
    empty = peer_set(adaptor, [])
    close = T0 + 1000
    consensus.timer_entry(close)
    # Five raw close times in five different 10 s bins: no bin reaches half the votes.
    for i, peer in enumerate(PEERS, start=1):
        consensus.peer_proposal(
            close + 10, Proposal(GENESIS.id, empty.id, close // 1000 + 10 * i, close + 10, peer)
        )
    run(consensus, close + 50, close + 200)
    assert adaptor.proposals[-1].close_time == 0
    assert not adaptor.accepted  # no close-time consensus yet
    for peer in PEERS:
        consensus.peer_proposal(close + 210, Proposal(GENESIS.id, empty.id, 0, close + 210, peer, 1))
    consensus.timer_entry(close + 250)
    result, _ = adaptor.accepted[0]
    assert not result.close_agree
    assert result.close_time == GENESIS.close_time + 1


def test_observer_never_proposes_or_validates() -> None:
    adaptor, consensus = setup([tx(1)], proposing=False)
    ours = peer_set(adaptor, [tx(1)])
    close = T0 + 1000
    consensus.timer_entry(close)
    propose(consensus, close + 10, PEERS, ours)
    run(consensus, close + 50, close + 250)
    assert adaptor.proposals == []
    result, _ = adaptor.accepted[0]
    assert result.mode is ConsensusMode.OBSERVING and not result.validate


def child(parent: SimLedger, *txs: Hash256) -> SimLedger:
    return parent.child(frozenset(txs), parent.close_time + 1, 10, True)


def test_validations_for_another_ledger_make_us_bow_out_and_switch() -> None:
    adaptor, consensus = setup([tx(1)])
    ours = child(GENESIS, tx(1))
    adaptor.ledgers[ours.id] = ours
    theirs = child(GENESIS, tx(2))
    consensus.start_round(T0, ours)
    close = T0 + 1000
    consensus.timer_entry(close)
    assert consensus.phase is ConsensusPhase.ESTABLISH
    for peer in PEERS:
        consensus.got_validation(close + 20, Validation(theirs.id, theirs.seq, close + 20, peer))
    consensus.timer_entry(close + 50)
    # Not held yet: we bowed out and wait for the network's ledger.
    assert adaptor.proposals[-1].propose_seq == SEQ_LEAVE
    assert consensus.mode is ConsensusMode.WRONG_LEDGER
    assert theirs.id in adaptor.wanted_ledgers
    adaptor.ledgers[theirs.id] = theirs
    consensus.timer_entry(close + 100)
    assert consensus.mode is ConsensusMode.SWITCHED_LEDGER
    assert consensus.prev_ledger_id == theirs.id
    assert consensus.phase is ConsensusPhase.OPEN
    assert consensus.validated == (theirs.seq, theirs.id)
    # Unlike rippled, a validator proposes in the round it switched into...
    assert consensus.proposing
    # ...and forgets the proposer count of a round that was not the network's.
    assert consensus.prev_proposers == 0
    consensus.timer_entry(close + 1100)
    assert adaptor.proposals[-1].prev_ledger == theirs.id
    assert adaptor.proposals[-1].propose_seq == 0


def test_validations_far_ahead_make_us_switch_to_the_network_ledger() -> None:
    adaptor, consensus = setup([tx(1)])
    nxt = child(GENESIS, tx(2))
    nxt2 = child(nxt)
    adaptor.ledgers[nxt.id] = nxt
    adaptor.ledgers[nxt2.id] = nxt2
    for peer in PEERS:
        consensus.got_validation(T0 + 20, Validation(nxt2.id, nxt2.seq, T0 + 20, peer))
    consensus.timer_entry(T0 + 50)
    assert consensus.prev_ledger_id == nxt2.id
    assert consensus.mode is ConsensusMode.SWITCHED_LEDGER


def test_moved_on_when_the_network_validated_our_next_ledger_without_us() -> None:
    adaptor, consensus = setup([tx(1)])
    close = T0 + 1000
    consensus.timer_entry(close)
    # The peers' set never reaches us, so we cannot move towards it.
    unobtainable = SimTxSet.of([tx(2)])
    propose(consensus, close + 10, PEERS, unobtainable)
    run(consensus, close + 50, close + 300)
    assert not adaptor.accepted
    # They agreed among themselves and validated the child of our previous ledger.
    theirs = child(GENESIS, tx(2))
    adaptor.ledgers[theirs.id] = theirs
    for peer in PEERS:
        consensus.got_validation(close + 320, Validation(theirs.id, theirs.seq, close + 320, peer))
    consensus.timer_entry(close + 350)
    result, prev = adaptor.accepted[0]
    assert result.state is ConsensusState.MOVED_ON
    assert prev.id == GENESIS.id
    assert not result.validate


def test_a_validator_ahead_of_its_validated_ledger_waits_for_laggards() -> None:
    assert accept_time_ahead_of_validated("level") == 200
    assert accept_time_ahead_of_validated("laggards") == ConsensusParms().ledger_max_pause_ms + 50


def test_a_validator_ahead_waits_to_see_a_ledger_several_validators_are_on() -> None:
    # Two validators (more than the one the UNL may lose) validated a ledger at our sequence
    # that we have not fetched: until we hold it we cannot weigh it.
    assert accept_time_ahead_of_validated("unseen") == ConsensusParms().ledger_max_pause_ms + 50


def accept_time_ahead_of_validated(others: str) -> int:
    l2 = child(GENESIS, tx(1))
    l3 = child(l2, tx(2))
    adaptor = RecordingAdaptor(GENESIS)
    for ledger in (l2, l3):
        adaptor.ledgers[ledger.id] = ledger
    consensus: Consensus[SimLedger, SimTxSet, str] = Consensus(
        adaptor, ConsensusParms(), validated=(GENESIS.seq, GENESIS.id)
    )
    consensus.start_round(T0, l3)
    empty = peer_set(adaptor, [])
    close = T0 + 1000
    consensus.timer_entry(close)
    # The others' latest validations: for ledger 3 like us ("level"), for ledger 2
    # ("laggards"), or two of them for another ledger 3 we cannot fetch ("unseen").
    unseen = child(l2, tx(9))
    for i, peer in enumerate(PEERS):
        behind = {"level": l3, "laggards": l2, "unseen": unseen if i < 2 else l3}[others]
        consensus.got_validation(close, Validation(behind.id, behind.seq, close, peer, full=False))
    propose(consensus, close + 10, PEERS, empty, prev=l3.id)
    now = close
    while not adaptor.accepted:
        now += 50
        consensus.timer_entry(now)
    assert adaptor.accepted[0][0].state is ConsensusState.YES
    return now - close


def test_simulate_accepts_our_position_at_once() -> None:
    adaptor, consensus = setup([tx(1)])
    consensus.simulate(T0 + 10)
    result, prev = adaptor.accepted[0]
    assert prev.id == GENESIS.id and tx(1) in result.txns
    assert result.state is ConsensusState.YES and result.round_time == 100
