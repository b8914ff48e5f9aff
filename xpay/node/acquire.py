"""Fetching what the consensus round names but this node does not hold: candidate transaction
sets and ledgers (rippled's ``InboundTransactions`` / ``TransactionAcquire`` and
``InboundLedgers`` / ``InboundLedger``).

The consensus core asks synchronously (``acquire_tx_set``, ``acquire_ledger``) and must get an
answer at once: the adaptor answers from what it holds and otherwise calls ``want()`` here, which
only records the wish. The fetching runs in the validator's task group (``run()``), asks a peer
over the overlay, checks what comes back against the hash that was asked for, and hands the
result over through a callback; the core sees it on its next call (tx sets are pushed to
``Consensus.got_tx_set`` by that callback).

Ledgers: a ledger is rebuilt on its parent from its transactions (replay), so acquiring ledger N
when we hold N-k means fetching N, N-1, ... down to a ledger we hold, then replaying upwards —
each step proven by the child's parent hash. A node more than ``max_replay`` ledgers behind, or
one whose replay does not reproduce the hash, asks for a state snapshot instead. Requests go
first to the peer that told us about the ledger (its validation or proposal named it), then to
whoever answers. A wish that cannot be met is dropped after a few attempts and may be made again
after ``retry_after``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from xpay.node.consensus_ledger import RCLCxLedger
from xpay.node.ledger_replay import LedgerMismatch, ledger_from_snapshot, replay_ledger
from xpay.node.peer_messages import (
    LedgerData,
    LedgerMode,
    PeerMessageError,
    decode_ledger_data,
    decode_tx_set,
    encode_get_ledger,
    encode_get_tx_set,
)
from xpay.node.tx_set import RCLTxSet
from xpay.overlay import MessageKind, Overlay, OverlayError
from xpay.protocol.ids import Hash256, NodeID
from xpay.tx.rules import Rules

_log = logging.getLogger(__name__)
Log = logging.Logger | logging.LoggerAdapter  # type: ignore[type-arg]

TX_SET_TIMEOUT: Final = 0.5
LEDGER_TIMEOUT: Final = 2.0
SNAPSHOT_TIMEOUT: Final = 10.0
ATTEMPTS: Final = 4
MAX_WANTED: Final = 512
TX_SET_WORKERS: Final = 4


@dataclass(slots=True)
class AcquireStats:
    requested: int = 0
    acquired: int = 0
    failed: int = 0
    """Fetches given up after every attempt."""
    bad_replies: int = 0
    """Replies that did not check out against the hash asked for."""
    snapshots: int = 0
    replayed: int = 0


class _Wishes:
    """Things wanted, each once, with when it was last given up on (bounded)."""

    def __init__(self, retry_after: float) -> None:
        self.queue: asyncio.Queue[Hash256] = asyncio.Queue(MAX_WANTED)
        self.sources: dict[Hash256, NodeID | None] = {}
        self._given_up: OrderedDict[Hash256, float] = OrderedDict()
        self._retry_after = retry_after

    def want(self, item: Hash256, source: NodeID | None) -> bool:
        if item in self.sources:
            if source is not None and self.sources[item] is None:
                self.sources[item] = source
            return False
        given_up = self._given_up.get(item)
        if given_up is not None and time.monotonic() - given_up < self._retry_after:
            return False
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            return False
        self.sources[item] = source
        return True

    def done(self, item: Hash256, *, failed: bool) -> None:
        self.sources.pop(item, None)
        if failed:
            self._given_up[item] = time.monotonic()
            while len(self._given_up) > MAX_WANTED:
                self._given_up.popitem(last=False)
        else:
            self._given_up.pop(item, None)


class InboundTransactions:
    """Fetches candidate transaction sets by ID (rippled's ``InboundTransactions``)."""

    def __init__(
        self,
        overlay: Overlay,
        on_set: Callable[[RCLTxSet], None],
        *,
        timeout: float = TX_SET_TIMEOUT,
        retry_after: float = 2.0,
        log: Log = _log,
    ) -> None:
        self._overlay = overlay
        self._log = log
        self._on_set = on_set
        self._timeout = timeout
        self._wishes = _Wishes(retry_after)
        self.stats = AcquireStats()

    def want(self, set_id: Hash256, source: NodeID | None = None) -> None:
        """Fetch this set (asking ``source``, the validator that proposed it, first)."""
        if self._wishes.want(set_id, source):
            self.stats.requested += 1

    async def run(self) -> None:
        async with asyncio.TaskGroup() as group:
            for index in range(TX_SET_WORKERS):
                group.create_task(self._worker(), name=f"inbound-tx-sets-{index}")

    async def _worker(self) -> None:
        while True:
            set_id = await self._wishes.queue.get()
            tx_set = await self._fetch(set_id)
            self._wishes.done(set_id, failed=tx_set is None)
            if tx_set is None:
                self.stats.failed += 1
                continue
            self.stats.acquired += 1
            self._on_set(tx_set)

    async def _fetch(self, set_id: Hash256) -> RCLTxSet | None:
        for attempt in range(ATTEMPTS):
            peer = self._wishes.sources.get(set_id) if attempt % 2 == 0 else None
            if peer == self._overlay.node_id:
                peer = None
            try:
                reply = await self._overlay.request(
                    MessageKind.GET_TX_SET, encode_get_tx_set(set_id), peer=peer, timeout=self._timeout
                )
                got_id, blobs = decode_tx_set(reply.payload)
            except (OverlayError, PeerMessageError) as exc:
                self._log.debug("transaction set %s: %s", set_id.hex()[:16], exc)
                continue
            tx_set = RCLTxSet.from_blobs(blobs)
            if got_id != set_id or tx_set.id != set_id:
                self.stats.bad_replies += 1
                continue
            return tx_set
        return None


class InboundLedgers:
    """Fetches ledgers by hash and rebuilds them (rippled's ``InboundLedgers``)."""

    def __init__(
        self,
        overlay: Overlay,
        *,
        have: Callable[[Hash256], RCLCxLedger | None],
        on_ledger: Callable[[RCLCxLedger], None],
        rules: Rules,
        delay: float = 0.2,
        max_replay: int = 128,
        retry_after: float = 2.0,
        next_seq: Callable[[], int] | None = None,
        log: Log = _log,
    ) -> None:
        """``have`` looks a ledger up among those the node holds; ``on_ledger`` receives every
        ledger rebuilt (parents before children); ``delay`` is how long a wish for the ledger
        the node builds next (``next_seq()``; any ledger when not given) waits before the first
        request — the node may be about to build that very ledger itself. A ledger further
        ahead is fetched at once: a node that lags must not fall further behind waiting."""
        self._overlay = overlay
        self._log = log
        self._have = have
        self._on_ledger = on_ledger
        self._rules = rules
        self._delay = delay
        self._next_seq = next_seq
        self._seqs: dict[Hash256, int] = {}
        self._max_replay = max_replay
        self._wishes = _Wishes(retry_after)
        self.stats = AcquireStats()

    def want(self, ledger_id: Hash256, source: NodeID | None = None, seq: int | None = None) -> None:
        """Fetch this ledger (``seq``, when known, lets a ledger far ahead skip the delay)."""
        if self._wishes.want(ledger_id, source):
            self.stats.requested += 1
            if seq is not None:
                self._seqs[ledger_id] = seq

    async def run(self) -> None:
        wishes = self._wishes
        while True:
            ledger_id = await wishes.queue.get()
            seq = self._seqs.pop(ledger_id, None)
            ahead = seq is not None and self._next_seq is not None and seq > self._next_seq()
            if self._have(ledger_id) is None and not ahead:
                await asyncio.sleep(self._delay)
            failed = False
            if self._have(ledger_id) is None:
                failed = not await self.acquire(ledger_id, wishes.sources.get(ledger_id))
            wishes.done(ledger_id, failed=failed)

    async def acquire(self, ledger_id: Hash256, source: NodeID | None = None) -> bool:
        """Fetch the ledger and every missing ancestor down to one we hold, rebuild them
        upwards (each handed to ``on_ledger``); False if that could not be done."""
        done = await self._acquire(ledger_id, source)
        if not done:
            self.stats.failed += 1
            self._log.warning("could not acquire ledger %s", ledger_id.hex()[:16])
        return done

    async def _acquire(self, ledger_id: Hash256, source: NodeID | None) -> bool:
        pending: list[LedgerData] = []
        wanted = ledger_id
        parent: RCLCxLedger | None = None
        while True:
            data = await self._fetch(wanted, LedgerMode.REPLAY, source)
            if data is None:
                return False
            pending.append(data)
            parent = self._have(Hash256(data.header.parent_hash))
            if parent is not None:
                break
            if len(pending) >= self._max_replay or data.header.seq <= 2:
                break
            wanted = Hash256(data.header.parent_hash)
        if parent is None:
            # Too far behind (or on a history we lack): start from a state snapshot.
            bottom = pending.pop()
            parent = await self._snapshot(bottom.ledger_hash, source)
            if parent is None:
                return False
        self._log.info(
            "acquiring ledgers %d..%d on %r", pending[-1].header.seq if pending else 0,
            pending[0].header.seq if pending else 0, parent,
        )
        while pending:
            data = pending.pop()
            await asyncio.sleep(0)  # one replay per slice: the loop serves others in between
            try:
                ledger = replay_ledger(parent.ledger, data, data.ledger_hash, self._rules)
                built = RCLCxLedger.child_of(parent, ledger)
                self.stats.replayed += 1
            except LedgerMismatch as exc:
                self.stats.bad_replies += 1
                self._log.warning("replaying ledger %d failed (%s); asking for a snapshot", data.header.seq, exc)
                snapshot = await self._snapshot(data.ledger_hash, source)
                if snapshot is None:
                    return False
                built = snapshot
            self.stats.acquired += 1
            self._on_ledger(built)
            parent = built
        return True

    async def _snapshot(self, ledger_id: Hash256, source: NodeID | None) -> RCLCxLedger | None:
        data = await self._fetch(ledger_id, LedgerMode.SNAPSHOT, source)
        if data is None:
            return None
        try:
            ledger = ledger_from_snapshot(data, ledger_id)
        except LedgerMismatch as exc:
            self.stats.bad_replies += 1
            self._log.warning("snapshot of ledger %s did not check out: %s", ledger_id.hex()[:16], exc)
            return None
        self.stats.snapshots += 1
        built = RCLCxLedger.without_history(ledger)
        self.stats.acquired += 1
        self._on_ledger(built)
        return built

    async def _fetch(self, ledger_id: Hash256, mode: LedgerMode, source: NodeID | None) -> LedgerData | None:
        timeout = SNAPSHOT_TIMEOUT if mode is LedgerMode.SNAPSHOT else LEDGER_TIMEOUT
        for attempt in range(ATTEMPTS):
            peer = source if attempt % 2 == 0 else self._another_peer(source, attempt)
            if peer == self._overlay.node_id:
                peer = None
            try:
                reply = await self._overlay.request(
                    MessageKind.GET_LEDGER, encode_get_ledger(ledger_id, mode), peer=peer, timeout=timeout
                )
                data = decode_ledger_data(reply.payload)
            except (OverlayError, PeerMessageError) as exc:
                self._log.debug("ledger %s (%s): %s", ledger_id.hex()[:16], mode.name, exc)
                continue
            if data.ledger_hash != ledger_id or data.mode is not mode or data.header.hash() != ledger_id:
                self.stats.bad_replies += 1
                continue
            return data
        return None

    def _another_peer(self, source: NodeID | None, attempt: int) -> NodeID | None:
        """A peer other than ``source`` to ask (None: whoever answers first), in turn."""
        peers = sorted(p for p in self._overlay.peers() if p != source)
        if not peers:
            return None
        with contextlib.suppress(IndexError):
            return peers[(attempt // 2) % len(peers)]
        return None
