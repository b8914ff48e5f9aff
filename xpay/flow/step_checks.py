"""Freeze and NoRipple checks made while a strand is built (rippled's StepChecks.h)."""

from __future__ import annotations

from xpay.ledger import keylet
from xpay.ledger.views import ReadView
from xpay.protocol.flags import (
    lsfGlobalFreeze,
    lsfHighFreeze,
    lsfHighNoRipple,
    lsfLowFreeze,
    lsfLowNoRipple,
)
from xpay.protocol.ids import AccountID, Currency
from xpay.protocol.ter import TER, Ter, Tes


def check_freeze(view: ReadView, src: AccountID, dst: AccountID, currency: Currency) -> TER:
    """terNO_LINE when value may not move from src to dst: the destination (as issuer) froze
    everything, or froze this line on its side."""
    account = view.read(keylet.account(dst))
    if account is not None and account.flags & lsfGlobalFreeze:
        return Ter.terNO_LINE
    line = view.read(keylet.line(src, dst, currency))
    if line is not None and line.flags & (lsfHighFreeze if dst > src else lsfLowFreeze):
        return Ter.terNO_LINE
    return Tes.tesSUCCESS


def check_no_ripple(
    view: ReadView, prev: AccountID, cur: AccountID, nxt: AccountID, currency: Currency
) -> TER:
    """terNO_RIPPLE when `cur` set NoRipple on both the line it receives on (from prev) and the
    line it would pay out on (to nxt); terNO_LINE when either line is missing."""
    line_in = view.read(keylet.line(prev, cur, currency))
    line_out = view.read(keylet.line(cur, nxt, currency))
    if line_in is None or line_out is None:
        return Ter.terNO_LINE
    if line_in.flags & (lsfHighNoRipple if cur > prev else lsfLowNoRipple) and line_out.flags & (
        lsfHighNoRipple if cur > nxt else lsfLowNoRipple
    ):
        return Ter.terNO_RIPPLE
    return Tes.tesSUCCESS
