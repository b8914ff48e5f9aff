"""The `xpay` command groups of this package: `xpay gateway`, `xpay market-maker`, `xpay demo`
(registered by xpay.cli through COMMAND_GROUPS)."""

from __future__ import annotations

from typing import Any

from gateways.demo.command import add_demo_command
from gateways.gateway.command import add_gateway_command
from gateways.market_maker.command import add_market_maker_command


def add_gateway_commands(subparsers: Any) -> None:
    """Register `gateway`, `market-maker` and `demo` on the CLI's subparsers."""
    add_gateway_command(subparsers)
    add_market_maker_command(subparsers)
    add_demo_command(subparsers)


__all__ = ["add_gateway_commands"]
