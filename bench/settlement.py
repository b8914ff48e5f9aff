"""Settlement benchmark: how long a payment takes from a bank's submission to a validated ledger,
and how many payments a network validates per second, at a steady offered load.

    .venv/bin/xpay bench settlement                                # 4 validators over mosquitto
    .venv/bin/xpay bench settlement --validators 4 --transport mqtt --rate 200 --duration 30
    .venv/bin/xpay bench settlement --transport inproc --api http --out /tmp/run
    .venv/bin/xpay bench settlement --connect ws://127.0.0.1:5005/,ws://127.0.0.1:5006/
    .venv/bin/python -m bench.settlement ...                        # the same command

The network: N validators, each its own `xpay node` process, meeting on a private mosquitto on a
free port (`--broker URL` for an existing broker), or (`--transport inproc`) one `xpay devnet`
process holding every validator on the in-process overlay — either way the load generator does
not share the validators' interpreter. `--connect URL[,URL...]` (with `--genesis-seed`) runs
against a network that is already up: nothing is started or stopped, what a bank evaluating a
deployment does.

The world and the load (bench.settlement_world): gateways in several currencies, market makers
quoting every IOU/XPY book, bank customers; a seeded mix of same-currency and cross-currency
payments (`--cross-share`), optionally a deliberately unfunded share (`--bad-share`), signed
before the clock starts and submitted open loop at `--rate` per second, each through its bank's
node, over WebSocket or JSON-RPC (bench.settlement_load).

The results (bench.report) go to `--out` (default bench-results/settlement-<timestamp>):
results.json, payments.csv, timeseries.csv, ledgers.csv and three PNG plots; one line of
progress a second on stderr, one screen of summary at the end. With `--check` (the default) every
payment counted as validated is asked for again and must be in a validated ledger with that
result at that index (bench.settlement_check); the exit status is 1 when it is not.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp

from bench.headline import Headline
from bench.procstat import ResourceSampler
from bench.report import percentiles, summarise, summary_text, write_results
from bench.settlement_check import check_records
from bench.settlement_load import (
    LoadOptions,
    Recorder,
    connect_nodes,
    plan_records,
    run_load,
    run_setup,
)
from bench.settlement_world import World, payment_mix, sign_mix
from xpay.consensus import ConsensusParms
from xpay.crypto import KeyPair
from xpay.node.devnet import (
    DEVNET_GENESIS_SEED,
    DevnetConfig,
    ValidatorProcess,
    devnet_validator_configs,
)
from xpay.node.validator import network_parms

__all__ = ["GENESIS", "PrivateBroker", "SettlementNetwork", "main", "percentiles", "settlement_parms"]

GENESIS = KeyPair.from_entropy(b"bench-settlement")
"""The genesis account of the networks this benchmark starts."""


# --- the network ----------------------------------------------------------------------------------


class PrivateBroker:
    """A mosquitto on a free loopback port with a large per-client queue (mosquitto's default
    max_queued_messages of 1000 drops QoS 1 messages to a slow subscriber)."""

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        if not os.path.exists(binary):
            raise RuntimeError("mosquitto is not installed (apt-get install mosquitto), or use --transport inproc")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        conf = self.work_dir / "mosquitto.conf"
        conf.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\n"
        )
        self.process = subprocess.Popen([binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@dataclass
class SettlementNetwork:
    """N validators as `xpay node` processes on a broker; start() blocks until all are ready."""

    work_dir: Path
    broker_url: str
    validators: int = 4
    close_interval: float = 1.0
    parms: ConsensusParms | None = None
    network_id: int = field(default_factory=lambda: 30_000 + os.getpid() % 20_000)
    log_level: str = "WARNING"
    processes: list[ValidatorProcess] = field(default_factory=list)

    def start(self) -> None:
        config = DevnetConfig(
            data_dir=self.work_dir,
            validators=self.validators,
            close_interval=self.close_interval,
            transport="mqtt",
            broker=self.broker_url,
            processes=True,
            base_port=0,
            genesis_seed=GENESIS.seed,
            network_id=self.network_id,
            parms=self.parms,
        )
        self.processes = [ValidatorProcess(c, self.log_level) for c in devnet_validator_configs(config)]
        for process in self.processes:
            process.start(wait=False)
        for process in self.processes:
            process.wait_ready()

    def stop(self) -> list[int]:
        return [process.stop() for process in self.processes if process.process is not None]

    @property
    def ws_urls(self) -> list[str]:
        return [process.ws_url for process in self.processes]

    @property
    def pids(self) -> dict[str, int]:
        return {f"validator-{i}": p.process.pid for i, p in enumerate(self.processes) if p.process is not None}


@dataclass
class InprocDevnet:
    """Every validator in one `xpay devnet` OS process on the in-process overlay."""

    work_dir: Path
    validators: int = 4
    close_interval: float = 1.0
    network_id: int = field(default_factory=lambda: 30_000 + os.getpid() % 20_000)
    log_level: str = "WARNING"
    process: subprocess.Popen[str] | None = None
    ws_urls: list[str] = field(default_factory=list)

    def start(self, timeout: float = 60.0) -> None:
        log = (self.work_dir / "devnet.log").open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "xpay.cli", "devnet", "--validators", str(self.validators),
             "--transport", "inproc", "--base-port", "0", "--data-dir", str(self.work_dir / "devnet"),
             "--genesis-seed", GENESIS.seed, "--network-id", str(self.network_id),
             "--close-interval", str(self.close_interval), "--log-level", self.log_level],
            stdout=subprocess.PIPE, stderr=log, text=True,
        )
        log.close()
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"xpay devnet exited with {self.process.wait()}: see {self.work_dir / 'devnet.log'}")
            match = re.search(r"WebSocket (ws://\S+)", line)
            if match:
                self.ws_urls.append(match.group(1))
            if line.strip().startswith("genesis seed:"):
                return
        raise RuntimeError("xpay devnet was not ready in time")

    def stop(self) -> list[int]:
        if self.process is None:
            return []
        self.process.send_signal(signal.SIGINT)
        try:
            status = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            status = self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None
        return [status]

    @property
    def pids(self) -> dict[str, int]:
        return {f"devnet({self.validators})": self.process.pid} if self.process is not None else {}


def http_url(ws_url: str) -> str:
    return re.sub(r"^ws", "http", ws_url)


def ws_url(url: str) -> str:
    url = url.strip()
    if "://" not in url:
        url = f"ws://{url}"
    url = re.sub(r"^http", "ws", url)
    return url if url.endswith("/") else url + "/"


# --- the run --------------------------------------------------------------------------------------


def settlement_parms(args: argparse.Namespace) -> ConsensusParms | None:
    """Consensus parameters from the command line: the networked node's defaults
    (`network_parms`) with any overrides given; None when nothing is overridden."""
    overrides = {
        name: value
        for name, value in (
            ("ledger_min_consensus_ms", args.min_consensus_ms),
            ("ledger_min_close_ms", args.min_close_ms),
            ("av_min_consensus_time_ms", args.av_min_consensus_time_ms),
            ("ledger_granularity_ms", args.granularity_ms),
        )
        if value is not None
    }
    if not overrides:
        return None
    return replace(network_parms(args.close_interval), **overrides)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def _network_id(url: str) -> int:
    def ignore(_node: int, _message: dict[str, Any], _at: float) -> None:
        return None

    async with connect_nodes([url], ignore) as (connection,):
        answer = await connection.request("server_info")
    return int(answer["result"]["info"]["network_id"])


async def run_benchmark(
    args: argparse.Namespace, urls: Sequence[str], genesis: KeyPair, network_id: int | None,
    pids: dict[str, int], description: dict[str, Any],
) -> tuple[dict[str, Any], Path]:
    """Set the world up, run the load, check, write the results folder; (results, folder)."""
    if network_id is None:
        network_id = await _network_id(urls[0])
    accounts = args.accounts or max(8 * args.gateways, min(1000, int(args.rate)))
    world = World.build(args.seed, args.gateways, args.makers, accounts, len(urls))
    keys = {k.address: k for k in [genesis, *world.accounts()]}
    started = time.monotonic()
    sequences = await run_setup(urls[0], world.setup_batches(genesis), keys, network_id, log=_log)
    _log(f"world ready in {time.monotonic() - started:.1f} s: {len(world.gateways)} gateways, "
         f"{len(world.makers)} market makers, {len(world.customers)} customers")
    total = max(1, int(args.rate * args.duration))
    mix = payment_mix(world, total, args.seed, args.cross_share, args.bad_share)
    started = time.monotonic()
    signed = sign_mix(world, mix, [sequences[c.key.address] for c in world.customers], network_id)
    _log(f"{total} payments signed in {time.monotonic() - started:.1f} s; offering {args.rate:g}/s for "
         f"{args.duration:g} s over {args.api}")
    records = plan_records(mix, signed, args.rate)
    recorder = Recorder(records)
    watched = [[c.key.address for c in world.customers if c.node == node] for node in range(len(urls))]
    # The load generator (this process) is measured too: when it saturates, the offered rate
    # is no longer what was asked for.
    sampler = ResourceSampler({**pids, "load-generator": os.getpid()}, origin=time.monotonic())

    def on_start(origin: float) -> None:
        sampler.origin = origin

    options = LoadOptions(
        rate=args.rate, grace=args.grace, api=args.api, progress=not args.quiet, batch_ms=args.batch_ms
    )
    async with asyncio.TaskGroup() as group:
        sampling = group.create_task(sampler.run())
        submitted_in, ended = await run_load(urls, [http_url(u) for u in urls], watched, signed, recorder, options, on_start)
        sampling.cancel()
    config = {
        **description,
        "rate": args.rate, "duration": args.duration, "api": args.api, "batch_ms": args.batch_ms, "seed": args.seed,
        "cross_share": args.cross_share, "bad_share": args.bad_share, "gateways": args.gateways,
        "makers": args.makers, "customers": accounts, "grace": args.grace, "nodes": list(urls),
        "network_id": network_id,
    }
    results = summarise(
        records,
        offered_rate=args.rate,
        submitted_in=submitted_in,
        ended=ended,
        ledgers=recorder.ledgers,
        ledger_intervals=recorder.ledger_intervals(),
        consensus_times=recorder.consensus_times(),
        resources=sampler.summary(0.0, submitted_in),
        duplicate_events=recorder.duplicate_events,
        config=config,
    )
    results["connections_lost"] = recorder.connections_lost
    if args.check:
        results["check"] = await check_records(urls, records)
    out = args.out or Path("bench-results") / f"settlement-{datetime.now():%Y%m%d-%H%M%S}"
    note = write_results(out, results, records, sampler.samples, recorder.ledgers, ended)
    if note is not None:
        _log(note)
    return results, out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `xpay bench settlement` (and `python -m bench.settlement`)."""
    net = parser.add_argument_group("the network")
    net.add_argument("--validators", type=int, default=4, help="validators to start (default 4)")
    net.add_argument("--transport", choices=("mqtt", "inproc"), default="mqtt",
                     help="mqtt: one `xpay node` process per validator over mosquitto (default); "
                     "inproc: every validator in one `xpay devnet` process")
    net.add_argument("--broker", default=None, help="an existing MQTT broker (default: a private mosquitto on a free port)")
    net.add_argument("--private-broker", action="store_true", help=argparse.SUPPRESS)  # the default now
    net.add_argument("--close-interval", type=float, default=1.0)
    net.add_argument("--connect", default=None,
                     help="URL[,URL...] of running nodes (ws:// or http://): start nothing, load these")
    net.add_argument("--genesis-seed", default=None,
                     help="with --connect: the seed of the funded account (default: the devnet's well-known seed)")
    net.add_argument("--network-id", type=int, default=None, help="with --connect: default from server_info")
    net.add_argument("--min-consensus-ms", type=int, default=None)
    net.add_argument("--min-close-ms", type=int, default=None)
    net.add_argument("--av-min-consensus-time-ms", type=int, default=None)
    net.add_argument("--granularity-ms", type=int, default=None)
    net.add_argument("--keep", action="store_true", help="keep the validators' data directories and logs")
    net.add_argument("--log-level", default="WARNING", help="the validators' logging level")
    load = parser.add_argument_group("the load")
    load.add_argument("--rate", type=float, default=100.0, help="payments offered per second (default 100)")
    load.add_argument("--duration", type=float, default=30.0, help="seconds of offered load (default 30)")
    load.add_argument("--api", choices=("ws", "http"), default="ws", help="submit over WebSocket (default) or JSON-RPC")
    load.add_argument("--batch-ms", type=float, default=0.0,
                      help="over ws: send the payments due in each window of this many ms as one batch message per node")
    load.add_argument("--seed", type=int, default=1, help="seed of the world's keys and of the payment mix")
    load.add_argument("--cross-share", type=float, default=0.5, help="share of cross-currency payments (default 0.5)")
    load.add_argument("--bad-share", type=float, default=0.0, help="share of deliberately unfunded payments")
    load.add_argument("--gateways", type=int, default=4, help="gateways, one currency each (default 4)")
    load.add_argument("--makers", type=int, default=2, help="market makers (default 2)")
    load.add_argument("--accounts", type=int, default=0, help="bank customers (default: the rate, 32..1000)")
    load.add_argument("--grace", type=float, default=15.0, help="seconds to wait for the last payments (default 15)")
    out = parser.add_argument_group("the results")
    out.add_argument("--out", type=Path, default=None, help="results folder (default bench-results/settlement-<time>)")
    out.add_argument("--check", action=argparse.BooleanOptionalAction, default=True,
                     help="ask the nodes for every validated payment again (default on)")
    out.add_argument("--json", action="store_true", help="print results.json instead of the summary")
    out.add_argument("--quiet", action="store_true", help="no progress lines")


