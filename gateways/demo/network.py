"""The network the demo runs on: a running one (`--url`), or a devnet started in this process.

A local devnet is xpay.node.devnet's `Devnet`: N validators reaching consensus over the
in-process overlay, each with its API on a free port, genesis funded from the given seed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from xpay.consensus import ConsensusParms
from xpay.node.devnet import Devnet, DevnetConfig


@dataclass(frozen=True, slots=True)
class NetworkEndpoint:
    """Where the demo talks to the network."""

    url: str
    """A node's WebSocket URL."""
    description: str


def quick_parms(close_interval: float) -> ConsensusParms:
    """Consensus timing for a devnet on one machine: rounds as short as the close interval."""
    interval = round(close_interval * 1000)
    return ConsensusParms(
        close_interval_ms=interval,
        idle_interval_ms=interval,
        ledger_min_consensus_ms=min(150, interval),
        ledger_max_consensus_ms=max(1000, 4 * interval),
        ledger_max_pause_ms=max(2000, 8 * interval),
    )


@asynccontextmanager
async def local_devnet(data_dir: Path, *, genesis_seed: str, validators: int = 4, close_interval: float = 1.0,
                       network_id: int | None = None) -> AsyncIterator[NetworkEndpoint]:
    """A devnet of `validators` validators in this event loop; the endpoint of validator 0."""
    settings: dict[str, object] = {}
    if network_id is not None:
        settings["network_id"] = network_id
    config = DevnetConfig(
        data_dir=data_dir, validators=validators, close_interval=close_interval, base_port=0,
        genesis_seed=genesis_seed, parms=quick_parms(close_interval), listen=min(0.5, close_interval), **settings,  # type: ignore[arg-type]
    )
    async with Devnet(config, stop=asyncio.Event()) as devnet:
        endpoint = devnet.endpoints()[0]
        assert endpoint.websocket is not None
        yield NetworkEndpoint(
            endpoint.websocket,
            f"in-process devnet: {validators} validators reaching consensus, a ledger every {close_interval:g} s",
        )


__all__ = ["NetworkEndpoint", "local_devnet", "quick_parms"]
