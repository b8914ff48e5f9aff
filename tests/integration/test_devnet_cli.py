"""`xpay devnet` as a real subprocess: it starts, prints its endpoints and the genesis secret, a
payment through its API validates, and SIGINT stops it cleanly (exit status 0) within seconds.
Bad flags are one-line errors."""

from __future__ import annotations

import re
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.devnet import NodeStreams, fork_check, rpc
from tests.support.ports import free_port
from xpay.crypto import KeyPair, sign_transaction
from xpay.node.devnet import (
    DEVNET_GENESIS_SEED,
    DEVNET_READY_LINE,
    DevnetConfig,
    devnet_validator_configs,
)
from xpay.node.validator import open_network_chain
from xpay.store.ledger_store import LedgerStore

pytestmark = pytest.mark.integration


def _read_until_ready(process: subprocess.Popen[str], timeout: float = 60.0) -> list[str]:
    """The ready block: the ready line, endpoints, genesis, and the warning line that ends it
    (the default seed). Waits for the first line with a deadline; the rest follows at once."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=timeout):
            raise AssertionError(f"xpay devnet printed nothing within {timeout} s")
    lines: list[str] = []
    while True:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"xpay devnet exited early: {''.join(lines)}")
        lines.append(line)
        if line.startswith("WARNING:"):
            return lines


async def test_xpay_devnet_serves_a_payment_and_stops_cleanly_on_sigint(tmp_path: Path) -> None:
    base_port = free_port()
    data_dir = tmp_path / "devnet"
    process = subprocess.Popen(
        [
            sys.executable, "-m", "xpay.cli", "devnet", "--validators", "3", "--close-interval", "0.3",
            "--base-port", str(base_port), "--data-dir", str(data_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = _read_until_ready(process)
        text = "".join(lines)
        assert lines[0].startswith(DEVNET_READY_LINE)
        ports = [int(port) for port in re.findall(r"JSON-RPC http://127\.0\.0\.1:(\d+)/", text)]
        assert ports == [base_port, base_port + 1, base_port + 2]
        genesis = KeyPair.from_seed(DEVNET_GENESIS_SEED)
        assert f"genesis account: {genesis.address}" in text
        assert f"genesis seed:    {DEVNET_GENESIS_SEED}" in text
        assert "for development only" in lines[-1].lower()

        carol = KeyPair.from_entropy(b"carol-carol-caro")
        blob, tx_hash = sign_transaction(
            {
                "TransactionType": "Payment",
                "Account": genesis.address,
                "Destination": carol.address,
                "Amount": "30000000",
                "Fee": "10",
                "Sequence": 1,
                "NetworkID": 21337,
            },
            genesis,
        )
        streams = NodeStreams([f"ws://127.0.0.1:{port}/" for port in ports])
        async with streams.running():
            answer = rpc(f"http://127.0.0.1:{ports[0]}/", "submit", tx_blob=blob)
            assert answer["engine_result"] == "tesSUCCESS", answer
            await streams.until(lambda: all(tx_hash in seen for seen in streams.transactions))
        tx = rpc(f"http://127.0.0.1:{ports[2]}/", "tx", transaction=tx_hash)
        assert tx["validated"] is True and tx["meta"]["TransactionResult"] == "tesSUCCESS"

        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        status = process.wait(timeout=15)
        stopped_in = time.monotonic() - started
        assert status == 0, process.stderr.read() if process.stderr else ""
        assert process.stdout is not None and "xpay devnet stopped" in process.stdout.read()
        assert stopped_in < 15
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
    fork_check([data_dir / f"validator-{i}" for i in range(3)])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--validators", "0"], "--validators"),
        (["--close-interval", "0"], "--close-interval"),
        (["--processes"], "--processes needs --transport mqtt"),
        (["--transport", "mqtt", "--broker", "http://x"], "broker URL"),
        (["--genesis-seed", "nonsense"], "error"),
    ],
)
def test_bad_devnet_flags_are_one_line_errors(args: list[str], message: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "xpay.cli", "devnet", "--data-dir", str(tmp_path), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_a_data_directory_of_another_genesis_is_a_one_line_error(tmp_path: Path) -> None:
    config = devnet_validator_configs(DevnetConfig(data_dir=tmp_path, validators=1, base_port=0))[0]
    store = LedgerStore.open(config.data_dir)
    try:
        open_network_chain(store, config)
    finally:
        store.close()
    other = KeyPair.from_entropy(b"other-genesis-ab")
    result = subprocess.run(
        [
            sys.executable, "-m", "xpay.cli", "devnet", "--validators", "1", "--base-port", "0",
            "--data-dir", str(tmp_path), "--genesis-seed", other.seed,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "genesis account" in result.stderr and len(result.stderr.strip().splitlines()) == 1
