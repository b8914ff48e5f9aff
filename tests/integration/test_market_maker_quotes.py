"""The market maker on a real network: its two-sided ladder is in the order books at the prices the
reference rate implies, follows the rate when it moves (each offer replaced through
OfferSequence), re-quotes a filled offer within its inventory limits, pulls its quotes when the
rate goes stale, and cancels everything when it stops — in-process and as an `xpay market-maker`
process stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from gateways.decimal_amounts import amount_value
from gateways.market_maker import (
    FileRate,
    InventoryLimits,
    Level,
    MarketMaker,
    MarketMakerConfig,
    QuoteState,
)
from gateways.market_maker.command import READY_LINE
from gateways.submission import submit_batch
from tests.integration.test_gateway_world import DevnetProcess, client, fund, network
from xpay.amounts import Issue
from xpay.client import (
    AccountSet,
    AccountSetAsfFlag,
    Payment,
    TrustSet,
    Wallet,
    WebSocketClient,
    iou,
    issue,
)

pytestmark = pytest.mark.integration
__all__ = ["client", "network"]  # fixtures used by this module


@dataclass
class Market:
    usd: Issue
    eur: Issue
    usd_issuer: Wallet
    eur_issuer: Wallet
    maker: Wallet


async def market(client: WebSocketClient, *, usd: str, eur: str, others: tuple[Wallet, ...] = ()) -> Market:
    """Two plain issuers (DefaultRipple, no fees) and a maker holding `usd` and `eur`."""
    usd_issuer, eur_issuer, maker = Wallet.generate(), Wallet.generate(), Wallet.generate()
    await fund(client, usd_issuer, eur_issuer, maker, *others)
    # DefaultRipple before any trust line: a line created while its issuer lacks it gets NoRipple
    # on the issuer's side, and nothing could ripple through the issuer (no crossing, no path).
    async with asyncio.TaskGroup() as group:
        for issuer in (usd_issuer, eur_issuer):
            group.create_task(client.submit_and_wait(
                AccountSet(account=issuer.address, set_flag=AccountSetAsfFlag.asfDefaultRipple), issuer))
    async with asyncio.TaskGroup() as group:
        for holder in (maker, *others):
            group.create_task(submit_batch(client, holder, [
                TrustSet(account=holder.address, limit_amount=iou("1000000", "USD", usd_issuer.address)),
                TrustSet(account=holder.address, limit_amount=iou("1000000", "EUR", eur_issuer.address)),
            ]))
    async with asyncio.TaskGroup() as group:
        group.create_task(client.submit_and_wait(Payment(
            account=usd_issuer.address, destination=maker.address, amount=iou(usd, "USD", usd_issuer.address)),
            usd_issuer))
        group.create_task(client.submit_and_wait(Payment(
            account=eur_issuer.address, destination=maker.address, amount=iou(eur, "EUR", eur_issuer.address)),
            eur_issuer))
    return Market(issue("USD", usd_issuer.address), issue("EUR", eur_issuer.address), usd_issuer, eur_issuer, maker)


def maker_config(network: DevnetProcess, world: Market, rate_file: Path, **overrides: object) -> MarketMakerConfig:
    settings: dict[str, object] = {
        "node_url": network.url, "wallet": world.maker, "base": world.usd, "quote": world.eur,
        "rate_source": FileRate(rate_file),
        "levels": (Level(Decimal(20), Decimal(100)), Level(Decimal(50), Decimal(200))),
        "poll_seconds": 0.2, "rate_move_bps": Decimal(5),
        **overrides,
    }
    return MarketMakerConfig(**settings)  # type: ignore[arg-type]


async def maker_offers(client: WebSocketClient, world: Market) -> tuple[list[tuple[Decimal, Decimal]], list[tuple[Decimal, Decimal]]]:
    """The maker's (bids, asks) in the books: (USD size, EUR amount) of each, best first."""
    bids = [(amount_value(o.taker_pays), amount_value(o.taker_gets))
            for o in await client.book_offers(world.eur, world.usd, ledger_index="validated")
            if o.account == world.maker.address]
    asks = [(amount_value(o.taker_gets), amount_value(o.taker_pays))
            for o in await client.book_offers(world.usd, world.eur, ledger_index="validated")
            if o.account == world.maker.address]
    return bids, asks


async def settled(maker: MarketMaker, rate: str) -> QuoteState:
    """Wait for a cycle at `rate` that found nothing to change: the book is the ladder."""
    wanted = Decimal(rate)
    return await maker.wait_until(lambda s: s.rate == wanted and s.placed != {} and s.last_actions == (), timeout=60)


