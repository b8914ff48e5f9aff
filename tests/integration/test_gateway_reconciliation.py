"""Reconciliation and freezes on a real network: the book's `issued` account equals what the
issuing address owes on the ledger after deposits, withdrawals and transfers between customers
(the issuer's transfer fee booked as income); an IOU issued outside the gateway is a mismatch
that names its transaction, amount and holder; a frozen customer's balance is still owed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest

from gateways.gateway import GatewayApi, GatewayService
from gateways.gateway.errors import NotPermitted
from tests.integration.test_gateway_world import (
    DevnetProcess,
    book_snapshot,
    client,
    funded_gateway_config,
    ledger_snapshot,
    network,
    onboard,
    trust,
)
from xpay.client import (
    Payment,
    TransactionFailed,
    TrustSet,
    TrustSetFlag,
    Wallet,
    WebSocketClient,
    iou,
)

pytestmark = pytest.mark.integration
__all__ = ["client", "network"]  # fixtures used by this module


async def test_the_book_matches_the_ledger_after_deposits_withdrawals_and_transfers_with_fees(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    alice, bob = Wallet.generate(), Wallet.generate()
    config = await funded_gateway_config(client, network, tmp_path, alice, bob)
    async with GatewayService(config) as gateway:
        await onboard(client, gateway, "alice", alice)
        bob_tag = await onboard(client, gateway, "bob", bob)
        await gateway.deposit("w1", "alice", "USD", Decimal("333.33"))
        # Alice pays Bob 50 USD: the ledger takes 0.2 % more from her (the issuer's TransferRate).
        transfer = await client.submit_and_wait(
            Payment(account=alice.address, destination=bob.address, amount=iou("50", "USD", config.issuing.address),
                    send_max=iou("50.1", "USD", config.issuing.address)), alice)
        redeem = await client.submit_and_wait(
            Payment(account=bob.address, destination=config.issuing.address,
                    amount=iou("20", "USD", config.issuing.address), destination_tag=bob_tag), bob)
        report = await gateway.reconcile()
        assert report.ledger_index >= redeem.ledger_index  # type: ignore[operator]
        (usd,) = report.currencies
        assert (usd.on_ledger, usd.in_book, usd.matches) == (Decimal("313.23"), Decimal("313.23"), True)
        assert usd.gateway_balances == Decimal("313.23")
        assert report.exceptions == () and report.unknown_holders == ()
        (fee,) = gateway.book.journal(tx_hash=transfer.hash)
        assert (fee.kind, fee.debit, fee.credit, fee.amount) == ("transfer_fee", "issued", "transfer_fees",
                                                                 Decimal("0.1"))
        balances = await gateway.balances()
        assert balances["currencies"]["USD"]["transfer_fees"] == "0.1"
        assert balances["currencies"]["USD"]["obligations_on_ledger"] == "313.23"


async def test_an_iou_issued_outside_the_gateway_is_reported_precisely(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    alice, carol = Wallet.generate(), Wallet.generate()
    config = await funded_gateway_config(client, network, tmp_path, alice, carol)
    async with GatewayService(config) as gateway, GatewayApi(gateway, config.api) as api:
        await onboard(client, gateway, "alice", alice)
        await gateway.deposit("w1", "alice", "USD", Decimal(100))
        assert (await gateway.reconcile()).matches
        # Someone with the issuing key pays Carol, who is nobody's customer, outside the gateway.
        await trust(client, carol, config)
        await client.submit_and_wait(TrustSet(account=config.issuing.address,
                                              limit_amount=iou("0", "USD", carol.address),
                                              flags=TrustSetFlag.tfSetfAuth), config.issuing)
        rogue = await client.submit_and_wait(
            Payment(account=config.issuing.address, destination=carol.address,
                    amount=iou("25", "USD", config.issuing.address)), config.issuing)
        report = await gateway.reconcile()
        assert not report.matches
        (usd,) = report.currencies
        assert (usd.on_ledger, usd.in_book, usd.difference) == (Decimal(125), Decimal(100), Decimal(25))
        (exception,) = report.exceptions
        assert (exception.tx_hash, exception.ledger_index, exception.currency, exception.amount) == (
            rogue.hash, rogue.ledger_index, "USD", Decimal(25))
        assert "issued outside the gateway" in exception.description and carol.address in exception.description
        assert [(h.address, h.balance) for h in report.unknown_holders] == [(carol.address, Decimal(25))]
        assert gateway.book.journal(tx_hash=rogue.hash) == [], "an unexplained issuance is not booked"
        async with aiohttp.ClientSession() as http, http.get(f"{api.url}reconcile") as response:
            assert response.status == 200
            body = await response.json()
        assert body["matches"] is False
        assert body["currencies"][0]["difference"] == "25"
        assert body["exceptions"][0]["tx_hash"] == rogue.hash


async def test_a_frozen_customer_gets_no_deposits_can_only_redeem_and_is_still_owed(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    alice, bob = Wallet.generate(), Wallet.generate()
    config = await funded_gateway_config(client, network, tmp_path, alice, bob)
    async with GatewayService(config) as gateway:
        alice_tag = await onboard(client, gateway, "alice", alice)
        await onboard(client, gateway, "bob", bob)
        await gateway.deposit("w1", "alice", "USD", Decimal(100))
        frozen = await gateway.set_frozen("alice", "USD", True)
        assert frozen.frozen == {"USD"}
        (line,) = [line async for line in client.account_lines(alice.address, ledger_index="validated")]
        assert line.freeze_peer, "the issuer's freeze flag is on Alice's line"

        book_before = book_snapshot(config.book_path)
        ledger_before = await ledger_snapshot(client, config, alice.address)
        with pytest.raises(NotPermitted, match="frozen"):
            await gateway.deposit("w2", "alice", "USD", Decimal(1))
        assert book_snapshot(config.book_path) == book_before
        assert await ledger_snapshot(client, config, alice.address) == ledger_before

        with pytest.raises(TransactionFailed):
            await client.submit_and_wait(Payment(account=alice.address, destination=bob.address,
                                                 amount=iou("1", "USD", config.issuing.address),
                                                 send_max=iou("1.01", "USD", config.issuing.address)), alice)
        redeemed = await client.submit_and_wait(Payment(
            account=alice.address, destination=config.issuing.address, amount=iou("10", "USD", config.issuing.address),
            destination_tag=alice_tag), alice)
        report = await gateway.reconcile()
        assert report.matches and report.currencies[0].on_ledger == Decimal(90)
        assert gateway.withdrawal(redeemed.hash).customer_id == "alice"

        thawed = await gateway.set_frozen("alice", "USD", False)
        assert thawed.frozen == frozenset()
        assert (await gateway.deposit("w3", "alice", "USD", Decimal(1))).status == "validated"
