"""One validator crashed, slowed down, or cut off: the other four keep closing and validating
ledgers; once it is back it catches up and validates again (rippled's Consensus_test
testSlowPeers / testWrongLCL spirit, with xpay's crash-restart semantics)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.sim.scenarios import (
    assert_each_tx_validated_once,
    assert_no_forks,
    counted_validators,
    validated_seqs,
)
from xpay.sim.harness import Sim, SimConfig
from xpay.sim.network import LinkProfile

pytestmark = pytest.mark.sim

LAGGARD = 2
OTHERS = [0, 1, 3, 4]
FAULT_MS = 15_000
RECOVERY_MS = 20_000


def run_fault(seed: int, start: Callable[[Sim], None], end: Callable[[Sim], None]) -> tuple[Sim, int, int]:
    sim = Sim(SimConfig(seed=seed))
    sim.start()
    sim.inject_txs(start_ms=0, stop_ms=35_000, every_ms=150, jitter_ms=100)
    sim.run_for(10_000)
    start(sim)
    fault_start = sim.now
    laggard_seq = sim.peers[LAGGARD].validated.seq
    sim.run_for(FAULT_MS)
    # During the fault the others kept validating, about one ledger per 1.25 s.
    for index in OTHERS:
        assert sim.collectors.liveness.count(index, fault_start, sim.now) >= 9
        assert sim.collectors.liveness.max_gap(index, fault_start + 2000, sim.now) < 3000
    issued_before_recovery = sim.peers[LAGGARD].largest_issued
    end(sim)
    recovered = sim.now
    sim.run_for(RECOVERY_MS)
    assert_no_forks(sim)
    seqs = validated_seqs(sim.peers)
    assert max(seqs) - min(seqs) <= 1
    assert sim.peers[LAGGARD].validated.seq > laggard_seq + 20
    # The laggard validates again, and the others count its validations.
    laggard = sim.peers[LAGGARD]
    assert laggard.largest_issued > issued_before_recovery
    recent = sim.peers[0].validated.seq - 2
    assert LAGGARD in counted_validators(sim, sim.peers[0], recent)
    assert sim.collectors.liveness.count(LAGGARD, recovered, sim.now) >= 10
    assert_each_tx_validated_once(sim)
    return sim, fault_start, recovered


def test_crashed_validator_restarts_catches_up_and_validates_again() -> None:
    sim, fault_start, _ = run_fault(21, lambda s: s.crash(LAGGARD), lambda s: s.restart(LAGGARD))
    # While down it validated nothing.
    assert sim.collectors.liveness.count(LAGGARD, fault_start, fault_start + FAULT_MS) == 0


def test_restarted_validator_keeps_its_validated_chain_but_not_its_memory() -> None:
    sim = Sim(SimConfig(seed=22))
    sim.start()
    sim.run_for(10_000)
    peer = sim.peers[LAGGARD]
    chain = [ledger.id for ledger in peer.validated_chain]
    issued = peer.largest_issued
    sim.crash(LAGGARD)
    sim.run_for(5_000)
    sim.restart(LAGGARD)
    assert [ledger.id for ledger in peer.validated_chain] == chain
    assert peer.consensus.validations.current(peer.now()) == {}
    assert peer.consensus.validations.largest_issued == issued
    assert set(peer.ledgers) == set(chain)


def test_validator_behind_a_slow_link_falls_behind_then_catches_up() -> None:
    slow = LinkProfile(delay_ms=2500, jitter_ms=100)
    run_fault(23, lambda s: s.set_latency(LAGGARD, slow), lambda s: s.reset_links())


def test_validator_cut_off_by_a_partition_rejoins_after_the_heal() -> None:
    sim, fault_start, _ = run_fault(
        24, lambda s: s.partition([LAGGARD], OTHERS), lambda s: s.heal()
    )
    # Alone it could not fully validate anything (after in-flight validations settled).
    assert sim.collectors.liveness.count(LAGGARD, fault_start + 2000, fault_start + FAULT_MS) == 0


def test_lossy_duplicating_links_slow_but_do_not_break_agreement() -> None:
    sim = Sim(
        SimConfig(
            seed=25,
            link=LinkProfile(delay_ms=15, jitter_ms=25, loss_per_mille=50, duplicate_per_mille=50),
        )
    )
    sim.start()
    sim.inject_txs(start_ms=0, stop_ms=80_000, every_ms=200, jitter_ms=100)
    sim.run_for(100_000)
    assert sim.network.stats.lost > 400 and sim.network.stats.duplicated > 400  # ~5 % each
    assert_no_forks(sim)
    assert min(validated_seqs(sim.peers)) >= 60
    assert_each_tx_validated_once(sim)
