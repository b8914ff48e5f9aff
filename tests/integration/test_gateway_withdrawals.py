"""Withdrawals on a real network: a customer's payment to the issuing or operational address,
carrying its DestinationTag, is credited to the bank's book exactly once — when the gateway was
down while it was validated, when it crashed after booking it but before moving its cursor, and
when a real `xpay gateway` process is killed (SIGKILL) while withdrawals stream in."""

from __future__ import annotations

import asyncio
import selectors
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest

from gateways.gateway import GatewayConfig, GatewayService
from gateways.gateway.command import READY_LINE
from tests.integration.test_gateway_world import (
    DevnetProcess,
    book_snapshot,
    client,
    funded_gateway_config,
    kill,
    network,
    onboard,
    trust,
)
from tests.support.ports import free_port
from xpay.client import Payment, PaymentFlag, TransactionRecord, Wallet, WebSocketClient, iou

pytestmark = pytest.mark.integration
__all__ = ["client", "network"]  # fixtures used by this module


async def withdraw(client: WebSocketClient, wallet: Wallet, destination: str, config: GatewayConfig, amount: str,
                   tag: int | None, send_max: str | None = None) -> TransactionRecord:
    return await client.submit_and_wait(
        Payment(account=wallet.address, destination=destination, amount=iou(amount, "USD", config.issuing.address),
                send_max=None if send_max is None else iou(send_max, "USD", config.issuing.address),
                destination_tag=tag),
        wallet,
    )


def ledger_tables(path: Path) -> dict[str, object]:
    snapshot = book_snapshot(path)
    return {name: snapshot[name] for name in ("journal", "withdrawals", "balances", "ledger_transactions")}


