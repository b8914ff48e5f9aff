"""Five in-process validators under payments, a lossy and jittery hub, random partitions and
validator restarts (seeded): afterwards every validator catches up to the same validated
ledger, and the fork checker finds no two validated ledgers that differ at one sequence."""

from __future__ import annotations

import asyncio
import contextlib
import random
from pathlib import Path

import pytest

from tests.support.devnet import (
    GENESIS,
    LedgerWatch,
    devnet_config,
    fork_check,
    payment,
    validated_seqs,
)
from xpay.api.facade import NodeBusy, TransactionRejected
from xpay.crypto import KeyPair
from xpay.ledger import keylet
from xpay.node.devnet import devnet_validator_configs
from xpay.node.validator import ValidatorNode
from xpay.overlay import Hub, LinkFaults

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHAOS_EVENTS = 6


@pytest.mark.parametrize("seed", [11])
async def test_partitions_and_restarts_under_load_never_fork(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    hub = Hub(seed=seed, faults=LinkFaults(delay_ms=2, jitter_ms=15, loss=0.01))
    configs = devnet_validator_configs(devnet_config(tmp_path, validators=5))
    accounts = [KeyPair.from_entropy(f"chaos-{i:010d}".encode()) for i in range(10)]
    watch = LedgerWatch()
    stacks: dict[int, contextlib.AsyncExitStack] = {}
    nodes: dict[int, ValidatorNode] = {}

    async def start(index: int) -> None:
        stack = contextlib.AsyncExitStack()
        nodes[index] = await stack.enter_async_context(ValidatorNode(configs[index], hub=hub))
        watch.watch(index, nodes[index])
        stacks[index] = stack

    async def stop(index: int) -> None:
        nodes.pop(index)
        await stacks.pop(index).aclose()

    try:
        for index in range(5):
            await start(index)
        await watch.until(lambda: min(validated_seqs(nodes.values())) >= 2)
        for sequence, account in enumerate(accounts, start=1):
            await nodes[0].service.submit(payment(GENESIS, account.address, 100_000_000, sequence)[0])
        last = keylet.account(accounts[-1].account_id)
        await watch.until(lambda: all(n.master.validated_ledger.read(last) is not None for n in nodes.values()))
        sequences = {
            a.address: nodes[0].master.validated_ledger.read(keylet.account(a.account_id)).sequence  # type: ignore[union-attr]
            for a in accounts
        }
        done = asyncio.Event()
        submitted = 0

        async def load() -> None:
            nonlocal submitted
            while not done.is_set():
                src, dst = rng.choice(accounts), rng.choice(accounts)
                blob, _ = payment(src, dst.address, 1_000, sequences[src.address])
                with contextlib.suppress(NodeBusy, TransactionRejected):
                    outcome = await rng.choice(list(nodes.values())).service.submit(blob)
                    if outcome.applied:
                        sequences[src.address] += 1
                        submitted += 1
                # Paced by the ledgers themselves: a few payments per validated ledger.
                if submitted % 5 == 0:
                    seen = max(validated_seqs(nodes.values()))
                    await watch.until(lambda seen=seen: max(validated_seqs(nodes.values())) > seen or done.is_set())

        async def chaos() -> None:
            for _ in range(CHAOS_EVENTS):
                base = max(validated_seqs(nodes.values()))
                await watch.until(lambda base=base: max(validated_seqs(nodes.values())) >= base + 2)
                # One validator away at a time: the other four are a quorum, so validation goes
                # on (and the test can wait on it) while the lone one falls behind.
                if rng.random() < 0.5:
                    hub.partition([rng.choice(sorted(n.key.node_id for n in nodes.values()))])
                    base = max(validated_seqs(nodes.values()))
                    await watch.until(lambda base=base: max(validated_seqs(nodes.values())) >= base + 2)
                    hub.heal()
                else:
                    victim = rng.randrange(5)
                    await stop(victim)
                    base = max(validated_seqs(nodes.values()))
                    await watch.until(lambda base=base: max(validated_seqs(nodes.values())) >= base + 2)
                    await start(victim)
            done.set()
            watch.poke()

        async with asyncio.timeout(100):
            await asyncio.gather(load(), chaos())
        hub.heal()
        top = max(validated_seqs(nodes.values()))
        await watch.until(lambda: min(validated_seqs(nodes.values())) >= top + 2, timeout=60)
        assert submitted > 0
        assert all(node.adaptor.stats.forks_refused == 0 for node in nodes.values())
        assert all(node.adaptor.stats.conflicts == 0 for node in nodes.values())
    finally:
        watch.close()
        for index in list(stacks):
            await stop(index)
    report = fork_check([config.data_dir for config in configs])
    assert report.highest_common >= top + 2
