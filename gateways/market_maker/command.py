"""`xpay market-maker --config FILE`: keep two-sided quotes on a pair until Ctrl-C or SIGTERM,
then cancel them.

The configuration is checked completely first (a bad file is a one-line error, exit status 2,
nothing sent). On a signal the bot finishes the cycle in progress and cancels every offer it has
in the pair's books before exiting.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from gateways.market_maker.bot import MarketMaker
from gateways.market_maker.config import MarketMakerConfig, load_market_maker_config
from xpay.client import ClientError

READY_LINE = "xpay market-maker ready"


def add_market_maker_command(subparsers: Any) -> None:
    """Register `xpay market-maker` on the CLI's subparsers."""
    parser = subparsers.add_parser("market-maker", help="quote both sides of a currency pair around a reference rate")
    parser.add_argument("--config", required=True, type=Path, help="the market maker's TOML configuration")
    parser.add_argument("--log-level", default="WARNING", help="Python logging level (default WARNING)")
    parser.set_defaults(func=market_maker_command)


def market_maker_command(args: argparse.Namespace) -> int:
    config = load_market_maker_config(args.config)  # ConfigError is a ValueError: one line, exit 2
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(_run(config))
    except (ClientError, OSError, BaseExceptionGroup) as error:
        cause = error
        while isinstance(cause, BaseExceptionGroup):
            cause = cause.exceptions[0]
        if not isinstance(cause, ClientError | OSError):
            raise
        print(f"xpay: error: market-maker: {cause}", file=sys.stderr)
        return 1
    return 0


async def _run(config: MarketMakerConfig) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with MarketMaker(config) as bot:
            print(f"{READY_LINE}: {config.describe_pair()} for {bot.address}, rate from "
                  f"{config.rate_source.describe()}", flush=True)
            await stop.wait()
        print(f"xpay market-maker stopped: cancelled {len(bot.cancelled)} offers", flush=True)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError, RuntimeError):
                loop.remove_signal_handler(sig)


__all__ = ["READY_LINE", "add_market_maker_command", "market_maker_command"]
