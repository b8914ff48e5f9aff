"""Payment: deliver an amount to a destination (rippled's Payment.cpp).

XRP to XRP with no paths and no SendMax is a direct payment, done here: the destination is
created when missing and the amount meets the account reserve (else tecNO_DST_INSUF_XRP); the
sender keeps its reserve, except that the fee may eat into it (tecUNFUNDED_PAYMENT); an account
with DepositAuth takes XRP only from itself — or, so it cannot be wedged, small amounts while
its own balance is at most the base reserve (tecNO_PERMISSION); DisallowXRP is advisory, as in
rippled: the ledger does not enforce it.

Every other payment (IOUs, cross-currency, paths, SendMax, partial payments, DeliverMin) goes
through the payment engine (xpay.flow.flow) in a PaymentSandbox: `_ripple` is the seam. A retry
result from the engine becomes tecPATH_DRY; a partial delivery below DeliverMin is
tecPATH_PARTIAL; a partial delivery is recorded as the metadata's DeliveredAmount. Following
rippled, a failed payment does not delete the offers the engine found unfunded (only
OfferCreate's tecKILLED does).
"""

from __future__ import annotations

from typing import Any, Final

from xpay.amounts import BAD_CURRENCY, Quality, STAmount, XRPAmount
from xpay.amounts.issue import issue_from_key
from xpay.amounts.xrp_amount import xrp_of
from xpay.flow import flow
from xpay.ledger import keylet
from xpay.ledger.entries import AccountRoot
from xpay.ledger.payment_sandbox import PaymentSandbox
from xpay.protocol.flags import (
    lsfDepositAuth,
    lsfPasswordSpent,
    lsfRequireDestTag,
    tfLimitQuality,
    tfNoRippleDirect,
    tfPartialPayment,
    tfPaymentMask,
)
from xpay.protocol.ids import ACCOUNT_ONE, AccountID
from xpay.protocol.ter import TER, NotTEC, Tec, Tef, Tel, Tem, Tes, is_ter_retry
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.context import ApplyContext, Outcome, PreclaimContext, PreflightContext
from xpay.tx.transactor import Transactor

MAX_PATH_SIZE: Final = 6
"""rippled's MaxPathSize: at most this many paths (in the open ledger: telBAD_PATH_COUNT)."""
MAX_PATH_LENGTH: Final = 8
"""rippled's MaxPathLength: at most this many steps per path."""


def max_source_amount(account: AccountID, amount: STAmount, send_max: STAmount | None) -> STAmount:
    """What the sender may spend: SendMax, or the Amount (an IOU as the sender's own), as
    rippled's getMaxSourceAmount."""
    if send_max is not None:
        return send_max
    if amount.native:
        return amount
    return amount.with_issue(issue_from_key(amount.issue.currency + account))  # shared Issue


def preflight(ctx: PreflightContext) -> NotTEC:
    tx = ctx.tx
    fields = tx.fields
    amount = fields["Amount"]
    send_max = fields.get("SendMax")
    deliver_min = fields.get("DeliverMin")
    if type(amount) is not STAmount or (send_max is not None and type(send_max) is not STAmount):
        return Tem.temDISABLED  # MPT amounts: MPTokensV1 is not part of xpay
    if "CredentialIDs" in fields or "DomainID" in fields:
        return Tem.temDISABLED  # neither are Credentials nor permissioned domains
    flags = tx.flags
    partial = bool(flags & tfPartialPayment)
    has_paths = "Paths" in fields
    source = max_source_amount(tx.account, amount, send_max)
    xrp_direct = amount.native and source.native
    destination = fields["Destination"]
    if not any(destination):
        return Tem.temDST_NEEDED
    if send_max is not None and source.signum() <= 0:
        return Tem.temBAD_AMOUNT
    if amount.signum() <= 0:
        return Tem.temBAD_AMOUNT
    if source.issue.currency == BAD_CURRENCY or amount.issue.currency == BAD_CURRENCY:
        return Tem.temBAD_CURRENCY
    if tx.account == destination and source.issue.currency == amount.issue.currency and not has_paths:
        return Tem.temREDUNDANT  # paying oneself, without paths to make it an arbitrage
    if xrp_direct:
        if send_max is not None:
            return Tem.temBAD_SEND_XRP_MAX
        if has_paths:
            return Tem.temBAD_SEND_XRP_PATHS
        if partial:
            return Tem.temBAD_SEND_XRP_PARTIAL
        if flags & tfLimitQuality:
            return Tem.temBAD_SEND_XRP_LIMIT
        if flags & tfNoRippleDirect:
            return Tem.temBAD_SEND_XRP_NO_DIRECT
    if deliver_min is not None:
        if not partial or type(deliver_min) is not STAmount or deliver_min.signum() <= 0:
            return Tem.temBAD_AMOUNT
        if deliver_min.issue != amount.issue or deliver_min > amount:
            return Tem.temBAD_AMOUNT
    return Tes.tesSUCCESS


