"""OfferCreate: place an offer in an order book, crossing what it can at once (rippled's
CreateOffer).

The offer gives `taker_gets` for `taker_pays` (seen from whoever takes it). It may replace an
earlier offer of the account (OfferSequence) and expire (Expiration, seconds since the XRPL
epoch). tfPassive does not cross offers at exactly the same rate; tfImmediateOrCancel and
tfFillOrKill never leave an offer in the book; tfSell trades all of taker_gets even for more
than taker_pays.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntFlag
from typing import Any, ClassVar

from xpay.amounts import BAD_CURRENCY, STAmount
from xpay.client.amount import amount_to_json
from xpay.client.errors import MalformedTransaction
from xpay.client.transactions.transaction import Transaction, check_amount, check_uint32
from xpay.protocol import flags as tf
from xpay.protocol.transaction_types import TransactionType


class OfferCreateFlag(IntFlag):
    """OfferCreate's flags (rippled's TxFlags.h). tfHybrid is left out: it needs a permissioned
    domain, which xpay does not support."""

    tfFullyCanonicalSig = tf.tfFullyCanonicalSig
    tfPassive = tf.tfPassive
    tfImmediateOrCancel = tf.tfImmediateOrCancel
    tfFillOrKill = tf.tfFillOrKill
    tfSell = tf.tfSell


@dataclass(frozen=True, slots=True, kw_only=True)
class OfferCreate(Transaction):
    """Offer `taker_gets` in exchange for `taker_pays`."""

    TRANSACTION_TYPE: ClassVar[TransactionType] = TransactionType.OfferCreate

    taker_gets: STAmount
    taker_pays: STAmount
    expiration: int | None = None
    offer_sequence: int | None = None
    """The Sequence of an earlier offer of this account to cancel first."""
    flags: OfferCreateFlag = OfferCreateFlag(0)  # noqa: RUF009 (an IntFlag value is immutable)

    def check(self) -> None:
        gets = check_amount(self.taker_gets, "TakerGets")
        pays = check_amount(self.taker_pays, "TakerPays")
        for name, value in (("Expiration", self.expiration), ("OfferSequence", self.offer_sequence)):
            if value is not None:
                check_uint32(value, name)
        flags = self.flag_bits
        if flags & tf.tfHybrid:
            raise MalformedTransaction(
                "tfHybrid needs a permissioned domain, which xpay does not support",
                field="Flags",
                result="temINVALID_FLAG",
            )
        if flags & tf.tfImmediateOrCancel and flags & tf.tfFillOrKill:
            raise MalformedTransaction(
                "tfImmediateOrCancel and tfFillOrKill exclude each other",
                field="Flags",
                result="temINVALID_FLAG",
            )
        if self.expiration == 0:
            raise MalformedTransaction("Expiration may not be 0", field="Expiration", result="temBAD_EXPIRATION")
        if self.offer_sequence == 0:
            raise MalformedTransaction("OfferSequence may not be 0", field="OfferSequence", result="temBAD_SEQUENCE")
        if gets.native and pays.native:
            raise MalformedTransaction("an offer of XRP for XRP", field="TakerPays", result="temBAD_OFFER")
        if gets.signum() <= 0:
            raise MalformedTransaction("TakerGets must be positive", field="TakerGets", result="temBAD_OFFER")
        if pays.signum() <= 0:
            raise MalformedTransaction("TakerPays must be positive", field="TakerPays", result="temBAD_OFFER")
        if gets.issue == pays.issue:
            raise MalformedTransaction(
                "an offer of a currency for itself", field="TakerPays", result="temREDUNDANT"
            )
        if BAD_CURRENCY in (gets.issue.currency, pays.issue.currency):
            raise MalformedTransaction("'XRP' is not an issued currency", field="TakerPays", result="temBAD_CURRENCY")

    def fields_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "TakerGets": amount_to_json(self.taker_gets),
            "TakerPays": amount_to_json(self.taker_pays),
        }
        if self.expiration is not None:
            out["Expiration"] = self.expiration
        if self.offer_sequence is not None:
            out["OfferSequence"] = self.offer_sequence
        return out
