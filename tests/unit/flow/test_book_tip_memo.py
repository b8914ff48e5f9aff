"""tip_quality remembered by the open view (OpenView.range_memo) is the tip worked out afresh.

The open view keeps a book's tip until the book changes there: a directory of the book inserted,
erased or changed (its root page, or a later page, which lies outside the book's key range), or
any key inserted or erased in the book's range. A view of sandboxes over it uses the memo only
while none of them inserted, erased or changed a directory (settled_open_view). Random changes
to two books, at both levels, committed or dropped, with the tip asked at random moments.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xpay.amounts import XRP_ISSUE, Issue, XRPAmount, currency_from_code
from xpay.flow.book_tip import _tip_quality, tip_quality
from xpay.flow.steps import Book
from xpay.ledger import keylet
from xpay.ledger.entries import AccountRoot, DirectoryNode
from xpay.ledger.ledger import genesis_ledger
from xpay.ledger.views import Fees, OpenView, Sandbox, settled_open_view
from xpay.protocol.ids import AccountID, Hash256

FEES = Fees(XRPAmount(10), XRPAmount(1_000_000), XRPAmount(200_000))
USD = Issue(currency_from_code("USD"), AccountID(b"\x07" * 20))
BOOKS = [Book(XRP_ISSUE, USD), Book(USD, XRP_ISSUE)]
BASES = [keylet.book_base(b.in_, b.out) for b in BOOKS]
OFFER = Hash256(b"\x0f" * 32)


def _dir_key(book: int, quality: int) -> bytes:
    return keylet.quality(BASES[book], 1000 + quality).key


def _page(root: bytes, page: int, indexes: tuple[Hash256, ...], index_next: int | None = None) -> DirectoryNode:
    return DirectoryNode(key=keylet.page(root, page).key, root_index=Hash256(root), indexes=indexes, index_next=index_next)


def _put(top: OpenView | Sandbox, entry: DirectoryNode, new: bool) -> None:
    if isinstance(top, Sandbox):
        if new:
            top.insert(entry)
        else:
            top.update(entry)
    elif new:
        top.raw_insert(entry)
    else:
        top.raw_replace(entry)


ops = st.lists(
    st.tuples(
        st.sampled_from(["insert", "insert-two-pages", "empty", "fill", "erase", "stray", "push", "commit", "drop", "ask"]),
        st.integers(0, 1),
        st.integers(0, 2),
    ),
    max_size=60,
)


@given(ops)
def test_remembered_tip_is_the_tip(operations: list[tuple[str, int, int]]) -> None:
    ledger = genesis_ledger(AccountID(b"\x11" * 20), FEES)
    view = ledger.open_view()
    stack: list[OpenView | Sandbox] = [view]
    asked = 0
    for op, book, quality in operations:
        top = stack[-1]
        root = _dir_key(book, quality)
        existing = top.read_key(root)

        if op == "insert" and existing is None:
            _put(top, _page(root, 0, (OFFER,)), True)
        elif op == "insert-two-pages" and existing is None:
            # An empty root page whose offers are on page 1 (outside the book's key range).
            _put(top, _page(root, 0, (), index_next=1), True)
            _put(top, _page(root, 1, (OFFER,)), True)
        elif op in ("empty", "fill") and isinstance(existing, DirectoryNode):
            target = existing if not existing.index_next else top.read_key(keylet.page(root, existing.index_next).key)
            assert isinstance(target, DirectoryNode)
            _put(top, target._replace(indexes=() if op == "empty" else (OFFER,)), False)
        elif op == "erase" and isinstance(existing, DirectoryNode):
            later = top.read_key(keylet.page(root, 1).key) if existing.index_next else None
            for page in (existing, later):
                if isinstance(page, DirectoryNode):
                    if isinstance(top, Sandbox):
                        top.erase(page)
                    else:
                        top.raw_erase(page)
        elif op == "stray":
            # Not a directory, but a key inside the book's range: succ() sees it.
            stray = AccountRoot(key=Hash256(BASES[book][:24] + (500 + quality).to_bytes(8, "big")), account=AccountID(b"\x05" * 20), balance=XRPAmount(1), sequence=1)
            if top.read_key(stray.key) is None:
                if isinstance(top, Sandbox):
                    top.insert(stray)
                else:
                    top.raw_insert(stray)
        elif op == "push" and len(stack) < 4:
            stack.append(Sandbox(top))
        elif op == "commit" and len(stack) > 1:
            sandbox = stack.pop()
            assert isinstance(sandbox, Sandbox)
            sandbox.apply()
        elif op == "drop" and len(stack) > 1:
            sandbox = stack.pop()
            assert isinstance(sandbox, Sandbox)
            sandbox.discard()
        elif op == "ask":
            asked += 1
        for b, base in zip(BOOKS, BASES):
            assert tip_quality(stack[-1], b) == _tip_quality(stack[-1], base)
            assert tip_quality(view, b) == _tip_quality(view, base)


def test_a_sandbox_that_touched_a_directory_is_not_settled() -> None:
    ledger = genesis_ledger(AccountID(b"\x11" * 20), FEES)
    view = ledger.open_view()
    root = _dir_key(0, 1)
    view.raw_insert(_page(root, 0, (OFFER,)))
    first = Sandbox(view)
    second = Sandbox(first)
    assert settled_open_view(second) is view
    assert tip_quality(second, BOOKS[0]) is not None and BASES[0][:24] in view.range_memo
    # Changing an account does not unsettle; changing a directory does, until dropped.
    alice = AccountRoot(key=keylet.account(AccountID(b"\x05" * 20)).key, account=AccountID(b"\x05" * 20), balance=XRPAmount(1), sequence=1)
    view.raw_insert(alice)
    first.update(alice._replace(sequence=2))
    assert settled_open_view(second) is view
    first.update(_page(root, 0, ()))
    assert settled_open_view(second) is None and settled_open_view(first) is None
    assert tip_quality(second, BOOKS[0]) is None  # the only directory is empty in the sandbox
    assert tip_quality(view, BOOKS[0]) is not None
    first.discard()
    assert settled_open_view(second) is view
    # Committed, the change reaches the open view and drops what it remembered of the book.
    first.update(_page(root, 0, ()))
    first.apply()
    assert BASES[0][:24] not in view.range_memo
    assert tip_quality(view, BOOKS[0]) is None
    assert settled_open_view(ledger) is None


def test_a_change_to_a_later_page_of_a_directory_drops_the_remembered_tip() -> None:
    """The page lies outside the book's key range: the memo is dropped by its root."""
    ledger = genesis_ledger(AccountID(b"\x11" * 20), FEES)
    view = ledger.open_view()
    root = _dir_key(0, 1)
    view.raw_insert(_page(root, 0, (), index_next=1))
    view.raw_insert(_page(root, 1, (OFFER,)))
    assert tip_quality(view, BOOKS[0]) is not None
    view.raw_replace(_page(root, 1, ()))
    assert tip_quality(view, BOOKS[0]) is None
    assert _tip_quality(view, BASES[0]) is None


def test_a_committed_sandbox_passes_on_that_it_changed_a_book() -> None:
    ledger = genesis_ledger(AccountID(b"\x11" * 20), FEES)
    view = ledger.open_view()
    root = _dir_key(1, 2)
    view.raw_insert(_page(root, 0, (OFFER,)))
    outer = Sandbox(view)
    inner = Sandbox(outer)
    assert tip_quality(outer, BOOKS[1]) is not None  # remembered by the open view
    inner.update(_page(root, 0, ()))
    inner.apply()
    assert settled_open_view(outer) is None
    assert tip_quality(outer, BOOKS[1]) is None
    assert tip_quality(Sandbox(outer), BOOKS[1]) is None
