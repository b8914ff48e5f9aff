"""Regression tests for ledger verbs the payment engine relies on (fixed in xpay/ledger)."""

from __future__ import annotations

from tests.unit.flow.builder import LedgerBuilder, line_balance, xrp
from xpay.amounts import PARITY_RATE, Rate
from xpay.ledger import keylet
from xpay.ledger.funds import account_holds, transfer_rate
from xpay.ledger.payment_sandbox import PaymentSandbox
from xpay.ledger.transfers import account_send, ripple_send
from xpay.protocol.ter import Tes


def test_transfer_rate_is_a_rate_and_ripple_send_charges_it() -> None:
    """rippled's transferRate returns a Rate; a third-party IOU send pays it on top."""
    b = LedgerBuilder()
    gw = b.account("gw", xrp(10000), transfer_rate=1_250_000_000)
    plain = b.account("plain", xrp(10000))
    alice = b.account("alice", xrp(10000))
    bob = b.account("bob", xrp(10000))
    b.trust(alice, b.iou("USD", gw, 1000), balance="100")
    b.trust(bob, b.iou("USD", gw, 1000))
    assert transfer_rate(b.sb, gw) == Rate(1_250_000_000)
    assert transfer_rate(b.sb, plain) is PARITY_RATE
    ter, actual = ripple_send(b.sb, alice, bob, b.iou("USD", gw, 10))
    assert ter == Tes.tesSUCCESS
    assert actual == b.iou("USD", gw, "12.5")
    assert line_balance(b.sb, alice, b.issue("USD", gw)) == "87.5"
    assert line_balance(b.sb, bob, b.issue("USD", gw)) == "10"


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


def test_account_holds_without_a_line_still_sees_deferred_debits() -> None:
    """A line deleted during a payment: what was received and spent again on it stays spent
    (balanceHook is applied to the zero balance, as rippled's accountHolds does)."""
    b = LedgerBuilder()
    gw = b.account("gw", xrp(10000))
    alice = b.account("alice", xrp(10000))
    usd = b.issue("USD", gw)
    b.trust(alice, b.iou("USD", gw, 1000))
    psb = PaymentSandbox(b.sb)
    assert ripple_send(psb, gw, alice, b.iou("USD", gw, 10))[0] == Tes.tesSUCCESS
    assert ripple_send(psb, alice, gw, b.iou("USD", gw, 10))[0] == Tes.tesSUCCESS
    line = psb.read(keylet.line(alice, gw, usd.currency))
    assert line is not None
    psb.erase(line)
    held = account_holds(psb, alice, usd.currency, gw, zero_if_frozen=False)
    # Original balance 0, debits 10: the credit received in this payment does not count.
    assert held == b.iou("USD", gw, -10)
