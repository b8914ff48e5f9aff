"""The consensus adaptor's way out to the network.

The consensus core calls its adaptor synchronously (``propose``, a validation after a build)
and the overlay's ``broadcast`` is a coroutine. The adaptor therefore queues what it sends here,
without waiting, and one task of the validator's group broadcasts the queue in order — a
proposal never overtakes an earlier one, and a validation leaves after the proposal that led to
it (rippled posts these sends to its job queue for the same reason).

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


class Outbox:
    """Messages to broadcast, in order; ``run()`` sends them."""

    def __init__(self, overlay: Overlay, limit: int = DEFAULT_LIMIT) -> None:
        self._overlay = overlay
        self._queue: deque[tuple[MessageKind, bytes]] = deque(maxlen=limit)
        self._wake = asyncio.Event()
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
        while True:
            if not queue:
                self._wake.clear()
                await self._wake.wait()
                continue
            kind, payload = queue.popleft()
            try:
                await self._overlay.broadcast(kind, payload)
            except OverlayError as exc:
                self.failed += 1
                _log.debug("broadcast of %s failed: %s", kind.name, exc)
                continue
            self.sent += 1
