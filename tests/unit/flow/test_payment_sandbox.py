"""PaymentSandbox: deferred credits and the owner-count high-water mark (rippled's
PaymentSandbox_test scenarios, on ledgers built directly)."""

from __future__ import annotations

from tests.unit.flow.builder import LedgerBuilder, line_balance, xrp
from xpay.amounts import XRP_ISSUE, STAmount
from xpay.ledger import keylet
from xpay.ledger.funds import account_holds, xrp_liquid
from xpay.ledger.payment_sandbox import PaymentSandbox
from xpay.ledger.transfers import account_send, adjust_owner_count, ripple_send
from xpay.ledger.views import Sandbox
from xpay.protocol.ter import Tes


def _setup() -> tuple[LedgerBuilder, bytes, bytes, bytes]:
    b = LedgerBuilder()
    gw = b.account("gw", xrp(10000))
    alice = b.account("alice", xrp(10000))
    bob = b.account("bob", xrp(10000))
    b.trust(alice, b.iou("USD", gw, 1000), balance="100")
    b.trust(bob, b.iou("USD", gw, 1000), balance="100")
    return b, gw, alice, bob


def _holds(view: Sandbox, who: bytes, b: LedgerBuilder, gw: bytes) -> str:
    return account_holds(view, who, b.issue("USD", gw).currency, gw, zero_if_frozen=False).value_text()  # type: ignore[arg-type]


def test_credits_received_in_the_payment_cannot_be_spent() -> None:
    """bob receives 50 USD from alice: the ledger shows 150, but within the payment bob may
    still spend only the 100 he had (rippled's deferred credits)."""
    b, gw, alice, bob = _setup()
    psb = PaymentSandbox(b.sb)
    assert ripple_send(psb, alice, bob, b.iou("USD", gw, 50))[0] == Tes.tesSUCCESS
    assert line_balance(psb, bob, b.issue("USD", gw)) == "150"
    assert _holds(psb, bob, b, gw) == "100"
    assert _holds(psb, alice, b, gw) == "50"
    # Outside the payment (a plain sandbox) the credit is ordinary.
    plain = Sandbox(b.sb)
    assert ripple_send(plain, alice, bob, b.iou("USD", gw, 50))[0] == Tes.tesSUCCESS
    assert _holds(plain, bob, b, gw) == "150"


def test_spending_then_receiving_back_does_not_restore_funds() -> None:
    """alice pays bob 100 (all she had) and bob pays her 100 back: alice may spend nothing more
    in the same payment, the ledger notwithstanding."""
    b, gw, alice, bob = _setup()
    psb = PaymentSandbox(b.sb)
    ripple_send(psb, alice, bob, b.iou("USD", gw, 100))
    ripple_send(psb, bob, alice, b.iou("USD", gw, 100))
    assert line_balance(psb, alice, b.issue("USD", gw)) == "100"
    assert _holds(psb, alice, b, gw) == "0"


def test_nested_payment_sandboxes_see_the_parents_credits_and_merge_on_apply() -> None:
    """A child payment sandbox counts its parents' deferred credits; applying it merges its
    credits into the parent, which keeps the original balance it recorded first."""
    b, gw, alice, bob = _setup()
    parent = PaymentSandbox(b.sb)
    ripple_send(parent, alice, bob, b.iou("USD", gw, 30))
    child = PaymentSandbox(parent)
    ripple_send(child, alice, bob, b.iou("USD", gw, 20))
    assert _holds(child, bob, b, gw) == "100"
    assert _holds(child, alice, b, gw) == "50"
    assert _holds(parent, alice, b, gw) == "70"
    child.apply()
    assert _holds(parent, alice, b, gw) == "50"
    assert _holds(parent, bob, b, gw) == "100"
    assert line_balance(parent, bob, b.issue("USD", gw)) == "150"


def test_discarded_child_leaves_the_parent_untouched() -> None:
    b, gw, alice, bob = _setup()
    parent = PaymentSandbox(b.sb)
    child = PaymentSandbox(parent)
    ripple_send(child, alice, bob, b.iou("USD", gw, 20))
    child.discard()
    assert _holds(parent, alice, b, gw) == "100"
    assert not parent.items


def test_xrp_received_is_deferred_and_a_negative_result_is_zero() -> None:
    """XRP credited in the payment is not liquid; a credit followed by a larger debit computes a
    negative balance, reported as zero."""
    b, _gw, alice, bob = _setup()
    psb = PaymentSandbox(b.sb)
    before = xrp_liquid(psb, bob).drops
    assert account_send(psb, alice, bob, xrp(100)) == Tes.tesSUCCESS
    assert xrp_liquid(psb, bob).drops == before
    root = psb.read(keylet.account(bob))
    assert root is not None
    hooked = psb.balance_hook(bob, XRP_ISSUE.account, STAmount.from_xrp(root.balance))
    assert hooked.mantissa == 10_000_000_000
    # Spending more than the original balance (only possible with the credit): zero, not negative.
    assert account_send(psb, bob, alice, xrp(10050)) == Tes.tesSUCCESS
    root = psb.read(keylet.account(bob))
    assert root is not None
    assert psb.balance_hook(bob, XRP_ISSUE.account, STAmount.from_xrp(root.balance)).mantissa == 0


def test_owner_count_hook_reports_the_highest_count_reached() -> None:
    """Freeing an object during the payment does not free its reserve for the same payment."""
    b, _gw, alice, _bob = _setup()
    psb = PaymentSandbox(b.sb)
    root = psb.read(keylet.account(alice))
    assert root is not None and root.owner_count == 1
    root = adjust_owner_count(psb, root, 2)
    root = adjust_owner_count(psb, root, -3)
    assert root.owner_count == 0
    assert psb.owner_count_hook(alice, 0) == 3
    child = PaymentSandbox(psb)
    assert child.owner_count_hook(alice, 0) == 3
    adjust_owner_count(child, root, 5)
    child.apply()
    assert psb.owner_count_hook(alice, 0) == 5
