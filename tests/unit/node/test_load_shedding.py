"""Load shedding: the open ledger admits at most ``max_ledger_transactions``; beyond them a
submission is queued (terQUEUED) while the queue has room, then refused (telCAN_NOT_QUEUE_FULL),
and neither changes the open ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.node_process import GENESIS, in_process_node, keypair, payment
from xpay.ledger import keylet
from xpay.node.open_ledger import OpenLedger
from xpay.protocol.ter import Tef, Tel, Ter, Tes
from xpay.tx.transaction import Transaction

ALICE = keypair("alice")
BOB = keypair("bob")
CAROL = keypair("carol")
DAVE = keypair("dave")


def _fund(dst: str, seq: int, drops: int = 50_000_000) -> bytes:
    return bytes.fromhex(payment(GENESIS, dst, str(drops), seq)[0])


def _genesis_sequence(view: object) -> int:
    root = view.read(keylet.account(GENESIS.account_id))  # type: ignore[attr-defined]
    assert root is not None
    return int(root.sequence)


async def test_beyond_the_cap_a_submission_is_queued_then_refused_and_changes_nothing(tmp_path: Path) -> None:
    async with in_process_node(tmp_path, max_ledger_transactions=2, max_queued_transactions=1) as node:
        service, master = node.service, node.master
        for seq, who in enumerate((ALICE, BOB), start=1):
            outcome = await service.submit(_fund(who.address, seq))
            assert outcome.engine_result == Tes.tesSUCCESS and outcome.applied
        assert master.open.full

        queued = await service.submit(_fund(CAROL.address, 3))
        assert queued.engine_result == Ter.terQUEUED
        assert queued.queued and not queued.applied and not queued.kept
        assert master.open.is_queued(queued.tx_id) and master.open.queued_count == 1
        assert master.open.view.read(keylet.account(CAROL.account_id)) is None
        assert _genesis_sequence(master.open.view) == 3  # sequence 3 not consumed

        dave_blob = _fund(DAVE.address, 4)
        refused = await service.submit(dave_blob)
        assert refused.engine_result == Tel.telCAN_NOT_QUEUE_FULL
        assert not refused.applied and not refused.kept and not refused.queued
        assert master.open.refused == 1 and master.open.queued_count == 1
        assert len(master.open.transactions()) == 2
        assert master.open.view.read(keylet.account(DAVE.account_id)) is None

        # The close takes the capped open ledger; the queued transaction moves into the next one.
        first = await service.ledger_accept()
        assert len(first.txs) == 2 and first.read(keylet.account(CAROL.account_id)) is None
        assert [tx.id for tx in master.open.transactions()] == [queued.tx_id]
        assert master.open.queued_count == 0

        # The refused transaction's sequence is still usable: the same blob applies now.
        again = await service.submit(dave_blob)
        assert again.engine_result == Tes.tesSUCCESS and again.applied
        second = await service.ledger_accept()
        assert len(second.txs) == 2
        assert second.read(keylet.account(CAROL.account_id)) is not None
        assert second.read(keylet.account(DAVE.account_id)) is not None


async def test_without_a_queue_the_excess_is_refused_at_once(tmp_path: Path) -> None:
    async with in_process_node(tmp_path, max_ledger_transactions=1, max_queued_transactions=0) as node:
        service = node.service
        assert (await service.submit(_fund(ALICE.address, 1))).applied
        refused = await service.submit(_fund(BOB.address, 2))
        assert refused.engine_result == Tel.telCAN_NOT_QUEUE_FULL and not refused.queued
        # A relayed transaction beyond the cap is not applied either.
        assert node.master.submit_relayed(_fund(BOB.address, 2))
        await node.service.ledger_accept()
        assert node.master.open.refused == 2
        assert node.master.validated_ledger.read(keylet.account(BOB.account_id)) is None


async def test_leftovers_beyond_the_cap_at_a_reopen_wait_in_the_queue_first(tmp_path: Path) -> None:
    """Transactions the open ledger held before a close are never refused: when a switch (or a
    consensus set without them) leaves more than the cap, the excess goes to the front of the
    queue, even past its bound."""
    async with in_process_node(tmp_path) as node:
        master = node.master
        open_ledger = OpenLedger(
            master.closed_ledger, master.rules, master.signatures, max_transactions=3, max_queued=0
        )
        txs = [Transaction.from_blob(_fund(who.address, seq)) for seq, who in enumerate((ALICE, BOB, CAROL), 1)]
        for tx in txs:
            assert open_ledger.apply(tx).applied
        open_ledger.max_transactions = 2
        open_ledger.reopen(master.closed_ledger, [])
        assert [tx.id for tx in open_ledger.transactions()] == [txs[0].id, txs[1].id]
        assert open_ledger.is_queued(txs[2].id) and open_ledger.refused == 0
        open_ledger.max_transactions = 3
        open_ledger.reopen(master.closed_ledger, [])
        assert len(open_ledger.transactions()) == 3 and open_ledger.queued_count == 0


def test_the_cap_must_admit_something() -> None:
    with pytest.raises(ValueError):
        OpenLedger(None, None, None, max_transactions=0)  # type: ignore[arg-type]


async def test_only_a_transaction_that_could_apply_next_is_queued(tmp_path: Path) -> None:
    """As rippled's TxQ: the account's next sequence (counting its queued ones) is queued; a
    gap, a past sequence or a taken place is answered by name and changes nothing."""
    async with in_process_node(tmp_path, max_ledger_transactions=1, max_queued_transactions=10) as node:
        service, master = node.service, node.master
        assert (await service.submit(_fund(ALICE.address, 1))).applied
        assert (await service.submit(_fund(BOB.address, 2))).engine_result == Ter.terQUEUED
        assert (await service.submit(_fund(CAROL.address, 3))).engine_result == Ter.terQUEUED
        gap = await service.submit(_fund(DAVE.address, 5))
        assert gap.engine_result == Ter.terPRE_SEQ and not gap.kept and not gap.queued
        taken = await service.submit(_fund(DAVE.address, 3))
        assert taken.engine_result == Tel.telCAN_NOT_QUEUE
        past = await service.submit(_fund(DAVE.address, 1))
        assert past.engine_result in (Tef.tefPAST_SEQ, Tef.tefALREADY)
        unknown = await service.submit(bytes.fromhex(payment(DAVE, ALICE.address, "1000", 1)[0]))
        assert unknown.engine_result == Ter.terNO_ACCOUNT
        assert master.open.queued_count == 2 and master.open.held_count == 0
        # One ledger at a time, in sequence order.
        await service.ledger_accept()
        assert master.open.queued_count == 1
        await service.ledger_accept()
        third = await service.ledger_accept()
        assert third.read(keylet.account(CAROL.account_id)) is not None


async def test_every_node_draws_the_same_transactions_from_the_same_pool(tmp_path: Path) -> None:
    """rippled's TxQ order (ID XOR parent hash, an account's transactions in sequence order)
    does not depend on the order the transactions arrived in."""
    async with in_process_node(tmp_path) as node:
        master = node.master
        blobs = [_fund(who.address, seq) for seq, who in enumerate((ALICE, BOB, CAROL, DAVE), 1)]
        txs = [Transaction.from_blob(blob) for blob in blobs]
        drawn: list[list[Transaction]] = []
        for order in (txs, list(reversed(txs))):
            ledger = OpenLedger(master.closed_ledger, master.rules, master.signatures, max_transactions=4)
            for tx in order:
                ledger.apply(tx)  # the reversed order fails for sequence: held
            ledger.max_transactions = 2
            ledger.max_queued = 10
            ledger.reopen(master.closed_ledger, order)
            drawn.append(ledger.transactions())
        assert drawn[0] == drawn[1] == txs[:2]
