"""TrustSet: create or change a trust line to an issuer, up to a limit (rippled's SetTrust).

The limit is an issued-currency amount whose issuer is the peer the line is with; zero with no
other settings lets the line be deleted once its balance is zero. The flags set or clear the
holder's side of NoRipple, Freeze (issuers freeze their holders' lines) and authorisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntFlag
from typing import Any, ClassVar

from xpay.amounts import BAD_CURRENCY, STAmount
from xpay.client.amount import amount_to_json
from xpay.client.errors import MalformedTransaction
from xpay.client.transactions.transaction import Transaction, check_amount, check_uint32
from xpay.codec import encode_account_id
from xpay.protocol import flags as tf
from xpay.protocol.transaction_types import TransactionType


class TrustSetFlag(IntFlag):
    """TrustSet's flags (rippled's TxFlags.h)."""

    tfFullyCanonicalSig = tf.tfFullyCanonicalSig
    tfSetfAuth = tf.tfSetfAuth
    """Authorise the peer to hold this issuer's currency (with asfRequireAuth)."""
    tfSetNoRipple = tf.tfSetNoRipple
    tfClearNoRipple = tf.tfClearNoRipple
    tfSetFreeze = tf.tfSetFreeze
    tfClearFreeze = tf.tfClearFreeze
    tfSetDeepFreeze = tf.tfSetDeepFreeze
    tfClearDeepFreeze = tf.tfClearDeepFreeze


_CONTRADICTIONS = (
    (TrustSetFlag.tfSetNoRipple, TrustSetFlag.tfClearNoRipple),
    (TrustSetFlag.tfSetFreeze, TrustSetFlag.tfClearFreeze),
    (TrustSetFlag.tfSetDeepFreeze, TrustSetFlag.tfClearDeepFreeze),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class TrustSet(Transaction):
    """Trust `limit_amount.issuer` for up to `limit_amount` of its currency."""

    TRANSACTION_TYPE: ClassVar[TransactionType] = TransactionType.TrustSet

    limit_amount: STAmount
    quality_in: int | None = None
    """Value incoming balances at this ratio to 1,000,000,000 (0 or absent: face value)."""
    quality_out: int | None = None
    flags: TrustSetFlag = TrustSetFlag(0)  # noqa: RUF009 (an IntFlag value is immutable)

    def check(self) -> None:
        limit = check_amount(self.limit_amount, "LimitAmount")
        for name, value in (("QualityIn", self.quality_in), ("QualityOut", self.quality_out)):
            if value is not None:
                check_uint32(value, name)
        if limit.native:
            raise MalformedTransaction(
                "a trust line is for an issued currency, not XRP", field="LimitAmount", result="temBAD_LIMIT"
            )
        if limit.issue.currency == BAD_CURRENCY:
            raise MalformedTransaction("'XRP' is not an issued currency", field="LimitAmount", result="temBAD_CURRENCY")
        if limit.negative:
            raise MalformedTransaction("the limit may not be negative", field="LimitAmount", result="temBAD_LIMIT")
        if encode_account_id(limit.issue.account) == self.account:
            raise MalformedTransaction(
                "an account cannot trust itself", field="LimitAmount", result="temDST_IS_SRC"
            )
        flags = self.flag_bits
        for set_flag, clear_flag in _CONTRADICTIONS:
            if flags & set_flag and flags & clear_flag:
                # rippled refuses contradictory freeze bits (temINVALID_FLAG) and quietly ignores
                # contradictory NoRipple bits; either way the caller asked for two opposite things.
                raise MalformedTransaction(
                    f"{set_flag.name} and {clear_flag.name} contradict each other",
                    field="Flags",
                    result="temINVALID_FLAG",
                )

    def fields_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"LimitAmount": amount_to_json(self.limit_amount)}
        if self.quality_in is not None:
            out["QualityIn"] = self.quality_in
        if self.quality_out is not None:
            out["QualityOut"] = self.quality_out
        return out
