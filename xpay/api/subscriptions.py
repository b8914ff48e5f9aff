"""WebSocket subscriptions: the `ledger`, `transactions`, `validations`, `consensus` and `server`
streams, per-account
and per-order-book streams (rippled's NetworkOPs pubLedger / pubValidatedTransaction and InfoSub).

The node calls `on_event` on the event loop for every validated ledger and each of its
transactions; each message is rendered once per API version in use and queued to every
subscriber that wants it. A subscriber's queue is bounded, in messages and in bytes: one that
cannot keep up is disconnected (close code 1008) rather than allowed to grow the node's memory, as
rippled drops a WebSocket client whose send queue overflows. A validated ledger is published all
at once, so the bounds must hold a whole busy ledger's transactions (about 1.3 KB each): a client
that reads at the network's pace is never cut off by one ledger's burst.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Any, Final

import orjson

from xpay.amounts import Issue
from xpay.api.facade import (
    ConsensusPhaseEvent,
    LedgerClosedEvent,
    NodeEvent,
    NodeInfo,
    ServerStatusEvent,
    TransactionEvent,
    ValidationEvent,
)
from xpay.api.json_forms import close_time_iso, hex_upper, tx_and_meta_json
from xpay.api.pathfinding_service import PathfindingService
from xpay.ledger.ledger import Ledger
from xpay.protocol.ids import AccountID
from xpay.protocol.ter import engine_result_message, ter_from_code

_log = logging.getLogger(__name__)

STREAMS: Final = frozenset({"ledger", "transactions", "validations", "consensus", "server"})
"""Streams xpay publishes (validations, consensus and server stay silent on a standalone node)."""
LOAD_BASE: Final = 256
VALIDATION_FULL_FLAG: Final = 0x00000001
"""rippled's vfFullValidation, in the validations stream's `flags`."""
DEFAULT_SEND_QUEUE: Final = 65_536
"""Messages queued to one subscriber before it counts as a slow consumer."""
DEFAULT_SEND_QUEUE_BYTES: Final = 32 << 20
"""Bytes queued to one subscriber before it counts as a slow consumer: some 25,000 payments on
the transactions stream, a dozen busy ledgers."""
CLOSE: Final = None
"""Sentinel in a send queue: close the connection."""
SLOW_CONSUMER_CLOSE_CODE: Final = 1008


class Subscriber:
    """One WebSocket connection's outgoing side: a bounded queue its writer task drains."""

    def __init__(
        self, *, max_queue: int = DEFAULT_SEND_QUEUE, max_bytes: int = DEFAULT_SEND_QUEUE_BYTES, remote: str = ""
    ) -> None:
        self.queue: asyncio.Queue[str | None] = asyncio.Queue(max_queue)
        self.max_bytes = max_bytes
        self.queued_bytes = 0
        """Characters of stream messages and responses in the queue (the writer subtracts what
        it takes)."""
        self.remote = remote
        self.api_version = 1
        self.streams: set[str] = set()
        self.accounts: set[AccountID] = set()
        self.books: set[tuple[Issue, Issue]] = set()
        self.overflowed = False

    def push(self, message: str) -> None:
        """Queue a stream message without waiting; a full queue disconnects the subscriber."""
        if self.overflowed:
            return
        size = len(message)
        if self.queued_bytes + size > self.max_bytes or self.queue.full():
            self.overflowed = True
            _log.warning(
                "disconnecting slow WebSocket subscriber %s (%d messages, %d bytes queued)",
                self.remote, self.queue.qsize(), self.queued_bytes,
            )
            # Drop what is queued: the connection is going away, and the close must get through.
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queued_bytes = 0
            self.queue.put_nowait(CLOSE)
            return
        self.queued_bytes += size
        self.queue.put_nowait(message)

    async def send(self, message: str) -> None:
        """Queue a response, waiting for room (back pressure on this connection only)."""
        if not self.overflowed:
            await self.queue.put(message)
            self.queued_bytes += len(message)

    async def next(self) -> str | None:
        """The next message for the writer (CLOSE: close the connection)."""
        message = await self.queue.get()
        if message is not None:
            self.queued_bytes -= len(message)
        return message


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def ledger_stream_fields(ledger: Ledger, info: NodeInfo, validated_ledgers: tuple[int, int] | None) -> dict[str, Any]:
    """What the ledger stream tells about a ledger (rippled's pubLedger / subscribe result)."""
    fees = ledger.fees
    out: dict[str, Any] = {
        "fee_base": fees.base.drops,
        "ledger_hash": hex_upper(ledger.hash),
        "ledger_index": ledger.seq,
        "ledger_time": ledger.close_time,
        "network_id": info.network_id,
        "reserve_base": fees.reserve.drops,
        "reserve_inc": fees.increment.drops,
    }
    if validated_ledgers is not None:
        first, last = validated_ledgers
        out["validated_ledgers"] = str(first) if first == last else f"{first}-{last}"
    return out


def transaction_message(event: TransactionEvent, api_version: int) -> dict[str, Any]:
    """A validated transaction on the transactions / accounts streams (rippled's transJson)."""
    ledger = event.ledger
    tx_json, meta_json = tx_and_meta_json(
        event.tx_blob,
        event.meta_blob,
        ledger.seq,
        ledger.close_time,
        api_version,
        tx_fields=event.tx_fields,
        meta_fields=event.meta_fields,
    )
    tx_json["date"] = ledger.close_time
    result = ter_from_code(event.result)
    out: dict[str, Any] = {
        "type": "transaction",
        "close_time_iso": close_time_iso(ledger.close_time),
        "engine_result": result.name,
        "engine_result_code": int(result),
        "engine_result_message": engine_result_message(int(result)),
        "ledger_hash": hex_upper(ledger.hash),
        "ledger_index": ledger.seq,
        "meta": meta_json,
        "status": "closed",
        "validated": True,
    }
    if api_version > 1:
        out["tx_json"] = tx_json
        out["hash"] = hex_upper(event.tx_id)
    else:
        tx_json["hash"] = hex_upper(event.tx_id)
        out["transaction"] = tx_json
    return out


