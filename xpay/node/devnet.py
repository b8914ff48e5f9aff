"""`xpay devnet`: a development network of N validators on this machine, the README's main
command (in the spirit of rippled's standalone + test networks, but with real consensus).

    xpay devnet                                   # 4 validators in one process, 1 s ledgers
    xpay devnet --validators 5 --transport mqtt --broker mqtt://127.0.0.1:1883 --processes

Every validator gets its own data directory under ``--data-dir`` (``validator-<i>``), its API on
``--base-port + i``, and a node key derived from the genesis seed and its index, so restarting the
devnet on the same data directory brings back the same validators with their ledgers. The genesis
account is funded with every drop; its seed is printed, with a warning when it is the well-known
development seed. By default the validators share one process and the in-process overlay; with
``--transport mqtt`` they meet on a broker, and with ``--processes`` each runs as its own OS
process (``xpay node --config``), which is what a real deployment looks like.

The pieces are reusable (the settlement benchmark and the integration tests start networks with
them): ``devnet_validator_configs`` (deterministic configurations), ``Devnet`` (N validators in
this event loop) and ``ValidatorProcess`` (one ``xpay node`` process: start, stop, kill, restart).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from hashlib import sha512
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from xpay.api.server import ApiConfig
from xpay.codec import decode_seed, encode_seed
from xpay.consensus import ConsensusParms
from xpay.crypto import KeyPair, NodeKey
from xpay.ledger.ledger import DEFAULT_CLOSE_RESOLUTION
from xpay.node.config import DEFAULT_NETWORK_ID
from xpay.node.config_file import READY_LINE, render_config
from xpay.node.ledger_master import network_time, round_close_time
from xpay.node.standalone import DataDirMismatch
from xpay.node.validator import Transport, ValidatorConfig, ValidatorEndpoints, ValidatorNode
from xpay.overlay import Hub, MqttConfig

_log = logging.getLogger(__name__)

DEVNET_GENESIS_SEED: Final = encode_seed(sha512(b"xpay devnet genesis").digest()[:16])
"""The well-known genesis seed of development networks: anyone can spend from it."""
DEVNET_READY_LINE: Final = "xpay devnet ready"
DEVNET_FILE: Final = "devnet.json"
START_TIMEOUT: Final = 60.0
STOP_TIMEOUT: Final = 30.0


def devnet_node_seed(genesis_seed: str, index: int) -> str:
    """Validator ``index``'s node seed: derived from the genesis seed, so a devnet restarted with
    the same genesis seed has the same validators."""
    entropy = sha512(b"xpay devnet node\x00" + decode_seed(genesis_seed) + index.to_bytes(4, "big"))
    return encode_seed(entropy.digest()[:16])


@dataclass(frozen=True, slots=True)
class DevnetConfig:
    """What `xpay devnet` was asked for."""

    data_dir: Path
    validators: int = 4
    close_interval: float = 1.0
    transport: Transport = "inproc"
    broker: str = "mqtt://127.0.0.1:1883"
    processes: bool = False
    base_port: int = 5005
    """Validator i serves its API on base_port + i (0: every validator on a free port)."""
    host: str = "127.0.0.1"
    genesis_seed: str = DEVNET_GENESIS_SEED
    network_id: int = DEFAULT_NETWORK_ID
    tracking: int = 0
    """Tracking (non-validating) nodes to run besides the validators."""
    parms: ConsensusParms | None = None
    listen: float | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.validators <= 64:
            raise ValueError("--validators must lie between 1 and 64")
        if not 0.05 <= self.close_interval <= 60:
            raise ValueError("--close-interval must lie between 0.05 and 60 seconds")
        if self.processes and self.transport != "mqtt":
            raise ValueError("--processes needs --transport mqtt (the in-process overlay cannot span processes)")
        if self.base_port and not 1 <= self.base_port <= 65535 - self.validators - self.tracking:
            raise ValueError("--base-port leaves no room for every node's port")
        if not 0 <= self.network_id <= 0xFFFFFFFF:
            raise ValueError("--network-id must be a uint32")
        MqttConfig(url=self.broker)  # a bad broker URL is a one-line error now

    @property
    def genesis(self) -> KeyPair:
        return KeyPair.from_seed(self.genesis_seed)

    @property
    def nodes(self) -> int:
        return self.validators + self.tracking


def devnet_genesis_close_time(data_dir: Path) -> int:
    """The devnet's genesis close time: now (rounded to the genesis resolution) the first time,
    then whatever the data directory recorded, so every validator — and every restart — builds
    the same ledger 1."""
    path = data_dir / DEVNET_FILE
    with contextlib.suppress(FileNotFoundError, ValueError, KeyError, TypeError):
        recorded = json.loads(path.read_text())["genesis_close_time"]
        if isinstance(recorded, int) and recorded > 0:
            return recorded
    close_time = round_close_time(network_time(), DEFAULT_CLOSE_RESOLUTION)
    data_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"genesis_close_time": close_time}))
    return close_time


def devnet_validator_configs(config: DevnetConfig) -> list[ValidatorConfig]:
    """One ValidatorConfig per node (validators first, then tracking nodes), deterministic."""
    genesis_close_time = devnet_genesis_close_time(config.data_dir)
    seeds = [devnet_node_seed(config.genesis_seed, index) for index in range(config.nodes)]
    unl = tuple(NodeKey.from_seed(seed).node_public for seed in seeds[: config.validators])
    mqtt = MqttConfig(url=config.broker) if config.transport == "mqtt" else None
    configs: list[ValidatorConfig] = []
    for index, seed in enumerate(seeds):
        validating = index < config.validators
        name = f"validator-{index}" if validating else f"tracker-{index - config.validators}"
        port = config.base_port + index if config.base_port else 0
        configs.append(
            ValidatorConfig(
                data_dir=config.data_dir / name,
                node_seed=seed,
                unl=unl,
                genesis_account=config.genesis.address,
                validating=validating,
                network_id=config.network_id,
                genesis_close_time=genesis_close_time,
                close_interval=config.close_interval,
                transport=config.transport,
                mqtt=mqtt,
                api=ApiConfig(host=config.host, port=port),
                parms=config.parms,
                listen=config.listen,
            )
        )
    return configs


class Devnet:
    """N nodes in this event loop, as an async context manager (in-process hub, or MQTT)."""

    def __init__(self, config: DevnetConfig, *, hub: Hub | None = None, stop: asyncio.Event | None = None) -> None:
        self.config = config
        self.hub = hub if hub is not None else (Hub(seed=config.network_id) if config.transport == "inproc" else None)
        self.stop = stop if stop is not None else asyncio.Event()
        self.node_configs = devnet_validator_configs(config)
        self.nodes: list[ValidatorNode] = []
        self._stack = contextlib.AsyncExitStack()

    async def __aenter__(self) -> Devnet:
        try:
            for node_config in self.node_configs:
                node = ValidatorNode(node_config, hub=self.hub, stop=self.stop)
                self.nodes.append(await self._stack.enter_async_context(node))
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._stack.__aexit__(exc_type, exc, tb)

    def endpoints(self) -> list[ValidatorEndpoints]:
        return [node.endpoints() for node in self.nodes]


@dataclass
class ValidatorProcess:
    """One `xpay node --config` OS process: started, stopped (SIGTERM, clean), killed (SIGKILL)
    and started again on the same data directory."""

    config: ValidatorConfig
    log_level: str = "WARNING"
    process: subprocess.Popen[str] | None = None
    endpoints_text: list[str] = field(default_factory=list)

    @property
    def config_path(self) -> Path:
        return self.config.data_dir.with_suffix(".toml")

    @property
    def log_path(self) -> Path:
        return self.config.data_dir.with_suffix(".log")

    @property
    def port(self) -> int:
        """The API port: the configured one, or the one the node printed (configured as 0)."""
        for line in self.endpoints_text:
            text = line.strip()
            if text.startswith("JSON-RPC:"):
                return int(text.rstrip("/").rsplit(":", 1)[1])
        assert self.config.api is not None
        return self.config.api.port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def start(self, *, wait: bool = True) -> None:
        assert self.process is None, "already running"
        self.config.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(render_config(self.config))
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "xpay.cli", "node", "--config", str(self.config_path),
                 "--log-level", self.log_level],
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Block until the process prints its ready line (reading its output; no polling)."""
        process = self.process
        assert process is not None and process.stdout is not None
        deadline = time.monotonic() + timeout
        self.endpoints_text = []
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if not selector.select(timeout=deadline - time.monotonic()):
                    break
                line = process.stdout.readline()
                if not line:
                    raise RuntimeError(f"xpay node exited with {process.wait()}: {self.log_tail()}")
                if line.startswith(READY_LINE):
                    self.endpoints_text.append(line.rstrip())
                    # The endpoint lines follow the ready line at once.
                    if self.config.api is not None:
                        self.endpoints_text += [process.stdout.readline().rstrip() for _ in range(2)]
                    return
        self.kill()
        raise RuntimeError(f"xpay node was not ready within {timeout} s: {self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text()[-3000:]
        except FileNotFoundError:
            return ""

    def stop(self) -> int:
        """SIGTERM, and the exit status of the clean shutdown."""
        process = self.process
        assert process is not None
        process.send_signal(signal.SIGTERM)
        try:
            status = process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            status = process.wait()
        self._reap()
        return status

    def kill(self) -> None:
        """SIGKILL: nothing gets a chance to finish."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT)
            self._reap()

    def _reap(self) -> None:
        assert self.process is not None
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None


# --- the command --------------------------------------------------------------------------------


def add_devnet_command(subparsers: Any) -> None:
    """Register `xpay devnet` on the CLI's subparsers."""
    parser = subparsers.add_parser("devnet", help="run a development network of validators on this machine")
    parser.add_argument("--validators", type=int, default=4, help="how many validators (default 4)")
    parser.add_argument("--close-interval", type=float, default=1.0, help="seconds a ledger stays open (default 1)")
    parser.add_argument("--transport", choices=("inproc", "mqtt"), default="inproc", help="overlay (default inproc)")
    parser.add_argument(
        "--broker",
        default="mqtt://127.0.0.1:1883",
        help="MQTT broker URL (with --transport mqtt); give mosquitto max_queued_messages 100000, "
        "its default of 1000 drops messages to a validator that falls behind",
    )
    parser.add_argument("--processes", action="store_true", help="one OS process per validator (needs mqtt)")
    parser.add_argument("--base-port", type=int, default=5005, help="validator i serves its API on P+i (default 5005)")
    parser.add_argument("--host", default="127.0.0.1", help="address the APIs listen on (default 127.0.0.1)")
    parser.add_argument("--genesis-seed", default=None, help="seed (sEd…) of the genesis account (default: the devnet seed)")
    parser.add_argument("--data-dir", type=Path, default=None, help="where the validators keep their data (default: a temporary directory)")
    parser.add_argument("--network-id", type=int, default=DEFAULT_NETWORK_ID)
    parser.add_argument("--log-level", default="WARNING", help="Python logging level (default WARNING)")
    parser.set_defaults(func=devnet_command)


def devnet_command(args: argparse.Namespace) -> int:
    genesis_seed = args.genesis_seed if args.genesis_seed is not None else DEVNET_GENESIS_SEED
    KeyPair.from_seed(genesis_seed)  # a bad seed is a one-line CLI error (ValueError)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with contextlib.ExitStack() as cleanup:
        data_dir = args.data_dir
        if data_dir is None:
            data_dir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="xpay-devnet-")))
        config = DevnetConfig(
            data_dir=data_dir,
            validators=args.validators,
            close_interval=args.close_interval,
            transport=args.transport,
            broker=args.broker,
            processes=args.processes,
            base_port=args.base_port,
            host=args.host,
            genesis_seed=genesis_seed,
            network_id=args.network_id,
        )
        if config.processes:
            return _run_processes(config, args.log_level)
        try:
            asyncio.run(_run_in_process(config))
        except (OSError, DataDirMismatch, BaseExceptionGroup) as error:
            cause: BaseException = error
            while isinstance(cause, BaseExceptionGroup):
                cause = cause.exceptions[0]
            if not isinstance(cause, (OSError, DataDirMismatch)):
                raise
            print(f"xpay: error: {cause}", file=sys.stderr)
            return 1
    return 0


