"""The node as the API sees it: the small facade the handlers call, and what it answers.

The API never imports the node (DESIGN.md): it declares here what it needs, and the node passes
in an object that provides it. Reads go straight to immutable snapshots (closed ledgers are
immutable; the open ledger is only read synchronously, between two awaits, so a handler sees it
whole); writes (`submit`, `ledger_accept`) are commands the node queues to its single writer.
Failures the API must render have named exceptions here, raised by the node.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias

from xpay.amounts import Issue
from xpay.ledger.ledger import Ledger
from xpay.ledger.views import Fees, ReadView
from xpay.protocol.ids import AccountID, Hash256
from xpay.store.records import AccountTxMarker, AccountTxPage, StoredLedger, TxRecord


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """Frozen facts about the node, for server_info and fee."""

    network_id: int
    standalone: bool
    build_version: str
    fees: Fees
    node_public_key: str
    """The node's public key (`n…`), rippled's pubkey_node."""


@dataclass(frozen=True, slots=True)
class NodeStatus:
    """What changes: rippled's server_state, load, peers and uptime."""

    server_state: str
    """"full" or, standalone, "full" too (rippled reports a standalone node as full)."""
    load_factor: int
    peers: int
    uptime: int
    """Seconds since the node started."""
    queued_commands: int
    last_close_proposers: int = 0
    """Validators whose positions the last consensus round counted (rippled's last_close)."""
    last_close_converge_time_ms: int = 0
    """How long the last round took to reach consensus."""
    validation_quorum: int = 0
    """Validations a ledger needs to be fully validated (0: standalone, nobody to agree with)."""


@dataclass(frozen=True, slots=True)
class SubmitOutcome:
    """rippled's submit answer: the preliminary engine result of applying the transaction to
    the open ledger, and what the node did with it."""

    engine_result: int
    applied: bool
    """Applied to the open ledger (tes or tec)."""
    kept: bool
    """Kept for another try (a ter result held until the next open ledger)."""
    queued: bool
    broadcast: bool
    account_sequence_next: int | None
    account_sequence_available: int | None
    open_ledger_cost: int
    """Drops a reference transaction costs to get into the open ledger."""
    validated_ledger_index: int
    current_ledger_index: int
    tx_id: Hash256
    tx_fields: Mapping[str, Any]
    """The transaction's fields in the codec's native form (decoded once, by the node)."""


class TransactionRejected(Exception):
    """The blob is no transaction, or fails local checks (rippled's invalidTransaction, with
    the reason as `error_exception`, e.g. "fails local checks: Invalid signature.")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NodeBusy(Exception):
    """The node's command queue is full (rippled's tooBusy)."""


class NotStandalone(Exception):
    """ledger_accept on a node that reaches consensus with others (rippled's notStandAlone)."""


@dataclass(frozen=True, slots=True)
class LedgerClosedEvent:
    """A ledger was validated (rippled publishes the `ledger` stream for validated ledgers)."""

    ledger: Ledger
    txn_count: int
    validated_ledgers: tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class TransactionEvent:
    """A transaction in a validated ledger (the `transactions` and `accounts` streams)."""

    ledger: Ledger
    tx_id: Hash256
    tx_blob: bytes
    meta_blob: bytes
    result: int
    accounts: frozenset[AccountID]
    books: frozenset[tuple[Issue, Issue]] = frozenset()
    """(TakerPays issue, TakerGets issue) of every book whose offers it touched."""
    tx_fields: Mapping[str, Any] | None = None
    """The transaction's native fields, when the node has them decoded already."""
    meta_fields: Mapping[str, Any] | None = None
    """The metadata's native fields, likewise."""


@dataclass(frozen=True, slots=True)
class ValidationEvent:
    """A trusted validator's validation arrived, or we signed one (the `validations` stream)."""

    ledger_hash: Hash256
    ledger_seq: int
    close_time: int
    signing_time: int
    """Seconds since the XRPL epoch."""
    full: bool
    validation_public_key: str
    """The validator's node public key (`n…`)."""
    network_id: int


@dataclass(frozen=True, slots=True)
class ConsensusPhaseEvent:
    """The consensus round moved to a new phase (the `consensus` stream): "open",
    "establish" or "accepted"."""

    phase: str


@dataclass(frozen=True, slots=True)
class ServerStatusEvent:
    """The node's server_state changed (the `server` stream, rippled's serverStatus)."""

    server_status: str


NodeEvent: TypeAlias = (
    LedgerClosedEvent | TransactionEvent | ValidationEvent | ConsensusPhaseEvent | ServerStatusEvent
)
EventListener: TypeAlias = Callable[[NodeEvent], None]
"""Called on the event loop for every event; must not block (queue and return)."""


class NodeFacade(Protocol):
    """Everything the API handlers need from the node."""

    @property
    def info(self) -> NodeInfo: ...

    def status(self) -> NodeStatus: ...

    # Ledgers held in memory, with their state --------------------------------------------

    def validated_ledger(self) -> Ledger: ...

    def closed_ledger(self) -> Ledger: ...

    def current_view(self) -> ReadView:
        """The open ledger (read it synchronously; it changes between awaits)."""
        ...

    def open_ledger_transactions(self) -> list[tuple[Hash256, bytes]]:
        """(ID, blob) of every transaction applied to the open ledger, in application order."""
        ...

    def ledger_in_memory(self, seq: int) -> Ledger | None:
        """A recent closed ledger with its state, when the node still holds it."""
        ...

    def ledger_in_memory_by_hash(self, ledger_hash: bytes) -> Ledger | None: ...

    def is_validated(self, ledger: Ledger) -> bool: ...

    # History, from the store -------------------------------------------------------------

    def complete_ledgers(self) -> tuple[int, int] | None:
        """The range of validated ledgers the node can serve."""
        ...

    def stored_ledger(self, seq: int) -> StoredLedger | None: ...

    def stored_ledger_by_hash(self, ledger_hash: bytes) -> StoredLedger | None: ...

    def ledger_transactions(self, seq: int) -> tuple[TxRecord, ...]: ...

    def transaction(self, tx_id: bytes) -> TxRecord | None:
        """A transaction in a closed ledger (validated or not yet)."""
        ...

    def account_transactions(
        self,
        account: AccountID,
        min_seq: int,
        max_seq: int,
        *,
        forward: bool,
        limit: int,
        marker: AccountTxMarker | None,
    ) -> AccountTxPage: ...

    # Commands ------------------------------------------------------------------------------

    async def submit(self, tx_blob: bytes) -> SubmitOutcome:
        """Apply a signed transaction to the open ledger. Raises TransactionRejected, NodeBusy."""
        ...

    async def ledger_accept(self) -> Ledger:
        """Standalone: close the open ledger now; returns it once validated (durable).
        Raises NotStandalone."""
        ...

    def request_stop(self) -> None:
        """Begin a clean shutdown (the `stop` method)."""
        ...

    def add_listener(self, listener: EventListener) -> Callable[[], None]:
        """Register for node events; returns the function that unregisters."""
        ...
