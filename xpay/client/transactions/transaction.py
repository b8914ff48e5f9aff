"""What every transaction has: the common fields, their checks, and rippled's tx_json form.

A builder is a frozen dataclass per transaction type (Payment, TrustSet, ...) that checks itself
when constructed, as rippled's preflight checks a transaction before any ledger is read: a bad
address, amount or flag is a `MalformedTransaction` naming the field and the result a node would
answer, before anything is signed or sent. `to_tx_json()` gives the transaction in rippled's JSON
form, ready to sign once Fee and Sequence are set (autofill does that).

The common fields (rippled's `commonFields` in TxFormats.cpp) that xpay uses: Account, Fee,
Sequence, LastLedgerSequence, NetworkID, SourceTag, Flags, Memos. Tickets, multi-signing and
delegation are not part of xpay.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntFlag
from typing import Any, ClassVar, Final, Self

from xpay.amounts import STAmount
from xpay.client.amount import account_id, amount_to_json
from xpay.client.errors import InvalidInput, MalformedTransaction
from xpay.codec import CodecError, encode_native, from_json
from xpay.protocol import flags as tf
from xpay.protocol.transaction_types import TransactionType

UINT32_MAX: Final = 0xFFFFFFFF
MAX_MEMOS_BYTES: Final = 1024
"""rippled's limit on a transaction's serialised Memos (isMemoOkay)."""
_URL_CHARACTERS: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%"
)


class UniversalFlag(IntFlag):
    """Flags any transaction type may carry (rippled's tfUniversal, less the Batch-only bit)."""

    tfFullyCanonicalSig = tf.tfFullyCanonicalSig


def check_uint32(value: object, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= UINT32_MAX:
        raise InvalidInput(f"{value!r} is not a UInt32", field=field)


def check_address(value: object, field: str) -> None:
    if not isinstance(value, str):
        raise InvalidInput(f"an address is a string, not {type(value).__name__}", field=field)
    account_id(value, field=field)


def check_amount(value: object, field: str) -> STAmount:
    if type(value) is not STAmount:
        raise InvalidInput(
            f"expected an amount (drops(), xrp() or iou()), not {type(value).__name__}", field=field
        )
    return value


def check_hash256(value: object, field: str) -> None:
    if not isinstance(value, str) or len(value) != 64:
        raise InvalidInput(f"{value!r:.80} is not 64 hex digits", field=field)
    try:
        bytes.fromhex(value)
    except ValueError:
        raise InvalidInput(f"{value!r} is not 64 hex digits", field=field) from None


@dataclass(frozen=True, slots=True)
class Memo:
    """A memo (rippled's sfMemo): arbitrary `data`, and a `memo_type` / `memo_format` made of
    URL characters (RFC 3986), as rippled's isMemoOkay requires. At least one must be given."""

    data: bytes | None = None
    memo_type: str | None = None
    memo_format: str | None = None

    def __post_init__(self) -> None:
        if self.data is None and self.memo_type is None and self.memo_format is None:
            raise InvalidInput("a memo needs data, a type or a format", field="Memos")
        if self.data is not None and not isinstance(self.data, bytes):
            raise InvalidInput(f"MemoData is bytes, not {type(self.data).__name__}", field="Memos")
        for name, text in (("MemoType", self.memo_type), ("MemoFormat", self.memo_format)):
            if text is not None and (not isinstance(text, str) or not _URL_CHARACTERS.issuperset(text)):
                raise MalformedTransaction(
                    f"{name} may only hold characters allowed in URLs (RFC 3986): {text!r:.80}",
                    field="Memos",
                    result="temINVALID",
                )

    def to_json(self) -> dict[str, Any]:
        memo: dict[str, str] = {}
        if self.data is not None:
            memo["MemoData"] = self.data.hex().upper()
        if self.memo_type is not None:
            memo["MemoType"] = self.memo_type.encode().hex().upper()
        if self.memo_format is not None:
            memo["MemoFormat"] = self.memo_format.encode().hex().upper()
        return {"Memo": memo}


@dataclass(frozen=True, slots=True, kw_only=True)
class Transaction:
    """The common fields. Subclasses add their own fields, a `flags` field of their flag type,
    `check()` (their preflight rules) and `fields_json()`."""

    TRANSACTION_TYPE: ClassVar[TransactionType]

    account: str
    fee: STAmount | None = None
    """The fee in drops; autofill sets it from the node's `fee` answer."""
    sequence: int | None = None
    last_ledger_sequence: int | None = None
    network_id: int | None = None
    """Required by networks whose ID is above 1024, forbidden on the others (autofill decides)."""
    source_tag: int | None = None
    memos: tuple[Memo, ...] = ()

    def __post_init__(self) -> None:
        self._check_common()
        self.check()

    def _check_common(self) -> None:
        check_address(self.account, "Account")
        if self.fee is not None:
            fee = check_amount(self.fee, "Fee")
            if not fee.native or fee.negative:
                raise MalformedTransaction(
                    "the fee is a non-negative amount of XRP", field="Fee", result="temBAD_FEE"
                )
        for name, value in (
            ("Sequence", self.sequence),
            ("LastLedgerSequence", self.last_ledger_sequence),
            ("NetworkID", self.network_id),
            ("SourceTag", self.source_tag),
        ):
            if value is not None:
                check_uint32(value, name)
        raw_flags = getattr(self, "flags", 0)
        check_uint32(raw_flags, "Flags")
        flags = self.flag_bits
        mask = tf.flags_mask(self.TRANSACTION_TYPE)
        if flags & mask:
            raise MalformedTransaction(
                f"flags 0x{flags & mask:08X} are not {self.TRANSACTION_TYPE.name} flags",
                field="Flags",
                result="temINVALID_FLAG",
            )
        if flags & tf.tfInnerBatchTxn:
            raise MalformedTransaction(
                "tfInnerBatchTxn belongs to Batch, which xpay does not support",
                field="Flags",
                result="temINVALID_FLAG",
            )
        if not isinstance(self.memos, tuple):
            object.__setattr__(self, "memos", tuple(self.memos))
        if self.memos:
            for memo in self.memos:
                if not isinstance(memo, Memo):
                    raise InvalidInput(f"memos are Memo values, not {type(memo).__name__}", field="Memos")
            memos_json = [memo.to_json() for memo in self.memos]
            size = len(encode_native(from_json({"Memos": memos_json}))) - 2  # less field ID and end
            if size > MAX_MEMOS_BYTES:
                raise MalformedTransaction(
                    f"memos of {size} bytes: at most {MAX_MEMOS_BYTES}", field="Memos", result="temINVALID"
                )

    @property
    def flag_bits(self) -> int:
        """The Flags field as an integer."""
        return int(getattr(self, "flags", 0))

    def check(self) -> None:
        """The type's own preflight rules: raise MalformedTransaction / InvalidInput."""

    def fields_json(self) -> dict[str, Any]:
        """The type's own fields in rippled's JSON form."""
        return {}

    @property
    def is_complete(self) -> bool:
        """Fee and Sequence are set: the transaction can be signed."""
        return self.fee is not None and self.sequence is not None

    def with_fields(self, **changes: Any) -> Self:
        """A copy with some fields changed (checked again)."""
        return replace(self, **changes)

    def to_tx_json(self) -> dict[str, Any]:
        """rippled's tx_json for this transaction (what `sign` and the codec take)."""
        out: dict[str, Any] = {"TransactionType": self.TRANSACTION_TYPE.name, "Account": self.account}
        flags = self.flag_bits
        if flags:
            out["Flags"] = flags
        out.update(self.fields_json())
        if self.fee is not None:
            out["Fee"] = amount_to_json(self.fee)
        if self.sequence is not None:
            out["Sequence"] = self.sequence
        if self.last_ledger_sequence is not None:
            out["LastLedgerSequence"] = self.last_ledger_sequence
        if self.network_id is not None:
            out["NetworkID"] = self.network_id
        if self.source_tag is not None:
            out["SourceTag"] = self.source_tag
        if self.memos:
            out["Memos"] = [memo.to_json() for memo in self.memos]
        return out

    def check_encodable(self) -> None:
        """Raise InvalidInput when the tx_json would not serialise (a last check before signing)."""
        try:
            encode_native(from_json(self.to_tx_json()))
        except CodecError as error:
            raise InvalidInput(error.message, field=error.field) from None
