"""The in-process hub's knobs: loss, duplication, delay and partitions, all seeded."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest

from tests.unit.overlay.nodes import node_key
from xpay.overlay import Hub, InProcessOverlay, LinkFaults, MessageKind

A, B, C, D = (node_key(i) for i in range(1, 5))
UNL = [k.node_id for k in (A, B, C, D)]
WAIT = 10.0


async def drain_until_marker(overlay: InProcessOverlay, marker: bytes) -> list[bytes]:
    """Everything received before `marker` (sent last, on a fault-free link)."""
    got: list[bytes] = []
    async with asyncio.timeout(WAIT):
        while (envelope := await overlay.receive()).payload != marker:
            got.append(envelope.payload)
    return got


async def lossy_run(seed: int, loss: float, count: int = 200) -> tuple[list[bytes], int]:
    hub = Hub(seed=seed, faults=LinkFaults(loss=loss))
    async with hub.overlay(A, unl=UNL) as a, hub.overlay(B, unl=UNL) as b:
        for i in range(count):
            await a.broadcast(MessageKind.TRANSACTIONS, b"%d" % i)
        hub.set_faults(LinkFaults())
        await a.broadcast(MessageKind.TRANSACTIONS, b"marker")
        return await drain_until_marker(b, b"marker"), hub.stats.lost


async def test_loss_drops_a_seeded_deterministic_share_of_messages() -> None:
    first, lost = await lossy_run(seed=7, loss=0.3)
    again, lost_again = await lossy_run(seed=7, loss=0.3)
    other, _ = await lossy_run(seed=8, loss=0.3)
    assert 0 < lost < 200
    assert len(first) == 200 - lost
    assert (first, lost) == (again, lost_again)  # same seed, same messages lost
    assert first != other  # another seed loses others
    assert first == sorted(first, key=int)  # no delay: what arrives arrives in order


async def test_total_loss_and_no_loss() -> None:
    assert (await lossy_run(seed=1, loss=1.0, count=20))[0] == []
    assert len((await lossy_run(seed=1, loss=0.0, count=20))[0]) == 20


async def test_partition_blocks_delivery_until_healed() -> None:
    hub = Hub(seed=1)
    async with AsyncExitStack() as stack:
        a, b, c, d = [await stack.enter_async_context(hub.overlay(k, unl=UNL)) for k in (A, B, C, D)]
        hub.partition([A.node_id, B.node_id], [C.node_id])  # D, named nowhere, is on its own
        assert a.peers() == {B.node_id}
        assert c.peers() == frozenset() and d.peers() == frozenset()
        await a.broadcast(MessageKind.PROPOSAL, b"during")
        assert (await b.receive()).payload == b"during"  # same side: delivered
        assert hub.stats.blocked == 2  # to c and d: dropped at the cut, nothing pending
        assert c.stats.received == d.stats.received == 0
        with pytest.raises(ValueError):
            hub.partition([A.node_id], [A.node_id])
        hub.heal()
        assert a.peers() == {B.node_id, C.node_id, D.node_id}
        await a.broadcast(MessageKind.PROPOSAL, b"after")
        for receiver in (c, d):
            # The first thing across the healed cut is the new message: blocked ones were lost.
            async with asyncio.timeout(WAIT):
                assert (await receiver.receive()).payload == b"after"


async def test_delay_holds_messages_for_at_least_the_delay_on_the_loop_clock() -> None:
    hub = Hub(seed=3, faults=LinkFaults(delay_ms=40))
    loop = asyncio.get_running_loop()
    async with hub.overlay(A, unl=UNL) as a, hub.overlay(B, unl=UNL) as b:
        sent_at = loop.time()
        await a.broadcast(MessageKind.VALIDATION, b"v")
        async with asyncio.timeout(WAIT):
            envelope = await b.receive()
        assert envelope.payload == b"v"
        assert loop.time() - sent_at >= 0.040


async def test_jitter_reorders_but_delivers_everything_once() -> None:
    hub = Hub(seed=11, faults=LinkFaults(delay_ms=1, jitter_ms=20))
    async with hub.overlay(A, unl=UNL) as a, hub.overlay(B, unl=UNL) as b:
        for i in range(30):
            await a.broadcast(MessageKind.TRANSACTIONS, b"%d" % i)
        got: list[int] = []
        async with asyncio.timeout(WAIT):
            while len(got) < 30:
                got.append(int((await b.receive()).payload))
        assert sorted(got) == list(range(30))
        assert got != list(range(30))  # seed 11 reorders


async def test_duplication_is_absorbed_by_the_replay_window() -> None:
    hub = Hub(seed=4, faults=LinkFaults(duplicate=0.5))
    async with hub.overlay(A, unl=UNL) as a, hub.overlay(B, unl=UNL) as b:
        for i in range(40):
            await a.broadcast(MessageKind.TRANSACTIONS, b"%d" % i)
        hub.set_faults(LinkFaults())
        await a.broadcast(MessageKind.TRANSACTIONS, b"marker")
        got = await drain_until_marker(b, b"marker")
        assert got == [b"%d" % i for i in range(40)]
        assert 0 < hub.stats.duplicated < 40
        assert b.stats.dropped_duplicate == hub.stats.duplicated


async def test_full_ingress_and_inbox_drop_the_oldest_and_count_it() -> None:
    hub = Hub(seed=1)
    async with (
        hub.overlay(A, unl=UNL) as a,
        hub.overlay(B, unl=UNL, ingress_size=4) as b,
        hub.overlay(C, unl=UNL, inbox_size=3) as c,
    ):
        # Broadcasting never yields to the receive loops, so the whole burst meets full queues.
        for i in range(10):
            await a.broadcast(MessageKind.TRANSACTIONS, b"%d" % i)
        assert b.stats.ingress_overflow == 6
        async with asyncio.timeout(WAIT):
            await c.wait_until(lambda: c.stats.received == 10)
            assert [(await b.receive()).payload for _ in range(4)] == [b"6", b"7", b"8", b"9"]
        assert c.stats.queue_overflow == 7
        assert [(await c.receive()).payload for _ in range(3)] == [b"7", b"8", b"9"]


async def test_inject_puts_raw_bytes_on_the_medium() -> None:
    hub = Hub()
    async with hub.overlay(A, unl=UNL) as a, hub.overlay(B, unl=UNL) as b:
        assert hub.inject(b"garbage") == 2
        assert hub.inject(b"garbage", to=B.node_id) == 1
        async with asyncio.timeout(WAIT):
            await b.wait_until(lambda: b.stats.dropped_malformed == 2)
            await a.wait_until(lambda: a.stats.dropped_malformed == 1)


async def test_a_node_id_joins_a_hub_once_and_an_overlay_runs_once() -> None:
    hub = Hub()
    async with hub.overlay(A, unl=UNL) as a:
        with pytest.raises(ValueError, match="already on this hub"):
            async with hub.overlay(A, unl=UNL):
                pass
        with pytest.raises(RuntimeError):
            await a.__aenter__()
        assert hub.attached() == {A.node_id}
    assert hub.attached() == frozenset()
    assert a.peers() == frozenset()


def test_fault_knobs_are_validated() -> None:
    for bad in ({"loss": 1.5}, {"duplicate": -0.1}, {"delay_ms": -1}, {"jitter_ms": -2}):
        with pytest.raises(ValueError):
            LinkFaults(**bad)
