"""The README's walk-through: a cross-border payment from a US bank's customer to a European
bank's customer, through a market maker's order book, on a network reaching consensus.

1. Seven accounts are funded from the genesis account: each bank's issuing (cold) and operational
   (hot) address, a market maker, Alice and Bob.
2. Each bank starts its gateway (gateways.gateway): DefaultRipple, TransferRate, RequireAuth and
   RequireDest on the issuing address; the operational address trusts it.
3. Alice trusts the US bank for USD, Bob the European bank for EUR, the market maker both; the
   banks approve them (tfSetfAuth).
4. The banks take deposits: USD to Alice and to the market maker, EUR to the market maker.
5. The market maker (gateways.market_maker) quotes USD/EUR around a reference rate.
6. Alice asks the network for a path that delivers EUR 100 to Bob paying USD (ripple_path_find)
   and sends the payment with that path and a SendMax a little above the quoted cost.
7. The demo prints what was delivered, the path, the fees (the network fee, and each bank's
   transfer fee, read from the metadata: what the sender lost minus what the receiver got on each
   issuer's lines) and the settlement time (submission to validation).
8. Bob withdraws part of it to his bank account; the European bank's book credits him.
9. Both banks reconcile their books with the ledger; the market maker stops and cancels its
   offers.

`run_walkthrough` does it against any node URL and returns the figures (tests check them);
`out` receives the lines to print.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

from gateways.decimal_amounts import ARITHMETIC, amount_value, round_to_amount, value_text
from gateways.gateway.book import Withdrawal
from gateways.gateway.config import ApiSettings, GatewayConfig
from gateways.gateway.ledger_effects import issuer_line_changes
from gateways.gateway.reconciliation import ReconciliationReport
from gateways.gateway.service import GatewayService
from gateways.market_maker.bot import MarketMaker
from gateways.market_maker.config import MarketMakerConfig
from gateways.market_maker.ladder import InventoryLimits, Level
from gateways.market_maker.rates import FixedRate
from gateways.node_client import node_client
from gateways.submission import submit_batch
from xpay.amounts import STAmount
from xpay.client import (
    APIMethods,
    PathStep,
    Payment,
    PaymentFlag,
    RPCError,
    TrustSet,
    Wallet,
    iou,
    issue,
    xrp,
)
from xpay.client import (
    Path as PaymentPath,
)
from xpay.client.amount import issue_to_json

FUNDING_XPY: Final = "1000"
REFERENCE_RATE: Final = Decimal("0.92")
"""EUR per USD the market maker quotes around."""
PAYMENT_EUR: Final = Decimal("100")
WITHDRAWAL_EUR: Final = Decimal("40")
SLIPPAGE: Final = Decimal("1.01")
"""SendMax is the path's quoted cost plus 1 %: the price may move before the payment applies."""
US_TRANSFER_RATE: Final = 1_002_000_000
EU_TRANSFER_RATE: Final = 1_001_000_000


@dataclass(frozen=True, slots=True)
class PaymentFigures:
    """The cross-border payment, as the ledger recorded it."""

    tx_hash: str
    ledger_index: int
    engine_result: str
    delivered: Decimal
    """EUR Bob received (metadata's delivered_amount)."""
    source_paid: Decimal
    """USD Alice's balance went down by."""
    quoted_cost: Decimal
    """USD the path cost when ripple_path_find was asked."""
    network_fee_drops: int
    us_transfer_fee: Decimal
    eu_transfer_fee: Decimal
    market_maker_usd_received: Decimal
    market_maker_eur_paid: Decimal
    settlement_seconds: float
    path: str
    path_found_by: str
    """"ripple_path_find", or why the path was priced from book_offers instead."""


@dataclass(frozen=True, slots=True)
class DemoResult:
    """The payment's figures and what followed it."""

    payment: PaymentFigures
    withdrawal: Withdrawal
    reconciliations: tuple[ReconciliationReport, ...]
    offers_cancelled: int


def show(value: Decimal, places: int = 6) -> str:
    """A value for people: at most `places` decimals, thousands separated."""
    quantum = Decimal(1).scaleb(-places)
    rounded = value.quantize(quantum, context=ARITHMETIC) if value.adjusted() > -places else value
    text = f"{rounded.normalize():,f}"
    return text


def percent(rate: int) -> str:
    return f"{show(Decimal(rate - 1_000_000_000) / Decimal(10_000_000), 4)} %"


