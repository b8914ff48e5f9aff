"""TrustSet: create, change or remove one side of a trust line (rippled's SetTrust.cpp).

LimitAmount names the currency, the peer (its issuer) and this account's limit. QualityIn /
QualityOut set the side's qualities (0 clears; QualityOut of exactly 1.0 clears too). Flags:
tfSetfAuth (authorise the peer to hold this account's IOUs; only with RequireAuth:
tefNO_AUTH_REQUIRED), tfSetNoRipple / tfClearNoRipple (setting it on a negative balance is
tecNO_PERMISSION, fix1578), tfSetFreeze / tfClearFreeze (refused with tecNO_PERMISSION once the
account set NoFreeze, or when both are given), and, with the DeepFreeze feature, tfSetDeepFreeze
/ tfClearDeepFreeze.

A side is "reserved" (its account's OwnerCount counts the line) while it differs from the
default: a limit, a quality, a positive balance owed to it, freeze, or NoRipple unlike its
account's DefaultRipple. When neither side is, the line is deleted. Creating a line, or
reserving for one, needs the reserve for one more object — except for an account's first two
objects, so a gateway can fund new customers with just the account reserve
(tecNO_LINE_INSUF_RESERVE / tecINSUF_RESERVE_LINE). The peer must exist (tecNO_DST) and accept
trust lines (lsfDisallowIncomingTrustline: tecNO_PERMISSION); a line to oneself is temDST_IS_SRC.
"""

from __future__ import annotations

from typing import Final

from xpay.amounts import BAD_CURRENCY, QUALITY_ONE, Issue, STAmount
from xpay.ledger import keylet
from xpay.ledger.entries import RippleState
from xpay.ledger.transfers import adjust_owner_count, trust_create, trust_delete
from xpay.protocol.flags import (
    lsfDefaultRipple,
    lsfDisallowIncomingTrustline,
    lsfHighAuth,
    lsfHighDeepFreeze,
    lsfHighFreeze,
    lsfHighNoRipple,
    lsfHighReserve,
    lsfLowAuth,
    lsfLowDeepFreeze,
    lsfLowFreeze,
    lsfLowNoRipple,
    lsfLowReserve,
    lsfNoFreeze,
    lsfRequireAuth,
    tfClearDeepFreeze,
    tfClearFreeze,
    tfClearNoRipple,
    tfSetDeepFreeze,
    tfSetfAuth,
    tfSetFreeze,
    tfSetNoRipple,
    tfTrustSetMask,
)
from xpay.protocol.ids import ACCOUNT_ONE
from xpay.protocol.ter import TER, NotTEC, Tec, Tef, Tem, Ter, Tes
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.context import ApplyContext, PreclaimContext, PreflightContext
from xpay.tx.rules import FEATURE_DEEP_FREEZE
from xpay.tx.transactor import Transactor


def compute_freeze_flags(
    flags: int,
    high: bool,
    no_freeze: bool,
    set_freeze: bool,
    clear_freeze: bool,
    set_deep: bool,
    clear_deep: bool,
) -> int:
    """The line's flags after this side's freeze requests (rippled's computeFreezeFlags)."""
    freeze = lsfHighFreeze if high else lsfLowFreeze
    deep = lsfHighDeepFreeze if high else lsfLowDeepFreeze
    if set_freeze and not clear_freeze and not no_freeze:
        flags |= freeze
    elif clear_freeze and not set_freeze:
        flags &= ~freeze
    if set_deep and not clear_deep and not no_freeze:
        flags |= deep
    elif clear_deep and not set_deep:
        flags &= ~deep
    return flags


def preflight(ctx: PreflightContext) -> NotTEC:
    tx = ctx.tx
    if tx.flags & (tfSetDeepFreeze | tfClearDeepFreeze) and not ctx.rules.enabled(FEATURE_DEEP_FREEZE):
        return Tem.temINVALID_FLAG
    limit = tx.fields["LimitAmount"]
    if type(limit) is not STAmount or limit.native:
        return Tem.temBAD_LIMIT
    if limit.issue.currency == BAD_CURRENCY:
        return Tem.temBAD_CURRENCY
    if limit.negative:
        return Tem.temBAD_LIMIT
    issuer = limit.issue.account
    if not any(issuer) or issuer == ACCOUNT_ONE:
        return Tem.temDST_NEEDED
    return Tes.tesSUCCESS


