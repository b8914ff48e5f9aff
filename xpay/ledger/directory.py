"""Directories: linked pages of up to 32 keys (rippled's ApplyView::dirAdd / dirRemove).

An owner directory lists what an account owns (trust lines, offers), sorted within a page; a book
directory lists the offers at one quality of one book, in the order they were placed. Page 0 is
the root; the root's IndexPrevious names the last page; each page's IndexNext names the next one,
the last page's pointing back to the root (0). A removed key empties its page, and empty pages are
unlinked and deleted as rippled does.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator

from xpay.ledger import keylet as kl
from xpay.ledger.entries import DirectoryNode
from xpay.ledger.views import LogicError, ReadView, Sandbox
from xpay.protocol.ids import Hash256

DIR_NODE_MAX_ENTRIES = 32
DIR_NODE_MAX_PAGES = 262_144

Describe = Callable[[DirectoryNode], DirectoryNode]


def dir_add(
    view: Sandbox,
    directory: kl.Keylet[DirectoryNode],
    key: Hash256,
    describe: Describe,
    *,
    preserve_order: bool,
) -> int | None:
    """Add `key` to the directory; the page it went to, or None when the directory is full.

    `preserve_order` appends (book directories: time priority); otherwise the page is kept sorted
    (owner directories), as rippled's dirAppend / dirInsert.
    """
    root = view.read(directory)
    if root is None:
        view.insert(describe(DirectoryNode(key=directory.key, root_index=directory.key, indexes=(key,))))
        return 0
    page = root.index_previous or 0
    node = root if page == 0 else view.read(kl.page(directory.key, page))
    if node is None:
        raise LogicError(f"directory {directory.key.hex()}: last page {page} missing")
    indexes = node.indexes
    if len(indexes) < DIR_NODE_MAX_ENTRIES:
        if key in indexes:
            raise LogicError(f"directory {directory.key.hex()}: double insertion of {key.hex()}")
        if preserve_order:
            indexes = (*indexes, key)
        else:
            ordered = sorted(indexes)  # sorted already, unless an older ledger wrote it otherwise
            bisect.insort(ordered, key)
            indexes = tuple(ordered)
        view.update(node._replace(indexes=indexes))
        return page
    page += 1
    if page >= DIR_NODE_MAX_PAGES:
        return None
    # Link the new page at the end of the chain.
    view.update(node._replace(index_next=page))
    root = view.read(directory)
    assert root is not None
    view.update(root._replace(index_previous=page))
    new = DirectoryNode(
        key=kl.page(directory.key, page).key,
        root_index=directory.key,
        indexes=(key,),
        index_previous=page - 1 if page != 1 else None,
    )
    view.insert(describe(new))
    return page


def dir_remove(
    view: Sandbox,
    directory: kl.Keylet[DirectoryNode],
    page: int,
    key: Hash256,
    *,
    keep_root: bool = False,
) -> bool:
    """Remove `key` from page `page`; False if it is not there. Empty pages are unlinked."""
    node = view.read(kl.page(directory.key, page))
    if node is None or key not in node.indexes:
        return False
    i = node.indexes.index(key)
    indexes = node.indexes[:i] + node.indexes[i + 1 :]
    if key in indexes:  # never from dir_add, which refuses a second insertion; every copy goes
        indexes = tuple(k for k in indexes if k != key)
    node = node._replace(indexes=indexes)
    view.update(node)
    if indexes:
        return True

    prev_page = node.index_previous or 0
    next_page = node.index_next or 0
    if page == 0:
        if next_page == page and prev_page != page:
            raise LogicError("directory chain: forward link broken")
        if prev_page == page and next_page != page:
            raise LogicError("directory chain: reverse link broken")
        if next_page == prev_page and next_page != page:
            # A single trailing page that is empty (older code could leave one): drop it.
            last = view.read(kl.page(directory.key, next_page))
            if last is None:
                raise LogicError("directory chain: forward link broken")
            if last.indexes:
                return True
            node = node._replace(index_next=0, index_previous=0)
            view.update(node)
            view.erase(last)
            next_page = prev_page = 0
        if keep_root:
            return True
        if next_page == 0 and prev_page == 0:
            view.erase(node)
        return True

    if next_page == page:
        raise LogicError("directory chain: forward link broken")
    if prev_page == page:
        raise LogicError("directory chain: reverse link broken")
    prev = view.read(kl.page(directory.key, prev_page))
    if prev is None:
        raise LogicError("directory chain: forward link broken")
    prev = prev._replace(index_next=next_page)
    view.update(prev)
    nxt = view.read(kl.page(directory.key, next_page))
    if nxt is None:
        raise LogicError("directory chain: reverse link broken")
    nxt = nxt._replace(index_previous=prev_page)
    view.update(nxt)
    view.erase(node)
    if next_page != 0 and (nxt.index_next or 0) == 0 and not nxt.indexes:
        # The next page was the last one and is empty: drop it, prev becomes the last page.
        view.erase(nxt)
        prev = prev._replace(index_next=0)
        view.update(prev)
        root = view.read(kl.page(directory.key, 0))
        if root is None:
            raise LogicError("directory chain: root link broken")
        view.update(root._replace(index_previous=prev_page))
        if prev_page == 0:
            prev = root._replace(index_previous=prev_page, index_next=0)
        next_page = 0
    if not keep_root and next_page == 0 and prev_page == 0:
        current_prev = view.read(kl.page(directory.key, prev_page))
        if current_prev is not None and not current_prev.indexes:
            view.erase(current_prev)
    return True


def dir_entries(view: ReadView, directory: kl.Keylet[DirectoryNode]) -> Iterator[tuple[int, Hash256]]:
    """(page, key) for every key of the directory, page by page from the root."""
    page = 0
    while True:
        node = view.read(kl.page(directory.key, page))
        if node is None:
            return
        for key in node.indexes:
            yield page, key
        page = node.index_next or 0
        if page == 0:
            return


def dir_is_empty(view: ReadView, directory: kl.Keylet[DirectoryNode]) -> bool:
    root = view.read(directory)
    return root is None or (not root.indexes and not root.index_next)
