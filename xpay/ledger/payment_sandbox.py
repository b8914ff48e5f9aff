"""PaymentSandbox: a sandbox that defers credits, as rippled's PaymentSandbox (DeferredCredits).

While a payment runs, value an account receives must not be spendable in the same payment: the
payment engine would otherwise be able to route funds through an account in a loop, or let an
offer owner spend what a previous step of the same strand just paid it. rippled solves this
with "deferred credits": every balance change is recorded (who credited whom, and the sender's
balance before the first credit), and `balance_hook` reports a balance that ignores what was
received within the payment:

    min(ledger balance, original balance - debits, smallest original balance seen up the chain)

The owner-count hook likewise reports the highest owner count the account reached during the
payment, so a reserve freed by one step cannot be spent by another.

Sandboxes nest: a PaymentSandbox whose parent is another PaymentSandbox consults its ancestors'
tables too, and `apply()` merges its table into the parent's (the parent keeps the original
balance it recorded first). Applied into a plain Sandbox or OpenView, only the entries move.
"""

from __future__ import annotations

from xpay.amounts import XRP_ISSUE, Issue, STAmount
from xpay.ledger.views import ApplyView, Sandbox
from xpay.protocol.ids import ACCOUNT_ONE, AccountID, Currency

_CreditKey = tuple[AccountID, AccountID, Currency]


class _Credits:
    """One low/high account pair in one currency (rippled's DeferredCredits::Value).

    Amounts are kept in a neutral issue (the currency with ACCOUNT_ONE, or XRP) so credits
    recorded with either side as issuer add up.
    """

    __slots__ = ("high_credits", "low_credits", "low_orig_balance")

    def __init__(self, low_credits: STAmount, high_credits: STAmount, low_orig_balance: STAmount) -> None:
        self.low_credits = low_credits
        """What the low account received."""
        self.high_credits = high_credits
        """What the high account received."""
        self.low_orig_balance = low_orig_balance
        """The balance, from the low account's side, before the first credit."""


def _neutral(amount: STAmount) -> STAmount:
    """The amount in the neutral issue of its currency (XRP stays XRP)."""
    if amount.native:
        return amount
    issue = amount.issue
    if issue.account == ACCOUNT_ONE:
        return amount
    return amount.with_issue(_neutral_issue(issue.currency))


_NEUTRAL_ISSUES: dict[bytes, Issue] = {}


def _neutral_issue(currency: Currency) -> Issue:
    issue = _NEUTRAL_ISSUES.get(currency)
    if issue is None:
        issue = Issue(currency, ACCOUNT_ONE)
        if len(_NEUTRAL_ISSUES) > 4096:
            _NEUTRAL_ISSUES.clear()
        _NEUTRAL_ISSUES[currency] = issue
    return issue


