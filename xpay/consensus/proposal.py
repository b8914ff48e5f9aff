"""A position taken in a consensus round, as rippled's ``ConsensusProposal``.

A proposal names the ledger it builds on (``prev_ledger``), the transaction set it wants applied
(``position``, the set's ID) and the close time it proposes. A validator's successive
proposals in one round carry increasing ``propose_seq`` numbers starting at ``SEQ_JOIN``; a
validator leaving the round sends ``SEQ_LEAVE`` (a bow-out).

``time`` is when the position was taken, in milliseconds of the network clock. For our own
position that is when we took it; for a peer's, the consensus core stamps the time *it
received* the proposal (as rippled's ``RCLCxPeerPos`` does), so a peer with a skewed clock can
neither look stale nor stay fresh forever. Signing is the adaptor's job: the core only ever sees
node IDs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from xpay.protocol.ids import Hash256

NodeIdT = TypeVar("NodeIdT")

SEQ_JOIN = 0
"""Sequence of a validator's first proposal in a round (``seqJoin``)."""
SEQ_LEAVE = 0xFFFFFFFF
"""Sequence of a bow-out: the validator leaves this round (``seqLeave``)."""


@dataclass(frozen=True, slots=True)
class Proposal(Generic[NodeIdT]):
    """One validator's position in one round (rippled's ``ConsensusProposal``)."""

    prev_ledger: Hash256
    position: Hash256
    close_time: int
    """Proposed close time, whole seconds of the network clock; zero means "no agreement"."""
    time: int
    """When the position was taken (ours) or received (a peer's), ms of the network clock."""
    node_id: NodeIdT
    propose_seq: int = SEQ_JOIN

    @property
    def is_initial(self) -> bool:
        """Whether this is the validator's first position in the round."""
        return self.propose_seq == SEQ_JOIN

    @property
    def is_bow_out(self) -> bool:
        """Whether the validator has left the round."""
        return self.propose_seq == SEQ_LEAVE

    def is_stale(self, cutoff: int) -> bool:
        """Whether the position was taken at or before ``cutoff`` (ms)."""
        return self.time <= cutoff

    def change_position(self, position: Hash256, close_time: int, now: int) -> Proposal[NodeIdT]:
        """The next position: a new set and close time, the next sequence (rippled's
        ``changePosition``; a bow-out stays a bow-out)."""
        seq = self.propose_seq if self.is_bow_out else self.propose_seq + 1
        return replace(self, position=position, close_time=close_time, time=now, propose_seq=seq)

    def bow_out(self, now: int) -> Proposal[NodeIdT]:
        """This position turned into a bow-out (rippled's ``bowOut``)."""
        return replace(self, time=now, propose_seq=SEQ_LEAVE)
