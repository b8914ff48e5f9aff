"""`xpay gateway --config FILE`: run a bank's gateway and its back-office REST API until Ctrl-C or
SIGTERM.

The configuration is read and checked completely first (a bad file is a one-line error, exit
status 2, with nothing opened or sent); then the service starts, prints where its API listens
(`xpay gateway ready: …`), and runs until told to stop, when it stops cleanly: API first, then the
follower and deposits in flight (which resume at the next start), then the book.
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

from gateways.gateway.config import GatewayConfig, load_gateway_config
from gateways.gateway.errors import GatewayError
from gateways.gateway.rest import GatewayApi
from gateways.gateway.service import GatewayService
from xpay.client import ClientError

READY_LINE = "xpay gateway ready"


def add_gateway_command(subparsers: Any) -> None:
    """Register `xpay gateway` on the CLI's subparsers."""
    parser = subparsers.add_parser(
        "gateway", help="run a bank's gateway: issuing and operational addresses, book and back-office API"
    )
    parser.add_argument("--config", required=True, type=Path, help="the gateway's TOML configuration")
    parser.add_argument("--log-level", default="WARNING", help="Python logging level (default WARNING)")
    parser.set_defaults(func=gateway_command)


def gateway_command(args: argparse.Namespace) -> int:
    config = load_gateway_config(args.config)  # ConfigError is a ValueError: one line, exit 2
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(_run(config))
    except (GatewayError, ClientError, OSError, BaseExceptionGroup) as error:
        cause = error
        while isinstance(cause, BaseExceptionGroup):
            cause = cause.exceptions[0]
        if not isinstance(cause, GatewayError | ClientError | OSError):
            raise
        print(f"xpay: error: gateway: {cause}", file=sys.stderr)
        return 1
    return 0


async def _run(config: GatewayConfig) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with GatewayService(config) as gateway, GatewayApi(gateway, config.api) as api:
            print(f"{READY_LINE}: {config.name}", flush=True)
            print(f"  back-office API: {api.url}", flush=True)
            print(f"  issuing:         {config.issuing.address}", flush=True)
            print(f"  operational:     {config.operational.address}", flush=True)
            print(f"  ledger cursor:   {gateway.book.cursor()}", flush=True)
            await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError, RuntimeError):
                loop.remove_signal_handler(sig)
    print("xpay gateway stopped", flush=True)


__all__ = ["READY_LINE", "add_gateway_command", "gateway_command"]
