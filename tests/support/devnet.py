"""Devnets for tests: validators in this event loop (on the in-process hub), or as real `xpay node`
processes over a private mosquitto, plus waiting on their progress without sleeping.

`LedgerWatch` listens to every node's ledger master and wakes the test whenever one of them
validates a ledger, so a test waits for a condition (`await watch.until(...)`), bounded by a
timeout, instead of sleeping.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp

from tests.support.fork_checker import ForkReport, check_forks
from xpay.api.facade import LedgerClosedEvent, NodeEvent, TransactionEvent
from xpay.consensus import ConsensusParms
from xpay.crypto import KeyPair, sign_transaction
from xpay.node.devnet import Devnet, DevnetConfig, ValidatorProcess, devnet_validator_configs
from xpay.node.validator import ValidatorNode, network_parms
from xpay.overlay import Hub

NETWORK_ID = 21337
GENESIS = KeyPair.from_entropy(bytes(range(100, 116)))
"""The genesis account of every test devnet."""
FAST = 0.25
"""Close interval of test devnets, in seconds: short, so tests run many rounds quickly."""


def fast_parms(close_interval: float = FAST) -> ConsensusParms:
    """The networked nodes' timing at a test's close interval, with a shorter wait for a lone
    validator (max consensus), so partitions and restarts resolve quickly."""
    return replace(network_parms(close_interval), ledger_max_consensus_ms=1000, ledger_max_pause_ms=2000)


def devnet_config(data_dir: Path, validators: int = 4, **overrides: Any) -> DevnetConfig:
    settings: dict[str, Any] = {
        "data_dir": data_dir,
        "validators": validators,
        "close_interval": FAST,
        "base_port": 0,
        "genesis_seed": GENESIS.seed,
        "network_id": NETWORK_ID,
        "parms": fast_parms(),
        "listen": 0.5,
        **overrides,
    }
    return DevnetConfig(**settings)


def payment(src: KeyPair, dst: str, drops: int, sequence: int, fee: int = 10) -> tuple[bytes, str]:
    """(blob, hash hex) of a signed XRP payment."""
    blob, tx_hash = sign_transaction(
        {
            "TransactionType": "Payment",
            "Account": src.address,
            "Destination": dst,
            "Amount": str(drops),
            "Fee": str(fee),
            "Sequence": sequence,
            "NetworkID": NETWORK_ID,
        },
        src,
    )
    return bytes.fromhex(blob), tx_hash


class LedgerWatch:
    """Wakes waiters whenever any watched node validates a ledger or one of its transactions."""

    def __init__(self) -> None:
        self._changed = asyncio.Event()
        self._removers: list[Callable[[], None]] = []
        self.validated_txs: dict[int, set[bytes]] = {}
        """Per watched node (by index), the IDs of transactions seen in validated ledgers."""

    def watch(self, index: int, node: ValidatorNode) -> None:
        seen = self.validated_txs.setdefault(index, set())

        def listener(event: NodeEvent) -> None:
            if isinstance(event, TransactionEvent):
                seen.add(bytes(event.tx_id))
            if isinstance(event, (LedgerClosedEvent, TransactionEvent)):
                self._changed.set()

        self._removers.append(node.master.add_listener(listener))

    def poke(self) -> None:
        self._changed.set()

    async def until(self, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
        """Return once `predicate()` holds, re-checked after every validated ledger."""
        async with asyncio.timeout(timeout):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

    def close(self) -> None:
        for remove in self._removers:
            remove()
        self._removers.clear()


@asynccontextmanager
async def in_process_devnet(
    data_dir: Path, validators: int = 4, *, hub: Hub | None = None, **overrides: Any
) -> AsyncIterator[tuple[Devnet, LedgerWatch]]:
    """A devnet in this event loop with a watch on every node; APIs on free ports."""
    async with Devnet(devnet_config(data_dir, validators, **overrides), hub=hub) as devnet:
        watch = LedgerWatch()
        for index, node in enumerate(devnet.nodes):
            watch.watch(index, node)
        try:
            yield devnet, watch
        finally:
            watch.close()


def validated_seqs(nodes: Iterable[ValidatorNode]) -> list[int]:
    return [node.master.validated_ledger.seq for node in nodes]


def fork_check(data_dirs: Iterable[Path]) -> ForkReport:
    """Run the fork checker over stopped nodes' stores and fail the test on any violation."""
    report = check_forks(data_dirs)
    report.assert_ok()
    return report


