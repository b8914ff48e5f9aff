"""Ledger entries (rippled's SLEs) as immutable typed records.

Each entry type the engine writes is a `NamedTuple` whose first field is its ledger key (rippled's
SLE key, written as LedgerIndex in metadata and never serialised). A change yields a new value
(`entry._replace(...)`), so a sandbox shares every unchanged entry with its parent. NamedTuples are
the fastest immutable record CPython has (construction and `_replace` cost a third of a frozen
dataclass's) and ledger entries are on the hottest path there is.

Every entry converts to and from the codec's native field dict through one table per type, so the
binary form, the JSON form and the metadata diff are all driven by the XRPL's field table, never
written per type. Optional fields are None when absent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, NamedTuple, TypeAlias

from xpay.amounts import STAmount, XRPAmount
from xpay.amounts.errors import AmountError
from xpay.amounts.st_amount import native_wire
from xpay.codec.errors import CodecError
from xpay.codec.native import field_encoder
from xpay.protocol.fields import FIELDS
from xpay.protocol.ids import AccountID, Currency, Hash256

ZERO256 = Hash256(bytes(32))

# LedgerEntryType codes (rippled's LedgerFormats.h).
LT_ACCOUNT_ROOT = 0x0061
LT_DIR_NODE = 0x0064
LT_RIPPLE_STATE = 0x0072
LT_OFFER = 0x006F
LT_FEE_SETTINGS = 0x0073
LT_LEDGER_HASHES = 0x0068


class AccountRoot(NamedTuple):
    """An account: its XRP balance, next sequence, owned-object count and settings."""

    key: Hash256
    account: AccountID
    balance: XRPAmount
    sequence: int
    owner_count: int = 0
    flags: int = 0
    previous_txn_id: Hash256 = ZERO256
    previous_txn_lgr_seq: int = 0
    regular_key: AccountID | None = None
    transfer_rate: int | None = None
    domain: bytes | None = None
    email_hash: bytes | None = None
    message_key: bytes | None = None
    tick_size: int | None = None
    account_txn_id: Hash256 | None = None



class RippleState(NamedTuple):
    """A trust line between the low and the high account (by account ID) in one currency.

    `balance` is from the low account's side, with the neutral issuer ACCOUNT_ONE: positive means
    the high account owes the low account.
    """

    key: Hash256
    balance: STAmount
    low_limit: STAmount
    high_limit: STAmount
    flags: int = 0
    low_node: int | None = None
    high_node: int | None = None
    low_quality_in: int | None = None
    low_quality_out: int | None = None
    high_quality_in: int | None = None
    high_quality_out: int | None = None
    previous_txn_id: Hash256 = ZERO256
    previous_txn_lgr_seq: int = 0


    @property
    def low_account(self) -> AccountID:
        return self.low_limit.issue.account

    @property
    def high_account(self) -> AccountID:
        return self.high_limit.issue.account

    @property
    def currency(self) -> Currency:
        return self.balance.issue.currency


class DirectoryNode(NamedTuple):
    """One page of a directory: an owner directory or one quality level of an order book."""

    key: Hash256
    root_index: Hash256
    indexes: tuple[Hash256, ...] = ()
    flags: int = 0
    owner: AccountID | None = None
    index_next: int | None = None
    index_previous: int | None = None
    taker_pays_currency: Currency | None = None
    taker_pays_issuer: AccountID | None = None
    taker_gets_currency: Currency | None = None
    taker_gets_issuer: AccountID | None = None
    exchange_rate: int | None = None



class Offer(NamedTuple):
    """A standing offer: its owner will give `taker_gets` for `taker_pays`."""

    key: Hash256
    account: AccountID
    sequence: int
    taker_pays: STAmount
    taker_gets: STAmount
    book_directory: Hash256
    book_node: int = 0
    owner_node: int = 0
    flags: int = 0
    expiration: int | None = None
    previous_txn_id: Hash256 = ZERO256
    previous_txn_lgr_seq: int = 0



class FeeSettings(NamedTuple):
    """The network's fee schedule (the XRPFees form: amounts in drops)."""

    key: Hash256
    base_fee_drops: XRPAmount
    reserve_base_drops: XRPAmount
    reserve_increment_drops: XRPAmount
    flags: int = 0



