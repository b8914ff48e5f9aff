"""The local checks on a transaction's shape: Memos, account fields, pseudo-transactions
(rippled's passesLocalChecks / isMemoOkay / isAccountFieldOkay in STTx.cpp).

rippled runs these in checkValidity, after the signature, and a transaction that fails them is
never relayed nor applied; xpay's preflight also refuses it (temINVALID), so a transaction that
arrives by any road gets the same answer. The reasons are rippled's words, which the API returns
as "fails local checks: <reason>".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from xpay.codec.errors import CodecError
from xpay.codec.native import encode_native
from xpay.protocol.transaction_types import TransactionType

MAX_MEMO_BYTES: Final = 1024
"""rippled's limit on the serialised Memos array."""

_MEMO_FIELDS: Final = frozenset({"MemoType", "MemoData", "MemoFormat"})
# RFC 3986's URL characters: what MemoType and MemoFormat may hold.
_URL_CHARS: Final = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%"
)
_PSEUDO_TYPES: Final = frozenset(
    {TransactionType.EnableAmendment, TransactionType.SetFee, TransactionType.UNLModify}
)
_ACCOUNT_FIELDS: Final = ("Account", "Destination", "RegularKey", "Delegate", "NFTokenMinter")


def memo_failure(memos: Any) -> str | None:
    """Why a Memos array is not acceptable, or None (rippled's isMemoOkay)."""
    if not isinstance(memos, list):
        return "A memo array may contain only Memo objects."
    try:
        # The array's own bytes, without its field ID and end marker (rippled's STArray::add).
        size = len(encode_native({"Memos": memos})) - 2
    except CodecError:
        return "A memo array may contain only Memo objects."
    if size > MAX_MEMO_BYTES:
        return "The memo exceeds the maximum allowed size."
    for item in memos:
        if not isinstance(item, Mapping) or list(item) != ["Memo"]:
            return "A memo array may contain only Memo objects."
        memo = item["Memo"]
        if not isinstance(memo, Mapping):
            return "A memo array may contain only Memo objects."
        for name, value in memo.items():
            if name not in _MEMO_FIELDS:
                return "A memo may contain only MemoType, MemoData or MemoFormat fields."
            if not isinstance(value, bytes):
                return "The MemoType, MemoData and MemoFormat fields may only contain hex-encoded data."
            if name != "MemoData" and not _URL_CHARS.issuperset(value):
                return (
                    "The MemoType and MemoFormat fields may only contain characters that are "
                    "allowed in URLs under RFC 3986."
                )
    return None


def local_check_failure(fields: Mapping[str, Any]) -> str | None:
    """Why the transaction fails the local checks, or None (rippled's passesLocalChecks)."""
    memos = fields.get("Memos")
    if memos is not None:
        reason = memo_failure(memos)
        if reason is not None:
            return reason
    for name in _ACCOUNT_FIELDS:
        value = fields.get(name)
        if value is not None and (not isinstance(value, bytes) or len(value) != 20):
            return "An account field is invalid."
    if fields.get("TransactionType") in _PSEUDO_TYPES:
        return "Cannot submit pseudo transactions."
    return None
