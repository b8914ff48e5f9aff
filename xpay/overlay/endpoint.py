"""One node's end of the overlay, whatever moves the bytes.

Both transports (the in-process hub and MQTT) hand raw frames to an `Endpoint` and give it a
`Link` to send through; everything else is here, once: sealing frames with the node key and a
per-sender sequence, admission of incoming frames (see `admission`), the bounded inbox, request
/ reply matching, and running `serve()` handlers. This mirrors how rippled splits `OverlayImpl`
(peers, relaying, squelching) from `PeerImp` (per-message checks and handlers), except that the
"peer" of an xpay node is the broker or hub, so all per-message work happens at the node.

Sequences: rippled's proposals carry a `proposeSeq` and validations a ledger sequence; xpay
gives every frame a per-sender sequence so that receivers can drop duplicates without hashing
payloads. A node starts its sequence from the wall clock in nanoseconds, so a restarted node
continues above every sequence it used before and peers do not take its new frames for replays.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Final, Protocol

from xpay.crypto import verify as crypto_verify
from xpay.overlay.admission import Admission, Verifier
from xpay.overlay.envelope import REPLY_KIND, Envelope, MessageKind, ReplyTo, Signer, seal
from xpay.overlay.errors import OverlayClosed, OverlayError, RequestTimeout, TooManyRequests
from xpay.overlay.inbox import Inbox
from xpay.overlay.stats import Monitor, OverlayStats
from xpay.protocol.ids import NodeID

logger = logging.getLogger(__name__)

ServeHandler = Callable[[Envelope], "Awaitable[bytes | None] | bytes | None"]
"""Answers one request: the reply payload, or None to stay silent (another node may answer)."""

DEFAULT_INBOX_SIZE: Final = 10_000
DEFAULT_MAX_HANDLERS: Final = 64
DEFAULT_MAX_PENDING: Final = 1024
DEFAULT_REQUEST_TIMEOUT: Final = 5.0
_NOT_BROADCAST: Final = frozenset({*REPLY_KIND, MessageKind.PRESENCE})


@dataclass(frozen=True, slots=True)
class Broadcast:
    """To every node on the network."""


@dataclass(frozen=True, slots=True)
class AnyServer:
    """A request for whichever node answers first."""


@dataclass(frozen=True, slots=True)
class ToPeer:
    """To one node: a request for it, or a reply to it."""

    node_id: NodeID


Route = Broadcast | AnyServer | ToPeer
BROADCAST: Final = Broadcast()
ANY_SERVER: Final = AnyServer()


class Link(Protocol):
    """What a transport gives its endpoint: a way to send one frame somewhere."""

    async def transmit(self, route: Route, kind: MessageKind, wire: bytes) -> bool:
        """Hand a frame to the medium; False if it could not (counted as send_failed)."""
        ...


@dataclass(slots=True)
class _Pending:
    future: asyncio.Future[Envelope]
    reply_kind: MessageKind
    peer: NodeID | None


class MessageStream:
    """`async for envelope in overlay.messages()`: verified envelopes from others, in arrival
    order, until the overlay closes."""

    __slots__ = ("_inbox",)

    def __init__(self, inbox: Inbox[Envelope]) -> None:
        self._inbox = inbox

    def __aiter__(self) -> AsyncIterator[Envelope]:
        return self

    async def __anext__(self) -> Envelope:
        try:
            return await self._inbox.get()
        except OverlayClosed:
            raise StopAsyncIteration from None


class Endpoint:
    """Seals, admits, queues and matches frames for one node; transports move the bytes."""

    def __init__(
        self,
        *,
        signer: Signer,
        network_id: int,
        unl: Iterable[bytes],
        verify: Verifier = crypto_verify,
        link: Link,
        inbox_size: int = DEFAULT_INBOX_SIZE,
        max_handlers: int = DEFAULT_MAX_HANDLERS,
        max_pending: int = DEFAULT_MAX_PENDING,
        first_sequence: int | None = None,
    ) -> None:
        self._signer = signer
        self.node_id = NodeID(bytes(signer.node_id))
        self.network_id = network_id
        self.stats = OverlayStats()
        self.monitor = Monitor()
        self._link = link
        self._admission = Admission(
            network_id=network_id, own_id=self.node_id, unl=unl, verify=verify, stats=self.stats
        )
        self._inbox: Inbox[Envelope] = Inbox(inbox_size, self._count_queue_overflow)
        self._sequence = time.time_ns() if first_sequence is None else first_sequence - 1
        self._handlers: dict[MessageKind, ServeHandler] = {}
        self._pending: dict[int, _Pending] = {}
        self._max_pending = max_pending
        self._max_handlers = max_handlers
        self._handler_tasks: set[asyncio.Task[None]] = set()
        self._task_group: asyncio.TaskGroup | None = None
        self._closed = False

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, task_group: asyncio.TaskGroup) -> None:
        """Run `serve()` handlers in the transport's task group from now on."""
        self._task_group = task_group

    def close(self) -> None:
        """Stop handlers, fail requests in flight with `OverlayClosed`, end `messages()`."""
        self._closed = True
        for task in list(self._handler_tasks):
            task.cancel()
        for pending in self._pending.values():
            if not pending.future.done():
                pending.future.set_exception(OverlayClosed("the overlay was closed"))
        self._inbox.close()
        self.monitor.notify()

    @property
    def unl(self) -> frozenset[NodeID]:
        return self._admission.unl

    # -- sending ---------------------------------------------------------------------------

    def seal(
        self, kind: MessageKind, payload: bytes, reply_to: ReplyTo | None = None
    ) -> tuple[Envelope, bytes]:
        """Sign a frame with the next sequence; the envelope and its wire form."""
        self._sequence += 1
        return seal(
            self._signer,
            network_id=self.network_id,
            kind=kind,
            sequence=self._sequence,
            payload=payload,
            reply_to=reply_to,
        )

    async def transmit(self, route: Route, kind: MessageKind, wire: bytes) -> bool:
        if self._closed:
            raise OverlayClosed("the overlay was closed")
        ok = await self._link.transmit(route, kind, wire)
        if ok:
            self.stats.sent += 1
        else:
            self.stats.send_failed += 1
        self.monitor.notify()
        return ok

    async def broadcast(self, kind: MessageKind, payload: bytes) -> None:
        if kind in _NOT_BROADCAST:
            raise ValueError(f"{kind.name} is not broadcast: use request() / the transport")
        _, wire = self.seal(kind, payload)
        await self.transmit(BROADCAST, kind, wire)

    async def request(
        self,
        kind: MessageKind,
        payload: bytes,
        *,
        peer: bytes | None = None,
        timeout: float = DEFAULT_REQUEST_TIMEOUT,
    ) -> Envelope:
        reply_kind = REPLY_KIND.get(kind)
        if reply_kind is None:
            raise ValueError(f"{kind.name} is not a request kind ({', '.join(k.name for k in REPLY_KIND)})")
        if len(self._pending) >= self._max_pending:
            raise TooManyRequests(f"{len(self._pending)} requests already in flight")
        target = None if peer is None else NodeID(bytes(peer))
        if target == self.node_id:
            raise ValueError("a node cannot request from itself")
        envelope, wire = self.seal(kind, payload)
        future: asyncio.Future[Envelope] = asyncio.get_running_loop().create_future()
        self._pending[envelope.sequence] = _Pending(future, reply_kind, target)
        try:
            async with asyncio.timeout(timeout):
                await self.transmit(ANY_SERVER if target is None else ToPeer(target), kind, wire)
                return await future
        except TimeoutError:
            who = "any peer" if target is None else f"peer {target.hex()}"
            raise RequestTimeout(
                f"no {reply_kind.name} reply to {kind.name} #{envelope.sequence} from {who} "
                f"within {timeout} s"
            ) from None
        finally:
            del self._pending[envelope.sequence]

    def serve(self, kind: MessageKind, handler: ServeHandler) -> None:
        if kind not in REPLY_KIND:
            raise ValueError(f"{kind.name} is not a request kind")
        self._handlers[kind] = handler

    def serves(self, kind: MessageKind) -> bool:
        return kind in self._handlers

    # -- receiving -------------------------------------------------------------------------

    def deliver(self, wire: bytes) -> None:
        """One raw frame from the medium: admit it, then queue it, answer it, or match it."""
        envelope = self._admission.admit(wire)
        if envelope is not None and not self._closed:
            self.stats.received += 1
            if envelope.reply_to is not None:
                self._on_reply(envelope)
            elif envelope.kind in REPLY_KIND:
                self._on_request(envelope)
            elif envelope.kind is MessageKind.PRESENCE:
                # Presence has its own topic and ordering; on any other path it is noise.
                self.stats.dropped_malformed += 1
            else:
                self._inbox.put(envelope)
        self.monitor.notify()

    def admit_unordered(self, wire: bytes) -> Envelope | None:
        """Admission without de-duplication, for presence frames (latest sequence wins)."""
        envelope = self._admission.admit(wire, deduplicate=False)
        self.monitor.notify()
        return envelope

    def messages(self) -> MessageStream:
        return MessageStream(self._inbox)

    async def receive(self) -> Envelope:
        return await self._inbox.get()

    def _count_queue_overflow(self) -> None:
        self.stats.queue_overflow += 1

    def _on_reply(self, envelope: Envelope) -> None:
        reply_to = envelope.reply_to
        assert reply_to is not None
        pending = self._pending.get(reply_to.sequence) if reply_to.requester == self.node_id else None
        if (
            pending is None
            or pending.future.done()
            or envelope.kind is not pending.reply_kind
            or (pending.peer is not None and envelope.sender != pending.peer)
        ):
            self.stats.replies_unmatched += 1
            return
        pending.future.set_result(envelope)

    def _on_request(self, envelope: Envelope) -> None:
        handler = self._handlers.get(envelope.kind)
        if handler is None or self._task_group is None:
            self.stats.requests_unserved += 1
            return
        if len(self._handler_tasks) >= self._max_handlers:
            self.stats.requests_shed += 1
            return
        task = self._task_group.create_task(self._answer(handler, envelope))
        self._handler_tasks.add(task)
        task.add_done_callback(self._handler_tasks.discard)

    async def _answer(self, handler: ServeHandler, request: Envelope) -> None:
        try:
            result = handler(request)
            if inspect.isawaitable(result):
                result = await result
        except Exception:
            # A handler bug must not take the overlay (and the node's consensus) down with it:
            # the request goes unanswered, as if the node did not have the data.
            logger.exception("serve() handler for %s raised", request.kind.name)
            self.stats.handler_errors += 1
            self.monitor.notify()
            return
        if result is None:
            return
        reply_kind = REPLY_KIND[request.kind]
        _, wire = self.seal(
            reply_kind, bytes(result), ReplyTo(request.sender, request.sequence)
        )
        self.stats.requests_served += 1
        try:
            await self.transmit(ToPeer(request.sender), reply_kind, wire)
        except OverlayError:
            return


