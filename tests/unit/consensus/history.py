"""Toy ledger histories for consensus unit tests, as rippled's ``LedgerHistoryHelper``: the
ledger named "abc" has sequence 3 and ancestors "a" (1) and "ab" (2); "abd" forks from it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from xpay.protocol.ids import Hash256


def ledger_id(path: str) -> Hash256:
    return Hash256(hashlib.sha256(path.encode()).digest())


@dataclass(frozen=True, slots=True)
class PathLedger:
    """A ledger identified by its ancestry path; satisfies ``ConsensusLedger``."""

    path: str
    window: int = 256
    close_time: int = 1000
    close_time_resolution: int = 10
    close_agree: bool = True
    parent_close_time: int = 999

    @property
    def id(self) -> Hash256:
        return ledger_id(self.path)

    @property
    def seq(self) -> int:
        return len(self.path)

    def ancestor(self, seq: int) -> Hash256 | None:
        if seq < 1 or seq > self.seq or self.seq - seq > self.window:
            return None
        return ledger_id(self.path[:seq])


class History:
    """Ledgers by path; ``acquire`` returns only those marked as held."""

    def __init__(self, *, window: int = 256) -> None:
        self.window = window
        self.held: dict[Hash256, PathLedger] = {}

    def __getitem__(self, path: str) -> PathLedger:
        ledger = PathLedger(path, self.window)
        self.held[ledger.id] = ledger
        return ledger

    def unheld(self, path: str) -> PathLedger:
        return PathLedger(path, self.window)

    def acquire(self, lid: Hash256) -> PathLedger | None:
        return self.held.get(lid)