class LedgerHashes(NamedTuple):
    """The skip list: hashes of the last 256 ledgers, for lookups by sequence."""

    key: Hash256
    hashes: tuple[Hash256, ...] = ()
    last_ledger_sequence: int = 0
    flags: int = 0



Entry: TypeAlias = AccountRoot | RippleState | DirectoryNode | Offer | FeeSettings | LedgerHashes


def _install_fast_replace(cls: type) -> None:
    """Give an entry class a `_replace` with collections.namedtuple's behaviour at half its cost.

    A change to an entry is `entry._replace(...)`, several times per transaction (fee and
    sequence, balances, directory pages, threading). The generic version pops every field name
    from the keyword arguments through `map`; this one writes only the named positions into a
    copy. Same result, same ValueError for a field the entry does not have.
    """
    positions = {name: i for i, name in enumerate(cls._fields)}  # type: ignore[attr-defined]
    new = tuple.__new__

    def _replace(self: Any, /, **changes: Any) -> Any:
        values = [*self]
        try:
            for name in changes:
                values[positions[name]] = changes[name]
        except KeyError:
            raise ValueError(f"Got unexpected field names: {sorted(set(changes) - set(positions))!r}") from None
        return new(cls, values)

    _replace.__doc__ = f"A copy of the {cls.__name__} with the named fields changed."
    setattr(cls, "_replace", _replace)  # noqa: B010 - NamedTuple forbids defining it in the body


for _entry_cls in (AccountRoot, RippleState, DirectoryNode, Offer, FeeSettings, LedgerHashes):
    _install_fast_replace(_entry_cls)

_THREAD_POSITIONS: Final[dict[type, tuple[int, int]]] = {
    cls: (cls._fields.index("previous_txn_id"), cls._fields.index("previous_txn_lgr_seq"))
    for cls in (AccountRoot, RippleState, Offer)
}


def with_previous_txn(entry: Entry, tx_id: Hash256, ledger_seq: int) -> Entry:
    """A threaded entry (AccountRoot, RippleState, Offer) with PreviousTxnID and
    PreviousTxnLgrSeq set: `_replace` of those two, for metadata's threading of every
    entry a transaction touches."""
    cls = type(entry)
    id_pos, seq_pos = _THREAD_POSITIONS[cls]
    values = [*entry]
    values[id_pos] = tx_id
    values[seq_pos] = ledger_seq
    threaded: Entry = tuple.__new__(cls, values)
    return threaded

ENTRY_TYPE_CODES: dict[type, int] = {
    AccountRoot: LT_ACCOUNT_ROOT,
    RippleState: LT_RIPPLE_STATE,
    DirectoryNode: LT_DIR_NODE,
    Offer: LT_OFFER,
    FeeSettings: LT_FEE_SETTINGS,
    LedgerHashes: LT_LEDGER_HASHES,
}
"""LedgerEntryType code of each entry class (rippled's LedgerFormats.h)."""


def entry_type(entry: Entry) -> int:
    """The entry's LedgerEntryType code."""
    return ENTRY_TYPE_CODES[type(entry)]


THREADED_TYPES: frozenset[type] = frozenset({AccountRoot, RippleState, Offer})
"""Entries that carry PreviousTxnID / PreviousTxnLgrSeq and are threaded by metadata."""


# The field table: for each type, (attribute index, XRPL field name, to native, from native).
_Conv = Callable[[Any], Any] | None


def _xrp_to_native(v: XRPAmount) -> STAmount:
    return STAmount.from_xrp(v)


def _xrp_from_native(v: STAmount) -> XRPAmount:
    return v.xrp()


def _tuple_to_list(v: tuple[bytes, ...]) -> list[bytes]:
    return list(v)


