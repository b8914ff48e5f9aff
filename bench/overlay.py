"""Overlay benchmark: broadcast throughput and latency, in-process and over MQTT.

    .venv/bin/python -m bench.overlay                      # in-process + mosquitto on 1883
    .venv/bin/python -m bench.overlay --messages 5000 --mqtt-url mqtt://127.0.0.1:1883
    .venv/bin/python -m bench.overlay --no-mqtt

Two nodes, A broadcasting and B receiving, for payloads of 200 bytes (a proposal, a small
transaction batch) and 20 KB (a large batch). Every figure includes the full path: sealing and
signing at A, encoding, the transport, decoding, admission and Ed25519 verification at B.

- throughput: A broadcasts `--messages` frames with up to `--window` broadcasts in flight and
  at most `--backlog` frames sent but not yet received by B (end-to-end flow control, so a
  broker's per-client queue limit never drops frames); messages per second from the first send
  to the last receipt.
- latency: one frame at a time (send, wait for B to have it), `--pings` times; p50 / p99 of the
  send-to-receive time on the event loop's clock, i.e. without queueing behind other frames.

Over MQTT it runs once with PROPOSAL (QoS 0) and once with TRANSACTIONS (QoS 1, which waits for
the broker's PUBACK). The machine's mosquitto on 127.0.0.1:1883 is fine here: the bench uses its
own network id and node keys, and leaves only two retained presence frames behind.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import struct
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial

from xpay.crypto import NodeKey, verify
from xpay.overlay import Hub, MessageKind, MqttConfig, MqttOverlay, Overlay, OverlayConnectError

NETWORK_ID = 0xBE7C
SENDER = NodeKey.from_entropy(b"bench-overlay-A!")
RECEIVER = NodeKey.from_entropy(b"bench-overlay-B!")
UNL = [SENDER.node_id, RECEIVER.node_id]  # proposals are accepted from the UNL only
SIZES = (200, 20_000)
_INDEX = struct.Struct(">Q")


@dataclass(frozen=True)
class Result:
    transport: str
    kind: str
    payload_bytes: int
    messages: int
    messages_per_second: float
    latency_p50_ms: float
    latency_p99_ms: float
    dropped: int


def _payload(index: int, size: int) -> bytes:
    return _INDEX.pack(index) + os.urandom(size - _INDEX.size)


def _within(receiver: Overlay, floor: int) -> bool:
    return receiver.stats.received > floor


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def _run_pair(
    make: Callable[[NodeKey], Overlay],
    label: str,
    kind: MessageKind,
    size: int,
    messages: int,
    pings: int,
    window: int,
    backlog: int,
) -> Result:
    sender_key, receiver_key = SENDER, RECEIVER
    loop = asyncio.get_running_loop()
    async with make(sender_key) as a, make(receiver_key) as b:
        async with asyncio.timeout(10):
            await a.wait_until(lambda: receiver_key.node_id in a.peers())

        # Latency: one frame in flight at a time.
        latencies: list[float] = []
        for i in range(pings):
            payload = _payload(i, size)
            sent_at = loop.time()
            await a.broadcast(kind, payload)
            async with asyncio.timeout(10):
                envelope = await b.receive()
            latencies.append((loop.time() - sent_at) * 1000)
            assert envelope.payload == payload

        # Throughput: a window of broadcasts in flight, B consuming concurrently.
        payloads = [_payload(i, size) for i in range(messages)]
        received = 0

        async def consume() -> None:
            nonlocal received
            while received < messages:
                await b.receive()
                received += 1

        async def produce() -> None:
            sending = asyncio.Semaphore(window)

            async def one(payload: bytes) -> None:
                async with sending:
                    await a.broadcast(kind, payload)

            async with asyncio.TaskGroup() as group:
                for i, payload in enumerate(payloads):
                    # End-to-end flow control: at most `backlog` frames between A and B. Without
                    # it a broker silently drops what exceeds its per-client queue (mosquitto's
                    # max_queued_messages, 1000 by default), and the figure would be a lie.
                    if i - b.stats.received >= backlog:
                        await b.wait_until(partial(_within, b, i - backlog))
                    await sending.acquire()  # bound the tasks as well as the sends in flight
                    sending.release()
                    group.create_task(one(payload))

        started = loop.time()
        try:
            async with asyncio.timeout(120), asyncio.TaskGroup() as group:
                group.create_task(consume())
                group.create_task(produce())
        except TimeoutError:
            print(f"  {label}: only {received}/{messages} arrived (QoS 0 frames may be lost)", file=sys.stderr)
        elapsed = loop.time() - started
        stats = b.stats
        dropped = (
            stats.queue_overflow + stats.ingress_overflow + stats.dropped_bad_signature
            + stats.dropped_duplicate + stats.dropped_malformed
        )
    return Result(
        transport=label,
        kind=kind.name,
        payload_bytes=size,
        messages=received,
        messages_per_second=received / elapsed,
        latency_p50_ms=statistics.median(latencies),
        latency_p99_ms=_percentile(latencies, 0.99),
        dropped=dropped,
    )


def crypto_costs() -> dict[str, float]:
    """Microseconds per Ed25519 sign and verify of a frame of each size, for reference."""
    key = NodeKey.from_entropy(b"bench-overlay-C!")
    costs: dict[str, float] = {}
    for size in SIZES:
        message = os.urandom(size + 117)
        rounds = 2000 if size < 10_000 else 500
        start = time.perf_counter()
        for _ in range(rounds):
            signature = key.sign(message)
        costs[f"sign_{size}B_us"] = (time.perf_counter() - start) / rounds * 1e6
        start = time.perf_counter()
        for _ in range(rounds):
            verify(key.node_id, message, signature)
        costs[f"verify_{size}B_us"] = (time.perf_counter() - start) / rounds * 1e6
    return costs


async def main_async(args: argparse.Namespace) -> list[Result]:
    results: list[Result] = []
    unl = UNL
    for size in SIZES:
        hub = Hub(seed=1)
        results.append(
            await _run_pair(
                partial(hub.overlay, unl=unl, network_id=NETWORK_ID, inbox_size=args.messages + 10),
                "in-process", MessageKind.PROPOSAL, size, args.messages, args.pings, args.window,
                args.backlog,
            )
        )
    if args.mqtt_url:
        config = MqttConfig(url=args.mqtt_url, incoming_queue_size=args.messages + 10)
        for kind in (MessageKind.PROPOSAL, MessageKind.TRANSACTIONS):
            for size in SIZES:
                try:
                    results.append(
                        await _run_pair(
                            lambda key: MqttOverlay(
                                key, unl=unl, network_id=NETWORK_ID, config=config,
                                inbox_size=args.messages + 10,
                            ),
                            "mqtt", kind, size, args.messages, args.pings, args.window, args.backlog,
                        )
                    )
                except OverlayConnectError as exc:
                    print(f"skipping MQTT: {exc}", file=sys.stderr)
                    return results
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--pings", type=int, default=500)
    parser.add_argument("--window", type=int, default=32, help="broadcasts in flight at A")
    parser.add_argument("--backlog", type=int, default=256, help="frames sent but not yet at B")
    parser.add_argument("--mqtt-url", default="mqtt://127.0.0.1:1883")
    parser.add_argument("--no-mqtt", dest="mqtt_url", action="store_const", const=None)
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    args = parser.parse_args(argv)

    costs = crypto_costs()
    results = asyncio.run(main_async(args))
    if args.json:
        print(json.dumps({"crypto": costs, "broadcast": [asdict(r) for r in results]}, indent=2))
        return
    print("Ed25519 per frame: " + ", ".join(f"{k} {v:.1f}" for k, v in costs.items()))
    print(f"{'transport':<11} {'kind':<13} {'payload':>8} {'msgs':>6} {'msg/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'dropped':>8}")
    for r in results:
        print(
            f"{r.transport:<11} {r.kind:<13} {r.payload_bytes:>8} {r.messages:>6} "
            f"{r.messages_per_second:>9.0f} {r.latency_p50_ms:>8.3f} {r.latency_p99_ms:>8.3f} {r.dropped:>8}"
        )


if __name__ == "__main__":
    main()
