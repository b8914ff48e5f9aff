"""Amount arithmetic benchmark: nanoseconds per operation on the payment engine's hot path.

    .venv/bin/python -m bench.amounts
    .venv/bin/python -m bench.amounts --rounds 200000 --json

Each operation runs over a fixed, varied set of operands (16-digit IOU mantissas across
exponents, XRP drops), so branch-dependent costs are averaged rather than one lucky path timed.
The figure is the best of `--repeat` timed loops divided by the operations per loop: the cost
of the arithmetic itself, loop overhead included (a Python loop with a call costs ~30 ns).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from xpay.amounts import (
    XRP_ISSUE,
    IOUAmount,
    Issue,
    Quality,
    STAmount,
    currency_from_code,
    div_round,
    mul_round,
    multiply,
)
from xpay.protocol.ids import AccountID

USD = Issue(currency_from_code("USD"), AccountID(bytes(19) + b"\x11"))
EUR = Issue(currency_from_code("EUR"), AccountID(bytes(19) + b"\x22"))


@dataclass(frozen=True)
class Operands:
    iou_pairs: list[tuple[IOUAmount, IOUAmount]]
    usd_pairs: list[tuple[STAmount, STAmount]]
    usd_eur_pairs: list[tuple[STAmount, STAmount]]
    offers: list[tuple[Quality, STAmount, STAmount, STAmount]]
    blobs: list[bytes]
    drops: list[STAmount]
    rates: list[STAmount]


def _operands(count: int) -> Operands:
    rng = random.Random(20240601)  # fixed: the same operands on every run

    def usd() -> STAmount:
        return STAmount(rng.randrange(10**15, 10**16), rng.randrange(-20, 10), USD)

    def eur() -> STAmount:
        return STAmount(rng.randrange(10**15, 10**16), rng.randrange(-20, 10), EUR)

    offers = []
    for _ in range(count):
        in_, out = usd(), eur()
        limit = STAmount(out.mantissa // 3, out.exponent, EUR)
        offers.append((Quality.from_amounts(out, in_), in_, out, limit))
    usd_pairs = [(usd(), usd()) for _ in range(count)]
    return Operands(
        iou_pairs=[(a.iou(), b.iou()) for a, b in usd_pairs],
        usd_pairs=usd_pairs,
        usd_eur_pairs=[(usd(), eur()) for _ in range(count)],
        offers=offers,
        blobs=[a.to_wire() for a, _ in usd_pairs],
        drops=[STAmount.from_drops(rng.randrange(1, 10**12)) for _ in range(count)],
        # Rates between 0.1 and 1, as a quality or transfer rate applied to drops.
        rates=[STAmount(rng.randrange(10**15, 10**16), -16, USD) for _ in range(count)],
    )


def _time(loop: Callable[[], int], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter_ns()
        ops = loop()
        best = min(best, (time.perf_counter_ns() - start) / ops)
    return best


def run(rounds: int, repeat: int) -> dict[str, float]:
    data = _operands(1000)
    passes = max(1, rounds // 1000)
    ops = passes * 1000

    def iou_add() -> int:
        for _ in range(passes):
            for a, b in data.iou_pairs:
                a + b
        return ops

    def st_add() -> int:
        for _ in range(passes):
            for a, b in data.usd_pairs:
                a + b
        return ops

    def st_compare() -> int:
        for _ in range(passes):
            for a, b in data.usd_pairs:
                _ = a < b
        return ops

    def do_multiply() -> int:
        for _ in range(passes):
            for a, b in data.usd_eur_pairs:
                multiply(a, b, EUR)
        return ops

    def do_mul_round() -> int:
        for _ in range(passes):
            for a, b in data.usd_eur_pairs:
                mul_round(a, b, EUR, True)
        return ops

    def do_div_round() -> int:
        for _ in range(passes):
            for a, b in data.usd_eur_pairs:
                div_round(a, b, EUR, False)
        return ops

    def xrp_mul_round() -> int:
        for _ in range(passes):
            for rate, drops in zip(data.rates, data.drops):
                mul_round(drops, rate, XRP_ISSUE, True)
        return ops

    def quality_from_amounts() -> int:
        for _ in range(passes):
            for _quality, in_, out, _limit in data.offers:
                Quality.from_amounts(out, in_)
        return ops

    def ceil_out() -> int:
        for _ in range(passes):
            for quality, in_, out, limit in data.offers:
                quality.ceil_out(in_, out, limit)
        return ops

    def from_wire() -> int:
        for _ in range(passes):
            for blob in data.blobs:
                STAmount.from_wire(blob)
        return ops

    def to_wire() -> int:
        for _ in range(passes):
            for a, _b in data.usd_pairs:
                a.to_wire()
        return ops

    cases: dict[str, Callable[[], int]] = {
        "IOUAmount add": iou_add,
        "STAmount add (IOU)": st_add,
        "STAmount compare (IOU)": st_compare,
        "multiply (IOU x IOU)": do_multiply,
        "mul_round (IOU x IOU, up)": do_mul_round,
        "div_round (IOU / IOU, down)": do_div_round,
        "mul_round (XRP x IOU -> XRP, up)": xrp_mul_round,
        "Quality.from_amounts": quality_from_amounts,
        "Quality.ceil_out": ceil_out,
        "STAmount.from_wire (IOU)": from_wire,
        "STAmount.to_wire (IOU)": to_wire,
    }
    return {name: _time(loop, repeat) for name, loop in cases.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100_000, help="operations per timed loop")
    parser.add_argument("--repeat", type=int, default=5, help="timed loops; the best counts")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    results = run(args.rounds, args.repeat)
    if args.json:
        print(json.dumps({name: round(ns, 1) for name, ns in results.items()}, indent=2))
        return
    width = max(map(len, results))
    for name, ns in results.items():
        print(f"{name:<{width}}  {ns:8.1f} ns/op")


if __name__ == "__main__":
    main()
