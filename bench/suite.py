"""`xpay bench all`: every benchmark in a small configuration, one table of headline figures.

Each benchmark's `headline()` runs for seconds (the whole suite in under about three minutes on
the project's 2-core machine) and returns its rows (bench.headline). The modules are imported when
their benchmark runs: bench.codec compares against xrpl-py, a development dependency, and a
missing dependency skips that benchmark with one line instead of failing the others.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
from dataclasses import asdict
from typing import Any

from bench.headline import Headline, render_table
from bench.report import machine

BENCHMARKS = ("codec", "engine", "books", "pathfind", "settlement")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", default=None, help=f"comma-separated subset of {', '.join(BENCHMARKS)}")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")


def run(args: argparse.Namespace) -> int:
    chosen = BENCHMARKS if args.only is None else tuple(name.strip() for name in args.only.split(","))
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        raise ValueError(f"--only: unknown benchmark {', '.join(unknown)} (choose from {', '.join(BENCHMARKS)})")
    rows: list[Headline] = []
    skipped: dict[str, str] = {}
    timings: dict[str, float] = {}
    for name in chosen:
        print(f"bench all: {name} ...", file=sys.stderr, flush=True)
        started = time.monotonic()
        try:
            module = importlib.import_module(f"bench.{name}")
        except ImportError as error:
            skipped[name] = f"skipped: {error}"
            print(f"bench all: {name} {skipped[name]}", file=sys.stderr, flush=True)
            continue
        rows += module.headline()
        timings[name] = round(time.monotonic() - started, 1)
    host = machine()
    if args.json:
        out: dict[str, Any] = {
            "rows": [asdict(row) for row in rows], "skipped": skipped, "seconds": timings, "machine": host,
        }
        print(json.dumps(out, indent=2))
        return 0
    print(f"xpay benchmarks (small configurations) on {host['cpu_model']}, {host['cores']} cores, "
          f"Python {host['python']}, {platform.system()}")
    print(render_table(rows))
    for name, reason in skipped.items():
        print(f"{name}: {reason}")
    return 0
