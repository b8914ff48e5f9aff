"""`xpay standalone`: one node, its own validator, as rippled's standalone mode.

The node creates (or, on an existing data directory, resumes) its ledger chain, serves the API,
and closes ledgers on the admin `ledger_accept` method, or every `--close-interval` seconds. A
closed ledger is validated at once — there is nobody to agree with — once it is on disk.

Shutdown (Ctrl-C, SIGTERM or the admin `stop` method) is clean and ordered: the API stops taking
requests, the ledger master finishes what is queued, the store's writer writes what it holds,
and the database is closed. A restart on the same data directory resumes at the last validated
ledger, its state hash verified.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from xpay.amounts import XRPAmount
from xpay.api.facade import NodeBusy
from xpay.api.server import ApiConfig, ApiServer
from xpay.crypto import KeyPair, NodeKey
from xpay.ledger.ledger import DEFAULT_CLOSE_RESOLUTION, Ledger, genesis_ledger
from xpay.ledger.views import Fees
from xpay.node.config import DEFAULT_FEES, DEFAULT_NETWORK_ID, NodeConfig
from xpay.node.ledger_master import LedgerMaster, network_time, round_close_time
from xpay.node.service import NodeService
from xpay.store.ledger_store import LedgerStore
from xpay.store.writer import LedgerWriter

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where a running node listens, and what it resumed."""

    json_rpc: str
    websocket: str
    port: int
    genesis_account: str
    network_id: int
    ledger_seq: int
    resumed: bool


class DataDirMismatch(Exception):
    """The data directory belongs to another network or genesis account."""


def _open_chain(config: NodeConfig, store: LedgerStore) -> tuple[Ledger, bool]:
    """The ledger to start from: the last validated one, or a new genesis ledger."""
    genesis_account = KeyPair.from_seed(config.genesis_seed).address
    recorded_network = store.get_info("network_id")
    recorded_genesis = store.get_info("genesis_account")
    if recorded_network is not None and int(recorded_network) != config.network_id:
        raise DataDirMismatch(f"{store.path} holds network {recorded_network}, not {config.network_id}")
    if recorded_genesis is not None and recorded_genesis != genesis_account:
        raise DataDirMismatch(f"{store.path} was created with genesis account {recorded_genesis}")
    ledger = store.load_last_validated()
    if ledger is not None:
        return ledger, True
    close_time = config.genesis_close_time or round_close_time(network_time(), DEFAULT_CLOSE_RESOLUTION)
    genesis = genesis_ledger(KeyPair.from_seed(config.genesis_seed).account_id, config.fees, close_time=close_time)
    store.write_ledger(genesis, None, validated=True)
    store.put_info("network_id", str(config.network_id))
    store.put_info("genesis_account", genesis_account)
    return genesis, False


class _CloseTimer:
    """Closes a ledger every `interval` seconds while entered (the timer of a standalone node
    started with --close-interval; each close waits for the previous one to be validated)."""

    def __init__(self, master: LedgerMaster, interval: float) -> None:
        self._master = master
        self._interval = interval
        self._group = asyncio.TaskGroup()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> _CloseTimer:
        await self._group.__aenter__()
        self._task = self._group.create_task(self._run(), name="close-timer")
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._task is not None
        self._task.cancel()
        await self._group.__aexit__(None, None, None)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self._master.close()
            except NodeBusy:
                _log.warning("close skipped: the ledger master's queue is full")


class StandaloneNode:
    """A running standalone node, as an async context manager: store, writer, ledger master,
    service, and (when `api_config` is given) the API server and the close timer. Leaving it
    shuts them down in reverse order: timer, API, ledger master, writer, store."""

    def __init__(self, config: NodeConfig, api_config: ApiConfig | None, stop: asyncio.Event | None = None) -> None:
        self.config = config
        self.api_config = api_config
        self.stop = stop if stop is not None else asyncio.Event()
        self._stack = contextlib.AsyncExitStack()
        self.store: LedgerStore
        self.master: LedgerMaster
        self.service: NodeService
        self.api: ApiServer | None = None
        self.resumed = False
        self.start_seq = 0

    async def __aenter__(self) -> StandaloneNode:
        stack = self._stack
        config = self.config
        try:
            self.store = LedgerStore.open(config.data_dir, snapshot_interval=config.snapshot_interval)
            stack.callback(self.store.close)
            start, self.resumed = _open_chain(config, self.store)
            self.start_seq = start.seq
            writer = await stack.enter_async_context(LedgerWriter(self.store, max_pending=config.persist_queue_size))
            self.master = await stack.enter_async_context(LedgerMaster(config, self.store, writer, start))
            self.service = NodeService(config, self.master, self.store, self.stop, NodeKey.generate())
            if self.api_config is not None:
                self.api = await stack.enter_async_context(ApiServer(self.service, self.api_config))
            if config.close_interval is not None:
                await stack.enter_async_context(_CloseTimer(self.master, config.close_interval))
        except BaseException:
            await stack.aclose()
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._stack.__aexit__(exc_type, exc, tb)

    def endpoints(self) -> Endpoints:
        assert self.api is not None and self.api_config is not None
        host = self.api_config.host
        port = self.api.port
        return Endpoints(
            json_rpc=f"http://{host}:{port}/",
            websocket=f"ws://{host}:{port}/",
            port=port,
            genesis_account=KeyPair.from_seed(self.config.genesis_seed).address,
            network_id=self.config.network_id,
            ledger_seq=self.start_seq,
            resumed=self.resumed,
        )


