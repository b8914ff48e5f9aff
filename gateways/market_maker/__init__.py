"""A market-maker bot: two-sided ladders of offers on one currency pair around a reference rate,
replaced atomically (OfferSequence) when the rate moves or they are filled, within inventory
limits, all cancelled on stop."""

from gateways.market_maker.bot import MarketMaker, QuoteState
from gateways.market_maker.config import MarketMakerConfig, load_market_maker_config
from gateways.market_maker.ladder import InventoryLimits, Level, PlacedQuote, Quote, build_ladder
from gateways.market_maker.rates import FileRate, FixedRate, HttpRate, RateSource, RateUnavailable

__all__ = [
    "FileRate",
    "FixedRate",
    "HttpRate",
    "InventoryLimits",
    "Level",
    "MarketMaker",
    "MarketMakerConfig",
    "PlacedQuote",
    "Quote",
    "QuoteState",
    "RateSource",
    "RateUnavailable",
    "build_ladder",
    "load_market_maker_config",
]