class Walkthrough:
    """One run of the walk-through (see the module doc)."""

    def __init__(self, url: str, genesis: Wallet, workdir: Path, *, out: Callable[[str], None] = print,
                 deposit_wait: float = 60.0) -> None:
        self.url = url
        self.genesis = genesis
        self.workdir = workdir
        self.out = out
        self.deposit_wait = deposit_wait
        self.us_cold, self.us_hot = Wallet.generate(), Wallet.generate()
        self.eu_cold, self.eu_hot = Wallet.generate(), Wallet.generate()
        self.maker, self.alice, self.bob = Wallet.generate(), Wallet.generate(), Wallet.generate()
        self.names = {
            self.us_cold.address: "US Bank (issuing)", self.us_hot.address: "US Bank (operational)",
            self.eu_cold.address: "EU Bank (issuing)", self.eu_hot.address: "EU Bank (operational)",
            self.maker.address: "Market maker", self.alice.address: "Alice", self.bob.address: "Bob",
        }
        self.usd = issue("USD", self.us_cold.address)
        self.eur = issue("EUR", self.eu_cold.address)

    def gateway_config(self, name: str, cold: Wallet, hot: Wallet, currency: str, rate: int) -> GatewayConfig:
        return GatewayConfig(
            name=name, node_url=self.url, issuing=cold, operational=hot, currencies=(currency,),
            book_path=self.workdir / f"{name.lower().replace(' ', '-')}.sqlite", transfer_rate=rate,
            require_auth=True, require_destination_tag=True, hot_float=Decimal(10_000),
            deposit_wait=self.deposit_wait, api=ApiSettings(port=0),
        )

    def market_maker_config(self) -> MarketMakerConfig:
        return MarketMakerConfig(
            node_url=self.url, wallet=self.maker, base=self.usd, quote=self.eur,
            rate_source=FixedRate(REFERENCE_RATE),
            levels=(Level(Decimal(25), Decimal(500)), Level(Decimal(60), Decimal(1000))),
            poll_seconds=1.0, limits=InventoryLimits(base_max=Decimal(10_000), quote_max=Decimal(10_000)),
        )

    def name(self, address: str | None) -> str:
        if address is None:
            return "?"
        return self.names.get(address, address)

    def describe_path(self, path: PaymentPath) -> str:
        """A path as a person reads it: Alice → USD at US Bank → order book → EUR at EU Bank → Bob."""
        parts = ["Alice", "USD at US Bank"]
        for step in path:
            if step.account is not None:
                parts.append(self.name(step.account))
            else:
                currency = step.currency or "?"
                where = self.name(step.issuer).removesuffix(" (issuing)") if step.issuer else ""
                parts.append(f"order book USD→{currency}")
                if where:
                    parts.append(f"{currency} at {where}")
        if not parts[-1].startswith("EUR"):
            parts.append("EUR at EU Bank")
        parts.append("Bob")
        return " → ".join(parts)

    async def run(self) -> DemoResult:
        out = self.out
        started = time.monotonic()
        async with node_client(self.url) as client:
            await self._wait_for_network(client)
            await self._fund(client)
            async with (
                GatewayService(self.gateway_config("US Bank", self.us_cold, self.us_hot, "USD",
                                                   US_TRANSFER_RATE)) as us_bank,
                GatewayService(self.gateway_config("EU Bank", self.eu_cold, self.eu_hot, "EUR",
                                                   EU_TRANSFER_RATE)) as eu_bank,
            ):
                out(f"2. The banks start their gateways ({len(us_bank.setup_steps) + len(eu_bank.setup_steps)} "
                    "settings on the ledger):")
                out("     each issuing address gets DefaultRipple, TransferRate, RequireAuth and RequireDest;")
                out("     each operational address trusts its issuing address and is authorised by it.")
                out("")
                await self._onboard(client, us_bank, eu_bank)
                await self._deposit(us_bank, eu_bank)
                maker = MarketMaker(self.market_maker_config())
                async with maker:
                    state = await maker.wait_until(lambda s: ("bid", 0) in s.placed and ("ask", 0) in s.placed,
                                                   timeout=60)
                    out(f"5. The market maker quotes USD/EUR around {REFERENCE_RATE} EUR per USD "
                        f"({len(state.placed)} offers in the book):")
                    for (side, level), placed in sorted(state.placed.items(), key=lambda kv: (kv[0][1], kv[0][0])):
                        verb = "buys" if side == "bid" else "sells"
                        out(f"     {side} {level}: {verb} up to USD {show(placed.quote.size)} at "
                            f"{show(placed.quote.price, 6)} EUR per USD")
                    out("")
                    result = await self._pay(client)
                    withdrawal = await self._withdraw(client, eu_bank)
                    reports = await self._reconcile(us_bank, eu_bank)
                cancelled = len(maker.cancelled)
                out(f"10. The market maker stops and cancels its {cancelled} offers; the gateways stop.")
            out(f"Done in {time.monotonic() - started:.1f} s.")
        return DemoResult(result, withdrawal, reports, cancelled)

    async def _wait_for_network(self, client: APIMethods) -> None:
        async with asyncio.timeout(60), client.watch_validated_ledgers() as ledgers:
            seen = await ledgers.latest()
            if seen < 2:
                await ledgers.wait_beyond(1)

    async def _fund(self, client: APIMethods) -> None:
        out = self.out
        wallets = [self.us_cold, self.us_hot, self.eu_cold, self.eu_hot, self.maker, self.alice, self.bob]
        await submit_batch(client, self.genesis, [
            Payment(account=self.genesis.address, destination=wallet.address, amount=xrp(FUNDING_XPY))
            for wallet in wallets
        ])
        out(f"1. Seven accounts, funded from the genesis account with {FUNDING_XPY} XPY each:")
        out(f"     US Bank       issuing {self.us_cold.address}  operational {self.us_hot.address}")
        out(f"                   issues USD, transfer fee {percent(US_TRANSFER_RATE)}")
        out(f"     EU Bank       issuing {self.eu_cold.address}  operational {self.eu_hot.address}")
        out(f"                   issues EUR, transfer fee {percent(EU_TRANSFER_RATE)}")
        out(f"     Market maker  {self.maker.address}")
        out(f"     Alice         {self.alice.address}  (customer of US Bank)")
        out(f"     Bob           {self.bob.address}  (customer of EU Bank)")
        out("")

    async def _onboard(self, client: APIMethods, us_bank: GatewayService, eu_bank: GatewayService) -> None:
        trust = [
            (self.alice, [TrustSet(account=self.alice.address, limit_amount=iou("10000", "USD", self.us_cold.address))]),
            (self.bob, [TrustSet(account=self.bob.address, limit_amount=iou("10000", "EUR", self.eu_cold.address))]),
            (self.maker, [
                TrustSet(account=self.maker.address, limit_amount=iou("100000", "USD", self.us_cold.address)),
                TrustSet(account=self.maker.address, limit_amount=iou("100000", "EUR", self.eu_cold.address)),
            ]),
        ]
        async with asyncio.TaskGroup() as group:
            for wallet, transactions in trust:
                group.create_task(submit_batch(client, wallet, transactions))
        for bank, customer_id, wallet in ((us_bank, "alice", self.alice), (us_bank, "maker", self.maker),
                                          (eu_bank, "bob", self.bob), (eu_bank, "maker", self.maker)):
            await bank.register_customer(customer_id, wallet.address, self.name(wallet.address))
        async with asyncio.TaskGroup() as group:
            for bank, customer_id in ((us_bank, "alice"), (us_bank, "maker"), (eu_bank, "bob"), (eu_bank, "maker")):
                group.create_task(bank.approve_customer(customer_id))
        alice = us_bank.book.require_customer("alice")
        bob = eu_bank.book.require_customer("bob")
        self.bob_tag = bob.destination_tag
        self.out("3. Customers open trust lines to their bank; the banks approve them (RequireAuth: tfSetfAuth):")
        self.out(f"     Alice trusts US Bank for up to USD 10,000   approved, DestinationTag {alice.destination_tag}")
        self.out(f"     Bob trusts EU Bank for up to EUR 10,000     approved, DestinationTag {bob.destination_tag}")
        self.out("     The market maker trusts both banks         approved by both")
        self.out("")

    async def _deposit(self, us_bank: GatewayService, eu_bank: GatewayService) -> None:
        deposits = [
            (us_bank, "demo-alice-usd", "alice", "USD", Decimal(500), "US Bank pays Alice"),
            (us_bank, "demo-maker-usd", "maker", "USD", Decimal(2000), "US Bank pays the market maker"),
            (eu_bank, "demo-maker-eur", "maker", "EUR", Decimal(2000), "EU Bank pays the market maker"),
        ]
        tasks = []
        async with asyncio.TaskGroup() as group:
            for bank, request_id, customer, currency, amount, _ in deposits:
                tasks.append(group.create_task(bank.deposit(request_id, customer, currency, amount)))
        self.out("4. Deposits: money the customers hand their bank becomes IOUs on the ledger:")
        for (_, _, _, currency, amount, what), task in zip(deposits, tasks):
            deposit = task.result()
            if deposit.status != "validated":
                raise RuntimeError(f"deposit {deposit.request_id} ended {deposit.status} ({deposit.engine_result})")
            self.out(f"     {what:<32} {currency} {show(amount):>8}   ledger {deposit.ledger_index}")
        self.out("")

    async def _pay(self, client: APIMethods) -> PaymentFigures:
        out = self.out
        destination = iou(value_text(PAYMENT_EUR), "EUR", self.eu_cold.address)
        cost, paths, how = await self._find_path(client, destination)
        send_max = round_to_amount(ARITHMETIC.multiply(cost, SLIPPAGE), up=True)
        path_text = self.describe_path(paths[0]) if paths else "Alice → USD at US Bank → … → Bob"
        out(f"6. Alice asks the network for a way to deliver EUR {show(PAYMENT_EUR)} to Bob, paying USD "
            f"({how}):")
        out(f"     cost: USD {show(cost)}; she sends at most USD {show(send_max)} (SendMax: cost + 1 %)")
        out(f"     path: {path_text}")
        out("")
        payment = Payment(
            account=self.alice.address, destination=self.bob.address, amount=destination,
            send_max=iou(value_text(send_max), "USD", self.us_cold.address), paths=paths,
            destination_tag=self.bob_tag, flags=PaymentFlag(0),
        )
        signed = self.alice.sign(await client.autofill(payment))
        submitted = time.monotonic()
        record = await client.submit_and_wait(signed)
        settled = time.monotonic() - submitted
        meta = record.meta
        us_changes = {line.holder: line.change for line in issuer_line_changes(meta, self.us_cold.address)}
        eu_changes = {line.holder: line.change for line in issuer_line_changes(meta, self.eu_cold.address)}
        paid = -us_changes.get(self.alice.address, Decimal(0))
        maker_usd = us_changes.get(self.maker.address, Decimal(0))
        maker_eur = -eu_changes.get(self.maker.address, Decimal(0))
        delivered_amount = record.delivered_amount
        delivered = amount_value(delivered_amount) if delivered_amount is not None else Decimal(0)
        us_fee = -sum(us_changes.values(), Decimal(0))
        eu_fee = -sum(eu_changes.values(), Decimal(0))
        fee_drops = int(str(record.tx_json.get("Fee", "0")))
        assert record.ledger_index is not None
        out(f"7. Alice's payment is in validated ledger {record.ledger_index} ({record.engine_result}), "
            f"hash {record.hash}")
        out(f"     delivered to Bob           EUR {show(delivered)}")
        out(f"     Alice paid                 USD {show(paid)}")
        out(f"     exchange rate              {show(ARITHMETIC.divide(delivered, paid), 6)} EUR per USD, all "
            "fees included")
        out(f"     the market maker           received USD {show(maker_usd)}, paid EUR {show(maker_eur)}")
        out("     fees:")
        out(f"       network fee              {show(Decimal(fee_drops) / 1_000_000)} XPY ({fee_drops} drops, "
            "destroyed, not paid to anyone)")
        out(f"       US Bank transfer fee     USD {show(us_fee)} ({percent(US_TRANSFER_RATE)} of what the "
            "market maker received)")
        out(f"       EU Bank transfer fee     EUR {show(eu_fee)} ({percent(EU_TRANSFER_RATE)} of what Bob received)")
        out(f"     settlement time            {settled:.2f} s (submitted → validated by the network)")
        out("")
        return PaymentFigures(
            tx_hash=record.hash, ledger_index=record.ledger_index, engine_result=record.engine_result or "",
            delivered=delivered, source_paid=paid, quoted_cost=cost, network_fee_drops=fee_drops,
            us_transfer_fee=us_fee, eu_transfer_fee=eu_fee, market_maker_usd_received=maker_usd,
            market_maker_eur_paid=maker_eur, settlement_seconds=settled, path=path_text, path_found_by=how,
        )

    async def _find_path(self, client: APIMethods, destination: STAmount) -> tuple[Decimal, tuple[PaymentPath, ...], str]:
        """(USD cost, paths, how they were found): ripple_path_find's cheapest USD alternative; or,
        when the node cannot answer (a node without pathfinding says unknownCmd or notSupported),
        the one-book path priced from book_offers, saying why."""
        try:
            found = await client.ripple_path_find(self.alice.address, self.bob.address, destination,
                                                  source_currencies=[self.usd])
        except RPCError as error:
            why = f"ripple_path_find answered {error.name}"
        else:
            alternatives = [alt for alt in found.alternatives if not alt.source_amount.native
                            and issue_to_json(alt.source_amount.issue)["currency"] == "USD"]
            if alternatives:
                best = min(alternatives, key=lambda alt: amount_value(alt.source_amount))
                return amount_value(best.source_amount), best.paths, "ripple_path_find"
            why = "ripple_path_find found no USD alternative"
        book_path = ((PathStep(currency="EUR", issuer=self.eu_cold.address),),)
        return (await self._path_from_book(client), book_path,
                f"{why}: the path through the USD/EUR book instead, priced from book_offers")

    async def _path_from_book(self, client: APIMethods) -> Decimal:
        """USD Alice would spend through the book's best offers. In a payment the taker pays both
        transfer fees (rippled's BookStep): the offers give Bob's EUR plus the EU bank's fee, and
        Alice sends the offers' USD plus the US bank's fee."""
        needed = ARITHMETIC.multiply(PAYMENT_EUR, Decimal(EU_TRANSFER_RATE) / 1_000_000_000)
        cost = Decimal(0)
        for offer in await client.book_offers(self.eur, self.usd, limit=20):
            gets = amount_value(offer.taker_gets_funded or offer.taker_gets)
            pays = amount_value(offer.taker_pays_funded or offer.taker_pays)
            take = min(needed, gets)
            cost = ARITHMETIC.add(cost, ARITHMETIC.divide(ARITHMETIC.multiply(take, pays), gets))
            needed -= take
            if needed <= 0:
                break
        if needed > 0:
            raise RuntimeError("the USD/EUR book cannot deliver EUR 100")
        return ARITHMETIC.multiply(cost, Decimal(US_TRANSFER_RATE) / 1_000_000_000)

    async def _withdraw(self, client: APIMethods, eu_bank: GatewayService) -> Withdrawal:
        record = await client.submit_and_wait(
            Payment(account=self.bob.address, destination=self.eu_cold.address,
                    amount=iou(value_text(WITHDRAWAL_EUR), "EUR", self.eu_cold.address),
                    destination_tag=self.bob_tag),
            self.bob,
        )
        assert record.ledger_index is not None
        await eu_bank.follower.wait_for(record.ledger_index)
        withdrawal = eu_bank.withdrawal(record.hash)
        owed = eu_bank.book.balance(f"customer:{withdrawal.customer_id}", "EUR")
        self.out(f"8. Bob withdraws EUR {show(WITHDRAWAL_EUR)} to his bank account: a payment to EU Bank's issuing "
                 f"address with his DestinationTag {self.bob_tag}.")
        self.out(f"     EU Bank's book credits customer {withdrawal.customer_id!r} EUR {show(withdrawal.amount)} "
                 f"(ledger {withdrawal.ledger_index}); the bank now owes him EUR {show(owed)} off the ledger.")
        self.out("")
        return withdrawal

    async def _reconcile(self, us_bank: GatewayService, eu_bank: GatewayService) -> tuple[ReconciliationReport, ...]:
        reports = []
        self.out("9. Reconciliation: what each issuing address owes on the ledger against its bank's book:")
        for name, bank in (("US Bank", us_bank), ("EU Bank", eu_bank)):
            report = await bank.reconcile()
            reports.append(report)
            for row in report.currencies:
                fees = bank.book.balance("transfer_fees", row.currency)
                mark = "match" if row.matches else f"MISMATCH by {show(row.difference)}"
                self.out(f"     {name}  {row.currency}  ledger {show(row.on_ledger):>12}  book {show(row.in_book):>12}"
                         f"  {mark}  (transfer fees earned: {row.currency} {show(fees)})")
        self.out("")
        return tuple(reports)


async def run_walkthrough(url: str, genesis: Wallet, workdir: Path, *, out: Callable[[str], None] = print,
                          description: str | None = None) -> DemoResult:
    """Run the walk-through against the node at `url`, funding from `genesis`."""
    out("xpay demo: Alice, a customer of a US bank, pays Bob, a customer of a European bank, "
        f"EUR {show(PAYMENT_EUR)}, paying in USD.")
    out(f"Network: {description or 'a running network'} ({url})")
    out("")
    with contextlib.suppress(FileExistsError):
        workdir.mkdir(parents=True)
    return await Walkthrough(url, genesis, workdir, out=out).run()


__all__ = ["DemoResult", "PaymentFigures", "Walkthrough", "run_walkthrough"]
