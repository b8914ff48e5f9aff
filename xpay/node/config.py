"""The node's configuration: frozen values, passed in (STYLE.md), never read from globals.

Fees, reserves and the network id are fixed for the life of a network: they are written into the
genesis ledger (its FeeSettings entry) and every validator must run with the same ones. A node
that restarts on an existing data directory takes them from its last ledger, not from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from xpay.amounts import XRPAmount
from xpay.ledger.views import Fees
from xpay.tx.rules import Rules

DEFAULT_NETWORK_ID: Final = 21337
DEFAULT_FEES: Final = Fees(XRPAmount(10), XRPAmount(1_000_000), XRPAmount(200_000))
"""10 drops per transaction, 1 XPY account reserve, 0.2 XPY per owned object."""
DEFAULT_MAX_LEDGER_TRANSACTIONS: Final = 500
"""Transactions the open ledger admits per ledger (load shedding, see ``xpay.node.open_ledger``).
Building a ledger costs ~1 ms per cross-currency payment and ~0.1 ms per XPY payment on the
benchmark machine, so 500 builds in at most ~0.5 s: well under the 1 s close interval, and the
event loop stays free for proposals and validations."""
DEFAULT_MAX_QUEUED_TRANSACTIONS: Final = 2000
"""Transactions queued (terQUEUED) for later ledgers once the open ledger is full: four ledgers'
worth at the default cap (rippled's TxQ keeps at least 2,000). Beyond them a submission answers
telCAN_NOT_QUEUE_FULL."""
BUILD_VERSION: Final = "2.3.0"
"""What server_info reports: a rippled version XRPL clients read as recent (xrpl-py adds NetworkID
to transactions only for servers at 1.11.0 or later)."""


@dataclass(frozen=True, slots=True)
class NodeConfig:
    """Everything a node is told at start."""

    data_dir: Path
    genesis_seed: str
    """The family seed (sEd…) of the genesis account, which holds every drop at ledger 1."""
    network_id: int = DEFAULT_NETWORK_ID
    fees: Fees = DEFAULT_FEES
    standalone: bool = True
    close_interval: float | None = None
    """Seconds between automatic closes; None: ledgers close on ledger_accept (rippled's
    standalone mode)."""
    genesis_close_time: int = 0
    """Close time of ledger 1 (seconds since the XRPL epoch); 0 = the node's clock at start."""
    ledger_cache_size: int = 256
    """Closed ledgers kept in memory with their state (they share unchanged subtrees)."""
    command_queue_size: int = 10_000
    """Commands waiting for the ledger master; beyond this a submit answers tooBusy."""
    persist_queue_size: int = 16
    """Closed ledgers waiting to be written; beyond this closing waits for the disk."""
    held_ledgers: int = 5
    """Ledgers a transaction with a retry result is held and offered again (rippled's
    LocalTxs holdLedgers)."""
    max_ledger_transactions: int = DEFAULT_MAX_LEDGER_TRANSACTIONS
    """Transactions the open ledger admits; beyond them a submission is queued (terQUEUED)."""
    max_queued_transactions: int = DEFAULT_MAX_QUEUED_TRANSACTIONS
    """Transactions queued for later ledgers; beyond them a submission answers
    telCAN_NOT_QUEUE_FULL and changes nothing."""
    snapshot_interval: int = 256
    signature_cache_size: int = 65_536
    features: frozenset[str] = field(default_factory=frozenset)

    def rules(self) -> Rules:
        return Rules(self.network_id, self.features)
