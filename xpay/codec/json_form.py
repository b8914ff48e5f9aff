"""The XRPL binary codec, JSON layer: rippled's JSON forms <-> native values, and hex blobs.

What users, rippled's API and the XRPL client libraries see: classic addresses (`r…`; X-addresses
are accepted in Account and Destination and become SourceTag / DestinationTag, as xrpl-py does),
XRP amounts as strings of drops, issued amounts as {"currency", "issuer", "value"}, UInt64 as 16
hex digits (except the fields rippled prints in base 10), hashes and blobs as upper-case hex,
TransactionType / LedgerEntryType / TransactionResult / PermissionValue as names.

`encode` / `decode` / `encode_for_signing` are xrpl-py's binary codec entry points; `to_json` /
`from_json` convert between the JSON form and the native dicts of `xpay.codec.native`, so other
code can serialise natively and still speak JSON at its edges.

Deliberate strictness: an issued-currency value with more than 16 significant digits is
refused rather than silently truncated (rippled would truncate; xrpl-py and xrpl.js refuse, and
refusing keeps a user from signing an amount other than the one they wrote).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from xpay.amounts.currency import currency_from_code, currency_to_code
from xpay.amounts.errors import AmountError
from xpay.amounts.issue import XRP_ISSUE, Issue, issue_from_key
from xpay.amounts.st_amount import STAmount
from xpay.codec.address import decode_account_id, encode_account_id
from xpay.codec.errors import CodecError
from xpay.codec.mpt import ISSUANCE_ID_LENGTH, MPTAmount, MPTIssue
from xpay.codec.native import MAX_DEPTH, decode_native, encode_native
from xpay.codec.number import STNumber
from xpay.codec.xaddress import xaddress_to_classic
from xpay.protocol.definitions import DEFINITIONS
from xpay.protocol.fields import FIELDS
from xpay.protocol.hash_prefix import HashPrefix
from xpay.protocol.permissions import PERMISSION_VALUES

ToJson = Callable[[Any], Any]
FromJson = Callable[[Any, int], Any]
"""(JSON value, nesting depth) -> native value."""

BASE10_UINT64_FIELDS: Final = frozenset({"MaximumAmount", "OutstandingAmount", "MPTAmount"})
"""UInt64 fields rippled prints in base 10 (sMD_BaseTen), as xrpl-py lists them."""
SIGNED_XRP_FIELDS: Final = frozenset({"FeeAmountDelta"})
"""Amount fields whose XRP value may be negative in JSON input (as xrpl-py allows)."""
MAX_IOU_PRECISION: Final = 16

_HEX: Final = frozenset("0123456789abcdefABCDEF")
_X_TAG_FIELDS: Final[Mapping[str, str]] = {"Account": "SourceTag", "Destination": "DestinationTag"}
_AMOUNT_KEYS: Final = frozenset(("currency", "issuer", "value"))
_MPT_AMOUNT_KEYS: Final = frozenset(("mpt_issuance_id", "value"))
_PATH_STEP_KEYS: Final = frozenset(("account", "currency", "issuer"))
_PATH_STEP_IGNORED: Final = frozenset(("type", "type_hex"))  # rippled prints them; derived data
_BRIDGE_ACCOUNTS: Final = ("LockingChainDoor", "IssuingChainDoor")
_BRIDGE_ISSUES: Final = ("LockingChainIssue", "IssuingChainIssue")


def _type_error(expected: str, value: Any) -> CodecError:
    return CodecError(f"expected {expected}, got {type(value).__name__} {value!r:.80}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- scalars ---------------------------------------------------------------------------------


def _hex_to_bytes(value: Any, length: int | None = None) -> bytes:
    if type(value) is not str:
        raise _type_error("a hex string", value)
    try:
        data = bytes.fromhex(value)
    except ValueError:
        raise CodecError(f"not hex: {value!r:.80}") from None
    if 2 * len(data) != len(value):  # bytes.fromhex skips whitespace; the XRPL does not
        raise CodecError(f"not hex: {value!r:.80}")
    if length is not None and len(data) != length:
        raise CodecError(f"expected {length} bytes of hex, got {len(data)}")
    return data


def _hex(value: bytes) -> str:
    return value.hex().upper()


def _uint_from_json(bits: int) -> FromJson:
    maximum = (1 << bits) - 1
    max_digits = len(str(maximum))

    def convert(value: Any, depth: int) -> int:
        if type(value) is int:
            number = value
        elif _is_int(value):
            number = int(value)
        elif (
            type(value) is str
            and 0 < len(value) <= max_digits
            and value.isascii()
            and value.isdigit()
        ):
            number = int(value)  # rippled's JSON parser takes numeric strings for UInts
        else:
            raise _type_error(f"a UInt{bits}", value)
        if not 0 <= number <= maximum:
            raise CodecError(f"{number} does not fit in a UInt{bits}")
        return number

    return convert


def _int_from_json(bits: int) -> FromJson:
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1

    def convert(value: Any, depth: int) -> int:
        if not _is_int(value):
            raise _type_error(f"an Int{bits}", value)
        if not low <= value <= high:
            raise CodecError(f"{value} does not fit in an Int{bits}")
        return int(value)

    return convert


def _uint64_from_json(base10: bool) -> FromJson:
    def convert(value: Any, depth: int) -> int:
        if _is_int(value) or (
            type(value) is str and base10 and 0 < len(value) <= 20 and value.isdigit()
        ):
            number = int(value)
        elif type(value) is str and 0 < len(value) <= 16 and set(value) <= _HEX:
            number = int(value, 16)
        else:
            raise _type_error("a UInt64 as hex" + (" or base 10" if base10 else ""), value)
        if not 0 <= number < 1 << 64:
            raise CodecError(f"{number} does not fit in a UInt64")
        return number

    return convert


def _uint64_to_json(base10: bool) -> ToJson:
    if base10:
        return str
    return lambda value: f"{value:016X}"


def _enum_codec(names: Mapping[str, int], bits: int) -> tuple[ToJson, FromJson]:
    """A UInt field whose JSON is a name (TransactionType, TransactionResult, ...). Numbers are
    accepted on input; a number with no name is printed as a number."""
    codes = {code: name for name, code in names.items() if code >= 0}
    by_name = {name: code for code, name in codes.items()}
    as_uint = _uint_from_json(bits)

    def to_json(value: Any) -> Any:
        return codes.get(value, value)

    def from_json(value: Any, depth: int) -> int:
        if type(value) is str and not value.isdigit():
            code = by_name.get(value)
            if code is None:
                raise CodecError(f"unknown name {value!r}")
            return code
        number: int = as_uint(value, depth)
        return number

    return to_json, from_json


def _hash_from_json(length: int, empty_is_zero: bool = False) -> FromJson:
    def convert(value: Any, depth: int) -> bytes:
        if empty_is_zero and value == "":
            return bytes(length)  # xrpl-py reads an empty Hash128 (EmailHash) as zero
        return _hex_to_bytes(value, length)

    return convert


def _blob_from_json(value: Any, depth: int) -> bytes:
    return _hex_to_bytes(value)


def _account_from_json(value: Any, depth: int = 0) -> bytes:
    if type(value) is not str:
        raise _type_error("an address", value)
    if len(value) == 40 and set(value) <= _HEX:
        return bytes.fromhex(value)  # rippled also takes an account ID as 40 hex digits
    if value[:1] in ("X", "T"):
        # An X-address names an account; a tag only has a place in Account / Destination.
        classic, tag, _is_test = xaddress_to_classic(value)
        if tag is not None:
            raise CodecError("this field cannot carry an X-address tag")
        return decode_account_id(classic)
    return decode_account_id(value)


def _currency_from_json(value: Any, depth: int = 0) -> bytes:
    try:
        return currency_from_code(value, allow_xrp=True)
    except (AmountError, TypeError) as exc:
        raise CodecError(str(exc)) from None


def _currency_to_json(value: bytes) -> str:
    return currency_to_code(value)  # type: ignore[arg-type]


# --- amounts and issues ----------------------------------------------------------------------

# The same few issues recur in every amount: remember their JSON parts (bounded).
_ISSUE_JSON: dict[Issue, tuple[str, str]] = {}
_ISSUE_JSON_LIMIT: Final = 4096


def _issue_parts(issue: Issue) -> tuple[str, str]:
    parts = _ISSUE_JSON.get(issue)
    if parts is None:
        parts = (currency_to_code(issue.currency), encode_account_id(issue.account))
        if len(_ISSUE_JSON) >= _ISSUE_JSON_LIMIT:
            _ISSUE_JSON.clear()
        _ISSUE_JSON[issue] = parts
    return parts


def _amount_to_json(value: Any) -> Any:
    if value.__class__ is STAmount:
        if value.native:
            return str(value.mantissa)
        currency, issuer = _issue_parts(value.issue)
        return {"currency": currency, "issuer": issuer, "value": value.value_text()}
    if value.__class__ is MPTAmount:
        return {"mpt_issuance_id": _hex(value.issuance_id), "value": value.value_text()}
    raise _type_error("an STAmount", value)


def _significant_digits(text: str) -> int:
    """Significant digits of well-formed decimal text ("0.00120e5" -> 2)."""
    mantissa = text.lstrip("+-").split("e")[0].split("E")[0].replace(".", "")
    return len(mantissa.strip("0"))


def _xrp_from_json(value: Any, signed: bool) -> STAmount:
    try:
        if (
            type(value) is str
            and 0 < len(value) < 19
            and value.isdigit()
            and value.isascii()
            and value[0] != "0"
        ):
            # The common case, plain drops: rippled's number syntax allows no leading zero.
            return STAmount.from_drops(int(value))
        if _is_int(value):
            amount = STAmount.from_drops(int(value))
        else:
            amount = STAmount.from_value_text(value, XRP_ISSUE)
    except (AmountError, TypeError) as exc:
        raise CodecError(str(exc)) from None
    if amount.negative and not signed:
        raise CodecError(f"an XRP amount may not be negative: {value!r}")
    return amount


def _amount_from_json(signed: bool) -> FromJson:
    def convert(value: Any, depth: int) -> STAmount | MPTAmount:
        if type(value) is str or _is_int(value):
            return _xrp_from_json(value, signed)
        if not isinstance(value, Mapping):
            raise _type_error("an amount (drops string or object)", value)
        keys = value.keys()
        if "mpt_issuance_id" in keys:
            if keys != _MPT_AMOUNT_KEYS:
                raise CodecError("an MPT amount has exactly mpt_issuance_id and value")
            issuance = _hex_to_bytes(value["mpt_issuance_id"], ISSUANCE_ID_LENGTH)
            return MPTAmount.from_value_text(value["value"], issuance)
        if keys != _AMOUNT_KEYS:
            raise CodecError(
                f"an issued amount has exactly currency, issuer and value, not {sorted(keys)}"
            )
        text = value["value"]
        if _is_int(text):
            text = str(text)
        if type(text) is not str:
            raise _type_error("a value string", text)
        try:
            currency = currency_from_code(value["currency"])
            issue = issue_from_key(currency + _account_from_json(value["issuer"]))
            amount = STAmount.from_value_text(text, issue)
        except (AmountError, TypeError) as exc:
            raise CodecError(str(exc)) from None
        digits = _significant_digits(text)
        if digits > MAX_IOU_PRECISION:
            raise CodecError(
                f"value precision of {digits} is greater than maximum iou precision of "
                f"{MAX_IOU_PRECISION}"
            )
        return amount

    return convert


def _issue_to_json(value: Any) -> dict[str, str]:
    if value.__class__ is Issue:
        if value.is_xrp:
            return {"currency": "XRP"}
        currency, issuer = _issue_parts(value)
        return {"currency": currency, "issuer": issuer}
    if value.__class__ is MPTIssue:
        return {"mpt_issuance_id": _hex(value.issuance_id)}
    raise _type_error("an Issue", value)


def _issue_from_json(value: Any, depth: int = 0) -> Issue | MPTIssue:
    if not isinstance(value, Mapping):
        raise _type_error("an issue object", value)
    keys = set(value)
    if keys == {"mpt_issuance_id"}:
        return MPTIssue(_hex_to_bytes(value["mpt_issuance_id"], ISSUANCE_ID_LENGTH))
    if keys == {"currency"}:
        if value["currency"] != "XRP":
            raise CodecError("an issued currency needs an issuer")
        return XRP_ISSUE
    if keys != {"currency", "issuer"}:
        raise CodecError(f"an issue has currency (and issuer), not {sorted(keys)}")
    try:
        currency = currency_from_code(value["currency"])
        return issue_from_key(currency + _account_from_json(value["issuer"]))
    except (AmountError, TypeError) as exc:
        raise CodecError(str(exc)) from None


# --- composite types -------------------------------------------------------------------------


def _number_from_json(value: Any, depth: int) -> STNumber:
    if _is_int(value):
        value = str(value)
    return STNumber.from_text(value)


def _number_to_json(value: Any) -> str:
    text: str = value.to_text()
    return text


def _vector256_from_json(value: Any, depth: int) -> list[bytes]:
    if not isinstance(value, list):
        raise _type_error("a list of hashes", value)
    return [_hex_to_bytes(item, 32) for item in value]


def _vector256_to_json(value: Any) -> list[str]:
    return [_hex(item) for item in value]


def _pathset_from_json(value: Any, depth: int) -> list[list[dict[str, bytes]]]:
    if not isinstance(value, list):
        raise _type_error("a list of paths", value)
    paths = []
    for path in value:
        if not isinstance(path, list):
            raise _type_error("a path (list of steps)", path)
        steps = []
        for step in path:
            if not isinstance(step, Mapping):
                raise _type_error("a path step object", step)
            unknown = set(step) - _PATH_STEP_KEYS - _PATH_STEP_IGNORED
            if unknown:
                raise CodecError(f"unknown path step keys {sorted(unknown)}")
            native: dict[str, bytes] = {}
            if "account" in step:
                native["account"] = _account_from_json(step["account"])
            if "currency" in step:
                native["currency"] = _currency_from_json(step["currency"])
            if "issuer" in step:
                native["issuer"] = _account_from_json(step["issuer"])
            steps.append(native)
        paths.append(steps)
    return paths


def _pathset_to_json(value: Any) -> list[list[dict[str, str]]]:
    paths = []
    for path in value:
        steps = []
        for step in path:
            out: dict[str, str] = {}
            if "account" in step:
                out["account"] = encode_account_id(step["account"])
            if "currency" in step:
                out["currency"] = currency_to_code(step["currency"])
            if "issuer" in step:
                out["issuer"] = encode_account_id(step["issuer"])
            steps.append(out)
        paths.append(steps)
    return paths


def _bridge_from_json(value: Any, depth: int) -> dict[str, Any]:
    if not isinstance(value, Mapping) or set(value) != set(_BRIDGE_ACCOUNTS + _BRIDGE_ISSUES):
        raise CodecError("an XChainBridge has exactly its two doors and two issues")
    native: dict[str, Any] = {}
    for name in _BRIDGE_ACCOUNTS:
        native[name] = _account_from_json(value[name])
    for name in _BRIDGE_ISSUES:
        native[name] = _issue_from_json(value[name])
    return native


def _bridge_to_json(value: Any) -> dict[str, Any]:
    return {
        "LockingChainDoor": encode_account_id(value["LockingChainDoor"]),
        "LockingChainIssue": _issue_to_json(value["LockingChainIssue"]),
        "IssuingChainDoor": encode_account_id(value["IssuingChainDoor"]),
        "IssuingChainIssue": _issue_to_json(value["IssuingChainIssue"]),
    }


def _object_from_json(value: Any, depth: int) -> dict[str, Any]:
    if depth >= MAX_DEPTH:
        raise CodecError(f"objects nested more than {MAX_DEPTH} deep")
    return _fields_from_json(value, depth + 1)


def _array_from_json(value: Any, depth: int) -> list[dict[str, Any]]:
    if depth >= MAX_DEPTH:
        raise CodecError(f"objects nested more than {MAX_DEPTH} deep")
    if not isinstance(value, list):
        raise _type_error("an array", value)
    items = []
    for item in value:
        if not isinstance(item, Mapping) or len(item) != 1:
            raise CodecError("an array element is an object with exactly one field")
        ((name, inner),) = item.items()
        field = FIELDS.get(name)
        if field is None or field.type_name != "STObject":
            raise CodecError(f"an array element must be an object field, not {name!r}")
        try:
            items.append({name: _fields_from_json(inner, depth + 1)})
        except CodecError as exc:
            raise exc.in_field(name) from None
    return items


def _object_to_json(value: Any) -> dict[str, Any]:
    return _fields_to_json(value)


def _array_to_json(value: Any) -> list[dict[str, Any]]:
    items = []
    for item in value:
        ((name, inner),) = item.items()
        items.append({name: _fields_to_json(inner)})
    return items


# --- the per-field tables --------------------------------------------------------------------

_TX_TYPES = _enum_codec(DEFINITIONS["TRANSACTION_TYPES"], 16)
_ENTRY_TYPES = _enum_codec(DEFINITIONS["LEDGER_ENTRY_TYPES"], 16)
_RESULTS = _enum_codec(DEFINITIONS["TRANSACTION_RESULTS"], 8)
_PERMISSIONS = _enum_codec(PERMISSION_VALUES, 32)

_SPECIAL_FIELDS: Final[Mapping[str, tuple[ToJson, FromJson]]] = {
    "TransactionType": _TX_TYPES,
    "LedgerEntryType": _ENTRY_TYPES,
    "TransactionResult": _RESULTS,
    "PermissionValue": _PERMISSIONS,
}


def _type_codecs(name: str, type_name: str) -> tuple[ToJson, FromJson] | None:
    special = _SPECIAL_FIELDS.get(name)
    if special is not None:
        return special
    if type_name in ("UInt8", "UInt16", "UInt32"):
        return int, _uint_from_json(int(type_name[4:]))
    if type_name in ("Int32", "Int64"):
        return int, _int_from_json(int(type_name[3:]))
    if type_name == "UInt64":
        base10 = name in BASE10_UINT64_FIELDS
        return _uint64_to_json(base10), _uint64_from_json(base10)
    widths = {"Hash128": 16, "Hash160": 20, "Hash192": 24, "Hash256": 32, "Hash384": 48,
              "Hash512": 64, "UInt96": 12}  # fmt: skip
    if type_name in widths:
        return _hex, _hash_from_json(widths[type_name], empty_is_zero=type_name == "Hash128")
    table: dict[str, tuple[ToJson, FromJson]] = {
        "Blob": (_hex, _blob_from_json),
        "AccountID": (encode_account_id, _account_from_json),
        "Currency": (_currency_to_json, _currency_from_json),
        "Amount": (_amount_to_json, _amount_from_json(name in SIGNED_XRP_FIELDS)),
        "Issue": (_issue_to_json, _issue_from_json),
        "Number": (_number_to_json, _number_from_json),
        "Vector256": (_vector256_to_json, _vector256_from_json),
        "PathSet": (_pathset_to_json, _pathset_from_json),
        "XChainBridge": (_bridge_to_json, _bridge_from_json),
        "STObject": (_object_to_json, _object_from_json),
        "STArray": (_array_to_json, _array_from_json),
    }
    return table.get(type_name)


def _build() -> tuple[dict[str, ToJson], dict[str, FromJson]]:
    to_json: dict[str, ToJson] = {}
    from_json: dict[str, FromJson] = {}
    for field in FIELDS.values():
        codecs = _type_codecs(field.name, field.type_name)
        if codecs is not None:
            to_json[field.name], from_json[field.name] = codecs
    return to_json, from_json


_TO_JSON, _FROM_JSON = _build()


def _fields_to_json(obj: Any) -> dict[str, Any]:
    if not isinstance(obj, Mapping):
        raise _type_error("an object", obj)
    out: dict[str, Any] = {}
    converters = _TO_JSON
    for name, value in obj.items():
        convert = converters.get(name)
        if convert is None:
            raise CodecError("unknown field", field=str(name))
        try:
            out[name] = convert(value)
        except CodecError as exc:
            raise exc.in_field(name) from None
        except (AttributeError, TypeError, KeyError, ValueError, OverflowError) as exc:
            raise CodecError(f"bad native value {value!r:.80}: {exc}", field=name) from None
    return out


def _fields_from_json(obj: Any, depth: int) -> dict[str, Any]:
    if not isinstance(obj, Mapping):
        raise _type_error("an object", obj)
    out: dict[str, Any] = {}
    converters = _FROM_JSON
    for name, value in obj.items():
        convert = converters.get(name)
        if convert is None:
            raise CodecError("unknown field", field=str(name))
        try:
            if name in _X_TAG_FIELDS and type(value) is str and value[:1] in ("X", "T"):
                _from_xaddress(name, value, obj, out)
                continue
            out[name] = convert(value, depth)
        except CodecError as exc:
            raise exc.in_field(name) from None
        except (AttributeError, TypeError, KeyError, ValueError, OverflowError) as exc:
            raise CodecError(f"bad value {value!r:.80}: {exc}", field=name) from None
    return out


def _from_xaddress(name: str, value: str, obj: Mapping[str, Any], out: dict[str, Any]) -> None:
    """An X-address in an account field: the classic account, and its tag moved to SourceTag
    (Account) or DestinationTag (Destination), as xrpl-py's codec does."""
    classic, tag, _is_test = xaddress_to_classic(value)
    out[name] = decode_account_id(classic)
    if tag is None:
        return
    tag_field = _X_TAG_FIELDS.get(name)
    if tag_field is None:
        raise CodecError("this field cannot carry an X-address tag")
    if obj.get(tag_field, tag) != tag:
        raise CodecError(f"X-address tag {tag} contradicts {tag_field} {obj[tag_field]}")
    out[tag_field] = tag


