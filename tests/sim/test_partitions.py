"""Network partitions of five validators with one shared UNL (quorum 4 of 5).

2 | 3 split: neither side can fully validate anything — the minority obviously, the majority
because three validations are fewer than the quorum of four. Both sides keep closing (and
signing validations for) their own ledgers, which diverge as each side gets different
transactions; nothing on either side reaches quorum, so there is no fork. After the heal the
validators see each other's validations; the preferred-ledger rule makes the minority give up
its branch for the majority's (3 against 2), everyone builds on it, full validation resumes,
and the transactions of the abandoned branch return to the open ledger and get validated.

4 | 1 split: the four still form a quorum and keep validating; the one cannot; after the heal
it catches up.
"""

from __future__ import annotations

import pytest

from tests.sim.scenarios import assert_each_tx_validated_once, assert_no_forks, validated_seqs
from xpay.sim.harness import Sim, SimConfig

pytestmark = pytest.mark.sim

GRACE_MS = 2000  # validations already in flight when the partition starts may still land


@pytest.mark.parametrize("seed", [41, 42, 43])
def test_two_three_split_validates_nothing_then_converges_on_the_majority_branch(seed: int) -> None:
    minority, majority = [0, 1], [2, 3, 4]
    sim = Sim(SimConfig(seed=seed))
    sim.start()
    sim.inject_txs(start_ms=0, stop_ms=45_000, every_ms=150, jitter_ms=100)
    sim.run_for(10_000)
    sim.partition(minority, majority)
    cut = sim.now
    lcl_at_cut = sim.peers[0].lcl.seq
    sim.run_for(GRACE_MS)
    frozen = validated_seqs(sim.peers)
    sim.run_for(20_000 - GRACE_MS)

    # Exactly: no validator fully validated anything, on either side.
    assert validated_seqs(sim.peers) == frozen
    for peer in sim.peers:
        assert sim.collectors.liveness.count(peer.index, cut + GRACE_MS, sim.now) == 0
    # Yet both sides kept closing ledgers, on diverging branches.
    for peer in sim.peers:
        assert peer.lcl.seq >= lcl_at_cut + 8
    assert {sim.peers[i].lcl.id for i in minority}.isdisjoint({sim.peers[i].lcl.id for i in majority})
    majority_tip = sim.peers[majority[0]].lcl
    minority_tip = sim.peers[minority[0]].lcl

    sim.heal()
    healed = sim.now
    sim.run_for(30_000)
    assert_no_forks(sim)
    for peer in sim.peers:
        assert sim.collectors.liveness.count(peer.index, healed, sim.now) >= 10
    chain = sim.peers[0].validated_chain
    assert chain[majority_tip.seq - 1].id == majority_tip.id
    assert chain[minority_tip.seq - 1].id != minority_tip.id
    assert_each_tx_validated_once(sim)


def test_four_one_split_keeps_the_four_validating() -> None:
    loner, rest = 4, [0, 1, 2, 3]
    sim = Sim(SimConfig(seed=44))
    sim.start()
    sim.inject_txs(start_ms=0, stop_ms=45_000, every_ms=150, jitter_ms=100)
    sim.run_for(10_000)
    sim.partition([loner], rest)
    cut = sim.now
    sim.run_for(20_000)
    for index in rest:
        assert sim.collectors.liveness.count(index, cut, sim.now) >= 14
    assert sim.collectors.liveness.count(loner, cut + GRACE_MS, sim.now) == 0
    assert sim.peers[loner].lcl.seq > sim.peers[loner].validated.seq  # it kept closing alone
    sim.heal()
    sim.run_for(25_000)
    assert_no_forks(sim)
    seqs = validated_seqs(sim.peers)
    assert max(seqs) - min(seqs) <= 1
    assert_each_tx_validated_once(sim)
