"""The ledger follower: books every validated transaction of the gateway's addresses, exactly
once, from a persisted cursor.

As the XRPL's "Robustly Monitoring for Payments" recommends, the follower keeps a record of the
last ledger it processed (the book's cursor), and on every newly validated ledger (the WebSocket
`ledger` stream, or polling over HTTP) reads `account_tx` of the issuing and operational
addresses from the cursor to that ledger, oldest first, and books each transaction in ledger
order. A transaction is booked in one SQLite transaction together with its hash, so one seen
twice (it touched both addresses; or the gateway stopped after booking it but before moving the
cursor) is booked once. The cursor moves only after every transaction up to it is booked; a
gateway that was down resumes where it stopped and misses nothing.

Every change to the book that comes from the ledger goes through here, so the book is always
"as of the cursor": reconciliation compares it with the ledger at exactly that index.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Final

from gateways.gateway.book import Book, Booking
from gateways.gateway.bookkeeping import GatewayAccounts, booking_for
from gateways.gateway.ledger_effects import transaction_index
from xpay.client import APIMethods, ClientError, TransactionRecord

_log = logging.getLogger(__name__)

RETRY_DELAY: Final = 0.5
"""Seconds before following again after the node could not be reached."""


class LedgerFollower:
    """Follows validated ledgers and books the gateway's transactions (see the module doc).

    `run()` follows until cancelled; `sync()` catches up to the newest validated ledger now;
    `wait_for(index)` returns once every transaction up to ledger `index` is booked.
    """

    def __init__(self, client: APIMethods, book: Book, accounts: GatewayAccounts,
                 on_booked: Callable[[Booking], None] | None = None) -> None:
        self._client = client
        self._book = book
        self._accounts = accounts
        self._on_booked = on_booked
        self._lock = asyncio.Lock()
        self._progress = asyncio.Condition()
        self.booked = 0
        """Transactions booked by this follower since it started (not counting repeats)."""

    @property
    def cursor(self) -> int | None:
        return self._book.cursor()

    async def run(self) -> None:
        """Follow validated ledgers until cancelled; reconnects (the client does) and catches up
        from the cursor after any gap."""
        while True:
            try:
                async with self._client.watch_validated_ledgers() as ledgers:
                    seen = await ledgers.latest()
                    await self.sync(seen)
                    while True:
                        seen = await ledgers.wait_beyond(seen)
                        await self.sync(seen)
            except ClientError as error:
                _log.warning("ledger follower: %s; following again in %.1f s", error, RETRY_DELAY)
                await asyncio.sleep(RETRY_DELAY)

    async def sync(self, target: int | None = None) -> int:
        """Book every transaction of the gateway's addresses up to validated ledger `target` (the
        newest validated ledger when None); the cursor afterwards."""
        async with self._lock:
            if target is None:
                target = await self._client.validated_ledger_index()
            cursor = self._book.cursor()
            if cursor is not None and cursor >= target:
                return cursor
            first = -1 if cursor is None else cursor + 1
            records = await self._transactions(first, target)
            for record in records:
                self._book_record(record)
            self._book.set_cursor(target)
        async with self._progress:
            self._progress.notify_all()
        return target

    async def wait_for(self, ledger_index: int) -> None:
        """Return once every transaction up to `ledger_index` is booked (following the ledger
        if nobody else is)."""
        while (self._book.cursor() or 0) < ledger_index:
            if not self._lock.locked():
                await self.sync(ledger_index)
                continue
            async with self._progress:
                await self._progress.wait_for(lambda: (self._book.cursor() or 0) >= ledger_index or not self._lock.locked())

    def book_record(self, record: TransactionRecord) -> bool:
        """Book one validated transaction now (idempotent: False when it was booked before)."""
        return self._book_record(record)

    async def _transactions(self, first: int, last: int) -> list[TransactionRecord]:
        """The validated transactions of both addresses in ledgers first..last, each once, in
        ledger order (ledger index, then position in the ledger)."""
        unique: dict[str, TransactionRecord] = {}
        for address in (self._accounts.issuing, self._accounts.operational):
            async for record in self._client.account_tx(address, ledger_index_min=first, ledger_index_max=last,
                                                        forward=True):
                unique.setdefault(record.hash, record)
        return sorted(unique.values(), key=lambda r: (r.ledger_index or 0, transaction_index(r.meta)))

    def _book_record(self, record: TransactionRecord) -> bool:
        book = self._book
        if book.is_booked(record.hash):
            return False
        booking = booking_for(
            record,
            self._accounts,
            deposit=book.deposit_for_transaction(record.hash),
            customer_for_tag=book.customer_by_tag,
        )
        written = book.book(booking)
        if written:
            self.booked += 1
            for exception in booking.exceptions:
                _log.warning("ledger exception in %s (ledger %d): %s", exception.tx_hash, exception.ledger_index,
                             exception.description)
            if self._on_booked is not None:
                self._on_booked(booking)
        return written


__all__ = ["LedgerFollower"]
