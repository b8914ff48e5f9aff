"""The XRPL field table (rippled's SField), built from `definitions.json`.

Every serialised field is identified on the wire by its type code and its `nth` (the field code
within its type). rippled orders the fields of an object by `(type code, nth)` — its
`SField::fieldCode` — and writes a one- to three-byte field ID in front of each value. This module
precomputes, per field: that header, the canonical sort key, and the flags the codec needs
(variable-length prefix, serialised at all, part of the signing data).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from xpay.protocol.definitions import DEFINITIONS

TYPE_CODES: Final[Mapping[str, int]] = dict(DEFINITIONS["TYPES"])
"""Serialised type name -> type code (`"UInt32" -> 2`, `"AccountID" -> 8`, ...)."""

TYPE_NAMES: Final[Mapping[int, str]] = {code: name for name, code in TYPE_CODES.items()}


def field_header(type_code: int, nth: int) -> bytes:
    """The field ID bytes rippled writes before a value (`Serializer::addFieldID`).

    Type codes and field codes below 16 share one nibble-packed byte; larger ones get a byte of
    their own, so a header is one, two or three bytes long.
    """
    if not (0 < type_code < 256 and 0 < nth < 256):
        raise ValueError(f"field ID out of range: type {type_code}, nth {nth}")
    if type_code < 16:
        if nth < 16:
            return bytes(((type_code << 4) | nth,))
        return bytes((type_code << 4, nth))
    if nth < 16:
        return bytes((nth, type_code))
    return bytes((0, type_code, nth))


def field_code(type_code: int, nth: int) -> int:
    """rippled's `fieldCode`: the canonical sort key of a field within an object."""
    return (type_code << 16) | nth


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """One row of the field table: an XRPL field (`sfAccount`, `sfAmount`, ...) and how it is
    serialised."""

    name: str
    type_name: str
    type_code: int
    nth: int
    is_vl_encoded: bool
    """The value carries a variable-length prefix (Blob, AccountID, Vector256)."""
    is_serialized: bool
    """False for fields that only ever appear in JSON (`hash`, `index`, ...)."""
    is_signing_field: bool
    """False for the signatures themselves (`TxnSignature`, `Signers`, ...)."""
    header: bytes
    """The precomputed field ID bytes (empty for fields that are not serialised)."""
    sort_key: int
    """`(type code << 16) | nth`: canonical order of fields in an object."""


def _build() -> tuple[dict[str, FieldInfo], dict[int, FieldInfo]]:
    by_name: dict[str, FieldInfo] = {}
    by_code: dict[int, FieldInfo] = {}
    for name, info in DEFINITIONS["FIELDS"]:
        type_name = info["type"]
        type_code = TYPE_CODES[type_name]
        nth = info["nth"]
        serialized = bool(info["isSerialized"]) and 0 < type_code < 256 and 0 < nth < 256
        field = FieldInfo(
            name=name,
            type_name=type_name,
            type_code=type_code,
            nth=nth,
            is_vl_encoded=bool(info["isVLEncoded"]),
            is_serialized=serialized,
            is_signing_field=bool(info["isSigningField"]),
            header=field_header(type_code, nth) if serialized else b"",
            sort_key=field_code(type_code, nth),
        )
        by_name[name] = field
        if serialized:
            by_code[field.sort_key] = field
    return by_name, by_code


_BY_NAME, _BY_CODE = _build()

FIELDS: Final[Mapping[str, FieldInfo]] = _BY_NAME
"""Field name -> field, for every field in `definitions.json` (serialised or not)."""

FIELDS_BY_CODE: Final[Mapping[int, FieldInfo]] = _BY_CODE
"""`field_code(type, nth)` -> field, for the serialised fields: what a decoder looks up."""

OBJECT_END_MARKER: Final[FieldInfo] = FIELDS["ObjectEndMarker"]
ARRAY_END_MARKER: Final[FieldInfo] = FIELDS["ArrayEndMarker"]
