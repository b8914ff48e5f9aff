"""Settlement benchmark: how long a payment takes from submission to a validated ledger on a real
network of validators, at a steady offered load.

    .venv/bin/python -m bench.settlement                      # 5 validators, 100 payments/s, 30 s
    .venv/bin/python -m bench.settlement --validators 4 --rate 200 --duration 60 --json

The network: N validators, each its own `xpay node` process, meeting on an MQTT broker (the
machine's mosquitto at 127.0.0.1:1883 by default, or `--private-broker` to start one on a free
port with a large `max_queued_messages`), ledgers every `--close-interval` seconds. Each run uses
its own network id, so it never mixes with other traffic on a shared broker.

The load: genesis funds `--accounts` accounts, then an open-loop submitter sends signed XRP
payments at `--rate` per second — on schedule, whether or not earlier ones are done (a closed
loop would hide queueing) — round-robin over one WebSocket connection per validator. Payments are
signed before the clock starts. Each connection subscribes to the `transactions` stream of its
node; a payment's latency is from the moment its submit request is written to the moment its
validated transaction arrives on that stream: what a bank connected to that validator would see.

Reported (JSON with `--json`): latency p50 / p90 / p99 / max, validated payments per second,
the interval between validated ledgers and the consensus time (establish -> accepted on the
`consensus` stream) as percentiles, and failures by result code (a submit refused, a payment
validated with another result, or never validated within the grace period).

The pieces are separate so a fuller benchmark can reuse them: `SettlementNetwork` (start and stop
the validators), `fund_accounts` / `signed_payments` (load), `OpenLoopSubmitter` (pacing and
submission) and `LatencyRecorder` (latency and ledger timing).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp

from xpay.consensus import ConsensusParms
from xpay.crypto import KeyPair, sign_transaction
from xpay.node.devnet import DevnetConfig, ValidatorProcess, devnet_validator_configs
from xpay.node.validator import network_parms

GENESIS = KeyPair.from_entropy(b"bench-settlement")
FUND_DROPS = 1_000_000_000
"""What each account receives: 1000 XPY, far above the reserve and every fee of the run."""


def percentiles(values: Sequence[float]) -> dict[str, float]:
    """p50 / p90 / p99 / max (nearest rank), in the values' unit; zeros when empty."""
    if not values:
        return {"p50": 0.0, "p90": 0.0, "p99": 0.0, "max": 0.0, "count": 0}
    ordered = sorted(values)

    def rank(fraction: float) -> float:
        index = min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))
        return round(ordered[index], 4)

    return {"p50": rank(0.50), "p90": rank(0.90), "p99": rank(0.99), "max": round(ordered[-1], 4), "count": len(ordered)}


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
    validators: int = 5
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


# --- the load -------------------------------------------------------------------------------------


def _payment(src: KeyPair, dst: str, drops: int, sequence: int, network_id: int) -> tuple[str, str]:
    return sign_transaction(
        {
            "TransactionType": "Payment",
            "Account": src.address,
            "Destination": dst,
            "Amount": str(drops),
            "Fee": "10",
            "Sequence": sequence,
            "NetworkID": network_id,
        },
        src,
    )


def bench_accounts(count: int) -> list[KeyPair]:
    return [KeyPair.from_entropy(f"bench-acct-{i:05d}".encode()[:16].ljust(16, b".")) for i in range(count)]


def signed_payments(
    accounts: list[KeyPair], sequences: list[int], total: int, network_id: int
) -> list[tuple[str, str]]:
    """`total` payments, round-robin over the accounts (each to the next), each account's
    sequences consecutive from its next sequence; (blob, hash)."""
    sequences = list(sequences)
    out: list[tuple[str, str]] = []
    for index in range(total):
        slot = index % len(accounts)
        src = accounts[slot]
        dst = accounts[(slot + 1) % len(accounts)]
        out.append(_payment(src, dst.address, 1_000, sequences[slot], network_id))
        sequences[slot] += 1
    return out


class LatencyRecorder:
    """Submit times, validation times, results, ledger and consensus timing."""

    def __init__(self) -> None:
        self.submitted: dict[str, float] = {}
        self.validated: dict[str, float] = {}
        self.failures: Counter[str] = Counter()
        self.ledger_times: list[float] = []
        self.phase_times: list[tuple[str, float]] = []

    def on_submit(self, tx_hash: str, at: float) -> None:
        self.submitted[tx_hash] = at

    def on_answer(self, tx_hash: str, answer: dict[str, Any]) -> None:
        result = answer.get("result", {})
        engine = result.get("engine_result") if answer.get("status") == "success" else answer.get("error")
        if engine not in ("tesSUCCESS", "terQUEUED"):
            self.failures[f"submit:{engine}"] += 1
            self.submitted.pop(tx_hash, None)

    def on_validated(self, tx_hash: str, result: str, at: float) -> None:
        if tx_hash not in self.submitted or tx_hash in self.validated:
            return
        if result != "tesSUCCESS":
            self.failures[f"validated:{result}"] += 1
        self.validated[tx_hash] = at

    def latencies(self) -> list[float]:
        return [self.validated[h] - self.submitted[h] for h in self.validated if h in self.submitted]

    def ledger_intervals(self) -> list[float]:
        times = self.ledger_times
        return [b - a for a, b in itertools.pairwise(times)]

    def consensus_times(self) -> list[float]:
        out: list[float] = []
        start: float | None = None
        for phase, at in self.phase_times:
            if phase == "establish":
                start = at
            elif phase == "accepted" and start is not None:
                out.append(at - start)
                start = None
        return out