def _print_ready(config: DevnetConfig, lines: list[str]) -> None:
    print(
        f"{DEVNET_READY_LINE}: {config.validators} validators, ledgers every {config.close_interval:g} s, "
        f"{config.transport} overlay{' (one process each)' if config.processes else ''}, "
        f"network id {config.network_id}",
        flush=True,
    )
    print(f"  data dir:        {config.data_dir}", flush=True)
    for line in lines:
        print(f"  {line}", flush=True)
    print(f"  genesis account: {config.genesis.address}", flush=True)
    print(f"  genesis seed:    {config.genesis_seed}", flush=True)
    if config.genesis_seed == DEVNET_GENESIS_SEED:
        print(
            "WARNING: the genesis seed is the well-known devnet seed: anyone can spend from it. "
            "For development only.",
            flush=True,
        )


def _endpoint_line(index: int, endpoints: ValidatorEndpoints) -> str:
    return f"validator {index}: {endpoints.node_public_key}  JSON-RPC {endpoints.json_rpc}  WebSocket {endpoints.websocket}"


async def _run_in_process(config: DevnetConfig) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with Devnet(config, stop=stop) as devnet:
            _print_ready(config, [_endpoint_line(i, e) for i, e in enumerate(devnet.endpoints())])
            await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError, RuntimeError):
                loop.remove_signal_handler(sig)
    print("xpay devnet stopped", flush=True)


def _run_processes(config: DevnetConfig, log_level: str) -> int:
    processes = [ValidatorProcess(node_config, log_level) for node_config in devnet_validator_configs(config)]
    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    status = 0
    try:
        for process in processes:
            process.start(wait=False)
        for process in processes:
            process.wait_ready()
        lines = [
            f"validator {index}: {process.config.node_key().node_public}  JSON-RPC "
            f"http://{config.host}:{process.port}/  WebSocket ws://{config.host}:{process.port}/"
            for index, process in enumerate(processes)
        ]
        _print_ready(config, lines)
        while not stopping:
            signal.pause()
    except RuntimeError as error:
        print(f"xpay: error: {error}", file=sys.stderr)
        status = 1
    finally:
        for process in processes:
            if process.process is not None:
                process.process.send_signal(signal.SIGTERM)
        for process in processes:
            if process.process is not None and process.stop() != 0:
                status = 1
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("xpay devnet stopped", flush=True)
    return status
