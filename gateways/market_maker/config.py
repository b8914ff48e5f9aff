"""The market maker's configuration (TOML):

    [node]
    url = "ws://127.0.0.1:5005/"

    [account]
    seed = "sEd…"

    [pair]
    base = "USD.rUSBank…"            # CURRENCY.ISSUER, or "XRP"
    quote = "EUR.rEUBank…"

    [rate]                           # quote per one base: exactly one of value / file / url
    value = "0.92"
    # file = "usd-eur.txt"           # re-read every poll_seconds
    # url = "http://rates.example/usd-eur"
    poll_seconds = 1.0
    max_age_seconds = 30             # no good reading for this long: pull every quote

    [[levels]]                       # inner first
    spread_bps = 20
    size = "1000"
    [[levels]]
    spread_bps = 50
    size = "2500"

    [requote]
    rate_move_bps = 5                # replace an offer when its price is this far off
    refill_below = "0.5"             # ... or when less than this share of it is left

    [inventory]                      # bounds on what the quotes may do if all are taken
    base_min = "0"
    base_max = "100000"
    quote_min = "0"
    quote_max = "100000"

Everything is checked before the bot connects: an unknown key, a bad seed, a non-positive rate or
size, a spread of 100 % or more, overlapping bid and ask are one-line errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from gateways.decimal_amounts import issue_label
from gateways.market_maker.ladder import InventoryLimits, Level
from gateways.market_maker.rates import (
    FileRate,
    FixedRate,
    HttpRate,
    RateSource,
    RateUnavailable,
    parse_rate,
)
from gateways.toml_config import ConfigError, Table, check_node_url, load_toml
from xpay.amounts import Issue
from xpay.client import InvalidInput, Wallet, issue

MAX_SPREAD_BPS = Decimal(9_999)


def parse_issue(value: Any, key: str) -> Issue:
    """`"XRP"`, `"USD.r…"`, or a table `{currency = "USD", issuer = "r…"}`."""
    if isinstance(value, dict):
        currency, issuer = value.get("currency"), value.get("issuer")
        extra = set(value) - {"currency", "issuer"}
        if extra:
            raise ConfigError(f"{key}: unknown setting {sorted(extra)[0]}")
    elif isinstance(value, str):
        currency, _, issuer_text = value.partition(".")
        issuer = issuer_text or None
    else:
        raise ConfigError(f"{key}: expected \"XRP\" or \"CURRENCY.ISSUER\", not {value!r:.60}")
    if not isinstance(currency, str) or (issuer is not None and not isinstance(issuer, str)):
        raise ConfigError(f"{key}: expected \"XRP\" or \"CURRENCY.ISSUER\", not {value!r:.60}")
    try:
        return issue(currency, issuer)
    except InvalidInput as error:
        raise ConfigError(f"{key}: {error.reason}") from None


@dataclass(frozen=True, slots=True)
class MarketMakerConfig:
    node_url: str
    wallet: Wallet
    base: Issue
    quote: Issue
    rate_source: RateSource
    levels: tuple[Level, ...]
    poll_seconds: float = 1.0
    max_age_seconds: float = 30.0
    rate_move_bps: Decimal = Decimal(5)
    refill_below: Decimal = Decimal("0.5")
    limits: InventoryLimits = field(default_factory=InventoryLimits)

    def __post_init__(self) -> None:
        check_node_url(self.node_url, "node.url")
        if self.base == self.quote:
            raise ConfigError("pair.quote: the pair needs two different issues")
        if not self.levels:
            raise ConfigError("levels: name at least one level")
        for index, level in enumerate(self.levels):
            if not 0 < level.spread_bps <= MAX_SPREAD_BPS:
                raise ConfigError(f"levels[{index}].spread_bps: {level.spread_bps} is not in (0, {MAX_SPREAD_BPS}]")
            if level.size <= 0:
                raise ConfigError(f"levels[{index}].size: must be positive")
        if self.rate_move_bps < 0:
            raise ConfigError("requote.rate_move_bps: must not be negative")
        if not 0 <= self.refill_below <= 1:
            raise ConfigError("requote.refill_below: a share between 0 and 1")
        limits = self.limits
        if limits.base_max is not None and limits.base_max < limits.base_min:
            raise ConfigError("inventory.base_max: below inventory.base_min")
        if limits.quote_max is not None and limits.quote_max < limits.quote_min:
            raise ConfigError("inventory.quote_max: below inventory.quote_min")

    def describe_pair(self) -> str:
        return f"{issue_label(self.base)}/{issue_label(self.quote)}"


def load_market_maker_config(path: Path) -> MarketMakerConfig:
    """The configuration in the TOML file at `path`; ConfigError naming the first bad key."""
    root = Table(load_toml(path), "")
    node = root.table("node")
    node_url = check_node_url(node.string("url"), node.key("url"))
    node.finish()
    account = root.table("account")
    wallet = account.wallet("seed")
    account.finish()
    pair = root.table("pair")
    base = parse_issue(pair.raw("base"), pair.key("base"))
    quote = parse_issue(pair.raw("quote"), pair.key("quote"))
    pair.finish()

    rate = root.table("rate")
    given = [name for name in ("value", "file", "url") if rate.has(name)]
    if len(given) != 1:
        raise ConfigError("rate: give exactly one of value, file or url")
    source: RateSource
    if given[0] == "value":
        raw = rate.raw("value")
        if isinstance(raw, float | bool) or not isinstance(raw, str | int):
            raise ConfigError("rate.value: write the rate as a string (\"0.92\"): a float has already been rounded")
        try:
            source = FixedRate(parse_rate(str(raw), "rate.value"))
        except RateUnavailable as error:
            raise ConfigError(str(error)) from None
    elif given[0] == "file":
        file = Path(rate.string("file"))
        source = FileRate(file if file.is_absolute() else path.parent / file)
    else:
        url = rate.string("url")
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"rate.url: {url!r:.80} is not an http:// or https:// URL")
        source = HttpRate(url)
    poll = rate.seconds("poll_seconds", 1.0)
    max_age = rate.seconds("max_age_seconds", 30.0)
    rate.finish()

    levels: list[Level] = []
    for key, item in root.items("levels"):
        table = Table(item, key)
        spread = table.raw("spread_bps")
        if isinstance(spread, bool) or not isinstance(spread, int | str):
            raise ConfigError(f"{table.key('spread_bps')}: expected an integer number of basis points")
        try:
            spread_value = Decimal(spread)
        except ArithmeticError:
            raise ConfigError(f"{table.key('spread_bps')}: {spread!r:.40} is not a number") from None
        levels.append(Level(spread_value, table.decimal("size")))
        table.finish()

    requote = root.table("requote", required=False)
    move = requote.raw("rate_move_bps", 5)
    if isinstance(move, bool) or not isinstance(move, int | str):
        raise ConfigError("requote.rate_move_bps: expected a number of basis points")
    try:
        rate_move = Decimal(move)
    except ArithmeticError:
        raise ConfigError(f"requote.rate_move_bps: {move!r:.40} is not a number") from None
    refill = requote.decimal("refill_below", Decimal("0.5"), allow_zero=True)
    requote.finish()

    inventory = root.table("inventory", required=False)
    limits = InventoryLimits(
        base_min=inventory.decimal("base_min", Decimal(0), allow_zero=True),
        base_max=inventory.decimal("base_max") if inventory.has("base_max") else inventory.raw("base_max", None),
        quote_min=inventory.decimal("quote_min", Decimal(0), allow_zero=True),
        quote_max=inventory.decimal("quote_max") if inventory.has("quote_max") else inventory.raw("quote_max", None),
    )
    inventory.finish()
    root.finish()
    return MarketMakerConfig(
        node_url=node_url, wallet=wallet, base=base, quote=quote, rate_source=source, levels=tuple(levels),
        poll_seconds=poll, max_age_seconds=max_age, rate_move_bps=rate_move, refill_below=refill, limits=limits,
    )


__all__ = ["MarketMakerConfig", "load_market_maker_config", "parse_issue"]
