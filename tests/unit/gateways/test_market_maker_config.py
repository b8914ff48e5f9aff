"""The market maker's configuration and reference rates: sources parsed from text exactly, a
garbled source an unavailable rate (never a wrong one), and a bad file a one-line error naming
its key."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from aiohttp import web

from gateways.market_maker.config import load_market_maker_config, parse_issue
from gateways.market_maker.rates import FileRate, FixedRate, HttpRate, RateUnavailable, parse_rate
from gateways.toml_config import ConfigError
from xpay.amounts import XRP_ISSUE
from xpay.cli import main
from xpay.client import Wallet, issue

MAKER, ISSUER = Wallet.generate(), Wallet.generate()
GOOD = f"""
[node]
url = "ws://127.0.0.1:5005/"
[account]
seed = "{MAKER.seed}"
[pair]
base = "USD.{ISSUER.address}"
quote = "XRP"
[rate]
value = "0.5"
[[levels]]
spread_bps = 20
size = "100"
[[levels]]
spread_bps = 50
size = "250"
[requote]
rate_move_bps = 3
refill_below = "0.25"
[inventory]
base_max = "1000"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "maker.toml"
    path.write_text(text)
    return path


def test_a_good_file(tmp_path: Path) -> None:
    config = load_market_maker_config(write(tmp_path, GOOD))
    assert (config.base, config.quote) == (issue("USD", ISSUER.address), XRP_ISSUE)
    assert config.rate_source == FixedRate(Decimal("0.5"))
    assert [(level.spread_bps, level.size) for level in config.levels] == [(20, 100), (50, 250)]
    assert (config.rate_move_bps, config.refill_below) == (Decimal(3), Decimal("0.25"))
    assert (config.limits.base_max, config.limits.quote_max, config.limits.base_min) == (Decimal(1000), None, 0)
    file_config = load_market_maker_config(write(tmp_path, GOOD.replace('value = "0.5"', 'file = "rate.txt"')))
    assert file_config.rate_source == FileRate(tmp_path / "rate.txt")
    http_config = load_market_maker_config(write(tmp_path, GOOD.replace('value = "0.5"', 'url = "http://r/x"')))
    assert http_config.rate_source == HttpRate("http://r/x")


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        (f'seed = "{MAKER.seed}"', 'seed = "sEdNope"', "account.seed"),
        ('value = "0.5"', "value = 0.5", "rate.value"),
        ('value = "0.5"', 'value = "-1"', "rate.value"),
        ('value = "0.5"', 'value = "0"', "rate.value"),
        ('value = "0.5"', 'value = "0.5"\nfile = "r.txt"', "exactly one of value, file or url"),
        ('value = "0.5"', 'url = "ftp://x"', "rate.url"),
        ('quote = "XRP"', f'quote = "USD.{ISSUER.address}"', "two different issues"),
        ('quote = "XRP"', 'quote = "EUR"', "needs an issuer"),
        ('quote = "XRP"', 'quote = "EUR.rNotAnAddress"', "pair.quote"),
        ("spread_bps = 20", "spread_bps = 0", "levels[0].spread_bps"),
        ("spread_bps = 50", "spread_bps = 10000", "levels[1].spread_bps"),
        ('size = "100"', 'size = "0"', "levels[0].size"),
        ('refill_below = "0.25"', 'refill_below = "2"', "requote.refill_below"),
        ('base_max = "1000"', 'base_max = "1000"\nbase_min = "2000"', "inventory.base_max"),
        ("[requote]", "[requotes]", "unknown setting"),
    ],
)
def test_a_bad_value_is_an_error_naming_its_key(tmp_path: Path, old: str, new: str, named: str) -> None:
    assert old in GOOD
    with pytest.raises(ConfigError) as refused:
        load_market_maker_config(write(tmp_path, GOOD.replace(old, new, 1)))
    assert named in str(refused.value) and MAKER.seed not in str(refused.value)


def test_issues_are_written_as_text_or_tables() -> None:
    assert parse_issue("XRP", "k") == XRP_ISSUE
    assert parse_issue({"currency": "USD", "issuer": ISSUER.address}, "k") == issue("USD", ISSUER.address)
    with pytest.raises(ConfigError, match="unknown setting"):
        parse_issue({"currency": "USD", "issuer": ISSUER.address, "x": 1}, "k")
    with pytest.raises(ConfigError, match="k:"):
        parse_issue(5, "k")


def test_rates_are_read_exactly_from_text_or_json() -> None:
    assert parse_rate(" 0.9215\n", "f") == Decimal("0.9215")
    assert parse_rate('{"rate": 1.0000000000000000001}', "f") == Decimal("1.0000000000000000001")
    assert parse_rate('{"rate": "1.5"}', "f") == Decimal("1.5")
    for garbled in ("", "abc", "-1", "0", "{", '{"price": 1}', '{"rate": true}', "NaN"):
        with pytest.raises(RateUnavailable):
            parse_rate(garbled, "f")


async def test_a_file_source_rereads_the_file_and_a_missing_file_is_unavailable(tmp_path: Path) -> None:
    source = FileRate(tmp_path / "rate.txt")
    with pytest.raises(RateUnavailable, match=r"rate\.txt"):
        await source.read()
    (tmp_path / "rate.txt").write_text("1.25")
    assert await source.read() == Decimal("1.25")
    (tmp_path / "rate.txt").write_text("1.30")
    assert await source.read() == Decimal("1.30")


async def test_an_http_source_reads_text_or_json_and_an_error_status_is_unavailable() -> None:
    answers = iter([web.Response(text='{"rate": "0.91"}'), web.Response(text="0.93"),
                    web.Response(status=503, text="down")])

    async def handler(request: web.Request) -> web.Response:
        return next(answers)

    app = web.Application()
    app.router.add_get("/rate", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        source = HttpRate(f"http://127.0.0.1:{port}/rate")
        assert await source.read() == Decimal("0.91")
        assert await source.read() == Decimal("0.93")
        with pytest.raises(RateUnavailable, match="HTTP 503"):
            await source.read()
    finally:
        await runner.cleanup()
    with pytest.raises(RateUnavailable):
        await source.read()  # nobody listens any more


def test_xpay_market_maker_with_a_bad_file_is_a_one_line_error(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, GOOD.replace('value = "0.5"', "value = 0.5"))
    assert main(["market-maker", "--config", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("xpay: error: rate.value") and len(err.splitlines()) == 1
    assert MAKER.seed not in err
