"""The in-process transport: every node of one process on a shared `Hub`.

It is the embedded default of `xpay devnet` and the medium of deterministic tests: frames are
encoded, signed and verified exactly as over MQTT, but travel through the hub instead of a
broker. The hub can misbehave on purpose — delay with jitter, loss, duplication, partitions —
every choice drawn from one seeded `random.Random` that the hub owns, so a run with the same
seed and the same sends makes the same choices (the role rippled's `test/csf` network plays for
its consensus simulations).

Each node has a bounded ingress queue (the in-process analogue of aiomqtt's incoming queue);
delayed frames wait in it, ordered by due time on the event loop's clock, and a receive loop in
the node's task group hands them to its `Endpoint` when due.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import random
from collections import deque
from collections.abc import Iterable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from types import TracebackType
from typing import Final, Self

from xpay.crypto import verify as crypto_verify
from xpay.overlay.admission import Verifier
from xpay.overlay.endpoint import (
    DEFAULT_INBOX_SIZE,
    DEFAULT_MAX_HANDLERS,
    DEFAULT_MAX_PENDING,
    AnyServer,
    Broadcast,
    Endpoint,
    EndpointTransport,
    Route,
    ToPeer,
)
from xpay.overlay.envelope import MessageKind, Signer
from xpay.protocol.ids import NodeID

DEFAULT_INGRESS_SIZE: Final = 10_000
_BATCH: Final = 256
"""Frames handled per turn of the receive loop before it yields to other tasks."""


@dataclass(frozen=True, slots=True)
class LinkFaults:
    """How the hub mistreats each frame on its way to each receiver.

    delay_ms + a uniform draw in [0, jitter_ms] is the delay (so `delay_ms` is the minimum and
    jitter reorders); `loss` is the probability a frame to one receiver vanishes; `duplicate`
    the probability it arrives twice (the copy with its own delay draw).
    """

    delay_ms: float = 0.0
    jitter_ms: float = 0.0
    loss: float = 0.0
    duplicate: float = 0.0

    def __post_init__(self) -> None:
        if self.delay_ms < 0 or self.jitter_ms < 0:
            raise ValueError("delay and jitter are non-negative")
        if not (0.0 <= self.loss <= 1.0 and 0.0 <= self.duplicate <= 1.0):
            raise ValueError("loss and duplicate are probabilities in [0, 1]")


@dataclass(slots=True)
class HubStats:
    """What the hub did to frames, per receiver."""

    delivered: int = 0
    lost: int = 0
    duplicated: int = 0
    blocked: int = 0
    """Dropped because sender and receiver were on different sides of a partition."""
    injected: int = 0


class Hub:
    """The shared medium of the nodes of one process."""

    def __init__(self, *, seed: int = 0, faults: LinkFaults | None = None) -> None:
        self.rng = random.Random(seed)
        self.faults = faults if faults is not None else LinkFaults()
        self.stats = HubStats()
        self._nodes: dict[NodeID, InProcessOverlay] = {}
        self._group_of: dict[NodeID, int] | None = None

    # -- knobs -----------------------------------------------------------------------------

    def set_faults(self, faults: LinkFaults) -> None:
        self.faults = faults

    def partition(self, *groups: Iterable[bytes]) -> None:
        """Split the network: nodes in different groups cannot reach each other. Nodes named
        in no group form one more group together. Frames sent across the cut are dropped (and
        counted as blocked), not held: a partition loses traffic, as a cut link does."""
        group_of: dict[NodeID, int] = {}
        for index, group in enumerate(groups):
            for node in group:
                node_id = NodeID(bytes(node))
                if node_id in group_of:
                    raise ValueError(f"node {node_id.hex()} is in two partition groups")
                group_of[node_id] = index
        self._group_of = group_of
        self._notify_all()

    def heal(self) -> None:
        """Remove the partition."""
        self._group_of = None
        self._notify_all()

    def can_reach(self, a: bytes, b: bytes) -> bool:
        if self._group_of is None:
            return True
        rest = -1
        return self._group_of.get(NodeID(a), rest) == self._group_of.get(NodeID(b), rest)

    def attached(self) -> frozenset[NodeID]:
        return frozenset(self._nodes)

    def overlay(
        self,
        signer: Signer,
        *,
        unl: Iterable[bytes],
        verify: Verifier = crypto_verify,
        network_id: int = 0,
        inbox_size: int = DEFAULT_INBOX_SIZE,
        ingress_size: int = DEFAULT_INGRESS_SIZE,
        max_handlers: int = DEFAULT_MAX_HANDLERS,
        max_pending: int = DEFAULT_MAX_PENDING,
        first_sequence: int | None = None,
    ) -> InProcessOverlay:
        """A node's overlay on this hub; it joins the hub when its `async with` is entered."""
        return InProcessOverlay(
            self,
            signer,
            unl=unl,
            verify=verify,
            network_id=network_id,
            inbox_size=inbox_size,
            ingress_size=ingress_size,
            max_handlers=max_handlers,
            max_pending=max_pending,
            first_sequence=first_sequence,
        )

    def inject(self, wire: bytes, *, to: bytes | None = None) -> int:
        """Put raw bytes on the medium, bypassing signing and faults: a Byzantine peer's tool
        (forged, tampered, replayed or garbage frames). Returns how many nodes got them."""
        targets = [self._nodes[NodeID(bytes(to))]] if to is not None else self._in_order()
        for node in targets:
            node._enqueue(bytes(wire), None)
            self.stats.injected += 1
        return len(targets)

    # -- the medium ------------------------------------------------------------------------

    def _attach(self, node: InProcessOverlay) -> None:
        if node.node_id in self._nodes:
            raise ValueError(f"node {node.node_id.hex()} is already on this hub")
        self._nodes[node.node_id] = node
        self._notify_all()

    def _detach(self, node: InProcessOverlay) -> None:
        if self._nodes.get(node.node_id) is node:
            del self._nodes[node.node_id]
        self._notify_all()
        node._endpoint.monitor.notify()

    def _notify_all(self) -> None:
        for node in self._nodes.values():
            node._endpoint.monitor.notify()

    def _in_order(self) -> list[InProcessOverlay]:
        # Sorted by node id, not insertion: the RNG draws per receiver must not depend on the
        # order in which nodes happened to start.
        return [self._nodes[n] for n in sorted(self._nodes)]

    def _reachable_peers(self, node_id: NodeID) -> frozenset[NodeID]:
        return frozenset(n for n in self._nodes if n != node_id and self.can_reach(node_id, n))

    def _route(self, sender: NodeID, route: Route, wire: bytes) -> bool:
        match route:
            case Broadcast() | AnyServer():
                for node in self._in_order():
                    if node.node_id != sender:
                        self._carry(sender, node, wire)
            case ToPeer(node_id=target):
                receiver = self._nodes.get(target)
                if receiver is not None:
                    self._carry(sender, receiver, wire)
        return True

    def _carry(self, sender: NodeID, receiver: InProcessOverlay, wire: bytes) -> None:
        if not self.can_reach(sender, receiver.node_id):
            self.stats.blocked += 1
            return
        faults = self.faults
        rng = self.rng
        if faults.loss and rng.random() < faults.loss:
            self.stats.lost += 1
            return
        copies = 2 if faults.duplicate and rng.random() < faults.duplicate else 1
        if copies == 2:
            self.stats.duplicated += 1
        for _ in range(copies):
            receiver._enqueue(wire, self._due(faults, rng))
            self.stats.delivered += 1

    @staticmethod
    def _due(faults: LinkFaults, rng: random.Random) -> float | None:
        if not faults.delay_ms and not faults.jitter_ms:
            return None
        delay_ms = faults.delay_ms + (rng.uniform(0.0, faults.jitter_ms) if faults.jitter_ms else 0.0)
        return asyncio.get_running_loop().time() + delay_ms / 1000.0


