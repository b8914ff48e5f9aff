"""The bounded inbox: drop-oldest on overflow, waking, closing."""

from __future__ import annotations

import asyncio

import pytest

from xpay.overlay import OverlayClosed
from xpay.overlay.inbox import Inbox


def test_full_inbox_drops_the_oldest_and_counts_it() -> None:
    dropped: list[int] = []
    inbox: Inbox[int] = Inbox(3, lambda: dropped.append(1))
    for i in range(7):
        inbox.put(i)
    assert len(dropped) == 4
    assert [inbox.get_nowait() for _ in range(3)] == [4, 5, 6]
    assert inbox.get_nowait() is None


async def test_get_waits_for_put_and_close_wakes_waiters() -> None:
    inbox: Inbox[str] = Inbox(2, lambda: None)
    waiter = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    assert not waiter.done()
    inbox.put("a")
    assert await waiter == "a"
    blocked = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    inbox.close()
    with pytest.raises(OverlayClosed):
        await blocked
    inbox.put("ignored after close")
    assert len(inbox) == 0


async def test_items_left_at_close_are_still_drained() -> None:
    inbox: Inbox[int] = Inbox(4, lambda: None)
    inbox.put(1)
    inbox.close()
    assert await inbox.get() == 1
    with pytest.raises(OverlayClosed):
        await inbox.get()


async def test_a_cancelled_getter_passes_its_wakeup_on() -> None:
    inbox: Inbox[int] = Inbox(4, lambda: None)
    first = asyncio.ensure_future(inbox.get())
    second = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    inbox.put(1)  # wakes `first`...
    first.cancel()  # ...which is cancelled before it runs
    async with asyncio.timeout(1):
        assert await second == 1
    with pytest.raises(asyncio.CancelledError):
        await first


def test_an_inbox_must_hold_something() -> None:
    with pytest.raises(ValueError):
        Inbox(0, lambda: None)