class EndpointTransport:
    """The half of the `Overlay` interface every transport shares: it all goes to the
    transport's `Endpoint`. A transport adds `__aenter__` / `__aexit__`, `peers()` and
    `transmit()` (its `Link`)."""

    _endpoint: Endpoint

    @property
    def node_id(self) -> NodeID:
        return self._endpoint.node_id

    @property
    def network_id(self) -> int:
        return self._endpoint.network_id

    @property
    def unl(self) -> frozenset[NodeID]:
        return self._endpoint.unl

    @property
    def stats(self) -> OverlayStats:
        return self._endpoint.stats

    async def broadcast(self, kind: MessageKind, payload: bytes) -> None:
        """Send to every other node (never delivered back to us)."""
        await self._endpoint.broadcast(kind, payload)

    def messages(self) -> MessageStream:
        """Verified envelopes from other nodes, oldest first, until the overlay closes."""
        return self._endpoint.messages()

    async def receive(self) -> Envelope:
        """The next verified envelope from another node (`OverlayClosed` once closed)."""
        return await self._endpoint.receive()

    async def request(
        self,
        kind: MessageKind,
        payload: bytes,
        *,
        peer: bytes | None = None,
        timeout: float = DEFAULT_REQUEST_TIMEOUT,
    ) -> Envelope:
        """Ask one peer (or any node that serves `kind`) and return the first reply;
        `RequestTimeout` if none comes within `timeout` seconds."""
        return await self._endpoint.request(kind, payload, peer=peer, timeout=timeout)

    def serve(self, kind: MessageKind, handler: ServeHandler) -> None:
        """Answer requests of `kind` with `handler` (sync or async; None means no answer)."""
        self._endpoint.serve(kind, handler)

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        """Return once `predicate()` holds; re-checked whenever counters or peers change."""
        await self._endpoint.monitor.wait_until(predicate)
