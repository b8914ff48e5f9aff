"""The core path search for one source currency (rippled's Pathfinder).

Given a sender, a receiver, what is to be delivered and the currency the sender will spend, the
search works in three stages, as rippled's does:

1. **Find** (`find_paths`): the payment's type picks a table of path shapes
   (pathfinding.path_table); every shape up to the search level is grown node by node from its
   parent shape ("safd" from "saf" from "sa" from "s"), each step adding the accounts a partial
   path can ripple to or the order books it can convert through. Growing is pruned as rippled
   prunes: an account is only worth adding if it has somewhere to pass the payment on
   (`_paths_out`), at most ten are kept per step (fifty from the source), lines without credit,
   lines the path may not leave because of NoRipple, and loops are skipped. Paths that reach the
   destination are *complete*.
2. **Rank** (`compute_path_ranks`): each complete path is run through the real payment engine
   in a dropped sandbox (pathfinding.ripple_calc) to learn its quality (cost per unit delivered)
   and its liquidity (how much it can deliver); paths that cannot carry a useful amount are
   dropped. The default path's liquidity is measured first and subtracted from what is needed.
3. **Select** (`get_best_paths`): the best-ranked paths fill up to `max_paths` slots, the last
   slot only with a path that can cover what is still missing; a path that could carry the whole
   payment alone but found no slot is kept aside as the *full liquidity path* (the caller tries
   it if the selection falls short).

Everything the search reads comes from a PathIndex (trust lines, books, account flags); the
trial payments read the index's ledger. All work is charged to a SearchBudget: once it is spent
the search stops growing paths and ranks no more of them, and answers with what it has.
"""

from __future__ import annotations

from functools import cmp_to_key
from typing import Final, NamedTuple

from pathfinding.budget import FLOW_STEPS, SearchBudget
from pathfinding.index import PathIndex
from pathfinding.path import (
    XRP_BOOK,
    Path,
    account_element,
    book_element,
    has_seen,
    source_element,
)
from pathfinding.path_table import path_types, payment_type
from pathfinding.ripple_calc import ripple_calculate, trial_sandbox
from pathfinding.trust_line import LineDirection
from xpay.amounts import XRP_ISSUE, Issue, STAmount, divide, get_rate
from xpay.amounts.iou_amount import MAX_EXPONENT, MAX_MANTISSA
from xpay.amounts.st_amount import MAX_NATIVE_DROPS
from xpay.protocol.flags import lsfGlobalFreeze, lsfRequireAuth
from xpay.protocol.ids import ACCOUNT_ZERO, XRP_CURRENCY, AccountID, Currency
from xpay.protocol.ter import TER, Tes

MAX_COMPLETE_PATHS: Final = 1000
"""rippled's PATHFINDER_MAX_COMPLETE_PATHS: stop trying shapes past this many complete paths."""
HIGH_PRIORITY: Final = 10_000
"""The rank of an account with a line straight to the destination (rippled's highPriority)."""
MAX_CANDIDATES: Final = 10
"""Accounts kept per growing step (rippled)."""
MAX_CANDIDATES_FROM_SOURCE: Final = 50
"""Accounts kept when growing from the source itself."""

# rippled's addLink flags.
_ADD_ACCOUNTS = 0x001
_ADD_BOOKS = 0x002
_OB_XRP = 0x010
_OB_LAST = 0x040
_AC_LAST = 0x080

_NODE_FLAGS: Final = {
    "a": _ADD_ACCOUNTS,
    "b": _ADD_BOOKS,
    "x": _ADD_BOOKS | _OB_XRP,
    "f": _ADD_BOOKS | _OB_LAST,
    "d": _ADD_ACCOUNTS | _AC_LAST,
}


def largest_amount(amount: STAmount) -> STAmount:
    """The most of `amount`'s issue there can be (rippled's largestAmount)."""
    if amount.native:
        return STAmount.from_drops(MAX_NATIVE_DROPS)
    return STAmount(MAX_MANTISSA, MAX_EXPONENT, amount.issue)


def is_convert_all(amount: STAmount) -> bool:
    """The destination amount asks for "as much as possible" (rippled's convertAllCheck)."""
    return amount == largest_amount(amount)


def minus_one(issue: Issue) -> STAmount:
    """-1 of an issue: "no limit" as a sending amount, "as much as possible" as a request."""
    return STAmount(-1, 0, issue)