_FIELD_NAMES: dict[type, dict[str, tuple[str, _Conv, _Conv]]] = {
    AccountRoot: {
        "account": ("Account", None, None),
        "balance": ("Balance", _xrp_to_native, _xrp_from_native),
        "sequence": ("Sequence", None, None),
        "owner_count": ("OwnerCount", None, None),
        "flags": ("Flags", None, None),
        "previous_txn_id": ("PreviousTxnID", None, None),
        "previous_txn_lgr_seq": ("PreviousTxnLgrSeq", None, None),
        "regular_key": ("RegularKey", None, None),
        "transfer_rate": ("TransferRate", None, None),
        "domain": ("Domain", None, None),
        "email_hash": ("EmailHash", None, None),
        "message_key": ("MessageKey", None, None),
        "tick_size": ("TickSize", None, None),
        "account_txn_id": ("AccountTxnID", None, None),
    },
    RippleState: {
        "balance": ("Balance", None, None),
        "low_limit": ("LowLimit", None, None),
        "high_limit": ("HighLimit", None, None),
        "flags": ("Flags", None, None),
        "low_node": ("LowNode", None, None),
        "high_node": ("HighNode", None, None),
        "low_quality_in": ("LowQualityIn", None, None),
        "low_quality_out": ("LowQualityOut", None, None),
        "high_quality_in": ("HighQualityIn", None, None),
        "high_quality_out": ("HighQualityOut", None, None),
        "previous_txn_id": ("PreviousTxnID", None, None),
        "previous_txn_lgr_seq": ("PreviousTxnLgrSeq", None, None),
    },
    DirectoryNode: {
        "root_index": ("RootIndex", None, None),
        "indexes": ("Indexes", _tuple_to_list, tuple),
        "flags": ("Flags", None, None),
        "owner": ("Owner", None, None),
        "index_next": ("IndexNext", None, None),
        "index_previous": ("IndexPrevious", None, None),
        "taker_pays_currency": ("TakerPaysCurrency", None, None),
        "taker_pays_issuer": ("TakerPaysIssuer", None, None),
        "taker_gets_currency": ("TakerGetsCurrency", None, None),
        "taker_gets_issuer": ("TakerGetsIssuer", None, None),
        "exchange_rate": ("ExchangeRate", None, None),
    },
    Offer: {
        "account": ("Account", None, None),
        "sequence": ("Sequence", None, None),
        "taker_pays": ("TakerPays", None, None),
        "taker_gets": ("TakerGets", None, None),
        "book_directory": ("BookDirectory", None, None),
        "book_node": ("BookNode", None, None),
        "owner_node": ("OwnerNode", None, None),
        "flags": ("Flags", None, None),
        "expiration": ("Expiration", None, None),
        "previous_txn_id": ("PreviousTxnID", None, None),
        "previous_txn_lgr_seq": ("PreviousTxnLgrSeq", None, None),
    },
    FeeSettings: {
        "base_fee_drops": ("BaseFeeDrops", _xrp_to_native, _xrp_from_native),
        "reserve_base_drops": ("ReserveBaseDrops", _xrp_to_native, _xrp_from_native),
        "reserve_increment_drops": ("ReserveIncrementDrops", _xrp_to_native, _xrp_from_native),
        "flags": ("Flags", None, None),
    },
    LedgerHashes: {
        "hashes": ("Hashes", _tuple_to_list, tuple),
        "last_ledger_sequence": ("LastLedgerSequence", None, None),
        "flags": ("Flags", None, None),
    },
}

# Compiled per type: [(tuple position, field name, to-native converter)], skipping `key`.
_TO_NATIVE: dict[type, tuple[tuple[int, str, _Conv], ...]] = {}
# Per entry-type code: (class, {field name: (attribute, from-native converter)}).
_FROM_NATIVE: dict[int, tuple[type, dict[str, tuple[str, _Conv]]]] = {}
for _cls, _table in _FIELD_NAMES.items():
    _fields: tuple[str, ...] = _cls._fields  # type: ignore[attr-defined]
    _TO_NATIVE[_cls] = tuple(
        (_fields.index(attr), name, to_native) for attr, (name, to_native, _) in _table.items()
    )
    _FROM_NATIVE[ENTRY_TYPE_CODES[_cls]] = (
        _cls,
        {name: (attr, from_native) for attr, (name, _, from_native) in _table.items()},
    )