class OpenLoopSubmitter:
    """One WebSocket per node: submits on schedule and watches the node's transactions stream
    (and node 0's ledger and consensus streams) for the recorder."""

    def __init__(self, ws_urls: list[str], recorder: LatencyRecorder) -> None:
        self.ws_urls = ws_urls
        self.recorder = recorder
        self._sockets: list[aiohttp.ClientWebSocketResponse] = []
        self._pending: list[dict[int, str]] = []
        self._ids = itertools.count(1)

    async def _reader(self, index: int, ws: aiohttp.ClientWebSocketResponse) -> None:
        recorder = self.recorder
        pending = self._pending[index]
        async for frame in ws:
            if frame.type is not aiohttp.WSMsgType.TEXT:
                return
            now = time.monotonic()
            message = json.loads(frame.data)
            kind = message.get("type")
            if kind == "transaction":
                tx = message.get("transaction") or message.get("tx_json") or {}
                tx_hash = message.get("hash") or tx.get("hash")
                if tx_hash is not None:
                    recorder.on_validated(tx_hash, message.get("engine_result", ""), now)
            elif kind == "response":
                tx_hash = pending.pop(message.get("id", -1), None)
                if tx_hash is not None:
                    recorder.on_answer(tx_hash, message)
            elif kind == "ledgerClosed":
                recorder.ledger_times.append(now)
            elif kind == "consensusPhase":
                recorder.phase_times.append((message["consensus"], now))

    async def run(self, payments: list[tuple[str, str]], rate: float, grace: float) -> float:
        """Submit every payment on schedule; wait up to `grace` s after the last for the
        stragglers; return the submission phase's duration."""
        async with aiohttp.ClientSession() as session, asyncio.TaskGroup() as group:
            readers = []
            for index, url in enumerate(self.ws_urls):
                ws = await session.ws_connect(url, max_msg_size=0)
                self._sockets.append(ws)
                self._pending.append({})
                streams = ["transactions"] + (["ledger", "consensus"] if index == 0 else [])
                await ws.send_str(json.dumps({"id": 0, "command": "subscribe", "streams": streams}))
                readers.append(group.create_task(self._reader(index, ws)))
            loop = asyncio.get_running_loop()
            start = loop.time()
            for number, (blob, tx_hash) in enumerate(payments):
                due = start + number / rate
                delay = due - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                index = number % len(self._sockets)
                request_id = next(self._ids)
                self._pending[index][request_id] = tx_hash
                self.recorder.on_submit(tx_hash, time.monotonic())
                await self._sockets[index].send_str(
                    json.dumps({"id": request_id, "command": "submit", "tx_blob": blob})
                )
            elapsed = loop.time() - start
            deadline = loop.time() + grace
            while loop.time() < deadline and len(self.recorder.validated) < len(self.recorder.submitted):
                await asyncio.sleep(0.05)
            for ws in self._sockets:
                await ws.close()
            for reader in readers:
                reader.cancel()
        return elapsed


async def fund_accounts(
    ws_url: str, accounts: list[KeyPair], network_id: int, timeout: float = 120.0
) -> list[int]:
    """Genesis pays each account FUND_DROPS; once every payment is validated, returns each
    account's next sequence (a new account starts at the sequence of the ledger that created
    it, as the XRPL's DeletableAccounts rule says)."""
    payments = [
        _payment(GENESIS, account.address, FUND_DROPS, sequence, network_id)
        for sequence, account in enumerate(accounts, start=1)
    ]
    waiting = {tx_hash for _, tx_hash in payments}
    async with aiohttp.ClientSession() as session, session.ws_connect(ws_url, max_msg_size=0) as ws:
        await ws.send_str(json.dumps({"id": 0, "command": "subscribe", "accounts": [GENESIS.address]}))
        for request_id, (blob, _) in enumerate(payments, start=1):
            await ws.send_str(json.dumps({"id": request_id, "command": "submit", "tx_blob": blob}))
        async with asyncio.timeout(timeout):
            async for frame in ws:
                message = json.loads(frame.data)
                if message.get("type") == "response" and message.get("status") != "success":
                    raise RuntimeError(f"funding refused: {message}")
                if message.get("type") == "transaction":
                    tx = message.get("transaction") or message.get("tx_json") or {}
                    waiting.discard(message.get("hash") or tx.get("hash"))
                    if not waiting:
                        break
        sequences: list[int] = []
        for request_id, account in enumerate(accounts, start=len(payments) + 1):
            await ws.send_str(json.dumps(
                {"id": request_id, "command": "account_info", "account": account.address, "ledger_index": "validated"}
            ))
            while True:
                message = json.loads((await ws.receive()).data)
                if message.get("id") == request_id:
                    sequences.append(int(message["result"]["account_data"]["Sequence"]))
                    break
        return sequences


