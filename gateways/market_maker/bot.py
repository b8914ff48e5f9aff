"""The market-maker bot: keeps a two-sided ladder of offers on one pair around a reference rate.

Every cycle — on each newly validated ledger, and at least every `poll_seconds` — the bot reads
the reference rate, what it holds (its trust lines; its XRP above the reserve), and its offers in
the validated ledger; computes the ladder it wants (gateways.market_maker.ladder); and changes the
book only where needed:

- a slot with no offer, or whose offer is gone (filled, or removed as unfunded), gets a new one;
- an offer whose price is more than `rate_move_bps` off, or that is mostly filled, or larger than
  the inventory limits now allow, is replaced *atomically* — an OfferCreate naming the old offer in
  OfferSequence, which rippled cancels in the same transaction, so the bot is never quoting twice;
- an offer whose slot the ladder no longer has (inventory exhausted) is cancelled (OfferCancel).

All of a cycle's transactions are signed with consecutive Sequences, submitted together, and
followed to their final results before the next cycle. When the rate source has given nothing
usable for `max_age_seconds`, the bot pulls every quote rather than quote a stale price.

Stopping (leaving `async with`, or `stop()`) lets the cycle in progress finish, then cancels every
offer the account has in the pair's two books and waits until the validated ledger shows none.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import TracebackType
from typing import Any, Final, Self

from gateways.decimal_amounts import amount_value, to_amount
from gateways.market_maker.config import MarketMakerConfig
from gateways.market_maker.ladder import PlacedQuote, Quote, Side, build_ladder, replacement_reason
from gateways.market_maker.rates import RateUnavailable
from gateways.node_client import node_client
from gateways.submission import submit_batch
from xpay.amounts import Issue
from xpay.client import (
    AccountOffer,
    APIMethods,
    Client,
    ClientError,
    OfferCancel,
    OfferCreate,
    Transaction,
    TransactionRecord,
    WebSocketClient,
)
from xpay.client.amount import issue_to_json

_log = logging.getLogger(__name__)

STOP_ROUNDS: Final = 5
"""Rounds of cancellation on stop before giving up (each waits for validation)."""
XRP_BUFFER: Final = Decimal(1)
"""XRP kept back beyond the reserve, for fees."""


@dataclass(frozen=True, slots=True)
class QuoteState:
    """What the bot last did: the rate it quoted, the offers it has in the book, its inventory."""

    cycle: int = 0
    rate: Decimal | None = None
    placed: Mapping[tuple[Side, int], PlacedQuote] = field(default_factory=dict)
    base_held: Decimal = Decimal(0)
    quote_held: Decimal = Decimal(0)
    last_actions: tuple[str, ...] = ()
    stale: bool = False
    """True when the rate source has been unavailable too long and the quotes were pulled."""


class MarketMaker:
    """The bot (see the module doc), as an async context manager."""

    def __init__(self, config: MarketMakerConfig, *, client: APIMethods | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.address = config.wallet.address
        self.state = QuoteState()
        self._owned: Client | WebSocketClient | None = None
        self._client: APIMethods
        if client is None:
            self._owned = self._client = node_client(config.node_url)
        else:
            self._client = client
        self._clock = clock
        self._stack = contextlib.AsyncExitStack()
        self._group: asyncio.TaskGroup | None = None
        self._loop_task: asyncio.Task[None] | None = None
        self._watch_task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._changed = asyncio.Condition()
        self._last_rate: Decimal | None = None
        self._last_rate_at: float | None = None
        self._started_at = 0.0
        self.cancelled: list[int] = []
        """Sequences of the offers cancelled on start (leftovers) and on stop."""

    # --- lifecycle -----------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        try:
            if self._owned is not None:
                await self._stack.enter_async_context(self._owned)
            await self._client.account_info(self.address, ledger_index="validated")
            self._started_at = self._clock()
            await self._cancel_all("left over from an earlier run")
            group = asyncio.TaskGroup()
            await group.__aenter__()
            self._group = group
            self._loop_task = group.create_task(self._run(), name=f"market-maker {self.address}")
            self._watch_task = group.create_task(self._watch_ledgers(), name="market-maker ledgers")
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        try:
            await self.stop()
        finally:
            await self._stack.aclose()

    async def stop(self) -> None:
        """Finish the cycle in progress, stop quoting, cancel every offer in the pair's books."""
        group, self._group = self._group, None
        if group is None:
            return
        self._stopping.set()
        self._wake.set()
        if self._watch_task is not None:
            self._watch_task.cancel()
        try:
            await group.__aexit__(None, None, None)
        finally:
            await self._cancel_all("stopping")

    # --- waiting on the bot (tests, the demo) --------------------------------------------------

    async def wait_until(self, predicate: Callable[[QuoteState], bool], timeout: float = 30.0) -> QuoteState:
        """Return the state once `predicate(state)` holds, re-checked after every cycle."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: predicate(self.state))
        return self.state

    # --- the loop ------------------------------------------------------------------------------

    async def _watch_ledgers(self) -> None:
        while True:
            try:
                async with self._client.watch_validated_ledgers() as ledgers:
                    seen = await ledgers.latest()
                    while True:
                        seen = await ledgers.wait_beyond(seen)
                        self._wake.set()
            except ClientError as error:
                _log.warning("market maker: following ledgers: %s", error)
                await asyncio.sleep(self.config.poll_seconds)

    async def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                await self._cycle()
            except ClientError as error:
                _log.warning("market maker: cycle failed: %s", error)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.config.poll_seconds):
                    await self._wake.wait()

    async def _rate(self) -> tuple[Decimal | None, bool]:
        """(the rate to quote at, whether it is stale)."""
        now = self._clock()
        try:
            rate = await self.config.rate_source.read()
        except RateUnavailable as error:
            _log.warning("market maker: reference rate unavailable: %s", error)
        else:
            self._last_rate, self._last_rate_at = rate, now
            return rate, False
        since = self._last_rate_at if self._last_rate_at is not None else self._started_at
        stale = now - since > self.config.max_age_seconds
        return (None if stale else self._last_rate), stale

    async def _holdings(self) -> tuple[Decimal, Decimal]:
        lines: dict[tuple[str, str], Decimal] = {}
        async for line in self._client.account_lines(self.address, ledger_index="validated"):
            lines[(line.currency, line.peer)] = line.balance
        xrp: Decimal | None = None

        async def held(issue: Issue) -> Decimal:
            nonlocal xrp
            if issue.is_xrp:
                if xrp is None:
                    xrp = await self._spendable_xrp()
                return xrp
            spec = issue_to_json(issue)
            return max(lines.get((spec["currency"], spec["issuer"]), Decimal(0)), Decimal(0))

        return await held(self.config.base), await held(self.config.quote)

    async def _spendable_xrp(self) -> Decimal:
        info = await self._client.account_info(self.address, ledger_index="validated")
        server = (await self._client.server_info()).raw.get("info", {}).get("validated_ledger", {})
        reserve_base = Decimal(str(server.get("reserve_base_xrp", "1")))
        reserve_inc = Decimal(str(server.get("reserve_inc_xrp", "0.2")))
        # Each offer the ladder may place adds to the owner count.
        owned = info.owner_count + 2 * len(self.config.levels)
        spendable = amount_value(info.balance) - reserve_base - reserve_inc * owned - XRP_BUFFER
        return max(spendable, Decimal(0))

    def _in_pair(self, offer: AccountOffer) -> bool:
        issues = {offer.taker_gets.issue, offer.taker_pays.issue}
        return issues == {self.config.base, self.config.quote}

    async def _offers(self) -> dict[int, AccountOffer]:
        return {offer.seq: offer async for offer in self._client.account_offers(self.address, ledger_index="validated")
                if self._in_pair(offer)}

    async def _cycle(self) -> None:
        config = self.config
        rate, stale = await self._rate()
        base_held, quote_held = await self._holdings()
        offers = await self._offers()
        desired = [] if rate is None else build_ladder(
            rate, config.levels, config.base, config.quote, base_held=base_held, quote_held=quote_held,
            limits=config.limits,
        )
        wanted = {quote.slot: quote for quote in desired}
        placed = dict(self.state.placed)
        plan: list[tuple[tuple[Side, int] | None, Transaction, Quote | None, str]] = []
        for slot in sorted(set(placed) | set(wanted)):
            current = placed.get(slot)
            remaining = None
            if current is not None and current.sequence in offers:
                offer = offers[current.sequence]
                remaining = amount_value(offer.taker_gets if slot[0] == "ask" else offer.taker_pays)
            want = wanted.get(slot)
            if want is None:
                if current is not None and remaining is not None:
                    plan.append((slot, OfferCancel(account=self.address, offer_sequence=current.sequence), None,
                                 f"cancel {slot[0]} {slot[1]}"))
                placed.pop(slot, None)
                continue
            if current is None:
                reason: str | None = "new"
            else:
                reason = replacement_reason(current, remaining, want, rate_move_bps=config.rate_move_bps,
                                            refill_below=config.refill_below)
            if reason is None:
                continue
            replaces = current.sequence if current is not None and remaining is not None else None
            plan.append((slot, self._offer(want, replaces), want, f"{slot[0]} {slot[1]}: {reason}"))
        known = {item.sequence for item in self.state.placed.values()} | {item.sequence for item in placed.values()}
        for sequence in sorted(set(offers) - known):
            if not any(isinstance(tx, OfferCreate) and tx.offer_sequence == sequence for _, tx, _, _ in plan):
                plan.append((None, OfferCancel(account=self.address, offer_sequence=sequence), None,
                             f"cancel stray offer {sequence}"))

        if plan:
            records = await submit_batch(self._client, config.wallet, [tx for _, tx, _, _ in plan], check=False)
            for (target, _, quote, what), record in zip(plan, records):
                if target is None:
                    continue
                if quote is None:
                    placed.pop(target, None)
                elif record.succeeded and self._offer_created(record):
                    placed[target] = PlacedQuote(int(record.tx_json["Sequence"]), quote)
                else:
                    placed.pop(target, None)
                    if not record.succeeded:
                        _log.warning("market maker: %s: %s", what, record.engine_result)
        _log.debug("market maker cycle %d at %s: holds %s / %s; %s", self.state.cycle + 1, rate, base_held,
                   quote_held, [what for _, _, _, what in plan] or "nothing to change")
        self.state = QuoteState(
            cycle=self.state.cycle + 1, rate=rate, placed=placed, base_held=base_held, quote_held=quote_held,
            last_actions=tuple(what for _, _, _, what in plan), stale=stale,
        )
        async with self._changed:
            self._changed.notify_all()

    def _offer(self, quote: Quote, replaces: int | None) -> OfferCreate:
        return OfferCreate(
            account=self.address,
            taker_gets=to_amount(quote.gets, quote.gets_issue, field="TakerGets"),
            taker_pays=to_amount(quote.pays, quote.pays_issue, field="TakerPays"),
            offer_sequence=replaces,
        )

    def _offer_created(self, record: TransactionRecord) -> bool:
        """Whether the OfferCreate left an offer in the book (it may have been filled at once)."""
        for node in record.affected_nodes:
            created: Any = node.get("CreatedNode")
            if isinstance(created, Mapping) and created.get("LedgerEntryType") == "Offer":
                fields = created.get("NewFields", {})
                if fields.get("Account") == self.address and fields.get("Sequence") == record.tx_json.get("Sequence"):
                    return True
        return False

    async def _cancel_all(self, why: str) -> None:
        """Cancel every offer of the account in the pair's books, until none is left."""
        for _ in range(STOP_ROUNDS):
            offers = await self._offers()
            if not offers:
                self.state = QuoteState(cycle=self.state.cycle, rate=self.state.rate, placed={},
                                        base_held=self.state.base_held, quote_held=self.state.quote_held,
                                        last_actions=(f"cancelled every offer ({why})",), stale=self.state.stale)
                return
            _log.info("market maker: cancelling %d offers (%s)", len(offers), why)
            await submit_batch(self._client, self.config.wallet,
                               [OfferCancel(account=self.address, offer_sequence=seq) for seq in sorted(offers)],
                               check=False)
            self.cancelled.extend(sorted(offers))
        raise ClientError(f"offers of {self.address} still in the book after {STOP_ROUNDS} rounds of cancelling")


__all__ = ["MarketMaker", "QuoteState"]
