"""The settlement benchmark's results: figures from the payment records, and the files of a results
folder — results.json, payments.csv, timeseries.csv, ledgers.csv, three PNG plots — and the
one-screen summary.

Definitions (the test checks the files against them and against the ledger):
* `validated`: payments validated with tesSUCCESS, as the submitting node's stream reported them;
* `validated_tps` = validated / `validated_span_s`, the span from the first submission to the
  last tesSUCCESS validation; `validated_tps_over_run` = validated / `run_s`, from the load's
  start to the end of the grace wait (a network that stalls after a good start shows there);
* `latency_ms`: submit sent -> validated on that stream, over the validated payments;
* `failures`: every other payment by outcome — `validated:<code>`, `submit:<code>`,
  `not_validated` — so validated + sum(failures) = submitted.
"""

from __future__ import annotations

import csv
import json
import math
import os
import platform
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.procstat import Sample
from bench.settlement_load import PaymentRecord

PAYMENT_COLUMNS = (
    "index", "hash", "kind", "pair", "node", "due_s", "sent_s", "answer", "answered_s",
    "validated_s", "validated_result", "ledger_index", "latency_ms", "outcome",
)


def percentiles(values: Sequence[float]) -> dict[str, float]:
    """p50 / p90 / p99 / max (nearest rank), in the values' unit, and the count; zeros when
    empty."""
    if not values:
        return {"p50": 0.0, "p90": 0.0, "p99": 0.0, "max": 0.0, "count": 0}
    ordered = sorted(values)

    def rank(fraction: float) -> float:
        index = min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))
        return round(ordered[index], 4)

    return {"p50": rank(0.50), "p90": rank(0.90), "p99": rank(0.99), "max": round(ordered[-1], 4), "count": len(ordered)}


def _ms(values: Sequence[float]) -> dict[str, float]:
    return percentiles([v * 1000 for v in values])


def machine() -> dict[str, Any]:
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu_model": model,
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


def summarise(
    records: Sequence[PaymentRecord],
    *,
    offered_rate: float,
    submitted_in: float,
    ended: float,
    ledgers: Sequence[tuple[int, float, int]],
    ledger_intervals: Sequence[float],
    consensus_times: Sequence[float],
    resources: dict[str, dict[str, float]],
    duplicate_events: int,
    config: dict[str, Any],
) -> dict[str, Any]:
    """results.json's content (the check is added by the caller)."""
    outcomes = Counter(r.outcome() for r in records)
    validated = [r for r in records if r.outcome() == "validated"]
    sent = [r.sent for r in records if r.sent is not None]
    span = (max(r.validated_at for r in validated if r.validated_at is not None) - min(sent)) if validated else 0.0
    by_kind: dict[str, dict[str, Any]] = {}
    for kind in sorted({r.kind for r in records}):
        mine = [r for r in records if r.kind == kind]
        ok = [r for r in mine if r.outcome() == "validated"]
        by_kind[kind] = {
            "submitted": sum(1 for r in mine if r.sent is not None),
            "validated": len(ok),
            "latency_ms": _ms([lat for r in ok if (lat := r.latency) is not None]),
        }
    failures = {name: count for name, count in sorted(outcomes.items()) if name != "validated"}
    return {
        "offered_rate": offered_rate,
        "submitted_in_s": round(submitted_in, 3),
        "achieved_submit_rate": round(len(sent) / submitted_in, 2) if submitted_in else 0.0,
        "validated_tps": round(len(validated) / span, 2) if span else 0.0,
        "validated_span_s": round(span, 4),
        # Over the whole run (load start to the end of the grace wait): a network that stalls
        # after a good start shows here, where the span above ends at its last validation.
        "validated_tps_over_run": round(len(validated) / ended, 2) if ended else 0.0,
        "run_s": round(ended, 3),
        "latency_ms": _ms([lat for r in validated if (lat := r.latency) is not None]),
        "latency_ms_by_kind": {kind: info["latency_ms"] for kind, info in by_kind.items()},
        "submit_lag_ms": _ms([r.sent - r.due for r in records if r.sent is not None]),
        "failures": failures,
        "counts": {
            "payments": len(records),
            "submitted": len(sent),
            "validated": len(validated),
            "failed": sum(failures.values()),
            "by_kind": {kind: {k: v for k, v in info.items() if k != "latency_ms"} for kind, info in by_kind.items()},
            "duplicate_stream_events": duplicate_events,
        },
        "ledgers": {
            "count": len(ledgers),
            "first": ledgers[0][0] if ledgers else None,
            "last": ledgers[-1][0] if ledgers else None,
        },
        "ledger_interval_ms": _ms(ledger_intervals),
        "consensus_ms": _ms(consensus_times),
        "resources": resources,
        "config": config,
        "machine": machine(),
    }


def _fmt(value: float | None, scale: float = 1.0, digits: int = 4) -> str:
    return "" if value is None else f"{value * scale:.{digits}f}"


