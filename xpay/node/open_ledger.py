"""The open ledger: where submitted transactions are applied tentatively (rippled's OpenLedger
and LocalTxs).

An `OpenView` over the last closed ledger. A submitted transaction is applied to it at once; its
result is the preliminary result the submitter sees. Those that applied (tes, or a tec that
claimed its fee) are the open ledger's transactions — the set a standalone node builds the next
ledger from, and a validator's initial consensus position. Those that got a retry result (ter,
e.g. terPRE_SEQ: an earlier sequence is missing) are held and offered again each time the ledger
reopens, until they apply, fail for good, pass their LastLedgerSequence, or have been held for
`held_ledgers` ledgers (rippled's LocalTxs holdLedgers).

When the ledger closes, `reopen` builds a new view over the new closed ledger and applies, in
rippled's order: the transactions the build left retrying, the old open ledger's transactions
that did not make it into the new ledger, the queued ones, then the held ones.

Load shedding (rippled's TxQ, without fee escalation): the open ledger holds at most
`max_transactions` transactions, sized so that building a ledger from them takes well under a
close interval (the build blocks the node's event loop). Beyond it a transaction is not applied:

* while the queue has room (`max_queued`) it is queued and answered `terQUEUED` — rippled's
  answer for a transaction held for a later ledger. It changes nothing now; each reopen draws
  queued transactions into the new open ledger up to the cap, in rippled's TxQ order (`_draw`).
  As rippled's TxQ, only a transaction that could apply next is queued: its account exists and
  its sequence follows the account's (counting its queued ones) — else it is answered
  `terNO_ACCOUNT`, `tefPAST_SEQ`, `terPRE_SEQ` (not held) or `telCAN_NOT_QUEUE` (the place
  is taken), and changes nothing. A queued transaction is checked again when it applies; one
  whose LastLedgerSequence passes is dropped;
* when the queue is full too it is refused, `telCAN_NOT_QUEUE_FULL` (rippled's "queue is full",
  the answer when no fee would buy a place: xpay has no fee escalation), and changes nothing —
  no sequence consumed, no fee claimed; the same transaction may be submitted again later.

Transactions the open ledger held before a close (left over, retried) are never refused: beyond
the cap at a reopen they stay queued, over the queue's bound if need be.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

from xpay.ledger import keylet
from xpay.ledger.ledger import Ledger
from xpay.ledger.views import OpenView
from xpay.protocol.ids import Hash256
from xpay.protocol.ter import TER, Tef, Tel, Ter, is_ter_retry
from xpay.tx.apply import ApplyResult, apply_transaction
from xpay.tx.rules import Rules
from xpay.tx.signature import SignatureCache
from xpay.tx.transaction import Transaction


@dataclass(slots=True)
class _Held:
    tx: Transaction
    expires_after: int
    """The last ledger sequence in which the transaction may still be tried."""


class OpenLedger:
    """The open ledger over a closed one, with its applied and held transactions."""

    __slots__ = (
        "_held", "_queue", "_queued_last", "applied", "held_ledgers", "max_queued", "max_transactions", "refused",
        "rules", "signatures", "view",
    )

    def __init__(
        self,
        closed: Ledger,
        rules: Rules,
        signatures: SignatureCache,
        *,
        held_ledgers: int = 5,
        max_transactions: int | None = None,
        max_queued: int = 0,
    ) -> None:
        if max_transactions is not None and max_transactions < 1:
            raise ValueError("max_transactions must be at least 1")
        if max_queued < 0:
            raise ValueError("max_queued must not be negative")
        self.rules = rules
        self.signatures = signatures
        self.held_ledgers = held_ledgers
        self.max_transactions = max_transactions
        """Transactions the open ledger holds at most (None: no limit)."""
        self.max_queued = max_queued
        """Transactions queued for later ledgers at most, once the open ledger is full."""
        self.refused = 0
        """Transactions answered telCAN_NOT_QUEUE_FULL since the node started."""
        self.view: OpenView = closed.open_view()
        self.applied: dict[Hash256, Transaction] = {}
        """The open ledger's transactions, in the order they applied."""
        self._held: dict[Hash256, _Held] = {}
        self._queue: dict[Hash256, _Held] = {}
        """Transactions waiting for room in a later open ledger."""
        self._queued_last: dict[bytes, int] = {}
        """The largest queued sequence of each account with queued transactions."""

    @property
    def seq(self) -> int:
        return self.view.seq

    @property
    def held_count(self) -> int:
        return len(self._held)

    def is_held(self, tx_id: Hash256) -> bool:
        return tx_id in self._held

    @property
    def queued_count(self) -> int:
        return len(self._queue)

    def is_queued(self, tx_id: Hash256) -> bool:
        return tx_id in self._queue

    @property
    def full(self) -> bool:
        """Whether the open ledger holds as many transactions as it may."""
        return self.max_transactions is not None and len(self.applied) >= self.max_transactions

    def apply(self, tx: Transaction) -> ApplyResult:
        """Apply a transaction to the open ledger; hold it when the result says retry. When the
        open ledger is full, a new transaction is queued (``terQUEUED``) or, the queue full too,
        refused (``telCAN_NOT_QUEUE_FULL``); either way nothing in the open ledger changes."""
        if self.full and tx.id not in self.applied:
            if tx.id in self._queue:
                return ApplyResult(Ter.terQUEUED, False)
            refusal = self._queue_refusal(tx)
            if refusal is not None:
                return ApplyResult(refusal, False)
            if len(self._queue) >= self.max_queued:
                self.refused += 1
                return ApplyResult(Tel.telCAN_NOT_QUEUE_FULL, False)
            self._enqueue(self._expiry(tx, None))
            return ApplyResult(Ter.terQUEUED, False)
        outcome = apply_transaction(self.view, tx, self.rules, signatures=self.signatures)
        if outcome.applied:
            self.applied[tx.id] = tx
            self._held.pop(tx.id, None)
        elif is_ter_retry(int(outcome.result)):
            self._hold(tx)
        else:
            self._held.pop(tx.id, None)
        return outcome

    def _hold(self, tx: Transaction) -> None:
        if tx.id in self._held:
            return
        self._held[tx.id] = self._expiry(tx, self.view.seq + self.held_ledgers - 1)

    def _draw(self, pool: list[_Held], parent_hash: bytes) -> None:
        """Apply ``pool`` in rippled's TxQ order until the open ledger is full, then queue the
        rest (over the queue's bound if need be: they were accepted before). rippled orders
        candidates by fee level, then by transaction ID XOR the parent ledger's hash — a
        shuffle every node agrees on that changes every ledger, so nothing waits for ever; fees
        are flat here, so the second key decides. An account's transactions go in sequence
        order: each account competes with its next one."""
        salt = int.from_bytes(parent_hash, "big")
        by_account: dict[bytes, list[_Held]] = {}
        for item in pool:
            by_account.setdefault(item.tx.account, []).append(item)
        heap: list[tuple[int, int, list[_Held]]] = []
        for number, items in enumerate(by_account.values()):
            items.sort(key=lambda item: item.tx.sequence, reverse=True)
            heap.append((int.from_bytes(items[-1].tx.id, "big") ^ salt, number, items))
        heapq.heapify(heap)
        while heap:
            _, number, items = heapq.heappop(heap)
            item = items.pop()
            if self.full:
                self._enqueue(item)
            else:
                self.apply(item.tx)
            if items:
                heapq.heappush(heap, (int.from_bytes(items[-1].tx.id, "big") ^ salt, number, items))

    def _enqueue(self, item: _Held) -> None:
        tx = item.tx
        self._queue[tx.id] = item
        if tx.sequence:
            last = self._queued_last.get(tx.account)
            self._queued_last[tx.account] = tx.sequence if last is None else max(last, tx.sequence)

    def _queue_refusal(self, tx: Transaction) -> TER | None:
        """Why ``tx`` cannot be queued, as rippled's TxQ answers: its account must exist and
        its sequence must be the account's next, counting its queued transactions (a ticket,
        sequence 0, is checked when it applies)."""
        root = self.view.read(keylet.account(tx.account))
        if root is None:
            return Ter.terNO_ACCOUNT
        if tx.sequence == 0:
            return None
        if tx.sequence < root.sequence:
            return Tef.tefPAST_SEQ
        last = self._queued_last.get(tx.account)
        expected = root.sequence if last is None else max(root.sequence, last + 1)
        if tx.sequence < expected:
            return Tel.telCAN_NOT_QUEUE  # another transaction of the account holds the place
        if tx.sequence > expected:
            return Ter.terPRE_SEQ
        return None

    @staticmethod
    def _expiry(tx: Transaction, last: int | None) -> _Held:
        """``tx`` with the last ledger it may be tried in: ``last``, or its LastLedgerSequence
        if earlier (a queued transaction, ``last`` None, waits until its LastLedgerSequence)."""
        lls = tx.fields.get("LastLedgerSequence")
        if isinstance(lls, int):
            last = lls if last is None else min(last, lls)
        return _Held(tx, last if last is not None else 0xFFFFFFFF)

    def transactions(self) -> list[Transaction]:
        """The open ledger's transactions, in the order they applied."""
        return list(self.applied.values())

    def reopen(self, closed: Ledger, retriable: Iterable[Transaction]) -> None:
        """A new open ledger over `closed`, with the leftovers applied again (OpenLedger::accept).

        Without a cap, in rippled's order: the build's retriable transactions, the old open
        ledger's, the held ones. With a cap, the retriable, the old open ledger's and the queued
        transactions are one pool, drawn in rippled's TxQ order (``_draw``) until the open
        ledger is full; the rest stay queued. Every validator draws in the same order, so their
        next positions hold the same transactions as far as their pools agree."""
        previous = list(self.applied.values())
        held = [item for item in self._held.values() if item.expires_after >= closed.seq + 1]
        queued = [item for item in self._queue.values() if item.expires_after >= closed.seq + 1]
        self.view = closed.open_view()
        self.applied = {}
        self._held = {}
        self._queue = {}
        self._queued_last = {}
        seen: set[Hash256] = set()
        pool: list[_Held] = []
        for tx in [*retriable, *previous]:
            if tx.id in seen or tx.id in closed.txs:
                continue
            seen.add(tx.id)
            pool.append(self._expiry(tx, None))
        for item in queued:
            if item.tx.id in seen or item.tx.id in closed.txs:
                continue
            seen.add(item.tx.id)
            pool.append(item)
        if self.max_transactions is None:
            for item in pool:
                self.apply(item.tx)
        else:
            self._draw(pool, closed.hash)
        for item in held:
            tx = item.tx
            if tx.id in seen or tx.id in closed.txs:
                continue
            seen.add(tx.id)
            if self.full:
                self._held[tx.id] = item
                continue
            outcome = apply_transaction(self.view, tx, self.rules, signatures=self.signatures)
            if outcome.applied:
                self.applied[tx.id] = tx
            elif is_ter_retry(int(outcome.result)):
                self._held[tx.id] = item  # keeps its original expiry
