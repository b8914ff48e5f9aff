"""The order book as the book_offers API shows it (rippled's NetworkOPs::getBookPage).

The book is walked from its best quality: each quality directory found by `succ()` from the
book's base, its offers in page order (time priority). For each offer the owner's funds in what
the offer gives are read once per owner and then run down offer by offer, as a taker would
consume them, so a later offer of the same owner shows only what the earlier ones leave:

* an issuer's offer of its own IOUs is fully funded;
* with the out-issuer or the in-issuer globally frozen, every other offer is unfunded;
* with a transfer fee (and a taker, if named, who is not the issuer) the owner must also pay the
  fee, so its funds cover `funds / rate` of the offer.

An offer not fully funded carries `taker_gets_funded` / `taker_pays_funded`; the first offer of
each owner carries `owner_funds`. Nothing is written: this is a read over any view.
"""

from __future__ import annotations

from dataclasses import dataclass

from xpay.amounts import PARITY_RATE, Rate, STAmount, amount_from_quality, divide, multiply
from xpay.flow.steps import Book
from xpay.ledger import keylet
from xpay.ledger.entries import DirectoryNode, Offer
from xpay.ledger.funds import account_holds, is_global_frozen, transfer_rate
from xpay.ledger.views import ReadView
from xpay.protocol.ids import AccountID

_QUALITY_SPAN = 1 << 64


@dataclass(frozen=True, slots=True)
class BookOffer:
    """One offer of a book page, with what its owner can actually deliver."""

    offer: Offer
    quality: STAmount
    """The directory's rate, TakerPays per unit of TakerGets."""
    owner_funds: STAmount | None
    """The owner's funds, on the owner's first offer in the page only."""
    taker_gets_funded: STAmount | None
    """Set when the offer is not fully funded."""
    taker_pays_funded: STAmount | None


def book_offers(view: ReadView, book: Book, limit: int, taker: AccountID | None = None) -> list[BookOffer]:
    """Up to `limit` offers of `book` (offers that take book.in_ and give book.out), best
    first, with their funded amounts."""
    out_issue = book.out
    base = keylet.book_base(book.in_, book.out)
    end = (int.from_bytes(base, "big") + _QUALITY_SPAN).to_bytes(32, "big")
    frozen = is_global_frozen(view, out_issue.account) or is_global_frozen(view, book.in_.account)
    rate = PARITY_RATE if out_issue.is_xrp else transfer_rate(view, out_issue.account)
    balances: dict[AccountID, STAmount] = {}
    result: list[BookOffer] = []
    cursor = base
    while len(result) < limit:
        root = view.succ(cursor, end)
        if root is None:
            break
        cursor = root
        dir_rate = amount_from_quality(keylet.quality_of(root))
        page = view.read_key(root)
        while type(page) is DirectoryNode and len(result) < limit:
            for key in page.indexes:
                if len(result) >= limit:
                    break
                offer = view.read_key(key)
                if type(offer) is not Offer:
                    continue  # a missing offer is skipped, as rippled logs and skips it
                result.append(_funded(view, offer, dir_rate, out_issue.account, frozen, rate, taker, balances))
            nxt = page.index_next
            if not nxt:
                break
            page = view.read(keylet.page(root, nxt))
    return result


def _funded(
    view: ReadView,
    offer: Offer,
    dir_rate: STAmount,
    out_issuer: AccountID,
    frozen: bool,
    rate: Rate,
    taker: AccountID | None,
    balances: dict[AccountID, STAmount],
) -> BookOffer:
    gets = offer.taker_gets
    pays = offer.taker_pays
    owner = offer.account
    first = True
    if owner == out_issuer:
        funds = gets  # an issuer's own IOUs: fully funded
    elif frozen:
        funds = STAmount.zero(gets.issue)
    elif owner in balances:
        funds = balances[owner]
        first = False
    else:
        funds = account_holds(view, owner, gets.issue.currency, gets.issue.account, zero_if_frozen=True)
        if funds.signum() < 0:
            funds = STAmount.zero(gets.issue)
    offer_rate = PARITY_RATE
    funds_limit = funds
    if rate != PARITY_RATE and taker != out_issuer and owner != out_issuer:
        offer_rate = rate
        funds_limit = divide(funds, offer_rate.amount, funds.issue)
    gets_funded: STAmount | None = None
    pays_funded: STAmount | None = None
    if funds_limit >= gets:
        covered = gets
    else:
        covered = gets_funded = funds_limit
        by_rate = multiply(funds_limit, dir_rate, pays.issue)
        pays_funded = pays if pays < by_rate else by_rate
    if offer_rate == PARITY_RATE:
        owner_pays = covered
    else:
        with_fee = multiply(covered, offer_rate.amount, covered.issue)
        owner_pays = funds if funds < with_fee else with_fee
    balances[owner] = funds - owner_pays
    return BookOffer(offer, dir_rate, funds if first else None, gets_funded, pays_funded)
