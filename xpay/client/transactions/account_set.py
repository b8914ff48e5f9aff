"""AccountSet: change an account's settings (rippled's SetAccount).

One account flag may be set (SetFlag) and one cleared (ClearFlag) per transaction, by its `asf`
number; three of them also have legacy `tf` bits. TransferRate (what an issuer charges when its
currency moves between third parties) is 0 to clear, or 1,000,000,000 (no fee) to
2,000,000,000 (100 %). Domain is at most 256 bytes; an empty one removes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, IntFlag
from typing import Any, ClassVar, Final

from xpay.client.errors import InvalidInput, MalformedTransaction
from xpay.client.transactions.transaction import Transaction, check_uint32
from xpay.protocol import flags as tf
from xpay.protocol.transaction_types import TransactionType

QUALITY_ONE: Final = 1_000_000_000
"""A TransferRate of no fee (rippled's QUALITY_ONE)."""
MAX_TRANSFER_RATE: Final = 2 * QUALITY_ONE
MAX_DOMAIN_BYTES: Final = 256
MIN_TICK_SIZE: Final = 3
MAX_TICK_SIZE: Final = 16


class AccountSetFlag(IntFlag):
    """AccountSet's legacy transaction flags (rippled's TxFlags.h)."""

    tfFullyCanonicalSig = tf.tfFullyCanonicalSig
    tfRequireDestTag = tf.tfRequireDestTag
    tfOptionalDestTag = tf.tfOptionalDestTag
    tfRequireAuth = tf.tfRequireAuth
    tfOptionalAuth = tf.tfOptionalAuth
    tfDisallowXRP = tf.tfDisallowXRP
    tfAllowXRP = tf.tfAllowXRP


class AccountSetAsfFlag(IntEnum):
    """The account flags SetFlag / ClearFlag name (rippled's `asf…`). asfAuthorizedNFTokenMinter
    is left out: it needs NFTokenMinter, which xpay does not support."""

    asfRequireDest = tf.asfRequireDest
    asfRequireAuth = tf.asfRequireAuth
    asfDisallowXRP = tf.asfDisallowXRP
    asfDisableMaster = tf.asfDisableMaster
    asfAccountTxnID = tf.asfAccountTxnID
    asfNoFreeze = tf.asfNoFreeze
    asfGlobalFreeze = tf.asfGlobalFreeze
    asfDefaultRipple = tf.asfDefaultRipple
    asfDepositAuth = tf.asfDepositAuth
    asfDisallowIncomingNFTokenOffer = tf.asfDisallowIncomingNFTokenOffer
    asfDisallowIncomingCheck = tf.asfDisallowIncomingCheck
    asfDisallowIncomingPayChan = tf.asfDisallowIncomingPayChan
    asfDisallowIncomingTrustline = tf.asfDisallowIncomingTrustline
    asfAllowTrustLineClawback = tf.asfAllowTrustLineClawback


_SETTABLE_BOTH_WAYS: Final = (
    (AccountSetFlag.tfRequireDestTag, AccountSetFlag.tfOptionalDestTag, AccountSetAsfFlag.asfRequireDest),
    (AccountSetFlag.tfRequireAuth, AccountSetFlag.tfOptionalAuth, AccountSetAsfFlag.asfRequireAuth),
    (AccountSetFlag.tfDisallowXRP, AccountSetFlag.tfAllowXRP, AccountSetAsfFlag.asfDisallowXRP),
)
_ASF_VALUES: Final = frozenset(int(flag) for flag in AccountSetAsfFlag)


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountSet(Transaction):
    """Change `account`'s settings."""

    TRANSACTION_TYPE: ClassVar[TransactionType] = TransactionType.AccountSet

    set_flag: AccountSetAsfFlag | None = None
    clear_flag: AccountSetAsfFlag | None = None
    transfer_rate: int | None = None
    domain: str | None = None
    """The domain as text (stored as its UTF-8 bytes); "" removes it."""
    tick_size: int | None = None
    """Significant digits of offer rates in this issuer's books: 3..16, or 0 to clear."""
    flags: AccountSetFlag = AccountSetFlag(0)  # noqa: RUF009 (an IntFlag value is immutable)

    def check(self) -> None:
        for name, value in (("SetFlag", self.set_flag), ("ClearFlag", self.clear_flag)):
            if value is None:
                continue
            check_uint32(value, name)
            if int(value) not in _ASF_VALUES:
                raise MalformedTransaction(f"{value} is not an account flag xpay knows", field=name)
        if self.set_flag is not None and self.set_flag == self.clear_flag:
            raise MalformedTransaction(
                "SetFlag and ClearFlag name the same flag", field="ClearFlag", result="temINVALID_FLAG"
            )
        flags = self.flag_bits
        for tf_set, tf_clear, asf in _SETTABLE_BOTH_WAYS:
            sets = bool(flags & tf_set) or self.set_flag == asf
            clears = bool(flags & tf_clear) or self.clear_flag == asf
            if sets and clears:
                raise MalformedTransaction(
                    f"{asf.name} is both set and cleared", field="Flags", result="temINVALID_FLAG"
                )
        rate = self.transfer_rate
        if rate is not None:
            check_uint32(rate, "TransferRate")
            if rate and not QUALITY_ONE <= rate <= MAX_TRANSFER_RATE:
                raise MalformedTransaction(
                    f"{rate} is not 0 or {QUALITY_ONE}..{MAX_TRANSFER_RATE}",
                    field="TransferRate",
                    result="temBAD_TRANSFER_RATE",
                )
        tick = self.tick_size
        if tick is not None:
            if isinstance(tick, bool) or not isinstance(tick, int) or not 0 <= tick <= 255:
                raise InvalidInput(f"{tick!r} is not a UInt8", field="TickSize")
            if tick and not MIN_TICK_SIZE <= tick <= MAX_TICK_SIZE:
                raise MalformedTransaction(
                    f"{tick} is not 0 or {MIN_TICK_SIZE}..{MAX_TICK_SIZE}",
                    field="TickSize",
                    result="temBAD_TICK_SIZE",
                )
        if self.domain is not None:
            if not isinstance(self.domain, str):
                raise InvalidInput(f"the domain is text, not {type(self.domain).__name__}", field="Domain")
            size = len(self.domain.encode())
            if size > MAX_DOMAIN_BYTES:
                raise MalformedTransaction(
                    f"a domain of {size} bytes: at most {MAX_DOMAIN_BYTES}", field="Domain", result="telBAD_DOMAIN"
                )

    def fields_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.set_flag is not None:
            out["SetFlag"] = int(self.set_flag)
        if self.clear_flag is not None:
            out["ClearFlag"] = int(self.clear_flag)
        if self.transfer_rate is not None:
            out["TransferRate"] = self.transfer_rate
        if self.tick_size is not None:
            out["TickSize"] = self.tick_size
        if self.domain is not None:
            out["Domain"] = self.domain.encode().hex().upper()
        return out
