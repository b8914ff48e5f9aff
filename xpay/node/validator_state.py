"""What a validator must remember across a crash: the largest ledger sequence it signed a
validation for (rippled keeps it in its wallet database to honour ``canValidateSeq`` after a
restart).

An honest validator validates each sequence at most once. If it signed a validation for ledger
N, crashed, and came back believing it never had, it could sign a second, different ledger at N
— exactly what peers detect as Byzantine. So a bound on the sequences it may have signed is
written to disk, and fsynced, *before* a validation leaves the node.

The bound runs ahead of what was signed by a small lease (``LEASE`` sequences): one fsync covers
the next few validations instead of one fsync per ledger on the path to full validation. After a
crash the node takes the whole lease as signed, and so skips validating at most ``LEASE``
sequences — never validates one twice.

One small file in the data directory, replaced atomically (write, fsync, rename, fsync the
directory): a SIGKILL at any instant leaves either the old bound or the new one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Final

FILE_NAME: Final = "validator_state.json"
LEASE: Final = 4
"""Sequences one durable write covers ahead of the validation that made it."""


class ValidatorState:
    """The persisted bound on the sequences one validator may have validated."""

    def __init__(self, data_dir: Path, *, lease: int = LEASE) -> None:
        if lease < 1:
            raise ValueError("the lease covers at least one sequence")
        self._path = data_dir / FILE_NAME
        self._lease = lease
        self._bound = self._load()

    def _load(self) -> int:
        try:
            text = self._path.read_text()
        except FileNotFoundError:
            return 0
        try:
            value = json.loads(text)["largest_validated_seq"]
        except (ValueError, KeyError, TypeError):
            raise ValueError(f"{self._path} is damaged; refusing to guess what this validator signed") from None
        if not isinstance(value, int) or value < 0:
            raise ValueError(f"{self._path} holds no valid largest_validated_seq")
        return value

    @property
    def largest_validated_seq(self) -> int:
        """What a restarted validator must assume it validated: the durable bound."""
        return self._bound

    def covers(self, seq: int) -> bool:
        """Whether validating ``seq`` is already covered by the durable bound (no I/O needed)."""
        return seq <= self._bound

    def record(self, seq: int) -> None:
        """Make the durable bound cover ``seq`` (blocking: a file write and two fsyncs, unless
        the lease already covers it). Call before sending the validation."""
        if self.covers(seq):
            return
        bound = seq + self._lease - 1
        tmp = self._path.with_suffix(".tmp")
        with tmp.open("w") as file:
            json.dump({"largest_validated_seq": bound}, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, self._path)
        directory = os.open(self._path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        self._bound = bound