# --- public API ------------------------------------------------------------------------------


def to_json(native: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON form of a native object (as `decode_native` returns)."""
    return _fields_to_json(native)


def from_json(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The native form of a JSON object (what `encode_native` takes)."""
    return _fields_from_json(obj, 0)


def field_to_json(name: str, value: Any) -> Any:
    """The JSON form of one field's native value."""
    convert = _TO_JSON.get(name)
    if convert is None:
        raise CodecError("unknown field", field=name)
    return _fields_to_json({name: value})[name]


def field_from_json(name: str, value: Any) -> Any:
    """The native value of one field from its JSON form."""
    if name not in _FROM_JSON:
        raise CodecError("unknown field", field=name)
    return _fields_from_json({name: value}, 0)[name]


def encode(obj: Mapping[str, Any]) -> str:
    """Serialise a JSON object (a transaction, a ledger entry, ...) to upper-case hex."""
    return encode_native(from_json(obj)).hex().upper()


def encode_for_signing(obj: Mapping[str, Any]) -> str:
    """The single-signing data of a JSON transaction as upper-case hex: the `STX\\0` prefix and
    the signing fields (xrpl-py's `encode_for_signing`)."""
    return (HashPrefix.txSign.value + encode_native(from_json(obj), signing=True)).hex().upper()


def decode(blob: str) -> dict[str, Any]:
    """The JSON object of a hex blob."""
    return to_json(decode_native(_hex_to_bytes(blob)))
