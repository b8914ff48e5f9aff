"""The accounts a transaction affected, as rippled's TxMeta::getAffectedAccounts finds them.

account_tx and the `accounts` subscription stream list a transaction under every account it
touched: every AccountID field of every node in its metadata (created, modified or deleted), the
issuers of the trust-line limits and of an offer's TakerPays / TakerGets, and the transaction's
own Account and Destination (rippled reaches those through the AccountRoot nodes; naming them
directly also covers a transaction whose metadata is empty).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from xpay.amounts import Issue, STAmount
from xpay.codec import decode_native
from xpay.ledger.entries import LT_OFFER
from xpay.ledger.ledger import Ledger
from xpay.protocol.fields import FIELDS
from xpay.protocol.ids import AccountID, Hash256

_ACCOUNT_FIELDS = frozenset(name for name, info in FIELDS.items() if info.type_name == "AccountID")
# rippled names these amount fields explicitly: their issuer is an affected account.
_ISSUER_FIELDS = ("LowLimit", "HighLimit", "TakerPays", "TakerGets")
_NODE_BODIES = ("NewFields", "FinalFields")


def _accounts_of(fields: Mapping[str, Any], out: set[AccountID]) -> None:
    for name, value in fields.items():
        if name in _ACCOUNT_FIELDS and type(value) is bytes and len(value) == 20:
            out.add(AccountID(value))
    for name in _ISSUER_FIELDS:
        amount = fields.get(name)
        if isinstance(amount, STAmount) and not amount.native:
            issuer = amount.issue.account
            if any(issuer):
                out.add(issuer)


def affected_books(meta: Mapping[str, Any] | None) -> frozenset[tuple[Issue, Issue]]:
    """The order books (TakerPays issue, TakerGets issue) whose offers the transaction created,
    changed or deleted: who listens to a book stream hears of it (rippled's
    OrderBookDB::processTxn)."""
    out: set[tuple[Issue, Issue]] = set()
    if meta is None:
        return frozenset()
    for wrapper in meta.get("AffectedNodes", ()):
        for body in wrapper.values():
            if body.get("LedgerEntryType") != LT_OFFER:
                continue
            fields = body.get("FinalFields") or body.get("NewFields") or {}
            pays, gets = fields.get("TakerPays"), fields.get("TakerGets")
            if isinstance(pays, STAmount) and isinstance(gets, STAmount):
                out.add((pays.issue, gets.issue))
    return frozenset(out)


def affected_accounts(tx: Mapping[str, Any], meta: Mapping[str, Any] | None) -> frozenset[AccountID]:
    """Every account the transaction (native form) and its metadata (native form) name."""
    out: set[AccountID] = set()
    for name in ("Account", "Destination"):
        value = tx.get(name)
        if type(value) is bytes and len(value) == 20:
            out.add(AccountID(value))
    if meta is not None:
        nodes: Iterable[Mapping[str, Any]] = meta.get("AffectedNodes", ())
        for wrapper in nodes:
            for body in wrapper.values():
                for part in _NODE_BODIES:
                    fields = body.get(part)
                    if fields:
                        _accounts_of(fields, out)
    return frozenset(out)


class DecodedTx(NamedTuple):
    """One transaction of a closed ledger, decoded once for everyone who needs its parts: the
    store (rows, account index, state diff) and the node's publication (streams)."""

    tx_id: Hash256
    blob: bytes
    meta_blob: bytes
    tx: Mapping[str, Any]
    """The transaction's native fields."""
    meta: Mapping[str, Any]
    """The metadata's native fields."""
    tx_index: int
    result: int
    accounts: frozenset[AccountID]


def decoded_transactions(
    ledger: Ledger, known: Mapping[Hash256, Mapping[str, Any]] | None = None
) -> list[DecodedTx]:
    """Every transaction of `ledger` in key order, decoded once. `known` maps IDs to native
    fields already decoded (the transactions the ledger was built from): those blobs are not
    decoded again (a transaction's fields are its blob's decoding, so they are the same)."""
    out: list[DecodedTx] = []
    for tx_id, blob, meta_blob in ledger.transactions():
        tx = known.get(tx_id) if known is not None else None
        if tx is None:
            tx = decode_native(blob)
        meta = decode_native(meta_blob)
        out.append(
            DecodedTx(
                tx_id,
                blob,
                meta_blob,
                tx,
                meta,
                int(meta.get("TransactionIndex", 0)),
                int(meta.get("TransactionResult", 0)),
                affected_accounts(tx, meta),
            )
        )
    return out
