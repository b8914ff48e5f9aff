"""The slow reference for the path search: every path of the same shapes, no pruning.

The pathfinder (pathfinding.pathfinder) grows the shapes of the path table with rippled's
heuristics: at most ten accounts per step, ranked by how many ways onward they offer; lines
without credit, lines NoRipple forbids and books back into the source currency skipped. This
module grows the same shapes for the same payment type and search level with none of that:
every trust line in the current currency, every book out of the current issue, every account
and book not yet on the path. Each complete path is then run alone through the payment engine,
as is the default path, and the one delivering the most wins.

It exists to check the search (tests/property, bench/pathfind.py): on the same ledger, for the
same SendMax, the engine's best alternative must deliver at least what the best single path of
this search delivers. It is exponential in the level; use it on small worlds.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from pathfinding.pathfinder import largest_amount
from pathfinding.ripple_calc import ripple_calculate, trial_sandbox
from xpay.amounts import STAmount
from xpay.protocol.ids import ACCOUNT_ZERO, XRP_CURRENCY, AccountID, Currency
from xpay.protocol.ter import Tes


@dataclass(frozen=True, slots=True)
class RouteResult:
    """The best route found: its path (None: the default path) and what it delivers."""

    path: Path | None
    delivered: STAmount
    spent: STAmount
    paths_tried: int


class TooManyPaths(Exception):
    """The enumeration passed its limit: the world is too big for an exhaustive search."""


def enumerate_paths(
    index: PathIndex,
    src: AccountID,
    dst: AccountID,
    deliver: STAmount,
    src_currency: Currency,
    level: int,
    *,
    limit: int = 20_000,
) -> list[Path]:
    """Every complete path of the table's shapes up to `level`, unpruned, in a fixed order."""
    effective_dst = dst if deliver.native else deliver.issue.account
    dst_currency = deliver.issue.currency
    has_effective_dst = effective_dst != dst
    src_is_xrp = src_currency == XRP_CURRENCY
    source = source_element(src, src_currency, ACCOUNT_ZERO if src_is_xrp else src)
    kind = payment_type(src_is_xrp, dst_currency == XRP_CURRENCY, src_currency == dst_currency)
    complete: dict[Path, None] = {}
    memo: dict[str, list[Path]] = {}

    def done(path: Path) -> None:
        if path:
            complete[path] = None
            if len(complete) > limit:
                raise TooManyPaths(f"more than {limit} complete paths")

    def grow(shape: str) -> list[Path]:
        if shape in memo:
            return memo[shape]
        if shape == "s":
            memo[shape] = [()]
            return memo[shape]
        out: dict[Path, None] = {}
        node = shape[-1]
        for path in grow(shape[:-1]):
            end = path[-1] if path else source
            if node in "ad":
                _accounts(path, end.account, end.currency, node == "d", out)
            else:
                _books(path, end.currency, end.issuer, node, out)
            if len(out) > limit:
                raise TooManyPaths(f"more than {limit} partial paths")
        memo[shape] = list(out)
        return memo[shape]

    def _accounts(path: Path, account: AccountID, currency: Currency, dest_only: bool, out: dict[Path, None]) -> None:
        if currency == XRP_CURRENCY:
            if deliver.native:
                done(path)
            return
        for line in index.lines(account):
            peer = line.peer
            if line.currency != currency or (has_effective_dst and peer == dst):
                continue
            if peer == effective_dst:
                if currency == dst_currency:
                    done(path)
                continue
            if dest_only or peer == src or has_seen(path, peer, currency, peer):
                continue
            out[(*path, account_element(peer, currency))] = None

    def _books(path: Path, currency: bytes, issuer: bytes, node: str, out: dict[Path, None]) -> None:
        for issue in index.books.books_by_taker_pays(currency, issuer):
            if node == "x" and not issue.is_xrp:
                continue
            if node == "f" and issue.currency != dst_currency:
                continue
            if has_seen(path, ACCOUNT_ZERO, issue.currency, issue.account):
                continue
            if issue.is_xrp:
                if dst_currency == XRP_CURRENCY:
                    done((*path, XRP_BOOK))
                else:
                    out[(*path, XRP_BOOK)] = None
                continue
            if has_seen(path, issue.account, issue.currency, issue.account):
                continue
            book = book_element(issue.currency, issue.account)
            grown: Path = (*path[:-1], book) if len(path) >= 2 and path[-1].is_account and path[-2].is_offer else (*path, book)
            if has_effective_dst and issue.account == dst and issue.currency == dst_currency:
                continue
            if issue.account == effective_dst and issue.currency == dst_currency:
                done(grown)
            else:
                out[(*grown, account_element(issue.account, issue.currency))] = None

    for shape in path_types(kind, level):
        grow(shape)
    return list(complete)


def best_single_path(
    index: PathIndex,
    src: AccountID,
    dst: AccountID,
    deliver: STAmount,
    send_max: STAmount,
    level: int,
    *,
    limit: int = 20_000,
) -> RouteResult | None:
    """The single path (or the default path) delivering the most of `deliver`'s issue for at
    most `send_max`; None when nothing delivers. `deliver` is the issue asked for (its value is
    ignored: as much as possible is asked)."""
    paths = enumerate_paths(index, src, dst, deliver, send_max.issue.currency, level, limit=limit)
    ask = largest_amount(deliver)
    best: RouteResult | None = None
    candidates: list[Path | None] = [None, *paths]
    for path in candidates:
        rc = ripple_calculate(
            trial_sandbox(index.ledger),
            send_max,
            ask,
            dst,
            src,
            () if path is None else (path,),
            default_paths=path is None,
            partial_payment=True,
        )
        if rc.result != Tes.tesSUCCESS or not rc.actual_out:
            continue
        if best is None or rc.actual_out > best.delivered:
            best = RouteResult(path, rc.actual_out, rc.actual_in, len(candidates))
    return best
