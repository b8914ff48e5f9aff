"""Payment: deliver XRP or an issued currency, directly or through trust lines and order books
(rippled's Payment transactor; its preflight rules are checked here, locally).

A payment whose source (SendMax, or Amount when there is none) and destination are both XRP is a
direct XRP payment, and takes no paths, SendMax, partial-payment or quality flags. Anything else
rides the payment engine: SendMax caps what the sender spends, Paths suggest routes, and with
tfPartialPayment the payment may deliver less than Amount, but at least DeliverMin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntFlag
from typing import Any, ClassVar

from xpay.amounts import STAmount
from xpay.client.amount import amount_to_json
from xpay.client.errors import MalformedTransaction
from xpay.client.path import PathStep, check_paths, paths_to_json
from xpay.client.transactions.transaction import (
    Transaction,
    check_address,
    check_amount,
    check_hash256,
    check_uint32,
)
from xpay.protocol import flags as tf
from xpay.protocol.transaction_types import TransactionType


class PaymentFlag(IntFlag):
    """Payment's flags (rippled's TxFlags.h)."""

    tfFullyCanonicalSig = tf.tfFullyCanonicalSig
    tfNoRippleDirect = tf.tfNoRippleDirect
    """Do not use the default path (a direct trust line / book): only the given Paths."""
    tfPartialPayment = tf.tfPartialPayment
    """Deliver what can be delivered, down to DeliverMin, rather than fail."""
    tfLimitQuality = tf.tfLimitQuality
    """Use no conversion at a worse rate than Amount / SendMax."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Payment(Transaction):
    """Pay `amount` to `destination`."""

    TRANSACTION_TYPE: ClassVar[TransactionType] = TransactionType.Payment

    destination: str
    amount: STAmount
    send_max: STAmount | None = None
    deliver_min: STAmount | None = None
    paths: Sequence[Sequence[PathStep]] = ()
    """Lists of steps; kept as a tuple of tuples."""
    destination_tag: int | None = None
    invoice_id: str | None = None
    """64 hex digits identifying what the payment is for."""
    flags: PaymentFlag = PaymentFlag(0)  # noqa: RUF009 (an IntFlag value is immutable)

    def check(self) -> None:
        check_address(self.destination, "Destination")
        amount = check_amount(self.amount, "Amount")
        send_max = None if self.send_max is None else check_amount(self.send_max, "SendMax")
        deliver_min = None if self.deliver_min is None else check_amount(self.deliver_min, "DeliverMin")
        paths = tuple(tuple(path) for path in self.paths)
        object.__setattr__(self, "paths", paths)
        check_paths(paths)
        if self.destination_tag is not None:
            check_uint32(self.destination_tag, "DestinationTag")
        if self.invoice_id is not None:
            check_hash256(self.invoice_id, "InvoiceID")

        if amount.signum() <= 0:
            raise MalformedTransaction("the amount must be positive", field="Amount", result="temBAD_AMOUNT")
        if send_max is not None and send_max.signum() <= 0:
            raise MalformedTransaction("SendMax must be positive", field="SendMax", result="temBAD_AMOUNT")
        source = send_max if send_max is not None else amount
        if self.account == self.destination and source.issue.currency == amount.issue.currency and not paths:
            raise MalformedTransaction(
                "a payment to oneself in the same currency, without paths, does nothing",
                field="Destination",
                result="temREDUNDANT",
            )
        flags = self.flag_bits
        if source.native and amount.native:
            for present, field, what, result in (
                (send_max is not None, "SendMax", "SendMax", "temBAD_SEND_XRP_MAX"),
                (bool(paths), "Paths", "paths", "temBAD_SEND_XRP_PATHS"),
                (bool(flags & tf.tfPartialPayment), "Flags", "tfPartialPayment", "temBAD_SEND_XRP_PARTIAL"),
                (bool(flags & tf.tfLimitQuality), "Flags", "tfLimitQuality", "temBAD_SEND_XRP_LIMIT"),
                (bool(flags & tf.tfNoRippleDirect), "Flags", "tfNoRippleDirect", "temBAD_SEND_XRP_NO_DIRECT"),
            ):
                if present:
                    raise MalformedTransaction(
                        f"a direct XRP payment takes no {what}", field=field, result=result
                    )
        if deliver_min is not None:
            if not flags & tf.tfPartialPayment:
                raise MalformedTransaction(
                    "DeliverMin needs tfPartialPayment", field="DeliverMin", result="temBAD_AMOUNT"
                )
            if deliver_min.signum() <= 0:
                raise MalformedTransaction(
                    "DeliverMin must be positive", field="DeliverMin", result="temBAD_AMOUNT"
                )
            if deliver_min.issue != amount.issue:
                raise MalformedTransaction(
                    "DeliverMin must be in Amount's currency and issuer",
                    field="DeliverMin",
                    result="temBAD_AMOUNT",
                )
            if deliver_min > amount:
                raise MalformedTransaction(
                    "DeliverMin may not exceed Amount", field="DeliverMin", result="temBAD_AMOUNT"
                )

    def fields_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"Destination": self.destination, "Amount": amount_to_json(self.amount)}
        if self.send_max is not None:
            out["SendMax"] = amount_to_json(self.send_max)
        if self.deliver_min is not None:
            out["DeliverMin"] = amount_to_json(self.deliver_min)
        if self.paths:
            out["Paths"] = paths_to_json(self.paths)
        if self.destination_tag is not None:
            out["DestinationTag"] = self.destination_tag
        if self.invoice_id is not None:
            out["InvoiceID"] = self.invoice_id.upper()
        return out
