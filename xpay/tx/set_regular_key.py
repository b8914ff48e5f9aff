"""SetRegularKey: set or remove an account's regular key (rippled's SetRegularKey.cpp).

The regular key may sign in place of the master key. It may not be the account itself
(temBAD_REGKEY, fixMasterKeyAsRegularKey); removing it is refused while the master key is
disabled (tecNO_ALTERNATIVE_KEY), since nothing could sign any more. The first key change signed
with the master key is free (the "password" fee): its minimum fee is zero until the account's
lsfPasswordSpent flag is set, which that transaction does; receiving XRP re-arms it.
"""

from __future__ import annotations

from typing import Final

from xpay.ledger import keylet
from xpay.ledger.views import ReadView
from xpay.protocol.flags import lsfDisableMaster, lsfPasswordSpent, tfUniversalMask
from xpay.protocol.ter import TER, NotTEC, Tec, Tef, Tem, Tes
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.context import ApplyContext, PreclaimContext, PreflightContext
from xpay.tx.transaction import Transaction
from xpay.tx.transactor import Transactor, base_fee, is_public_key, signing_account


def calculate_base_fee(view: ReadView, tx: Transaction) -> int:
    """Zero for a master-key-signed key change while the free one is unspent."""
    spk = tx.signing_pub_key
    if is_public_key(spk) and signing_account(spk) == tx.account:
        sle = view.read(keylet.account(tx.account))
        if sle is not None and not sle.flags & lsfPasswordSpent:
            return 0
    return base_fee(view, tx)


def preflight(ctx: PreflightContext) -> NotTEC:
    regular_key = ctx.tx.fields.get("RegularKey")
    if regular_key is not None and regular_key == ctx.tx.account:
        return Tem.temBAD_REGKEY
    return Tes.tesSUCCESS


def preclaim(ctx: PreclaimContext) -> TER:
    return Tes.tesSUCCESS


def do_apply(ctx: ApplyContext) -> TER:
    tx = ctx.tx
    view = ctx.view
    sle = view.read(keylet.account(tx.account))
    if sle is None:
        return Tef.tefINTERNAL
    flags = sle.flags
    if calculate_base_fee(view, tx) == 0:
        flags |= lsfPasswordSpent
    regular_key = tx.fields.get("RegularKey")
    if regular_key is None and sle.flags & lsfDisableMaster:
        return Tec.tecNO_ALTERNATIVE_KEY
    view.update(sle._replace(flags=flags, regular_key=regular_key))
    return Tes.tesSUCCESS


TRANSACTOR: Final = Transactor(
    name="SetRegularKey",
    tx_type=TransactionType.SetRegularKey,
    flags_mask=tfUniversalMask,
    preflight=preflight,
    preclaim=preclaim,
    do_apply=do_apply,
    base_fee=calculate_base_fee,
)
