"""Issue: a currency together with the account that issues it (rippled's Issue).

XRP's issue is the zero currency with the zero account; every issued currency has a non-zero
currency and a non-zero issuer. rippled calls that pairing "consistent" and relies on it
everywhere; here the constructor enforces it. NO_ISSUE is rippled's noIssue() (currency 1,
account 1): the issue of exchange rates and qualities, which are IOU-style values of nothing.

Issues order by their bytes (currency, then account), as rippled's operator<=> on Issue does,
which gives books and directories a stable order. `key` holds currency + account: the last 40
bytes of a wire-format IOU amount, and the cheapest thing to compare and hash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from xpay.amounts.currency import NO_CURRENCY, currency_to_code
from xpay.amounts.errors import AmountError
from xpay.protocol.ids import ACCOUNT_ONE, ACCOUNT_ZERO, XRP_CURRENCY, AccountID, Currency

_ZERO20 = bytes(20)


class Issue:
    """A currency and its issuer. Immutable, hashable, ordered by bytes."""

    __slots__ = ("account", "currency", "is_xrp", "key")

    currency: Currency
    account: AccountID
    is_xrp: bool
    """True for XRP_ISSUE, the native asset."""
    key: bytes
    """currency + account (40 bytes), as an IOU amount carries them on the wire."""

    def __init__(self, currency: Currency, account: AccountID) -> None:
        if type(currency) is not bytes or len(currency) != 20:
            raise AmountError(f"an Issue's currency must be 20 bytes, got {currency!r}")
        if type(account) is not bytes or len(account) != 20:
            raise AmountError(f"an Issue's account must be 20 bytes, got {account!r}")
        is_xrp = currency == _ZERO20
        if is_xrp != (account == _ZERO20):
            if is_xrp:
                raise AmountError("XRP has no issuer: the XRP issue must use the zero account")
            raise AmountError(
                f"issued currency {currency_to_code(currency)} needs a non-zero issuer account"
            )
        _init(self, currency, account, is_xrp)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"Issue is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"Issue is immutable (cannot delete {name!r})")

    def __reduce__(self) -> tuple[type[Issue], tuple[Currency, AccountID]]:
        return (Issue, (self.currency, self.account))

    def __copy__(self) -> Issue:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Issue:
        return self

    def __eq__(self, other: object) -> bool:
        if type(other) is not Issue:
            return NotImplemented
        return self is other or self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __lt__(self, other: Issue) -> bool:
        if type(other) is not Issue:
            return NotImplemented
        return self.key < other.key

    def __le__(self, other: Issue) -> bool:
        if type(other) is not Issue:
            return NotImplemented
        return self.key <= other.key

    def __gt__(self, other: Issue) -> bool:
        if type(other) is not Issue:
            return NotImplemented
        return self.key > other.key

    def __ge__(self, other: Issue) -> bool:
        if type(other) is not Issue:
            return NotImplemented
        return self.key >= other.key

    def __repr__(self) -> str:
        if self.is_xrp:
            return "XRP_ISSUE"
        if self.key == _NO_ISSUE_KEY:
            return "NO_ISSUE"
        return f"Issue({currency_to_code(self.currency)}/{self.account.hex().upper()})"


_slot_setters: dict[str, Callable[[Issue, object], None]] = {
    name: Issue.__dict__[name].__set__ for name in Issue.__slots__
}
_set_currency = _slot_setters["currency"]
_set_account = _slot_setters["account"]
_set_is_xrp = _slot_setters["is_xrp"]
_set_key = _slot_setters["key"]
_NO_ISSUE_KEY = NO_CURRENCY + ACCOUNT_ONE


def _init(issue: Issue, currency: Currency, account: AccountID, is_xrp: bool) -> None:
    _set_currency(issue, currency)
    _set_account(issue, account)
    _set_is_xrp(issue, is_xrp)
    _set_key(issue, currency + account)


XRP_ISSUE = Issue(XRP_CURRENCY, ACCOUNT_ZERO)
"""The native asset: zero currency, zero account (rippled's xrpIssue())."""
NO_ISSUE = Issue(NO_CURRENCY, ACCOUNT_ONE)
"""rippled's noIssue(): the issue of rates and qualities."""

# Issues decoded from the wire: the same few issues recur in every ledger entry and offer, so a
# bounded cache turns the 40 bytes into a shared Issue (and lets amounts compare issues by
# identity). Purely an optimisation: a miss builds an equal Issue.
_WIRE_CACHE: dict[bytes, Issue] = {}
_WIRE_CACHE_LIMIT = 4096


def issue_from_key(key: bytes) -> Issue:
    """The Issue for 40 bytes currency + account, validated as the constructor does."""
    issue = _WIRE_CACHE.get(key)
    if issue is None:
        issue = Issue(Currency(key[:20]), AccountID(key[20:]))
        if len(_WIRE_CACHE) >= _WIRE_CACHE_LIMIT:
            _WIRE_CACHE.clear()
        _WIRE_CACHE[key] = issue
    return issue
