"""API benchmark: submit throughput and latency over HTTP and WebSocket, and ledger_accept latency,
against a real `xpay standalone` process.

    .venv/bin/python -m bench.api                       # 2000 accounts, 32 HTTP requests in flight
    .venv/bin/python -m bench.api --accounts 5000 --concurrency 64

Every transaction is a signed XRP payment (signed here beforehand, so signing is not measured).
The node does the whole submit path for each: decode, signature check, queue to the ledger master,
apply to the open ledger, answer in rippled's shape.

- ws batch: genesis funds `--accounts` new accounts, every submit sent at once over one
  WebSocket (pipelined, answered in order), then the answers collected;
- http: each new account pays genesis back, one JSON-RPC POST per payment, `--concurrency` in
  flight over a connection pool; per-request latency p50 / p99;
- ws single: one account's payments one at a time over a WebSocket (request -> answer), p50 / p99;
- ledger_accept: closing a ledger of N transactions (build in canonical order, hashes, one SQLite
  transaction with fsync, validation) as the admin method's round trip, and of an empty ledger.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

from xpay.crypto import KeyPair, sign_transaction

NETWORK_ID = 21337
GENESIS = KeyPair.from_entropy(b"bench-api-genesi")


def _signed_payment(src: KeyPair, dst: str, drops: int, sequence: int) -> str:
    blob, _ = sign_transaction(
        {
            "TransactionType": "Payment",
            "Account": src.address,
            "Destination": dst,
            "Amount": str(drops),
            "Fee": "10",
            "Sequence": sequence,
            "NetworkID": NETWORK_ID,
        },
        src,
    )
    return blob


def _start_node(data_dir: Path, port: int) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [
            sys.executable, "-m", "xpay.cli", "standalone", "--port", str(port),
            "--genesis-seed", GENESIS.seed, "--data-dir", str(data_dir), "--network-id", str(NETWORK_ID),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and selector.select(timeout=deadline - time.monotonic()):
            line = process.stdout.readline()
            if not line:
                break
            if line.startswith("xpay standalone node ready"):
                return process
    process.kill()
    raise RuntimeError("the node did not start")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = ordered[len(ordered) // 2]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {_ms(p50)}, p99 {_ms(p99)}"


async def _rpc(http: aiohttp.ClientSession, url: str, method: str, **params: Any) -> dict[str, Any]:
    async with http.post(url, json={"method": method, "params": [params]}) as response:
        result: dict[str, Any] = (await response.json())["result"]
    return result


async def _timed(call: Callable[[], Awaitable[Any]]) -> float:
    start = time.perf_counter()
    await call()
    return time.perf_counter() - start


async def _ws_batch(http: aiohttp.ClientSession, ws_url: str, blobs: list[str]) -> float:
    """Send every submit at once over one WebSocket, then read every answer."""
    async with http.ws_connect(ws_url, max_msg_size=0) as ws:
        start = time.perf_counter()
        for i, blob in enumerate(blobs):
            await ws.send_str(json.dumps({"id": i, "command": "submit", "tx_blob": blob}))
        failed = 0
        for _ in blobs:
            answer = json.loads((await ws.receive()).data)
            if answer.get("result", {}).get("engine_result") != "tesSUCCESS":
                failed += 1
        elapsed = time.perf_counter() - start
    if failed:
        raise RuntimeError(f"{failed} submissions did not succeed")
    return elapsed


async def _http_concurrent(
    http: aiohttp.ClientSession, url: str, blobs: list[str], concurrency: int
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    pending = iter(blobs)

    async def worker() -> None:
        for blob in pending:
            start = time.perf_counter()
            result = await _rpc(http, url, "submit", tx_blob=blob)
            latencies.append(time.perf_counter() - start)
            if result.get("engine_result") != "tesSUCCESS":
                raise RuntimeError(f"submit failed: {result}")

    start = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for _ in range(concurrency):
            group.create_task(worker())
    return time.perf_counter() - start, latencies


async def _ws_one_at_a_time(http: aiohttp.ClientSession, ws_url: str, blobs: list[str]) -> list[float]:
    latencies: list[float] = []
    async with http.ws_connect(ws_url) as ws:
        for i, blob in enumerate(blobs):
            start = time.perf_counter()
            await ws.send_str(json.dumps({"id": i, "command": "submit", "tx_blob": blob}))
            answer = json.loads((await ws.receive()).data)
            latencies.append(time.perf_counter() - start)
            if answer["result"]["engine_result"] != "tesSUCCESS":
                raise RuntimeError(f"submit failed: {answer}")
    return latencies


async def run(accounts: int, concurrency: int, singles: int) -> None:
    port = _free_port()
    url, ws_url = f"http://127.0.0.1:{port}/", f"ws://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory() as tmp:
        process = _start_node(Path(tmp) / "node", port)
        try:
            connector = aiohttp.TCPConnector(limit=concurrency)
            async with aiohttp.ClientSession(connector=connector) as http:
                print(f"signing {2 * accounts + singles} payments ...", flush=True)
                wallets = [KeyPair.from_entropy(i.to_bytes(16, "big")) for i in range(1, accounts + 1)]
                funding = [_signed_payment(GENESIS, w.address, 50_000_000, seq) for seq, w in enumerate(wallets, 1)]

                elapsed = await _ws_batch(http, ws_url, funding)
                print(f"ws batch   {accounts} submits over one WebSocket: {accounts / elapsed:8.0f} tx/s")
                accept = await _timed(lambda: _rpc(http, url, "ledger_accept"))
                print(f"ledger_accept of a {accounts}-transaction ledger: {_ms(accept)}")

                first_seq = (await _rpc(http, url, "account_info", account=wallets[0].address))["account_data"][
                    "Sequence"
                ]
                back = [_signed_payment(w, GENESIS.address, 1_000_000, first_seq) for w in wallets]
                elapsed, latencies = await _http_concurrent(http, url, back, concurrency)
                print(
                    f"http       {accounts} submits, {concurrency} in flight:  {accounts / elapsed:8.0f} tx/s"
                    f"   latency {_percentiles(latencies)}"
                )
                accept = await _timed(lambda: _rpc(http, url, "ledger_accept"))
                print(f"ledger_accept of a {accounts}-transaction ledger: {_ms(accept)}")

                one = wallets[0]
                singles_blobs = [_signed_payment(one, GENESIS.address, 1_000, first_seq + 1 + i) for i in range(singles)]
                latencies = await _ws_one_at_a_time(http, ws_url, singles_blobs)
                print(f"ws single  {singles} submits one at a time:            latency {_percentiles(latencies)}")
                empty = [await _timed(lambda: _rpc(http, url, "ledger_accept")) for _ in range(20)]
                print(f"ledger_accept, small ledgers (20 closes):          {statistics.median(empty) * 1000:.2f} ms median")
        finally:
            process.terminate()
            process.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=2000, help="payments per phase (default 2000)")
    parser.add_argument("--concurrency", type=int, default=32, help="HTTP requests in flight (default 32)")
    parser.add_argument("--singles", type=int, default=500, help="one-at-a-time WebSocket submits (default 500)")
    args = parser.parse_args()
    print(f"xpay API benchmark: python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)
    asyncio.run(run(args.accounts, args.concurrency, args.singles))


if __name__ == "__main__":
    main()
