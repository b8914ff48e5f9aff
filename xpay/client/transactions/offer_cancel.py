"""OfferCancel: remove one of the account's offers from its book (rippled's CancelOffer). The
offer is named by the Sequence of the OfferCreate that placed it; cancelling an offer that is
gone already succeeds and does nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from xpay.client.errors import MalformedTransaction
from xpay.client.transactions.transaction import Transaction, UniversalFlag, check_uint32
from xpay.protocol.transaction_types import TransactionType


@dataclass(frozen=True, slots=True, kw_only=True)
class OfferCancel(Transaction):
    """Cancel the offer placed by this account's transaction with Sequence `offer_sequence`."""

    TRANSACTION_TYPE: ClassVar[TransactionType] = TransactionType.OfferCancel

    offer_sequence: int
    flags: UniversalFlag = UniversalFlag(0)  # noqa: RUF009 (an IntFlag value is immutable)

    def check(self) -> None:
        check_uint32(self.offer_sequence, "OfferSequence")
        if self.offer_sequence == 0:
            raise MalformedTransaction(
                "OfferSequence may not be 0", field="OfferSequence", result="temBAD_SEQUENCE"
            )

    def fields_json(self) -> dict[str, Any]:
        return {"OfferSequence": self.offer_sequence}
