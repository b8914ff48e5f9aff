"""Seeded fault mixes: random crashes and restarts, partitions of random shapes, slow links,
loss, duplication and jitter, for about a minute of virtual time — then the faults stop.
Safety is checked after every event (no two honest peers ever fully validate different
ledgers); liveness once the faults are gone (every honest peer fully validates again)."""

from __future__ import annotations

import random

import pytest

from tests.sim.scenarios import assert_no_forks
from xpay.sim.byzantine import Misbehaviour
from xpay.sim.harness import Sim, SimConfig
from xpay.sim.network import LinkProfile

pytestmark = pytest.mark.sim

RECOVERY_LIMIT_MS = 40_000


def chaos(seed: int, *, byzantine: bool) -> Sim:
    rng = random.Random(seed)
    link = LinkProfile(
        delay_ms=rng.choice([5, 20, 50]),
        jitter_ms=rng.choice([5, 40, 120]),
        loss_per_mille=rng.choice([0, 20, 80]),
        duplicate_per_mille=rng.choice([0, 30]),
    )
    config = SimConfig(
        seed=seed, link=link, byzantine={4: frozenset(Misbehaviour)} if byzantine else {}
    )
    sim = Sim(config)
    sim.watch_invariants()
    sim.start()
    submitting = True

    def submit() -> None:
        if submitting:
            sim.submit()
            sim.scheduler.after(60 + rng.randrange(120), submit)

    sim.scheduler.after(0, submit)
    honest = [p.index for p in sim.honest]
    for _ in range(12):
        sim.run_for(rng.randrange(2000, 12000))
        action = rng.randrange(5)
        down = [p.index for p in sim.peers if not p.running]
        if action == 0 and len(down) < 2:
            sim.crash(rng.choice([i for i in honest if sim.peers[i].running]))
        elif action == 1 and down:
            sim.restart(rng.choice(down))
        elif action == 2:
            order = list(range(5))
            rng.shuffle(order)
            cut = rng.randrange(1, 5)
            sim.partition(order[:cut], order[cut:])
        elif action == 3:
            sim.heal()
            sim.reset_links()
        else:
            slow = LinkProfile(delay_ms=rng.choice([300, 1500, 4000]), jitter_ms=200)
            sim.set_latency(rng.randrange(5), slow)
    sim.heal()
    sim.reset_links()
    for peer in sim.peers:
        if not peer.running:
            sim.restart(peer.index)
    submitting = False
    calm = sim.now
    before = {p.index: p.validated.seq for p in sim.honest}
    recovered = sim.scheduler.run_while(
        lambda: any(p.validated.seq <= before[p.index] for p in sim.honest),
        calm + RECOVERY_LIMIT_MS,
    )
    assert recovered, f"no full validation within {RECOVERY_LIMIT_MS} ms of the faults ending"
    # Catching up can take a few more rounds; then validation goes on. With a Byzantine
    # validator among five, every ledger needs all four honest validations, and the links
    # stay lossy: a single lost message costs a ledger, so the pace is lower and uneven.
    sim.run_for(30_000)
    assert_no_forks(sim)
    window, minimum = (30_000, 8) if byzantine else (10_000, 5)
    for peer in sim.honest:
        assert sim.collectors.liveness.count(peer.index, sim.now - window, sim.now) >= minimum
    # Transactions are never validated twice, even across abandoned branches and restarts.
    inclusions = sim.collectors.txs.inclusions(sim.honest[0].validated_chain)
    assert all(len(seqs) == 1 for seqs in inclusions.values())
    return sim


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5, 6, 7])
def test_honest_validators_survive_random_faults(seed: int) -> None:
    chaos(seed, byzantine=False)


@pytest.mark.parametrize("seed", [100, 101, 102, 103])
def test_honest_validators_survive_random_faults_beside_a_byzantine_one(seed: int) -> None:
    chaos(seed, byzantine=True)