def preclaim(ctx: PreclaimContext) -> TER:
    tx = ctx.tx
    view = ctx.view
    account = tx.account
    sle = view.read(keylet.account(account))
    if sle is None:
        return Ter.terNO_ACCOUNT
    flags = tx.flags
    if flags & tfSetfAuth and not sle.flags & lsfRequireAuth:
        return Tef.tefNO_AUTH_REQUIRED
    limit: STAmount = tx.fields["LimitAmount"]
    peer = limit.issue.account
    currency = limit.issue.currency
    if peer == account:
        return Tem.temDST_IS_SRC
    peer_root = view.read(keylet.account(peer))
    if peer_root is None:
        return Tec.tecNO_DST
    if peer_root.flags & lsfDisallowIncomingTrustline and view.read(
        keylet.line(account, peer, currency)
    ) is None:
        return Tec.tecNO_PERMISSION
    # The freeze rules (rippled with DeepFreeze): NoFreeze forbids freezing, and freezing and
    # unfreezing at once is refused; a deep freeze needs a freeze under it.
    no_freeze = bool(sle.flags & lsfNoFreeze)
    set_freeze = bool(flags & tfSetFreeze)
    set_deep = bool(flags & tfSetDeepFreeze)
    clear_freeze = bool(flags & tfClearFreeze)
    clear_deep = bool(flags & tfClearDeepFreeze)
    if no_freeze and (set_freeze or set_deep):
        return Tec.tecNO_PERMISSION
    if (set_freeze or set_deep) and (clear_freeze or clear_deep):
        return Tec.tecNO_PERMISSION
    high = account > peer
    line = view.read(keylet.line(account, peer, currency))
    line_flags = compute_freeze_flags(
        line.flags if line is not None else 0,
        high,
        no_freeze,
        set_freeze,
        clear_freeze,
        set_deep,
        clear_deep,
    )
    frozen = line_flags & (lsfHighFreeze if high else lsfLowFreeze)
    deep_frozen = line_flags & (lsfHighDeepFreeze if high else lsfLowDeepFreeze)
    if deep_frozen and not frozen:
        return Tec.tecNO_PERMISSION
    return Tes.tesSUCCESS


def do_apply(ctx: ApplyContext) -> TER:
    tx = ctx.tx
    fields = tx.fields
    view = ctx.view
    account = tx.account
    limit: STAmount = fields["LimitAmount"]
    currency = limit.issue.currency
    peer = limit.issue.account
    high = account > peer
    quality_in_given = "QualityIn" in fields
    quality_out_given = "QualityOut" in fields
    quality_in: int = fields.get("QualityIn", 0)
    quality_out: int = fields.get("QualityOut", 0)
    if quality_out_given and quality_out == QUALITY_ONE:
        quality_out = 0

    sle = view.read(keylet.account(account))
    if sle is None:
        return Tef.tefINTERNAL
    owner_count = sle.owner_count
    # The reserve to add a line, enforced only past an account's first two objects.
    reserve_create = 0 if owner_count < 2 else view.fees.account_reserve(owner_count + 1).drops

    flags = tx.flags
    set_auth = bool(flags & tfSetfAuth)
    set_no_ripple = bool(flags & tfSetNoRipple)
    clear_no_ripple = bool(flags & tfClearNoRipple)
    set_freeze = bool(flags & tfSetFreeze)
    clear_freeze = bool(flags & tfClearFreeze)
    set_deep = bool(flags & tfSetDeepFreeze)
    clear_deep = bool(flags & tfClearDeepFreeze)

    peer_root = view.read(keylet.account(peer))
    if peer_root is None:
        return Tec.tecNO_DST

    limit_allow = limit.with_issue(Issue(currency, account))
    k = keylet.line(account, peer, currency)
    line = view.read(k)
    if line is None:
        if (
            not limit
            and not (quality_in_given and quality_in)
            and not (quality_out_given and quality_out)
            and not set_auth
        ):
            return Tec.tecNO_LINE_REDUNDANT  # setting a line that does not exist to its defaults
        if ctx.prior_balance.drops < reserve_create:
            return Tec.tecNO_LINE_INSUF_RESERVE
        result = trust_create(
            view,
            src_high=high,
            src=account,
            dst=peer,
            key=k.key,
            reserve_account=sle,
            auth=set_auth,
            no_ripple=set_no_ripple and not clear_no_ripple,
            freeze=set_freeze and not clear_freeze,
            balance=STAmount.zero(Issue(currency, ACCOUNT_ONE)),
            limit=limit_allow,
            quality_in=quality_in,
            quality_out=quality_out,
        )
        if result is Tes.tesSUCCESS and set_deep:
            created = view.read(k)
            assert created is not None
            view.update(created._replace(flags=created.flags | (lsfHighDeepFreeze if high else lsfLowDeepFreeze)))
        return result

    return _modify_line(
        ctx,
        line,
        high=high,
        limit_allow=limit_allow,
        quality_in=(quality_in if quality_in_given else None),
        quality_out=(quality_out if quality_out_given else None),
        set_auth=set_auth,
        set_no_ripple=set_no_ripple,
        clear_no_ripple=clear_no_ripple,
        freeze_request=(set_freeze, clear_freeze, set_deep, clear_deep),
        reserve_create=reserve_create,
    )


