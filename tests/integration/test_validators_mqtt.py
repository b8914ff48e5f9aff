"""Validators as real `xpay node` processes over a private mosquitto: they close and validate
ledgers, agree on a payment's ledger, survive a SIGKILL (the victim catches up and validates
again) and a broker outage (nothing forks; closing resumes). Each test waits on the nodes'
WebSocket streams, stops the nodes cleanly, and runs the fork checker over their stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.devnet import GENESIS, NodeStreams, fork_check, payment, process_devnet, rpc
from tests.support.mosquitto import Broker
from xpay.crypto import KeyPair
from xpay.node.devnet import ValidatorProcess

pytestmark = [pytest.mark.integration, pytest.mark.mqtt]


def _start_all(processes: list[ValidatorProcess]) -> None:
    for process in processes:
        process.start(wait=False)
    for process in processes:
        process.wait_ready()


def _stop_all(processes: list[ValidatorProcess]) -> None:
    statuses = [process.stop() for process in processes if process.process is not None]
    assert statuses == [0] * len(statuses), [p.log_tail() for p in processes]


async def test_four_validators_validate_ledgers_and_agree_on_a_payment(tmp_path: Path, mosquitto: Broker) -> None:
    processes = process_devnet(tmp_path, mosquitto.url)
    _start_all(processes)
    try:
        streams = NodeStreams([p.ws_url for p in processes])
        async with streams.running():
            await streams.until(lambda: min(streams.validated) >= 3)
            bob = KeyPair.from_entropy(b"bob-bob-bob-bob-")
            blob, tx_hash = payment(GENESIS, bob.address, 25_000_000, 1)
            answer = rpc(processes[1].url, "submit", tx_blob=blob.hex())
            assert answer["engine_result"] == "tesSUCCESS", answer
            await streams.until(lambda: all(tx_hash in seen for seen in streams.transactions))
            places = {seen[tx_hash] for seen in streams.transactions}
            assert len(places) == 1, places  # one ledger, one hash, on every node
            info = rpc(processes[3].url, "server_info")["info"]
            assert info["validation_quorum"] == 4 and info["peers"] == 3
            assert info["server_state"] in ("proposing", "full")
            account = rpc(processes[0].url, "account_info", account=bob.address, ledger_index="validated")
            assert account["account_data"]["Balance"] == "25000000"
    finally:
        _stop_all(processes)
    report = fork_check([p.config.data_dir for p in processes])
    assert report.highest_common >= places.pop()[0]


async def test_a_killed_validator_restarts_catches_up_and_validates_again(tmp_path: Path, mosquitto: Broker) -> None:
    processes = process_devnet(tmp_path, mosquitto.url)
    _start_all(processes)
    victim = processes[3]
    victim_key = victim.config.node_key().node_public
    try:
        streams = NodeStreams([p.ws_url for p in processes])
        async with streams.running():
            await streams.until(lambda: min(streams.validated) >= 3)
            victim.kill()
            killed_at = max(streams.validated)
            # Quorum is all four: the other three keep closing and validating ledgers, none
            # fully validated until the victim is back.
            await streams.until(lambda: any(seq >= killed_at + 4 for seq in streams.validations[0]))
            assert max(streams.validated[:3]) <= killed_at + 1
            victim.start()
            await streams.follow(3, victim.ws_url)
            # It fetches the ledgers it missed, and validation resumes everywhere, itself included.
            await streams.until(lambda: min(streams.validated) >= killed_at + 6, timeout=60)
            await streams.until(
                lambda: any(
                    victim_key in keys and seq > killed_at + 4 for seq, keys in streams.validations[0].items()
                )
            )
            for seq in range(killed_at + 1, killed_at + 6):
                hashes = {node[seq] for node in streams.ledger_hashes if seq in node}
                assert len(hashes) <= 1, (seq, hashes)
            state = rpc(victim.url, "server_info")["info"]
            assert state["server_state"] in ("proposing", "full", "tracking")
    finally:
        _stop_all(processes)
    fork_check([p.config.data_dir for p in processes])


async def test_a_broker_outage_forks_nothing_and_closing_resumes(tmp_path: Path, mosquitto: Broker) -> None:
    processes = process_devnet(tmp_path, mosquitto.url)
    _start_all(processes)
    try:
        streams = NodeStreams([p.ws_url for p in processes])
        async with streams.running():
            await streams.until(lambda: min(streams.validated) >= 3)
            mosquitto.stop()
            # Every node notices it has no peers, and its consensus waits.
            await streams.until(lambda: all(state == "disconnected" for state in streams.server_state))
            during = max(streams.validated)
            mosquitto.start()
            await streams.until(lambda: all(state == "proposing" for state in streams.server_state), timeout=60)
            await streams.until(lambda: min(streams.validated) >= during + 3, timeout=60)
            for seq in range(during, during + 3):
                assert len({hashes.get(seq) for hashes in streams.ledger_hashes} - {None}) <= 1
    finally:
        _stop_all(processes)
    fork_check([p.config.data_dir for p in processes])
