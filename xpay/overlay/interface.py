"""The `Overlay` interface: what the node asks of the peer network, whatever the transport.

It is the part of rippled's `Overlay` + `Peer` API that consensus and ledger acquisition use —
broadcast a message to all peers (`Overlay::broadcast` / `relay`), receive messages from peers,
ask a peer for a transaction set or ledger (`TMGetLedger` / `TMLedgerData`), and list the
peers that are up — reduced to opaque payloads: the overlay never parses what the node sends.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from types import TracebackType
from typing import Protocol, Self

from xpay.overlay.endpoint import DEFAULT_REQUEST_TIMEOUT, ServeHandler
from xpay.overlay.envelope import Envelope, MessageKind
from xpay.overlay.stats import OverlayStats
from xpay.protocol.ids import NodeID


class Overlay(Protocol):
    """One node's connection to the peer network; an async context manager.

    Guarantees every transport gives:
    - every envelope out of `messages()` / `receive()` / `request()` is from another node, for
      our network, carries a valid signature of its sender, and was not seen before;
    - proposals and validations come only from the UNL;
    - memory is bounded (inbox, transport queue, replay windows, requests and handlers in
      flight), and every overflow is counted in `stats`;
    - leaving the `async with` block stops every background task and closes every socket.
    """

    @property
    def node_id(self) -> NodeID: ...

    @property
    def network_id(self) -> int: ...

    @property
    def unl(self) -> frozenset[NodeID]: ...

    @property
    def stats(self) -> OverlayStats: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def broadcast(self, kind: MessageKind, payload: bytes) -> None: ...

    def messages(self) -> AsyncIterator[Envelope]: ...

    async def receive(self) -> Envelope: ...

    async def request(
        self,
        kind: MessageKind,
        payload: bytes,
        *,
        peer: bytes | None = None,
        timeout: float = DEFAULT_REQUEST_TIMEOUT,
    ) -> Envelope: ...

    def serve(self, kind: MessageKind, handler: ServeHandler) -> None: ...

    def peers(self) -> frozenset[NodeID]: ...

    async def wait_until(self, predicate: Callable[[], bool]) -> None: ...
