"""WebSocketClient: the API over one WebSocket, as rippled serves it, with streams.

Requests carry an `id` and the answer with the same id completes them (`{"id", "status",
"type": "response", "result"}`, or rippled's error fields at the top level), so many requests can
be in flight at once. Stream messages (`ledgerClosed`, `transaction`) arrive on the same socket and
go to the subscriptions that want them (xpay.client.subscriptions).

When the connection drops, the requests in flight fail with ConnectionLost (a submission among them
may or may not have reached the node), and the client reconnects with exponential backoff,
forever, until it is closed; new requests wait for the connection, within their timeout. On
reconnecting it subscribes again to everything its live subscriptions need.

    async with WebSocketClient("ws://127.0.0.1:5005") as ws:
        async with ws.ledger_closes() as ledgers:
            async for ledger in ledgers:
                ...

One task reads the socket; it lives in the client's TaskGroup, with the resubscription tasks.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, Self

import aiohttp
import orjson

from xpay.client.amount import account_id
from xpay.client.autofill import AutofillPolicy
from xpay.client.errors import (
    ClientError,
    ConnectionLost,
    InvalidInput,
    RPCError,
    UnexpectedResponse,
)
from xpay.client.methods import API_VERSION, DEFAULT_POLL_INTERVAL, APIMethods
from xpay.client.reliable_submission import ValidatedLedgers
from xpay.client.results import LedgerClosed, TransactionRecord
from xpay.client.subscriptions import (
    DEFAULT_QUEUE,
    Book,
    StreamRequest,
    Subscription,
    ledger_closed,
    request_for_keys,
    transaction_event,
    wants_accounts,
    wants_books,
    wants_ledgers,
    wants_transactions,
)

_log = logging.getLogger(__name__)

DEFAULT_REQUEST_TIMEOUT: Final = 30.0
DEFAULT_MAX_IN_FLIGHT: Final = 256
"""Requests one client may have waiting for an answer at once (more wait their turn)."""
DEFAULT_HEARTBEAT: Final = 20.0
"""Seconds between WebSocket pings; a pong missing for half that long drops the connection, so a
dead link is noticed (and reconnected) without waiting for a request to time out."""
MAX_MESSAGE_BYTES: Final = 64 << 20
"""Largest message accepted from the node (a `ledger` with every transaction expanded is big)."""


@dataclass(frozen=True, slots=True)
class Backoff:
    """Reconnection delays: `initial`, multiplied by `factor` after each failure up to `maximum`,
    each spread by ±`jitter` so that many clients do not reconnect in step."""

    initial: float = 0.05
    maximum: float = 5.0
    factor: float = 2.0
    jitter: float = 0.1

    def __post_init__(self) -> None:
        if not (0 < self.initial <= self.maximum and self.factor >= 1 and 0 <= self.jitter < 1):
            raise InvalidInput("backoff needs 0 < initial <= maximum, factor >= 1, 0 <= jitter < 1")

    def delays(self) -> Iterator[float]:
        delay = self.initial
        while True:
            yield delay * (1 + random.uniform(-self.jitter, self.jitter))
            delay = min(delay * self.factor, self.maximum)


class WebSocketClient(APIMethods):
    """rippled's WebSocket API, typed (see APIMethods for the methods), with subscriptions."""

    def __init__(
        self,
        url: str,
        *,
        api_version: int = API_VERSION,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        backoff: Backoff | None = None,
        subscription_queue: int = DEFAULT_QUEUE,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        heartbeat: float | None = DEFAULT_HEARTBEAT,
        admin_token: str | None = None,
        autofill_policy: AutofillPolicy | None = None,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
    ) -> None:
        super().__init__(api_version=api_version, autofill_policy=autofill_policy, poll_interval=poll_interval)
        self.url = url
        self.request_timeout = request_timeout
        self.backoff = backoff or Backoff()
        self.subscription_queue = subscription_queue
        self.heartbeat = heartbeat
        self.reconnections = 0
        """Times the connection was lost and re-established."""
        self._headers = {} if admin_token is None else {"Authorization": f"Bearer {admin_token}"}
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._subscriptions: list[Subscription[Any]] = []
        self._server_keys: Counter[tuple[str, Any]] = Counter()
        self._connected = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._group: asyncio.TaskGroup | None = None
        self._reader: asyncio.Task[None] | None = None
        self._closing = False

    # --- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise ClientError("this WebSocketClient is already open")
        self._closing = False
        self._session = aiohttp.ClientSession()
        try:
            self._ws = await self._connect()
        except BaseException:
            await self._session.close()
            self._session = None
            raise
        self._connected.set()
        self._group = asyncio.TaskGroup()
        await self._group.__aenter__()
        self._reader = self._group.create_task(self._read_forever(), name=f"xpay-ws-reader {self.url}")
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._closing = True
        self._connected.clear()
        if self._reader is not None:
            self._reader.cancel()
        if self._ws is not None:
            await self._ws.close()
        try:
            if self._group is not None:
                await self._group.__aexit__(None, None, None)
        finally:
            self._fail_pending(ConnectionLost("the client was closed"))
            self._connected.set()  # wake requests waiting for a connection: they find it closed
            for subscription in self._subscriptions:
                subscription.close()
            self._subscriptions.clear()
            self._server_keys.clear()
            if self._session is not None:
                await self._session.close()
            self._group = self._reader = self._ws = self._session = None

    @property
    def connected(self) -> bool:
        return self._connected.is_set() and not self._closing

    async def _connect(self) -> aiohttp.ClientWebSocketResponse:
        assert self._session is not None
        try:
            return await self._session.ws_connect(
                self.url,
                headers=self._headers,
                max_msg_size=MAX_MESSAGE_BYTES,
                timeout=aiohttp.ClientWSTimeout(ws_close=self.request_timeout),
                heartbeat=self.heartbeat,
            )
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise ConnectionLost(f"{self.url} unreachable: {error or type(error).__name__}") from error

    async def _read_forever(self) -> None:
        """Read messages; on a lost connection, reconnect with backoff and resubscribe."""
        while True:
            ws = self._ws
            assert ws is not None
            try:
                await self._read(ws)
            except (aiohttp.ClientError, OSError) as error:
                _log.info("WebSocket %s failed: %s", self.url, error)
            self._connected.clear()
            self._fail_pending(ConnectionLost(f"the connection to {self.url} was lost"))
            if self._closing:
                return
            await ws.close()
            self._ws = await self._reconnect()
            self.reconnections += 1
            self._forget_server()
            self._connected.set()
            for subscription in self._subscriptions:
                subscription.connection_restored()
            keys = list(self._server_keys)
            if keys and self._group is not None:
                self._group.create_task(self._resubscribe(keys), name=f"xpay-ws-resubscribe {self.url}")

    async def _reconnect(self) -> aiohttp.ClientWebSocketResponse:
        for delay in self.backoff.delays():
            await asyncio.sleep(delay)
            try:
                ws = await self._connect()
            except ConnectionLost as error:
                _log.debug("reconnecting to %s: %s", self.url, error)
                continue
            _log.info("reconnected to %s", self.url)
            return ws
        raise AssertionError("backoff delays never end")

    async def _resubscribe(self, keys: list[tuple[str, Any]]) -> None:
        try:
            await self.request("subscribe", request_for_keys(keys).params())
        except ConnectionLost:
            pass  # the next reconnection resubscribes again
        except (RPCError, TimeoutError) as error:
            _log.error("resubscribing on %s failed: %s", self.url, error)

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            if message.type is aiohttp.WSMsgType.TEXT:
                try:
                    data = orjson.loads(message.data)
                except orjson.JSONDecodeError:
                    _log.warning("ignoring a message from %s that is not JSON", self.url)
                    continue
                if isinstance(data, dict):
                    self._dispatch(data)
            elif message.type is aiohttp.WSMsgType.ERROR:
                return

    def _dispatch(self, data: dict[str, Any]) -> None:
        if data.get("type") == "response" or ("id" in data and "status" in data):
            future = self._pending.get(data.get("id"))  # type: ignore[arg-type]
            if future is not None and not future.done():
                future.set_result(data)
            return
        for subscription in self._subscriptions:
            if subscription.wants(data):
                subscription.deliver(data)

    def _fail_pending(self, error: ConnectionLost) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(error)
        self._pending.clear()

    # --- requests ----------------------------------------------------------------------------

    async def request(self, method: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        if self._session is None or self._closing:
            raise ClientError("use the client inside `async with WebSocketClient(url) as ws:`")
        request_id = next(self._ids)
        message = {**(params or {}), "id": request_id, "command": method, "api_version": self.api_version}
        try:
            async with asyncio.timeout(self.request_timeout), self._in_flight:
                await self._connected.wait()
                ws = self._ws
                if self._closing or ws is None:
                    raise ClientError("the client was closed")
                future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
                self._pending[request_id] = future
                try:
                    await ws.send_str(orjson.dumps(message).decode())
                    answer = await future
                finally:
                    self._pending.pop(request_id, None)
        except TimeoutError:
            raise ConnectionLost(f"{method}: no answer from {self.url} within {self.request_timeout} s") from None
        except (aiohttp.ClientError, ConnectionResetError) as error:
            raise ConnectionLost(f"{method}: {error}") from error
        if answer.get("status") == "error" or "error" in answer:
            raise RPCError.from_result(answer, method=method)
        result = answer.get("result")
        if not isinstance(result, dict):
            raise UnexpectedResponse(f"{method}: no result object in {answer!r:.200}")
        return result

    # --- subscriptions -----------------------------------------------------------------------

    def ledger_closes(self) -> Subscription[LedgerClosed]:
        """The `ledger` stream: one LedgerClosed per validated ledger."""
        return Subscription(self, StreamRequest(streams=("ledger",)), wants_ledgers, ledger_closed,
                            max_queue=self.subscription_queue)

    def transactions(self) -> Subscription[TransactionRecord]:
        """The `transactions` stream: every transaction of every validated ledger."""
        return Subscription(self, StreamRequest(streams=("transactions",)), wants_transactions,
                            transaction_event, max_queue=self.subscription_queue)

    def account_transactions(self, *accounts: str) -> Subscription[TransactionRecord]:
        """Validated transactions that affect any of `accounts` (rippled's `accounts`)."""
        if not accounts:
            raise InvalidInput("name at least one account", field="accounts")
        for address in accounts:
            account_id(address, field="accounts")
        return Subscription(self, StreamRequest(accounts=tuple(accounts)), wants_accounts(frozenset(accounts)),
                            transaction_event, max_queue=self.subscription_queue)

    def book_changes(self, *books: Book) -> Subscription[TransactionRecord]:
        """Validated transactions that change the offers of any of `books` (rippled's `books`)."""
        if not books or not all(isinstance(book, Book) for book in books):
            raise InvalidInput("name at least one Book", field="books")
        return Subscription(self, StreamRequest(books=tuple(books)), wants_books(tuple(books)),
                            transaction_event, max_queue=self.subscription_queue)

    async def attach(self, subscription: Subscription[Any]) -> Mapping[str, Any]:
        """Start routing to `subscription`, and subscribe on the server (called by `async with`)."""
        self._subscriptions.append(subscription)
        keys = subscription.request.server_keys()
        self._server_keys.update(keys)
        try:
            return await self.request("subscribe", subscription.request.params())
        except BaseException:
            await self.detach(subscription)
            raise

    async def detach(self, subscription: Subscription[Any]) -> None:
        """Stop routing to `subscription`, and unsubscribe what nobody needs any more."""
        if subscription not in self._subscriptions:
            return
        self._subscriptions.remove(subscription)
        unneeded = []
        for key in subscription.request.server_keys():
            self._server_keys[key] -= 1
            if self._server_keys[key] <= 0:
                del self._server_keys[key]
                unneeded.append(key)
        if unneeded and self.connected and not self._closing:
            # Best effort: if the connection is down the server has forgotten it anyway.
            with contextlib.suppress(ConnectionLost, RPCError):
                await self.request("unsubscribe", request_for_keys(unneeded).params())

    # --- following validated ledgers ---------------------------------------------------------

    def watch_validated_ledgers(self) -> AbstractAsyncContextManager[ValidatedLedgers]:
        """Follow the `ledger` stream (rippled publishes it for validated ledgers)."""
        return _stream_watch(self)


class _StreamedLedgers:
    def __init__(self, client: WebSocketClient, subscription: Subscription[LedgerClosed]) -> None:
        self._client = client
        self._subscription = subscription
        self._newest = 0

    async def latest(self) -> int:
        initial = self._subscription.initial.get("ledger_index")
        if isinstance(initial, int) and not isinstance(initial, bool):
            self._newest = max(self._newest, initial)
            return self._newest
        return await self._client.validated_ledger_index()

    async def wait_beyond(self, index: int) -> int:
        while self._newest <= index:
            reconnections = self._subscription.reconnections
            try:
                async with asyncio.timeout(self._client.request_timeout):
                    ledger = await anext(self._subscription)
            except TimeoutError:
                pass  # a quiet stream: ask below
            except StopAsyncIteration:
                raise ConnectionLost("the client was closed") from None
            else:
                self._newest = max(self._newest, ledger.ledger_index)
                if self._subscription.reconnections == reconnections:
                    continue
            # Ledgers may have been validated while the connection was down, or the stream is
            # quiet: ask the server which is the newest.
            self._newest = max(self._newest, await self._client.validated_ledger_index())
        return self._newest


@asynccontextmanager
async def _stream_watch(client: WebSocketClient) -> AsyncIterator[ValidatedLedgers]:
    async with client.ledger_closes() as ledgers:
        yield _StreamedLedgers(client, ledgers)
