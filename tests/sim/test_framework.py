"""The simulation framework itself: scheduler, network faults, toy ledgers, determinism."""

from __future__ import annotations

import random

import pytest

from xpay.sim.harness import Sim, SimConfig
from xpay.sim.ledger import SimLedger, SimTxSet, sha512_half
from xpay.sim.network import LinkProfile, Network
from xpay.sim.scheduler import Scheduler

pytestmark = pytest.mark.sim


def test_scheduler_runs_events_in_time_order_and_ties_in_scheduling_order() -> None:
    scheduler = Scheduler()
    seen: list[str] = []
    scheduler.at(20, lambda: seen.append("b"))
    scheduler.at(10, lambda: seen.append("a"))
    scheduler.at(20, lambda: seen.append("c"))
    scheduler.at(30, lambda: scheduler.after(0, lambda: seen.append("e")))
    scheduler.at(30, lambda: seen.append("d"))
    scheduler.run_until(25)
    assert seen == ["a", "b", "c"] and scheduler.now == 25
    scheduler.run_for(100)
    assert seen == ["a", "b", "c", "d", "e"] and scheduler.now == 125


def test_run_while_stops_at_the_limit() -> None:
    scheduler = Scheduler()
    for t in range(0, 1000, 10):
        scheduler.at(t, lambda: None)
    assert scheduler.run_while(lambda: scheduler.now < 500, 10_000)
    assert not scheduler.run_while(lambda: True, 700)
    assert scheduler.now == 700


def make_network(profile: LinkProfile, seed: int = 1) -> tuple[Scheduler, Network, dict[int, list[tuple[int, int, object]]]]:
    scheduler = Scheduler()
    network = Network(scheduler, random.Random(seed), profile)
    inbox: dict[int, list[tuple[int, int, object]]] = {0: [], 1: [], 2: []}
    for peer in inbox:
        network.register(peer, lambda src, msg, peer=peer: inbox[peer].append((scheduler.now, src, msg)))
    return scheduler, network, inbox


def test_links_deliver_in_order_despite_jitter() -> None:
    scheduler, network, inbox = make_network(LinkProfile(delay_ms=10, jitter_ms=50))
    for i in range(200):
        network.send(0, 1, i)
    scheduler.run_for(1000)
    assert [msg for _, _, msg in inbox[1]] == list(range(200))
    assert all(10 <= when <= 60 for when, _, _ in inbox[1])


def test_partitions_block_until_healed_and_down_peers_receive_nothing() -> None:
    scheduler, network, inbox = make_network(LinkProfile(delay_ms=5, jitter_ms=0))
    network.partition([0], [1, 2])
    network.broadcast(0, "cut")
    network.broadcast(1, "inside")
    scheduler.run_for(100)
    assert inbox[1] == [] and [m for _, _, m in inbox[2]] == ["inside"]
    network.heal()
    network.set_down(2, True)
    network.broadcast(0, "healed")
    scheduler.run_for(100)
    assert [m for _, _, m in inbox[1]] == ["healed"]
    assert [m for _, _, m in inbox[2]] == ["inside"]
    assert network.stats.partitioned == 3 and network.stats.to_down_peer == 1  # 0->1, 0->2, 1->0


def test_loss_and_duplication_follow_their_rates() -> None:
    scheduler, network, inbox = make_network(
        LinkProfile(delay_ms=1, jitter_ms=0, loss_per_mille=200, duplicate_per_mille=100)
    )
    for i in range(5000):
        network.send(0, 1, i)
    scheduler.run_for(100)
    assert 900 < network.stats.lost < 1100
    assert 300 < network.stats.duplicated < 500
    assert len(inbox[1]) == 5000 - network.stats.lost + network.stats.duplicated


def test_ledger_id_covers_every_field_and_ancestry_is_remembered() -> None:
    genesis = SimLedger.genesis(1000)
    a = genesis.child(frozenset(), 1010, 10, True)
    variants = [
        genesis.child(frozenset({sha512_half(b"t")}), 1010, 10, True),
        genesis.child(frozenset(), 1020, 10, True),
        genesis.child(frozenset(), 1010, 20, True),
        genesis.child(frozenset(), 1010, 10, False),
    ]
    assert len({a.id, *(v.id for v in variants)}) == 5
    assert a.id == genesis.child(frozenset(), 1010, 10, True).id
    chain = [genesis]
    for _ in range(300):
        chain.append(chain[-1].child(frozenset(), chain[-1].close_time + 1, 10, True))
    tip = chain[-1]
    assert tip.ancestor(tip.seq) == tip.id
    assert tip.ancestor(tip.seq - 256) == chain[-257].id
    assert tip.ancestor(tip.seq - 257) is None
    assert tip.ancestor(tip.seq + 1) is None


def test_tx_set_compare_and_changes() -> None:
    t1, t2, t3 = (sha512_half(bytes([i])) for i in range(3))
    ours, theirs = SimTxSet.of([t1, t2]), SimTxSet.of([t2, t3])
    assert ours.compare(theirs) == dict(sorted({t1: True, t3: False}.items()))
    changed = ours.with_changes({t3: theirs}, [t1])
    assert changed.id == theirs.id and t3 in changed and t1 not in changed


def run_briefly(seed: int) -> tuple[list[bytes], int]:
    sim = Sim(SimConfig(seed=seed, link=LinkProfile(delay_ms=10, jitter_ms=30)))
    sim.start()
    sim.inject_txs(start_ms=0, stop_ms=20_000, every_ms=97, jitter_ms=50)
    sim.run_for(25_000)
    return [ledger.id for ledger in sim.peers[0].validated_chain], sim.network.stats.delivered


def test_a_run_is_a_pure_function_of_its_seed() -> None:
    assert run_briefly(5) == run_briefly(5)
    assert run_briefly(5) != run_briefly(6)


def test_report_command_prints_round_statistics(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from xpay.sim.__main__ import main

    monkeypatch.setattr("sys.argv", ["xpay.sim", "--rounds", "20", "--seed", "3"])
    main()
    out = capsys.readouterr().out
    assert "reached=True" in out and "forks 0" in out
    assert "close interval (ms)" in out and "consensus time (ms)" in out
