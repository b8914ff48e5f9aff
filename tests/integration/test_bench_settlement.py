"""`xpay bench settlement` against a running devnet (`xpay devnet` as an OS process, 3 validators
on the in-process overlay): the report it writes must agree with the ledger history, asked for
independently here — every payment it counts as validated is in that validated ledger with
tesSUCCESS, nothing is counted twice, the counts add up — and payments that fail must be named
by their result code, not counted as settled, including those sent to a validator killed
mid-run. The self-check catches tampered records, and a network the benchmark starts itself
(validators over a private mosquitto) reports each validator's CPU and memory."""

from __future__ import annotations

import csv
import json
import re
import selectors
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.settlement_check import check_records
from bench.settlement_load import PaymentRecord
from tests.support.devnet import GENESIS, fast_parms, process_devnet, rpc
from tests.support.mosquitto import Broker, mosquitto_path
from tests.support.ports import free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def devnet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """A running devnet: the JSON-RPC URLs of its 3 validators."""
    data_dir = tmp_path_factory.mktemp("devnet")
    process = subprocess.Popen(
        [sys.executable, "-m", "xpay.cli", "devnet", "--validators", "3", "--close-interval", "0.5",
         "--base-port", str(free_port()), "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert process.stdout is not None
    try:
        urls: list[str] = []
        # Wait for the first line with a deadline; the ready block follows it at once.
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            assert selector.select(timeout=60), "xpay devnet printed nothing within 60 s"
        while True:
            line = process.stdout.readline()
            assert line, "xpay devnet exited early"
            urls += re.findall(r"JSON-RPC (http://\S+)", line)
            if line.startswith("WARNING:"):
                break
        assert len(urls) == 3
        yield urls
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()


def _bench(urls: list[str], out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xpay.cli", "bench", "settlement", "--connect", ",".join(urls),
         "--rate", "20", "--duration", "3", "--grace", "10", "--out", str(out), *extra],
        capture_output=True, text=True, timeout=150,
    )


def _payments(out: Path) -> list[dict[str, str]]:
    with (out / "payments.csv").open() as f:
        return list(csv.DictReader(f))


def _ledger_hashes(url: str, index: int) -> list[str]:
    ledger = rpc(url, "ledger", ledger_index=index, transactions=True, expand=False)
    assert ledger["validated"] is True
    return [h.upper() for h in ledger["ledger"]["transactions"]]


def _assert_report_matches_ledgers(urls: list[str], out: Path) -> tuple[dict[str, Any], list[dict[str, str]]]:
    results = json.loads((out / "results.json").read_text())
    rows = _payments(out)
    hashes = [row["hash"] for row in rows]
    assert len(set(hashes)) == len(hashes), "a payment appears twice in payments.csv"

    counted = [row for row in rows if row["outcome"] == "validated"]
    counts = results["counts"]
    assert counts["submitted"] == len(rows) == results["config"]["rate"] * results["config"]["duration"]
    assert counts["validated"] == len(counted)
    assert counts["validated"] + sum(results["failures"].values()) == counts["submitted"]
    for outcome, number in results["failures"].items():
        assert number == sum(1 for row in rows if row["outcome"] == outcome)

    # The ledger history, asked for independently: each validated ledger once, and every
    # benchmark payment found in at most one of them.
    indexes = {int(row["ledger_index"]) for row in rows if row["ledger_index"]}
    in_ledger: dict[str, int] = {}
    for index in sorted(indexes):
        for tx_hash in _ledger_hashes(urls[0], index):
            assert tx_hash not in in_ledger, f"{tx_hash} in ledgers {in_ledger[tx_hash]} and {index}"
            in_ledger[tx_hash] = index
    for row in rows:
        tx = rpc(urls[int(row["node"])], "tx", transaction=row["hash"], binary=False)
        if row["outcome"] == "validated":
            assert tx["validated"] is True, row
            assert tx["meta"]["TransactionResult"] == "tesSUCCESS", row
            assert tx["ledger_index"] == int(row["ledger_index"]) == in_ledger[row["hash"]], row
        elif row["outcome"].startswith("validated:"):
            assert tx["validated"] is True and tx["meta"]["TransactionResult"] == row["outcome"].split(":")[1], row
        else:
            assert not (tx.get("validated") and tx["meta"]["TransactionResult"] == "tesSUCCESS"), row

    span = max(float(row["validated_s"]) for row in counted) - min(float(row["sent_s"]) for row in rows)
    assert results["validated_span_s"] == pytest.approx(span, abs=2e-3)
    assert results["validated_tps"] == pytest.approx(len(counted) / span, rel=1e-2)
    latencies = sorted(float(row["latency_ms"]) for row in counted)
    assert results["latency_ms"]["max"] == pytest.approx(latencies[-1], abs=0.05)
    assert results["check"]["ok"] is True and results["check"]["checked_validated"] >= len(counted)
    for name in ("latency_cdf.png", "throughput.png", "latency_over_time.png"):
        assert (out / name).read_bytes()[:8] == PNG, name
    return results, rows


def test_the_report_agrees_with_the_ledger_history(devnet: list[str], tmp_path: Path) -> None:
    done = _bench(devnet, tmp_path, "--seed", "11")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "validated (tesSUCCESS)" in done.stdout and "consistent with the ledgers" in done.stdout
    assert re.search(r"\[\s*\d+\.\d s\] offered", done.stderr), "no progress lines"
    results, rows = _assert_report_matches_ledgers(devnet, tmp_path)
    kinds = {row["kind"] for row in rows if row["outcome"] == "validated"}
    assert kinds == {"same", "cross"}
    assert results["counts"]["validated"] > 0


def test_unfunded_payments_are_failures_by_result_code_not_settlements(devnet: list[str], tmp_path: Path) -> None:
    done = _bench(devnet, tmp_path, "--seed", "12", "--bad-share", "0.3", "--api", "http")
    assert done.returncode == 0, done.stderr[-3000:]
    results, rows = _assert_report_matches_ledgers(devnet, tmp_path)
    bad = [row for row in rows if row["kind"] == "bad"]
    assert bad, "the mix holds no unfunded payment"
    assert all(row["outcome"] == "validated:tecPATH_PARTIAL" for row in bad)
    assert results["failures"]["validated:tecPATH_PARTIAL"] == len(bad)
    assert results["counts"]["by_kind"]["bad"]["validated"] == 0
    assert results["counts"]["validated"] == sum(1 for row in rows if row["kind"] != "bad" and row["outcome"] == "validated")


async def test_the_check_catches_a_report_that_counts_what_did_not_happen(devnet: list[str], tmp_path: Path) -> None:
    """The self-check run against the devnet: the harness's own records pass, and a record that
    claims the wrong ledger, a failure as a success, or a payment that never existed does not."""
    done = _bench(devnet, tmp_path, "--seed", "13", "--duration", "1", "--no-check")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "check" not in json.loads((tmp_path / "results.json").read_text())
    rows = [row for row in _payments(tmp_path) if row["outcome"] == "validated"]
    assert len(rows) >= 3
    ws_urls = [url.replace("http://", "ws://") for url in devnet]

    def record(row: dict[str, str], **changes: Any) -> PaymentRecord:
        fields: dict[str, Any] = {
            "index": int(row["index"]), "hash": row["hash"], "kind": row["kind"], "pair": row["pair"],
            "node": int(row["node"]), "due": 0.0, "sent": 0.0, "answer": "tesSUCCESS", "validated_at": 1.0,
            "validated_result": "tesSUCCESS", "ledger_index": int(row["ledger_index"]),
        }
        return PaymentRecord(**{**fields, **changes})

    honest = await check_records(ws_urls, [record(row) for row in rows])
    assert honest["ok"] is True and honest["problems"] == {}
    tampered = [
        record(rows[0], ledger_index=int(rows[0]["ledger_index"]) + 1),
        record(rows[1], validated_result="tecPATH_PARTIAL"),
        record(rows[2], hash="AB" * 32),
    ]
    caught = await check_records(ws_urls, tampered)
    assert caught["ok"] is False
    assert caught["problems"] == {"ledger_differs": 1, "result_differs": 1, "not_in_validated_ledger": 1}


@pytest.mark.mqtt
def test_a_network_it_starts_itself_reports_each_validators_cpu_and_memory(tmp_path: Path) -> None:
    mosquitto_path()  # skips (or, under CI, fails) naming the install step when it is missing
    done = subprocess.run(
        [sys.executable, "-m", "xpay.cli", "bench", "settlement", "--validators", "3", "--transport", "mqtt",
         "--rate", "20", "--duration", "2", "--close-interval", "0.5", "--out", str(tmp_path), "--quiet"],
        capture_output=True, text=True, timeout=150,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    resources = results["resources"]
    assert {"validator-0", "validator-1", "validator-2", "broker", "load-generator", "machine"} <= resources.keys()
    for name in ("validator-0", "validator-1", "validator-2"):
        assert resources[name]["rss_mb_peak"] > 10 and resources[name]["cpu_percent_mean"] > 0, resources[name]
    assert results["counts"]["validated"] > 0 and results["check"]["ok"] is True
    with (tmp_path / "timeseries.csv").open() as f:
        header = next(csv.reader(f))
    assert "cpu_pct_validator-2" in header and "rss_mb_broker" in header


@pytest.mark.mqtt
def test_a_validator_killed_mid_run_is_reported_and_its_payments_are_not_counted(
    tmp_path: Path, mosquitto: Broker
) -> None:
    """5 validators (quorum 4) as processes; one is SIGKILLed a second into the load. The run goes
    on: payments to the dead node are failures (refused on a closed connection, or never
    validated), its connection is reported lost, the others' payments still validate, and
    everything counted as validated is in the surviving nodes' ledger history."""
    processes = process_devnet(tmp_path / "net", mosquitto.url, validators=5, close_interval=0.5, parms=fast_parms(0.5))
    for process in processes:
        process.start(wait=False)
    for process in processes:
        process.wait_ready()
    out = tmp_path / "out"
    bench = subprocess.Popen(
        [sys.executable, "-m", "xpay.cli", "bench", "settlement", "--connect", ",".join(p.ws_url for p in processes),
         "--genesis-seed", GENESIS.seed, "--rate", "20", "--duration", "4", "--grace", "8", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert bench.stderr is not None
        for line in bench.stderr:
            if line.startswith("[") and float(line[1:].split("s]")[0]) >= 1.0:
                processes[4].kill()
                break
        else:
            raise AssertionError("the benchmark ended before its load started")
        _stdout, stderr = bench.communicate(timeout=120)
        assert bench.returncode == 0, stderr[-3000:]
        results = json.loads((out / "results.json").read_text())
        assert results["connections_lost"] == [4]
        assert results["check"]["ok"] is True
        rows = _payments(out)
        assert len({row["hash"] for row in rows}) == len(rows)
        late_to_dead = [row for row in rows if row["node"] == "4" and float(row["sent_s"]) > 2.0]
        assert late_to_dead and all(row["outcome"] in ("submit:connectionClosed", "not_validated") for row in late_to_dead)
        assert results["failures"].get("submit:connectionClosed", 0) + results["failures"].get("not_validated", 0) >= len(late_to_dead)
        late_to_live = [row for row in rows if row["node"] != "4" and float(row["sent_s"]) > 2.0]
        assert any(row["outcome"] == "validated" for row in late_to_live), "the surviving quorum validated nothing"
        survivor = processes[0].url
        counted = [row for row in rows if row["outcome"] == "validated"]
        assert results["counts"]["validated"] == len(counted)
        for row in counted:
            tx = rpc(survivor, "tx", transaction=row["hash"], binary=False)
            assert tx["validated"] is True and tx["meta"]["TransactionResult"] == "tesSUCCESS", row
            assert tx["ledger_index"] == int(row["ledger_index"]), row
    finally:
        if bench.poll() is None:
            bench.kill()
            bench.communicate()
        for process in processes:
            if process.process is not None:
                process.stop()


def test_batched_submission_agrees_with_the_ledger_history(devnet: list[str], tmp_path: Path) -> None:
    """`--batch-ms`: the payments due in each window leave as one WebSocket message per node
    (the node's batch form) — counted once each, and each found in the ledgers as reported."""
    done = _bench(devnet, tmp_path, "--seed", "13", "--batch-ms", "250")
    assert done.returncode == 0, done.stderr[-3000:]
    results, rows = _assert_report_matches_ledgers(devnet, tmp_path)
    assert results["config"]["batch_ms"] == 250
    assert results["counts"]["validated"] == len(rows) and not results["failures"]
    assert {row["answer"] for row in rows} == {"tesSUCCESS"}, "each element of a batch is answered"
    # 20 payments a second in 250 ms windows: they leave in groups, not one by one.
    send_times = {round(float(row["sent_s"]), 2) for row in rows}
    assert len(send_times) <= len(rows) // 3
