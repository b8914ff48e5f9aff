"""Five honest validators agree for 500 rounds (rippled's Consensus_test testPeersAgree, at
length, with a steady stream of transactions)."""

from __future__ import annotations

import pytest

from tests.sim.scenarios import assert_each_tx_validated_once, assert_no_forks
from xpay.consensus import ConsensusState
from xpay.sim.harness import Sim, SimConfig

pytestmark = pytest.mark.sim

ROUNDS = 500


def test_five_validators_fully_validate_the_same_500_ledgers() -> None:
    sim = Sim(SimConfig(seed=11))
    sim.start()
    # About eight transactions a second for the first 550 s of virtual time.
    sim.inject_txs(start_ms=0, stop_ms=550_000, every_ms=80, jitter_ms=80)
    target = 1 + ROUNDS  # genesis is ledger 1
    assert sim.run_until_validated(target, limit_ms=ROUNDS * 2000)

    assert_no_forks(sim)
    chains = [p.validated_chain[:target] for p in sim.peers]
    assert all(len(chain) == target for chain in chains)
    assert len({tuple(ledger.id for ledger in chain) for chain in chains}) == 1
    assert [ledger.seq for ledger in chains[0]] == list(range(1, target + 1))
    assert_each_tx_validated_once(sim)

    # Every round reached consensus normally, at xpay's pace, in virtual time.
    assert {state for (_, state) in sim.collectors.rounds.states} == {ConsensusState.YES}
    close = sim.collectors.rounds.close_interval(range(5))
    establish = sim.collectors.rounds.consensus_time(range(5))
    assert 1000 <= close.median <= 1500 and close.maximum < 3000
    assert establish.median <= 300 and establish.maximum < 1000
    # Each peer validated every ledger, and no validation was refused.
    for peer in sim.peers:
        assert peer.largest_issued >= ROUNDS
