"""AccountSet: an account's settings (rippled's SetAccount.cpp).

SetFlag / ClearFlag (asf…) and the legacy transaction flags (tfRequireDestTag, tfOptionalAuth,
…) set and clear the AccountRoot's lsf… flags: RequireDest, RequireAuth (only while the account
owns nothing: tecOWNERS), DisallowXRP (advisory: the ledger does not enforce it), DisableMaster
(signed with the master key — tecNEED_MASTER_KEY — and with a regular key to fall back on —
tecNO_ALTERNATIVE_KEY), DefaultRipple, NoFreeze (master key only; permanent), GlobalFreeze
(anyone may set it; clearing is refused once NoFreeze is set), DepositAuth, AccountTxnID,
DisallowIncoming…, AllowTrustLineClawback. Fields: TransferRate (1.0–2.0, 0 or 1.0 clears),
Domain (at most 256 bytes: telBAD_DOMAIN), EmailHash, MessageKey, TickSize (3–16; 0 or 16
clears). Fields and flags for objects xpay does not have (WalletLocator, NFTokenMinter) are
refused with temDISABLED rather than silently ignored.
"""

from __future__ import annotations

from typing import Final

from xpay.amounts import QUALITY_ONE
from xpay.ledger import keylet
from xpay.ledger.directory import dir_is_empty
from xpay.protocol.flags import (
    asfAccountTxnID,
    asfAllowTrustLineClawback,
    asfAuthorizedNFTokenMinter,
    asfDefaultRipple,
    asfDepositAuth,
    asfDisableMaster,
    asfDisallowIncomingCheck,
    asfDisallowIncomingNFTokenOffer,
    asfDisallowIncomingPayChan,
    asfDisallowIncomingTrustline,
    asfDisallowXRP,
    asfGlobalFreeze,
    asfNoFreeze,
    asfRequireAuth,
    asfRequireDest,
    lsfAllowTrustLineClawback,
    lsfDefaultRipple,
    lsfDepositAuth,
    lsfDisableMaster,
    lsfDisallowIncomingCheck,
    lsfDisallowIncomingNFTokenOffer,
    lsfDisallowIncomingPayChan,
    lsfDisallowIncomingTrustline,
    lsfDisallowXRP,
    lsfGlobalFreeze,
    lsfNoFreeze,
    lsfRequireAuth,
    lsfRequireDestTag,
    tfAccountSetMask,
    tfAllowXRP,
    tfDisallowXRP,
    tfOptionalAuth,
    tfOptionalDestTag,
    tfRequireAuth,
    tfRequireDestTag,
)
from xpay.protocol.ids import Hash256
from xpay.protocol.ter import TER, NotTEC, Tec, Tef, Tel, Tem, Ter, Tes
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.context import ApplyContext, ApplyFlags, PreclaimContext, PreflightContext
from xpay.tx.transactor import Transactor, is_public_key, signing_account

MAX_DOMAIN_LENGTH: Final = 256
MIN_TICK_SIZE: Final = 3
MAX_TICK_SIZE: Final = 16

# asf flag -> the lsf flag it sets or clears, for the flags that need nothing but that.
_SIMPLE_FLAGS: Final = {
    asfDefaultRipple: lsfDefaultRipple,
    asfDepositAuth: lsfDepositAuth,
    asfDisallowIncomingNFTokenOffer: lsfDisallowIncomingNFTokenOffer,
    asfDisallowIncomingCheck: lsfDisallowIncomingCheck,
    asfDisallowIncomingPayChan: lsfDisallowIncomingPayChan,
    asfDisallowIncomingTrustline: lsfDisallowIncomingTrustline,
}


def _wants(tx_flags: int, set_flag: int, clear_flag: int, tf_set: int, tf_clear: int, asf: int) -> tuple[bool, bool]:
    """(set, clear) for a flag settable both ways: SetFlag/ClearFlag or the legacy tf bits."""
    return bool(tx_flags & tf_set) or set_flag == asf, bool(tx_flags & tf_clear) or clear_flag == asf


def preflight(ctx: PreflightContext) -> NotTEC:
    tx = ctx.tx
    fields = tx.fields
    flags = tx.flags
    set_flag = fields.get("SetFlag", 0)
    clear_flag = fields.get("ClearFlag", 0)
    if set_flag and set_flag == clear_flag:
        return Tem.temINVALID_FLAG
    for tf_set, tf_clear, asf in (
        (tfRequireAuth, tfOptionalAuth, asfRequireAuth),
        (tfRequireDestTag, tfOptionalDestTag, asfRequireDest),
        (tfDisallowXRP, tfAllowXRP, asfDisallowXRP),
    ):
        wants_set, wants_clear = _wants(flags, set_flag, clear_flag, tf_set, tf_clear, asf)
        if wants_set and wants_clear:
            return Tem.temINVALID_FLAG
    rate = fields.get("TransferRate")
    if rate is not None and ((rate and rate < QUALITY_ONE) or rate > 2 * QUALITY_ONE):
        return Tem.temBAD_TRANSFER_RATE
    tick = fields.get("TickSize")
    if tick and not MIN_TICK_SIZE <= tick <= MAX_TICK_SIZE:
        return Tem.temBAD_TICK_SIZE
    message_key = fields.get("MessageKey")
    if message_key and not is_public_key(message_key):
        return Tel.telBAD_PUBLIC_KEY
    domain = fields.get("Domain")
    if domain is not None and len(domain) > MAX_DOMAIN_LENGTH:
        return Tel.telBAD_DOMAIN
    if (
        "WalletLocator" in fields
        or "NFTokenMinter" in fields
        or asfAuthorizedNFTokenMinter in (set_flag, clear_flag)
    ):
        return Tem.temDISABLED  # xpay's AccountRoot has no WalletLocator nor NFTokenMinter.
    return Tes.tesSUCCESS


