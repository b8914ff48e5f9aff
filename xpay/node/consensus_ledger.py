"""A closed ledger as the consensus round sees it, as rippled's ``RCLCxLedger``.

The generic round (``xpay.consensus``) needs a ledger's ID, sequence, close time, close-time
resolution, whether the validators agreed on its close time, its parent's close time, and the IDs
of its ancestors (``ancestor(seq)``, rippled answers from the ledger's skip list of the previous
256 hashes). ``RCLCxLedger`` wraps an immutable ``xpay.ledger.Ledger`` and carries that window of
ancestor hashes itself: a child's window is its parent's shifted by one, so it costs one tuple per
ledger and no state lookups.

A ledger rebuilt from a peer's state snapshot knows only its parent's hash (``ancestry`` of one):
``ancestor`` answers None further back, which the round treats as "unknown", as rippled does for
a ledger whose skip list it cannot read.
"""

from __future__ import annotations

from xpay.ledger.ledger import CLOSE_FLAG_NO_CONSENSUS_TIME, Ledger
from xpay.protocol.ids import Hash256

ANCESTRY_WINDOW = 256
"""Ancestors whose hashes a ledger remembers (the XRPL's skip list of recent hashes)."""


class RCLCxLedger:
    """A closed ledger with the hashes of its recent ancestors; satisfies
    ``xpay.consensus.ConsensusLedger``. Compare by ``id``."""

    __slots__ = ("ancestry", "id", "ledger")

    def __init__(self, ledger: Ledger, ancestry: tuple[Hash256, ...]) -> None:
        """``ancestry``: hashes of the previous ledgers, oldest first, the parent last (at most
        ``ANCESTRY_WINDOW``; empty only for the genesis ledger)."""
        if ancestry and ancestry[-1] != ledger.header.parent_hash:
            raise ValueError("the last hash of a ledger's ancestry must be its parent's")
        self.ledger = ledger
        self.ancestry = ancestry[-ANCESTRY_WINDOW:]
        self.id = Hash256(ledger.hash)

    @classmethod
    def child_of(cls, parent: RCLCxLedger, ledger: Ledger) -> RCLCxLedger:
        """``ledger``, built on ``parent``."""
        if ledger.header.parent_hash != parent.id:
            raise ValueError(f"{ledger!r} is not a child of {parent.ledger!r}")
        return cls(ledger, (*parent.ancestry[-(ANCESTRY_WINDOW - 1) :], parent.id))

    @classmethod
    def without_history(cls, ledger: Ledger) -> RCLCxLedger:
        """A ledger whose ancestors we do not know beyond its parent (a state snapshot)."""
        parent = ledger.header.parent_hash
        return cls(ledger, (Hash256(parent),) if any(parent) else ())

    # --- xpay.consensus.ConsensusLedger ---------------------------------------------------

    @property
    def seq(self) -> int:
        return self.ledger.seq

    @property
    def parent_id(self) -> Hash256:
        return Hash256(self.ledger.header.parent_hash)

    @property
    def close_time(self) -> int:
        return self.ledger.close_time

    @property
    def close_time_resolution(self) -> int:
        return self.ledger.header.close_time_resolution

    @property
    def close_agree(self) -> bool:
        return not self.ledger.header.close_flags & CLOSE_FLAG_NO_CONSENSUS_TIME

    @property
    def parent_close_time(self) -> int:
        return self.ledger.parent_close_time

    def ancestor(self, seq: int) -> Hash256 | None:
        """The hash of the ancestor at ``seq`` (our own at our own sequence); None beyond the
        window we know."""
        if seq == self.seq:
            return self.id
        back = self.seq - seq
        if back <= 0 or back > len(self.ancestry):
            return None
        return self.ancestry[-back]

    def descends_from(self, seq: int, ledger_id: bytes) -> bool:
        """Whether the ledger ``ledger_id`` at ``seq`` is this one or one of its known ancestors."""
        return self.ancestor(seq) == ledger_id

    def __repr__(self) -> str:
        return f"RCLCxLedger(seq={self.seq}, id={self.id.hex().upper()[:16]}…)"
