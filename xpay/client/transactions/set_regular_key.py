"""SetRegularKey: authorise a second key pair to sign for the account, or remove it (rippled's
SetRegularKey). The regular key is named by its account address; it may not be the account
itself (temBAD_REGKEY)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from xpay.client.errors import MalformedTransaction
from xpay.client.transactions.transaction import Transaction, UniversalFlag, check_address
from xpay.protocol.transaction_types import TransactionType


@dataclass(frozen=True, slots=True, kw_only=True)
class SetRegularKey(Transaction):
    """Set `regular_key` as the account's regular key; None removes it."""

    TRANSACTION_TYPE: ClassVar[TransactionType] = TransactionType.SetRegularKey

    regular_key: str | None = None
    flags: UniversalFlag = UniversalFlag(0)  # noqa: RUF009 (an IntFlag value is immutable)

    def check(self) -> None:
        if self.regular_key is None:
            return
        check_address(self.regular_key, "RegularKey")
        if self.regular_key == self.account:
            raise MalformedTransaction(
                "the regular key may not be the account's own master key",
                field="RegularKey",
                result="temBAD_REGKEY",
            )

    def fields_json(self) -> dict[str, Any]:
        return {} if self.regular_key is None else {"RegularKey": self.regular_key}
