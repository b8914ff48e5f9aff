"""CPU and memory of the processes under test, sampled from /proc once a second, and the whole
machine's CPU (so other work on a shared machine shows up next to the figures).

CPU is utime + stime of /proc/<pid>/stat (in clock ticks), memory VmRSS of /proc/<pid>/status.
A process that has gone away (stopped by the test, or crashed) just stops contributing samples.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of `pid` so far; None when it has gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    # The command name (field 2) may hold spaces: the fields after it follow the last ')'.
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


MACHINE = "machine"
"""The name of the whole machine's CPU (all cores, every process) among the samples."""


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (every core, not idle nor waiting on I/O)."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / TICKS


def rss_bytes(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


@dataclass(frozen=True, slots=True)
class Sample:
    at: float
    """Seconds since the run's origin (time.monotonic() - origin)."""
    name: str
    cpu_percent: float
    """CPU over the second before `at`, in % of one core."""
    rss_bytes: int


@dataclass
class ResourceSampler:
    """Samples every named process each `interval` seconds while `run()` is running."""

    pids: dict[str, int]
    origin: float
    interval: float = 1.0
    samples: list[Sample] = field(default_factory=list)

    def sample_once(self, last: dict[str, tuple[float, float]]) -> None:
        now = time.monotonic()
        busy = machine_busy_seconds()
        previous_busy = last.get(MACHINE)
        last[MACHINE] = (now, busy)
        if previous_busy is not None and now > previous_busy[0]:
            percent = (busy - previous_busy[1]) / (now - previous_busy[0]) * 100
            self.samples.append(Sample(round(now - self.origin, 3), MACHINE, round(percent, 1), 0))
        for name, pid in self.pids.items():
            cpu = cpu_seconds(pid)
            rss = rss_bytes(pid)
            if cpu is None or rss is None:
                continue
            previous = last.get(name)
            last[name] = (now, cpu)
            if previous is not None and now > previous[0]:
                percent = (cpu - previous[1]) / (now - previous[0]) * 100
                self.samples.append(Sample(round(now - self.origin, 3), name, round(percent, 1), rss))

    async def run(self) -> None:
        if not self.pids:
            return
        last: dict[str, tuple[float, float]] = {}
        while True:
            self.sample_once(last)
            await asyncio.sleep(self.interval)

    def summary(self, start: float, end: float) -> dict[str, dict[str, float]]:
        """Per process: mean CPU % over the samples in [start, end] (the loaded period) and peak
        RSS (MB) over the whole run."""
        out: dict[str, dict[str, float]] = {}
        for name in [*self.pids, MACHINE]:
            mine = [s for s in self.samples if s.name == name]
            loaded = [s.cpu_percent for s in mine if start < s.at <= end + 1e-9]
            out[name] = {
                "cpu_percent_mean": round(sum(loaded) / len(loaded), 1) if loaded else 0.0,
                "cpu_percent_max": round(max(loaded), 1) if loaded else 0.0,
                "rss_mb_peak": round(max((s.rss_bytes for s in mine), default=0) / 2**20, 1),
            }
        return out
