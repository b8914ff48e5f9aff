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
that did not make it into the new ledger, then the held ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from xpay.ledger.ledger import Ledger
from xpay.ledger.views import OpenView
from xpay.protocol.ids import Hash256
from xpay.protocol.ter import is_ter_retry
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

    __slots__ = ("_held", "applied", "held_ledgers", "rules", "signatures", "view")

    def __init__(self, closed: Ledger, rules: Rules, signatures: SignatureCache, *, held_ledgers: int = 5) -> None:
        self.rules = rules
        self.signatures = signatures
        self.held_ledgers = held_ledgers
        self.view: OpenView = closed.open_view()
        self.applied: dict[Hash256, Transaction] = {}
        """The open ledger's transactions, in the order they applied."""
        self._held: dict[Hash256, _Held] = {}

    @property
    def seq(self) -> int:
        return self.view.seq

    @property
    def held_count(self) -> int:
        return len(self._held)

    def is_held(self, tx_id: Hash256) -> bool:
        return tx_id in self._held

    def apply(self, tx: Transaction) -> ApplyResult:
        """Apply a transaction to the open ledger; hold it when the result says retry."""
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
        last = self.view.seq + self.held_ledgers - 1
        lls = tx.fields.get("LastLedgerSequence")
        if isinstance(lls, int):
            last = min(last, lls)
        self._held[tx.id] = _Held(tx, last)

    def transactions(self) -> list[Transaction]:
        """The open ledger's transactions, in the order they applied."""
        return list(self.applied.values())

    def reopen(self, closed: Ledger, retriable: Iterable[Transaction]) -> None:
        """A new open ledger over `closed`, with the leftovers applied again (OpenLedger::accept)."""
        previous = list(self.applied.values())
        held = [item for item in self._held.values() if item.expires_after >= closed.seq + 1]
        self.view = closed.open_view()
        self.applied = {}
        self._held = {}
        seen: set[Hash256] = set()
        candidates = [*retriable, *previous]
        for tx in candidates:
            if tx.id in seen or tx.id in closed.txs:
                continue
            seen.add(tx.id)
            self.apply(tx)
        for item in held:
            tx = item.tx
            if tx.id in seen or tx.id in closed.txs:
                continue
            seen.add(tx.id)
            outcome = apply_transaction(self.view, tx, self.rules, signatures=self.signatures)
            if outcome.applied:
                self.applied[tx.id] = tx
            elif is_ter_retry(int(outcome.result)):
                self._held[tx.id] = item  # keeps its original expiry
