"""The store's writer: ordered, durable, bounded."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.unit.store.ledgers import chain
from xpay.store import LedgerStore, LedgerWriter


async def test_writes_complete_in_order_and_survive_reopening(tmp_path: Path) -> None:
    ledgers = chain(6)
    store = LedgerStore.open(tmp_path, snapshot_interval=3)
    done: list[int] = []
    async with LedgerWriter(store, max_pending=1) as writer:
        futures = []
        parent = None
        for ledger in ledgers:
            fut = await writer.write(ledger, parent, validated=False)
            fut.add_done_callback(lambda _, seq=ledger.seq: done.append(seq))
            futures.append(fut)
            parent = ledger
        await asyncio.gather(*futures)
        assert await (await writer.mark_validated(ledgers[-1].seq, ledgers[-1].hash)) is True
    assert done == [ledger.seq for ledger in ledgers]
    store.close()
    reopened = LedgerStore.open(tmp_path)
    loaded = reopened.load_last_validated()
    assert loaded is not None and loaded.hash == ledgers[-1].hash
    reopened.close()


async def test_leaving_the_context_writes_what_was_queued(tmp_path: Path) -> None:
    ledgers = chain(3)
    store = LedgerStore.open(tmp_path)
    async with LedgerWriter(store, max_pending=8) as writer:
        parent = None
        for ledger in ledgers:
            await writer.write(ledger, parent, validated=True)
            parent = ledger
    assert store.validated_range() == (1, 4)
    store.close()


async def test_a_failed_write_fails_its_future_and_the_writer_goes_on(tmp_path: Path) -> None:
    ledgers = chain(2)
    store = LedgerStore.open(tmp_path)
    async with LedgerWriter(store) as writer:
        await (await writer.write(ledgers[0], None, validated=True))
        store._write.execute("ALTER TABLE state_diffs RENAME TO hidden")  # the next diff cannot be written
        failing = await writer.write(ledgers[1], ledgers[0], validated=True)
        with pytest.raises(Exception, match="no such table"):
            await failing
        store._write.execute("ALTER TABLE hidden RENAME TO state_diffs")
        await (await writer.write(ledgers[1], ledgers[0], validated=True))
    assert store.validated_range() == (1, 2)
    store.close()
