"""Reading request parameters the way rippled's handlers read them, with rippled's errors.

rippled checks a parameter's presence, then its JSON type, then its content, and each failure has
its own message ("Missing field 'account'.", "Invalid field 'limit', not unsigned integer.");
clients and tests match on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from xpay.api.errors import RpcError, expected_field, invalid_field, missing_field
from xpay.codec import decode_account_id
from xpay.codec.errors import CodecError
from xpay.protocol.ids import AccountID


@dataclass(frozen=True, slots=True)
class LimitRange:
    """rippled's RPC::Tuning::LimitRange: (minimum, default, maximum) results per page."""

    minimum: int
    default: int
    maximum: int


# rippled's RPC/Tuning.h.
ACCOUNT_LINES: Final = LimitRange(10, 200, 400)
ACCOUNT_OBJECTS: Final = LimitRange(10, 200, 400)
ACCOUNT_OFFERS: Final = LimitRange(10, 200, 400)
ACCOUNT_TX: Final = LimitRange(10, 200, 400)
NO_RIPPLE_CHECK: Final = LimitRange(10, 300, 400)


def is_int(value: Any) -> bool:
    """A JSON integer (a bool is not one, though Python says it is)."""
    return isinstance(value, int) and not isinstance(value, bool)


def parse_account(text: Any) -> AccountID | None:
    """A classic address, or None when it is not one."""
    if not isinstance(text, str):
        return None
    try:
        return decode_account_id(text)
    except (CodecError, ValueError):
        return None


def account_param(params: dict[str, Any], name: str = "account") -> AccountID:
    """A required account: missing -> invalidParams, not a string -> invalidParams, not an
    address -> actMalformed (rippled's account_info / account_lines / account_tx)."""
    if name not in params:
        raise missing_field(name)
    value = params[name]
    if not isinstance(value, str):
        raise invalid_field(name)
    account = parse_account(value)
    if account is None:
        raise RpcError("actMalformed")
    return account


def bool_param(params: dict[str, Any], name: str, default: bool = False) -> bool:
    value = params.get(name, default)
    if not isinstance(value, bool):
        raise invalid_field(name)
    return value


def limit_param(params: dict[str, Any], tuning: LimitRange, admin: bool) -> int:
    """rippled's readLimitField: an unsigned integer, clamped to the range unless admin."""
    if "limit" not in params:
        return tuning.default
    value = params["limit"]
    if not is_int(value) or value < 0:
        raise expected_field("limit", "unsigned integer")
    if not admin:
        value = max(tuning.minimum, min(tuning.maximum, value))
    if value == 0:
        raise invalid_field("limit")
    return int(value)


def hash256_param(value: Any, name: str) -> bytes:
    """A 256-bit hash in hex."""
    if not isinstance(value, str) or len(value) != 64:
        raise invalid_field(name)
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise invalid_field(name) from None
