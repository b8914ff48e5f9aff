"""`xpay standalone` as a real process: start, clean stop, restart, and SIGKILL in the middle of
a stream of submissions without losing anything that was reported validated."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support.node_process import GENESIS, NodeProcess, keypair, payment

pytestmark = pytest.mark.integration

RECEIVERS = [keypair(f"receiver{i}") for i in range(5)]
AMOUNT = 2_000_000
FEE = 10


@pytest.fixture
def node(tmp_path: Path) -> Iterator[NodeProcess]:
    process = NodeProcess(tmp_path / "node")
    yield process
    if process.process is not None:
        process.kill()


def test_a_clean_stop_and_restart_resume_the_chain(node: NodeProcess) -> None:
    node.start()
    blob, tx_hash = payment(GENESIS, RECEIVERS[0].address, str(AMOUNT), 1)
    assert node.rpc("submit", tx_blob=blob)["engine_result"] == "tesSUCCESS"
    accepted = node.rpc("ledger_accept")
    assert accepted["ledger_current_index"] == 3
    validated = node.rpc("ledger", ledger_index="validated")["ledger_hash"]
    assert node.stop() == 0

    node.start()
    info = node.rpc("server_info")["info"]
    assert info["complete_ledgers"] == "1-2" and info["validated_ledger"]["hash"] == validated
    found = node.rpc("tx", transaction=tx_hash)
    assert found["validated"] is True and found["meta"]["TransactionResult"] == "tesSUCCESS"
    assert node.rpc("ledger_accept")["ledger_current_index"] == 4
    node.rpc("stop")  # the admin method stops it as cleanly as SIGTERM
    assert node.process is not None and node.process.wait(timeout=30) == 0
    node._reap()


async def test_a_clean_stop_closes_websocket_clients(node: NodeProcess) -> None:
    node.start()
    async with aiohttp.ClientSession() as http, http.ws_connect(node.ws_url) as ws:
        await ws.send_json({"id": 1, "command": "subscribe", "streams": ["ledger"]})
        assert (await ws.receive_json())["status"] == "success"
        assert await asyncio.to_thread(node.stop) == 0
        closing = await ws.receive()
        assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)


def test_the_command_refuses_bad_arguments_in_one_line(tmp_path: Path) -> None:
    base = [sys.executable, "-m", "xpay.cli", "standalone", "--data-dir", str(tmp_path / "d")]
    bad_seed = subprocess.run([*base, "--genesis-seed", "sNotASeed"], capture_output=True, text=True, timeout=60)
    assert bad_seed.returncode == 2 and bad_seed.stderr.count("\n") == 1 and "Traceback" not in bad_seed.stderr
    blocker = NodeProcess(tmp_path / "blocker")
    blocker.start()
    try:
        taken = subprocess.run(
            [*base, "--genesis-seed", GENESIS.seed, "--port", str(blocker.port)],
            capture_output=True, text=True, timeout=60,
        )
        assert taken.returncode == 1 and "Traceback" not in taken.stderr and "address already in use" in taken.stderr
    finally:
        blocker.kill()


async def _stream_until_killed(node: NodeProcess, wanted: int) -> dict[str, dict[str, Any]]:
    """Submit payments as fast as the node takes them while a subscriber records every
    transaction the node reports validated; SIGKILL the node once `wanted` were seen."""
    validated: dict[str, dict[str, Any]] = {}
    enough = asyncio.Event()
    killed = asyncio.Event()
    async with aiohttp.ClientSession() as http, http.ws_connect(node.ws_url) as ws:
        await ws.send_json({"id": 1, "command": "subscribe", "streams": ["transactions"], "api_version": 2})
        assert (await ws.receive_json())["status"] == "success"

        async def watch() -> None:
            async for message in ws:
                event = json.loads(message.data)
                if event.get("type") == "transaction" and event["validated"]:
                    validated[event["hash"]] = event
                    if len(validated) >= wanted:
                        enough.set()

        async def submit() -> None:
            sequence = 1
            while not enough.is_set():
                receiver = RECEIVERS[sequence % len(RECEIVERS)]
                blob, _ = payment(GENESIS, receiver.address, str(AMOUNT), sequence)
                body = {"method": "submit", "params": [{"tx_blob": blob}]}
                try:
                    async with http.post(node.url, json=body) as response:
                        result = (await response.json())["result"]
                except aiohttp.ClientError:
                    if killed.is_set():
                        return  # the kill cut this submission off mid-request, as intended
                    raise
                assert result["engine_result"] == "tesSUCCESS", result
                sequence += 1

        async with asyncio.TaskGroup() as group:
            watcher = group.create_task(watch())
            group.create_task(submit())
            await enough.wait()
            killed.set()
            node.kill()
            watcher.cancel()
    return validated


def test_sigkill_mid_stream_loses_no_validated_transaction(node: NodeProcess) -> None:
    node.close_interval = 0.05
    node.start()
    seen = asyncio.run(_stream_until_killed(node, wanted=60))
    assert len(seen) >= 60

    node.start()
    info = node.rpc("server_info")["info"]
    last = int(info["validated_ledger"]["seq"])
    assert last >= max(event["ledger_index"] for event in seen.values())
    for tx_hash, event in seen.items():
        found = node.rpc("tx", transaction=tx_hash, api_version=2)
        assert found["validated"] is True and found["ledger_index"] == event["ledger_index"]
        assert found["meta"] == event["meta"]
        assert found["ledger_hash"] == event["ledger_hash"]

    # Balances agree with the validated history the restarted node serves.
    history = node.rpc("account_tx", account=GENESIS.address, limit=400, forward=True, api_version=2, ledger_index_max=last)
    payments = [t for t in history["transactions"] if t["tx_json"]["TransactionType"] == "Payment"]
    while "marker" in history:
        history = node.rpc(
            "account_tx", account=GENESIS.address, limit=400, forward=True, api_version=2,
            ledger_index_max=last, marker=history["marker"],
        )
        payments += [t for t in history["transactions"] if t["tx_json"]["TransactionType"] == "Payment"]
    assert set(seen) <= {t["hash"] for t in payments}
    assert [t["tx_json"]["Sequence"] for t in payments] == list(range(1, len(payments) + 1))
    for receiver in RECEIVERS:
        received = sum(int(t["meta"]["delivered_amount"]) for t in payments if t["tx_json"]["Destination"] == receiver.address)
        balance = node.rpc("account_info", account=receiver.address, ledger_index="validated")["account_data"]["Balance"]
        assert int(balance) == received
    genesis = node.rpc("account_info", account=GENESIS.address, ledger_index="validated")["account_data"]
    assert int(genesis["Balance"]) == 10**17 - len(payments) * (AMOUNT + FEE)
    assert genesis["Sequence"] == len(payments) + 1
    ledger = node.rpc("ledger", ledger_index="validated")["ledger"]
    assert int(ledger["total_coins"]) == 10**17 - len(payments) * FEE

