"""What each stage of a transactor is given, and what its last stage returns (rippled's
PreflightContext, PreclaimContext, ApplyContext, ApplyFlags).

* preflight gets the transaction and the rules: no ledger, so only stateless checks (tem…);
* preclaim gets a read-only view as well: tef / ter / tec results, nothing written;
* do_apply gets an `ApplyContext` whose `view` is a Sandbox over the ledger being changed. The
  pipeline has already consumed the sequence and taken the fee there (rippled's Transactor::
  apply), and records the balance before the fee as `prior_balance`. It returns a result, or an
  `Outcome` when something must outlive a tec (offers found unfunded) or the delivered amount
  must be recorded in the metadata (partial payments).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntFlag
from typing import NamedTuple

from xpay.amounts import STAmount, XRPAmount
from xpay.ledger.views import ReadView, Sandbox
from xpay.protocol.ids import Hash256
from xpay.protocol.ter import TER
from xpay.tx.rules import Rules
from xpay.tx.signature import SignatureCache
from xpay.tx.transaction import Transaction


class ApplyFlags(IntFlag):
    """rippled's ApplyFlags, with the values rippled gives them."""

    tapNONE = 0x00
    tapNO_CHECK_SIGN = 0x01
    """Do not verify signatures: the node already did (rippled's historical flag)."""
    tapFAIL_HARD = 0x10
    """A tec result claims nothing: the transaction is simply not applied."""
    tapRETRY = 0x20
    """This is not the last attempt (a retry pass while building a ledger): a tec result is not
    applied, it is retried (rippled's isTecClaimHardFail)."""
    tapUNLIMITED = 0x400
    """Local, trusted submission: the open ledger's fee floor is not enforced."""


# The contexts and the Outcome are NamedTuples rather than frozen dataclasses: equally immutable,
# and built for every transaction, where a frozen dataclass's __init__ (one object.__setattr__
# per field) costs twice as much.


class PreflightContext(NamedTuple):
    tx: Transaction
    rules: Rules
    flags: ApplyFlags
    signatures: SignatureCache | None = None


class PreclaimContext(NamedTuple):
    view: ReadView
    tx: Transaction
    rules: Rules
    flags: ApplyFlags


@dataclass(slots=True)
class ApplyContext:
    """The doApply stage's world. `view` is this transaction's sandbox (the payment engine opens
    a PaymentSandbox over it); `prior_balance` is the account's XRP before the fee,
    `source_balance` after it (rippled's mPriorBalance / mSourceBalance)."""

    view: Sandbox
    tx: Transaction
    rules: Rules
    flags: ApplyFlags
    prior_balance: XRPAmount
    source_balance: XRPAmount


class Outcome(NamedTuple):
    """A do_apply result with what must travel beside it.

    `removable_offers`: offers found unfunded or expired, deleted by the pipeline even when the
    result is a tec (after the sandbox is dropped and the fee charged), as rippled's Transactor
    does for OfferCreate's tecKILLED. `delivered`: the amount actually delivered, written as
    DeliveredAmount in the metadata (rippled's ApplyContext::deliver).
    """

    result: TER
    removable_offers: frozenset[Hash256] = frozenset()
    delivered: STAmount | None = None
