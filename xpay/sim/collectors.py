"""Observers of a simulation run, as rippled's ``csf`` collectors: they are told about every
close, accept, validation and fully validated ledger as it happens and check invariants then.

- ``ForkChecker``: no two honest peers ever fully validate different ledgers at one sequence,
  and no honest peer's fully validated chain ever jumps to a ledger that does not descend from
  its previous fully validated ledger. Checked at every full validation (the only events that
  can break it); ``violations`` stays empty in a correct run.
- ``Liveness``: when each peer fully validated each ledger; counts per interval and gaps.
- ``RoundStats``: per-round close interval and consensus (establish) duration, in virtual ms.
- ``TxTracker``: submitted transactions and when they were first fully validated; the
  "each exactly once" check reads the peers' validated chains.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from xpay.consensus.consensus_types import ConsensusResult, ConsensusState
from xpay.consensus.validations import ValStatus
from xpay.protocol.ids import Hash256, NodeID
from xpay.sim.ledger import SimLedger, SimTxSet


@dataclass(frozen=True, slots=True)
class Summary:
    """Order statistics of a list of integer samples (virtual milliseconds)."""

    count: int
    minimum: int
    median: int
    mean: int
    p95: int
    maximum: int

    @classmethod
    def of(cls, samples: Iterable[int]) -> Summary:
        ordered = sorted(samples)
        if not ordered:
            return cls(0, 0, 0, 0, 0, 0)
        n = len(ordered)
        return cls(
            n,
            ordered[0],
            ordered[n // 2],
            sum(ordered) // n,
            ordered[min(n - 1, n * 95 // 100)],
            ordered[-1],
        )


class ForkChecker:
    def __init__(self, honest: frozenset[int]) -> None:
        self._honest = honest
        self.by_seq: dict[int, Hash256] = {}
        self.violations: list[str] = []

    def on_fully_validated(self, peer: int, ledger: SimLedger) -> None:
        if peer not in self._honest:
            return
        known = self.by_seq.setdefault(ledger.seq, ledger.id)
        if known != ledger.id:
            self.violations.append(
                f"fork at seq {ledger.seq}: peer {peer} validated {ledger.id.hex()[:12]}, "
                f"another honest peer {known.hex()[:12]}"
            )

    def on_chain_break(self, peer: int, previous: SimLedger, ledger: SimLedger) -> None:
        if peer in self._honest:
            self.violations.append(
                f"peer {peer}: fully validated {ledger.id.hex()[:12]} at seq {ledger.seq} does "
                f"not descend from its fully validated {previous.id.hex()[:12]} at {previous.seq}"
            )


class Liveness:
    def __init__(self) -> None:
        self.validated: dict[int, list[tuple[int, int]]] = {}
        """Per peer: (virtual time, sequence) of each ledger it fully validated, in order."""

    def on_fully_validated(self, peer: int, ledger: SimLedger, now: int) -> None:
        self.validated.setdefault(peer, []).append((now, ledger.seq))

    def count(self, peer: int, start: int = 0, end: int | None = None) -> int:
        """Ledgers ``peer`` fully validated in virtual time [start, end)."""
        return sum(
            1 for when, _ in self.validated.get(peer, []) if when >= start and (end is None or when < end)
        )

    def latest_seq(self, peer: int) -> int:
        entries = self.validated.get(peer)
        return entries[-1][1] if entries else 0

    def max_gap(self, peer: int, start: int, end: int) -> int:
        """Longest stretch of virtual time in [start, end) without a new fully validated ledger."""
        times = [when for when, _ in self.validated.get(peer, []) if start <= when < end]
        edges = [start, *times, end]
        return max(b - a for a, b in pairwise(edges))


class RoundStats:
    def __init__(self) -> None:
        self._last_close: dict[int, int] = {}
        self.close_intervals: dict[int, list[int]] = {}
        self.consensus_times: dict[int, list[int]] = {}
        self.states: Counter[tuple[int, ConsensusState]] = Counter()

    def on_close(self, peer: int, now: int) -> None:
        last = self._last_close.get(peer)
        if last is not None:
            self.close_intervals.setdefault(peer, []).append(now - last)
        self._last_close[peer] = now

    def on_restart(self, peer: int) -> None:
        self._last_close.pop(peer, None)

    def on_accept(self, peer: int, result: ConsensusResult[SimTxSet, NodeID]) -> None:
        self.consensus_times.setdefault(peer, []).append(result.round_time)
        self.states[(peer, result.state)] += 1

    def close_interval(self, peers: Iterable[int]) -> Summary:
        return Summary.of(x for p in peers for x in self.close_intervals.get(p, []))

    def consensus_time(self, peers: Iterable[int]) -> Summary:
        return Summary.of(x for p in peers for x in self.consensus_times.get(p, []))


class TxTracker:
    def __init__(self) -> None:
        self.submitted: dict[Hash256, int] = {}
        self.first_validated: dict[Hash256, int] = {}

    def on_submit(self, tx_id: Hash256, now: int) -> None:
        self.submitted.setdefault(tx_id, now)

    def on_fully_validated(self, ledger: SimLedger, now: int) -> None:
        for tx_id in ledger.txs:
            self.first_validated.setdefault(tx_id, now)

    def latency(self) -> Summary:
        """Submission to first full validation, over validated transactions."""
        return Summary.of(
            self.first_validated[tx] - when
            for tx, when in self.submitted.items()
            if tx in self.first_validated
        )

    @staticmethod
    def inclusions(chain: Iterable[SimLedger]) -> dict[Hash256, list[int]]:
        """Every transaction in a chain of ledgers, with the sequences that include it."""
        found: dict[Hash256, list[int]] = {}
        for ledger in chain:
            for tx_id in ledger.txs:
                found.setdefault(tx_id, []).append(ledger.seq)
        return found


@dataclass
class Collectors:
    """Every collector of a run, fed by the simulated peers."""

    honest: frozenset[int]
    fork: ForkChecker = field(init=False)
    liveness: Liveness = field(default_factory=Liveness)
    rounds: RoundStats = field(default_factory=RoundStats)
    txs: TxTracker = field(default_factory=TxTracker)
    validation_status: Counter[tuple[int, ValStatus]] = field(default_factory=Counter)
    garbage: Counter[int] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.fork = ForkChecker(self.honest)

    def on_close(self, peer: int, now: int) -> None:
        self.rounds.on_close(peer, now)

    def on_accept(self, peer: int, result: ConsensusResult[SimTxSet, NodeID]) -> None:
        self.rounds.on_accept(peer, result)

    def on_fully_validated(self, peer: int, ledger: SimLedger, now: int) -> None:
        self.fork.on_fully_validated(peer, ledger)
        self.liveness.on_fully_validated(peer, ledger, now)
        if peer in self.honest:
            self.txs.on_fully_validated(ledger, now)

    def on_chain_break(self, peer: int, previous: SimLedger, ledger: SimLedger) -> None:
        self.fork.on_chain_break(peer, previous, ledger)

    def on_validation(self, peer: int, status: ValStatus) -> None:
        self.validation_status[(peer, status)] += 1

    def on_garbage(self, peer: int) -> None:
        self.garbage[peer] += 1

    def on_restart(self, peer: int) -> None:
        self.rounds.on_restart(peer)
