"""Transaction metadata derived from a sandbox's diff, as rippled's ApplyStateTable::apply does it.

For every entry a transaction created, modified or deleted, in key order, one AffectedNodes item:

* CreatedNode: NewFields = the entry's non-default fields;
* ModifiedNode: PreviousFields = the original values of fields that changed, FinalFields = the
  entry's fields after the transaction; skipped when nothing changed;
* DeletedNode: PreviousFields as for a modification, FinalFields = the last value.

Which fields appear where follows rippled's per-field metadata flags (sMD_*): LedgerEntryType and
Indexes never appear; PreviousTxnID and PreviousTxnLgrSeq only in a deleted node's FinalFields;
RootIndex always. Threading, as rippled: a modified or created entry of a threaded type
(AccountRoot, RippleState, Offer) gets PreviousTxnID / PreviousTxnLgrSeq = this transaction, and
the node records the values they replace; created and deleted entries thread to their owners
(both accounts of a trust line; the Account and Destination of anything else).
"""

from __future__ import annotations

from typing import Any

from xpay.amounts import STAmount
from xpay.ledger import keylet
from xpay.ledger.entries import (
    THREADED_TYPES,
    AccountRoot,
    Entry,
    RippleState,
    entry_type,
    to_fields,
)
from xpay.ledger.views import ERASE, INSERT, ReadView
from xpay.protocol.ids import AccountID, Hash256

_NEVER = frozenset({"LedgerEntryType", "Indexes"})
_DELETE_FINAL_ONLY = frozenset({"PreviousTxnID", "PreviousTxnLgrSeq"})


def _is_default(value: Any) -> bool:
    """rippled's STBase::isDefault for the field types entries use."""
    if isinstance(value, STAmount):
        return value.native and value.mantissa == 0
    if isinstance(value, int):
        return value == 0
    if isinstance(value, (bytes, list, tuple)):
        return not any(value) if isinstance(value, bytes) else len(value) == 0
    return False


def _thread(entry: Entry, tx_id: Hash256, ledger_seq: int) -> tuple[Entry, Hash256, int]:
    """The entry threaded to this transaction, and the (PreviousTxnID, PreviousTxnLgrSeq) it had."""
    prev_id: Hash256 = entry.previous_txn_id  # type: ignore[union-attr]
    prev_seq: int = entry.previous_txn_lgr_seq  # type: ignore[union-attr]
    if prev_id == tx_id:
        return entry, prev_id, prev_seq
    threaded = entry._replace(previous_txn_id=tx_id, previous_txn_lgr_seq=ledger_seq)  # type: ignore[call-arg]
    return threaded, prev_id, prev_seq


class _MetaBuilder:
    def __init__(self, base: ReadView, tx_id: Hash256, ledger_seq: int) -> None:
        self.base = base
        self.tx_id = tx_id
        self.ledger_seq = ledger_seq
        self.nodes: dict[bytes, tuple[str, dict[str, Any]]] = {}
        # Final entries to write: the transaction's own changes, updated by threading, plus
        # accounts changed only by threading (rippled's `newMod`).
        self.final: dict[bytes, Entry] = {}
        self.mods: dict[bytes, Entry] = {}

    def node(self, key: bytes, kind: str, entry_type: int) -> dict[str, Any]:
        found = self.nodes.get(key)
        if found is None:
            body: dict[str, Any] = {"LedgerEntryType": entry_type, "LedgerIndex": key}
            self.nodes[key] = (kind, body)
            return body
        return found[1]

    def thread_item(self, key: bytes, entry: Entry) -> Entry:
        threaded, prev_id, prev_seq = _thread(entry, self.tx_id, self.ledger_seq)
        if any(prev_id):
            body = self.node(key, "ModifiedNode", entry_type(entry))
            body.setdefault("PreviousTxnID", prev_id)
            body.setdefault("PreviousTxnLgrSeq", prev_seq)
        return threaded

    def thread_account(self, account: AccountID, erased: set[bytes]) -> None:
        key = keylet.account(account).key
        if key in erased:
            return
        if key in self.final:
            self.final[key] = self.thread_item(key, self.final[key])
            return
        current = self.mods.get(key) or self.base.read_key(key)
        if current is None:
            return
        self.mods[key] = self.thread_item(key, current)

    def thread_owners(self, entry: Entry, erased: set[bytes]) -> None:
        if isinstance(entry, RippleState):
            self.thread_account(entry.low_account, erased)
            self.thread_account(entry.high_account, erased)
            return
        account = getattr(entry, "account", None)
        if account is not None and not isinstance(entry, AccountRoot):
            self.thread_account(account, erased)
        destination = getattr(entry, "destination", None)
        if destination is not None:
            self.thread_account(destination, erased)


