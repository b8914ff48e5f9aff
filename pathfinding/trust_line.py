"""A trust line seen from one of its two accounts, as the pathfinder needs it (rippled's
PathFindTrustLine, TrustLine.h).

A RippleState names a low and a high account and keeps the balance from the low side. The
pathfinder always asks from one side: "what does this account hold, what will its peer still
lend it, has the peer frozen it, has it set NoRipple on its side". `PathLine` answers from the
viewing account's side, with the questions the search asks precomputed once per ledger change
(the index keeps two of these per line, one per side).
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from xpay.amounts import IOUAmount
from xpay.ledger.entries import RippleState
from xpay.protocol.flags import (
    lsfHighAuth,
    lsfHighFreeze,
    lsfHighNoRipple,
    lsfLowAuth,
    lsfLowFreeze,
    lsfLowNoRipple,
)
from xpay.protocol.ids import AccountID, Currency, Hash256


class LineDirection(Enum):
    """How an account was reached (rippled's LineDirection).

    OUTGOING: the source, or an account reached over a line on which it allows rippling: all its
    lines may carry the payment on. INCOMING: reached over a line on which it set NoRipple: only
    its lines without NoRipple on its side may (rippled then lists only those).
    """

    INCOMING = 0
    OUTGOING = 1


class PathLine(NamedTuple):
    """One side of a trust line: `account`'s view of its line to `peer` in `currency`."""

    key: Hash256
    account: AccountID
    peer: AccountID
    currency: Currency
    balance: IOUAmount
    """Positive: the peer owes `account` (account holds the peer's IOUs)."""
    limit: IOUAmount
    """What `account` is willing to hold of the peer's IOUs."""
    limit_peer: IOUAmount
    """What the peer is willing to hold of `account`'s IOUs (the credit it extends)."""
    auth: bool
    """`account` has authorised the peer to hold its IOUs."""
    no_ripple: bool
    """NoRipple on `account`'s side."""
    no_ripple_peer: bool
    freeze_peer: bool
    """The peer froze the line (on its side)."""
    credit_exhausted: bool
    """Nothing can leave `account` over this line, auth aside: it holds nothing of the peer's
    and the peer extends no (further) credit — rippled's "path has no credit" test."""
    can_receive: bool
    """`account` can take more over this line (balance below its limit): a destination currency."""

    @property
    def direction_peer(self) -> LineDirection:
        """How the peer is reached over this line (rippled's getDirectionPeer)."""
        return LineDirection.INCOMING if self.no_ripple_peer else LineDirection.OUTGOING

    def has_no_credit(self, require_auth: bool) -> bool:
        """rippled's addLink / getPathsOut test: no balance, and no credit left from the peer
        (or the line needs an authorisation `account` has not given)."""
        if self.credit_exhausted:
            return True
        return require_auth and not self.auth and self.balance.signum() <= 0


def line_view(line: RippleState, account: AccountID) -> PathLine:
    """`account`'s side of a trust line (it must be one of the line's two accounts)."""
    low = line.low_account
    balance = line.balance.iou()
    if account == low:
        return _view(
            line.key, low, line.high_account, line.currency, balance, line.low_limit.iou(), line.high_limit.iou(), line.flags, True
        )
    return _view(
        line.key, account, low, line.currency, -balance, line.high_limit.iou(), line.low_limit.iou(), line.flags, False
    )


def line_views(line: RippleState) -> tuple[PathLine, PathLine]:
    """The (low side, high side) views of a trust line."""
    low = line.low_account
    high = line.high_account
    currency = line.currency
    flags = line.flags
    balance = line.balance.iou()
    low_limit = line.low_limit.iou()
    high_limit = line.high_limit.iou()
    return (
        _view(line.key, low, high, currency, balance, low_limit, high_limit, flags, True),
        _view(line.key, high, low, currency, -balance, high_limit, low_limit, flags, False),
    )


def _view(
    key: Hash256,
    account: AccountID,
    peer: AccountID,
    currency: Currency,
    balance: IOUAmount,
    limit: IOUAmount,
    limit_peer: IOUAmount,
    flags: int,
    is_low: bool,
) -> PathLine:
    own_auth, own_no_ripple = (lsfLowAuth, lsfLowNoRipple) if is_low else (lsfHighAuth, lsfHighNoRipple)
    peer_no_ripple, peer_freeze = (lsfHighNoRipple, lsfHighFreeze) if is_low else (lsfLowNoRipple, lsfLowFreeze)
    exhausted = balance.signum() <= 0 and (limit_peer.signum() == 0 or -balance >= limit_peer)
    return PathLine(
        key=key,
        account=account,
        peer=peer,
        currency=currency,
        balance=balance,
        limit=limit,
        limit_peer=limit_peer,
        auth=bool(flags & own_auth),
        no_ripple=bool(flags & own_no_ripple),
        no_ripple_peer=bool(flags & peer_no_ripple),
        freeze_peer=bool(flags & peer_freeze),
        credit_exhausted=exhausted,
        can_receive=balance < limit,
    )
