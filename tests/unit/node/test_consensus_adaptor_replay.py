"""Acquiring ledgers from peers: a ledger rebuilt by replaying its transactions on its parent, or
from a state snapshot, proven against the hash asked for; tampered data refused; and the
InboundLedgers fetcher over an in-process overlay (replay down to a ledger we hold, a snapshot
when too far behind, a lying peer's data refused)."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from tests.support.node_process import GENESIS, keypair, payment
from xpay.crypto import NodeKey
from xpay.ledger.ledger import Ledger, genesis_ledger
from xpay.node.acquire import InboundLedgers
from xpay.node.config import DEFAULT_FEES
from xpay.node.consensus_ledger import RCLCxLedger
from xpay.node.ledger_replay import LedgerMismatch, ledger_data, ledger_from_snapshot, replay_ledger
from xpay.node.peer_messages import LedgerMode, decode_get_ledger, decode_ledger_data
from xpay.overlay import Envelope, Hub, MessageKind
from xpay.protocol.ids import Hash256
from xpay.tx.build import build_ledger
from xpay.tx.rules import Rules
from xpay.tx.transaction import Transaction

RULES = Rules(21337)


def _chain(length: int) -> list[Ledger]:
    """Genesis, then ledgers with payments (new accounts, then payments between them)."""
    ledgers = [genesis_ledger(GENESIS.account_id, DEFAULT_FEES, close_time=1000)]
    sequence = 1
    for index in range(length - 1):
        txs = []
        for k in range(3):
            blob, _ = payment(GENESIS, keypair(f"acct{index}-{k}").address, "30000000", sequence)
            txs.append(Transaction.from_blob(bytes.fromhex(blob)))
            sequence += 1
        parent = ledgers[-1]
        ledger, report = build_ledger(parent, txs, parent.close_time + 10, 10, 0, RULES)
        assert len(report.applied) == 3
        ledgers.append(ledger)
    return ledgers


def test_replaying_the_transactions_on_the_parent_rebuilds_the_same_ledger() -> None:
    parent, child = _chain(2)
    data = decode_ledger_data(ledger_data(child, LedgerMode.REPLAY))
    rebuilt = replay_ledger(parent, data, Hash256(child.hash), RULES)
    assert rebuilt.hash == child.hash
    assert rebuilt.state.root_hash() == child.state.root_hash()


def test_replay_refuses_a_dropped_transaction_a_wrong_parent_or_another_hash() -> None:
    grand, parent, child = _chain(3)
    data = decode_ledger_data(ledger_data(child, LedgerMode.REPLAY))
    dropped = dataclasses.replace(data, transactions=data.transactions[1:])
    with pytest.raises(LedgerMismatch, match="transaction hash"):
        replay_ledger(parent, dropped, Hash256(child.hash), RULES)
    with pytest.raises(LedgerMismatch, match="not a child"):
        replay_ledger(grand, data, Hash256(child.hash), RULES)
    with pytest.raises(LedgerMismatch, match="does not hash"):
        replay_ledger(parent, data, Hash256(parent.hash), RULES)


def test_a_snapshot_rebuilds_the_ledger_and_a_tampered_entry_is_caught() -> None:
    ledger = _chain(3)[-1]
    data = decode_ledger_data(ledger_data(ledger, LedgerMode.SNAPSHOT))
    rebuilt = ledger_from_snapshot(data, Hash256(ledger.hash))
    assert rebuilt.hash == ledger.hash and len(rebuilt.state) == len(ledger.state)
    key, entry = data.state[0]
    tampered = dataclasses.replace(data, state=((key, entry[:-1] + bytes([entry[-1] ^ 1])), *data.state[1:]))
    with pytest.raises(LedgerMismatch):
        ledger_from_snapshot(tampered, Hash256(ledger.hash))
    replay_only = decode_ledger_data(ledger_data(ledger, LedgerMode.REPLAY))
    with pytest.raises(LedgerMismatch, match="snapshot"):
        ledger_from_snapshot(replay_only, Hash256(ledger.hash))


class _Peer:
    """Serves GET_LEDGER from a set of ledgers, as a node's adaptor does (optionally lying)."""

    def __init__(self, ledgers: list[Ledger], *, lie: bool = False) -> None:
        self.by_hash = {ledger.hash: ledger for ledger in ledgers}
        self.requests: list[LedgerMode] = []
        self.lie = lie

    def serve(self, envelope: Envelope) -> bytes | None:
        ledger_hash, mode = decode_get_ledger(envelope.payload)
        self.requests.append(mode)
        ledger = self.by_hash.get(ledger_hash)
        if ledger is None:
            return None
        if self.lie:
            # Another ledger's contents under the requested hash.
            other = next(lgr for lgr in self.by_hash.values() if lgr.hash != ledger_hash)
            return ledger_data(other, mode).replace(other.hash, ledger_hash, 1)
        return ledger_data(ledger, mode)


