"""`xpay demo`: the README's walk-through — a cross-border payment on a network that reaches
consensus, explained step by step.

    xpay demo                                  # starts a 4-validator devnet in this process
    xpay demo --close-interval 0.5             # ... with faster ledgers
    xpay demo --url ws://127.0.0.1:5005/       # on a running `xpay devnet` (funded from its genesis)

Everything the demo creates (accounts, the banks' books) is new on each run, so it can run again
on the same network.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

from gateways.demo.network import local_devnet
from gateways.demo.walkthrough import run_walkthrough
from gateways.gateway.errors import GatewayError
from gateways.toml_config import check_node_url
from xpay.client import ClientError, InvalidInput, Wallet
from xpay.node.devnet import DEVNET_GENESIS_SEED


def add_demo_command(subparsers: Any) -> None:
    """Register `xpay demo` on the CLI's subparsers."""
    parser = subparsers.add_parser(
        "demo", help="walk through a cross-border payment: two banks, a market maker, Alice pays Bob"
    )
    parser.add_argument("--url", default=None,
                        help="a running node's WebSocket (ws://…) or JSON-RPC (http://…) URL; "
                             "default: start a devnet in this process")
    parser.add_argument("--genesis-seed", default=DEVNET_GENESIS_SEED,
                        help="seed (sEd…) of the account that funds the demo's accounts (default: the devnet's)")
    parser.add_argument("--validators", type=int, default=4, help="validators of the in-process devnet (default 4)")
    parser.add_argument("--close-interval", type=float, default=1.0,
                        help="seconds per ledger of the in-process devnet (default 1)")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where the devnet and the banks' books go (default: a temporary directory)")
    parser.set_defaults(func=demo_command)


def demo_command(args: argparse.Namespace) -> int:
    try:
        genesis = Wallet.from_seed(args.genesis_seed)
    except InvalidInput:
        raise ValueError("--genesis-seed: not an Ed25519 family seed (sEd…)") from None
    if args.url is not None:
        check_node_url(args.url, "--url")
    if not 1 <= args.validators <= 16:
        raise ValueError("--validators must lie between 1 and 16")
    if not 0.1 <= args.close_interval <= 10:
        raise ValueError("--close-interval must lie between 0.1 and 10 seconds")
    with tempfile.TemporaryDirectory(prefix="xpay-demo-") as temporary:
        workdir = args.data_dir if args.data_dir is not None else Path(temporary)
        try:
            asyncio.run(_run(args, genesis, workdir))
        except (GatewayError, ClientError, OSError, BaseExceptionGroup, RuntimeError, TimeoutError) as error:
            cause: BaseException = error
            while isinstance(cause, BaseExceptionGroup):
                cause = cause.exceptions[0]
            if not isinstance(cause, GatewayError | ClientError | OSError | RuntimeError | TimeoutError):
                raise
            print(f"xpay: error: demo: {cause or type(cause).__name__}", file=sys.stderr)
            return 1
    return 0


async def _run(args: argparse.Namespace, genesis: Wallet, workdir: Path) -> None:
    if args.url is not None:
        await run_walkthrough(args.url, genesis, workdir / "books")
        return
    async with local_devnet(workdir / "devnet", genesis_seed=genesis.seed, validators=args.validators,
                            close_interval=args.close_interval) as network:
        await run_walkthrough(network.url, genesis, workdir / "books", description=network.description)


__all__ = ["add_demo_command", "demo_command"]
