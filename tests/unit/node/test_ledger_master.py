"""The ledger master: submissions, held retries, closes, validation after durability, events,
restart, and the consensus entry points."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.support.node_process import GENESIS, in_process_node, keypair, payment
from xpay.api.facade import (
    LedgerClosedEvent,
    NodeBusy,
    NodeEvent,
    NotStandalone,
    TransactionEvent,
    TransactionRejected,
)
from xpay.ledger import keylet
from xpay.node.standalone import DataDirMismatch
from xpay.protocol.ter import Tef, Ter, Tes
from xpay.tx.transaction import Transaction

ALICE = keypair("alice")
BOB = keypair("bob")


def _blob(hex_blob: str) -> bytes:
    return bytes.fromhex(hex_blob)


def _fund(dst: str, seq: int, drops: int = 50_000_000) -> bytes:
    return _blob(payment(GENESIS, dst, str(drops), seq)[0])


async def test_a_payment_applies_to_the_open_ledger_then_closes_validated_and_durable(tmp_path: Path) -> None:
    async with in_process_node(tmp_path) as node:
        master, service = node.master, node.service
        outcome = await service.submit(_fund(ALICE.address, 1))
        assert outcome.engine_result == Tes.tesSUCCESS and outcome.applied and outcome.kept
        assert outcome.account_sequence_next == 2
        assert master.open.view.read(keylet.account(ALICE.account_id)) is not None
        assert master.validated_ledger.read(keylet.account(ALICE.account_id)) is None

        ledger = await service.ledger_accept()
        assert ledger.seq == 2 and len(ledger.txs) == 1
        assert master.validated_ledger is ledger and master.closed_ledger is ledger
        stored = node.store.ledger(2)
        assert stored is not None and stored.validated and stored.hash == ledger.hash
        root = ledger.read(keylet.account(ALICE.account_id))
        assert root is not None and root.balance.drops == 50_000_000
        assert service.complete_ledgers() == (1, 2)
        assert master.open.transactions() == []


async def test_events_announce_the_ledger_then_its_transactions(tmp_path: Path) -> None:
    events: list[NodeEvent] = []
    async with in_process_node(tmp_path) as node:
        node.service.add_listener(events.append)
        await node.service.submit(_fund(ALICE.address, 1))
        await node.service.submit(_fund(BOB.address, 2))
        ledger = await node.service.ledger_accept()
    assert isinstance(events[0], LedgerClosedEvent) and events[0].ledger is ledger
    assert events[0].txn_count == 2 and events[0].validated_ledgers == (1, 2)
    txs = events[1:]
    assert len(txs) == 2 and all(isinstance(e, TransactionEvent) for e in txs)
    assert {e.accounts for e in txs} == {  # type: ignore[union-attr]
        frozenset({GENESIS.account_id, ALICE.account_id}),
        frozenset({GENESIS.account_id, BOB.account_id}),
    }


async def test_a_transaction_ahead_of_its_sequence_is_held_and_applies_after_the_gap_fills(tmp_path: Path) -> None:
    async with in_process_node(tmp_path) as node:
        service, master = node.service, node.master
        early = await service.submit(_fund(BOB.address, 2))
        assert early.engine_result == Ter.terPRE_SEQ and not early.applied and early.kept
        assert master.open.held_count == 1
        filled = await service.submit(_fund(ALICE.address, 1))
        assert filled.applied
        first = await service.ledger_accept()
        assert len(first.txs) == 1
        # The held transaction is offered again when the ledger reopens.
        assert [tx.sequence for tx in master.open.transactions()] == [2]
        second = await service.ledger_accept()
        assert second.read(keylet.account(BOB.account_id)) is not None


async def test_resubmitting_is_refused_without_changing_anything(tmp_path: Path) -> None:
    async with in_process_node(tmp_path) as node:
        service = node.service
        blob = _fund(ALICE.address, 1)
        assert (await service.submit(blob)).applied
        again = await service.submit(blob)
        assert again.engine_result in (Tef.tefALREADY, Tef.tefPAST_SEQ) and not again.applied
        assert len(node.master.open.transactions()) == 1
        await service.ledger_accept()
        stale = await service.submit(blob)
        assert stale.engine_result == Tef.tefPAST_SEQ and not stale.applied


async def test_a_bad_signature_or_a_garbage_blob_is_rejected_before_the_ledger(tmp_path: Path) -> None:
    async with in_process_node(tmp_path) as node:
        blob = _fund(ALICE.address, 1)
        tx = Transaction.from_blob(blob)
        forged = tx.blob.replace(tx.fields["TxnSignature"], bytes(64))
        with pytest.raises(TransactionRejected, match=r"fails local checks: Invalid signature\."):
            await node.service.submit(forged)
        with pytest.raises(TransactionRejected):
            await node.service.submit(b"\x12\x00")
        with pytest.raises(TransactionRejected):
            await node.service.submit(blob[:-30])
        assert node.master.open.transactions() == []


async def test_a_full_command_queue_answers_busy(tmp_path: Path) -> None:
    async with in_process_node(tmp_path, command_queue_size=1) as node:
        service = node.service
        first, second = await asyncio.gather(
            service.submit(_fund(ALICE.address, 1)), service.submit(_fund(BOB.address, 2)), return_exceptions=True
        )
        assert not isinstance(first, BaseException) and first.applied
        assert isinstance(second, NodeBusy)
        assert len(node.master.open.transactions()) == 1


async def test_a_restart_resumes_at_the_last_validated_ledger(tmp_path: Path) -> None:
    async with in_process_node(tmp_path) as node:
        for seq, who in enumerate((ALICE, BOB), start=1):
            await node.service.submit(_fund(who.address, seq))
            await node.service.ledger_accept()
        last = node.master.validated_ledger
        # Applied to the open ledger but never closed: not validated, so not kept.
        await node.service.submit(_fund(keypair("carol").address, 3))
    async with in_process_node(tmp_path) as again:
        assert again.resumed
        resumed = again.master.validated_ledger
        assert resumed.hash == last.hash and resumed.state.root_hash() == last.state.root_hash()
        assert again.master.open.transactions() == []
        outcome = await again.service.submit(_fund(keypair("carol").address, 3))
        assert outcome.applied
        assert (await again.service.ledger_accept()).seq == last.seq + 1


async def test_close_times_only_move_forward(tmp_path: Path) -> None:
    async with in_process_node(tmp_path) as node:
        times = [node.master.validated_ledger.close_time]
        for _ in range(3):
            times.append((await node.service.ledger_accept()).close_time)
    assert times == sorted(times) and len(set(times)) == len(times)


async def test_consensus_entry_points_accept_validate_and_switch(tmp_path: Path) -> None:
    async with in_process_node(tmp_path, standalone=False) as node:
        master = node.master
        await node.service.submit(_fund(ALICE.address, 1))
        position = master.open_ledger_transactions()
        assert len(position) == 1
        parent = master.closed_ledger
        accepted = await master.accept(position, parent.close_time + 10, 10)
        assert master.closed_ledger is accepted and master.validated_ledger is parent
        assert not master.is_validated(accepted)
        await master.mark_validated(accepted)
        assert master.validated_ledger is accepted and master.is_validated(accepted)
        stored = node.store.ledger(accepted.seq)
        assert stored is not None and stored.validated and stored.hash == accepted.hash
        assert master.transactions_of(accepted.seq) == list(accepted.transactions())
        assert master.transactions_of(999) is None

        # A ledger from another chain at the same height replaces ours.
        other = (await master.accept([], accepted.close_time + 10, 10))
        assert master.ledger_by_seq(other.seq) is other
        await master.switch_to(accepted)
        assert master.closed_ledger is accepted and master.ledger_by_seq(other.seq) is None
        with pytest.raises(NotStandalone):
            await node.service.ledger_accept()


async def test_a_held_transaction_is_dropped_after_its_last_ledger(tmp_path: Path) -> None:
    async with in_process_node(tmp_path, held_ledgers=5) as node:
        service, master = node.service, node.master
        # Sequence 2 waits for sequence 1, which never comes; it may wait until ledger 3.
        blob = _blob(payment(GENESIS, BOB.address, "50000000", 2, LastLedgerSequence=3)[0])
        assert (await service.submit(blob)).engine_result == Ter.terPRE_SEQ
        await service.ledger_accept()  # ledger 2 closes; the open ledger is 3: still held
        assert master.open.held_count == 1
        await service.ledger_accept()  # ledger 3 closes; the open ledger is 4: past its last ledger
        assert master.open.held_count == 0
        assert (await service.submit(_fund(ALICE.address, 1))).applied
        ledger = await service.ledger_accept()
        assert ledger.read(keylet.account(BOB.account_id)) is None


async def test_a_data_directory_refuses_another_network(tmp_path: Path) -> None:
    async with in_process_node(tmp_path) as node:
        await node.service.ledger_accept()
    with pytest.raises(DataDirMismatch, match="network"):
        async with in_process_node(tmp_path, network_id=4242):
            pass