class PathRank(NamedTuple):
    """A ranked complete path (rippled's PathRank)."""

    quality: int
    """in / out as the engine's 64-bit rate: lower is cheaper."""
    length: int
    liquidity: STAmount
    position: int
    """Position in the list ranked (the last tie-breaker)."""


class _PathSet:
    """An ordered set of paths (rippled's STPathSet with assembleAdd's duplicate check)."""

    __slots__ = ("_seen", "paths")

    def __init__(self) -> None:
        self.paths: list[Path] = []
        self._seen: set[Path] = set()

    def add(self, path: Path) -> bool:
        if path in self._seen:
            return False
        self._seen.add(path)
        self.paths.append(path)
        return True

    def __len__(self) -> int:
        return len(self.paths)


class Pathfinder:
    """The search for one (source, destination, amount, source currency)."""

    def __init__(
        self,
        index: PathIndex,
        src: AccountID,
        dst: AccountID,
        src_currency: Currency,
        src_issuer: AccountID | None,
        dst_amount: STAmount,
        src_amount: STAmount | None,
        budget: SearchBudget,
    ) -> None:
        """`dst_amount` is what is to be delivered (the largest amount for "as much as
        possible"); `src_amount` the sender's limit (None: no limit, -1 of the source issue)."""
        self._index = index
        self._ledger = index.ledger
        self._books = index.books
        self._src = src
        self._dst = dst
        # Where the path must arrive: the issuer of the delivered IOU (a gateway the receiver
        # holds it at), or the receiver itself for XRP or its own IOUs.
        self._effective_dst = dst if dst_amount.native else dst_amount.issue.account
        self._dst_amount = dst_amount
        self._dst_currency = dst_amount.issue.currency
        self._src_currency = src_currency
        self._src_issuer = src_issuer
        if src_amount is None:
            if src_currency == XRP_CURRENCY:
                src_amount = minus_one(XRP_ISSUE)
            else:
                src_amount = minus_one(Issue(src_currency, src_issuer if src_issuer is not None else src))
        self._src_amount = src_amount
        self._convert_all = is_convert_all(dst_amount)
        self._budget = budget
        self._source = source_element(src, src_currency, src if src_currency != XRP_CURRENCY else ACCOUNT_ZERO)
        self._complete = _PathSet()
        self._paths: dict[str, list[Path]] = {}
        self._paths_out_counts: dict[tuple[Currency, AccountID], int] = {}
        self._remaining = dst_amount
        self._ranks: list[PathRank] = []

    @property
    def complete_paths(self) -> list[Path]:
        """Every complete path found, in the order found."""
        return self._complete.paths

    # 1. Find ---------------------------------------------------------------------------------

    def find_paths(self, level: int) -> bool:
        """Grow every shape of the payment's type up to `level`. False for a request that can
        have no path at all (nothing to send, sending to oneself, a missing account); True
        otherwise, paths or not (the default path may still work)."""
        dst_currency = self._dst_currency
        if not self._dst_amount:
            return False
        if self._src == self._dst and self._dst == self._effective_dst and self._src_currency == dst_currency:
            return False
        if self._src == self._effective_dst and self._src_currency == dst_currency:
            # The default path might work, but any other path would loop.
            return True
        src_is_xrp = self._src_currency == XRP_CURRENCY
        issuer_given = self._src_issuer is not None and not src_is_xrp and any(self._src_issuer)
        origin = self._src_issuer if issuer_given and self._src_issuer is not None else self._src
        self._source = source_element(origin, self._src_currency, ACCOUNT_ZERO if src_is_xrp else origin)

        ledger = self._ledger
        exists = self._index.account_flags
        if exists(self._src) is None:
            return False
        if self._effective_dst != self._dst and exists(self._effective_dst) is None:
            return False
        dst_is_xrp = dst_currency == XRP_CURRENCY
        if exists(self._dst) is None:
            # Only XRP, and at least the reserve, can create the receiver's account.
            if not dst_is_xrp:
                return False
            if self._dst_amount < STAmount.from_xrp(ledger.fees.reserve):
                return False

        kind = payment_type(src_is_xrp, dst_is_xrp, self._src_currency == dst_currency)
        for shape in path_types(kind, level):
            if self._budget.exhausted:
                break
            self._add_paths_for_type(shape)
            if len(self._complete) > MAX_COMPLETE_PATHS:
                break
        return True

    def _add_paths_for_type(self, shape: str) -> list[Path]:
        """The partial paths of `shape`, grown from its parent shape's (memoised)."""
        found = self._paths.get(shape)
        if found is not None:
            return found
        if not shape:
            return []
        parent = self._add_paths_for_type(shape[:-1])
        node = shape[-1]
        out = _PathSet()
        if node == "s":
            out.add(())
        else:
            flags = _NODE_FLAGS[node]
            for path in parent:
                if self._budget.exhausted:
                    break
                self._add_link(path, out, flags)
        self._paths[shape] = out.paths
        return out.paths

    def _add_link(self, path: Path, incomplete: _PathSet, flags: int) -> None:
        """Extend `path` by one node: accounts, books, or the destination (rippled's addLink)."""
        end = path[-1] if path else self._source
        end_currency = end.currency
        end_issuer = end.issuer
        end_account = end.account
        on_xrp = end_currency == XRP_CURRENCY
        dst_currency = self._dst_currency
        # Must the path pass a gateway (the issuer of the delivered IOU) before the receiver?
        has_effective_dst = self._effective_dst != self._dst

        if flags & _ADD_ACCOUNTS:
            if on_xrp:
                if self._dst_amount.native and path:
                    self._complete.add(path)
            else:
                self._add_accounts(path, incomplete, end_account, end_currency, flags, has_effective_dst)

        if flags & _ADD_BOOKS:
            if flags & _OB_XRP:
                if not on_xrp and self._books.is_book_to_xrp(end_currency, end_issuer):
                    incomplete.add((*path, XRP_BOOK))
                return
            dest_only = bool(flags & _OB_LAST)
            outs = self._books.books_by_taker_pays(end_currency, end_issuer)
            if not self._budget.spend(len(outs)):
                return
            for out in outs:
                if (
                    has_seen(path, ACCOUNT_ZERO, out.currency, out.account)
                    or self._issue_matches_origin(out)
                    or (dest_only and out.currency != dst_currency)
                ):
                    continue
                if out.is_xrp:
                    new_path: Path = (*path, XRP_BOOK)
                    if dst_currency == XRP_CURRENCY:
                        self._complete.add(new_path)
                    else:
                        incomplete.add(new_path)
                    continue
                if has_seen(path, out.account, out.currency, out.account):
                    # The book's issuer is already on the path.
                    continue
                book = book_element(out.currency, out.account)
                if len(path) >= 2 and path[-1].is_account and path[-2].is_offer:
                    # book -> issuer -> book: the issuer between two books is implied.
                    new_path = (*path[:-1], book)
                else:
                    new_path = (*path, book)
                if has_effective_dst and out.account == self._dst and out.currency == dst_currency:
                    continue  # this would skip the gateway the payment must pass
                if out.account == self._effective_dst and out.currency == dst_currency:
                    self._complete.add(new_path)
                else:
                    incomplete.add((*new_path, account_element(out.account, out.currency)))

    def _add_accounts(
        self,
        path: Path,
        incomplete: _PathSet,
        end_account: AccountID,
        end_currency: Currency,
        flags: int,
        has_effective_dst: bool,
    ) -> None:
        account_flags = self._index.account_flags(end_account)
        if account_flags is None:
            return  # the path ends on an account that does not exist
        require_auth = bool(account_flags & lsfRequireAuth)
        is_end_currency = end_currency == self._dst_currency
        no_ripple_out = self._is_no_ripple_out(path)
        dest_only = bool(flags & _AC_LAST)
        lines = self._index.lines(end_account, LineDirection.INCOMING if no_ripple_out else LineDirection.OUTGOING)
        if not self._budget.spend(len(lines)):
            return
        dst = self._dst
        src = self._src
        effective_dst = self._effective_dst
        candidates: list[tuple[int, AccountID]] = []
        for line in lines:
            peer = line.peer
            if has_effective_dst and peer == dst:
                continue  # the gateway would be skipped
            to_destination = peer == effective_dst
            if dest_only and not to_destination:
                continue
            if line.currency != end_currency or has_seen(path, peer, end_currency, peer):
                continue
            if line.has_no_credit(require_auth):
                continue
            if no_ripple_out and line.no_ripple:
                continue  # the path may not leave this account over this line
            if to_destination:
                if end_currency == self._dst_currency:
                    if path:
                        self._complete.add(path)
                elif not dest_only:
                    candidates.append((HIGH_PRIORITY, peer))
            elif peer == src:
                continue  # going back to the source is never useful
            else:
                out = self._paths_out(end_currency, peer, line.direction_peer, is_end_currency, effective_dst)
                if out:
                    candidates.append((out, peer))
        if not candidates:
            return
        # Most ways onward first; among equals, a fixed order (rippled breaks ties by account).
        candidates.sort(reverse=True)
        limit = MAX_CANDIDATES if end_account != src else MAX_CANDIDATES_FROM_SOURCE
        for _priority, peer in candidates[:limit]:
            incomplete.add((*path, account_element(peer, end_currency)))

    def _paths_out(
        self,
        currency: Currency,
        account: AccountID,
        direction: LineDirection,
        is_dst_currency: bool,
        dst: AccountID,
    ) -> int:
        """How many ways onward `account` offers in `currency`: books out of the issue plus
        usable lines, a line to the destination counting 10,000 (rippled's getPathsOut,
        memoised per issue for the search; the index caches the part that does not depend on
        the destination across searches)."""
        key = (currency, account)
        found = self._paths_out_counts.get(key)
        if found is not None:
            return found
        count = 0
        flags = self._index.account_flags(account)
        if flags is not None and not flags & lsfGlobalFreeze:
            self._budget.spend()
            count = self._index.paths_out(currency, account, direction)
            if is_dst_currency:
                line = self._index.line(account, dst, currency)
                if (
                    line is not None
                    and (direction is LineDirection.OUTGOING or not line.no_ripple)
                    and not line.has_no_credit(bool(flags & lsfRequireAuth))
                ):
                    # A line straight to the destination is worth far more than any other way
                    # on (and rippled counts it instead of as an ordinary line).
                    count += HIGH_PRIORITY
                    if not line.no_ripple_peer and not line.freeze_peer:
                        count -= 1
        self._paths_out_counts[key] = count
        return count

    def _is_no_ripple_out(self, path: Path) -> bool:
        """Does the path end on an account link whose last account set NoRipple on it?"""
        if not path:
            return False
        end = path[-1]
        if not end.is_account:
            return False
        from_account = self._src if len(path) == 1 else path[-2].account
        line = self._index.line(end.account, from_account, end.currency)
        return line is not None and line.no_ripple

    def _issue_matches_origin(self, issue: Issue) -> bool:
        """A book back into what the sender spends is never useful."""
        if issue.currency != self._src_currency:
            return False
        return (
            issue.currency == XRP_CURRENCY
            or (self._src_issuer is not None and issue.account == self._src_issuer)
            or issue.account == self._src
        )

    # 2. Rank ---------------------------------------------------------------------------------

    def compute_path_ranks(self, max_paths: int) -> None:
        """Measure the default path, then rank every complete path (rippled's
        computePathRanks)."""
        self._remaining = largest_amount(self._dst_amount) if self._convert_all else self._dst_amount
        self._budget.spend(FLOW_STEPS)
        rc = ripple_calculate(
            trial_sandbox(self._ledger),
            self._src_amount,
            self._remaining,
            self._dst,
            self._src,
            (),
            partial_payment=True,
        )
        if rc.result == Tes.tesSUCCESS:
            # What the default path carries need not come from the paths found.
            self._remaining = self._remaining - rc.actual_out
        self._ranks = self.rank_paths(max_paths, self._complete.paths)

    def rank_paths(self, max_paths: int, paths: list[Path]) -> list[PathRank]:
        """Rank each path that can carry a useful amount, best first (rippled's rankPaths):
        cheapest first (unless delivering as much as possible), then most liquid, then
        shortest."""
        if self._convert_all:
            # Ask for everything; partial delivery is allowed, so this finds the most it carries.
            min_dst = largest_amount(self._dst_amount)
        else:
            # Ignore paths that can only move a sliver of the payment.
            min_dst = divide(self._dst_amount, STAmount.from_drops(max_paths + 2), self._dst_amount.issue)
        ranked: list[PathRank] = []
        for i, path in enumerate(paths):
            if not path:
                continue
            if not self._budget.spend(FLOW_STEPS):
                break
            result, liquidity, quality = self._path_liquidity(path, min_dst)
            if result == Tes.tesSUCCESS:
                ranked.append(PathRank(quality, len(path), liquidity, i))
        convert_all = self._convert_all

        def better(a: PathRank, b: PathRank) -> int:
            if not convert_all and a.quality != b.quality:
                return -1 if a.quality < b.quality else 1
            if a.liquidity != b.liquidity:
                return -1 if a.liquidity > b.liquidity else 1
            if a.length != b.length:
                return -1 if a.length < b.length else 1
            return -1 if a.position > b.position else (1 if a.position < b.position else 0)

        ranked.sort(key=cmp_to_key(better))
        return ranked

    def _path_liquidity(self, path: Path, min_dst: STAmount) -> tuple[TER, STAmount, int]:
        """(result, liquidity, quality) of one path alone (rippled's getPathLiquidity): first
        whether it carries at least `min_dst`, and at what quality; then, in the same sandbox,
        how much more it could carry."""
        sandbox = trial_sandbox(self._ledger)
        rc = ripple_calculate(
            sandbox,
            self._src_amount,
            min_dst,
            self._dst,
            self._src,
            (path,),
            default_paths=False,
            partial_payment=self._convert_all,
        )
        if rc.result != Tes.tesSUCCESS:
            return rc.result, rc.actual_out, 0
        quality = get_rate(rc.actual_out, rc.actual_in)
        amount_out = rc.actual_out
        if not self._convert_all:
            rc = ripple_calculate(
                sandbox,
                self._src_amount,
                self._dst_amount - amount_out,
                self._dst,
                self._src,
                (path,),
                default_paths=False,
                partial_payment=True,
            )
            if rc.result == Tes.tesSUCCESS:
                amount_out = amount_out + rc.actual_out
        return Tes.tesSUCCESS, amount_out, quality

    # 3. Select -------------------------------------------------------------------------------

    def get_best_paths(
        self,
        max_paths: int,
        extra_paths: list[Path],
        src_issuer: AccountID,
    ) -> tuple[list[Path], Path | None]:
        """Up to `max_paths` paths, best first, and a path able to carry the whole payment
        alone that found no slot (rippled's getBestPaths). `extra_paths` (the previous answer,
        for a standing request) compete with the paths found; `src_issuer` is the issuer of
        what the sender spends: unless it is the sender, a path must start at that issuer, and
        the issuer is then dropped from the path (the payment's SendMax implies it)."""
        if not self._complete.paths and not extra_paths:
            return [], None
        issuer_is_sender = self._src_currency == XRP_CURRENCY or src_issuer == self._src
        extra_ranks = self.rank_paths(max_paths, extra_paths)
        best: list[Path] = []
        full_liquidity: Path | None = None
        remaining = self._remaining
        ranks = self._ranks
        i = j = 0
        while i < len(ranks) or j < len(extra_ranks):
            use_path = use_extra = False
            if i == len(ranks):
                use_extra = True
            elif j == len(extra_ranks):
                use_path = True
            elif extra_ranks[j].quality != ranks[i].quality:
                use_extra = extra_ranks[j].quality < ranks[i].quality
                use_path = not use_extra
            elif extra_ranks[j].liquidity != ranks[i].liquidity:
                use_extra = extra_ranks[j].liquidity > ranks[i].liquidity
                use_path = not use_extra
            else:
                # Same quality and liquidity: most likely the same path; take both.
                use_path = use_extra = True
            rank = ranks[i] if use_path else extra_ranks[j]
            path = self._complete.paths[rank.position] if use_path else extra_paths[rank.position]
            if use_extra:
                j += 1
            if use_path:
                i += 1

            paths_left = max_paths - len(best)
            if paths_left <= 0 and full_liquidity is not None:
                break
            starts_with_issuer = False
            if not issuer_is_sender and use_path:
                # The path must match the issuer the sender spends.
                if len(path) == 1 or path[0].account != src_issuer:
                    continue
                starts_with_issuer = True
            chosen = path[1:] if starts_with_issuer else path
            if paths_left > 1 or (paths_left > 0 and rank.liquidity >= remaining):
                # The last slot goes only to a path that covers what is still missing.
                paths_left -= 1
                remaining = remaining - rank.liquidity
                best.append(chosen)
            elif paths_left == 0 and rank.liquidity >= self._dst_amount and full_liquidity is None:
                full_liquidity = chosen
        return best, full_liquidity

