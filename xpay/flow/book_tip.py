"""BookTip: the best offer of an order book, found the XRP Ledger's way (rippled's BookTip.cpp).

A book is a range of ledger keys: its quality directories share the book's 24-byte base and carry
the quality in their low 64 bits, so the best (lowest) quality is the first key after the base,
found with `succ()` over the layered views. Within one quality the offers are in the directory's
pages in the order they were placed (time priority).

The tip always shows the first offer of the best directory. Stepping past an offer deletes it from
the view (it was consumed, or found unusable), so the next step finds the next offer, in the same
directory if one is left or in the next quality directory.
"""

from __future__ import annotations

from functools import lru_cache

from xpay.amounts import Quality
from xpay.flow.steps import Book
from xpay.ledger import keylet
from xpay.ledger.entries import DirectoryNode, Offer
from xpay.ledger.transfers import offer_delete
from xpay.ledger.views import ReadView, Sandbox, settled_open_view
from xpay.protocol.ids import Hash256

_QUALITY_SPAN = 1 << 64


@lru_cache(maxsize=4096)
def book_end(base: bytes) -> bytes:
    """The first key after every directory of the book (rippled's getQualityNext(base))."""
    return (int.from_bytes(base, "big") + _QUALITY_SPAN).to_bytes(32, "big")


def dir_first(view: ReadView, root: bytes) -> tuple[bytes, Hash256] | None:
    """(page key, first entry) of the directory rooted at `root`, skipping empty pages."""
    page = view.read_key(root)
    while type(page) is DirectoryNode:
        if page.indexes:
            return page.key, page.indexes[0]
        nxt = page.index_next
        if not nxt:
            return None
        page = view.read(keylet.page(root, nxt))
    return None


def tip_quality(view: ReadView, book: Book) -> Quality | None:
    """The quality of the book's best directory holding an offer, or None for an empty book.

    Asked before every crossing and every pass of a payment through the book, most often of a
    view whose sandboxes have not touched any book yet: then the open view underneath answers,
    and remembers the answer until the book changes there (OpenView.range_memo)."""
    base = keylet.book_base(book.in_, book.out)
    settled = settled_open_view(view)
    if settled is None:
        return _tip_quality(view, base)
    memo = settled.range_memo
    prefix = base[:24]
    found = memo.get(prefix, _UNKNOWN)
    if found is _UNKNOWN:
        found = memo[prefix] = _tip_quality(settled, base)
    return found  # type: ignore[return-value]


_UNKNOWN: object = object()


def _tip_quality(view: ReadView, base: bytes) -> Quality | None:
    """tip_quality, worked out: succ() from the book's base to the first directory with an
    offer."""
    end = book_end(base)
    key: bytes | None = base
    while True:
        key = view.succ(key, end)  # type: ignore[arg-type]
        if key is None:
            return None
        if dir_first(view, key) is not None:
            return Quality(keylet.quality_of(key))


class BookTip:
    """Iterates a book best-first, deleting each offer it steps past."""

    __slots__ = ("_book", "_end", "_view", "dir", "entry", "index", "quality", "valid")

    def __init__(self, view: Sandbox, book: Book) -> None:
        self._view = view
        base = keylet.book_base(book.in_, book.out)
        self._book = base
        self._end = book_end(base)
        self.valid = False
        self.entry: Offer | None = None
        self.index: Hash256 | None = None
        self.dir: bytes | None = None
        self.quality: Quality | None = None

    def step(self) -> bool:
        """Move to the next offer; False when the book is exhausted."""
        view = self._view
        if self.valid and self.index is not None:
            # Delete the offer stepped past, in its latest state (it may have been consumed).
            current = view.read_key(self.index)
            if type(current) is Offer:
                offer_delete(view, current)
            self.entry = None
        while True:
            first_page = view.succ(self._book, self._end)
            if first_page is None:
                return False
            found = dir_first(view, first_page)
            if found is not None:
                self.dir, self.index = found
                entry = view.read_key(self.index)
                self.entry = entry if type(entry) is Offer else None
                self.quality = Quality(keylet.quality_of(first_page))
                self.valid = True
                # Look again from just before this directory: it may still hold offers.
                self._book = (int.from_bytes(first_page, "big") - 1).to_bytes(32, "big")
                return True
            # An empty directory should not exist; step over it.
            self._book = first_page
