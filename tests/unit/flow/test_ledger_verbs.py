"""Regression tests for ledger verbs the payment engine relies on (fixed in xpay/ledger)."""

from __future__ import annotations

from tests.unit.flow.builder import LedgerBuilder, xrp
from xpay.ledger.transfers import account_send
from xpay.protocol.ter import Tes


def test_account_send_of_iou_to_self_or_of_zero_is_a_no_op() -> None:
    """An offer owned by the issuer of what it receives is paid by the issuer to itself: nothing
    moves, and no line from an account to itself may be created."""
    b = LedgerBuilder()
    gw = b.account("gw", xrp(10000))
    other = b.account("other", xrp(300))
    before = dict(b.sb.items)
    assert account_send(b.sb, gw, gw, b.iou("USD", gw, 5)) == Tes.tesSUCCESS
    assert account_send(b.sb, gw, other, b.iou("USD", gw, 0)) == Tes.tesSUCCESS
    assert b.sb.items == before