def preclaim(ctx: PreclaimContext) -> TER:
    tx = ctx.tx
    sle = ctx.view.read(keylet.account(tx.account))
    if sle is None:
        return Ter.terNO_ACCOUNT
    set_flag = tx.fields.get("SetFlag", 0)
    # RequireAuth only on an account that owns nothing yet: holders it already has would never
    # have been authorised.
    if (
        (tx.flags & tfRequireAuth or set_flag == asfRequireAuth)
        and not sle.flags & lsfRequireAuth
        and not dir_is_empty(ctx.view, keylet.owner_dir(tx.account))
    ):
        return Ter.terOWNERS if ctx.flags & ApplyFlags.tapRETRY else Tec.tecOWNERS
    if set_flag == asfAllowTrustLineClawback:
        if sle.flags & lsfNoFreeze:
            return Tec.tecNO_PERMISSION
        if not dir_is_empty(ctx.view, keylet.owner_dir(tx.account)):
            return Tec.tecOWNERS
    elif set_flag == asfNoFreeze and sle.flags & lsfAllowTrustLineClawback:
        return Tec.tecNO_PERMISSION
    return Tes.tesSUCCESS


def do_apply(ctx: ApplyContext) -> TER:
    tx = ctx.tx
    fields = tx.fields
    view = ctx.view
    sle = view.read(keylet.account(tx.account))
    if sle is None:
        return Tef.tefINTERNAL
    flags_in = sle.flags
    flags = flags_in
    tx_flags = tx.flags
    set_flag = fields.get("SetFlag", 0)
    clear_flag = fields.get("ClearFlag", 0)
    spk = tx.signing_pub_key
    signed_with_master = is_public_key(spk) and signing_account(spk) == tx.account

    for tf_set, tf_clear, asf, lsf in (
        (tfRequireAuth, tfOptionalAuth, asfRequireAuth, lsfRequireAuth),
        (tfRequireDestTag, tfOptionalDestTag, asfRequireDest, lsfRequireDestTag),
        (tfDisallowXRP, tfAllowXRP, asfDisallowXRP, lsfDisallowXRP),
    ):
        wants_set, wants_clear = _wants(tx_flags, set_flag, clear_flag, tf_set, tf_clear, asf)
        if wants_set:
            flags |= lsf
        if wants_clear:
            flags &= ~lsf

    if set_flag == asfDisableMaster and not flags_in & lsfDisableMaster:
        if not signed_with_master:
            return Tec.tecNEED_MASTER_KEY
        if sle.regular_key is None:
            # No regular key (and xpay has no signer lists): nothing could sign any more.
            return Tec.tecNO_ALTERNATIVE_KEY
        flags |= lsfDisableMaster
    if clear_flag == asfDisableMaster:
        flags &= ~lsfDisableMaster

    for asf, lsf in _SIMPLE_FLAGS.items():
        if set_flag == asf:
            flags |= lsf
        elif clear_flag == asf:
            flags &= ~lsf

    if set_flag == asfNoFreeze:
        if not signed_with_master and not flags_in & lsfDisableMaster:
            return Tec.tecNEED_MASTER_KEY
        flags |= lsfNoFreeze
    if set_flag == asfGlobalFreeze:
        flags |= lsfGlobalFreeze
    # With NoFreeze set, GlobalFreeze can never be cleared: it cannot be used strategically.
    if set_flag != asfGlobalFreeze and clear_flag == asfGlobalFreeze and not flags & lsfNoFreeze:
        flags &= ~lsfGlobalFreeze
    if set_flag == asfAllowTrustLineClawback:
        flags |= lsfAllowTrustLineClawback

    account_txn_id = sle.account_txn_id
    if set_flag == asfAccountTxnID and account_txn_id is None:
        account_txn_id = Hash256(bytes(32))  # present: the next transaction records its ID
    if clear_flag == asfAccountTxnID:
        account_txn_id = None
    email_hash = fields.get("EmailHash", sle.email_hash)
    message_key = fields.get("MessageKey", sle.message_key)
    domain = fields.get("Domain", sle.domain)
    transfer_rate = fields.get("TransferRate", sle.transfer_rate)
    tick_size = fields.get("TickSize", sle.tick_size)
    view.update(
        sle._replace(
            flags=flags,
            account_txn_id=account_txn_id,
            email_hash=email_hash if email_hash and any(email_hash) else None,  # zero: unset
            message_key=message_key or None,  # empty: unset
            domain=domain or None,
            transfer_rate=None if transfer_rate in (0, QUALITY_ONE) else transfer_rate,
            tick_size=None if tick_size in (0, MAX_TICK_SIZE) else tick_size,
        )
    )
    return Tes.tesSUCCESS


TRANSACTOR: Final = Transactor(
    name="AccountSet",
    tx_type=TransactionType.AccountSet,
    flags_mask=tfAccountSetMask,
    preflight=preflight,
    preclaim=preclaim,
    do_apply=do_apply,
)
