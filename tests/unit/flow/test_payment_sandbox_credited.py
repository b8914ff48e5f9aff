"""PaymentSandbox.credited: which account pairs a payment has credited, up the chain. The engine
skips the balance hook (and the amounts it would build) where nothing was credited, so the
answer must never miss a credit, whether recorded here, below, or committed from above."""

from __future__ import annotations

from tests.unit.flow.builder import LedgerBuilder, xrp
from xpay.ledger.payment_sandbox import PaymentSandbox
from xpay.ledger.transfers import ripple_send
from xpay.protocol.ter import Tes


def test_credited_sees_credits_in_the_whole_chain_and_only_those() -> None:
    b = LedgerBuilder()
    gw = b.account("gw", xrp(10000))
    alice = b.account("alice", xrp(10000))
    bob = b.account("bob", xrp(10000))
    carol = b.account("carol", xrp(10000))
    usd = b.issue("USD", gw)
    for who in (alice, bob, carol):
        b.trust(who, b.iou("USD", gw, 1000), balance="100")
    outer = PaymentSandbox(b.sb)
    inner = PaymentSandbox(outer)
    assert not inner.credited(alice, gw, usd.currency)
    assert ripple_send(outer, alice, bob, b.iou("USD", gw, 5))[0] == Tes.tesSUCCESS
    # Through the issuer: alice -> gw and gw -> bob, seen from below and from either side.
    for view in (outer, inner):
        assert view.credited(alice, gw, usd.currency) and view.credited(gw, alice, usd.currency)
        assert view.credited(bob, gw, usd.currency)
        assert not view.credited(carol, gw, usd.currency)
        assert not view.credited(alice, bob, usd.currency)
    # A credit recorded in a child reaches the parent when committed, not before.
    child = PaymentSandbox(outer)
    assert ripple_send(child, carol, alice, b.iou("USD", gw, 1))[0] == Tes.tesSUCCESS
    assert child.credited(carol, gw, usd.currency) and not outer.credited(carol, gw, usd.currency)
    child.apply()
    assert outer.credited(carol, gw, usd.currency)
    # Nothing credited: balance_hook returns the very amount it was given.
    fresh = PaymentSandbox(b.sb)
    amount = b.iou("USD", gw, 7)
    assert not fresh.credited(alice, gw, usd.currency)
    assert fresh.balance_hook(alice, gw, amount) is amount
