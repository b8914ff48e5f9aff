"""Toy ledgers and transaction sets for the simulation, as rippled's ``csf::Ledger`` / ``TxSet``.

A ``SimLedger`` is the consensus-relevant skeleton of a ledger: sequence, parent, the set of
transaction IDs applied, close time, close-time resolution and close-agree flag. Its ID is a
hash of all of it, so two validators that agree on everything build the same ID and any
disagreement shows as a different ID. Like the XRPL's skip list, it remembers the IDs of its
previous ``ANCESTRY_WINDOW`` ancestors. Transactions are bare IDs: the body of a toy
transaction is its ID.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from xpay.consensus.ledger_timing import LEDGER_GENESIS_TIME_RESOLUTION
from xpay.protocol.ids import Hash256

ANCESTRY_WINDOW = 256
"""Ancestors whose IDs a ledger remembers, as the XRPL's skip list of recent hashes."""

ZERO_HASH = Hash256(bytes(32))


def sha512_half(*parts: bytes) -> Hash256:
    """First 256 bits of SHA-512 over the concatenated parts (the XRPL's SHA-512Half)."""
    digest = hashlib.sha512()
    for part in parts:
        digest.update(part)
    return Hash256(digest.digest()[:32])


@dataclass(frozen=True, slots=True, eq=False)
class SimLedger:
    """A toy ledger satisfying ``xpay.consensus.ConsensusLedger``. Compare ledgers by ``id``."""

    seq: int
    parent_id: Hash256
    txs: frozenset[Hash256]
    close_time: int
    close_time_resolution: int
    close_agree: bool
    parent_close_time: int
    id: Hash256
    ancestry: tuple[Hash256, ...]
    """IDs of the previous ancestors, oldest first, the parent last."""

    @classmethod
    def genesis(cls, close_time: int) -> SimLedger:
        """Ledger 1, empty, agreed close time, the genesis resolution."""
        return cls.make(
            seq=1,
            parent_id=ZERO_HASH,
            txs=frozenset(),
            close_time=close_time,
            close_time_resolution=LEDGER_GENESIS_TIME_RESOLUTION,
            close_agree=True,
            parent_close_time=0,
            ancestry=(),
        )

    @classmethod
    def make(
        cls,
        *,
        seq: int,
        parent_id: Hash256,
        txs: frozenset[Hash256],
        close_time: int,
        close_time_resolution: int,
        close_agree: bool,
        parent_close_time: int,
        ancestry: tuple[Hash256, ...],
    ) -> SimLedger:
        ledger_id = sha512_half(
            b"LGR\x00",
            seq.to_bytes(4, "big"),
            parent_id,
            close_time.to_bytes(8, "big"),
            close_time_resolution.to_bytes(4, "big"),
            b"\x01" if close_agree else b"\x00",
            parent_close_time.to_bytes(8, "big"),
            *sorted(txs),
        )
        return cls(
            seq,
            parent_id,
            txs,
            close_time,
            close_time_resolution,
            close_agree,
            parent_close_time,
            ledger_id,
            ancestry,
        )

    def child(
        self, txs: frozenset[Hash256], close_time: int, resolution: int, close_agree: bool
    ) -> SimLedger:
        """The next ledger after this one."""
        ancestry = (*self.ancestry[-(ANCESTRY_WINDOW - 1) :], self.id)
        return SimLedger.make(
            seq=self.seq + 1,
            parent_id=self.id,
            txs=txs,
            close_time=close_time,
            close_time_resolution=resolution,
            close_agree=close_agree,
            parent_close_time=self.close_time,
            ancestry=ancestry,
        )

    def ancestor(self, seq: int) -> Hash256 | None:
        """The ID of the ancestor at ``seq`` (own ID at own sequence), None if unknown."""
        if seq == self.seq:
            return self.id
        back = self.seq - seq
        if back <= 0 or back > len(self.ancestry):
            return None
        return self.ancestry[-back]


@dataclass(frozen=True, slots=True, eq=False)
class SimTxSet:
    """A toy transaction set satisfying ``xpay.consensus.TxSet``."""

    txs: frozenset[Hash256]
    id: Hash256

    @classmethod
    def of(cls, txs: Iterable[Hash256]) -> SimTxSet:
        members = frozenset(txs)
        return cls(members, sha512_half(b"SET\x00", *sorted(members)))

    def __contains__(self, tx_id: object) -> bool:
        return tx_id in self.txs

    def compare(self, other: SimTxSet) -> dict[Hash256, bool]:
        """Transactions in exactly one of the sets (True: in this one), sorted by ID."""
        ours = self.txs - other.txs
        theirs = other.txs - self.txs
        return {tx: tx in ours for tx in sorted(ours | theirs)}

    def with_changes(self, add: Mapping[Hash256, SimTxSet], remove: Collection[Hash256]) -> SimTxSet:
        return SimTxSet.of((self.txs | add.keys()) - set(remove))
