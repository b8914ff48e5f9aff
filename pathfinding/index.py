"""The pathfinding index: trust lines by account, books by issue, kept in step with closed ledgers.

rippled builds a RippleLineCache per ledger (each account's lines read from its owner directory
the first time a search asks) and keeps an OrderBookDB it rescans now and then. xpay keeps one
index instead and moves it from ledger to ledger: `update(ledger)` diffs the new ledger's state
against the one the index reflects (pathfinding.state_diff walks only the branches that differ)
and re-files only the trust lines and book directories that changed. A ledger of a thousand
transactions touches a few thousand entries, whatever the size of the world.

What it answers, per account and per issue:

* `lines(account, direction)`: the account's trust lines seen from its side (PathLine), in line
  key order (an owner directory's order within a page), all of them for an OUTGOING account and
  those without NoRipple on its side for an INCOMING one (rippled's getRippleLines);
* `source_currencies` / `dest_currencies`: rippled's accountSourceCurrencies /
  accountDestCurrencies, derived from those lines (and cached until they change);
* `books`: the OrderBookDB (books by taker-pays issue);
* `account_flags(account)`: the account's flags (RequireAuth, GlobalFreeze), None if it does not
  exist;
* `paths_out(currency, account, direction)`: how many ways onward the account offers in that
  currency (the heart of rippled's getPathsOut), cached until the account's lines, flags or
  books change.

The index is not thread-safe and needs none: the node updates it between queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pathfinding.order_book_db import OrderBookDB, book_of
from pathfinding.state_diff import state_changes
from pathfinding.trust_line import LineDirection, PathLine, line_view
from xpay.amounts import BAD_CURRENCY
from xpay.ledger.entries import AccountRoot, DirectoryNode, Entry, Offer, RippleState
from xpay.ledger.ledger import Ledger
from xpay.protocol.flags import lsfGlobalFreeze, lsfRequireAuth
from xpay.protocol.ids import XRP_CURRENCY, AccountID, Currency, Hash256


@dataclass(frozen=True, slots=True)
class IndexUpdate:
    """What one `update` did."""

    ledger_seq: int
    entries_changed: int
    """State entries found changed (of any type; when the caller passes the changed keys,
    offers and directory pages other than a book's first are skipped unread and uncounted)."""
    lines_changed: int
    """Trust lines created, changed or deleted."""
    book_directories_changed: int
    """Book quality directories (root pages) created or deleted."""


class PathIndex:
    """Trust lines by account and books by issue for one closed ledger, updated incrementally."""

    __slots__ = (
        "_account_currencies",
        "_books",
        "_dirty",
        "_entries",
        "_flags",
        "_incoming",
        "_ledger",
        "_outgoing",
        "_paths_out",
        "_views",
    )

    def __init__(self, ledger: Ledger) -> None:
        """Index `ledger` from scratch (one pass over its state: startup, or a ledger far from
        anything indexed)."""
        self._ledger = ledger
        # account -> (peer, currency) -> the line. Each line is filed under both its accounts.
        self._entries: dict[AccountID, dict[tuple[AccountID, Currency], RippleState]] = {}
        self._books = OrderBookDB()
        self._flags: dict[AccountID, int] = {}
        # Derived on first use, so that an update only files entries (most lines a ledger
        # touches are not searched through before they change again): each account's side of
        # each line, kept with the entry it was derived from and re-derived when that entry is
        # replaced; and per account its lines in key order, those without NoRipple on its side
        # and its paths-out counts, dropped on first use after the account is marked dirty.
        self._views: dict[AccountID, dict[tuple[AccountID, Currency], tuple[RippleState, PathLine]]] = {}
        self._outgoing: dict[AccountID, tuple[PathLine, ...]] = {}
        self._incoming: dict[AccountID, tuple[PathLine, ...]] = {}
        self._paths_out: dict[AccountID, dict[tuple[Currency, LineDirection], int]] = {}
        self._account_currencies: dict[tuple[AccountID, bool], tuple[list[Currency], list[Currency]]] = {}
        self._dirty: set[AccountID] = set()
        for _key, entry in ledger.state.items():
            self._file(entry, +1)

    def warm(self) -> None:
        """Compute now what the search would otherwise compute on first use: every account's
        view of its lines and its paths-out counts. A node does this once at startup, so the
        first queries are not the slow ones; afterwards each ledger re-derives only what it
        changed, on demand."""
        for account, lines in self._entries.items():
            self.lines(account, LineDirection.INCOMING)
            for currency in {currency for _peer, currency in lines}:
                self.paths_out(currency, account, LineDirection.OUTGOING)
                self.paths_out(currency, account, LineDirection.INCOMING)

    @property
    def ledger(self) -> Ledger:
        """The closed ledger the index reflects."""
        return self._ledger

    @property
    def books(self) -> OrderBookDB:
        return self._books

    # Keeping up with the ledger ------------------------------------------------------------

    def update(self, ledger: Ledger, changed_keys: Iterable[bytes] | None = None) -> IndexUpdate:
        """Move the index to `ledger` (normally the next closed ledger), touching only what
        changed between the two states.

        Without `changed_keys` the change is found by walking the two state maps where they
        differ. A node that already knows which keys the ledger changed (the store's state diff,
        or the keys its transactions' metadata name, plus the skip list) may pass them: each is
        then read from both states directly, which is cheaper still. Keys that did not change
        are harmless; a changed key left out is missed, so pass them all or none.
        """
        entries = lines = books = 0
        if ledger is not self._ledger:
            if changed_keys is None:
                changes = state_changes(self._ledger.state, ledger.state)
            else:
                changes = _read_changes(self._ledger, ledger, changed_keys)
            for _key, before, after in changes:
                entries += 1
                kind = type(after if after is not None else before)
                if kind is RippleState:
                    lines += 1
                    if before is not None and after is not None:
                        # Changed in place (a balance, a limit, a flag): same two accounts.
                        self._replace_line(after)  # type: ignore[arg-type]
                        continue
                elif kind is AccountRoot:
                    if before is not None and after is not None and before.flags == after.flags:
                        continue  # a balance or sequence change: nothing the search reads
                elif kind is DirectoryNode:
                    was_book = _is_book_root(before)
                    if was_book == _is_book_root(after):
                        # An owner directory, a later page of a book directory, or a book
                        # directory that only gained or lost offers: no book came or went.
                        continue
                    books += 1
                else:
                    continue  # offers and the rest: the engine reads them from the ledger
                if before is not None:
                    self._file(before, -1)
                if after is not None:
                    self._file(after, +1)
            self._ledger = ledger
        return IndexUpdate(ledger.seq, entries, lines, books)

    def _file(self, entry: Entry, delta: int) -> None:
        """Add (+1) or remove (-1) what an entry contributes to the index."""
        if type(entry) is RippleState:
            low = entry.low_limit.issue.account
            high = entry.high_limit.issue.account
            currency = entry.balance.issue.currency
            self._file_line(low, high, currency, entry, delta)
            self._file_line(high, low, currency, entry, delta)
        elif type(entry) is AccountRoot:
            if delta > 0:
                self._flags[entry.account] = entry.flags
            else:
                self._flags.pop(entry.account, None)
            self._dirty.add(entry.account)
        elif type(entry) is DirectoryNode:
            book = book_of(entry)
            if book is not None:
                self._books.add(book[0], book[1], delta)
                self._dirty.add(book[0].account)

    def _replace_line(self, line: RippleState) -> None:
        """A line changed in place: the same two accounts, the same currency."""
        low = line.low_limit.issue.account
        high = line.high_limit.issue.account
        currency = line.balance.issue.currency
        self._entries[low][high, currency] = line
        self._entries[high][low, currency] = line
        self._dirty.add(low)
        self._dirty.add(high)

    def _file_line(self, account: AccountID, peer: AccountID, currency: Currency, line: RippleState, delta: int) -> None:
        mine = self._entries.get(account)
        if delta > 0:
            if mine is None:
                mine = self._entries[account] = {}
            mine[peer, currency] = line
        elif mine is not None:
            mine.pop((peer, currency), None)
            if not mine:
                del self._entries[account]
        self._dirty.add(account)

    def _clean(self, account: AccountID) -> None:
        """Drop what was derived for an account whose lines, flags or books changed."""
        self._dirty.discard(account)
        self._outgoing.pop(account, None)
        self._incoming.pop(account, None)
        self._paths_out.pop(account, None)
        self._account_currencies.pop((account, True), None)
        self._account_currencies.pop((account, False), None)

    def _view(self, account: AccountID, key: tuple[AccountID, Currency], line: RippleState) -> PathLine:
        """The account's side of one of its lines, derived again only if the line changed."""
        views = self._views.get(account)
        if views is None:
            views = self._views[account] = {}
        cached = views.get(key)
        if cached is not None and cached[0] is line:
            return cached[1]
        view = line_view(line, account)
        views[key] = (line, view)
        return view

    # Questions the search asks --------------------------------------------------------------

    def lines(self, account: AccountID, direction: LineDirection = LineDirection.OUTGOING) -> tuple[PathLine, ...]:
        """The account's lines from its side (rippled's RippleLineCache::getRippleLines)."""
        if account in self._dirty:
            self._clean(account)
        if direction is LineDirection.OUTGOING:
            found = self._outgoing.get(account)
            if found is None:
                entries = self._entries.get(account, {})
                views = self._views.get(account)
                if views is not None and len(views) > len(entries):
                    # Lines were deleted: forget their views.
                    for key in [k for k in views if k not in entries]:
                        del views[key]
                found = tuple(sorted((self._view(account, k, e) for k, e in entries.items()), key=_line_key))
                self._outgoing[account] = found
            return found
        found = self._incoming.get(account)
        if found is None:
            # An account reached over its own NoRipple can only pass the payment on over lines
            # where it allows rippling.
            found = tuple(line for line in self.lines(account) if not line.no_ripple)
            self._incoming[account] = found
        return found

    def line(self, account: AccountID, peer: AccountID, currency: Currency) -> PathLine | None:
        """`account`'s side of its line to `peer` in `currency`, if there is one."""
        mine = self._entries.get(account)
        if mine is None:
            return None
        key = (peer, currency)
        entry = mine.get(key)
        return None if entry is None else self._view(account, key, entry)

    def account_flags(self, account: AccountID) -> int | None:
        """The account's flags; None when there is no such account."""
        return self._flags.get(account)

    def paths_out(self, currency: Currency, account: AccountID, direction: LineDirection) -> int:
        """Ways onward from `account` in `currency` (rippled's getPathsOut before its bonus for a
        line to the destination): the books out of (currency, account), plus its lines in the
        currency that carry credit and on which the peer allows rippling and has not frozen it.
        Zero for a missing or globally frozen account."""
        if account in self._dirty:
            self._clean(account)
        mine = self._paths_out.get(account)
        if mine is None:
            mine = self._paths_out[account] = {}
        key = (currency, direction)
        found = mine.get(key)
        if found is not None:
            return found
        flags = self._flags.get(account)
        count = 0
        if flags is not None and not flags & lsfGlobalFreeze:
            require_auth = bool(flags & lsfRequireAuth)
            count = self._books.book_count(currency, account)
            for line in self.lines(account, direction):
                if (
                    line.currency == currency
                    and not line.no_ripple_peer
                    and not line.freeze_peer
                    and not line.has_no_credit(require_auth)
                ):
                    count += 1
        mine[key] = count
        return count

    def source_currencies(self, account: AccountID, *, include_xrp: bool) -> list[Currency]:
        """What the account could send (rippled's accountSourceCurrencies): currencies it holds,
        or in which a peer still extends it credit; XRP first when asked for. Sorted."""
        return self._currencies(account, include_xrp)[0]

    def dest_currencies(self, account: AccountID, *, include_xrp: bool) -> list[Currency]:
        """What the account could receive (rippled's accountDestCurrencies): currencies in which
        it can take more than it holds; XRP when asked for. Sorted."""
        return self._currencies(account, include_xrp)[1]

    def _currencies(self, account: AccountID, include_xrp: bool) -> tuple[list[Currency], list[Currency]]:
        if account in self._dirty:
            self._clean(account)
        key = (account, include_xrp)
        found = self._account_currencies.get(key)
        if found is None:
            lines = self.lines(account)
            send = {line.currency for line in lines if not line.credit_exhausted}
            receive = {line.currency for line in lines if line.can_receive}
            for currencies in (send, receive):
                currencies.discard(BAD_CURRENCY)
                if include_xrp:
                    currencies.add(XRP_CURRENCY)
            found = self._account_currencies[key] = (sorted(send), sorted(receive))
        return list(found[0]), list(found[1])

    def snapshot(self) -> tuple[dict[AccountID, dict[tuple[AccountID, Currency], RippleState]], object, dict[AccountID, int]]:
        """Everything the index holds, for comparing an updated index with a rebuilt one."""
        return {a: dict(lines) for a, lines in self._entries.items()}, self._books.snapshot(), dict(self._flags)

    def line_count(self) -> int:
        """Trust lines indexed (each line once)."""
        return sum(len(lines) for lines in self._entries.values()) // 2


def _read_changes(
    before: Ledger, after: Ledger, keys: Iterable[bytes]
) -> Iterator[tuple[bytes, Entry | None, Entry | None]]:
    old_state = before.state
    new_state = after.state
    for key in keys:
        new = new_state.get(key)
        kind = type(new)
        if kind is Offer or (kind is DirectoryNode and not _is_book_root(new)):
            # Nothing the index files, whatever it was before: an offer, or a directory page
            # other than a book's first (which page a key is never changes).
            continue
        old = old_state.get(key)
        if old is not new and old != new:
            yield key, old, new


def _line_key(line: PathLine) -> Hash256:
    return line.key


def _is_book_root(entry: Entry | None) -> bool:
    """A book's quality directory, first page (cheap: no issues built)."""
    return type(entry) is DirectoryNode and entry.key == entry.root_index and entry.exchange_rate is not None
