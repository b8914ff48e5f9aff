"""A consensus transaction set over real transactions, as rippled's ``RCLTxSet``.

The set validators agree on is a SHAMap of transaction-only leaves (``TX_ONLY``: the leaf hash
is the transaction ID, SHA-512Half("TXN\\0" + blob)) keyed by transaction ID; its ID is the map's
root hash — the XRPL's consensus hash of a candidate set. It satisfies
``xpay.consensus.TxSet``: membership, the sorted difference from another set, and a new set with
disputed transactions added or removed as our votes change.

Sets that arrive from peers are rebuilt here from their blobs (``from_blobs``): every key is
recomputed from its blob, so a peer cannot file a blob under another transaction's ID, and the
caller compares the rebuilt root hash with the ID it asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from hashlib import sha512

from xpay.ledger.shamap import TX_ONLY, SHAMap
from xpay.protocol.ids import Hash256
from xpay.tx.transaction import Transaction

_TXN_PREFIX = b"TXN\x00"


def transaction_id(blob: bytes) -> Hash256:
    """The XRPL transaction ID of a serialised transaction: SHA-512Half("TXN\\0" + blob)."""
    return Hash256(sha512(_TXN_PREFIX + blob).digest()[:32])


class RCLTxSet:
    """An immutable candidate transaction set (rippled's ``RCLTxSet``). Compare sets by ``id``."""

    __slots__ = ("_blobs", "_decoded", "_map", "id")

    def __init__(
        self,
        tree: SHAMap[bytes],
        blobs: dict[Hash256, bytes],
        decoded: dict[Hash256, Transaction] | None = None,
    ) -> None:
        """Use ``of`` or ``from_blobs``; ``blobs`` must be exactly the tree's leaves."""
        self._map = tree
        self._blobs = blobs
        self._decoded: dict[Hash256, Transaction] = decoded if decoded is not None else {}
        self.id = Hash256(tree.root_hash())

    @classmethod
    def of(cls, txs: Iterable[Transaction]) -> RCLTxSet:
        """The set of these (already decoded) transactions."""
        decoded = {tx.id: tx for tx in txs}
        blobs = {tx_id: tx.blob for tx_id, tx in decoded.items()}
        tree: SHAMap[bytes] = SHAMap(TX_ONLY)
        return cls(tree.apply(blobs.items()), blobs, decoded)

    @classmethod
    def from_blobs(cls, blobs: Iterable[bytes]) -> RCLTxSet:
        """The set of these serialised transactions, each keyed by its recomputed ID."""
        by_id = {transaction_id(bytes(blob)): bytes(blob) for blob in blobs}
        tree: SHAMap[bytes] = SHAMap(TX_ONLY)
        return cls(tree.apply(by_id.items()), by_id)

    @classmethod
    def from_ids(
        cls, tx_ids: Sequence[Hash256], base: RCLTxSet | None, find: Callable[[Hash256], bytes | None]
    ) -> RCLTxSet | None:
        """The set of these transactions, each blob found locally: in `base` (a set we hold,
        usually our own position, which the result shares every unchanged subtree with) or
        through `find` (whose blobs must be keyed by IDs computed here from them). None when a
        blob is unknown here, or an ID repeats: the caller then fetches the set by its ID."""
        wanted = set(tx_ids)
        if len(wanted) != len(tx_ids):
            return None
        if base is None:
            base = cls.of(())
        blobs = dict(base._blobs)
        decoded = dict(base._decoded)
        changes: list[tuple[bytes, bytes | None]] = []
        for tx_id in tx_ids:
            if tx_id in blobs:
                continue
            blob = find(tx_id)
            if blob is None:
                return None
            blobs[tx_id] = blob
            changes.append((tx_id, blob))
        for tx_id in base._blobs.keys() - wanted:
            del blobs[tx_id]
            decoded.pop(tx_id, None)
            changes.append((tx_id, None))
        if not changes:
            return base
        return RCLTxSet(base._map.apply(changes), blobs, decoded)

    # --- xpay.consensus.TxSet -------------------------------------------------------------

    def __contains__(self, tx_id: object) -> bool:
        return tx_id in self._blobs

    def __len__(self) -> int:
        return len(self._blobs)

    def compare(self, other: RCLTxSet) -> dict[Hash256, bool]:
        """Every transaction in exactly one of the two sets (True: in this one), by ID."""
        ours = self._blobs.keys() - other._blobs.keys()
        theirs = other._blobs.keys() - self._blobs.keys()
        return {tx_id: tx_id in ours for tx_id in sorted(ours | theirs)}

    def with_changes(self, add: Mapping[Hash256, RCLTxSet], remove: Collection[Hash256]) -> RCLTxSet:
        """This set plus each transaction of ``add`` (taken from the set it maps to) minus those
        in ``remove``; the tree shares every unchanged subtree with this one."""
        blobs = dict(self._blobs)
        decoded = dict(self._decoded)
        changes: list[tuple[bytes, bytes | None]] = []
        for tx_id, holder in add.items():
            blob = holder._blobs.get(tx_id)
            if blob is None or tx_id in blobs:
                continue
            blobs[tx_id] = blob
            known = holder._decoded.get(tx_id)
            if known is not None:
                decoded[tx_id] = known
            changes.append((tx_id, blob))
        for tx_id in remove:
            if tx_id in blobs:
                del blobs[tx_id]
                decoded.pop(tx_id, None)
                changes.append((tx_id, None))
        return RCLTxSet(self._map.apply(changes), blobs, decoded)

    # --- contents -------------------------------------------------------------------------

    def blob(self, tx_id: Hash256) -> bytes | None:
        return self._blobs.get(tx_id)

    def blobs(self) -> Iterator[tuple[Hash256, bytes]]:
        """(ID, blob) of every transaction, in ID order (the order they travel in)."""
        for tx_id in sorted(self._blobs):
            yield tx_id, self._blobs[tx_id]

    def decoded(self, tx_id: Hash256) -> Transaction | None:
        """The transaction already decoded, when this set was built from decoded ones."""
        return self._decoded.get(tx_id)

    def __repr__(self) -> str:
        return f"RCLTxSet({len(self._blobs)} txs, id={self.id.hex().upper()[:16]}…)"
