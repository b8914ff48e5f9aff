"""Profile a validator under settlement load: where a node's CPU goes, by function.

    .venv/bin/pip install py-spy        # a tool of the developer's, not a dependency of xpay
    .venv/bin/python -m bench.profile_node --rate 1100 --duration 30
    .venv/bin/python -m bench.profile_node --rate 700 --delay 12 --seconds 10 -- --cross-share 0

Runs `bench.settlement` (4 validators over a private mosquitto by default; anything after `--`
goes to it), waits `--delay` seconds for the load to settle, then samples one validator and the
load generator with py-spy (`record --format raw`, non-blocking) for `--seconds`. The raw stacks
and a summary — the functions with the most samples of their own (self) and under them
(inclusive), as shares of all samples — are written to `--out`. Samples include the event loop
waiting in `select`: that line is the idle share.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

_LINE_NUMBER = re.compile(r":\d+\)")


def summarize(raw: Path, top: int) -> str:
    """Self and inclusive shares of the functions in a py-spy raw (collapsed stacks) file."""
    own: collections.Counter[str] = collections.Counter()
    under: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = [_LINE_NUMBER.sub(")", frame) for frame in stack.split(";")]
        own[frames[-1]] += samples
        for frame in set(frames):
            under[frame] += samples
    if not total:
        return f"{raw.name}: no samples\n"
    lines = [f"{raw.name}: {total} samples", "  self"]
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in own.most_common(top)]
    lines.append("  inclusive")
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in under.most_common(top * 2)]
    return "\n".join(lines) + "\n"


def _children(pid: int, needle: str) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid), "-f", needle], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--validators", type=int, default=4)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of offered load")
    parser.add_argument("--delay", type=float, default=15.0, help="seconds before sampling starts")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of sampling")
    parser.add_argument("--sample-rate", type=int, default=200, help="py-spy samples per second")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path(f"bench-results/profile-{time.strftime('%Y%m%d-%H%M%S')}"))
    parser.add_argument("settlement", nargs="*", help="after --: more arguments for bench.settlement")
    args = parser.parse_args(argv)

    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        print("py-spy is missing: .venv/bin/pip install py-spy", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    bench = subprocess.Popen(
        [
            sys.executable, "-m", "bench.settlement", "--validators", str(args.validators),
            "--rate", str(args.rate), "--duration", str(args.duration), "--quiet", "--no-check",
            "--out", str(args.out / "settlement"), *args.settlement,
        ],
        stdout=(args.out / "settlement.txt").open("w"),
        stderr=subprocess.STDOUT,
    )
    time.sleep(args.delay)
    validators = _children(bench.pid, "xpay.cli node")
    targets = {"load-generator": bench.pid}
    if validators:
        targets["validator-0"] = validators[0]
    else:
        print("no validator process found under the benchmark (it may have ended)", file=sys.stderr)
    spies = [
        subprocess.Popen(
            [
                py_spy, "record", "--nonblocking", "--format", "raw", "--rate", str(args.sample_rate),
                "--duration", str(int(args.seconds)), "--pid", str(pid), "--output", str(args.out / f"{name}.raw"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, pid in targets.items()
    ]
    for spy in spies:
        spy.wait()
    bench.wait()
    report = "".join(
        summarize(args.out / f"{name}.raw", args.top) for name in targets if (args.out / f"{name}.raw").exists()
    )
    (args.out / "profile.txt").write_text(report)
    print(report, end="")
    print(f"raw stacks, the settlement summary and profile.txt in {args.out}")
    return bench.returncode


if __name__ == "__main__":
    sys.exit(main())
