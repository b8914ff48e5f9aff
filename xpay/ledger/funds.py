"""What an account holds and may spend, and what stops it: rippled's View.cpp read-side verbs.

`account_holds`, `account_funds`, `xrp_liquid`, `transfer_rate`, the freeze checks and
`require_auth`, with rippled's names in snake_case. They read through any view, so the payment
engine's sandbox can adjust what it reports (`balance_hook`, `owner_count_hook`).
"""

from __future__ import annotations

from xpay.amounts import PARITY_RATE, XRP_ISSUE, Issue, Rate, STAmount, XRPAmount
from xpay.amounts.issue import issue_from_key
from xpay.amounts.xrp_amount import xrp_of
from xpay.ledger import keylet
from xpay.ledger.payment_sandbox import PaymentSandbox
from xpay.ledger.views import ReadView
from xpay.protocol.flags import (
    lsfGlobalFreeze,
    lsfHighAuth,
    lsfHighFreeze,
    lsfLowAuth,
    lsfLowFreeze,
    lsfRequireAuth,
)
from xpay.protocol.ids import XRP_CURRENCY, AccountID, Currency
from xpay.protocol.ter import Tec, Tes


def with_issuer(amount: STAmount, issuer: AccountID) -> STAmount:
    """The same IOU value and currency, with another issuer (rippled's setIssuer)."""
    # Through the shared issue cache: the same few issues recur on every step of a payment.
    return amount.with_issue(issue_from_key(amount.issue.currency + issuer))


def is_global_frozen(view: ReadView, issuer: AccountID) -> bool:
    if not any(issuer):
        return False
    sle = view.read(keylet.account(issuer))
    return sle is not None and bool(sle.flags & lsfGlobalFreeze)


def is_individual_frozen(view: ReadView, account: AccountID, currency: Currency, issuer: AccountID) -> bool:
    """The issuer froze this account's line (the freeze flag on the issuer's side of the line)."""
    if not any(currency) or issuer == account:
        return False
    sle = view.read(keylet.line(account, issuer, currency))
    return sle is not None and bool(sle.flags & (lsfHighFreeze if issuer > account else lsfLowFreeze))


def is_frozen(view: ReadView, account: AccountID, currency: Currency, issuer: AccountID) -> bool:
    if not any(currency):
        return False
    if is_global_frozen(view, issuer):
        return True
    return is_individual_frozen(view, account, currency, issuer)


def xrp_liquid(view: ReadView, account: AccountID, owner_count_adj: int = 0) -> XRPAmount:
    """XRP the account can spend: its balance above the reserve for what it owns (never negative)."""
    sle = view.read(keylet.account(account))
    if sle is None:
        return XRPAmount(0)
    if isinstance(view, PaymentSandbox):
        owner_count = max(0, view.owner_count_hook(account, sle.owner_count) + owner_count_adj)
        if view.credited(account, XRP_ISSUE.account, XRP_CURRENCY):
            balance = view.balance_hook(account, XRP_ISSUE.account, STAmount.from_xrp(sle.balance)).mantissa
        else:
            balance = sle.balance.drops  # what the hook would return, without the STAmount
    else:
        # Only a payment sandbox adjusts what the ledger says (rippled's PaymentSandbox is the
        # one view that overrides the hooks): elsewhere they are the identity, skipped here.
        owner_count = max(0, sle.owner_count + owner_count_adj)
        balance = sle.balance.drops
    reserve = view.fees.reserve_drops(owner_count)
    return xrp_of(balance - reserve if balance > reserve else 0)


def account_holds(
    view: ReadView,
    account: AccountID,
    currency: Currency,
    issuer: AccountID,
    *,
    zero_if_frozen: bool,
) -> STAmount:
    """How much of (currency, issuer) the account holds; for XRP, what is above its reserve."""
    if currency == XRP_CURRENCY:
        return STAmount.from_xrp(xrp_liquid(view, account))
    issue = issue_from_key(currency + issuer)
    sle = view.read(keylet.line(account, issuer, currency))
    # Without a line (or frozen) the balance is zero, still passed through the balance hook as
    # rippled does: a payment sandbox may have recorded debits on a line it since deleted.
    # The freeze check is is_frozen's, with the line already read.
    if zero_if_frozen and (
        is_global_frozen(view, issuer)
        or (
            issuer != account
            and sle is not None
            and sle.flags & (lsfHighFreeze if issuer > account else lsfLowFreeze)
        )
    ):
        return view.balance_hook(account, issuer, STAmount.zero(issue))
    if sle is None:
        return view.balance_hook(account, issuer, STAmount.zero(issue))
    balance = sle.balance
    if account > issuer:
        balance = -balance  # the line's balance is from the low account's side
    held = balance.with_issue(issue)
    if isinstance(view, PaymentSandbox):  # the only view whose hook is not the identity
        return view.balance_hook(account, issuer, held)
    return held


def account_funds(view: ReadView, account: AccountID, default: STAmount, *, zero_if_frozen: bool) -> STAmount:
    """What the account can deliver of `default`'s issue: an issuer's own IOUs are unlimited."""
    if not default.native and default.issue.account == account:
        return default
    return account_holds(view, account, default.issue.currency, default.issue.account, zero_if_frozen=zero_if_frozen)


def transfer_rate(view: ReadView, issuer: AccountID) -> Rate:
    """The issuer's TransferRate as a Rate (parts per billion; PARITY_RATE = no fee)."""
    sle = view.read(keylet.account(issuer))
    if sle is not None and sle.transfer_rate:
        return Rate(sle.transfer_rate)
    return PARITY_RATE


def require_auth(view: ReadView, issue: Issue, account: AccountID) -> Tes | Tec:
    """tecNO_AUTH / tecNO_LINE when the issuer requires authorisation and this account lacks it."""
    if issue.is_xrp or issue.account == account:
        return Tes.tesSUCCESS
    issuer = view.read(keylet.account(issue.account))
    if issuer is None or not issuer.flags & lsfRequireAuth:
        return Tes.tesSUCCESS
    line = view.read(keylet.line(account, issue.account, issue.currency))
    if line is None:
        return Tec.tecNO_LINE
    auth_flag = lsfLowAuth if account > issue.account else lsfHighAuth
    return Tes.tesSUCCESS if line.flags & auth_flag else Tec.tecNO_AUTH
