"""tx_set_hash keys each leaf by the transaction's ID and takes that as the leaf hash (TX_BY_ID):
the same root as a TX_ONLY map, which hashes "TXN\\0" + blob again, and rippled's SHAMap."""

from __future__ import annotations

from tests.support.env import XRP, Env
from xpay.ledger.shamap import TX_BY_ID, TX_ONLY, SHAMap
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.build import tx_set_hash


def test_tx_set_hash_is_the_tx_only_root() -> None:
    env = Env()
    env.fund(XRP(1000), "alice", "bob")
    txs = [
        env.tx({"TransactionType": TransactionType.Payment, "Account": "alice", "Destination": "bob", "Amount": XRP(1 + i), "Sequence": env.seq("alice") + i})
        for i in range(40)
    ]
    reference: SHAMap[bytes] = SHAMap(TX_ONLY).apply((tx.id, tx.blob) for tx in txs)
    assert tx_set_hash(txs) == reference.root_hash()
    assert tx_set_hash(txs[:1]) == SHAMap(TX_ONLY).apply([(txs[0].id, txs[0].blob)]).root_hash()


def test_tx_by_id_trusts_its_keys() -> None:
    """TX_BY_ID is only for keys that are the IDs: with another key the roots differ."""
    blob = b"not a transaction"
    wrong: SHAMap[bytes] = SHAMap(TX_BY_ID).apply([(bytes(32), blob)])
    right: SHAMap[bytes] = SHAMap(TX_ONLY).apply([(bytes(32), blob)])
    assert wrong.root_hash() != right.root_hash()