def write_payments_csv(path: Path, records: Sequence[PaymentRecord]) -> None:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(PAYMENT_COLUMNS)
        for r in records:
            latency = r.latency
            writer.writerow([
                r.index, r.hash, r.kind, r.pair, r.node, _fmt(r.due), _fmt(r.sent), r.answer or "",
                _fmt(r.answered), _fmt(r.validated_at), r.validated_result or "",
                "" if r.ledger_index is None else r.ledger_index, _fmt(latency, 1000, 2), r.outcome(),
            ])


def timeseries(
    records: Sequence[PaymentRecord], samples: Sequence[Sample], end: float
) -> tuple[list[str], list[list[Any]]]:
    """Per second of the run: offered, submitted, validated (tesSUCCESS), p50 / p99 latency of
    those validated in that second, in flight at its end, and each process's CPU % and RSS."""
    seconds = max(1, math.ceil(end))
    offered = [0] * seconds
    submitted = [0] * seconds
    validated = [0] * seconds
    latencies: list[list[float]] = [[] for _ in range(seconds)]
    for r in records:
        offered[min(seconds - 1, int(r.due))] += 1
        if r.sent is not None:
            submitted[min(seconds - 1, int(r.sent))] += 1
        if r.outcome() == "validated" and r.validated_at is not None and (lat := r.latency) is not None:
            slot = min(seconds - 1, int(r.validated_at))
            validated[slot] += 1
            latencies[slot].append(lat * 1000)
    names = sorted({s.name for s in samples})
    by_second: dict[tuple[str, int], Sample] = {}
    for s in samples:
        by_second[(s.name, min(seconds - 1, max(0, math.ceil(s.at) - 1)))] = s
    header = ["second", "offered", "submitted", "validated", "p50_ms", "p99_ms", "in_flight"]
    for name in names:
        header += [f"cpu_pct_{name}", f"rss_mb_{name}"]
    rows: list[list[Any]] = []
    sent_so_far = done_so_far = 0
    resolved_at = [
        r.validated_at if r.validated_at is not None else (r.answered if r.resolved() else None) for r in records
    ]
    done_by_second = [0] * seconds
    for at in resolved_at:
        if at is not None:
            done_by_second[min(seconds - 1, int(at))] += 1
    for second in range(seconds):
        sent_so_far += submitted[second]
        done_so_far += done_by_second[second]
        p = percentiles(latencies[second])
        row: list[Any] = [second, offered[second], submitted[second], validated[second],
                          round(p["p50"], 1), round(p["p99"], 1), sent_so_far - done_so_far]
        for name in names:
            sample = by_second.get((name, second))
            row += ["", ""] if sample is None else [sample.cpu_percent, round(sample.rss_bytes / 2**20, 1)]
        rows.append(row)
    return header, rows


