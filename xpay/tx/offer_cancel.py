"""OfferCancel: remove one of the account's offers (rippled's CancelOffer.cpp).

OfferSequence names the offer by the sequence of the OfferCreate that placed it; it must be an
earlier sequence than the account's next one (temBAD_SEQUENCE). An offer that no longer exists
(filled, cancelled, removed as unfunded) is not an error: the transaction succeeds and does
nothing but take the fee.
"""

from __future__ import annotations

from typing import Final

from xpay.ledger import keylet
from xpay.ledger.transfers import offer_delete
from xpay.protocol.flags import tfUniversalMask
from xpay.protocol.ter import TER, NotTEC, Tem, Ter, Tes
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.context import ApplyContext, PreclaimContext, PreflightContext
from xpay.tx.transactor import Transactor


def preflight(ctx: PreflightContext) -> NotTEC:
    if not ctx.tx.fields.get("OfferSequence"):
        return Tem.temBAD_SEQUENCE
    return Tes.tesSUCCESS


def preclaim(ctx: PreclaimContext) -> TER:
    account = ctx.view.read(keylet.account(ctx.tx.account))
    if account is None:
        return Ter.terNO_ACCOUNT
    if account.sequence <= ctx.tx.fields["OfferSequence"]:
        return Tem.temBAD_SEQUENCE
    return Tes.tesSUCCESS


def do_apply(ctx: ApplyContext) -> TER:
    offer = ctx.view.read(keylet.offer(ctx.tx.account, ctx.tx.fields["OfferSequence"]))
    if offer is None:
        return Tes.tesSUCCESS
    return offer_delete(ctx.view, offer)


TRANSACTOR: Final = Transactor(
    name="OfferCancel",
    tx_type=TransactionType.OfferCancel,
    flags_mask=tfUniversalMask,
    preflight=preflight,
    preclaim=preclaim,
    do_apply=do_apply,
)