async def serve_standalone(
    config: NodeConfig,
    api_config: ApiConfig,
    stop: asyncio.Event,
    *,
    on_ready: Callable[[Endpoints], None] | None = None,
) -> None:
    """Run a standalone node until `stop` is set, then shut down in order."""
    async with StandaloneNode(config, api_config, stop) as node:
        if on_ready is not None:
            on_ready(node.endpoints())
        await stop.wait()


# The command ------------------------------------------------------------------------------------


def add_standalone_command(subparsers: Any) -> None:
    """Register `xpay standalone` on the CLI's subparsers."""
    parser = subparsers.add_parser(
        "standalone", help="run one node that closes its own ledgers (rippled's standalone mode)"
    )
    parser.add_argument("--port", type=int, default=5005, help="JSON-RPC and WebSocket port (default 5005)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--genesis-seed", required=True, help="seed (sEd…) of the genesis account")
    parser.add_argument("--data-dir", required=True, type=Path, help="where the node keeps its database")
    parser.add_argument(
        "--close-interval", type=float, default=None, help="close a ledger every SECONDS (default: on ledger_accept)"
    )
    parser.add_argument("--base-fee", type=int, default=DEFAULT_FEES.base.drops, help="drops per transaction")
    parser.add_argument("--reserve-base", type=int, default=DEFAULT_FEES.reserve.drops, help="account reserve, drops")
    parser.add_argument(
        "--reserve-increment", type=int, default=DEFAULT_FEES.increment.drops, help="reserve per owned object, drops"
    )
    parser.add_argument("--network-id", type=int, default=DEFAULT_NETWORK_ID)
    parser.add_argument("--admin-token", default=None, help="lets non-loopback clients call admin methods")
    parser.add_argument("--log-level", default="WARNING", help="Python logging level (default WARNING)")
    parser.set_defaults(func=standalone_command)


def _print_endpoints(endpoints: Endpoints) -> None:
    state = f"resumed at ledger {endpoints.ledger_seq}" if endpoints.resumed else "new chain (ledger 1)"
    print(f"xpay standalone node ready: {state}", flush=True)
    print(f"  JSON-RPC:   {endpoints.json_rpc}", flush=True)
    print(f"  WebSocket:  {endpoints.websocket}", flush=True)
    print(f"  network id: {endpoints.network_id}", flush=True)
    print(f"  genesis:    {endpoints.genesis_account}", flush=True)


def standalone_command(args: argparse.Namespace) -> int:
    KeyPair.from_seed(args.genesis_seed)  # a bad seed is a one-line CLI error (ValueError)
    if args.close_interval is not None and args.close_interval <= 0:
        raise ValueError("--close-interval must be positive")
    for name in ("base_fee", "reserve_base", "reserve_increment"):
        if getattr(args, name) < 0:
            raise ValueError(f"--{name.replace('_', '-')} must not be negative")
    if not 0 <= args.network_id <= 0xFFFFFFFF:
        raise ValueError("--network-id must be a uint32")
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = NodeConfig(
        data_dir=args.data_dir,
        genesis_seed=args.genesis_seed,
        network_id=args.network_id,
        fees=Fees(XRPAmount(args.base_fee), XRPAmount(args.reserve_base), XRPAmount(args.reserve_increment)),
        close_interval=args.close_interval,
    )
    api_config = ApiConfig(host=args.host, port=args.port, admin_token=args.admin_token)
    try:
        asyncio.run(_run(config, api_config))
    except (OSError, DataDirMismatch, BaseExceptionGroup) as error:
        # Task groups wrap what failed inside them: report the cause in one line.
        cause = _first_leaf(error)
        if not isinstance(cause, (OSError, DataDirMismatch)):
            raise
        print(f"xpay: error: {cause}", file=sys.stderr)
        return 1
    return 0


def _first_leaf(error: BaseException) -> BaseException:
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


async def _run(config: NodeConfig, api_config: ApiConfig) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await serve_standalone(config, api_config, stop, on_ready=_print_endpoints)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError, RuntimeError):
                loop.remove_signal_handler(sig)
    print("xpay standalone node stopped", flush=True)
