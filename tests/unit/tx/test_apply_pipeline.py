"""The apply pipeline's own rules, driven with small transactors written for the test: the one
catch-all (tefEXCEPTION), invariant failures (tecINVARIANT_FAILED: fee only), what survives a tec
(Outcome.removable_offers), retry and hard-fail passes, DeliveredAmount."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.env import XRP, Env
from xpay.amounts import STAmount, XRPAmount
from xpay.ledger import keylet
from xpay.ledger.directory import dir_add
from xpay.ledger.entries import Offer
from xpay.ledger.transfers import adjust_owner_count, describe_owner_dir
from xpay.ledger.views import OpenView, Sandbox
from xpay.protocol.flags import tfUniversalMask
from xpay.protocol.ids import Hash256
from xpay.protocol.ter import TER, Tec, Tef, Tes
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.apply import ApplyResult, run_transactor
from xpay.tx.context import ApplyContext, ApplyFlags, Outcome, PreclaimContext, PreflightContext
from xpay.tx.transactor import Transactor

FEE = 10


def _record(do_apply: Callable[[ApplyContext], TER | Outcome]) -> Transactor:
    def preflight(ctx: PreflightContext) -> Tes:
        return Tes.tesSUCCESS

    def preclaim(ctx: PreclaimContext) -> Tes:
        return Tes.tesSUCCESS

    return Transactor("Test", TransactionType.Payment, tfUniversalMask, preflight, preclaim, do_apply)


@pytest.fixture
def env() -> Env:
    env = Env()
    env.fund(XRP(1000), "alice", "bob")
    env.close()
    return env


def _run(env: Env, transactor: Transactor, view: OpenView | None = None, flags: ApplyFlags = ApplyFlags.tapNONE) -> ApplyResult:
    tx = env.tx({"TransactionType": TransactionType.Payment, "Account": "alice", "Destination": "bob", "Amount": XRP(1)})
    return run_transactor(view if view is not None else env.open, tx, env.rules, transactor, flags, env.signatures)


def test_exception_in_a_transactor_is_tef_exception_and_changes_nothing(env: Env) -> None:
    def explode(ctx: ApplyContext) -> TER:
        raise ZeroDivisionError("a bug")

    with env.expect_no_change():
        outcome = _run(env, _record(explode))
    assert outcome == ApplyResult(Tef.tefEXCEPTION, False)


def _create_xrp(ctx: ApplyContext) -> TER:
    bob = ctx.view.read(keylet.account(ctx.tx.fields["Destination"]))
    assert bob is not None
    ctx.view.update(bob._replace(balance=XRPAmount(bob.balance.drops + 1)))  # out of thin air
    return Tes.tesSUCCESS


def test_xrp_created_is_tec_invariant_failed_and_only_the_fee_is_taken(env: Env) -> None:
    with env.expect_fee_only("alice"):
        outcome = _run(env, _record(_create_xrp))
    assert outcome.result is Tec.tecINVARIANT_FAILED and outcome.applied


def test_negative_balance_is_caught(env: Env) -> None:
    def overdraw(ctx: ApplyContext) -> TER:
        alice = ctx.view.read(keylet.account(ctx.tx.account))
        bob = ctx.view.read(keylet.account(ctx.tx.fields["Destination"]))
        assert alice is not None and bob is not None
        amount = alice.balance.drops + 1
        ctx.view.update(alice._replace(balance=XRPAmount(-1)))
        ctx.view.update(bob._replace(balance=XRPAmount(bob.balance.drops + amount)))
        return Tes.tesSUCCESS

    with env.expect_fee_only("alice"):
        assert _run(env, _record(overdraw)).result is Tec.tecINVARIANT_FAILED


def test_owner_count_without_an_object_is_caught(env: Env) -> None:
    def phantom(ctx: ApplyContext) -> TER:
        alice = ctx.view.read(keylet.account(ctx.tx.account))
        assert alice is not None
        adjust_owner_count(ctx.view, alice, 1)
        return Tes.tesSUCCESS

    with env.expect_fee_only("alice"):
        assert _run(env, _record(phantom)).result is Tec.tecINVARIANT_FAILED


def test_tec_in_a_retry_pass_is_not_applied(env: Env) -> None:
    def unfunded(ctx: ApplyContext) -> TER:
        return Tec.tecUNFUNDED_PAYMENT

    with env.expect_no_change():
        outcome = _run(env, _record(unfunded), flags=ApplyFlags.tapRETRY)
    assert outcome == ApplyResult(Tec.tecUNFUNDED_PAYMENT, False)
    with env.expect_no_change():
        assert not _run(env, _record(unfunded), flags=ApplyFlags.tapFAIL_HARD).applied
    with env.expect_fee_only("alice"):
        assert _run(env, _record(unfunded)).applied


def test_tec_killed_claims_the_fee_even_in_a_retry_pass(env: Env) -> None:
    def killed(ctx: ApplyContext) -> TER:
        return Tec.tecKILLED

    with env.expect_fee_only("alice"):
        outcome = _run(env, _record(killed), flags=ApplyFlags.tapRETRY)
    assert outcome.applied and outcome.result is Tec.tecKILLED


def _place_offer(env: Env, owner: str) -> Offer:
    """An offer written straight into the open ledger with the ledger's own verbs."""
    account = env.account(owner).account_id
    sandbox = Sandbox(env.open)
    root = sandbox.read(keylet.account(account))
    assert root is not None
    key = keylet.offer(account, root.sequence).key
    usd = env.iou("bob", "USD")
    book = keylet.quality(keylet.book_base(XRP(1).issue, usd.issue), 1 << 60)
    owner_node = dir_add(sandbox, keylet.owner_dir(account), key, describe_owner_dir(account), preserve_order=False)
    book_node = dir_add(sandbox, book, key, lambda node: node, preserve_order=True)
    assert owner_node is not None and book_node is not None
    offer = Offer(
        key=key, account=account, sequence=root.sequence, taker_pays=XRP(10), taker_gets=usd(1),
        book_directory=book.key, book_node=book_node, owner_node=owner_node,
    )
    sandbox.insert(offer)
    adjust_owner_count(sandbox, root, 1)
    sandbox.apply()
    return offer


