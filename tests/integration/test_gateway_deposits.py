"""Deposits on a real network: a request id pays at most once, however often it is retried, and
whatever a restart interrupts — the signed payment is stored before it is submitted, resubmitted
after a restart, and only re-signed once the ledger proves the first can never apply."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest

from gateways.gateway import GatewayApi, GatewayService
from gateways.gateway.book import Book
from gateways.gateway.errors import Conflict
from tests.integration.test_gateway_world import (
    DevnetProcess,
    client,
    funded_gateway_config,
    network,
    onboard,
)
from xpay.client import Payment, TransactionRecord, Wallet, WebSocketClient, iou

pytestmark = pytest.mark.integration
__all__ = ["client", "network"]  # fixtures used by this module


async def payments_to(client: WebSocketClient, sender: str, destination: str) -> list[TransactionRecord]:
    """Every validated successful Payment from `sender` to `destination`."""
    return [
        record async for record in client.account_tx(sender, forward=True)
        if record.transaction_type == "Payment" and record.tx_json.get("Destination") == destination
        and record.succeeded
    ]


async def usd_balance(client: WebSocketClient, holder: Wallet, issuer: str) -> Decimal:
    async for line in client.account_lines(holder.address, peer=issuer, ledger_index="validated"):
        if line.currency == "USD":
            return line.balance
    return Decimal(0)


async def test_a_deposit_retried_three_times_over_the_api_issues_once(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    alice = Wallet.generate()
    config = await funded_gateway_config(client, network, tmp_path, alice)
    async with GatewayService(config) as gateway, GatewayApi(gateway, config.api) as api:
        await onboard(client, gateway, "alice", alice)
        body = {"request_id": "wire-0001", "customer_id": "alice", "currency": "USD", "amount": "125.50"}
        async with aiohttp.ClientSession() as http:
            async def post() -> tuple[int, dict[str, object]]:
                async with http.post(f"{api.url}deposits", json=body) as response:
                    return response.status, await response.json()

            # Three at once (a client that timed out and retried twice), then once more later.
            concurrent = await asyncio.gather(post(), post(), post())
            late = await post()
        answers = [*concurrent, late]
        assert [status for status, _ in answers] == [200, 200, 200, 200]
        assert {answer["status"] for _, answer in answers} == {"validated"}
        assert len({answer["tx_hash"] for _, answer in answers}) == 1, "every retry names the same payment"
        deposit = gateway.deposit_status("wire-0001")
        assert deposit.submissions == 1
        entries = [entry for entry in gateway.book.journal() if entry.request_id == "wire-0001"]
        assert [(e.kind, e.debit, e.credit, e.amount) for e in entries] == [("deposit", "bank", "issued", Decimal("125.5"))]

    paid = await payments_to(client, config.operational.address, alice.address)
    assert [record.hash for record in paid] == [deposit.tx_hash]
    assert await usd_balance(client, alice, config.issuing.address) == Decimal("125.5")


@pytest.mark.slow
async def test_a_request_id_reused_for_another_deposit_is_a_conflict_and_changes_nothing(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    alice = Wallet.generate()
    config = await funded_gateway_config(client, network, tmp_path, alice)
    async with GatewayService(config) as gateway:
        await onboard(client, gateway, "alice", alice)
        first = await gateway.deposit("wire-7", "alice", "USD", Decimal(10))
        assert first.status == "validated"
        with pytest.raises(Conflict) as other_amount:
            await gateway.deposit("wire-7", "alice", "USD", Decimal(11), wait=0)
        with pytest.raises(Conflict) as other_customer:
            await gateway.deposit("wire-7", "bob", "USD", Decimal(10), wait=0)
        assert other_amount.value.field == other_customer.value.field == "request_id"
        assert "10 USD to customer 'alice'" in other_amount.value.message
        assert gateway.deposit_status("wire-7") == first
    assert await usd_balance(client, alice, config.issuing.address) == Decimal(10)


async def test_a_deposit_interrupted_by_a_restart_is_paid_once(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    alice = Wallet.generate()
    config = await funded_gateway_config(client, network, tmp_path, alice)
    async with GatewayService(config) as gateway:
        await onboard(client, gateway, "alice", alice)
        started = await gateway.deposit("wire-9", "alice", "USD", Decimal(40), wait=0)
        assert started.status in ("received", "submitted")
    # The gateway stopped wherever the payment was: not signed, signed, submitted, or applied.
    async with GatewayService(config) as gateway:
        final = await gateway.deposit("wire-9", "alice", "USD", Decimal(40))
        assert final.status == "validated"
        assert final.submissions == 1
    paid = await payments_to(client, config.operational.address, alice.address)
    assert [record.hash for record in paid] == [final.tx_hash]
    assert await usd_balance(client, alice, config.issuing.address) == Decimal(40)


async def test_a_signed_payment_stored_before_a_crash_is_resubmitted_not_signed_again(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    """The state a crash between storing the signed blob and submitting it leaves behind."""
    alice = Wallet.generate()
    config = await funded_gateway_config(client, network, tmp_path, alice)
    async with GatewayService(config) as gateway:
        tag = await onboard(client, gateway, "alice", alice)
        first = await gateway.deposit("first", "alice", "USD", Decimal(1))  # the operational float is in place
    book = Book.open(config.book_path, config.issuing.address)
    try:
        book.create_deposit("wire-crash", "alice", "USD", Decimal(7))
        payment = await client.autofill(Payment(
            account=config.operational.address, destination=alice.address, amount=iou("7", "USD", config.issuing.address),
            send_max=iou("7.014", "USD", config.issuing.address), destination_tag=tag,
        ))
        signed = config.operational.sign(payment)
        assert payment.last_ledger_sequence is not None
        book.deposit_signed("wire-crash", signed.hash, signed.tx_blob, payment.last_ledger_sequence)
    finally:
        book.close()
    async with GatewayService(config) as gateway:
        final = await gateway.deposit("wire-crash", "alice", "USD", Decimal(7))
    assert (final.status, final.tx_hash, final.submissions) == ("validated", signed.hash, 1)
    paid = await payments_to(client, config.operational.address, alice.address)
    assert [record.hash for record in paid] == [first.tx_hash, signed.hash]


@pytest.mark.slow
async def test_a_stored_payment_that_expired_unapplied_is_signed_again_once(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    """A blob whose LastLedgerSequence passed before it was ever submitted can never apply: only
    then does the gateway sign a second payment for the request."""
    alice = Wallet.generate()
    config = await funded_gateway_config(client, network, tmp_path, alice)
    async with GatewayService(config) as gateway:
        tag = await onboard(client, gateway, "alice", alice)
    validated = await client.validated_ledger_index()
    book = Book.open(config.book_path, config.issuing.address)
    try:
        book.create_deposit("wire-late", "alice", "USD", Decimal(3))
        payment = await client.autofill(Payment(
            account=config.operational.address, destination=alice.address, amount=iou("3", "USD", config.issuing.address),
            send_max=iou("3.006", "USD", config.issuing.address), destination_tag=tag,
        ).with_fields(last_ledger_sequence=validated))
        stale = config.operational.sign(payment)
        book.deposit_signed("wire-late", stale.hash, stale.tx_blob, validated)
    finally:
        book.close()
    async with GatewayService(config) as gateway:
        final = await gateway.deposit("wire-late", "alice", "USD", Decimal(3))
    assert final.status == "validated"
    assert final.submissions == 2 and final.tx_hash != stale.hash
    paid = await payments_to(client, config.operational.address, alice.address)
    assert [record.hash for record in paid] == [final.tx_hash]
    assert await usd_balance(client, alice, config.issuing.address) == Decimal(3)
