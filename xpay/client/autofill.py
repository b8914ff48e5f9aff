"""Autofill: the fields of a transaction that depend on the network's state right now.

- Fee: the open ledger's cost of a reference transaction (the `fee` method's open_ledger_fee,
  never below the base or minimum fee), times a cushion so a fee rise between autofill and
  submission does not leave the transaction out; refused above the caller's limit, as rippled's
  sign refuses a fee above `fee_mult_max` with highFee.
- Sequence: the account's next sequence in the open ledger (account_info, ledger "current").
- LastLedgerSequence: the open ledger's index plus an offset, so the transaction either gets in
  within that many ledgers or can never get in (which is what makes submit_and_wait's answer
  final).
- NetworkID: rippled requires it on networks whose ID is above 1024 (telREQUIRES_NETWORK_ID) and
  refuses it on the others (telNETWORK_ID_MAKES_TX_NON_CANONICAL).

The rules are plain functions; `autofill` asks the node only for what the transaction lacks.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Literal, Protocol, TypeVar

from xpay.client.amount import drops
from xpay.client.errors import FeeTooHigh, InvalidInput, MalformedTransaction
from xpay.client.results import AccountInfo, FeeInfo
from xpay.client.transactions.transaction import UINT32_MAX, Transaction

LEGACY_NETWORK_ID_MAX: Final = 1024
"""Networks up to this ID (the XRPL mainnet, testnet, devnet) take no NetworkID field."""

T = TypeVar("T", bound=Transaction)


@dataclass(frozen=True, slots=True)
class AutofillPolicy:
    """How autofill chooses: the fee cushion and limit, and how many ledgers a transaction has to
    get in."""

    fee_cushion: Fraction = Fraction(6, 5)
    """Multiplies the current open-ledger cost (1.2: 20 % headroom)."""
    max_fee_drops: int = 2_000_000
    """Refuse to autofill a fee above this (2 XRP)."""
    ledger_offset: int = 20
    """LastLedgerSequence = the open ledger's index + this."""

    def __post_init__(self) -> None:
        if not isinstance(self.fee_cushion, Fraction | int) or self.fee_cushion < 1:
            raise InvalidInput("the fee cushion is a Fraction of at least 1", field="fee_cushion")
        if isinstance(self.max_fee_drops, bool) or not isinstance(self.max_fee_drops, int) or self.max_fee_drops < 0:
            raise InvalidInput("max_fee_drops is a non-negative int", field="max_fee_drops")
        if isinstance(self.ledger_offset, bool) or not isinstance(self.ledger_offset, int) or self.ledger_offset < 1:
            raise InvalidInput("ledger_offset is a positive int", field="ledger_offset")


def fee_drops(fee: FeeInfo, policy: AutofillPolicy) -> int:
    """The fee to offer: the open ledger's cost (at least the base and minimum fee) times the
    cushion, rounded up to whole drops. FeeTooHigh above the policy's limit."""
    cost = max(fee.open_ledger_fee, fee.minimum_fee, fee.base_fee)
    offered = math.ceil(cost * Fraction(policy.fee_cushion))
    if offered > policy.max_fee_drops:
        raise FeeTooHigh(offered, policy.max_fee_drops)
    return offered


def last_ledger_sequence(current_ledger_index: int, policy: AutofillPolicy) -> int:
    """LastLedgerSequence for a transaction submitted while `current_ledger_index` is open."""
    value = current_ledger_index + policy.ledger_offset
    if value > UINT32_MAX:
        raise InvalidInput(f"LastLedgerSequence {value} does not fit in a UInt32", field="LastLedgerSequence")
    return value


def network_id_field(node_network_id: int | None, given: int | None) -> int | None:
    """The NetworkID a transaction must carry on a node of `node_network_id`: the ID on networks
    above 1024, none on the others. A given NetworkID that the node would refuse is an error."""
    required = node_network_id is not None and node_network_id > LEGACY_NETWORK_ID_MAX
    if given is None:
        return node_network_id if required else None
    if not required:
        raise MalformedTransaction(
            f"network {node_network_id} takes no NetworkID field",
            field="NetworkID",
            result="telNETWORK_ID_MAKES_TX_NON_CANONICAL",
        )
    if given != node_network_id:
        raise MalformedTransaction(
            f"the transaction is for network {given}, the node is on network {node_network_id}",
            field="NetworkID",
            result="telWRONG_NETWORK",
        )
    return given


class NetworkState(Protocol):
    """What autofill asks the node (APIMethods provides it)."""

    async def fee(self) -> FeeInfo: ...

    async def account_info(
        self, account: str, *, ledger_index: int | Literal["validated", "closed", "current"] | None = None
    ) -> AccountInfo: ...

    async def network_id(self) -> int | None: ...


async def autofill(node: NetworkState, transaction: T, policy: AutofillPolicy) -> T:
    """`transaction` with Fee, Sequence, LastLedgerSequence and NetworkID filled in where it has
    none, from the node's current state (the questions are asked concurrently)."""
    need_fee = transaction.fee is None
    need_sequence = transaction.sequence is None
    need_lls = transaction.last_ledger_sequence is None
    fee_task = account_task = None
    try:
        async with asyncio.TaskGroup() as group:
            network_task = group.create_task(node.network_id())
            if need_fee or (need_lls and not need_sequence):
                fee_task = group.create_task(node.fee())
            if need_sequence:
                account_task = group.create_task(
                    node.account_info(transaction.account, ledger_index="current")
                )
    except ExceptionGroup as failures:
        # The caller asked one question (autofill): answer with the first failure, typed as it
        # was raised (an RPCError actNotFound for an unfunded account), not wrapped in a group.
        raise failures.exceptions[0] from None
    changes: dict[str, object] = {}
    current_index: int | None = None
    if fee_task is not None:
        fee = fee_task.result()
        current_index = fee.ledger_current_index
        if need_fee:
            changes["fee"] = drops(fee_drops(fee, policy), field="Fee")
    if account_task is not None:
        info = account_task.result()
        changes["sequence"] = info.sequence
        if info.ledger_index is not None:
            current_index = info.ledger_index
    if need_lls:
        if current_index is None:
            raise MalformedTransaction("the node did not say which ledger is open", field="LastLedgerSequence")
        changes["last_ledger_sequence"] = last_ledger_sequence(current_index, policy)
    network_id = network_id_field(network_task.result(), transaction.network_id)
    if network_id != transaction.network_id:
        changes["network_id"] = network_id
    return transaction.with_fields(**changes) if changes else transaction