async def test_quotes_are_in_the_books_and_follow_the_reference_rate(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    world = await market(client, usd="5000", eur="5000")
    rate_file = tmp_path / "usd-eur.txt"
    rate_file.write_text("0.92\n")
    async with MarketMaker(maker_config(network, world, rate_file)) as maker:
        first = await settled(maker, "0.92")
        bids, asks = await maker_offers(client, world)
        assert bids == [(Decimal(100), Decimal("91.816")), (Decimal(200), Decimal("183.08"))]
        assert asks == [(Decimal(100), Decimal("92.184")), (Decimal(200), Decimal("184.92"))]

        rate_file.write_text('{"rate": "0.95"}')
        moved = await settled(maker, "0.95")
        bids, asks = await maker_offers(client, world)
        assert bids == [(Decimal(100), Decimal("94.81")), (Decimal(200), Decimal("189.05"))]
        assert asks == [(Decimal(100), Decimal("95.19")), (Decimal(200), Decimal("190.95"))]
        old = {slot: placed.sequence for slot, placed in first.placed.items()}
        replaced = {record.tx_json.get("OfferSequence") async for record in client.account_tx(world.maker.address)
                    if record.transaction_type == "OfferCreate" and record.ledger_index
                    and record.tx_json.get("Sequence") in {p.sequence for p in moved.placed.values()}}
        assert replaced == set(old.values()), "each new offer replaced its predecessor atomically"


async def test_a_filled_quote_is_quoted_again_within_the_inventory_limits(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    taker = Wallet.generate()
    world = await market(client, usd="150", eur="1000", others=(taker,))
    await client.submit_and_wait(Payment(account=world.usd_issuer.address, destination=taker.address,
                                         amount=iou("500", "USD", world.usd_issuer.address)), world.usd_issuer)
    rate_file = tmp_path / "rate.txt"
    rate_file.write_text("0.92")
    limits = InventoryLimits(base_max=Decimal(300))
    async with MarketMaker(maker_config(network, world, rate_file, limits=limits)) as maker:
        await settled(maker, "0.92")
        bids, asks = await maker_offers(client, world)
        # It may buy 150 more USD (up to 300) and sell the 150 it has.
        assert [size for size, _ in bids] == [Decimal(100), Decimal(50)]
        assert [size for size, _ in asks] == [Decimal(100), Decimal(50)]
        cycle = maker.state.cycle
        # The taker changes 100 USD into EUR through the book: the maker's best bid is filled.
        filled = await client.submit_and_wait(Payment(
            account=taker.address, destination=taker.address, amount=iou("91.816", "EUR", world.eur_issuer.address),
            send_max=iou("100", "USD", world.usd_issuer.address)), taker)
        assert filled.delivered_amount == iou("91.816", "EUR", world.eur_issuer.address)
        after = await maker.wait_until(lambda s: s.cycle > cycle and s.base_held == Decimal(250) and not s.last_actions,
                                       timeout=60)
        bids, asks = await maker_offers(client, world)
        assert [size for size, _ in bids] == [Decimal(50)], "only 50 more USD fit under base_max"
        assert [size for size, _ in asks] == [Decimal(100), Decimal(150)]
        assert ("bid", 1) not in after.placed


async def test_quotes_are_pulled_when_the_rate_goes_stale_and_cancelled_on_stop(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    world = await market(client, usd="1000", eur="1000")
    rate_file = tmp_path / "rate.txt"
    rate_file.write_text("0.92")
    maker = MarketMaker(maker_config(network, world, rate_file, max_age_seconds=0.5))
    async with maker:
        await settled(maker, "0.92")
        rate_file.write_text("garbled")
        stale = await maker.wait_until(lambda s: s.stale and not s.placed, timeout=60)
        assert stale.rate is None
        assert await maker_offers(client, world) == ([], [])
        rate_file.write_text("0.93")
        await settled(maker, "0.93")
        assert len((await maker_offers(client, world))[0]) == 2
    assert [o async for o in client.account_offers(world.maker.address, ledger_index="validated")] == []
    assert len(maker.cancelled) == 4


@pytest.mark.slow
async def test_the_market_maker_process_quotes_and_cancels_its_offers_on_sigterm(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    world = await market(client, usd="1000", eur="1000")
    (tmp_path / "rate.txt").write_text("1.08")
    config = tmp_path / "maker.toml"
    config.write_text(f"""
[node]
url = "{network.url}"
[account]
seed = "{world.maker.seed}"
[pair]
base = "USD.{world.usd_issuer.address}"
quote = {{ currency = "EUR", issuer = "{world.eur_issuer.address}" }}
[rate]
file = "rate.txt"
poll_seconds = 0.2
[[levels]]
spread_bps = 30
size = "250"
""")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "xpay.cli", "market-maker", "--config", str(config),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    try:
        async with asyncio.timeout(60):
            ready = (await process.stdout.readline()).decode()
            assert ready.startswith(READY_LINE), ready
            async with client.ledger_closes() as ledgers:
                async for _ in ledgers:
                    bids, asks = await maker_offers(client, world)
                    if bids and asks:
                        break
        assert bids == [(Decimal(250), Decimal("269.19"))]
        assert asks == [(Decimal(250), Decimal("270.81"))]
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
    assert "cancelled 2 offers" in stdout.decode()
    assert [o async for o in client.account_offers(world.maker.address, ledger_index="validated")] == []
