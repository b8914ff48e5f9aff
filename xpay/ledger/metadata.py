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
from xpay.codec.native import field_encoder
from xpay.ledger import keylet
from xpay.ledger.entries import (
    ENTRY_TYPE_CODES,
    THREADED_TYPES,
    ZERO256,
    AccountRoot,
    Entry,
    RippleState,
    changed_fields_bytes,
    entry_type,
    field_pieces,
    fields_bytes,
    new_field_pieces,
    to_fields,
    with_previous_txn,
)
from xpay.ledger.views import ERASE, INSERT, ReadView
from xpay.protocol.fields import FIELDS
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
        if prev_id != ZERO256:
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


# Metadata as bytes ---------------------------------------------------------------------------
#
# The same metadata, produced directly in its serialised form from the entries' fields
# (xpay.ledger.entries: fields_bytes, changed_field_pieces, new_field_pieces): no native dict to
# build, compare field by field and then encode for every transaction of a ledger being built.
# `build_metadata` above is the reference this one is checked against (same bytes: a property
# test and the pinned ledger hashes hold them together); this one is what the pipeline uses.

# An affected node's fields, in canonical order: each node is a list with one slot per field
# (None when absent), so assembling it is a join.
_NODE_FIELDS = (
    "LedgerEntryType", "PreviousTxnLgrSeq", "PreviousTxnID", "LedgerIndex",
    "PreviousFields", "FinalFields", "NewFields",
)  # fmt: skip
assert list(_NODE_FIELDS) == sorted(_NODE_FIELDS, key=lambda n: FIELDS[n].sort_key)
_TYPE, _PREV_SEQ, _PREV_ID, _INDEX, _PREVIOUS, _FINAL, _NEW = range(len(_NODE_FIELDS))
_ENCODE_TYPE = field_encoder("LedgerEntryType")[1]
_ENCODE_PREV_ID = field_encoder("PreviousTxnID")[1]
_ENCODE_PREV_SEQ = field_encoder("PreviousTxnLgrSeq")[1]
_ENCODE_TX_INDEX = field_encoder("TransactionIndex")[1]
_ENCODE_RESULT = field_encoder("TransactionResult")[1]
_ENCODE_DELIVERED = field_encoder("DeliveredAmount")[1]
_INDEX_HEADER = FIELDS["LedgerIndex"].header
_PREVIOUS_HEADER = FIELDS["PreviousFields"].header
_FINAL_HEADER = FIELDS["FinalFields"].header
_NEW_HEADER = FIELDS["NewFields"].header
_NODE_HEADERS = {name: FIELDS[name].header for name in ("CreatedNode", "ModifiedNode", "DeletedNode")}
_AFFECTED_HEADER = FIELDS["AffectedNodes"].header
_OBJECT_END = b"\xe1"
_ARRAY_END = b"\xf1"
_TOP_ORDER = ("TransactionIndex", "DeliveredAmount", "AffectedNodes", "TransactionResult")
assert list(_TOP_ORDER) == sorted(_TOP_ORDER, key=lambda n: FIELDS[n].sort_key)
_TYPE_PIECES: dict[int, bytes] = {}
_NOT_LISTED = _NEVER | _DELETE_FINAL_ONLY
"""Fields that never appear in PreviousFields, a modified node's FinalFields, or NewFields."""

_Node = list[bytes | None]


class _BlobBuilder:
    """_MetaBuilder's twin: each node is (kind, its field slots)."""

    __slots__ = ("base", "final", "ledger_seq", "mods", "nodes", "tx_id")

    def __init__(self, base: ReadView, tx_id: Hash256, ledger_seq: int) -> None:
        self.base = base
        self.tx_id = tx_id
        self.ledger_seq = ledger_seq
        self.nodes: dict[bytes, tuple[bytes, _Node]] = {}
        self.final: dict[bytes, Entry] = {}
        self.mods: dict[bytes, Entry] = {}

    def node(self, key: bytes, kind: str, entry_type: int) -> _Node:
        found = self.nodes.get(key)
        if found is not None:
            return found[1]
        type_piece = _TYPE_PIECES.get(entry_type)
        if type_piece is None:
            type_piece = _TYPE_PIECES[entry_type] = _ENCODE_TYPE(entry_type)
        if len(key) != 32:
            raise ValueError(f"metadata: a ledger key is 32 bytes, not {len(key)}")
        body: _Node = [type_piece, None, None, _INDEX_HEADER + key, None, None, None]
        self.nodes[key] = (_NODE_HEADERS[kind], body)
        return body

    def thread_item(self, key: bytes, entry: Entry) -> Entry:
        prev_id: Hash256 = entry.previous_txn_id  # type: ignore[union-attr]
        prev_seq: int = entry.previous_txn_lgr_seq  # type: ignore[union-attr]
        if prev_id == self.tx_id:
            threaded = entry  # threaded already (an owner of two changed entries)
        else:
            threaded = with_previous_txn(entry, self.tx_id, self.ledger_seq)
        if prev_id != ZERO256:
            body = self.node(key, "ModifiedNode", entry_type(entry))
            if body[_PREV_ID] is None:
                body[_PREV_ID] = _ENCODE_PREV_ID(prev_id)
            if body[_PREV_SEQ] is None:
                body[_PREV_SEQ] = _ENCODE_PREV_SEQ(prev_seq)
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
        if type(entry) is RippleState:
            self.thread_account(entry.low_account, erased)
            self.thread_account(entry.high_account, erased)
            return
        account = getattr(entry, "account", None)
        if account is not None and type(entry) is not AccountRoot:
            self.thread_account(account, erased)
        destination = getattr(entry, "destination", None)
        if destination is not None:
            self.thread_account(destination, erased)


