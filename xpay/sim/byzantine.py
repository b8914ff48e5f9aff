"""Byzantine validators for the simulation.

A ``ByzantinePeer`` is a trusted validator (on every UNL) that otherwise runs the honest
protocol but misbehaves in chosen ways:

- ``CONFLICTING_PROPOSALS``: each position it takes is sent as-is to half of its peers and, to
  the other half, as a different position (its set plus an invented transaction, the set shared
  with them) under the same proposal sequence.
- ``CONFLICTING_VALIDATIONS``: each validation it signs goes to half of its peers; the other half
  receive a validation for an invented ledger at the same sequence.
- ``GARBAGE``: on every heartbeat it may send, to a random peer, something that is not a
  message, a validation of an invented ledger at an absurd sequence, or a proposal building on
  an invented ledger.

It never forges another validator's key: signatures would stop that on a real network.
"""

from __future__ import annotations

import random
from enum import Enum

from xpay.consensus.proposal import Proposal
from xpay.consensus.validations import Validation
from xpay.protocol.ids import Hash256, NodeID
from xpay.sim.ledger import SimTxSet, sha512_half
from xpay.sim.messages import ProposalMessage, TxSetMessage, ValidationMessage
from xpay.sim.peer import PeerEnv, SimPeer

GARBAGE_PER_MILLE = 200
"""Chance per heartbeat that a garbage-sending peer sends something."""


class Misbehaviour(Enum):
    CONFLICTING_PROPOSALS = "conflicting proposals"
    CONFLICTING_VALIDATIONS = "conflicting validations"
    GARBAGE = "garbage"


class ByzantinePeer(SimPeer):
    """A validator that misbehaves as configured (see the module docstring)."""

    def __init__(
        self,
        index: int,
        node_id: NodeID,
        env: PeerEnv,
        misbehaviours: frozenset[Misbehaviour],
        *,
        clock_skew_ms: int = 0,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(index, node_id, env, clock_skew_ms=clock_skew_ms, rng=rng)
        self.misbehaviours = misbehaviours
        self.conflicting_sent = 0
        self._counter = 0

    def _invented(self, label: bytes) -> Hash256:
        self._counter += 1
        return sha512_half(b"BYZ", label, self.index.to_bytes(4, "big"), self._counter.to_bytes(8, "big"))

    def _halves(self) -> tuple[list[int], list[int]]:
        others = [p for p in self.env.network.peers if p != self.index]
        middle = len(others) // 2
        return others[:middle], others[middle:]

    def propose(self, proposal: Proposal[NodeID]) -> None:
        if Misbehaviour.CONFLICTING_PROPOSALS not in self.misbehaviours or proposal.is_bow_out:
            super().propose(proposal)
            return
        honest_half, lied_to = self._halves()
        mine = self.tx_sets.get(proposal.position)
        members = mine.txs if mine is not None else frozenset()
        other_set = SimTxSet.of(members | {self._invented(b"tx")})
        other = Proposal(
            proposal.prev_ledger,
            other_set.id,
            proposal.close_time,
            proposal.time,
            proposal.node_id,
            proposal.propose_seq,
        )
        network = self.env.network
        for peer in honest_half:
            network.send(self.index, peer, ProposalMessage(proposal))
        for peer in lied_to:
            network.send(self.index, peer, TxSetMessage(other_set))
            network.send(self.index, peer, ProposalMessage(other))
        self.conflicting_sent += 1

    def _send_validation(self, validation: Validation[NodeID]) -> None:
        if Misbehaviour.CONFLICTING_VALIDATIONS not in self.misbehaviours:
            super()._send_validation(validation)
            return
        honest_half, lied_to = self._halves()
        fake = Validation(self._invented(b"ledger"), validation.seq, validation.sign_time, validation.node_id)
        network = self.env.network
        for peer in honest_half:
            network.send(self.index, peer, ValidationMessage(validation))
        for peer in lied_to:
            network.send(self.index, peer, ValidationMessage(fake))
        self.conflicting_sent += 1

    def _tick(self, generation: int) -> None:
        if (
            generation == self._generation
            and Misbehaviour.GARBAGE in self.misbehaviours
            and self.rng.randrange(1000) < GARBAGE_PER_MILLE
        ):
            self._send_garbage()
        super()._tick(generation)

    def _send_garbage(self) -> None:
        others = [p for p in self.env.network.peers if p != self.index]
        target = self.rng.choice(others)
        kind = self.rng.randrange(3)
        now = self.now()
        message: object
        if kind == 0:
            message = bytes(self.rng.getrandbits(8) for _ in range(32))
        elif kind == 1:
            absurd = self.lcl.seq + 1_000_000 + self.rng.randrange(1000)
            message = ValidationMessage(
                Validation(self._invented(b"garbage-ledger"), absurd, now, self.node_id)
            )
        else:
            message = ProposalMessage(
                Proposal(
                    self._invented(b"garbage-prev"),
                    self._invented(b"garbage-set"),
                    now // 1000,
                    now,
                    self.node_id,
                    self.rng.randrange(5),
                )
            )
        self.env.network.send(self.index, target, message)
