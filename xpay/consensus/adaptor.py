"""The contract between the generic consensus round and the application (rippled's ``Adaptor``
template parameter of ``Consensus<Adaptor>``, implemented in rippled by ``RCLConsensus``).

The core never does I/O, never reads a clock and never touches a real ledger: everything it
needs from the world it asks of this adaptor, and everything it decides it tells the adaptor.
The node (``xpay/node``) implements it over real ledgers and the overlay; the simulation
(``xpay/sim``) over toy ledgers and a simulated network. See ``xpay.consensus`` for the
integrator's guide.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from xpay.consensus.consensus_types import (
    ConsensusMode,
    ConsensusResult,
    LedgerT,
    NodeIdT,
    TxSetT,
)
from xpay.consensus.proposal import Proposal
from xpay.protocol.ids import Hash256


class Adaptor(Protocol[LedgerT, TxSetT, NodeIdT]):
    """What the consensus core needs from the application. Every method is called
    synchronously from inside a core entry point and must not call back into the core, except
    where noted."""

    @property
    def node_id(self) -> NodeIdT:
        """Our node's identity (its validator public key), put in our proposals."""
        ...

    @property
    def validator(self) -> bool:
        """Whether we are a validator (may propose, validate, and wait for laggards)."""
        ...

    def unl(self) -> Collection[NodeIdT]:
        """The trusted validators, including ourselves when we validate. Proposals and
        validations from other keys are ignored. Read at every ``start_round``."""
        ...

    def acquire_ledger(self, ledger_id: Hash256) -> LedgerT | None:
        """The ledger if we hold it; otherwise start fetching it from peers and return None.
        Called repeatedly for the same ID until it arrives, so repeats must be cheap (no new
        request each time). Rippled's ``acquireLedger`` and the validations ``acquire``."""
        ...

    def acquire_tx_set(self, set_id: Hash256) -> TxSetT | None:
        """The transaction set if we hold it; otherwise start fetching it and return None, then
        hand it to ``Consensus.got_tx_set`` when it arrives (rippled's ``acquireTxSet``)."""
        ...

    def has_open_transactions(self) -> bool:
        """Whether the open ledger holds any transaction (rippled's ``hasOpenTransactions``)."""
        ...

    def open_queue_full(self) -> bool:
        """Whether the transaction queue is full: the ledger closes early (xpay's rule)."""
        ...

    def on_close(self, prev_ledger: LedgerT, now: int, mode: ConsensusMode) -> TxSetT:
        """The open ledger closes: return our initial position, the set of transactions in
        the open ledger built on ``prev_ledger`` (rippled's ``onClose``)."""
        ...

    def on_accept(self, result: ConsensusResult[TxSetT, NodeIdT], prev_ledger: LedgerT) -> None:
        """The round ended: apply ``result.txns`` to ``prev_ledger`` in canonical order with
        ``result.close_time`` / ``close_resolution`` / ``close_agree``; if ``result.validate``,
        sign a validation of the new ledger, send it, and hand it to
        ``Consensus.got_validation``; then start the next round with
        ``Consensus.start_round`` (here, or later when the ledger is built) (rippled's
        ``onAccept``). This is the last thing the core does in its entry point, so calling
        ``start_round`` from here is allowed."""
        ...

    def propose(self, proposal: Proposal[NodeIdT]) -> None:
        """Sign and send our position to the network (rippled's ``propose``)."""
        ...

    def share_tx_set(self, tx_set: TxSetT) -> None:
        """Make our transaction set available to peers (rippled's ``share(TxSet)``)."""
        ...

    def share_tx(self, tx_id: Hash256, holder: TxSetT) -> None:
        """Relay a disputed transaction (found in ``holder``) so every validator has it in its
        open ledger for the next round (rippled's ``share(Tx)``)."""
        ...

    def on_mode_change(self, before: ConsensusMode, after: ConsensusMode) -> None:
        """Our mode changed (rippled's ``onModeChange``); for logging and server state."""
        ...
