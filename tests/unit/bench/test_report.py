"""The settlement report: percentiles, outcomes ledger-truth first, and the results folder's
shapes (results.json's keys, payments.csv one row per payment, the counts adding up)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from bench.procstat import Sample
from bench.report import PAYMENT_COLUMNS, percentiles, summarise, write_results
from bench.settlement_load import PaymentRecord, Recorder


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentiles(values) == {"p50": 50.0, "p90": 90.0, "p99": 99.0, "max": 100.0, "count": 100}
    assert percentiles([3.0]) == {"p50": 3.0, "p90": 3.0, "p99": 3.0, "max": 3.0, "count": 1}
    assert percentiles([])["count"] == 0


def _record(index: int, **fields: object) -> PaymentRecord:
    record = PaymentRecord(index, f"{index:064X}", "same", "USD->USD", index % 2, index * 0.1, sent=index * 0.1)
    for name, value in fields.items():
        setattr(record, name, value)
    return record


def _records() -> list[PaymentRecord]:
    return [
        _record(0, answer="tesSUCCESS", validated_at=1.0, validated_result="tesSUCCESS", ledger_index=5),
        _record(1, answer="tesSUCCESS", validated_at=1.5, validated_result="tesSUCCESS", ledger_index=6),
        _record(2, answer="tecPATH_PARTIAL", validated_at=1.6, validated_result="tecPATH_PARTIAL", ledger_index=6),
        _record(3, answer="temBAD_AMOUNT"),
        _record(4, answer="tesSUCCESS"),
        _record(5, answer="terPRE_SEQ", validated_at=2.0, validated_result="tesSUCCESS", ledger_index=7),
    ]


def test_outcomes_put_the_ledger_first() -> None:
    outcomes = [r.outcome() for r in _records()]
    assert outcomes == ["validated", "validated", "validated:tecPATH_PARTIAL", "submit:temBAD_AMOUNT",
                        "not_validated", "validated"]
    assert [r.resolved() for r in _records()] == [True, True, True, True, False, True]


def test_a_second_validated_event_is_a_duplicate_not_a_second_payment() -> None:
    records = [_record(0), _record(1)]
    recorder = Recorder(records)
    message = {"type": "transaction", "validated": True, "hash": records[0].hash, "engine_result": "tesSUCCESS",
               "ledger_index": 9}
    recorder.on_stream(0, message, 1.0)
    recorder.on_stream(0, message, 1.2)
    recorder.on_stream(0, {**message, "hash": records[1].hash}, 1.3)  # node 0 is not record 1's bank
    assert recorder.duplicate_events == 1
    assert records[0].validated_at == 1.0 and records[0].ledger_index == 9
    assert records[1].validated_result is None


def test_results_folder_shapes(tmp_path: Path) -> None:
    records = _records()
    results = summarise(
        records, offered_rate=10.0, submitted_in=0.6, ended=4.0, ledgers=[(5, 1.0, 1), (6, 2.0, 2), (7, 3.0, 1)],
        ledger_intervals=[1.0, 1.0], consensus_times=[0.2], resources={}, duplicate_events=0, config={"api": "ws"},
    )
    write_results(tmp_path, results, records, [Sample(1.0, "validator-0", 50.0, 2**20)], [(5, 1.0, 1)], 3.0)
    data = json.loads((tmp_path / "results.json").read_text())
    assert {"offered_rate", "validated_tps", "latency_ms", "failures", "counts", "ledger_interval_ms",
            "consensus_ms", "resources", "config", "machine"} <= data.keys()
    assert set(data["latency_ms"]) >= {"p50", "p90", "p99", "max"}
    assert data["failures"] == {"not_validated": 1, "submit:temBAD_AMOUNT": 1, "validated:tecPATH_PARTIAL": 1}
    assert data["counts"]["validated"] == 3 and data["counts"]["submitted"] == 6
    assert data["counts"]["validated"] + sum(data["failures"].values()) == data["counts"]["submitted"]
    # 3 validated between the first submission (0.0) and the last tesSUCCESS (2.0).
    assert data["validated_span_s"] == 2.0 and data["validated_tps"] == 1.5
    assert data["run_s"] == 4.0 and data["validated_tps_over_run"] == 0.75
    with (tmp_path / "payments.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == PAYMENT_COLUMNS and len(rows) == len(records)
    assert [row["outcome"] for row in rows] == [r.outcome() for r in records]
    with (tmp_path / "timeseries.csv").open() as f:
        series = list(csv.DictReader(f))
    assert sum(int(row["offered"]) for row in series) == len(records)
    assert sum(int(row["validated"]) for row in series) == 3
    assert "cpu_pct_validator-0" in series[0]
    with (tmp_path / "ledgers.csv").open() as f:
        assert next(csv.reader(f)) == ["ledger_index", "at_s", "interval_ms", "txn_count", "bench_payments"]
    for name in ("latency_cdf.png", "throughput.png", "latency_over_time.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