def _modify_line(
    ctx: ApplyContext,
    line: RippleState,
    *,
    high: bool,
    limit_allow: STAmount,
    quality_in: int | None,
    quality_out: int | None,
    set_auth: bool,
    set_no_ripple: bool,
    clear_no_ripple: bool,
    freeze_request: tuple[bool, bool, bool, bool],
    reserve_create: int,
) -> TER:
    """The line exists: set this side, recompute both sides' reserves, delete it if default."""
    view = ctx.view
    account = ctx.tx.account
    low_balance = line.balance
    high_balance = -low_balance
    if high:
        line = line._replace(high_limit=limit_allow)
    else:
        line = line._replace(low_limit=limit_allow)

    # Qualities: None = not given (keep); 0 = clear; otherwise set (QualityIn 1.0 is stored).
    if quality_in is not None:
        if high:
            line = line._replace(high_quality_in=quality_in or None)
        else:
            line = line._replace(low_quality_in=quality_in or None)
    if quality_out is not None:
        if high:
            line = line._replace(high_quality_out=quality_out or None)
        else:
            line = line._replace(low_quality_out=quality_out or None)

    def _q(value: int | None) -> int:
        return 0 if value is None or value == QUALITY_ONE else value

    low_quality_in, high_quality_in = _q(line.low_quality_in), _q(line.high_quality_in)
    low_quality_out, high_quality_out = _q(line.low_quality_out), _q(line.high_quality_out)

    flags_in = line.flags
    flags = flags_in
    if set_no_ripple and not clear_no_ripple:
        if (high_balance if high else low_balance).signum() >= 0:
            flags |= lsfHighNoRipple if high else lsfLowNoRipple
        else:
            return Tec.tecNO_PERMISSION  # fix1578: not on a negative balance
    elif clear_no_ripple and not set_no_ripple:
        flags &= ~(lsfHighNoRipple if high else lsfLowNoRipple)

    sle = view.read(keylet.account(account))
    assert sle is not None
    set_freeze, clear_freeze, set_deep, clear_deep = freeze_request
    flags = compute_freeze_flags(
        flags, high, bool(sle.flags & lsfNoFreeze), set_freeze, clear_freeze, set_deep, clear_deep
    )

    low_account, high_account = line.low_account, line.high_account
    low_root = view.read(keylet.account(low_account))
    high_root = view.read(keylet.account(high_account))
    assert low_root is not None and high_root is not None
    low_default_ripple = bool(low_root.flags & lsfDefaultRipple)
    high_default_ripple = bool(high_root.flags & lsfDefaultRipple)

    low_reserve_set = bool(
        low_quality_in
        or low_quality_out
        or ((flags & lsfLowNoRipple) == 0) != low_default_ripple
        or flags & lsfLowFreeze
        or line.low_limit
        or low_balance.signum() > 0
    )
    high_reserve_set = bool(
        high_quality_in
        or high_quality_out
        or ((flags & lsfHighNoRipple) == 0) != high_default_ripple
        or flags & lsfHighFreeze
        or line.high_limit
        or high_balance.signum() > 0
    )
    is_default = not low_reserve_set and not high_reserve_set
    low_reserved = bool(flags_in & lsfLowReserve)
    high_reserved = bool(flags_in & lsfHighReserve)
    reserve_increase = False
    if set_auth:
        flags |= lsfHighAuth if high else lsfLowAuth
    if low_reserve_set and not low_reserved:
        adjust_owner_count(view, low_root, 1)
        flags |= lsfLowReserve
        reserve_increase = reserve_increase or not high
    if not low_reserve_set and low_reserved:
        adjust_owner_count(view, low_root, -1)
        flags &= ~lsfLowReserve
    if high_reserve_set and not high_reserved:
        adjust_owner_count(view, view.read(keylet.account(high_account)) or high_root, 1)
        flags |= lsfHighReserve
        reserve_increase = reserve_increase or high
    if not high_reserve_set and high_reserved:
        adjust_owner_count(view, view.read(keylet.account(high_account)) or high_root, -1)
        flags &= ~lsfHighReserve
    if flags != flags_in:
        line = line._replace(flags=flags)

    if is_default:
        view.update(line)  # the deleted node's FinalFields show the line as it was left
        return trust_delete(view, line, low_account, high_account)
    if reserve_increase and ctx.prior_balance.drops < reserve_create:
        # Another transaction could bring the XRP: a tec, the line is not changed.
        return Tec.tecINSUF_RESERVE_LINE
    view.update(line)
    return Tes.tesSUCCESS


TRANSACTOR: Final = Transactor(
    name="TrustSet",
    tx_type=TransactionType.TrustSet,
    flags_mask=tfTrustSetMask,
    preflight=preflight,
    preclaim=preclaim,
    do_apply=do_apply,
)
