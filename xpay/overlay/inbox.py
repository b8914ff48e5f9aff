"""The bounded inbox between a transport's receive loop and the node.

A slow consumer must not grow memory without bound, and the receive loop must never block on
it (that would stall replies and liveness too). So the inbox is a fixed-size ring: when it is
full the *oldest* envelope is dropped and counted. Oldest, because overlay traffic goes stale:
a newer proposal supersedes an older one from the same validator, a validation for an older
ledger is the first to become useless, and transactions are re-broadcast by their submitters
(rippled relays a transaction again when it is re-submitted).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

from xpay.overlay.errors import OverlayClosed

T = TypeVar("T")


class Inbox(Generic[T]):
    """A bounded FIFO that drops its oldest item on overflow; `get()` waits, `close()` wakes
    every waiter with `OverlayClosed`."""

    __slots__ = ("_closed", "_items", "_on_overflow", "_waiters")

    def __init__(self, maxsize: int, on_overflow: Callable[[], None]) -> None:
        if maxsize < 1:
            raise ValueError("an inbox holds at least one item")
        self._items: deque[T] = deque(maxlen=maxsize)
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._on_overflow = on_overflow
        self._closed = False

    def __len__(self) -> int:
        return len(self._items)

    @property
    def closed(self) -> bool:
        return self._closed

    def put(self, item: T) -> None:
        """Append; never blocks. A full inbox loses its oldest item (deque(maxlen) does it)."""
        if self._closed:
            return
        if len(self._items) == self._items.maxlen:
            self._on_overflow()
        self._items.append(item)
        self._wake_one()

    async def get(self) -> T:
        """The oldest item, waiting for one; raises `OverlayClosed` once closed and drained."""
        while not self._items:
            if self._closed:
                raise OverlayClosed("the overlay was closed")
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                # Pass our wake-up on to the next waiter, or an item could sit unread.
                if waiter.done() and not waiter.cancelled() and self._items:
                    self._wake_one()
                raise
        return self._items.popleft()

    def get_nowait(self) -> T | None:
        return self._items.popleft() if self._items else None

    def close(self) -> None:
        self._closed = True
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)

    def _wake_one(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
