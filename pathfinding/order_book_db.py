"""Which order books exist, by the issue they take in (rippled's OrderBookDB).

A book (TakerPays issue -> TakerGets issue) exists while it has at least one quality directory:
the directory pages whose key lies in [book base, book base + 2^64) and that name the book's
currencies and issuers. Counting each book's root quality directories (page 0, key == root
index) tells when a book appears and disappears, so the table follows the ledger entry by entry
instead of being rebuilt (rippled rescans the whole state periodically and never drops a book).

From the pathfinder's side a book is a way *out* of the issue the payment holds: what goes in
is what the taker pays. `books_by_taker_pays(currency, issuer)` lists the issues reachable in one
conversion, `book_count(issue)` how many (rippled's getBookSize), `is_book_to_xrp`
whether XRP is one of them.
"""

from __future__ import annotations

from xpay.amounts import XRP_ISSUE, Issue
from xpay.ledger.entries import DirectoryNode


def book_of(directory: DirectoryNode) -> tuple[Issue, Issue] | None:
    """(in, out) for the root page of a book's quality directory; None for any other page."""
    if directory.key != directory.root_index or directory.exchange_rate is None:
        return None
    pays_currency = directory.taker_pays_currency
    pays_issuer = directory.taker_pays_issuer
    gets_currency = directory.taker_gets_currency
    gets_issuer = directory.taker_gets_issuer
    if pays_currency is None or pays_issuer is None or gets_currency is None or gets_issuer is None:
        return None
    return Issue(pays_currency, pays_issuer), Issue(gets_currency, gets_issuer)


class OrderBookDB:
    """Books by their in-issue, each with its number of quality directories."""

    __slots__ = ("_books", "_by_key", "_sorted")

    def __init__(self) -> None:
        self._books: dict[Issue, dict[Issue, int]] = {}
        # Out-issues per in-issue in a stable order, rebuilt lazily after a change, keyed by the
        # in-issue's 40 bytes (currency + issuer) so the search need not build an Issue to ask.
        self._sorted: dict[bytes, tuple[Issue, ...]] = {}
        self._by_key: dict[bytes, dict[Issue, int]] = {}

    def add(self, in_: Issue, out: Issue, delta: int) -> None:
        """Count a quality directory of the book in -> out appearing (+1) or going (-1)."""
        outs = self._books.get(in_)
        if outs is None:
            if delta <= 0:
                return
            outs = self._books[in_] = self._by_key[in_.key] = {}
        count = outs.get(out, 0) + delta
        if count > 0:
            outs[out] = count
        else:
            outs.pop(out, None)
            if not outs:
                del self._books[in_]
                del self._by_key[in_.key]
        self._sorted.pop(in_.key, None)

    def books_by_taker_pays(self, currency: bytes, issuer: bytes) -> tuple[Issue, ...]:
        """The out-issues of every book taking (currency, issuer) in, ordered by (currency,
        issuer)."""
        key = currency + issuer
        cached = self._sorted.get(key)
        if cached is None:
            outs = self._by_key.get(key)
            cached = tuple(sorted(outs)) if outs else ()
            self._sorted[key] = cached
        return cached

    def book_count(self, currency: bytes, issuer: bytes) -> int:
        """How many books take (currency, issuer) in (rippled's getBookSize)."""
        outs = self._by_key.get(currency + issuer)
        return len(outs) if outs else 0

    def is_book_to_xrp(self, currency: bytes, issuer: bytes) -> bool:
        outs = self._by_key.get(currency + issuer)
        return outs is not None and XRP_ISSUE in outs

    def has_book(self, in_: Issue, out: Issue) -> bool:
        outs = self._books.get(in_)
        return outs is not None and out in outs

    def snapshot(self) -> dict[Issue, dict[Issue, int]]:
        """A copy of the whole table (for checking an updated index against a rebuilt one)."""
        return {in_: dict(outs) for in_, outs in self._books.items()}

    def __len__(self) -> int:
        return sum(len(outs) for outs in self._books.values())
