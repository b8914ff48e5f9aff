"""The ledger master: the single writer of ledger state (rippled's LedgerMaster, with the apply
path of NetworkOPs and the standalone close of RCLConsensus::simulate).

It owns the last closed ledger, the validated ledger, a bounded cache of recent closed ledgers
and the open ledger. Everything that changes them arrives as a command on one bounded queue and
runs here, one at a time, on the event loop; readers (the API) read the immutable closed ledgers
directly, and the open ledger between two awaits. A full queue is a named outcome: NodeBusy.

Persistence follows each close: the ledger goes to the store's writer thread, and a ledger is
marked validated — and announced to subscribers — only once it is durable.

Entry points, kept separate for the consensus round that will drive them (rippled's
RCLConsensus adaptor calls the same ones):

* `open_ledger_transactions()`  the open ledger's transactions: a validator's initial position;
* `accept(txs, close_time, resolution, close_flags)`  build the next ledger from an agreed set
  and make it the last closed ledger (persisted, not yet validated);
* `mark_validated(ledger)`  a quorum validated this ledger: record it, then announce it;
* `switch_to(ledger)`  adopt a ledger acquired from peers as the last closed ledger (a node that
  found itself on the wrong chain);
* `ledger_by_seq(seq)` / `ledger_by_hash(h)` / `transactions_of(seq)`  ledgers and their
  transactions for peers that catch up;
* `close()`  standalone only: accept the open ledger's own set now and validate it (what
  ledger_accept and the close timer do).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final

from xpay.api.facade import (
    EventListener,
    LedgerClosedEvent,
    NodeBusy,
    NodeEvent,
    SubmitOutcome,
    TransactionEvent,
    TransactionRejected,
)
from xpay.api.json_forms import RIPPLE_EPOCH
from xpay.ledger import keylet
from xpay.ledger.ledger import CLOSE_FLAG_NO_CONSENSUS_TIME, Ledger
from xpay.node.config import NodeConfig
from xpay.node.open_ledger import OpenLedger
from xpay.protocol.ids import Hash256
from xpay.store.affected import DecodedTx, affected_books, decoded_transactions
from xpay.store.ledger_store import LedgerStore
from xpay.store.writer import LedgerWriter
from xpay.tx.build import build_ledger
from xpay.tx.signature import SignatureCache, Validity, check_validity
from xpay.tx.transaction import MalformedTransaction, Transaction

_log = logging.getLogger(__name__)


def network_time() -> int:
    """Now, in seconds since the XRPL epoch (the node's clock; the core takes time as input)."""
    return int(time.time()) - RIPPLE_EPOCH


def round_close_time(close_time: int, resolution: int) -> int:
    """rippled's roundCloseTime: to the nearest multiple of the resolution."""
    if close_time == 0:
        return 0
    close_time += resolution // 2
    return close_time - close_time % resolution


@dataclass(slots=True)
class _Command:
    run: Callable[[], Awaitable[Any]]
    done: asyncio.Future[Any]


@dataclass(slots=True)
class _Submit:
    tx: Transaction
    done: asyncio.Future[SubmitOutcome] | None
    """None for a transaction relayed by a peer: nobody waits for its outcome."""


@dataclass(slots=True)
class _Durable:
    """A write (or validation mark) in flight, and what to do once it is on disk."""

    ledger: Ledger
    written: asyncio.Future[Any]
    validated: asyncio.Future[Ledger]
    mark_validated: bool


_STOP: Final = object()
DECODED_KEPT: Final = 16
"""Ledgers whose decoded transactions wait for their validation (a ledger that is never
validated — abandoned in a switch — ages out)."""


class LedgerMaster:
    """The single writer of ledger state. Use as an async context manager: entering starts its
    command loop and its durability loop; leaving finishes queued commands, waits for queued
    ledgers to be durable, then stops."""

    def __init__(self, config: NodeConfig, store: LedgerStore, writer: LedgerWriter, start: Ledger) -> None:
        self.config = config
        self.rules = config.rules()
        self.store = store
        self._writer = writer
        self.signatures = SignatureCache(config.signature_cache_size)
        self._closed = start
        self._validated = start
        self._cache: OrderedDict[int, Ledger] = OrderedDict()
        self._by_hash: dict[bytes, Ledger] = {}
        self._remember(start)
        span = store.validated_range()
        self._first_validated = span[0] if span is not None else start.seq
        self.open = OpenLedger(
            start,
            self.rules,
            self.signatures,
            held_ledgers=config.held_ledgers,
            max_transactions=config.max_ledger_transactions,
            max_queued=config.max_queued_transactions,
        )
        self._commands: asyncio.Queue[_Command | _Submit | object] = asyncio.Queue(config.command_queue_size)
        self._durable: asyncio.Queue[_Durable | object] = asyncio.Queue(config.persist_queue_size)
        self._listeners: list[EventListener] = []
        self._decoded: OrderedDict[bytes, list[DecodedTx]] = OrderedDict()
        """The transactions of the ledgers built here lately, decoded once for the store and
        kept (by ledger hash) for their publication when the ledger is validated."""
        self._group: asyncio.TaskGroup | None = None
        self._tasks: tuple[asyncio.Task[None], ...] = ()

    # Lifecycle ---------------------------------------------------------------------------------

    async def __aenter__(self) -> LedgerMaster:
        self._group = asyncio.TaskGroup()
        await self._group.__aenter__()
        self._tasks = (
            self._group.create_task(self._command_loop(), name="ledger-master"),
            self._group.create_task(self._durability_loop(), name="ledger-durability"),
        )
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._group is not None
        if exc_type is None:
            await self._commands.put(_STOP)
        else:
            # Leaving on an error: stop at once; the error propagates unwrapped.
            for task in self._tasks:
                task.cancel()
        await self._group.__aexit__(None, None, None)
        self._group = None

    # Reads (snapshots; no queue) -------------------------------------------------------------

    @property
    def closed_ledger(self) -> Ledger:
        return self._closed

    @property
    def validated_ledger(self) -> Ledger:
        return self._validated

    @property
    def queued_commands(self) -> int:
        return self._commands.qsize()

    def complete_ledgers(self) -> tuple[int, int]:
        return self._first_validated, self._validated.seq

    def is_validated(self, ledger: Ledger) -> bool:
        if ledger.seq > self._validated.seq:
            return False
        if ledger.seq == self._validated.seq:
            return ledger.hash == self._validated.hash
        stored = self.store.ledger(ledger.seq)
        return stored is not None and stored.validated and stored.hash == ledger.hash

    def ledger_by_seq(self, seq: int) -> Ledger | None:
        """A recent closed ledger with its state, when still in the cache."""
        return self._cache.get(seq)

    def ledger_by_hash(self, ledger_hash: bytes) -> Ledger | None:
        return self._by_hash.get(ledger_hash)

    def transactions_of(self, seq: int) -> list[tuple[Hash256, bytes, bytes]] | None:
        """(ID, blob, metadata blob) of every transaction of closed ledger `seq`, in key order,
        from memory or the store (what a peer catching up asks for); None if unknown."""
        ledger = self._cache.get(seq)
        if ledger is not None:
            return list(ledger.transactions())
        if self.store.ledger(seq) is None:
            return None
        return sorted((r.tx_id, r.tx_blob, r.meta_blob) for r in self.store.ledger_transactions(seq))

    def open_ledger_transactions(self) -> list[Transaction]:
        """The open ledger's transactions in the order they applied (a validator's initial
        position in a consensus round)."""
        return self.open.transactions()

    def add_listener(self, listener: EventListener) -> Callable[[], None]:
        self._listeners.append(listener)

        def remove() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return remove

    # Commands ----------------------------------------------------------------------------------

    def _check(self, blob: bytes) -> Transaction:
        """Decode and check a submitted blob before it is queued (rippled checks signatures
        before the transaction reaches the job queue)."""
        try:
            tx = Transaction.from_blob(blob)
        except MalformedTransaction as error:
            raise TransactionRejected(str(error)) from None
        validity, reason = check_validity(tx, self.signatures)
        if validity is not Validity.Valid:
            raise TransactionRejected(f"fails local checks: {reason}")
        return tx

    async def submit(self, blob: bytes) -> SubmitOutcome:
        """Apply a signed transaction to the open ledger. Queued synchronously (no await before
        the queue), so submissions reach the ledger in the order they were made."""
        tx = self._check(blob)
        done: asyncio.Future[SubmitOutcome] = asyncio.get_running_loop().create_future()
        try:
            self._commands.put_nowait(_Submit(tx, done))
        except asyncio.QueueFull:
            raise NodeBusy from None
        return await done

    def submit_relayed(self, blob: bytes) -> bool:
        """A transaction a peer relayed: checked as a local submission is (the signature cache
        answers for one seen before), then queued to the open ledger without waiting for its
        result. False when it fails the checks or the queue is full (it is dropped; the peer's
        proposed set still carries it)."""
        try:
            tx = self._check(blob)
        except TransactionRejected:
            return False
        try:
            self._commands.put_nowait(_Submit(tx, None))
        except asyncio.QueueFull:
            return False
        return True

    def publish(self, event: NodeEvent) -> None:
        """Hand an event that did not come from the ledger master (a validation received, a
        consensus phase change) to the same listeners, in order with the ledger's own."""
        self._emit(event)

    async def _call(self, run: Callable[[], Awaitable[Any]]) -> Any:
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        try:
            self._commands.put_nowait(_Command(run, done))
        except asyncio.QueueFull:
            raise NodeBusy from None
        return await done

    async def close(self) -> Ledger:
        """Standalone: build the next ledger from the open ledger's transactions now, persist
        it, and return it once it is validated (durable)."""
        validated: asyncio.Future[Ledger] = await self._call(self._close_standalone)
        return await validated

    async def accept(
        self, txs: Iterable[Transaction], close_time: int, resolution: int, close_flags: int = 0
    ) -> Ledger:
        """Consensus: build the next ledger from the agreed set and make it the last closed
        ledger. It is persisted (not validated); `mark_validated` validates it."""
        tx_list = list(txs)

        async def run() -> Ledger:
            ledger, _ = await self._accept(tx_list, close_time, resolution, close_flags, validated=False)
            return ledger

        ledger: Ledger = await self._call(run)
        return ledger

    async def mark_validated(self, ledger: Ledger) -> None:
        """Consensus: a quorum of validators validated `ledger`; it is recorded in the store and
        announced once that is durable."""

        async def run() -> asyncio.Future[Ledger]:
            written = await self._writer.mark_validated(ledger.seq, ledger.hash)
            validated: asyncio.Future[Ledger] = asyncio.get_running_loop().create_future()
            await self._durable.put(_Durable(ledger, written, validated, True))
            return validated

        validated: asyncio.Future[Ledger] = await self._call(run)
        await validated

    async def switch_to(
        self,
        ledger: Ledger,
        parent: Ledger | None = None,
        reapply: Iterable[Transaction] = (),
        *,
        reopen: bool = True,
    ) -> None:
        """Consensus: adopt `ledger` (acquired from peers) as the last closed ledger. `parent`,
        when the store holds it, lets the store keep a diff instead of a full snapshot;
        `reapply` are transactions of the ledgers abandoned by the switch, offered to the new
        open ledger again (rippled's LedgerMaster::switchLCL keeps them as local txs).
        ``reopen=False`` (a ledger in the middle of a chain being adopted) leaves the open
        ledger over the old one until the last ledger of the chain reopens it: each reopen
        applies the open ledger's transactions again, and the event loop waits for them."""
        retry = list(reapply)

        async def run() -> None:
            self._adopt(ledger, retry, reopen=reopen)
            if ledger.hash == self._validated.hash:
                # Back onto our validated ledger: it is stored as validated already, and
                # rewriting it would clear that mark (what was built above it is dropped from
                # the store when the next ledger is written, or at restart).
                return
            written = await self._writer.write(ledger, parent, validated=False)
            await self._durable.put(_Durable(ledger, written, asyncio.get_running_loop().create_future(), False))

        await self._call(run)

    # The loops ---------------------------------------------------------------------------------

    async def _command_loop(self) -> None:
        commands = self._commands
        while True:
            command = await commands.get()
            if command is _STOP:
                await self._durable.put(_STOP)
                return
            if type(command) is _Submit:
                self._apply_submit(command)
                continue
            assert isinstance(command, _Command)
            if command.done.cancelled():
                continue
            try:
                result = await command.run()
            except Exception as error:
                # A command that fails (a bug) fails its caller, not the node; a failed write is
                # caught by the durability loop, which does stop the node.
                _log.exception("ledger master command failed")
                if not command.done.cancelled():
                    command.done.set_exception(error)
                continue
            if not command.done.cancelled():
                command.done.set_result(result)

    def _apply_submit(self, command: _Submit) -> None:
        tx = command.tx
        outcome = self.open.apply(tx)
        if command.done is None or command.done.cancelled():
            return
        root = self.open.view.read(keylet.account(tx.account))
        next_sequence = root.sequence if root is not None else None
        queued = self.open.is_queued(tx.id)
        command.done.set_result(
            SubmitOutcome(
                engine_result=int(outcome.result),
                applied=outcome.applied,
                kept=outcome.applied or self.open.is_held(tx.id),
                queued=queued,
                broadcast=(outcome.applied or queued) and not self.config.standalone,
                account_sequence_next=next_sequence,
                account_sequence_available=next_sequence,
                open_ledger_cost=self._closed.fees.base.drops,
                validated_ledger_index=self._validated.seq,
                current_ledger_index=self.open.seq,
                tx_id=tx.id,
                tx_fields=tx.fields,
            )
        )

    async def _durability_loop(self) -> None:
        durable = self._durable
        while True:
            item = await durable.get()
            if item is _STOP:
                return
            assert isinstance(item, _Durable)
            try:
                result = await item.written
            except Exception as error:
                # Nothing after a failed write can be reported durable: stop the node.
                _log.critical("persisting ledger %d failed: %s", item.ledger.seq, error)
                if not item.validated.done():
                    item.validated.set_exception(error)
                raise
            if item.mark_validated and result is not False:
                self._set_validated(item.ledger)
            if not item.validated.done():
                item.validated.set_result(item.ledger)

    # Building and adopting ledgers ------------------------------------------------------------

    def _close_time(self, parent: Ledger) -> tuple[int, int]:
        resolution = parent.header.close_time_resolution
        close_time = round_close_time(network_time(), resolution)
        return max(close_time, parent.close_time + 1), resolution

    async def _close_standalone(self) -> asyncio.Future[Ledger]:
        close_time, resolution = self._close_time(self._closed)
        _, validated = await self._accept(self.open.transactions(), close_time, resolution, 0, validated=True)
        return validated

    async def _accept(
        self, txs: list[Transaction], close_time: int, resolution: int, close_flags: int, *, validated: bool
    ) -> tuple[Ledger, asyncio.Future[Ledger]]:
        parent = self._closed
        if close_flags & CLOSE_FLAG_NO_CONSENSUS_TIME:
            close_time = parent.close_time + 1
        # Every transaction here passed check_validity on its way in (or was verified by the
        # consensus layer); the cache answers for those it remembers.
        ledger, report = build_ledger(
            parent, txs, close_time, resolution, close_flags, self.rules, signatures=self.signatures
        )
        self._adopt(ledger, report.retriable)
        # Decoded once here (the transactions' fields are known already): the store's rows and
        # account index and, once validated, the streams all read these.
        decoded = decoded_transactions(ledger, {tx.id: tx.fields for tx in txs})
        self._decoded[ledger.hash] = decoded
        while len(self._decoded) > DECODED_KEPT:
            self._decoded.popitem(last=False)
        written = await self._writer.write(ledger, parent, validated=validated, decoded=decoded)
        done: asyncio.Future[Ledger] = asyncio.get_running_loop().create_future()
        await self._durable.put(_Durable(ledger, written, done, validated))
        return ledger, done

    def _remember(self, ledger: Ledger) -> None:
        cache = self._cache
        old = cache.pop(ledger.seq, None)
        if old is not None:
            self._by_hash.pop(old.hash, None)
        cache[ledger.seq] = ledger
        self._by_hash[ledger.hash] = ledger
        while len(cache) > self.config.ledger_cache_size:
            _, dropped = cache.popitem(last=False)
            self._by_hash.pop(dropped.hash, None)

    def _adopt(self, ledger: Ledger, retriable: Iterable[Transaction], *, reopen: bool = True) -> None:
        """Make `ledger` the last closed ledger and reopen the open ledger over it."""
        # Ledgers above it belong to a chain this node no longer follows.
        for seq in [s for s in self._cache if s > ledger.seq]:
            self._by_hash.pop(self._cache.pop(seq).hash, None)
        self._closed = ledger
        self._remember(ledger)
        if reopen:
            self.open.reopen(ledger, retriable)

    def _set_validated(self, ledger: Ledger) -> None:
        if ledger.seq <= self._validated.seq:
            return
        self._validated = ledger
        if self._listeners:
            self._publish(ledger)

    # Events ------------------------------------------------------------------------------------

    def _emit(self, event: NodeEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                _log.exception("event listener %r failed", listener)

    def _publish(self, ledger: Ledger) -> None:
        """ledgerClosed, then each transaction in ledger order (rippled's pubLedger)."""
        self._emit(LedgerClosedEvent(ledger, len(ledger.txs), self.complete_ledgers()))
        decoded = self._decoded.pop(ledger.hash, None)
        if decoded is None:
            decoded = decoded_transactions(ledger)  # a ledger acquired from peers
        for item in sorted(decoded, key=lambda item: item.tx_index):
            self._emit(
                TransactionEvent(
                    ledger=ledger,
                    tx_id=item.tx_id,
                    tx_blob=item.blob,
                    meta_blob=item.meta_blob,
                    result=item.result,
                    accounts=item.accounts,
                    books=affected_books(item.meta),
                    tx_fields=item.tx,
                    meta_fields=item.meta,
                )
            )
