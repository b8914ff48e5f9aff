"""Shared checks for the simulation tests."""

from __future__ import annotations

from collections.abc import Iterable

from xpay.sim.harness import Sim
from xpay.sim.peer import SimPeer


def assert_no_forks(sim: Sim) -> None:
    assert sim.collectors.fork.violations == []
    assert sim.validated_chains_agree()
    for peer in sim.honest:
        assert peer.consensus.validations.forks == []


def assert_each_tx_validated_once(sim: Sim, peer: SimPeer | None = None) -> None:
    """Every submitted transaction is in exactly one ledger of the validated chain."""
    chain = (peer or sim.honest[0]).validated_chain
    inclusions = sim.collectors.txs.inclusions(chain)
    submitted = sim.collectors.txs.submitted
    assert submitted, "the scenario submitted no transactions"
    missing = [tx.hex()[:12] for tx in submitted if tx not in inclusions]
    repeated = [tx.hex()[:12] for tx, seqs in inclusions.items() if len(seqs) > 1]
    assert missing == [] and repeated == []


def validated_seqs(peers: Iterable[SimPeer]) -> list[int]:
    return [p.validated.seq for p in peers]


def counted_validators(sim: Sim, at: SimPeer, ledger_seq: int) -> set[int]:
    """Which peers' validations ``at`` counted for its fully validated ledger at ``ledger_seq``."""
    ledger = at.validated_chain[ledger_seq - 1]
    keys = at.consensus.validations.validators_for_ledger(ledger.id)
    return {sim.env.unl.index(key) for key in keys}