async def _acquire(
    chain: list[Ledger], held: list[Ledger], wanted: Ledger, *, max_replay: int = 128, lie: bool = False
) -> tuple[list[RCLCxLedger], _Peer, InboundLedgers]:
    hub = Hub(seed=5)
    server_key, client_key = NodeKey.from_entropy(b"s" * 16), NodeKey.from_entropy(b"c" * 16)
    peer = _Peer(chain, lie=lie)
    have = {ledger.hash: RCLCxLedger.without_history(ledger) for ledger in held}
    got: list[RCLCxLedger] = []
    arrived = asyncio.Event()

    def on_ledger(ledger: RCLCxLedger) -> None:
        have[ledger.id] = ledger
        got.append(ledger)
        if ledger.id == wanted.hash:
            arrived.set()

    async with (
        hub.overlay(server_key, unl=[]) as server,
        hub.overlay(client_key, unl=[]) as client,
    ):
        server.serve(MessageKind.GET_LEDGER, peer.serve)
        inbound = InboundLedgers(
            client, have=lambda h: have.get(h), on_ledger=on_ledger, rules=RULES, delay=0.0, max_replay=max_replay
        )
        source = server.node_id
        if lie:
            async with asyncio.timeout(30):
                assert not await inbound.acquire(Hash256(wanted.hash), source)
            return got, peer, inbound
        async with asyncio.TaskGroup() as group:
            # The way a node uses it: a wish, served by the fetch loop.
            task = group.create_task(inbound.run())
            inbound.want(Hash256(wanted.hash), source)
            try:
                async with asyncio.timeout(30):
                    await arrived.wait()
            finally:
                task.cancel()
    return got, peer, inbound


async def test_a_node_replays_every_missing_ledger_down_to_one_it_holds() -> None:
    chain = _chain(6)
    got, peer, inbound = await _acquire(chain, held=chain[:2], wanted=chain[5])
    assert [ledger.seq for ledger in got] == [3, 4, 5, 6]
    assert [ledger.id for ledger in got] == [Hash256(ledger.hash) for ledger in chain[2:]]
    assert got[-1].ancestor(3) == chain[2].hash  # the ancestry links through the replays
    assert set(peer.requests) == {LedgerMode.REPLAY}
    assert inbound.stats.replayed == 4 and inbound.stats.snapshots == 0


async def test_a_node_too_far_behind_starts_from_a_snapshot_then_replays() -> None:
    chain = _chain(7)
    got, peer, inbound = await _acquire(chain, held=chain[:1], wanted=chain[6], max_replay=3)
    assert [ledger.seq for ledger in got] == [5, 6, 7]
    assert got[-1].id == chain[6].hash
    assert LedgerMode.SNAPSHOT in peer.requests
    assert inbound.stats.snapshots == 1


async def test_data_that_does_not_hash_to_the_request_is_refused() -> None:
    chain = _chain(3)
    got, peer, inbound = await _acquire(chain, held=chain[:2], wanted=chain[2], lie=True)
    assert got == []
    assert len(peer.requests) >= 4  # asked again (every attempt), and never believed
    assert inbound.stats.bad_replies >= 1 and inbound.stats.failed == 1
