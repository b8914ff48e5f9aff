"""Vocabulary of the consensus round, as rippled's ``ConsensusTypes.h``: the phases and modes
of a round, its outcome states, the close-time tally, the frozen result handed to the adaptor,
and the two things the core needs to know about ledgers and transaction sets (``typing.Protocol``s,
so the real node's ledgers and the simulation's toy ledgers both fit).

Identifiers of ledgers, transaction sets and transactions are ``Hash256`` (the XRPL uses 256-bit
hashes for all three); node identifiers are generic (``NodeIdT``), any hashable value.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Generic, Protocol, Self, TypeVar

from xpay.consensus.proposal import Proposal
from xpay.protocol.ids import Hash256


class ConsensusPhase(Enum):
    """Where the round stands (rippled's ``ConsensusPhase``)."""

    OPEN = "open"
    """The ledger is open: we collect transactions and wait to close."""
    ESTABLISH = "establish"
    """The ledger closed: we exchange positions until we agree."""
    ACCEPTED = "accepted"
    """We reached consensus and handed the result to the adaptor; waiting for the next round."""


class ConsensusMode(Enum):
    """How we take part in the round (rippled's ``ConsensusMode``)."""

    PROPOSING = "proposing"
    """We send our positions to peers (a validator in sync with the network)."""
    OBSERVING = "observing"
    """We follow the round without sending positions (a tracking node, or a validator that
    bowed out)."""
    WRONG_LEDGER = "wrongLedger"
    """The network builds on a ledger we do not have; we are acquiring it."""
    SWITCHED_LEDGER = "switchedLedger"
    """We switched to the network's ledger during this round. Unlike rippled, a validator
    keeps proposing (and may validate) in the round it switched into; see
    ``Consensus._start_round_internal``."""


class ConsensusState(Enum):
    """Outcome of checking for consensus (rippled's ``ConsensusState``)."""

    NO = "no"
    """No consensus yet."""
    MOVED_ON = "movedOn"
    """We did not agree, but enough validators already validated a later ledger: we build our
    ledger to follow along but must not validate it."""
    EXPIRED = "expired"
    """The round took far too long: we bow out and accept our position to move on."""
    YES = "yes"
    """Consensus: enough of the proposers hold our position."""


@dataclass(frozen=True, slots=True)
class CloseTimes:
    """The raw close times of a round (rippled's ``ConsensusCloseTimes``): how many peers first
    proposed each close time, and the time at which we closed. Whole seconds."""

    peers: tuple[tuple[int, int], ...]
    """(close time, number of peers), ascending by close time."""
    self_time: int


class ConsensusLedger(Protocol):
    """What the core needs from a ledger (rippled's ``Ledger`` concept in Consensus.h and
    LedgerTrie.h). A frozen dataclass with these fields satisfies it."""

    @property
    def id(self) -> Hash256: ...

    @property
    def seq(self) -> int: ...

    @property
    def close_time(self) -> int:
        """Whole seconds of the network clock."""
        ...

    @property
    def close_time_resolution(self) -> int:
        """Seconds; one of ``ConsensusParms.close_time_resolutions``."""
        ...

    @property
    def close_agree(self) -> bool:
        """Whether the validators agreed on this ledger's close time."""
        ...

    @property
    def parent_close_time(self) -> int: ...

    def ancestor(self, seq: int) -> Hash256 | None:
        """The ID of this ledger's ancestor with sequence ``seq`` (its own ID for its own
        sequence), or None when unknown. Must answer for at least the previous 256 ledgers
        (the XRPL's skip list does)."""
        ...


class TxSet(Protocol):
    """What the core needs from a transaction set (rippled's ``TxSet`` concept): its ID,
    membership, the differences from another set, and a way to derive a changed set when our
    votes on disputed transactions change. The core never sees transaction bodies."""

    @property
    def id(self) -> Hash256: ...

    def __contains__(self, tx_id: Hash256, /) -> bool: ...

    def compare(self, other: Self, /) -> Mapping[Hash256, bool]:
        """Every transaction in exactly one of the two sets, mapped to True when it is in
        ``self``. Iteration order must not depend on hash seeds (sort it)."""
        ...

    def with_changes(self, add: Mapping[Hash256, Self], remove: Collection[Hash256], /) -> Self:
        """A new set: this one plus each transaction of ``add`` (taken from the set it maps to,
        which holds it) minus those in ``remove``."""
        ...


LedgerT = TypeVar("LedgerT", bound=ConsensusLedger)
TxSetT = TypeVar("TxSetT", bound=TxSet)
NodeIdT = TypeVar("NodeIdT", bound=Hashable)


@dataclass(frozen=True, slots=True)
class ConsensusResult(Generic[TxSetT, NodeIdT]):
    """What a round agreed on, handed to ``Adaptor.on_accept`` (rippled's ``ConsensusResult``
    plus the arguments of ``onAccept``, and the close time rippled's adaptor derives).

    The adaptor applies ``txns`` to the previous ledger with close time ``close_time``,
    resolution ``close_resolution`` and close-agree flag ``close_agree``, and signs and sends a
    validation of the new ledger if and only if ``validate`` is true.
    """

    txns: TxSetT
    position: Proposal[NodeIdT]
    """Our final position; ``position.close_time`` is the agreed (rounded) close time, zero
    when the validators agreed to disagree."""
    state: ConsensusState
    mode: ConsensusMode
    round_time: int
    """Milliseconds from closing the ledger to reaching consensus."""
    proposers: int
    """Peers whose positions we held when we accepted (not counting us)."""
    close_resolution: int
    close_time: int
    close_agree: bool
    raw_close_times: CloseTimes
    disputed: tuple[Hash256, ...]
    """Transactions that were disputed this round (in or out of ``txns``)."""
    validate: bool
    """Whether we may validate the new ledger: we proposed this round, reached consensus (not
    moved-on or expired), build on our fully validated chain, and have not validated this
    sequence before."""
