"""Transaction relay: batches of transactions to and from peers (rippled's ``NetworkOPs``
``processTransaction`` relay through ``HashRouter`` and ``TMTransactions`` batches).

A transaction a client submitted here (and that the open ledger kept) is broadcast once to every
peer; one a peer relayed to us is applied to our open ledger, so every validator's initial
position holds it. Over a broker a broadcast reaches every node, so nobody relays a relayed
transaction again. Two things keep the work per transaction to once per node:

* ``HashRouter`` remembers the IDs of transactions already relayed or received (bounded, oldest
  forgotten first), so repeats and echoes are dropped before they are decoded;
* the ledger master's signature cache verifies each signature once (xpay.tx.signature).

Outgoing transactions are gathered for a few milliseconds and sent as one TRANSACTIONS message,
so a burst of submissions costs one signed envelope, not one per transaction. The queue is
bounded: beyond it a transaction is not relayed now (counted in ``dropped``); peers still get it
in our proposed set.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Final

from xpay.node.peer_messages import encode_transactions
from xpay.node.tx_set import transaction_id
from xpay.overlay import MessageKind, Overlay, OverlayError
from xpay.protocol.ids import Hash256

_log = logging.getLogger(__name__)

DEFAULT_BATCH_DELAY: Final = 0.02
"""Seconds a batch waits for more transactions once it holds one. 20 ms, not 5: at a few hundred
submissions a second per node, 5 ms gathered one or two transactions, so each cost a signed
envelope, a QoS 1 publish with its PUBACK, and a signature check on every peer; 20 ms is 2 % of
a 1 s close interval."""
DEFAULT_MAX_BATCH: Final = 256
DEFAULT_QUEUE_LIMIT: Final = 20_000
DEFAULT_SEEN_LIMIT: Final = 100_000
DEFAULT_BLOBS_KEPT: Final = 50_000
"""Recent transactions' blobs kept by ID (~15 MB): what a peer's set pushed as IDs is rebuilt
from when a transaction is not in our open ledger (it failed here, or is held)."""


class HashRouter:
    """Transaction IDs already seen (rippled's ``HashRouter``), bounded; oldest forgotten first."""

    __slots__ = ("_limit", "_seen")

    def __init__(self, limit: int = DEFAULT_SEEN_LIMIT) -> None:
        self._limit = limit
        self._seen: OrderedDict[Hash256, None] = OrderedDict()

    def add(self, tx_id: Hash256) -> bool:
        """Remember ``tx_id``; False if it was already known."""
        if tx_id in self._seen:
            return False
        self._seen[tx_id] = None
        if len(self._seen) > self._limit:
            self._seen.popitem(last=False)
        return True

    def __contains__(self, tx_id: object) -> bool:
        return tx_id in self._seen


@dataclass(slots=True)
class RelayStats:
    relayed: int = 0
    """Transactions sent to peers."""
    batches: int = 0
    received: int = 0
    """New transactions received from peers."""
    duplicates: int = 0
    """Transactions received again (or our own coming back)."""
    dropped: int = 0
    """Transactions not relayed because the outgoing queue was full."""


class TransactionRelay:
    """The outgoing batcher and the incoming filter. ``run()`` is the sending loop; it lives in
    the validator's task group."""

    def __init__(
        self,
        overlay: Overlay,
        *,
        batch_delay: float = DEFAULT_BATCH_DELAY,
        max_batch: int = DEFAULT_MAX_BATCH,
        queue_limit: int = DEFAULT_QUEUE_LIMIT,
        router: HashRouter | None = None,
        blobs_kept: int = DEFAULT_BLOBS_KEPT,
    ) -> None:
        self._overlay = overlay
        self._batch_delay = batch_delay
        self._max_batch = max_batch
        self._queue_limit = queue_limit
        self.router = router if router is not None else HashRouter()
        self.stats = RelayStats()
        self._pending: deque[bytes] = deque()
        self._wake = asyncio.Event()
        self._blobs: OrderedDict[Hash256, bytes] = OrderedDict()
        self._blobs_kept = blobs_kept

    def _keep(self, tx_id: Hash256, blob: bytes) -> None:
        blobs = self._blobs
        blobs[tx_id] = blob
        if len(blobs) > self._blobs_kept:
            blobs.popitem(last=False)

    def blob(self, tx_id: Hash256) -> bytes | None:
        """A recent transaction's blob (sent or received) by its ID, if still kept."""
        return self._blobs.get(tx_id)

    def relay(self, blob: bytes, tx_id: Hash256 | None = None) -> None:
        """Send a transaction to every peer (once per ID, whoever asks)."""
        if tx_id is None:
            tx_id = transaction_id(blob)
        if not self.router.add(tx_id):
            return
        self._keep(tx_id, blob)
        if len(self._pending) >= self._queue_limit:
            self.stats.dropped += 1
            return
        self._pending.append(blob)
        self._wake.set()

    def received(self, blobs: list[bytes]) -> list[tuple[Hash256, bytes]]:
        """The transactions of a peer's batch we have not seen yet, each with its ID."""
        fresh: list[tuple[Hash256, bytes]] = []
        for blob in blobs:
            tx_id = transaction_id(blob)
            if self.router.add(tx_id):
                fresh.append((tx_id, blob))
                self._keep(tx_id, blob)
            else:
                self.stats.duplicates += 1
        self.stats.received += len(fresh)
        return fresh

    async def run(self) -> None:
        pending = self._pending
        while True:
            if not pending:
                self._wake.clear()
                await self._wake.wait()
                # Gather what else arrives in the next few milliseconds into the same batch.
                await asyncio.sleep(self._batch_delay)
            batch = [pending.popleft() for _ in range(min(len(pending), self._max_batch))]
            try:
                await self._overlay.broadcast(MessageKind.TRANSACTIONS, encode_transactions(batch))
            except OverlayError as exc:
                _log.debug("transaction relay failed: %s", exc)
                continue
            self.stats.relayed += len(batch)
            self.stats.batches += 1
