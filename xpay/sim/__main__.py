"""``python -m xpay.sim``: run honest validators for a number of rounds in virtual time and print
the round statistics (close interval, consensus time, transaction latency, all in virtual ms)
and the wall-clock time the simulation took."""

from __future__ import annotations

import argparse
import time

from xpay.sim.collectors import Summary
from xpay.sim.harness import Sim, SimConfig
from xpay.sim.network import LinkProfile


def _line(name: str, summary: Summary) -> str:
    return (
        f"{name:<22} n={summary.count:<6} min={summary.minimum:<6} median={summary.median:<6} "
        f"mean={summary.mean:<6} p95={summary.p95:<6} max={summary.maximum}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m xpay.sim", description=__doc__)
    parser.add_argument("--validators", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=500)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--tx-every-ms", type=int, default=80, help="mean gap between transactions")
    parser.add_argument("--delay-ms", type=int, default=10, help="one-way link delay")
    parser.add_argument("--jitter-ms", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    sim = Sim(
        SimConfig(
            validators=args.validators,
            seed=args.seed,
            link=LinkProfile(delay_ms=args.delay_ms, jitter_ms=args.jitter_ms),
        )
    )
    sim.start()
    target = 1 + args.rounds
    sim.inject_txs(
        start_ms=0, stop_ms=args.rounds * 1100, every_ms=args.tx_every_ms // 2, jitter_ms=args.tx_every_ms
    )
    done = sim.run_until_validated(target, limit_ms=args.rounds * 5000)
    wall = time.perf_counter() - started

    peers = [p.index for p in sim.honest]
    rounds = sim.collectors.rounds
    print(f"validators={args.validators} rounds={args.rounds} seed={args.seed} reached={done}")
    print(f"virtual time {sim.now} ms, wall time {wall:.2f} s, events {sim.scheduler.events_run}")
    print(_line("close interval (ms)", rounds.close_interval(peers)))
    print(_line("consensus time (ms)", rounds.consensus_time(peers)))
    print(_line("tx to validated (ms)", sim.collectors.txs.latency()))
    print(f"transactions submitted {len(sim.collectors.txs.submitted)}, forks {len(sim.collectors.fork.violations)}")


if __name__ == "__main__":
    main()
