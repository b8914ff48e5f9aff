"""What the store keeps and gives back: stored ledger headers, transactions, account_tx pages."""

from __future__ import annotations

from dataclasses import dataclass

from xpay.ledger.ledger import LedgerHeader
from xpay.protocol.ids import Hash256


@dataclass(frozen=True, slots=True)
class StoredLedger:
    """A ledger header as the store holds it, and whether the ledger was validated."""

    header: LedgerHeader
    hash: Hash256
    validated: bool
    tx_count: int

    @property
    def seq(self) -> int:
        return self.header.seq


@dataclass(frozen=True, slots=True)
class TxRecord:
    """One transaction of a closed ledger: its blob, its metadata blob and where it sits."""

    tx_id: Hash256
    ledger_seq: int
    tx_index: int
    result: int
    tx_blob: bytes
    meta_blob: bytes
    close_time: int
    """Close time of the ledger that holds it (seconds since the XRPL epoch)."""
    ledger_hash: Hash256
    validated: bool
    """Whether that ledger was validated when the record was read."""


@dataclass(frozen=True, slots=True, order=True)
class AccountTxMarker:
    """Where an account_tx page resumes: rippled's marker {"ledger": seq, "seq": tx index}."""

    ledger_seq: int
    tx_index: int


@dataclass(frozen=True, slots=True)
class AccountTxPage:
    """One page of an account's transactions and the marker of the next page (None: no more)."""

    transactions: tuple[TxRecord, ...]
    marker: AccountTxMarker | None
