"""Overlay counters and the change monitor that lets callers wait on them.

rippled keeps per-peer traffic counters (`TrafficCount`) and charges peers for bad messages; xpay
keeps one set of counters per node's overlay, because a broker hides who relayed what. Every drop
has its own counter, so an operator (and a test) can tell a forged signature from a duplicate
from a full queue.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class OverlayStats:
    """Live counters; read them, never write them from outside the overlay."""

    sent: int = 0
    """Frames handed to the transport (broadcasts, requests and replies)."""
    send_failed: int = 0
    """Frames the transport could not take (broker away, publish timed out)."""
    received: int = 0
    """Frames from others that passed every check (signature, trust, de-duplication)."""
    dropped_bad_signature: int = 0
    dropped_untrusted: int = 0
    """Proposals and validations from keys outside our UNL."""
    dropped_duplicate: int = 0
    """Same sender and sequence seen before, or older than the sender's replay window."""
    dropped_malformed: int = 0
    """Bytes that did not decode as a frame (or a presence frame on the wrong topic)."""
    dropped_wrong_network: int = 0
    queue_overflow: int = 0
    """Verified envelopes pushed out of the bounded inbox (the oldest is dropped)."""
    ingress_overflow: int = 0
    """Raw frames pushed out of the transport's bounded incoming queue (the oldest is dropped)."""
    requests_served: int = 0
    requests_unserved: int = 0
    """Requests of a kind this node has no `serve()` handler for."""
    requests_shed: int = 0
    """Requests dropped because too many handlers were already running."""
    replies_unmatched: int = 0
    """Replies to no request in flight: late, a second answer to a request to anyone, or forged."""
    handler_errors: int = 0
    connects: int = 0
    """Times the transport joined the network (1 after start, +1 per reconnection)."""
    disconnects: int = 0

    def snapshot(self) -> dict[str, int]:
        """A copy of every counter, by name."""
        return dataclasses.asdict(self)


class Monitor:
    """Wakes waiters whenever overlay state changes (a counter, the peer set), so callers wait
    on a condition instead of sleeping."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def notify(self) -> None:
        # An event is created only while somebody waits: notifying costs nothing on the hot path.
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        """Return once `predicate()` is true; re-checked after every change. Bound it with
        `asyncio.timeout()`."""
        while not predicate():
            if self._event is None:
                self._event = asyncio.Event()
            await self._event.wait()
