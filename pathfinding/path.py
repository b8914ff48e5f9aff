"""Path elements and paths as the pathfinder builds them (rippled's STPathElement / STPath).

A path lists what a payment passes through between the sender and the receiver. Each element
is either an *account* to ripple through or an *order book* (an offer element) to convert
through, named by the currency and issuer that come out of it. On the wire an element carries
only the parts its type bits name (account 0x01, currency 0x10, issuer 0x20); in memory the
pathfinder keeps all three, as rippled does, because it asks of a partial path "what currency
and issuer does it end in?" and "has it seen this (account, currency, issuer)?" — an account
element remembers the currency it was reached in and uses its own account as the issuer.

Elements are NamedTuples, like ledger entries (see docs/ARCHITECTURE.md): the search builds and
compares millions of them, and a tuple hashes and compares at C speed. A path is a tuple of
elements, so a set of paths deduplicates itself.
"""

from __future__ import annotations

from typing import Any, NamedTuple, TypeAlias

from xpay.amounts import currency_to_code
from xpay.codec import encode_account_id
from xpay.protocol.ids import ACCOUNT_ZERO, XRP_CURRENCY, AccountID, Currency

TYPE_ACCOUNT = 0x01
TYPE_CURRENCY = 0x10
TYPE_ISSUER = 0x20


class PathElement(NamedTuple):
    """One step of a path: rippled's STPathElement (type bits and the three identifiers)."""

    type: int
    account: AccountID
    currency: Currency
    issuer: AccountID

    @property
    def is_account(self) -> bool:
        return bool(self.type & TYPE_ACCOUNT)

    @property
    def is_offer(self) -> bool:
        """An order book: no account bit (rippled: the account is the XRP account)."""
        return not self.type & TYPE_ACCOUNT

    def to_native(self) -> dict[str, bytes]:
        """The element as the codec's native Paths step (only the parts its type names)."""
        out: dict[str, bytes] = {}
        if self.type & TYPE_ACCOUNT:
            out["account"] = self.account
        if self.type & TYPE_CURRENCY:
            out["currency"] = self.currency
        if self.type & TYPE_ISSUER:
            out["issuer"] = self.issuer
        return out

    def to_json(self) -> dict[str, Any]:
        """rippled's STPath::getJson element: the named parts and the numeric `type`."""
        out: dict[str, Any] = {}
        if self.type & TYPE_ACCOUNT:
            out["account"] = encode_account_id(self.account)
        if self.type & TYPE_CURRENCY:
            out["currency"] = currency_to_code(self.currency)
        if self.type & TYPE_ISSUER:
            out["issuer"] = encode_account_id(self.issuer)
        out["type"] = self.type
        return out


Path: TypeAlias = tuple[PathElement, ...]


def account_element(account: AccountID, currency: Currency) -> PathElement:
    """Ripple through `account` in `currency` (rippled: typeAccount, the account as issuer)."""
    return PathElement(TYPE_ACCOUNT, account, currency, account)


def book_element(currency: Currency, issuer: AccountID) -> PathElement:
    """Convert through the order book into (currency, issuer); into XRP when the currency is XRP."""
    if currency == XRP_CURRENCY:
        return XRP_BOOK
    return PathElement(TYPE_CURRENCY | TYPE_ISSUER, ACCOUNT_ZERO, currency, issuer)


XRP_BOOK = PathElement(TYPE_CURRENCY, ACCOUNT_ZERO, XRP_CURRENCY, ACCOUNT_ZERO)
"""The order book into XRP."""


def source_element(account: AccountID, currency: Currency, issuer: AccountID) -> PathElement:
    """Where every path starts (rippled's mSource): type bits from which parts are present."""
    type_ = TYPE_ACCOUNT if any(account) else 0
    if currency != XRP_CURRENCY:
        type_ |= TYPE_CURRENCY
    if any(issuer):
        type_ |= TYPE_ISSUER
    return PathElement(type_, account, currency, issuer)


def has_seen(path: Path, account: AccountID, currency: Currency, issuer: AccountID) -> bool:
    """rippled's STPath::hasSeen: some element is exactly (account, currency, issuer)."""
    for element in path:
        if element.account == account and element.currency == currency and element.issuer == issuer:
            return True
    return False


def path_to_native(path: Path) -> list[dict[str, bytes]]:
    return [element.to_native() for element in path]


def paths_to_native(paths: tuple[Path, ...] | list[Path]) -> list[list[dict[str, bytes]]]:
    """A path set in the codec's native Paths form (what a Payment carries, what flow() takes)."""
    return [[element.to_native() for element in path] for path in paths]


def paths_to_json(paths: tuple[Path, ...] | list[Path]) -> list[list[dict[str, Any]]]:
    """A path set in rippled's JSON form (`paths_computed`)."""
    return [[element.to_json() for element in path] for path in paths]
