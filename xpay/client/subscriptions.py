"""Subscriptions: rippled's streams (subscribe / unsubscribe) as async iterators.

One WebSocket connection carries every subscription a client has; rippled sends each stream
message once per connection however many reasons it has to send it. So the client sorts the
messages itself, by the rules rippled uses to send them:

- `ledger`: every `ledgerClosed` message.
- `transactions`: every `transaction` message.
- accounts: a transaction whose affected accounts (rippled's TxMeta::getAffectedAccounts: every
  AccountID field, and the issuer of LowLimit / HighLimit / TakerPays / TakerGets, in each
  affected node's NewFields or FinalFields) include one of the subscription's accounts.
- books: a successful transaction that created, changed or removed an offer of the book
  (rippled's OrderBookDB::processTxn); with `both`, of the reverse book too.

Each subscription has a bounded queue. A consumer that falls so far behind that the queue fills
gets SubscriptionOverflow from its iterator, and the subscription ends: memory stays bounded, and
the consumer knows it missed messages (as rippled disconnects a slow WebSocket client). Messages
sent while the connection was down are lost too; `reconnections` counts the gaps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, Generic, Protocol, Self, TypeVar

from xpay.amounts import Issue
from xpay.client.amount import issue_from_json, issue_to_json
from xpay.client.errors import ClientError, InvalidInput, SubscriptionOverflow
from xpay.client.results import LedgerClosed, TransactionRecord
from xpay.protocol.fields import FIELDS

E = TypeVar("E")

DEFAULT_QUEUE: Final = 1024
"""Messages a subscription holds for a consumer that has not read them yet."""
_ISSUER_AMOUNT_FIELDS: Final = frozenset({"LowLimit", "HighLimit", "TakerPays", "TakerGets"})
_ACCOUNT_FIELDS: Final = frozenset(name for name, info in FIELDS.items() if info.type_name == "AccountID")


@dataclass(frozen=True, slots=True)
class Book:
    """An order book to follow: offers giving `taker_gets` for `taker_pays`."""

    taker_gets: Issue
    taker_pays: Issue
    both: bool = False
    """Follow the reverse book too."""
    snapshot: bool = False
    """Have the subscribe answer list the book's offers now (`Subscription.initial["offers"]`;
    with `both`, `asks` and `bids`)."""
    taker: str | None = None

    def __post_init__(self) -> None:
        for name in ("taker_gets", "taker_pays"):
            if not isinstance(getattr(self, name), Issue):
                raise InvalidInput("a book's sides are Issues (issue('USD', 'r…'))", field=name)
        if self.taker_gets == self.taker_pays:
            raise InvalidInput("a book trades two different issues", field="taker_pays")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "taker_gets": issue_to_json(self.taker_gets),
            "taker_pays": issue_to_json(self.taker_pays),
        }
        if self.both:
            out["both"] = True
        if self.snapshot:
            out["snapshot"] = True
        if self.taker is not None:
            out["taker"] = self.taker
        return out

    def sides(self) -> frozenset[tuple[Issue, Issue]]:
        """The (TakerGets issue, TakerPays issue) pairs whose offers this book follows."""
        pair = (self.taker_gets, self.taker_pays)
        return frozenset({pair, (self.taker_pays, self.taker_gets)} if self.both else {pair})


@dataclass(frozen=True, slots=True)
class StreamRequest:
    """What one subscription asks the server for: stream names, accounts, books."""

    streams: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    books: tuple[Book, ...] = ()

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if self.streams:
            params["streams"] = list(self.streams)
        if self.accounts:
            params["accounts"] = list(self.accounts)
        if self.books:
            params["books"] = [book.to_json() for book in self.books]
        return params

    def server_keys(self) -> tuple[tuple[str, Any], ...]:
        """What the server subscription consists of, one key per stream, account and book (the
        client counts who needs each, and unsubscribes a key when nobody does)."""
        return (
            *(("stream", name) for name in self.streams),
            *(("account", address) for address in self.accounts),
            *(("book", book) for book in self.books),
        )


def request_for_keys(keys: list[tuple[str, Any]]) -> StreamRequest:
    """The request that (un)subscribes exactly these keys."""
    return StreamRequest(
        streams=tuple(value for kind, value in keys if kind == "stream"),
        accounts=tuple(value for kind, value in keys if kind == "account"),
        books=tuple(value for kind, value in keys if kind == "book"),
    )


# --- who a transaction message is for ------------------------------------------------------------


def _inner_fields(node: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The NewFields of a CreatedNode, the FinalFields of a ModifiedNode or DeletedNode."""
    for kind, fields_name in (("CreatedNode", "NewFields"), ("ModifiedNode", "FinalFields"), ("DeletedNode", "FinalFields")):
        inner = node.get(kind)
        if isinstance(inner, Mapping):
            fields = inner.get(fields_name)
            return fields if isinstance(fields, Mapping) else None
    return None