def validate(args: argparse.Namespace) -> None:
    if args.rate <= 0 or args.duration <= 0:
        raise ValueError("--rate and --duration must be positive")
    if not 0 <= args.cross_share <= 1 or not 0 <= args.bad_share <= 1:
        raise ValueError("--cross-share and --bad-share must lie between 0 and 1")
    if args.connect is None and args.genesis_seed is not None:
        raise ValueError("--genesis-seed goes with --connect")


def run(args: argparse.Namespace) -> int:
    """`xpay bench settlement`: the exit status (1 when the check found the report inconsistent,
    or the network could not be started or reached: one line, no traceback)."""
    try:
        results, out = execute(args)
    except (RuntimeError, OSError, aiohttp.ClientError, TimeoutError, ExceptionGroup) as error:
        cause: BaseException = error
        while isinstance(cause, BaseExceptionGroup):  # a TaskGroup's: the first of its causes
            cause = cause.exceptions[0]
        if not isinstance(cause, (RuntimeError, OSError, aiohttp.ClientError, TimeoutError)):
            raise
        message = " ".join(str(cause).split())[:2000] or type(cause).__name__
        print(f"xpay bench settlement: error: {message}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(summary_text(results, out))
    check = results.get("check")
    return 1 if check is not None and not check["ok"] else 0


def execute(args: argparse.Namespace) -> tuple[dict[str, Any], Path]:
    """Start the network (unless --connect), run the benchmark, stop it: (results, folder)."""
    validate(args)
    work = Path(tempfile.mkdtemp(prefix="xpay-bench-settlement-"))
    broker: PrivateBroker | None = None
    network: SettlementNetwork | InprocDevnet | None = None
    try:
        if args.connect is not None:
            urls = [ws_url(u) for u in args.connect.split(",") if u.strip()]
            genesis = KeyPair.from_seed(args.genesis_seed or DEVNET_GENESIS_SEED)
            description: dict[str, Any] = {"validators": len(urls), "transport": "connect"}
            pids: dict[str, int] = {}
            network_id = args.network_id
        else:
            genesis = GENESIS
            description = {"validators": args.validators, "transport": args.transport,
                           "close_interval": args.close_interval}
            if args.transport == "mqtt":
                broker_url = args.broker
                if broker_url is None:
                    broker = PrivateBroker(work)
                    broker.start()
                    broker_url = broker.url
                network = SettlementNetwork(work, broker_url, args.validators, args.close_interval,
                                            settlement_parms(args), log_level=args.log_level)
                description["broker"] = broker_url
            else:
                network = InprocDevnet(work, args.validators, args.close_interval, log_level=args.log_level)
            _log(f"starting {args.validators} validators ({args.transport}) ...")
            network.start()
            urls = network.ws_urls
            pids = dict(network.pids)
            if broker is not None and broker.process is not None:
                pids["broker"] = broker.process.pid
            network_id = network.network_id
        results, out = asyncio.run(run_benchmark(args, urls, genesis, network_id, pids, description))
    finally:
        if network is not None:
            network.stop()
        if broker is not None:
            broker.stop()
        if args.keep:
            _log(f"validators' data and logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return results, out


def headline(rate: float = 50.0, duration: float = 10.0, validators: int = 3) -> list[Headline]:
    """`xpay bench all`'s rows: a short run on `validators` validators in one `xpay devnet`
    process (no broker needed), its results folder in a temporary directory."""
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    with tempfile.TemporaryDirectory(prefix="xpay-bench-all-") as tmp:
        args = parser.parse_args([
            "--transport", "inproc", "--validators", str(validators), "--rate", str(rate),
            "--duration", str(duration), "--quiet", "--out", tmp,
        ])
        results, _out = execute(args)
    latency = results["latency_ms"]
    name = f"{validators} validators, {rate:g}/s offered"
    failed = results["counts"]["failed"]
    consistent = results["check"]["ok"]
    return [
        Headline("settlement", f"validated payments/s, {name}", results["validated_tps"], "tx/s", "-"),
        Headline("settlement", "  submit -> validated p50", latency["p50"], "ms", "-"),
        Headline("settlement", "  submit -> validated p99", latency["p99"], "ms", "-"),
        Headline("settlement", "  failed payments" + ("" if consistent else " (CHECK FAILED)"), failed, "", "0"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.settlement", description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except ValueError as error:
        print(f"bench settlement: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