class InProcessOverlay(EndpointTransport):
    """One node's `Overlay` on a `Hub`."""

    def __init__(
        self,
        hub: Hub,
        signer: Signer,
        *,
        unl: Iterable[bytes],
        verify: Verifier = crypto_verify,
        network_id: int = 0,
        inbox_size: int = DEFAULT_INBOX_SIZE,
        ingress_size: int = DEFAULT_INGRESS_SIZE,
        max_handlers: int = DEFAULT_MAX_HANDLERS,
        max_pending: int = DEFAULT_MAX_PENDING,
        first_sequence: int | None = None,
    ) -> None:
        self._hub = hub
        self._endpoint = Endpoint(
            signer=signer,
            network_id=network_id,
            unl=unl,
            verify=verify,
            link=self,
            inbox_size=inbox_size,
            max_handlers=max_handlers,
            max_pending=max_pending,
            first_sequence=first_sequence,
        )
        if ingress_size < 1:
            raise ValueError("the ingress queue holds at least one frame")
        self._ingress_size = ingress_size
        self._ready: deque[bytes] = deque()
        self._delayed: list[tuple[float, int, bytes]] = []
        self._tiebreak = itertools.count()
        self._wake = asyncio.Event()
        self._stack: AsyncExitStack | None = None
        self._receiver: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Self:
        if self._stack is not None:
            raise RuntimeError("this overlay is already running")
        self._hub._attach(self)  # first: it refuses a node id already on the hub
        stack = AsyncExitStack()
        task_group = await stack.enter_async_context(asyncio.TaskGroup())
        self._endpoint.start(task_group)
        self._receiver = task_group.create_task(
            self._receive_loop(), name=f"overlay-receive-{self.node_id.hex()[:10]}"
        )
        self._stack = stack
        self._endpoint.stats.connects += 1
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        stack, self._stack = self._stack, None
        if stack is None:
            return
        self._hub._detach(self)
        self._endpoint.stats.disconnects += 1
        self._endpoint.close()
        if self._receiver is not None:
            self._receiver.cancel()
        await stack.aclose()

    def peers(self) -> frozenset[NodeID]:
        """The other nodes on the hub that this node can reach now (a partition hides some)."""
        if self._hub._nodes.get(self.node_id) is not self:
            return frozenset()
        return self._hub._reachable_peers(self.node_id)

    async def transmit(self, route: Route, kind: MessageKind, wire: bytes) -> bool:
        if self._hub._nodes.get(self.node_id) is not self:
            return False
        return self._hub._route(self.node_id, route, wire)

    # -- ingress ---------------------------------------------------------------------------

    def _enqueue(self, wire: bytes, due: float | None) -> None:
        if len(self._ready) + len(self._delayed) >= self._ingress_size:
            # Drop the oldest, as the inbox does: the newest traffic is the most useful.
            self._endpoint.stats.ingress_overflow += 1
            if self._ready:
                self._ready.popleft()
            else:
                heapq.heappop(self._delayed)
        if due is None:
            self._ready.append(wire)
        else:
            heapq.heappush(self._delayed, (due, next(self._tiebreak), wire))
        self._wake.set()

    async def _receive_loop(self) -> None:
        loop = asyncio.get_running_loop()
        ready, delayed = self._ready, self._delayed
        while True:
            now = loop.time()
            while delayed and delayed[0][0] <= now:
                ready.append(heapq.heappop(delayed)[2])
            if ready:
                for _ in range(min(len(ready), _BATCH)):
                    self._endpoint.deliver(ready.popleft())
                await asyncio.sleep(0)
                continue
            self._wake.clear()
            if delayed:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout_at(delayed[0][0]):
                        await self._wake.wait()
            else:
                await self._wake.wait()
