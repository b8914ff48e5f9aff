"""`xpay bench all`: its help, a one-benchmark run that prints the table with the codec's rows,
and a one-line error for an unknown benchmark."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def _xpay(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xpay.cli", *args], capture_output=True, text=True, timeout=120)


def test_bench_all_help_names_only_and_json() -> None:
    done = _xpay("bench", "all", "--help")
    assert done.returncode == 0 and "--only" in done.stdout and "--json" in done.stdout


def test_bench_all_only_codec_prints_its_rows_in_one_table() -> None:
    done = _xpay("bench", "all", "--only", "codec")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "cores" in lines[0]
    assert lines[1].split()[:3] == ["bench", "figure", "value"]
    body = [line for line in lines[3:] if line.startswith("codec")]
    assert any("decode + encode" in line for line in body) and any("sign + verify" in line for line in body)
    assert all(line.startswith(("codec", " ")) for line in lines[3:])


def test_bench_all_json_rows() -> None:
    done = _xpay("bench", "all", "--only", "codec", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert {row["bench"] for row in rows} == {"codec"}
    assert all(row["value"] > 0 for row in rows)


def test_an_unknown_benchmark_is_a_one_line_error() -> None:
    done = _xpay("bench", "all", "--only", "nosuch")
    assert done.returncode == 2 and "nosuch" in done.stderr and "Traceback" not in done.stderr
