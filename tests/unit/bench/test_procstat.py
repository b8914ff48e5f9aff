"""CPU and memory from /proc: this process reads as alive with some CPU and memory, a process
that has gone reads as None, and the summary averages only the loaded period."""

from __future__ import annotations

import os
import subprocess
import sys

from bench.procstat import (
    MACHINE,
    ResourceSampler,
    Sample,
    cpu_seconds,
    machine_busy_seconds,
    rss_bytes,
)


def test_this_process_has_cpu_time_and_memory() -> None:
    assert (cpu_seconds(os.getpid()) or 0) > 0
    assert (rss_bytes(os.getpid()) or 0) > 1_000_000
    assert machine_busy_seconds() > 0


def test_a_process_that_has_gone_reads_as_none() -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert cpu_seconds(gone.pid) is None and rss_bytes(gone.pid) is None


def test_the_summary_averages_the_loaded_period_and_keeps_the_peak_memory() -> None:
    sampler = ResourceSampler({"validator-0": 1}, origin=0.0)
    sampler.samples = [
        Sample(1.0, "validator-0", 10.0, 100 * 2**20),
        Sample(2.0, "validator-0", 30.0, 120 * 2**20),
        Sample(3.0, "validator-0", 50.0, 110 * 2**20),
        Sample(9.0, "validator-0", 0.0, 300 * 2**20),  # after the load: not in the mean
        Sample(2.0, MACHINE, 150.0, 0),
    ]
    summary = sampler.summary(0.5, 3.0)
    assert summary["validator-0"] == {"cpu_percent_mean": 30.0, "cpu_percent_max": 50.0, "rss_mb_peak": 300.0}
    assert summary[MACHINE]["cpu_percent_mean"] == 150.0