def write_rows(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def ledger_rows(ledgers: Sequence[tuple[int, float, int]], records: Sequence[PaymentRecord]) -> list[list[Any]]:
    in_ledger = Counter(r.ledger_index for r in records if r.ledger_index is not None)
    rows: list[list[Any]] = []
    previous: float | None = None
    for index, at, txn_count in ledgers:
        interval = "" if previous is None else round((at - previous) * 1000, 1)
        rows.append([index, round(at, 4), interval, txn_count, in_ledger.get(index, 0)])
        previous = at
    return rows


def write_plots(out: Path, records: Sequence[PaymentRecord], header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str | None:
    """latency_cdf.png, throughput.png, latency_over_time.png; the reason when they cannot be
    drawn (matplotlib missing: `pip install -e '.[bench]'`)."""
    # Imported here: matplotlib is optional (the `bench` extra) and slow to import, and the Agg
    # backend must be chosen before pyplot is imported (no display on a server).
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "plots skipped: matplotlib is not installed (pip install -e '.[bench]')"
    validated = [r for r in records if r.outcome() == "validated" and r.latency is not None]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for kind in ["all", *sorted({r.kind for r in validated})]:
        lat = sorted((r.latency or 0.0) * 1000 for r in validated if kind == "all" or r.kind == kind)
        if lat:
            ax.plot(lat, [(i + 1) / len(lat) for i in range(len(lat))], label=f"{kind} ({len(lat)})")
    _finish(plt, fig, ax, "submit -> validated (ms)", "fraction of payments", "Settlement latency CDF", out / "latency_cdf.png")

    column = {name: i for i, name in enumerate(header)}
    seconds = [row[0] for row in rows]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(seconds, [row[column["offered"]] for row in rows], label="offered /s")
    ax.plot(seconds, [row[column["submitted"]] for row in rows], label="submitted /s", linestyle=":")
    validated_per_s = [row[column["validated"]] for row in rows]
    ax.plot(seconds, validated_per_s, label="validated (tesSUCCESS) /s", alpha=0.5)
    # Validations arrive a ledger at a time: a 5 s mean shows the sustained rate.
    window = 5
    rolling = [sum(validated_per_s[max(0, i - window + 1) : i + 1]) / min(window, i + 1) for i in range(len(rows))]
    ax.plot(seconds, rolling, label=f"validated, {window} s mean", color="green", linewidth=2)
    _finish(plt, fig, ax, "second of the run", "payments per second", "Offered vs validated throughput", out / "throughput.png")

    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.scatter([r.validated_at or 0.0 for r in validated], [(r.latency or 0.0) * 1000 for r in validated], s=2,
               alpha=0.3, label="each payment")
    # A second's percentiles are drawn at its middle; seconds without a validation are gaps.
    middles = [s + 0.5 for s in seconds]
    ax.plot(middles, [row[column["p50_ms"]] or math.nan for row in rows], label="p50 per second", color="black")
    ax.plot(middles, [row[column["p99_ms"]] or math.nan for row in rows], label="p99 per second", color="red")
    _finish(plt, fig, ax, "second of the run (validated at)", "submit -> validated (ms)", "Latency over time", out / "latency_over_time.png")
    return None


def _finish(plt: Any, fig: Any, ax: Any, xlabel: str, ylabel: str, title: str, path: Path) -> None:
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def summary_text(results: dict[str, Any], out: Path) -> str:
    """The one screen printed at the end."""
    cfg = results["config"]
    counts = results["counts"]
    lat = results["latency_ms"]
    lines = [
        f"xpay settlement benchmark: {cfg.get('validators', '?')} validators ({cfg.get('transport')}), "
        f"{results['offered_rate']:g} payments/s offered for {cfg.get('duration')} s over {cfg.get('api')}, "
        f"cross-currency share {cfg.get('cross_share')}",
        f"  payments   {counts['submitted']} submitted, {counts['validated']} validated (tesSUCCESS), "
        f"{counts['failed']} failed",
    ]
    for kind, info in counts["by_kind"].items():
        kl = results["latency_ms_by_kind"][kind]
        lines.append(f"    {kind:6} {info['validated']:6d}/{info['submitted']:<6d} validated   p50 {kl['p50']:8.1f} ms  "
                     f"p99 {kl['p99']:8.1f} ms")
    lines += [
        f"  throughput {results['validated_tps']:.1f} validated/s ({results['validated_tps_over_run']:.1f}/s over the "
        f"whole {results['run_s']:.0f} s run); submitted at {results['achieved_submit_rate']:.1f}/s, "
        f"submit lag p99 {results['submit_lag_ms']['p99']:.1f} ms",
        f"  latency    p50 {lat['p50']:.1f} ms  p90 {lat['p90']:.1f} ms  p99 {lat['p99']:.1f} ms  max {lat['max']:.1f} ms",
        f"  ledgers    {results['ledgers']['count']} validated, interval p50 {results['ledger_interval_ms']['p50']:.0f} ms "
        f"p99 {results['ledger_interval_ms']['p99']:.0f} ms; consensus p50 {results['consensus_ms']['p50']:.0f} ms "
        f"p99 {results['consensus_ms']['p99']:.0f} ms",
    ]
    if results["failures"]:
        lines.append("  failures   " + ", ".join(f"{name} {count}" for name, count in results["failures"].items()))
    else:
        lines.append("  failures   none")
    resources = results["resources"]
    lines.append("  resources  (mean CPU % of one core while loaded, peak RSS)")
    if set(resources) <= {"load-generator", "machine"}:
        lines.append("    validators not measured (the network was not started by the benchmark)")
    for name, res in resources.items():
        memory = f"RSS {res['rss_mb_peak']:7.1f} MB" if name != "machine" else f"all {results['machine']['cores']} cores"
        lines.append(f"    {name:14} CPU {res['cpu_percent_mean']:6.1f} %  (max {res['cpu_percent_max']:6.1f} %)  {memory}")
    ours = sum(res["cpu_percent_mean"] for name, res in resources.items() if name != "machine")
    if "machine" in resources and resources["machine"]["cpu_percent_mean"] - ours > 25:
        lines.append(f"  WARNING    other work used about {resources['machine']['cpu_percent_mean'] - ours:.0f} % of a core "
                     "meanwhile: the figures are noisy")
    check = results.get("check")
    if check is not None:
        verdict = "consistent with the ledgers" if check["ok"] else f"INCONSISTENT: {check['problems']}"
        lines.append(f"  check      {check['checked_validated']} validated payments asked for again: {verdict}"
                     + (f"; {check['validated_unseen']} more validated after the grace period" if check["validated_unseen"] else ""))
    if results.get("connections_lost"):
        lines.append(f"  WARNING    connections closed by the node during the run: {results['connections_lost']}")
    lines.append(f"  results    {out}")
    return "\n".join(lines)


def write_results(
    out: Path,
    results: dict[str, Any],
    records: Sequence[PaymentRecord],
    samples: Sequence[Sample],
    ledgers: Sequence[tuple[int, float, int]],
    end: float,
) -> str | None:
    """Every file of the results folder; returns the note when plots were skipped."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    write_payments_csv(out / "payments.csv", records)
    header, rows = timeseries(records, samples, end)
    write_rows(out / "timeseries.csv", header, rows)
    write_rows(out / "ledgers.csv", ["ledger_index", "at_s", "interval_ms", "txn_count", "bench_payments"],
               ledger_rows(ledgers, records))
    return write_plots(out, records, header, rows)
