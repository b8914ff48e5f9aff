"""The consensus adaptor's way out to the network.

The consensus core calls its adaptor synchronously (``propose``, a validation after a build)
and the overlay's ``broadcast`` is a coroutine. The adaptor therefore queues what it sends here,
without waiting, and ``run()`` hands the queue to the overlay in order — a proposal never
overtakes an earlier one, and a validation leaves after the proposal that led to it (rippled
posts these sends to its job queue for the same reason).

Messages are *handed over* in order but not sent one after another: over MQTT a QoS 1 publish
returns only when the broker acknowledges it, and waiting for each acknowledgement in turn would
hold a proposal behind the pushed transaction set before it for a broker round trip. Every send
starts in queue order (the transport serialises and writes it before its first await) and up to
``max_in_flight`` wait for their acknowledgements together.

Bounded: when the network cannot keep up, the oldest queued message is dropped and counted —
consensus traffic goes stale quickly and a newer position supersedes an older one.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Final

from xpay.overlay import MessageKind, Overlay, OverlayError

_log = logging.getLogger(__name__)

DEFAULT_LIMIT: Final = 4096
DEFAULT_MAX_IN_FLIGHT: Final = 32


class Outbox:
    """Messages to broadcast, in order; ``run()`` sends them."""

    def __init__(
        self, overlay: Overlay, limit: int = DEFAULT_LIMIT, max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
    ) -> None:
        self._overlay = overlay
        self._queue: deque[tuple[MessageKind, bytes]] = deque(maxlen=limit)
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(max_in_flight)
        self.sent = 0
        self.dropped = 0
        self.failed = 0

    def send(self, kind: MessageKind, payload: bytes) -> None:
        """Queue a broadcast; never blocks."""
        if len(self._queue) == self._queue.maxlen:
            self.dropped += 1
        self._queue.append((kind, payload))
        self._wake.set()

    async def run(self) -> None:
        queue = self._queue
        async with asyncio.TaskGroup() as group:
            while True:
                if not queue:
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                await self._slots.acquire()
                kind, payload = queue.popleft()
                group.create_task(self._send(kind, payload))
                # Let the new task run up to its first await (the hand-over) before the next.
                await asyncio.sleep(0)

    async def _send(self, kind: MessageKind, payload: bytes) -> None:
        try:
            await self._overlay.broadcast(kind, payload)
        except OverlayError as exc:
            self.failed += 1
            _log.debug("broadcast of %s failed: %s", kind.name, exc)
        else:
            self.sent += 1
        finally:
            self._slots.release()
