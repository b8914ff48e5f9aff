"""Transaction type -> its transactor (rippled's applySteps dispatch over TxType).

Every transactor module ends in one `Transactor` record named TRANSACTOR; this module collects
them. A type without a transactor is refused with temUNKNOWN, as rippled refuses a type it
cannot apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from xpay.protocol.transaction_types import TransactionType
from xpay.tx import account_set, offer_cancel, offer_create, payment, set_regular_key, trust_set
from xpay.tx.transactor import Transactor


def _collect(*records: Transactor) -> dict[TransactionType, Transactor]:
    registry: dict[TransactionType, Transactor] = {}
    for record in records:
        if record.tx_type in registry:
            raise RuntimeError(f"two transactors for {record.tx_type.name}")
        registry[record.tx_type] = record
    return registry


TRANSACTORS: Final[Mapping[TransactionType, Transactor]] = _collect(
    account_set.TRANSACTOR,
    set_regular_key.TRANSACTOR,
    trust_set.TRANSACTOR,
    payment.TRANSACTOR,
    offer_create.TRANSACTOR,
    offer_cancel.TRANSACTOR,
)