def _affected_nodes(message: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    meta = message.get("meta")
    nodes = meta.get("AffectedNodes") if isinstance(meta, Mapping) else None
    return [node for node in nodes if isinstance(node, Mapping)] if isinstance(nodes, list) else []


def affected_accounts(message: Mapping[str, Any]) -> frozenset[str]:
    """The accounts a transaction affected, as rippled's TxMeta::getAffectedAccounts counts them."""
    accounts: set[str] = set()
    for node in _affected_nodes(message):
        fields = _inner_fields(node)
        if fields is None:
            continue
        for name, value in fields.items():
            if name in _ACCOUNT_FIELDS and isinstance(value, str):
                accounts.add(value)
            elif name in _ISSUER_AMOUNT_FIELDS and isinstance(value, Mapping):
                issuer = value.get("issuer")
                if isinstance(issuer, str):
                    accounts.add(issuer)
    return frozenset(accounts)


def affected_books(message: Mapping[str, Any]) -> frozenset[tuple[Issue, Issue]]:
    """The books (TakerGets issue, TakerPays issue) whose offers a transaction created, changed
    or removed."""
    books: set[tuple[Issue, Issue]] = set()
    for node in _affected_nodes(message):
        kind = next((k for k in ("CreatedNode", "ModifiedNode", "DeletedNode") if k in node), None)
        if kind is None or not isinstance(node[kind], Mapping) or node[kind].get("LedgerEntryType") != "Offer":
            continue
        fields = _inner_fields(node)
        if fields is None:
            continue
        try:
            books.add((_issue_of(fields.get("TakerGets")), _issue_of(fields.get("TakerPays"))))
        except InvalidInput:
            continue  # not an amount this SDK can read: no book of ours
    return frozenset(books)


def _issue_of(amount: Any) -> Issue:
    if isinstance(amount, str):
        return issue_from_json({"currency": "XRP"})
    if isinstance(amount, Mapping):
        return issue_from_json({"currency": amount.get("currency"), "issuer": amount.get("issuer")})
    raise InvalidInput("not an amount")


def _engine_result(message: Mapping[str, Any]) -> Any:
    meta = message.get("meta")
    if isinstance(meta, Mapping) and "TransactionResult" in meta:
        return meta["TransactionResult"]
    return message.get("engine_result")


def wants_ledgers(message: Mapping[str, Any]) -> bool:
    return message.get("type") == "ledgerClosed"


def wants_transactions(message: Mapping[str, Any]) -> bool:
    return message.get("type") == "transaction"


def wants_accounts(accounts: frozenset[str]) -> Callable[[Mapping[str, Any]], bool]:
    def wants(message: Mapping[str, Any]) -> bool:
        return message.get("type") == "transaction" and not accounts.isdisjoint(affected_accounts(message))

    return wants


def wants_books(books: tuple[Book, ...]) -> Callable[[Mapping[str, Any]], bool]:
    sides = frozenset().union(*(book.sides() for book in books))

    def wants(message: Mapping[str, Any]) -> bool:
        if message.get("type") != "transaction" or _engine_result(message) != "tesSUCCESS":
            return False
        return not sides.isdisjoint(affected_books(message))

    return wants


# --- the subscription ----------------------------------------------------------------------------


class SubscriptionHub(Protocol):
    """The connection a subscription lives on (WebSocketClient)."""

    async def attach(self, subscription: Subscription[Any]) -> Mapping[str, Any]: ...

    async def detach(self, subscription: Subscription[Any]) -> None: ...


class _End:
    """Queue marker: the subscription is over (closed, or overflowed)."""

    def __init__(self, error: ClientError | None) -> None:
        self.error = error


class Subscription(Generic[E]):
    """A subscription: `async with` subscribes (and unsubscribes on leaving), `async for` reads
    the messages as typed events.

        async with ws.ledger_closes() as ledgers:
            async for ledger in ledgers:
                ...
    """

    def __init__(
        self,
        hub: SubscriptionHub,
        request: StreamRequest,
        wants: Callable[[Mapping[str, Any]], bool],
        convert: Callable[[Mapping[str, Any]], E],
        *,
        max_queue: int = DEFAULT_QUEUE,
    ) -> None:
        if max_queue < 1:
            raise InvalidInput("a subscription queue holds at least one message", field="max_queue")
        self.request = request
        self.wants = wants
        self._hub = hub
        self._convert = convert
        self._queue: asyncio.Queue[Mapping[str, Any] | _End] = asyncio.Queue(max_queue)
        self._active = False
        self._ended = False
        self.initial: Mapping[str, Any] = {}
        """The subscribe answer (for the ledger stream: the latest validated ledger)."""
        self.reconnections = 0
        """Times the connection was re-established (and resubscribed) during this subscription:
        messages sent while it was down were missed."""

    async def __aenter__(self) -> Self:
        if self._active or self._ended:
            raise ClientError("a subscription is entered once")
        self._active = True
        try:
            self.initial = await self._hub.attach(self)
        except BaseException:
            self._active = False
            self._ended = True
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._active:
            self._active = False
            await self._hub.detach(self)
        self._finish(None)

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> E:
        item = await self._queue.get()
        if isinstance(item, _End):
            self._queue.put_nowait(item)  # every later read ends too
            if item.error is not None:
                raise item.error
            raise StopAsyncIteration
        return self._convert(item)

    @property
    def active(self) -> bool:
        return self._active and not self._ended

    def deliver(self, message: Mapping[str, Any]) -> None:
        """Queue a message for the consumer without waiting; a full queue ends the subscription
        with SubscriptionOverflow."""
        if self._ended:
            return
        try:
            self._queue.put_nowait(message)
        except asyncio.QueueFull:
            self._finish(SubscriptionOverflow(
                f"the consumer fell {self._queue.maxsize} messages behind; the subscription ended"
            ))

    def connection_restored(self) -> None:
        self.reconnections += 1

    def _finish(self, error: ClientError | None) -> None:
        """End the iteration: what is queued is dropped, and the next read ends (or raises)."""
        if self._ended:
            return
        self._ended = True
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(_End(error))

    def close(self, error: ClientError | None = None) -> None:
        """The client is closing: end the iteration."""
        self._finish(error)


def ledger_closed(message: Mapping[str, Any]) -> LedgerClosed:
    return LedgerClosed.from_stream(message)


def transaction_event(message: Mapping[str, Any]) -> TransactionRecord:
    return TransactionRecord.from_stream(message)
