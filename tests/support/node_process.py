"""Standalone nodes for tests: a real `xpay standalone` process, or the same node in-process.

`NodeProcess` starts `python -m xpay.cli standalone` on a free port with a data directory, waits
for it to print that it is ready (reading its stdout, no polling), and can stop it cleanly
(SIGTERM), kill it (SIGKILL) and start it again on the same data directory.

`in_process_node()` runs the same StandaloneNode inside the test's event loop, for tests that
need the ledger master or the service at hand (no API server unless asked for).

`sign()` / `payment()` build really signed transactions with xpay's own codec and keys.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.ports import free_port
from xpay.api.server import ApiConfig
from xpay.crypto import KeyPair, sign_transaction
from xpay.node.config import NodeConfig
from xpay.node.standalone import StandaloneNode

GENESIS = KeyPair.from_entropy(bytes(range(100, 116)))
"""The genesis account of every test node: it holds all 100 billion XPY at ledger 1."""
NETWORK_ID = 21337
READY_LINE = "xpay standalone node ready"
START_TIMEOUT = 30.0


def sign(tx_json: dict[str, Any], keypair: KeyPair) -> tuple[str, str]:
    """(blob hex, hash hex) of a transaction signed by `keypair`, NetworkID added."""
    return sign_transaction({"NetworkID": NETWORK_ID, **tx_json}, keypair)


def payment(src: KeyPair, dst: str, amount: Any, sequence: int, fee: int = 10, **fields: Any) -> tuple[str, str]:
    tx = {
        "TransactionType": "Payment",
        "Account": src.address,
        "Destination": dst,
        "Amount": amount,
        "Fee": str(fee),
        "Sequence": sequence,
        **fields,
    }
    return sign(tx, src)


def keypair(name: str) -> KeyPair:
    """A deterministic test account."""
    return KeyPair.from_entropy(name.encode().ljust(16, b".")[:16])


@dataclass
class NodeProcess:
    """A real `xpay standalone` process on a free port."""

    data_dir: Path
    close_interval: float | None = None
    extra_args: list[str] = field(default_factory=list)
    port: int = 0
    process: subprocess.Popen[str] | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def start(self) -> None:
        assert self.process is None, "already running"
        self.port = free_port()
        args = [
            sys.executable, "-m", "xpay.cli", "standalone",
            "--port", str(self.port),
            "--genesis-seed", GENESIS.seed,
            "--data-dir", str(self.data_dir),
            "--network-id", str(NETWORK_ID),
            *self.extra_args,
        ]
        if self.close_interval is not None:
            args += ["--close-interval", str(self.close_interval)]
        self.log_path = self.data_dir.with_suffix(".log")
        log = self.log_path.open("a")
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, text=True)
        log.close()
        self._wait_ready()

    def _wait_ready(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if not selector.select(timeout=deadline - time.monotonic()):
                    break
                line = self.process.stdout.readline()
                if not line:
                    raise RuntimeError(f"xpay standalone exited with {self.process.wait()}: {self._log_tail()}")
                if line.startswith(READY_LINE):
                    return
        self.kill()
        raise RuntimeError(f"xpay standalone was not ready within {START_TIMEOUT} s")

    def _log_tail(self) -> str:
        return self.log_path.read_text()[-2000:] if self.log_path is not None else ""

    def stop(self) -> int:
        """SIGTERM, and the exit status of the clean shutdown."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(timeout=30)
        self._reap()
        return status

    def kill(self) -> None:
        """SIGKILL: the node gets no chance to finish anything."""
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
            self._reap()

    def _reap(self) -> None:
        assert self.process is not None
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

    def rpc(self, method: str, **params: Any) -> dict[str, Any]:
        """A JSON-RPC call; the `result` object."""
        body = json.dumps({"method": method, "params": [params]}).encode()
        request = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            result: dict[str, Any] = json.loads(response.read())["result"]
        return result


def node_config(data_dir: Path, **overrides: Any) -> NodeConfig:
    settings: dict[str, Any] = {"genesis_seed": GENESIS.seed, "network_id": NETWORK_ID, **overrides}
    return NodeConfig(data_dir=data_dir, **settings)


@asynccontextmanager
async def in_process_node(
    data_dir: Path, *, api: ApiConfig | None = None, **overrides: Any
) -> AsyncIterator[StandaloneNode]:
    """A standalone node in this event loop (with an API server on a free port if `api`)."""
    async with StandaloneNode(node_config(data_dir, **overrides), api) as node:
        yield node