def _previous_fields(orig: Entry, current: Entry) -> bytes | None:
    """The PreviousFields object: `orig`'s fields whose value changed (or went away), or None
    when none did."""
    if type(orig) is type(current):
        changed = changed_fields_bytes(orig, current, _NOT_LISTED)
    else:
        now = {name: piece for _, name, piece in field_pieces(current)}
        changed = b"".join(
            [piece for _, name, piece in field_pieces(orig) if name not in _NOT_LISTED and now.get(name) != piece]
        )
    if not changed:
        return None
    return _PREVIOUS_HEADER + changed + _OBJECT_END


def build_metadata_blob(
    base: ReadView,
    changes: list[tuple[bytes, int, Entry]],
    tx_id: Hash256,
    ledger_seq: int,
    result: int,
    tx_index: int,
    delivered: STAmount | None = None,
) -> tuple[bytes, list[Entry]]:
    """`build_metadata`, serialised: the metadata blob for `changes` = (key, action, entry) in
    key order, and the entries to write (threaded), including accounts touched only by
    threading."""
    b = _BlobBuilder(base, tx_id, ledger_seq)
    final = b.final
    erased: set[bytes] = set()
    for key, action, entry in changes:
        if action == ERASE:
            erased.add(key)
        else:
            final[key] = entry
    read = base.read_key

    for key, action, entry in changes:
        if action == ERASE:
            orig = read(key)
            if orig is None:
                raise KeyError(f"metadata: erased entry {key.hex()} not in the base view")
            body = b.node(key, "DeletedNode", entry_type(entry))
            b.thread_owners(orig, erased)
            body[_PREVIOUS] = _previous_fields(orig, entry)
            finals = fields_bytes(entry, _NEVER)
            if finals:
                body[_FINAL] = _FINAL_HEADER + finals + _OBJECT_END
        elif action == INSERT:
            current = final[key]
            body = b.node(key, "CreatedNode", entry_type(current))
            b.thread_owners(current, erased)
            if type(current) in THREADED_TYPES:
                final[key] = current = b.thread_item(key, current)
            news = [piece for _, name, piece in new_field_pieces(current) if name not in _NOT_LISTED]
            if news:
                body[_NEW] = _NEW_HEADER + b"".join(news) + _OBJECT_END
        else:
            orig = read(key)
            if orig is None:
                raise KeyError(f"metadata: modified entry {key.hex()} not in the base view")
            current = final[key]
            if current == orig:
                continue
            kind = type(current)
            body = b.node(key, "ModifiedNode", ENTRY_TYPE_CODES[kind])
            if kind in THREADED_TYPES:
                final[key] = current = b.thread_item(key, current)
            if kind is type(orig):
                changed = changed_fields_bytes(orig, current, _NOT_LISTED)
                if changed:
                    body[_PREVIOUS] = _PREVIOUS_HEADER + changed + _OBJECT_END
            else:
                body[_PREVIOUS] = _previous_fields(orig, current)
            finals = fields_bytes(current, _NOT_LISTED)
            if finals:
                body[_FINAL] = _FINAL_HEADER + finals + _OBJECT_END

    out = [_AFFECTED_HEADER]
    nodes = b.nodes
    for key in sorted(nodes):
        header, body = nodes[key]
        out.append(header)
        out.extend([piece for piece in body if piece is not None])
        out.append(_OBJECT_END)
    out.append(_ARRAY_END)
    # The top-level fields in _TOP_ORDER.
    out[0] = _ENCODE_TX_INDEX(tx_index) + (b"" if delivered is None else _ENCODE_DELIVERED(delivered)) + _AFFECTED_HEADER
    out.append(_ENCODE_RESULT(result))
    return b"".join(out), [*final.values(), *b.mods.values()]