ENTRY_TYPES: dict[int, type] = {code: cls for code, (cls, _) in _FROM_NATIVE.items()}


def to_fields(entry: Entry) -> dict[str, Any]:
    """The entry as the codec's native field dict (LedgerEntryType included, key excluded)."""
    out: dict[str, Any] = {"LedgerEntryType": ENTRY_TYPE_CODES[type(entry)]}
    for pos, name, conv in _TO_NATIVE[type(entry)]:
        v = entry[pos]
        if v is not None:
            out[name] = conv(v) if conv is not None else v
    return out


def from_fields(key: bytes, fields: Mapping[str, Any]) -> Entry:
    """Build an entry from a native field dict; unknown types or fields raise ValueError."""
    code = fields.get("LedgerEntryType")
    spec = _FROM_NATIVE.get(code) if isinstance(code, int) else None
    if spec is None:
        raise ValueError(f"unsupported LedgerEntryType {code!r}")
    cls, table = spec
    kwargs: dict[str, Any] = {"key": Hash256(key)}
    for name, value in fields.items():
        if name in ("LedgerEntryType", "LedgerIndex"):
            continue
        attr_conv = table.get(name)
        if attr_conv is None:
            raise ValueError(f"{cls.__name__} has no field {name}")
        attr, conv = attr_conv
        kwargs[attr] = conv(value) if conv is not None else value
    return cls(**kwargs)  # type: ignore[no-any-return]


# Serialised pieces --------------------------------------------------------------------------
#
# The state tree hashes every changed entry's bytes at each close, and metadata compares and
# writes entries field by field for every transaction of a ledger being built. Both work from
# one compiled plan per entry type, made from the field table above: per field, in canonical
# order, its position in the tuple and an encoder giving the field ID and value bytes
# (xpay.codec.native.field_encoder; XRP balances straight from the drops). The pieces of an
# entry joined after its LedgerEntryType are exactly encode_native(to_fields(entry)).

FieldPiece: TypeAlias = tuple[int, str, bytes]
"""(canonical sort key, XRPL field name, field ID + value bytes) of one field of an entry."""

_Encode: TypeAlias = Callable[[Any], bytes]


def _is_default_value(value: Any) -> bool:
    """rippled's STBase::isDefault for the values entries hold."""
    if isinstance(value, STAmount):
        return value.native and value.mantissa == 0
    if isinstance(value, XRPAmount):  # an XRP field, kept as drops
        return value.drops == 0
    if isinstance(value, int):
        return value == 0
    if isinstance(value, bytes):
        return not any(value)
    if isinstance(value, (list, tuple)):
        return len(value) == 0
    return False


def _xrp_encoder(name: str) -> tuple[int, _Encode]:
    """An XRPAmount field's encoder: the STAmount's bytes, straight from the drops."""
    key, _encode = field_encoder(name)
    header = FIELDS[name].header

    def encode(value: Any) -> bytes:
        if type(value) is not XRPAmount:
            raise TypeError(f"{name} must be an XRPAmount, not {type(value).__name__}")
        return header + native_wire(value.drops)

    return key, encode


def _compile_plan(cls: type) -> tuple[tuple[int, int, str, _Encode], ...]:
    """(sort key, tuple position, field name, encoder) for each field of `cls`, sorted."""
    positions = cls._fields  # type: ignore[attr-defined]
    plan = []
    for attr, (name, to_native, _from) in _FIELD_NAMES[cls].items():
        # The native converters are for the codec's dict form; the encoders take the values
        # as entries hold them (XRP as XRPAmount, vectors as tuples).
        key, encode = _xrp_encoder(name) if to_native is _xrp_to_native else field_encoder(name)
        plan.append((key, positions.index(attr), name, encode))
    plan.sort()
    return tuple(plan)