# --- the run --------------------------------------------------------------------------------------


@dataclass
class SettlementResult:
    validators: int
    close_interval_s: float
    rate: float
    duration_s: float
    accounts: int
    submitted: int
    validated: int
    validated_per_s: float
    latency_s: dict[str, float]
    ledger_interval_s: dict[str, float]
    consensus_time_s: dict[str, float]
    failures: dict[str, int]
    parms: dict[str, Any]
    broker: str


async def run_settlement(args: argparse.Namespace, network: SettlementNetwork) -> SettlementResult:
    accounts = bench_accounts(args.accounts)
    sequences = await fund_accounts(network.ws_urls[0], accounts, network.network_id)
    total = int(args.rate * args.duration)
    payments = signed_payments(accounts, sequences, total, network.network_id)
    recorder = LatencyRecorder()
    submitter = OpenLoopSubmitter(network.ws_urls, recorder)
    elapsed = await submitter.run(payments, args.rate, args.grace)
    never = len(recorder.submitted) - len(recorder.validated)
    if never:
        recorder.failures["not validated"] += never
    latencies = recorder.latencies()
    span = (max(recorder.validated.values()) - min(recorder.submitted.values())) if recorder.validated else 0.0
    parms = network.parms if network.parms is not None else network_parms(network.close_interval)
    return SettlementResult(
        validators=network.validators,
        close_interval_s=network.close_interval,
        rate=args.rate,
        duration_s=round(elapsed, 3),
        accounts=len(accounts),
        submitted=total,
        validated=len(recorder.validated),
        validated_per_s=round(len(recorder.validated) / span, 2) if span else 0.0,
        latency_s=percentiles(latencies),
        ledger_interval_s=percentiles(recorder.ledger_intervals()),
        consensus_time_s=percentiles(recorder.consensus_times()),
        failures=dict(recorder.failures),
        parms={k: v for k, v in asdict(parms).items() if k != "avalanche_cutoffs" and k != "close_time_resolutions"},
        broker=network.broker_url,
    )


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--validators", type=int, default=5)
    parser.add_argument("--rate", type=float, default=100.0, help="payments offered per second")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of offered load")
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--close-interval", type=float, default=1.0)
    parser.add_argument("--grace", type=float, default=15.0, help="seconds to wait for the last payments")
    parser.add_argument("--broker", default="mqtt://127.0.0.1:1883")
    parser.add_argument("--private-broker", action="store_true", help="start a private mosquitto instead")
    parser.add_argument("--min-consensus-ms", type=int, default=None)
    parser.add_argument("--min-close-ms", type=int, default=None)
    parser.add_argument("--av-min-consensus-time-ms", type=int, default=None)
    parser.add_argument("--granularity-ms", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the validators' data directories and logs")
    parser.add_argument("--log-level", default="WARNING", help="the validators' logging level")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="xpay-bench-settlement-"))
    broker: PrivateBroker | None = None
    try:
        broker_url = args.broker
        if args.private_broker:
            broker = PrivateBroker(work)
            broker.start()
            broker_url = broker.url
        network = SettlementNetwork(
            work, broker_url, args.validators, args.close_interval, settlement_parms(args),
            log_level=args.log_level,
        )
        network.start()
        try:
            result = asyncio.run(run_settlement(args, network))
        finally:
            network.stop()
    finally:
        if broker is not None:
            broker.stop()
        if args.keep:
            print(f"validators' data and logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(asdict(result), indent=2))
        return
    latency = result.latency_s
    print(
        f"{result.validators} validators, {result.rate:g} payments/s offered for {result.duration_s:g} s: "
        f"{result.validated}/{result.submitted} validated ({result.validated_per_s:g}/s)"
    )
    print(
        f"  submit -> validated: p50 {latency['p50']:.3f} s  p90 {latency['p90']:.3f} s  "
        f"p99 {latency['p99']:.3f} s  max {latency['max']:.3f} s"
    )
    ledger = result.ledger_interval_s
    consensus = result.consensus_time_s
    print(f"  ledger interval:     p50 {ledger['p50']:.3f} s  p99 {ledger['p99']:.3f} s")
    print(f"  consensus time:      p50 {consensus['p50']:.3f} s  p99 {consensus['p99']:.3f} s")
    if result.failures:
        print(f"  failures: {result.failures}")


if __name__ == "__main__":
    main()
