"""`xpay bench`: the benchmark commands on the `xpay` CLI (`settlement`, `all`)."""

from __future__ import annotations

import argparse
from typing import Any

from bench import settlement, suite


def add_bench_commands(subparsers: Any) -> None:
    """Register `xpay bench settlement` and `xpay bench all` on the CLI's subparsers."""
    bench = subparsers.add_parser("bench", help="benchmarks: settlement latency and throughput, all")
    commands = bench.add_subparsers(dest="bench_command", required=True)
    run_settlement = commands.add_parser(
        "settlement",
        help="payments submit -> validated on a network under open-loop load",
        description=settlement.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    settlement.add_arguments(run_settlement)
    run_settlement.set_defaults(func=settlement.run)
    run_all = commands.add_parser("all", help="every benchmark, small configurations, one table")
    suite.add_arguments(run_all)
    run_all.set_defaults(func=suite.run)
