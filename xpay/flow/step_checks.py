"""Freeze and NoRipple checks made while a strand is built (rippled's StepChecks.h)."""

from __future__ import annotations

from xpay.ledger import keylet
from xpay.ledger.entries import RippleState
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


def check_freeze(
    view: ReadView, src: AccountID, dst: AccountID, currency: Currency, line: RippleState | bool | None = True
) -> TER:
    """terNO_LINE when value may not move from src to dst: the destination (as issuer) froze
    everything, or froze this line on its side. `line`, when the caller has read it already,
    is the src-dst line (None: there is none)."""
    account = view.read(keylet.account(dst))
    if account is not None and account.flags & lsfGlobalFreeze:
        return Ter.terNO_LINE
    if line is True:
        line = view.read(keylet.line(src, dst, currency))
    if isinstance(line, RippleState) and line.flags & (lsfHighFreeze if dst > src else lsfLowFreeze):
        return Ter.terNO_LINE
    return Tes.tesSUCCESS


def check_no_ripple(
    view: ReadView,
    prev: AccountID,
    cur: AccountID,
    nxt: AccountID,
    currency: Currency,
    line_out: RippleState | bool | None = True,
) -> TER:
    """terNO_RIPPLE when `cur` set NoRipple on both the line it receives on (from prev) and the
    line it would pay out on (to nxt, `line_out` when already read); terNO_LINE when either
    line is missing."""
    line_in = view.read(keylet.line(prev, cur, currency))
    if line_out is True:
        line_out = view.read(keylet.line(cur, nxt, currency))
    if line_in is None or not isinstance(line_out, RippleState):
        return Ter.terNO_LINE
    if line_in.flags & (lsfHighNoRipple if cur > prev else lsfLowNoRipple) and line_out.flags & (
        lsfHighNoRipple if cur > nxt else lsfLowNoRipple
    ):
        return Ter.terNO_RIPPLE
    return Tes.tesSUCCESS
