"""A Byzantine validator on every UNL: conflicting positions, conflicting validations, garbage.
The four honest validators (quorum 4 of 5) never fork, keep validating, detect the
conflicting validations and do not count them."""

from __future__ import annotations

import pytest

from tests.sim.scenarios import assert_each_tx_validated_once, assert_no_forks, validated_seqs
from xpay.consensus import ValStatus
from xpay.sim.byzantine import ByzantinePeer, Misbehaviour
from xpay.sim.harness import Sim, SimConfig

pytestmark = pytest.mark.sim

BYZANTINE = 4


def run_with(misbehaviours: set[Misbehaviour], seed: int) -> Sim:
    sim = Sim(SimConfig(seed=seed, byzantine={BYZANTINE: frozenset(misbehaviours)}))
    sim.start()
    sim.inject_txs(start_ms=0, stop_ms=35_000, every_ms=150, jitter_ms=100)
    sim.run_for(45_000)
    assert_no_forks(sim)
    assert min(validated_seqs(sim.honest)) >= 30
    assert_each_tx_validated_once(sim)
    return sim


def test_conflicting_validations_are_detected_and_never_counted() -> None:
    sim = run_with({Misbehaviour.CONFLICTING_VALIDATIONS}, seed=31)
    byzantine = sim.peers[BYZANTINE]
    assert isinstance(byzantine, ByzantinePeer) and byzantine.conflicting_sent >= 30
    byz_key = sim.env.unl[BYZANTINE]
    for peer in sim.honest:
        validations = peer.consensus.validations
        conflicts = [c for c in validations.conflicts if c.node_id == byz_key]
        # Relayed validations bring both versions to every honest peer, nearly every round.
        assert len(conflicts) >= 25
        assert all(c.node_id == byz_key for c in validations.conflicts)
        assert sim.collectors.validation_status[(peer.index, ValStatus.CONFLICTING)] >= 25
        for conflict in conflicts:
            assert byz_key not in validations.validators_for_ledger(conflict.first)
            assert byz_key not in validations.validators_for_ledger(conflict.second)
        # Full validation came from the honest four alone.
        for ledger in peer.validated_chain[-5:-1]:
            assert byz_key not in validations.validators_for_ledger(ledger.id)


def test_conflicting_proposals_do_not_split_the_honest_validators() -> None:
    sim = run_with({Misbehaviour.CONFLICTING_PROPOSALS}, seed=32)
    byzantine = sim.peers[BYZANTINE]
    assert isinstance(byzantine, ByzantinePeer) and byzantine.conflicting_sent >= 30


def test_garbage_is_dropped_and_changes_nothing() -> None:
    sim = run_with({Misbehaviour.GARBAGE}, seed=33)
    assert sum(sim.collectors.garbage[p.index] for p in sim.honest) >= 20
    # Validations of invented ledgers at absurd sequences never become fully validated.
    for peer in sim.honest:
        assert peer.validated.seq < 1000


def test_every_misbehaviour_at_once() -> None:
    sim = run_with(set(Misbehaviour), seed=34)
    byz_key = sim.env.unl[BYZANTINE]
    for peer in sim.honest:
        # Its absurd-sequence garbage put every later validation of its out of order: all are
        # refused (and, refused, not relayed, so the twins never meet), none counts.
        refused = sum(
            sim.collectors.validation_status[(peer.index, status)]
            for status in (ValStatus.BAD_SEQ, ValStatus.CONFLICTING)
        )
        assert refused >= 10
        validations = peer.consensus.validations
        for ledger in peer.validated_chain[-10:]:
            assert byz_key not in validations.validators_for_ledger(ledger.id)
