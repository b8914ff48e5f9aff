"""Headline figures: the few rows each benchmark reports to `xpay bench all`, and their table.

Each benchmark module has a `headline()` that runs a small configuration (seconds, not minutes)
and returns its rows; bench.suite runs them and prints one aligned table (or JSON).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Headline:
    bench: str
    name: str
    value: float
    unit: str
    target: str = ""
    """The brief's target in words (`>= 20,000`), or empty when there is none."""


def _value_text(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def render_table(rows: Sequence[Headline]) -> str:
    """One aligned table: benchmark, figure, value, unit, target."""
    table = [("bench", "figure", "value", "unit", "target")]
    table += [(r.bench, r.name, _value_text(r.value), r.unit, r.target) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    lines = []
    for number, row in enumerate(table):
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2]),
                 row[3].ljust(widths[3]), row[4].ljust(widths[4])]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
