"""In-process devnets: validators on the in-process hub, each with its own store and ledger
master, agreeing on ledgers; a partitioned validator catching up after the heal; a tracking node
following; a validator that signs two ledgers at one sequence being caught and not counted.
Every test ends with the fork checker over the nodes' SQLite stores."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from tests.support.devnet import (
    GENESIS,
    LedgerWatch,
    devnet_config,
    fork_check,
    in_process_devnet,
    payment,
    validated_seqs,
)
from xpay.consensus import Validation
from xpay.crypto import KeyPair
from xpay.ledger import keylet
from xpay.node.consensus_adaptor import network_time_ms
from xpay.node.devnet import devnet_validator_configs
from xpay.node.peer_messages import SignedValidation, encode_validation
from xpay.node.validator import ValidatorNode
from xpay.overlay import Hub, MessageKind
from xpay.protocol.ids import Hash256, NodeID

pytestmark = pytest.mark.integration


def _node_dirs(tmp_path: Path, names: list[str]) -> list[Path]:
    return [tmp_path / name for name in names]


async def test_four_validators_agree_on_every_ledger_and_a_payment_validates_on_all(tmp_path: Path) -> None:
    alice = KeyPair.from_entropy(b"alice-alice-alic")
    async with in_process_devnet(tmp_path) as (devnet, watch):
        nodes = devnet.nodes
        await watch.until(lambda: min(validated_seqs(nodes)) >= 4)
        assert all(node.server_state() == "proposing" for node in nodes)
        blob, tx_hash = payment(GENESIS, alice.address, 50_000_000, 1)
        outcome = await nodes[2].service.submit(blob)
        assert outcome.applied and outcome.engine_result == 0
        tx_id = bytes.fromhex(tx_hash)
        await watch.until(lambda: all(tx_id in watch.validated_txs[i] for i in range(len(nodes))))
        seqs = {node.store.transaction(tx_id).ledger_seq for node in nodes}  # type: ignore[union-attr]
        assert len(seqs) == 1
        (seq,) = seqs
        await watch.until(lambda: min(validated_seqs(nodes)) >= seq)
        assert len({node.store.ledger(seq).hash for node in nodes}) == 1  # type: ignore[union-attr]
        for node in nodes:
            root = node.master.validated_ledger.read_key(_account_key(alice))
            assert root is not None
        stats = [node.adaptor.stats for node in nodes]
        assert all(s.conflicts == 0 and s.forks_refused == 0 for s in stats)
    report = fork_check(_node_dirs(tmp_path, [f"validator-{i}" for i in range(4)]))
    assert report.highest_common >= seq


def _account_key(keypair: KeyPair) -> bytes:
    return keylet.account(keypair.account_id).key


async def test_a_partitioned_validator_catches_up_after_the_heal(tmp_path: Path) -> None:
    hub = Hub(seed=7)
    async with in_process_devnet(tmp_path, validators=5, hub=hub) as (devnet, watch):
        nodes = devnet.nodes
        await watch.until(lambda: min(validated_seqs(nodes)) >= 3)
        lonely = nodes[0]
        hub.partition([lonely.key.node_id])
        cut_at = lonely.master.validated_ledger.seq
        # Four of five are a quorum: the majority keeps validating while the lone one waits.
        await watch.until(lambda: min(validated_seqs(nodes[1:])) >= cut_at + 6)
        assert lonely.server_state() == "disconnected"
        assert lonely.master.validated_ledger.seq <= cut_at + 1
        hub.heal()
        target = max(validated_seqs(nodes[1:]))
        await watch.until(lambda: lonely.master.validated_ledger.seq >= target + 2, timeout=60)
        # It rejoined: it proposes and its validations count again.
        before = lonely.adaptor.stats.validations_sent
        await watch.until(lambda: lonely.adaptor.stats.validations_sent >= before + 2, timeout=60)
        assert lonely.adaptor.inbound_ledgers.stats.acquired > 0
    report = fork_check(_node_dirs(tmp_path, [f"validator-{i}" for i in range(5)]))
    assert report.validated_seq(str(tmp_path / "validator-0")) >= target + 2


async def test_a_tracking_node_follows_without_validating(tmp_path: Path) -> None:
    async with in_process_devnet(tmp_path, validators=3, tracking=1) as (devnet, watch):
        validators, tracker = devnet.nodes[:3], devnet.nodes[3]
        await watch.until(lambda: tracker.master.validated_ledger.seq >= 6)
        assert not tracker.config.validating
        assert tracker.adaptor.stats.validations_sent == 0
        assert tracker.server_state() in ("full", "tracking")
        # Its validations would not count anyway: it is on nobody's UNL.
        assert tracker.key.node_id not in validators[0].unl
        seq = tracker.master.validated_ledger.seq
        await watch.until(lambda: min(validated_seqs(validators)) >= seq)
        assert tracker.store.ledger(seq).hash == validators[0].store.ledger(seq).hash  # type: ignore[union-attr]
    fork_check(_node_dirs(tmp_path, ["validator-0", "validator-1", "validator-2", "tracker-0"]))


async def test_two_validations_from_one_validator_at_one_sequence_are_caught_and_not_counted(tmp_path: Path) -> None:
    """Five validators on the UNL, four running honestly; the fifth's key signs two different
    ledgers at the same sequence. Every honest node records the conflict, and neither
    validation counts towards quorum; the honest four (a quorum) keep validating."""
    hub = Hub(seed=3)
    configs = devnet_validator_configs(devnet_config(tmp_path, validators=5))
    byzantine = configs[4].node_key()
    watch = LedgerWatch()
    async with contextlib.AsyncExitStack() as stack:
        honest = [await stack.enter_async_context(ValidatorNode(config, hub=hub)) for config in configs[:4]]
        for index, node in enumerate(honest):
            watch.watch(index, node)
        await watch.until(lambda: min(validated_seqs(honest)) >= 3)
        network_id = honest[0].config.network_id
        async with hub.overlay(byzantine, unl=honest[0].unl, network_id=network_id) as liar:
            seq = honest[0].master.validated_ledger.seq + 50
            for fill in (b"\x01", b"\x02"):
                validation = Validation(Hash256(fill * 32), seq, network_time_ms(), NodeID(byzantine.node_id))
                payload = encode_validation(SignedValidation(validation, 0))
                await liar.broadcast(MessageKind.VALIDATION, payload)
            await watch.until(lambda: all(node.adaptor.stats.conflicts >= 1 for node in honest))
        for node in honest:
            validations = node.adaptor.consensus.validations
            assert [c.node_id for c in validations.conflicts] == [byzantine.node_id]
            assert validations.num_trusted_for_ledger(Hash256(b"\x01" * 32)) == 0
            assert validations.num_trusted_for_ledger(Hash256(b"\x02" * 32)) == 0
        base = max(validated_seqs(honest))
        await watch.until(lambda: min(validated_seqs(honest)) >= base + 2)
        watch.close()
    fork_check(_node_dirs(tmp_path, [f"validator-{i}" for i in range(4)]))


async def test_a_stopped_validator_restarts_from_its_store_and_validates_again(tmp_path: Path) -> None:
    """With four validators, quorum is all four: while one is away ledgers still close but none
    is fully validated; back, it catches up and validation resumes everywhere."""
    async with in_process_devnet(tmp_path) as (devnet, watch):
        nodes = devnet.nodes
        await watch.until(lambda: min(validated_seqs(nodes)) >= 3)
    stopped_at = validated_seqs(devnet.nodes)
    async with in_process_devnet(tmp_path) as (devnet, watch):
        nodes = devnet.nodes
        assert all(node.resumed for node in nodes)
        assert validated_seqs(nodes) == stopped_at
        await watch.until(lambda: min(validated_seqs(nodes)) >= max(stopped_at) + 3)
    fork_check(_node_dirs(tmp_path, [f"validator-{i}" for i in range(4)]))
