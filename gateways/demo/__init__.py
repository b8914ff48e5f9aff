"""`xpay demo`: the README's walk-through of a cross-border payment (two gateways, a market
maker, a path found by the network, the fees and the settlement time)."""

from gateways.demo.network import NetworkEndpoint, local_devnet
from gateways.demo.walkthrough import DemoResult, Walkthrough, run_walkthrough

__all__ = ["DemoResult", "NetworkEndpoint", "Walkthrough", "local_devnet", "run_walkthrough"]
