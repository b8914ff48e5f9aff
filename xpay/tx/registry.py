"""Transaction type -> its transactor (rippled's applySteps dispatch over TxType).

Every transactor module ends in one `Transactor` record named TRANSACTOR; this module collects
them. The offer transactors (offer_create, offer_cancel) are written by the payment-engine side
and join the registry when their modules exist, so the pipeline runs whichever have landed; a
type without a transactor is refused with temUNKNOWN, as rippled refuses a type it cannot apply.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping
from typing import Final

from xpay.protocol.transaction_types import TransactionType
from xpay.tx import account_set, payment, set_regular_key, trust_set
from xpay.tx.transactor import Transactor

_OPTIONAL_MODULES: Final = ("xpay.tx.offer_create", "xpay.tx.offer_cancel")


def _collect() -> dict[TransactionType, Transactor]:
    records = [
        account_set.TRANSACTOR,
        set_regular_key.TRANSACTOR,
        trust_set.TRANSACTOR,
        payment.TRANSACTOR,
    ]
    for name in _OPTIONAL_MODULES:
        if importlib.util.find_spec(name) is not None:
            record = getattr(importlib.import_module(name), "TRANSACTOR", None)
            if isinstance(record, Transactor):
                records.append(record)
    registry: dict[TransactionType, Transactor] = {}
    for record in records:
        if record.tx_type in registry:
            raise RuntimeError(f"two transactors for {record.tx_type.name}")
        registry[record.tx_type] = record
    return registry


TRANSACTORS: Final[Mapping[TransactionType, Transactor]] = _collect()