class PaymentSandbox(Sandbox):
    """A Sandbox whose balance and owner-count hooks honour deferred credits (rippled's
    PaymentSandbox). Its parent may be any apply view; when the parent is itself a
    PaymentSandbox, the deferred credits of the whole chain count."""

    __slots__ = ("_credits", "_owner_counts", "_ps")

    def __init__(self, parent: ApplyView | Sandbox) -> None:
        super().__init__(parent)
        self._ps: PaymentSandbox | None = parent if isinstance(parent, PaymentSandbox) else None
        self._credits: dict[_CreditKey, _Credits] = {}
        self._owner_counts: dict[AccountID, int] = {}

    # -- recording ----------------------------------------------------------------------------

    def credit_hook(
        self, sender: AccountID, receiver: AccountID, amount: STAmount, pre_credit_balance: STAmount
    ) -> None:
        """Record that `sender` credited `receiver` with `amount`; `pre_credit_balance` is the
        sender's balance (in its own terms) before this credit (rippled's DeferredCredits::credit)."""
        if sender < receiver:
            key = (sender, receiver, amount.issue.currency)
        else:
            key = (receiver, sender, amount.issue.currency)
        value = self._credits.get(key)
        credited = _neutral(amount)
        if value is None:
            zero = STAmount.zero(credited.issue)
            if sender < receiver:
                self._credits[key] = _Credits(zero, credited, _neutral(pre_credit_balance))
            else:
                self._credits[key] = _Credits(credited, zero, _neutral(-pre_credit_balance))
        elif sender < receiver:
            # The original balance is recorded only by the first credit.
            value.high_credits = value.high_credits + credited
        else:
            value.low_credits = value.low_credits + credited

    def adjust_owner_count_hook(self, account: AccountID, current: int, new: int) -> None:
        """Remember the highest owner count the account reached (rippled's ownerCount)."""
        high = current if current > new else new
        recorded = self._owner_counts.get(account)
        if recorded is None or high > recorded:
            self._owner_counts[account] = high

    # -- reporting ----------------------------------------------------------------------------

    def credited(self, account: AccountID, issuer: AccountID, currency: Currency) -> bool:
        """Whether this payment recorded a credit between the two accounts in the currency (in
        this sandbox or one under it): if not, balance_hook returns balances untouched."""
        key = (account, issuer, currency) if account < issuer else (issuer, account, currency)
        sandbox: PaymentSandbox | None = self
        while sandbox is not None:
            if key in sandbox._credits:
                return True
            sandbox = sandbox._ps
        return False

    def balance_hook(self, account: AccountID, issuer: AccountID, amount: STAmount) -> STAmount:
        """The part of `amount` (the account's balance of `issuer`'s currency, as read from the
        ledger) the account may spend: credits received in this payment do not count."""
        if account < issuer:
            key = (account, issuer, amount.issue.currency)
        else:
            key = (issuer, account, amount.issue.currency)
        # Most balances read in a payment were not credited in it: find out first.
        sandbox: PaymentSandbox | None = self
        while sandbox is not None:
            if key in sandbox._credits:
                break
            sandbox = sandbox._ps
        else:
            return amount
        neutral = _neutral(amount)
        delta: STAmount | None = None
        last_balance = neutral
        min_balance = neutral
        found = False
        sandbox = self
        while sandbox is not None:
            value = sandbox._credits.get(key)
            if value is not None:
                found = True
                if account < issuer:
                    debits, orig = value.high_credits, value.low_orig_balance
                else:
                    debits, orig = value.low_credits, -value.low_orig_balance
                delta = debits if delta is None else delta + debits
                last_balance = orig
                if orig < min_balance:
                    min_balance = orig
            sandbox = sandbox._ps
        if not found:
            return amount
        assert delta is not None
        adjusted = last_balance - delta
        if neutral < adjusted:
            adjusted = neutral
        if min_balance < adjusted:
            adjusted = min_balance
        if amount.native:
            # A computed negative XRP balance is not an error: a payment may credit and then
            # debit the same XRP, and the credit cannot be used.
            if adjusted.mantissa < 0:
                return XRP_ZERO
            return adjusted
        return adjusted.with_issue(amount.issue)

    def owner_count_hook(self, account: AccountID, count: int) -> int:
        """The highest owner count the account reached in this payment (or `count`)."""
        result = count
        sandbox: PaymentSandbox | None = self
        while sandbox is not None:
            recorded = sandbox._owner_counts.get(account)
            if recorded is not None and recorded > result:
                result = recorded
            sandbox = sandbox._ps
        return result

    # -- committing ---------------------------------------------------------------------------

    def apply(self) -> None:
        """Commit entries into the parent; a parent PaymentSandbox also takes the deferred
        credits (adding credits, keeping the original balance it recorded first) and the
        owner-count maxima."""
        parent = self._ps
        if parent is not None:
            # This sandbox forgets its tables once applied (discard), so its records move to
            # the parent as they are rather than being copied.
            credits = parent._credits
            if not credits:
                parent._credits = self._credits
            else:
                for key, value in self._credits.items():
                    existing = credits.get(key)
                    if existing is None:
                        credits[key] = value
                    else:
                        existing.low_credits = existing.low_credits + value.low_credits
                        existing.high_credits = existing.high_credits + value.high_credits
            counts = parent._owner_counts
            if not counts:
                parent._owner_counts = self._owner_counts
            else:
                for account, count in self._owner_counts.items():
                    recorded = counts.get(account)
                    if recorded is None or count > recorded:
                        counts[account] = count
        super().apply()

    def discard(self) -> None:
        super().discard()
        self._credits = {}
        self._owner_counts = {}


XRP_ZERO = STAmount.zero(XRP_ISSUE)