def preclaim(ctx: PreclaimContext) -> TER:
    tx = ctx.tx
    view = ctx.view
    fields = tx.fields
    amount: STAmount = fields["Amount"]
    destination = view.read(keylet.account(fields["Destination"]))
    if destination is None:
        if not amount.native:
            return Tec.tecNO_DST
        if view.open and tx.flags & tfPartialPayment:
            return Tel.telNO_DST_PARTIAL  # an account cannot be funded by a partial payment
        if amount.mantissa < view.fees.account_reserve(0).drops:
            return Tec.tecNO_DST_INSUF_XRP
    elif destination.flags & lsfRequireDestTag and "DestinationTag" not in fields:
        return Tec.tecDST_TAG_NEEDED
    paths = fields.get("Paths")
    if view.open and paths and (len(paths) > MAX_PATH_SIZE or any(len(p) > MAX_PATH_LENGTH for p in paths)):
        return Tel.telBAD_PATH_COUNT
    return Tes.tesSUCCESS


def do_apply(ctx: ApplyContext) -> TER | Outcome:
    tx = ctx.tx
    fields = tx.fields
    view = ctx.view
    amount: STAmount = fields["Amount"]
    send_max: STAmount | None = fields.get("SendMax")
    dst_id: AccountID = fields["Destination"]
    k = keylet.account(dst_id)
    destination = view.read(k)
    if destination is None:
        # Created with the ledger's sequence as its first (DeletableAccounts).
        destination = AccountRoot(
            key=k.key, account=dst_id, balance=XRPAmount(0), sequence=view.seq
        )
        view.insert(destination)
    deposit_auth = bool(destination.flags & lsfDepositAuth)

    if "Paths" in fields or send_max is not None or not amount.native:
        if deposit_auth and tx.account != dst_id:
            return Tec.tecNO_PERMISSION  # DepositAuth: no preauthorisations exist in xpay
        return _ripple(ctx, amount, send_max, dst_id)

    # Direct XRP payment.
    source = view.read(keylet.account(tx.account))
    if source is None:
        return Tef.tefINTERNAL
    reserve = view.fees.reserve_drops(source.owner_count)
    # The sender keeps its reserve, but the fee may be paid out of it.
    if ctx.prior_balance.drops < amount.mantissa + max(reserve, tx.fee.mantissa):
        return Tec.tecUNFUNDED_PAYMENT
    if deposit_auth:
        base_reserve = view.fees.account_reserve(0).drops
        if amount.mantissa > base_reserve or destination.balance.drops > base_reserve:
            return Tec.tecNO_PERMISSION
    view.update(source._replace(balance=xrp_of(ctx.source_balance.drops - amount.mantissa)))
    destination = view.read(k) or destination
    view.update(
        destination._replace(
            balance=xrp_of(destination.balance.drops + amount.mantissa),
            flags=destination.flags & ~lsfPasswordSpent,  # receiving XRP re-arms the free key change
        )
    )
    return Tes.tesSUCCESS


def path_element_failure(paths: list[list[dict[str, Any]]]) -> NotTEC:
    """temBAD_PATH for a path step no strand can be built from (rippled's toStrand checks): an
    account with a currency or issuer, or the XRP account or ACCOUNT_ONE where a real account
    belongs, or an XRP currency with an issuer."""
    for path in paths:
        for step in path:
            account = step.get("account")
            currency = step.get("currency")
            issuer = step.get("issuer")
            if account is not None and (currency is not None or issuer is not None):
                return Tem.temBAD_PATH
            if account is not None and (not any(account) or account == ACCOUNT_ONE):
                return Tem.temBAD_PATH
            if issuer is not None and (not any(issuer) or issuer == ACCOUNT_ONE):
                return Tem.temBAD_PATH
            if currency is not None and issuer is not None and not any(currency):
                return Tem.temBAD_PATH
    return Tes.tesSUCCESS


def _ripple(ctx: ApplyContext, amount: STAmount, send_max: STAmount | None, dst_id: AccountID) -> TER | Outcome:
    """The payment engine's seam: everything but a direct XRP payment (rippled's RippleCalc)."""
    tx = ctx.tx
    fields = tx.fields
    paths: list[list[dict[str, Any]]] = fields.get("Paths", [])
    malformed = path_element_failure(paths)
    if malformed is not Tes.tesSUCCESS:
        return malformed
    flags = tx.flags
    source = max_source_amount(tx.account, amount, send_max)
    limit_quality = Quality.from_amounts(amount, source) if flags & tfLimitQuality else None
    deliver_min: STAmount | None = fields.get("DeliverMin")
    sandbox = PaymentSandbox(ctx.view)
    flowed = flow(
        sandbox,
        amount,
        tx.account,
        dst_id,
        paths,
        default_path=not flags & tfNoRippleDirect,
        partial_payment=bool(flags & tfPartialPayment),
        owner_pays_transfer_fee=False,
        offer_crossing=False,
        limit_quality=limit_quality,
        # rippled always hands the engine the most the sender may spend.
        send_max=source,
    )
    sandbox.apply()
    result: TER = flowed.result
    delivered: STAmount | None = None
    if result is Tes.tesSUCCESS and flowed.actual_out != amount:
        if deliver_min is not None and flowed.actual_out < deliver_min:
            result = Tec.tecPATH_PARTIAL
        else:
            delivered = flowed.actual_out
    if is_ter_retry(result):
        result = Tec.tecPATH_DRY  # claim a fee: maybe the next path spec is better
    return Outcome(result, delivered=delivered)


TRANSACTOR: Final = Transactor(
    name="Payment",
    tx_type=TransactionType.Payment,
    flags_mask=tfPaymentMask,
    preflight=preflight,
    preclaim=preclaim,
    do_apply=do_apply,
)
