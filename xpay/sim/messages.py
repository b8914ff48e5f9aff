"""Messages simulated peers exchange (the overlay's proposal, validation, transaction, and
request / reply topics, without bytes or signatures).

Signatures are not modelled: the network tells a receiver which peer sent a message, and the
simulated Byzantine peers never forge another validator's key (real signatures forbid it).
Anything a peer receives that is not one of these types is garbage and is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from xpay.consensus.proposal import Proposal
from xpay.consensus.validations import Validation
from xpay.protocol.ids import Hash256, NodeID
from xpay.sim.ledger import SimLedger, SimTxSet


@dataclass(frozen=True, slots=True)
class TxMessage:
    """A transaction submitted or relayed."""

    tx_id: Hash256


@dataclass(frozen=True, slots=True)
class ProposalMessage:
    proposal: Proposal[NodeID]


@dataclass(frozen=True, slots=True)
class ValidationMessage:
    validation: Validation[NodeID]


@dataclass(frozen=True, slots=True)
class TxSetMessage:
    """A whole transaction set: shared at close, or a reply to ``TxSetRequest``."""

    tx_set: SimTxSet


@dataclass(frozen=True, slots=True)
class TxSetRequest:
    set_id: Hash256


@dataclass(frozen=True, slots=True)
class LedgerRequest:
    """Ask for a ledger and its ancestors down to just above ``have_seq``."""

    ledger_id: Hash256
    have_seq: int


@dataclass(frozen=True, slots=True)
class LedgerReply:
    """Ledgers, newest first, each the child of the next."""

    ledgers: tuple[SimLedger, ...]


Message = (
    TxMessage
    | ProposalMessage
    | ValidationMessage
    | TxSetMessage
    | TxSetRequest
    | LedgerRequest
    | LedgerReply
)