def validation_message(event: ValidationEvent) -> dict[str, Any]:
    """A validation on the validations stream (rippled's pubValidation, without the fields
    xpay's compact validations do not carry: signature, cookie, load fee, amendments)."""
    return {
        "type": "validationReceived",
        "close_time": event.close_time,
        "flags": VALIDATION_FULL_FLAG if event.full else 0,
        "full": event.full,
        "ledger_hash": hex_upper(event.ledger_hash),
        "ledger_index": str(event.ledger_seq),
        "network_id": event.network_id,
        "signing_time": event.signing_time,
        "validation_public_key": event.validation_public_key,
    }


def _forget(table: dict[Any, set[Subscriber]], key: Any, subscriber: Subscriber) -> None:
    listeners = table.get(key)
    if listeners is not None:
        listeners.discard(subscriber)
        if not listeners:
            del table[key]


class Subscriptions:
    """Who listens to what, and the fan-out of node events to them."""

    def __init__(self, info: Callable[[], NodeInfo], pathfinding: PathfindingService | None = None) -> None:
        self._info = info
        self.pathfinding = pathfinding
        """The standing path_find requests live with the connections (rippled's InfoSub holds
        its PathRequest); None on a node that does not serve pathfinding."""
        self._streams: dict[str, set[Subscriber]] = {name: set() for name in STREAMS}
        self._accounts: dict[AccountID, set[Subscriber]] = {}
        self._books: dict[tuple[Issue, Issue], set[Subscriber]] = {}

    def subscribe(
        self,
        subscriber: Subscriber,
        streams: Iterable[str],
        accounts: Iterable[AccountID],
        books: Iterable[tuple[Issue, Issue]] = (),
    ) -> None:
        for name in streams:
            self._streams[name].add(subscriber)
            subscriber.streams.add(name)
        for account in accounts:
            self._accounts.setdefault(account, set()).add(subscriber)
            subscriber.accounts.add(account)
        for book in books:
            self._books.setdefault(book, set()).add(subscriber)
            subscriber.books.add(book)

    def unsubscribe(
        self,
        subscriber: Subscriber,
        streams: Iterable[str],
        accounts: Iterable[AccountID],
        books: Iterable[tuple[Issue, Issue]] = (),
    ) -> None:
        for name in streams:
            self._streams[name].discard(subscriber)
            subscriber.streams.discard(name)
        for account in accounts:
            _forget(self._accounts, account, subscriber)
            subscriber.accounts.discard(account)
        for book in books:
            _forget(self._books, book, subscriber)
            subscriber.books.discard(book)

    def remove(self, subscriber: Subscriber) -> None:
        """Forget a connection that closed."""
        self.unsubscribe(subscriber, list(subscriber.streams), list(subscriber.accounts), list(subscriber.books))
        if self.pathfinding is not None:
            self.pathfinding.forget(subscriber)

    @property
    def subscriber_count(self) -> int:
        everyone: set[Subscriber] = set()
        for listeners in self._streams.values():
            everyone |= listeners
        for table in (self._accounts, self._books):
            for listeners in table.values():
                everyone |= listeners
        return len(everyone)

    def on_event(self, event: NodeEvent) -> None:
        """The node's listener: render once per API version, queue to each subscriber."""
        if isinstance(event, LedgerClosedEvent):
            listeners = self._streams["ledger"]
            if not listeners:
                return
            message = dumps(
                {
                    "type": "ledgerClosed",
                    **ledger_stream_fields(event.ledger, self._info(), event.validated_ledgers),
                    "txn_count": event.txn_count,
                }
            )
            for subscriber in list(listeners):
                self._push(subscriber, message)
            return
        if isinstance(event, ValidationEvent):
            self._broadcast("validations", lambda: validation_message(event))
            return
        if isinstance(event, ServerStatusEvent):
            self._broadcast(
                "server",
                lambda: {
                    "type": "serverStatus",
                    "server_status": event.server_status,
                    "load_base": LOAD_BASE,
                    "load_factor": LOAD_BASE,
                },
            )
            return
        if isinstance(event, ConsensusPhaseEvent):
            self._broadcast("consensus", lambda: {"type": "consensusPhase", "consensus": event.phase})
            return
        targets = set(self._streams["transactions"])
        for account in event.accounts:
            targets |= self._accounts.get(account, set())
        for book in event.books:
            targets |= self._books.get(book, set())
        if not targets:
            return
        rendered: dict[int, str] = {}
        for subscriber in targets:
            version = subscriber.api_version
            text = rendered.get(version)
            if text is None:
                text = rendered[version] = dumps(transaction_message(event, version))
            self._push(subscriber, text)

    def _broadcast(self, stream: str, render: Callable[[], dict[str, Any]]) -> None:
        """One message, rendered once, to every subscriber of a stream."""
        listeners = self._streams[stream]
        if not listeners:
            return
        message = dumps(render())
        for subscriber in list(listeners):
            self._push(subscriber, message)

    def _push(self, subscriber: Subscriber, message: str) -> None:
        subscriber.push(message)
        if subscriber.overflowed:
            # It is being disconnected: it gets nothing more from here on.
            self.remove(subscriber)