def build_metadata(
    base: ReadView,
    changes: list[tuple[bytes, int, Entry]],
    tx_id: Hash256,
    ledger_seq: int,
    result: int,
    tx_index: int,
    delivered: STAmount | None = None,
) -> tuple[dict[str, Any], list[Entry]]:
    """The metadata (codec native form) for `changes` = (key, action, entry) in key order, and the
    entries to write (threaded), including accounts touched only by threading."""
    b = _MetaBuilder(base, tx_id, ledger_seq)
    erased = {key for key, action, _ in changes if action == ERASE}
    for key, action, entry in changes:
        if action != ERASE:
            b.final[key] = entry

    for key, action, entry in changes:
        if action == ERASE:
            orig = base.read_key(key)
            if orig is None:
                raise KeyError(f"metadata: erased entry {key.hex()} not in the base view")
            body = b.node(key, "DeletedNode", entry_type(entry))
            b.thread_owners(orig, erased)
            orig_fields = to_fields(orig)
            cur_fields = to_fields(entry)
            prevs = {
                n: v
                for n, v in orig_fields.items()
                if n not in _NEVER and n not in _DELETE_FINAL_ONLY and cur_fields.get(n) != v
            }
            if prevs:
                body["PreviousFields"] = prevs
            finals = {n: v for n, v in cur_fields.items() if n not in _NEVER}
            if finals:
                body["FinalFields"] = finals
        elif action == INSERT:
            current = b.final[key]
            body = b.node(key, "CreatedNode", entry_type(current))
            b.thread_owners(current, erased)
            if type(current) in THREADED_TYPES:
                b.final[key] = current = b.thread_item(key, current)
            news = {
                n: v
                for n, v in to_fields(current).items()
                if n not in _NEVER and n not in _DELETE_FINAL_ONLY and not _is_default(v)
            }
            if news:
                body["NewFields"] = news
        else:
            orig = base.read_key(key)
            if orig is None:
                raise KeyError(f"metadata: modified entry {key.hex()} not in the base view")
            current = b.final[key]
            if current == orig:
                continue
            body = b.node(key, "ModifiedNode", entry_type(current))
            if type(current) in THREADED_TYPES:
                b.final[key] = current = b.thread_item(key, current)
            orig_fields = to_fields(orig)
            cur_fields = to_fields(current)
            prevs = {
                n: v
                for n, v in orig_fields.items()
                if n not in _NEVER and n not in _DELETE_FINAL_ONLY and cur_fields.get(n) != v
            }
            if prevs:
                body["PreviousFields"] = prevs
            finals = {n: v for n, v in cur_fields.items() if n not in _NEVER and n not in _DELETE_FINAL_ONLY}
            if finals:
                body["FinalFields"] = finals

    affected = [{kind: body} for _, (kind, body) in sorted(b.nodes.items())]
    meta: dict[str, Any] = {
        "AffectedNodes": affected,
        "TransactionIndex": tx_index,
        "TransactionResult": result,
    }
    if delivered is not None:
        meta["DeliveredAmount"] = delivered
    writes = list(b.final.values()) + list(b.mods.values())
    return meta, writes
