"""The market maker's quotes: a ladder of bids and asks around a reference rate, within inventory
limits, and when a quote in the book must be replaced.

A pair is a base and a quote issue; the reference rate is how much quote one base is worth. Each
level of the ladder has a spread (basis points either side of the rate) and a size (in base):

- a bid buys base: an offer whose TakerPays is `size` base and whose TakerGets is `size × bid`
  quote (the taker gets the quote currency, pays base);
- an ask sells base: TakerGets `size` base, TakerPays `size × ask` quote.

Amounts are rounded for the maker (what it gives down, what it asks up), to 16 significant
digits for an issued currency and to whole drops for XRP.

Inventory limits bound what the quotes can do if every one is taken: the bids together never
buy base beyond `base_max` nor spend quote below `quote_min`; the asks never sell base below
`base_min` nor take quote beyond `quote_max`. Inner levels are served first; a level that no
longer fits is shrunk, then dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Final, Literal

from gateways.decimal_amounts import ARITHMETIC, round_to_amount
from xpay.amounts import Issue

Side = Literal["bid", "ask"]
BPS: Final = Decimal(10_000)
DROP: Final = Decimal("0.000001")


@dataclass(frozen=True, slots=True)
class Level:
    """One rung of the ladder: quotes `spread_bps` either side of the rate, `size` base each."""

    spread_bps: Decimal
    size: Decimal


@dataclass(frozen=True, slots=True)
class InventoryLimits:
    base_min: Decimal = Decimal(0)
    base_max: Decimal | None = None
    quote_min: Decimal = Decimal(0)
    quote_max: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    """One desired offer: the maker gives `gets` of `gets_issue` for `pays` of `pays_issue`
    (TakerGets / TakerPays as the ledger names them)."""

    side: Side
    level: int
    price: Decimal
    """Quote per base."""
    size: Decimal
    """Base bought (bid) or sold (ask)."""
    gets: Decimal
    gets_issue: Issue
    pays: Decimal
    pays_issue: Issue

    @property
    def slot(self) -> tuple[Side, int]:
        return (self.side, self.level)


def round_for(value: Decimal, issue: Issue, *, up: bool) -> Decimal:
    """`value` as an amount of `issue` can hold it: whole drops for XRP, 16 digits otherwise."""
    if issue.is_xrp:
        return value.quantize(DROP, rounding=ROUND_CEILING if up else ROUND_FLOOR, context=ARITHMETIC)
    return round_to_amount(value, up=up)


def build_ladder(rate: Decimal, levels: tuple[Level, ...], base: Issue, quote: Issue, *,
                 base_held: Decimal, quote_held: Decimal, limits: InventoryLimits) -> list[Quote]:
    """The quotes to have in the book at `rate`, given what the maker holds (see the module doc)."""
    if rate <= 0:
        raise ValueError(f"a reference rate must be positive, not {rate}")
    quotes: list[Quote] = []
    # Room left for the bids: base they may buy, quote they may spend.
    bid_base_room = None if limits.base_max is None else limits.base_max - base_held
    bid_quote_room = quote_held - limits.quote_min
    # Room left for the asks: base they may sell, quote they may take.
    ask_base_room = base_held - limits.base_min
    ask_quote_room = None if limits.quote_max is None else limits.quote_max - quote_held

    for index, level in enumerate(levels):
        spread = ARITHMETIC.divide(level.spread_bps, BPS)
        bid = ARITHMETIC.multiply(rate, 1 - spread)
        ask = ARITHMETIC.multiply(rate, 1 + spread)

        if bid > 0:
            size = level.size
            if bid_base_room is not None:
                size = min(size, bid_base_room)
            size = min(size, ARITHMETIC.divide(bid_quote_room, bid)) if bid_quote_room > 0 else Decimal(0)
            size = round_for(size, base, up=False)
            gives = round_for(ARITHMETIC.multiply(size, bid), quote, up=False)
            if size > 0 and gives > 0:
                quotes.append(Quote("bid", index, bid, size, gives, quote, size, base))
                if bid_base_room is not None:
                    bid_base_room -= size
                bid_quote_room -= gives

        size = min(level.size, ask_base_room) if ask_base_room > 0 else Decimal(0)
        if ask_quote_room is not None:
            size = min(size, ARITHMETIC.divide(ask_quote_room, ask)) if ask_quote_room > 0 else Decimal(0)
        size = round_for(size, base, up=False)
        takes = round_for(ARITHMETIC.multiply(size, ask), quote, up=True)
        if size > 0 and takes > 0:
            quotes.append(Quote("ask", index, ask, size, size, base, takes, quote))
            ask_base_room -= size
            if ask_quote_room is not None:
                ask_quote_room -= takes
    return quotes


@dataclass(frozen=True, slots=True)
class PlacedQuote:
    """An offer the maker has in the book: its OfferCreate's Sequence and what it was placed as."""

    sequence: int
    quote: Quote


def replacement_reason(placed: PlacedQuote, remaining_size: Decimal | None, desired: Quote, *,
                       rate_move_bps: Decimal, refill_below: Decimal) -> str | None:
    """Why the offer in the book should be replaced by `desired`, or None to leave it.
    `remaining_size` is the base still on offer (None: the offer is gone: filled or removed)."""
    if remaining_size is None:
        return "filled"
    moved = abs(ARITHMETIC.divide(desired.price - placed.quote.price, placed.quote.price)) * BPS
    if moved > rate_move_bps:
        return f"rate moved {moved.quantize(Decimal('0.1'))} bps"
    if remaining_size < ARITHMETIC.multiply(desired.size, refill_below):
        return "partly filled"
    if remaining_size > desired.size:
        return "over the inventory limits"
    return None


__all__ = [
    "InventoryLimits",
    "Level",
    "PlacedQuote",
    "Quote",
    "Side",
    "build_ladder",
    "replacement_reason",
    "round_for",
]