def test_removable_offers_survive_the_tec(env: Env) -> None:
    """Transactor::operator(): offers the transactor found unfunded are deleted after the
    reset, with their reserve, even though the result is a tec."""
    offer = _place_offer(env, "bob")
    assert env.owner_count("bob") == 1

    def kill(ctx: ApplyContext) -> Outcome:
        return Outcome(Tec.tecKILLED, removable_offers=frozenset({Hash256(offer.key)}))

    outcome = _run(env, _record(kill))
    assert outcome.applied and outcome.result is Tec.tecKILLED
    assert env.open.read(keylet.Keylet(Offer, offer.key)) is None
    assert env.owner_count("bob") == 0
    assert env.offers("bob") == []


def test_delivered_amount_goes_in_the_metadata(env: Env) -> None:
    def deliver(ctx: ApplyContext) -> Outcome:
        return Outcome(Tes.tesSUCCESS, delivered=STAmount.from_drops(7))

    view = env.ledger.open_view(build=True)
    outcome = _run(env, _record(deliver), view=view)
    assert outcome.applied and outcome.metadata is not None
    assert outcome.metadata["DeliveredAmount"] == STAmount.from_drops(7)
    assert outcome.metadata["TransactionIndex"] == 0


def test_open_ledger_records_no_metadata(env: Env) -> None:
    outcome = env.pay("alice", "bob", XRP(1))
    assert outcome.metadata is None
    ((blob, meta),) = env.open.txs.values()
    assert meta is None and blob


def test_fee_is_burned_once(env: Env) -> None:
    before = env.open.destroyed_drops
    env.pay("alice", "bob", XRP(1))
    assert env.open.destroyed_drops == before + FEE
