"""The XRPL binary codec, native layer: serialised objects <-> dicts of Python values.

This is rippled's STObject serialisation (`STObject::add` / the `SerialIter` constructors): each
field is a field ID (type code and nth, see `xpay.protocol.fields`) followed by its value, fields
sorted by `(type code, nth)`; nested objects end with the ObjectEndMarker (0xE1), arrays with the
ArrayEndMarker (0xF1); Blob, AccountID and Vector256 values carry a variable-length prefix.

Native values (what the ledger engine works with; the JSON layer converts to rippled's JSON):
UInt8/16/32/64 and Int32/64 -> int (TransactionType, LedgerEntryType and TransactionResult
stay ints); Hash128…Hash512 -> bytes; AccountID -> bytes (20); Blob -> bytes; Currency -> bytes
(20); Amount -> `STAmount` (or `MPTAmount`); Issue -> `Issue` (or `MPTIssue`); Number ->
`STNumber`; STObject -> dict; STArray -> list of one-key dicts (`{"Memo": {...}}`); PathSet ->
list of paths, each a list of steps, a step a dict with some of "account", "currency", "issuer"
(bytes); Vector256 -> list of 32-byte bytes; XChainBridge -> dict of its four parts.

Decoding is strict as rippled's is: unknown fields, fields out of canonical order or repeated,
truncated values, bad length prefixes, non-canonical field IDs and nesting deeper than rippled
allows all raise `CodecError` with the byte offset and field name.

Everything that can be is precomputed per field at import (header bytes, sort key, reader,
writer): this is the hot path of the ledger engine.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from typing import Any, Final

from xpay.amounts.errors import AmountError
from xpay.amounts.issue import XRP_ISSUE, Issue, issue_from_key
from xpay.amounts.st_amount import STAmount
from xpay.codec.errors import CodecError
from xpay.codec.mpt import MPT_AMOUNT_LENGTH, MPTAmount, MPTIssue
from xpay.codec.number import STNumber
from xpay.protocol.fields import ARRAY_END_MARKER, FIELDS, OBJECT_END_MARKER, FieldInfo
from xpay.protocol.ids import ACCOUNT_ONE

MAX_DEPTH: Final = 10
"""rippled refuses objects nested more than ten deep (STVar's max nesting depth)."""
MAX_VL_LENGTH: Final = 918744
"""The largest length a three-byte variable-length prefix can express."""

_OBJECT_END_KEY: Final = OBJECT_END_MARKER.sort_key
_ARRAY_END_KEY: Final = ARRAY_END_MARKER.sort_key
_OBJECT_END: Final = b"\xe1"
_ARRAY_END: Final = b"\xf1"
_ZERO20: Final = bytes(20)

# Path step type bits (rippled's STPathElement).
PATH_ACCOUNT: Final = 0x01
PATH_CURRENCY: Final = 0x10
PATH_ISSUER: Final = 0x20
_PATH_BOUNDARY: Final = 0xFF
_PATH_END: Final = 0x00

Reader = Callable[[bytes, int, int], tuple[Any, int]]
"""(data, position, depth) -> (value, position after it)."""
Writer = Callable[[Any, bytearray, int], None]
"""(value, output, depth) -> None: appends the value's bytes."""


# --- low-level pieces --------------------------------------------------------------------------


def _truncated(pos: int, need: int, data: bytes) -> CodecError:
    have = max(len(data) - pos, 0)
    return CodecError(f"truncated: need {need} bytes, have {have}", offset=pos)


def vl_prefix(length: int) -> bytes:
    """The variable-length prefix rippled writes before a Blob/AccountID/Vector256 value."""
    if length <= 192:
        return bytes((length,))
    if length <= 12480:
        length -= 193
        return bytes((193 + (length >> 8), length & 0xFF))
    if length <= MAX_VL_LENGTH:
        length -= 12481
        return bytes((241 + (length >> 16), (length >> 8) & 0xFF, length & 0xFF))
    raise CodecError(f"value of {length} bytes is longer than a length prefix allows")


def read_vl_length(data: bytes, pos: int) -> tuple[int, int]:
    """Decode a variable-length prefix at `pos`: (length, position after the prefix). The
    length is checked against the bytes that remain."""
    size = len(data)
    if pos >= size:
        raise _truncated(pos, 1, data)
    b0 = data[pos]
    if b0 <= 192:
        length, after = b0, pos + 1
    elif b0 <= 240:
        if pos + 2 > size:
            raise _truncated(pos, 2, data)
        length, after = 193 + ((b0 - 193) << 8) + data[pos + 1], pos + 2
    elif b0 <= 254:
        if pos + 3 > size:
            raise _truncated(pos, 3, data)
        length = 12481 + ((b0 - 241) << 16) + (data[pos + 1] << 8) + data[pos + 2]
        after = pos + 3
    else:
        raise CodecError("invalid length prefix 0xFF", offset=pos)
    if after + length > size:
        raise CodecError(
            f"length {length} exceeds the {size - after} bytes that remain", offset=pos
        )
    return length, after


def _read_field_key(data: bytes, pos: int) -> tuple[int, int]:
    """Decode a field ID at `pos`: (field code, position after it). Rejects the non-canonical
    long forms rippled rejects (a type or nth below 16 written in a byte of its own)."""
    size = len(data)
    b = data[pos]
    t = b >> 4
    n = b & 15
    after = pos + 1
    if t == 0:
        if after >= size:
            raise _truncated(pos, 2, data)
        t = data[after]
        after += 1
        if t < 16:
            raise CodecError(f"non-canonical field ID: type {t} in a byte of its own", offset=pos)
    if n == 0:
        if after >= size:
            raise _truncated(pos, after - pos + 1, data)
        n = data[after]
        after += 1
        if n < 16:
            raise CodecError(f"non-canonical field ID: nth {n} in a byte of its own", offset=pos)
    return (t << 16) | n, after


# --- readers ---------------------------------------------------------------------------------


_STRUCT_FORMATS: Final[Mapping[tuple[int, bool], str]] = {
    (1, False): ">B",
    (2, False): ">H",
    (4, False): ">I",
    (8, False): ">Q",
    (4, True): ">i",
    (8, True): ">q",
}


def _uint_reader(width: int, signed: bool = False) -> Reader:
    unpack = struct.Struct(_STRUCT_FORMATS[width, signed]).unpack_from

    def read(data: bytes, pos: int, depth: int) -> tuple[int, int]:
        end = pos + width
        if end > len(data):
            raise _truncated(pos, width, data)
        return unpack(data, pos)[0], end

    return read


def _bytes_reader(width: int) -> Reader:
    def read(data: bytes, pos: int, depth: int) -> tuple[bytes, int]:
        end = pos + width
        if end > len(data):
            raise _truncated(pos, width, data)
        return data[pos:end], end

    return read


def _read_blob(data: bytes, pos: int, depth: int) -> tuple[bytes, int]:
    length, pos = read_vl_length(data, pos)
    end = pos + length
    return data[pos:end], end


def _read_account(data: bytes, pos: int, depth: int) -> tuple[bytes, int]:
    size = len(data)
    # The common case, inlined: a one-byte prefix of 20 (0x14).
    if pos < size and data[pos] == 20 and pos + 21 <= size:
        return data[pos + 1 : pos + 21], pos + 21
    length, _after = read_vl_length(data, pos)  # raises for a truncated value
    raise CodecError(f"an AccountID is 20 bytes, not {length}", offset=pos)


def _read_amount(data: bytes, pos: int, depth: int) -> tuple[STAmount | MPTAmount, int]:
    if pos >= len(data):
        raise _truncated(pos, 8, data)
    first = data[pos]
    if not first & 0x80 and first & 0x20:
        end = pos + MPT_AMOUNT_LENGTH
        if end > len(data):
            raise _truncated(pos, MPT_AMOUNT_LENGTH, data)
        try:
            return MPTAmount.from_wire(data[pos:end]), end
        except CodecError as exc:
            raise CodecError(exc.message, offset=pos) from None
    need = 48 if first & 0x80 else 8
    if pos + need > len(data):
        raise _truncated(pos, need, data)
    try:
        return STAmount.from_wire(data, pos)
    except AmountError as exc:
        raise CodecError(str(exc), offset=pos) from None


def _read_issue_at(data: bytes, pos: int) -> tuple[Issue | MPTIssue, int]:
    end = pos + 20
    if end > len(data):
        raise _truncated(pos, 20, data)
    currency = data[pos:end]
    if currency == _ZERO20:
        return XRP_ISSUE, end
    if end + 20 > len(data):
        raise _truncated(pos, 40, data)
    if data[end : end + 20] == ACCOUNT_ONE:
        # rippled's STIssue for an MPT: issuer, noAccount(), then the issuance sequence.
        if end + 24 > len(data):
            raise _truncated(pos, 44, data)
        return MPTIssue.from_wire(data[pos : end + 24]), end + 24
    try:
        return issue_from_key(data[pos : end + 20]), end + 20
    except AmountError as exc:
        raise CodecError(str(exc), offset=pos) from None


def _read_issue(data: bytes, pos: int, depth: int) -> tuple[Issue | MPTIssue, int]:
    return _read_issue_at(data, pos)


def _read_number(data: bytes, pos: int, depth: int) -> tuple[STNumber, int]:
    end = pos + 12
    if end > len(data):
        raise _truncated(pos, 12, data)
    return STNumber.from_wire(data[pos:end]), end


def _read_vector256(data: bytes, pos: int, depth: int) -> tuple[list[bytes], int]:
    length, pos = read_vl_length(data, pos)
    if length % 32:
        raise CodecError(f"a Vector256 is a multiple of 32 bytes, not {length}", offset=pos)
    return [data[i : i + 32] for i in range(pos, pos + length, 32)], pos + length


def _read_pathset(data: bytes, pos: int, depth: int) -> tuple[list[list[dict[str, bytes]]], int]:
    size = len(data)
    paths: list[list[dict[str, bytes]]] = []
    path: list[dict[str, bytes]] = []
    while True:
        if pos >= size:
            raise CodecError("truncated: PathSet has no end marker", offset=pos)
        kind = data[pos]
        start = pos
        pos += 1
        if kind in (_PATH_BOUNDARY, _PATH_END):
            if not path:
                raise CodecError("empty path in a PathSet", offset=start)
            paths.append(path)
            path = []
            if kind == _PATH_END:
                return paths, pos
            continue
        if kind & ~(PATH_ACCOUNT | PATH_CURRENCY | PATH_ISSUER):
            raise CodecError(f"bad path step type 0x{kind:02X}", offset=start)
        step: dict[str, bytes] = {}
        for bit, name in ((PATH_ACCOUNT, "account"), (PATH_CURRENCY, "currency"), (PATH_ISSUER, "issuer")):  # fmt: skip
            if kind & bit:
                end = pos + 20
                if end > size:
                    raise _truncated(pos, 20, data)
                step[name] = data[pos:end]
                pos = end
        path.append(step)


def _read_bridge(data: bytes, pos: int, depth: int) -> tuple[dict[str, Any], int]:
    bridge: dict[str, Any] = {}
    for door, issue in (
        ("LockingChainDoor", "LockingChainIssue"),
        ("IssuingChainDoor", "IssuingChainIssue"),
    ):
        bridge[door], pos = _read_account(data, pos, depth)
        bridge[issue], pos = _read_issue_at(data, pos)
    return bridge, pos


def _read_st_object(data: bytes, pos: int, depth: int) -> tuple[dict[str, Any], int]:
    if depth >= MAX_DEPTH:
        raise CodecError(f"objects nested more than {MAX_DEPTH} deep", offset=pos)
    return _read_fields(data, pos, depth + 1, True)


def _read_st_array(data: bytes, pos: int, depth: int) -> tuple[list[dict[str, Any]], int]:
    if depth >= MAX_DEPTH:
        raise CodecError(f"objects nested more than {MAX_DEPTH} deep", offset=pos)
    size = len(data)
    items: list[dict[str, Any]] = []
    while True:
        if pos >= size:
            raise CodecError("truncated: array has no end marker", offset=pos)
        start = pos
        key, pos = _read_field_key(data, pos)
        if key == _ARRAY_END_KEY:
            return items, pos
        field = _ARRAY_ELEMENTS.get(key)
        if field is None:
            raise CodecError("an array element must be an object field", offset=start)
        try:
            inner, pos = _read_fields(data, pos, depth + 1, True)
        except CodecError as exc:
            raise exc.in_field(field.name) from None
        items.append({field.name: inner})


def _read_fields(data: bytes, pos: int, depth: int, nested: bool) -> tuple[dict[str, Any], int]:
    """The fields of an object from `pos`: to its end marker when nested, else to the end of
    the data."""
    result: dict[str, Any] = {}
    size = len(data)
    last = -1
    single = _SINGLE_BYTE_FIELDS
    while pos < size:
        start = pos
        # Most fields have a one-byte ID: one table lookup gives the field and its reader.
        entry = single[data[pos]]
        if entry is not None:
            key, name, reader = entry
            pos += 1
        else:
            key, pos = _read_field_key(data, pos)
            found = _READERS.get(key)
            if found is None:
                raise CodecError(
                    f"unknown field (type {key >> 16}, nth {key & 0xFFFF})", offset=start
                )
            name, reader = found
        if reader is None:  # the ObjectEndMarker
            if nested:
                return result, pos
            raise CodecError("object end marker outside an object", offset=start)
        if key <= last:
            problem = "repeated field" if key == last else "field out of canonical order"
            raise CodecError(problem, offset=start, field=name)
        last = key
        try:
            result[name], pos = reader(data, pos, depth)
        except CodecError as exc:
            raise exc.in_field(name) from None
    if nested:
        raise CodecError("truncated: object has no end marker", offset=pos)
    return result, pos


# --- writers ---------------------------------------------------------------------------------


def _uint_writer(width: int, signed: bool = False) -> Writer:
    def write(value: Any, out: bytearray, depth: int) -> None:
        out += value.to_bytes(width, "big", signed=signed)

    return write


def _bytes_writer(width: int) -> Writer:
    def write(value: Any, out: bytearray, depth: int) -> None:
        if len(value) != width:
            raise CodecError(f"expected {width} bytes, got {len(value)}")
        out += value

    return write


def _write_blob(value: Any, out: bytearray, depth: int) -> None:
    out += vl_prefix(len(value))
    out += value


def _write_account(value: Any, out: bytearray, depth: int) -> None:
    if len(value) != 20:
        raise CodecError(f"an AccountID is 20 bytes, not {len(value)}")
    out += b"\x14"
    out += value


def _write_amount(value: Any, out: bytearray, depth: int) -> None:
    cls = value.__class__
    if cls is not STAmount and cls is not MPTAmount:
        raise CodecError(f"an Amount must be an STAmount, not {cls.__name__}")
    out += value.to_wire()


def _write_issue(value: Any, out: bytearray, depth: int) -> None:
    cls = value.__class__
    if cls is Issue:
        out += value.currency if value.is_xrp else value.key
    elif cls is MPTIssue:
        out += value.to_wire()
    else:
        raise CodecError(f"an Issue must be an Issue, not {cls.__name__}")


def _write_number(value: Any, out: bytearray, depth: int) -> None:
    if value.__class__ is not STNumber:
        raise CodecError(f"a Number must be an STNumber, not {value.__class__.__name__}")
    out += value.to_wire()


def _write_vector256(value: Any, out: bytearray, depth: int) -> None:
    if not isinstance(value, (list, tuple)):
        raise CodecError(f"a Vector256 is a list of hashes, not {type(value).__name__}")
    out += vl_prefix(32 * len(value))
    for item in value:
        if len(item) != 32:
            raise CodecError("a Vector256 holds 32-byte hashes")
        out += item


def _write_pathset(value: Any, out: bytearray, depth: int) -> None:
    if not isinstance(value, (list, tuple)) or not value:
        raise CodecError("a PathSet is a non-empty list of paths")
    for i, path in enumerate(value):
        if i:
            out.append(_PATH_BOUNDARY)
        if not isinstance(path, (list, tuple)) or not path:
            raise CodecError("a path is a non-empty list of steps")
        for step in path:
            if not isinstance(step, Mapping):
                raise CodecError("a path step is an object")
            kind = 0
            parts = []
            for bit, name in ((PATH_ACCOUNT, "account"), (PATH_CURRENCY, "currency"), (PATH_ISSUER, "issuer")):  # fmt: skip
                part = step.get(name)
                if part is not None:
                    if len(part) != 20:
                        raise CodecError(f"a path step's {name} is 20 bytes")
                    kind |= bit
                    parts.append(part)
            if not kind or len(step) != len(parts):
                raise CodecError(f"bad path step {sorted(step)}")
            out.append(kind)
            for part in parts:
                out += part
    out.append(_PATH_END)


def _write_bridge(value: Any, out: bytearray, depth: int) -> None:
    if not isinstance(value, Mapping) or set(value) != _BRIDGE_KEYS:
        raise CodecError(f"an XChainBridge has exactly the fields {sorted(_BRIDGE_KEYS)}")
    _write_account(value["LockingChainDoor"], out, depth)
    _write_issue(value["LockingChainIssue"], out, depth)
    _write_account(value["IssuingChainDoor"], out, depth)
    _write_issue(value["IssuingChainIssue"], out, depth)


_BRIDGE_KEYS: Final = frozenset(
    ("LockingChainDoor", "LockingChainIssue", "IssuingChainDoor", "IssuingChainIssue")
)


def _write_st_object(value: Any, out: bytearray, depth: int) -> None:
    if depth >= MAX_DEPTH:
        raise CodecError(f"objects nested more than {MAX_DEPTH} deep")
    _write_fields(value, out, depth + 1, False)
    out += _OBJECT_END


def _write_st_array(value: Any, out: bytearray, depth: int) -> None:
    if depth >= MAX_DEPTH:
        raise CodecError(f"objects nested more than {MAX_DEPTH} deep")
    if not isinstance(value, (list, tuple)):
        raise CodecError(f"an array is a list, not {type(value).__name__}")
    for item in value:
        if not isinstance(item, Mapping) or len(item) != 1:
            raise CodecError("an array element is an object with exactly one field")
        ((name, inner),) = item.items()
        field = FIELDS.get(name)
        if field is None or field.type_name != "STObject" or not field.is_serialized:
            raise CodecError(f"an array element must be an object field, not {name!r}")
        out += field.header
        try:
            _write_fields(inner, out, depth + 1, False)
        except CodecError as exc:
            raise exc.in_field(name) from None
        out += _OBJECT_END
    out += _ARRAY_END


Plan = tuple[tuple[str, bytes, Writer], ...]
"""How to write an object with a given set of fields: (name, header, writer) in canonical
order."""

# Objects of one kind carry the same fields in the same insertion order (every AccountRoot,
# every Payment built by the same code), so the sorted write plan is cached per key tuple.
_PLANS: dict[tuple[bool, tuple[Any, ...]], Plan] = {}
_PLANS_LIMIT: Final = 4096


def _make_plan(names: tuple[Any, ...], signing: bool) -> Plan:
    writers = _WRITERS
    entries = []
    for name in names:
        entry = writers.get(name)
        if entry is None:
            if name in FIELDS:
                continue  # known but never serialised (hash, index, ...)
            raise CodecError("unknown field", field=str(name))
        if signing and not entry[3]:
            continue
        entries.append((entry[0], name, entry[1], entry[2]))
    entries.sort()
    return tuple((name, header, writer) for _key, name, header, writer in entries)


def _write_fields(obj: Any, out: bytearray, depth: int, signing: bool) -> None:
    """Append the fields of `obj` in canonical order (only signing fields when `signing`)."""
    if not isinstance(obj, Mapping):
        raise CodecError(f"an object is a mapping, not {type(obj).__name__}")
    cache_key = (signing, tuple(obj))
    plan = _PLANS.get(cache_key)
    if plan is None:
        plan = _make_plan(cache_key[1], signing)
        if len(_PLANS) >= _PLANS_LIMIT:
            _PLANS.clear()
        _PLANS[cache_key] = plan
    for name, header, writer in plan:
        out += header
        value = obj[name]
        try:
            writer(value, out, depth)
        except CodecError as exc:
            raise exc.in_field(name) from None
        except (AttributeError, TypeError, OverflowError, AmountError, ValueError) as exc:
            raise CodecError(f"bad value {value!r:.80}: {exc}", field=name) from None


# --- the field table: reader and writer per type --------------------------------------------

_TYPE_CODECS: Final[Mapping[str, tuple[Reader, Writer]]] = {
    "UInt8": (_uint_reader(1), _uint_writer(1)),
    "UInt16": (_uint_reader(2), _uint_writer(2)),
    "UInt32": (_uint_reader(4), _uint_writer(4)),
    "UInt64": (_uint_reader(8), _uint_writer(8)),
    "Int32": (_uint_reader(4, signed=True), _uint_writer(4, signed=True)),
    "Int64": (_uint_reader(8, signed=True), _uint_writer(8, signed=True)),
    "Hash128": (_bytes_reader(16), _bytes_writer(16)),
    "Hash160": (_bytes_reader(20), _bytes_writer(20)),
    "Hash192": (_bytes_reader(24), _bytes_writer(24)),
    "Hash256": (_bytes_reader(32), _bytes_writer(32)),
    "Hash384": (_bytes_reader(48), _bytes_writer(48)),
    "Hash512": (_bytes_reader(64), _bytes_writer(64)),
    "UInt96": (_bytes_reader(12), _bytes_writer(12)),
    "Currency": (_bytes_reader(20), _bytes_writer(20)),
    "Blob": (_read_blob, _write_blob),
    "AccountID": (_read_account, _write_account),
    "Amount": (_read_amount, _write_amount),
    "Issue": (_read_issue, _write_issue),
    "Number": (_read_number, _write_number),
    "Vector256": (_read_vector256, _write_vector256),
    "PathSet": (_read_pathset, _write_pathset),
    "XChainBridge": (_read_bridge, _write_bridge),
    "STObject": (_read_st_object, _write_st_object),
    "STArray": (_read_st_array, _write_st_array),
}
"""Serialised type -> (reader, writer). Types not listed (Transaction, LedgerEntry, Metadata,
Validation, Unknown) are never serialised as fields."""


def _build_tables() -> tuple[
    dict[int, tuple[str, Reader]],
    dict[str, tuple[int, bytes, Writer, bool]],
    dict[int, FieldInfo],
]:
    readers: dict[int, tuple[str, Reader]] = {}
    writers: dict[str, tuple[int, bytes, Writer, bool]] = {}
    elements: dict[int, FieldInfo] = {}
    for field in FIELDS.values():
        codecs = _TYPE_CODECS.get(field.type_name)
        if not field.is_serialized or codecs is None:
            continue
        if field is OBJECT_END_MARKER or field is ARRAY_END_MARKER:
            continue
        reader, writer = codecs
        readers[field.sort_key] = (field.name, reader)
        writers[field.name] = (field.sort_key, field.header, writer, field.is_signing_field)
        if field.type_name == "STObject":
            elements[field.sort_key] = field
    return readers, writers, elements


_READERS, _WRITERS, _ARRAY_ELEMENTS = _build_tables()


def _single_byte_table() -> list[tuple[int, str, Reader | None] | None]:
    """Field-ID byte -> (field code, name, reader) for the fields whose ID is one byte; the
    ObjectEndMarker's byte maps to a None reader. Other bytes (long IDs, unknown fields) are
    None and take the slow path."""
    table: list[tuple[int, str, Reader | None] | None] = [None] * 256
    for key, (name, reader) in _READERS.items():
        type_code, nth = key >> 16, key & 0xFFFF
        if type_code < 16 and nth < 16:
            table[(type_code << 4) | nth] = (key, name, reader)
    table[OBJECT_END_MARKER.header[0]] = (_OBJECT_END_KEY, OBJECT_END_MARKER.name, None)
    return table


_SINGLE_BYTE_FIELDS: Final = _single_byte_table()


# --- public API ------------------------------------------------------------------------------


def _as_bytes(data: Any) -> bytes:
    if type(data) is bytes:
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise CodecError(f"expected bytes, not {type(data).__name__}")


def decode_native(data: bytes) -> dict[str, Any]:
    """Decode a serialised object (a transaction, a ledger entry, metadata, ...) into a dict of
    native values, fields in canonical order."""
    blob = _as_bytes(data)
    result, _end = _read_fields(blob, 0, 0, False)
    return result


def encode_native(obj: Mapping[str, Any], *, signing: bool = False) -> bytes:
    """Serialise a dict of native values, fields sorted canonically. With `signing`, only the
    fields that are signed (not TxnSignature, Signers, ...) at the top level, as rippled's
    `getSigningData` — nested objects are always serialised whole."""
    out = bytearray()
    _write_fields(obj, out, 0, signing)
    return bytes(out)


def encode_field(name: str, value: Any) -> bytes:
    """The serialised bytes of one field's value (no field ID), e.g. for a keylet or a test."""
    entry = _WRITERS.get(name)
    if entry is None:
        raise CodecError("unknown or unserialisable field", field=name)
    out = bytearray()
    try:
        entry[2](value, out, 0)
    except CodecError as exc:
        raise exc.in_field(name) from None
    except (AttributeError, TypeError, OverflowError, AmountError, ValueError) as exc:
        raise CodecError(f"bad value {value!r}: {exc}", field=name) from None
    return bytes(out)


def field_encoder(name: str) -> tuple[int, Callable[[Any], bytes]]:
    """(canonical sort key, encode) for one field, where `encode(value)` returns the field ID
    followed by the value's bytes: exactly what `encode_native` writes for that field.

    For code that serialises the same fields over and over (ledger entries for the state tree,
    metadata built from entry diffs) and assembles objects from the pieces: the pieces of an
    object's fields joined in sort-key order are the object's bytes. Errors are the writers'
    own (CodecError for a bad length; TypeError, OverflowError, AmountError for a bad value):
    callers wrap them as `encode_native` does, with the field name.
    """
    entry = _WRITERS.get(name)
    if entry is None:
        raise CodecError("unknown or unserialisable field", field=name)
    sort_key, header, writer, _signing = entry
    type_name = FIELDS[name].type_name
    width = _UINT_WIDTHS.get(type_name)
    if width is not None:
        signed = type_name.startswith("Int")

        def encode_uint(value: int) -> bytes:
            return header + value.to_bytes(width, "big", signed=signed)

        return sort_key, encode_uint
    if type_name == "AccountID":
        account_header = header + b"\x14"

        def encode_account(value: bytes) -> bytes:
            if len(value) != 20:
                raise CodecError(f"an AccountID is 20 bytes, not {len(value)}")
            return account_header + value

        return sort_key, encode_account
    if type_name == "Amount":

        def encode_amount(value: STAmount | MPTAmount) -> bytes:
            cls = value.__class__
            if cls is not STAmount and cls is not MPTAmount:
                raise CodecError(f"an Amount must be an STAmount, not {cls.__name__}")
            return header + value.to_wire()

        return sort_key, encode_amount
    hash_width = _HASH_WIDTHS.get(type_name)
    if hash_width is not None:

        def encode_hash(value: bytes) -> bytes:
            if len(value) != hash_width:
                raise CodecError(f"expected {hash_width} bytes, got {len(value)}")
            return header + value

        return sort_key, encode_hash

    def encode_any(value: Any) -> bytes:
        out = bytearray(header)
        writer(value, out, 0)
        return bytes(out)

    return sort_key, encode_any


_UINT_WIDTHS: Final[Mapping[str, int]] = {
    "UInt8": 1, "UInt16": 2, "UInt32": 4, "UInt64": 8, "Int32": 4, "Int64": 8,
}  # fmt: skip
_HASH_WIDTHS: Final[Mapping[str, int]] = {
    "Hash128": 16, "Hash160": 20, "Hash192": 24, "Hash256": 32, "Hash384": 48, "Hash512": 64,
    "UInt96": 12, "Currency": 20,
}  # fmt: skip


def decode_field(name: str, data: bytes) -> Any:
    """The native value of one field from its serialised bytes (no field ID); every byte must
    be used."""
    field = FIELDS.get(name)
    entry = _READERS.get(field.sort_key) if field is not None else None
    if field is None or entry is None or entry[0] != name:
        raise CodecError("unknown or unserialisable field", field=name)
    blob = _as_bytes(data)
    try:
        value, end = entry[1](blob, 0, 0)
    except CodecError as exc:
        raise exc.in_field(name) from None
    if end != len(blob):
        raise CodecError(f"{len(blob) - end} bytes left over", offset=end, field=name)
    return value
