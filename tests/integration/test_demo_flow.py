"""The demo's whole flow on a real network: two gateways, a market maker, Alice pays Bob EUR 100 in
USD through the order book, and the figures the demo prints are the ledger's: what Bob received,
what Alice paid, each bank's transfer fee, the network fee; then a withdrawal, reconciliation of
both banks, and the market maker's offers cancelled."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from gateways.demo import run_walkthrough
from tests.integration.test_gateway_world import GENESIS_WALLET, DevnetProcess, client, network
from tests.support.node_process import GENESIS
from xpay.cli import main
from xpay.client import WebSocketClient

pytestmark = pytest.mark.integration
__all__ = ["client", "network"]  # fixtures used by this module


async def test_alice_pays_bob_eur_100_in_usd_through_the_market_makers_book(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    lines: list[str] = []
    result = await run_walkthrough(network.url, GENESIS_WALLET, tmp_path, out=lines.append,
                                   description="test devnet")
    payment = result.payment
    assert payment.engine_result == "tesSUCCESS"
    assert payment.delivered == Decimal(100)
    # The taker pays both issuers' fees: the book gives Bob's EUR 100 plus the EU bank's 0.1 %,
    # and Alice sends the maker's USD plus the US bank's 0.2 %.
    assert payment.eu_transfer_fee == Decimal("0.1")
    assert payment.market_maker_eur_paid == Decimal("100.1")
    assert abs(payment.us_transfer_fee - payment.market_maker_usd_received * Decimal("0.002")) < Decimal("1e-12")
    assert payment.source_paid == payment.market_maker_usd_received + payment.us_transfer_fee
    # The maker's best bid is 25 bps under 0.92 EUR per USD.
    assert abs(payment.market_maker_usd_received - Decimal("100.1") / (Decimal("0.92") * Decimal("0.9975"))) \
        < Decimal("1e-9")
    assert payment.source_paid <= payment.quoted_cost * Decimal("1.01")
    assert payment.network_fee_drops >= 10
    assert payment.path_found_by == "ripple_path_find"
    assert payment.quoted_cost == payment.source_paid, "the path's estimate is what the payment cost"
    assert "order book USD→EUR" in payment.path and payment.path.startswith("Alice") and payment.path.endswith("Bob")

    assert (result.withdrawal.customer_id, result.withdrawal.amount, result.withdrawal.status) == (
        "bob", Decimal(40), "credited")
    assert [report.matches for report in result.reconciliations] == [True, True]
    assert result.offers_cancelled == 4

    tx = await client.tx(payment.tx_hash)
    assert tx.validated and tx.delivered_amount is not None
    text = "\n".join(lines)
    for expected in ("delivered to Bob           EUR 100", "Alice paid                 USD ",
                     "network fee", "US Bank transfer fee", "EU Bank transfer fee", "settlement time",
                     "match", "cancels its 4 offers"):
        assert expected in text, expected
    assert "MISMATCH" not in text


def test_bad_demo_arguments_are_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    for argv, named in (
        (["demo", "--genesis-seed", "sEdNotASeed"], "--genesis-seed"),
        (["demo", "--url", "gopher://x"], "--url"),
        (["demo", "--validators", "0"], "--validators"),
        (["demo", "--close-interval", "0"], "--close-interval"),
    ):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("xpay: error:") and named in err and len(err.splitlines()) == 1, err


@pytest.mark.slow
async def test_xpay_demo_runs_on_its_own_devnet(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "xpay.cli", "demo", "--close-interval", "0.25", "--genesis-seed", GENESIS.seed,
        "--data-dir", str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    async with asyncio.timeout(110):
        stdout, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()[-2000:]
    text = stdout.decode()
    assert "in-process devnet: 4 validators reaching consensus" in text
    assert "delivered to Bob           EUR 100" in text
    assert "MISMATCH" not in text and text.rstrip().splitlines()[-1].startswith("Done in")
