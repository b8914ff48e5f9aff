"""The fork checker: reads every node's ledger history from its SQLite store (after the nodes
stopped) and proves the network never disagreed on a validated ledger.

Two rules, for every pair of honest nodes and every sequence:

* **agreement** — no validated ledger differs between two nodes at the same sequence;
* **linkage** — each node's validated chain links by parent hash wherever it holds two
  consecutive validated ledgers, and every stored header hashes to its recorded hash.

A node that caught up from a state snapshot may have gaps in its validated history; gaps are
reported (``gaps``), not failures.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from xpay.ledger.ledger import LedgerHeader
from xpay.store.ledger_store import DB_FILE_NAME


@dataclass(frozen=True, slots=True)
class ValidatedLedger:
    seq: int
    hash: bytes
    parent_hash: bytes


@dataclass
class ForkReport:
    """What the checker saw; `assert_ok()` raises with every violation listed."""

    chains: dict[str, dict[int, ValidatedLedger]]
    violations: list[str] = field(default_factory=list)
    gaps: dict[str, list[int]] = field(default_factory=dict)

    @property
    def highest_common(self) -> int:
        """The highest sequence every node validated."""
        return min((max(chain) if chain else 0) for chain in self.chains.values())

    def validated_seq(self, node: str) -> int:
        chain = self.chains[node]
        return max(chain) if chain else 0

    def assert_ok(self) -> None:
        assert not self.violations, "fork checker:\n" + "\n".join(self.violations)


def read_validated_chain(data_dir: Path) -> dict[int, ValidatedLedger]:
    """Every validated ledger a node's store holds, by sequence (read-only)."""
    path = data_dir / DB_FILE_NAME
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT seq, hash, header FROM ledgers WHERE validated = 1 ORDER BY seq").fetchall()
    finally:
        conn.close()
    chain: dict[int, ValidatedLedger] = {}
    for seq, ledger_hash, header_bytes in rows:
        header = LedgerHeader.from_bytes(bytes(header_bytes))
        chain[int(seq)] = ValidatedLedger(int(seq), bytes(ledger_hash), bytes(header.parent_hash))
        if header.hash() != bytes(ledger_hash) or header.seq != seq:
            raise AssertionError(f"{data_dir}: ledger {seq}'s stored header does not hash to its hash")
    return chain


def check_forks(data_dirs: Iterable[Path]) -> ForkReport:
    """Read every node's validated chain and check agreement and linkage."""
    chains = {str(path): read_validated_chain(path) for path in data_dirs}
    report = ForkReport(chains)
    by_seq: dict[int, dict[bytes, list[str]]] = {}
    for node, chain in chains.items():
        gaps: list[int] = []
        for seq, ledger in chain.items():
            by_seq.setdefault(seq, {}).setdefault(ledger.hash, []).append(node)
            parent = chain.get(seq - 1)
            if parent is None:
                if seq > 1:
                    gaps.append(seq - 1)
            elif ledger.parent_hash != parent.hash:
                report.violations.append(
                    f"{node}: validated ledger {seq} does not link to validated ledger {seq - 1}"
                )
        if gaps:
            report.gaps[node] = gaps
    for seq, hashes in sorted(by_seq.items()):
        if len(hashes) > 1:
            detail = "; ".join(f"{h.hex()[:16]} on {', '.join(nodes)}" for h, nodes in hashes.items())
            report.violations.append(f"FORK at validated ledger {seq}: {detail}")
    return report