async def test_withdrawals_validated_while_the_gateway_was_down_are_credited_once_after_it_restarts(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    alice = Wallet.generate()
    config = await funded_gateway_config(client, network, tmp_path, alice)
    async with GatewayService(config) as gateway:
        tag = await onboard(client, gateway, "alice", alice)
        await gateway.deposit("wire-1", "alice", "USD", Decimal(100))
    # The gateway is down: Alice redeems at both of its addresses.
    to_issuing = await withdraw(client, alice, config.issuing.address, config, "30", tag)
    # Paying the operational address costs the sender the issuer's transfer fee: SendMax covers it.
    to_operational = await withdraw(client, alice, config.operational.address, config, "20", tag, send_max="20.04")
    async with GatewayService(config) as gateway:
        cursor = gateway.book.cursor()
        assert cursor is not None and cursor >= to_operational.ledger_index  # type: ignore[operator]
        credited = {w.tx_hash: (w.customer_id, w.amount, w.status) for w in gateway.withdrawals("alice")}
        assert credited == {to_issuing.hash: ("alice", Decimal(30), "credited"),
                            to_operational.hash: ("alice", Decimal(20), "credited")}
        assert gateway.book.balance("customer:alice", "USD") == Decimal(50)
        # To the operational address, the issuer's transfer fee applies (it is not the issuer).
        assert gateway.book.balance("transfer_fees", "USD") == Decimal("0.04")
        report = await gateway.reconcile()
        assert report.matches, report.to_json()
        before = ledger_tables(config.book_path)
    async with GatewayService(config) as gateway:
        await gateway.follower.sync()
    assert ledger_tables(config.book_path) == before, "a second restart books nothing again"


async def test_a_crash_after_booking_but_before_moving_the_cursor_books_nothing_twice(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    alice = Wallet.generate()
    config = await funded_gateway_config(client, network, tmp_path, alice)
    async with GatewayService(config) as gateway:
        tag = await onboard(client, gateway, "alice", alice)
        deposit = await gateway.deposit("wire-1", "alice", "USD", Decimal(100))
        record = await withdraw(client, alice, config.issuing.address, config, "12.5", tag)
        assert record.ledger_index is not None
        await gateway.follower.wait_for(record.ledger_index)
        assert gateway.withdrawal(record.hash).amount == Decimal("12.5")
    before = ledger_tables(config.book_path)
    # What a crash between booking and moving the cursor leaves: bookings ahead of the cursor.
    assert deposit.ledger_index is not None
    with sqlite3.connect(config.book_path) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'ledger_cursor'", (str(deposit.ledger_index - 1),))
    async with GatewayService(config) as gateway:
        assert gateway.book.cursor() is not None and gateway.book.cursor() >= record.ledger_index  # type: ignore[operator]
        assert [w.tx_hash for w in gateway.withdrawals()] == [record.hash]
        assert len(gateway.book.journal(tx_hash=record.hash)) == 1
        assert (await gateway.reconcile()).matches
    assert ledger_tables(config.book_path) == before


async def test_an_unknown_destination_tag_goes_to_suspense_and_a_partial_payment_counts_what_it_delivered(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    alice = Wallet.generate()
    config = await funded_gateway_config(client, network, tmp_path, alice)
    async with GatewayService(config) as gateway:
        tag = await onboard(client, gateway, "alice", alice)
        await gateway.deposit("wire-1", "alice", "USD", Decimal(100))
        stray = await withdraw(client, alice, config.issuing.address, config, "5", 987654)
        # A partial payment names 1,000 USD but can only deliver what SendMax allows.
        partial = await client.submit_and_wait(
            Payment(account=alice.address, destination=config.issuing.address,
                    amount=iou("1000", "USD", config.issuing.address), send_max=iou("7", "USD", alice.address),
                    destination_tag=tag, flags=PaymentFlag.tfPartialPayment),
            alice,
        )
        await gateway.follower.wait_for(partial.ledger_index)  # type: ignore[arg-type]
        unattributed = gateway.withdrawal(stray.hash)
        assert (unattributed.status, unattributed.customer_id, unattributed.destination_tag, unattributed.amount) == (
            "unattributed", None, 987654, Decimal(5))
        assert gateway.book.balance("suspense", "USD") == Decimal(5)
        assert gateway.withdrawal(partial.hash).amount == Decimal(7)
        assert gateway.book.balance("customer:alice", "USD") == Decimal(7)
        assert (await gateway.reconcile()).matches


# --- a real gateway process, killed -------------------------------------------------------------


def write_config(path: Path, config: GatewayConfig, port: int) -> None:
    path.write_text(f"""
name = "Killed Bank"
currencies = ["USD"]
book = "{config.book_path}"

[node]
url = "{config.node_url}"

[issuing]
seed = "{config.issuing.seed}"
transfer_rate = {config.transfer_rate}
require_auth = true

[operational]
seed = "{config.operational.seed}"
float = "10000"

[api]
port = {port}
""")


class GatewayProcess:
    def __init__(self, config_path: Path, port: int) -> None:
        self.config_path = config_path
        self.url = f"http://127.0.0.1:{port}/"
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        log = self.config_path.with_suffix(".log").open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "xpay.cli", "gateway", "--config", str(self.config_path)],
            stdout=subprocess.PIPE, stderr=log, text=True,
        )
        log.close()
        assert self.process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and selector.select(timeout=deadline - time.monotonic()):
                line = self.process.stdout.readline()
                if not line:
                    raise RuntimeError(f"xpay gateway exited with {self.process.wait()}")
                if line.startswith(READY_LINE):
                    return
        raise RuntimeError("xpay gateway was not ready in time")

    def kill(self) -> None:
        assert self.process is not None
        kill(self.process)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

    def terminate(self) -> int:
        assert self.process is not None
        self.process.terminate()
        status = self.process.wait(timeout=30)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None
        return status


@pytest.mark.slow
async def test_a_gateway_process_killed_while_withdrawals_stream_in_credits_each_exactly_once(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    customers = [Wallet.generate() for _ in range(4)]
    config = await funded_gateway_config(client, network, tmp_path, *customers)
    port = free_port()
    write_config(tmp_path / "gateway.toml", config, port)
    gateway = GatewayProcess(tmp_path / "gateway.toml", port)
    gateway.start()
    tags: dict[str, int] = {}
    async with aiohttp.ClientSession() as http:
        async def call(method: str, path: str, body: dict[str, object] | None = None) -> dict[str, object]:
            async with http.request(method, gateway.url + path, json=body) as response:
                assert response.status in (200, 201), await response.text()
                answer: dict[str, object] = await response.json()
                return answer

        for index, wallet in enumerate(customers):
            await trust(client, wallet, config)
            registered = await call("POST", "customers", {"customer_id": f"c{index}", "address": wallet.address})
            tags[wallet.address] = int(registered["destination_tag"])  # type: ignore[call-overload]
            await call("POST", f"customers/c{index}/approve")
            await call("POST", "deposits", {"request_id": f"d{index}", "customer_id": f"c{index}",
                                            "currency": "USD", "amount": "100"})

        # Withdrawals stream in; the gateway is killed while they do, and is down for some.
        async def redeem(wallet: Wallet, amount: str) -> TransactionRecord:
            return await withdraw(client, wallet, config.issuing.address, config, amount, tags[wallet.address])

        first = await asyncio.gather(*(redeem(wallet, "10") for wallet in customers))
        # Killed as soon as the first round is validated: it may be in the middle of booking it.
        gateway.kill()
        second = await asyncio.gather(*(redeem(wallet, "5") for wallet in customers))
        gateway.start()
        try:
            report = await call("GET", "reconcile")
            listed = await call("GET", "withdrawals")
            journal = await call("GET", "journal")
        finally:
            assert gateway.terminate() == 0
    assert report["matches"] is True, report
    hashes = [record.hash for record in (*first, *second)]
    withdrawals = listed["withdrawals"]
    assert isinstance(withdrawals, list)
    assert sorted(item["tx_hash"] for item in withdrawals) == sorted(hashes)
    entries = journal["entries"]
    assert isinstance(entries, list)
    per_tx = [entry["tx_hash"] for entry in entries if entry["kind"] == "withdrawal"]
    assert sorted(per_tx) == sorted(hashes), "one journal entry per withdrawal, none twice"
