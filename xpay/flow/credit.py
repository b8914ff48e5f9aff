"""Trust-line limits and balances seen from one side (rippled's Credit.cpp)."""

from __future__ import annotations

from xpay.amounts import IOUAmount, Issue, STAmount
from xpay.amounts.iou_amount import _iou
from xpay.ledger import keylet
from xpay.ledger.views import ReadView
from xpay.protocol.ids import AccountID, Currency


def credit_limit(view: ReadView, account: AccountID, issuer: AccountID, currency: Currency) -> STAmount:
    """How much of `issuer`'s IOUs `account` is willing to hold: its limit on their line."""
    line = view.read(keylet.line(account, issuer, currency))
    issue = Issue(currency, account)
    if line is None:
        return STAmount.zero(issue)
    limit = line.low_limit if account < issuer else line.high_limit
    return limit.with_issue(issue)


def credit_limit2(view: ReadView, account: AccountID, issuer: AccountID, currency: Currency) -> IOUAmount:
    """credit_limit as a bare IOU value (rippled's creditLimit2)."""
    line = view.read(keylet.line(account, issuer, currency))
    if line is None:
        return IOUAmount.ZERO
    limit = line.low_limit if account < issuer else line.high_limit
    return _iou(limit.mantissa, limit.exponent)


def credit_balance(view: ReadView, account: AccountID, issuer: AccountID, currency: Currency) -> STAmount:
    """What `account` owes `issuer` on their line (negative when `issuer` owes `account`)."""
    line = view.read(keylet.line(account, issuer, currency))
    issue = Issue(currency, account)
    if line is None:
        return STAmount.zero(issue)
    balance = line.balance
    if account < issuer:
        balance = -balance
    return balance.with_issue(issue)
