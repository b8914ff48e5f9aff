"""A subscriber's send queue: bounded in messages and in bytes, and a burst the size of a busy
ledger fits."""

from __future__ import annotations

from xpay.api.subscriptions import CLOSE, Subscriber


async def test_a_busy_ledger_s_burst_fits_the_default_queue() -> None:
    subscriber = Subscriber()
    message = "x" * 1300  # about one payment on the transactions stream
    for _ in range(5000):
        subscriber.push(message)
    assert not subscriber.overflowed
    assert subscriber.queued_bytes == 5000 * 1300
    assert await subscriber.next() == message
    assert subscriber.queued_bytes == 4999 * 1300


async def test_the_byte_bound_disconnects_and_drops_what_was_queued() -> None:
    subscriber = Subscriber(max_queue=1000, max_bytes=250)
    subscriber.push("a" * 100)
    subscriber.push("b" * 100)
    assert not subscriber.overflowed
    subscriber.push("c" * 100)
    assert subscriber.overflowed
    assert subscriber.queued_bytes == 0
    assert await subscriber.next() is CLOSE
    subscriber.push("d")  # nothing more once it is being cut off
    assert subscriber.queue.empty()


async def test_the_message_bound_still_holds() -> None:
    subscriber = Subscriber(max_queue=2)
    subscriber.push("a")
    subscriber.push("b")
    subscriber.push("c")
    assert subscriber.overflowed
    assert await subscriber.next() is CLOSE


async def test_responses_count_against_the_bytes_and_are_released_when_sent() -> None:
    subscriber = Subscriber(max_bytes=100)
    await subscriber.send("r" * 60)
    subscriber.push("s" * 60)  # 120 bytes would be queued: a slow consumer
    assert subscriber.overflowed