_PIECE_PLANS: Final = {cls: _compile_plan(cls) for cls in _FIELD_NAMES}
_LEDGER_ENTRY_TYPE_KEY, _encode_entry_type = field_encoder("LedgerEntryType")
assert all(key > _LEDGER_ENTRY_TYPE_KEY for plan in _PIECE_PLANS.values() for key, *_ in plan)
_TYPE_PIECES: Final = {cls: _encode_entry_type(code) for cls, code in ENTRY_TYPE_CODES.items()}
# (position, encoder) of the fields not skipped: per set of skipped names, per entry type.
_SKIP_PLANS: dict[frozenset[str], dict[type, tuple[tuple[int, _Encode], ...]]] = {}


def _skip_plan(cls: type, skip: frozenset[str]) -> tuple[tuple[int, _Encode], ...]:
    plans = _SKIP_PLANS.get(skip)
    if plans is None:
        plans = _SKIP_PLANS[skip] = {
            kind: tuple((pos, encode) for _, pos, name, encode in plan if name not in skip)
            for kind, plan in _PIECE_PLANS.items()
        }
    return plans[cls]


def _bad_field(entry: Entry, pos: int, exc: Exception) -> CodecError:
    """A codec error naming the field, as encode_native reports a bad value."""
    name = next((n for _, p, n, _e in _PIECE_PLANS[type(entry)] if p == pos), "?")
    if isinstance(exc, CodecError):
        return exc.in_field(name)
    return CodecError(f"bad value: {exc}", field=name)


_ENCODE_ERRORS = (CodecError, AttributeError, TypeError, OverflowError, AmountError, ValueError)


def field_pieces(entry: Entry) -> list[FieldPiece]:
    """The entry's present fields as pieces, in canonical order (LedgerEntryType excluded)."""
    out: list[FieldPiece] = []
    pos = -1
    try:
        for key, pos, name, encode in _PIECE_PLANS[type(entry)]:
            value = entry[pos]
            if value is not None:
                out.append((key, name, encode(value)))
    except _ENCODE_ERRORS as exc:
        raise _bad_field(entry, pos, exc) from None
    return out


def new_field_pieces(entry: Entry) -> list[FieldPiece]:
    """The pieces of the fields that are not at their default value (what a created entry's
    NewFields lists, rippled's sMD_Create)."""
    out: list[FieldPiece] = []
    pos = -1
    try:
        for key, pos, name, encode in _PIECE_PLANS[type(entry)]:
            value = entry[pos]
            if value is not None and not _is_default_value(value):
                out.append((key, name, encode(value)))
    except _ENCODE_ERRORS as exc:
        raise _bad_field(entry, pos, exc) from None
    return out


def changed_fields_bytes(orig: Entry, current: Entry, skip: frozenset[str]) -> bytes:
    """The serialised fields of `orig` (but those named in `skip`) whose value differs in
    `current`, an entry of the same type, in canonical order: the inside of a modified entry's
    PreviousFields. Only the changed fields are serialised."""
    out: list[bytes] = []
    pos = -1
    try:
        for pos, encode in _skip_plan(type(orig), skip):
            value = orig[pos]
            if value is not None and value is not current[pos] and value != current[pos]:
                out.append(encode(value))
    except _ENCODE_ERRORS as exc:
        raise _bad_field(orig, pos, exc) from None
    return b"".join(out)


def fields_bytes(entry: Entry, skip: frozenset[str]) -> bytes:
    """The serialised fields of the entry (LedgerEntryType excluded, and those named in
    `skip`), in canonical order: the inside of a FinalFields object."""
    out: list[bytes] = []
    pos = -1
    try:
        for pos, encode in _skip_plan(type(entry), skip):
            value = entry[pos]
            if value is not None:
                out.append(encode(value))
    except _ENCODE_ERRORS as exc:
        raise _bad_field(entry, pos, exc) from None
    return b"".join(out)


_NO_SKIP: Final[frozenset[str]] = frozenset()


def serialize(entry: Entry) -> bytes:
    """The entry's XRPL binary form (what the state tree hashes): encode_native(to_fields(entry))."""
    return _TYPE_PIECES[type(entry)] + fields_bytes(entry, _NO_SKIP)