# --- real processes -----------------------------------------------------------------------------


def process_devnet(data_dir: Path, broker_url: str, validators: int = 4, **overrides: Any) -> list[ValidatorProcess]:
    """`xpay node` processes of a devnet over the given broker (not started)."""
    config = devnet_config(data_dir, validators, transport="mqtt", broker=broker_url, processes=True, **overrides)
    return [ValidatorProcess(node_config, log_level="INFO") for node_config in devnet_validator_configs(config)]


def rpc(url: str, method: str, **params: Any) -> dict[str, Any]:
    """A JSON-RPC call to a node; the `result` object."""
    body = json.dumps({"method": method, "params": [params]}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, Any] = json.loads(response.read())["result"]
    return result


class NodeStreams:
    """WebSocket subscriptions to several nodes' `ledger`, `transactions`, `validations` and
    `server` streams; a test waits on what they report (`until`), never sleeps.

    Per node (by index): the newest validated ledger seen (`validated`, with `ledger_hashes` by
    sequence), the ledger each transaction validated in (`transactions`: hash -> (seq, ledger
    hash)), the validators heard from by sequence (`validations`: seq -> node keys), and the
    latest server_state (`server_state`)."""

    STREAMS = ("ledger", "transactions", "validations", "server")

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self.validated = [0] * len(urls)
        self.ledger_hashes: list[dict[int, str]] = [{} for _ in urls]
        self.transactions: list[dict[str, tuple[int, str]]] = [{} for _ in urls]
        self.validations: list[dict[int, set[str]]] = [{} for _ in urls]
        self.server_state: list[str | None] = [None] * len(urls)
        self.server_states_seen: list[list[str]] = [[] for _ in urls]
        self._changed = asyncio.Event()

    def _on_message(self, index: int, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "ledgerClosed":
            seq = int(message["ledger_index"])
            self.ledger_hashes[index][seq] = message["ledger_hash"]
            self.validated[index] = max(self.validated[index], seq)
        elif kind == "transaction" and message.get("validated"):
            tx_hash = message.get("hash") or message["transaction"]["hash"]
            self.transactions[index][tx_hash] = (int(message["ledger_index"]), message["ledger_hash"])
        elif kind == "validationReceived":
            seq = int(message["ledger_index"])
            self.validations[index].setdefault(seq, set()).add(message["validation_public_key"])
        elif kind == "serverStatus":
            self.server_state[index] = message["server_status"]
            self.server_states_seen[index].append(message["server_status"])
        elif kind == "response" and isinstance(message.get("result"), dict):
            result = message["result"]
            if "ledger_index" in result:
                self.validated[index] = max(self.validated[index], int(result["ledger_index"]))
        self._changed.set()

    async def _follow(self, index: int, session: aiohttp.ClientSession, ready: asyncio.Event) -> None:
        async with session.ws_connect(self.urls[index]) as ws:
            await ws.send_json({"id": 1, "command": "subscribe", "streams": list(self.STREAMS)})
            ready.set()
            async for frame in ws:
                if frame.type is not aiohttp.WSMsgType.TEXT:
                    break
                self._on_message(index, json.loads(frame.data))

    @asynccontextmanager
    async def running(self) -> AsyncIterator[NodeStreams]:
        async with aiohttp.ClientSession() as session, asyncio.TaskGroup() as group:
            self._session = session
            self._group = group
            self._tasks: list[asyncio.Task[None]] = []
            try:
                for index in range(len(self.urls)):
                    await self.follow(index)
                yield self
            finally:
                for task in self._tasks:
                    task.cancel()

    async def follow(self, index: int, url: str | None = None) -> None:
        """(Re)subscribe to node `index` (after it restarted, possibly on `url`)."""
        if url is not None:
            self.urls[index] = url
        ready = asyncio.Event()
        self._tasks.append(self._group.create_task(self._guarded(index, ready)))
        await ready.wait()

    async def _guarded(self, index: int, ready: asyncio.Event) -> None:
        try:
            await self._follow(index, self._session, ready)
        except (aiohttp.ClientError, ConnectionError):
            ready.set()  # the node went away (killed): its stream just ends

    async def until(self, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()
