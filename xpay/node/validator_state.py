"""What a validator must remember across a crash: the largest ledger sequence it signed a
validation for (rippled keeps it in its wallet database to honour ``canValidateSeq`` after a
restart).

An honest validator validates each sequence at most once. If it signed a validation for ledger
N, crashed, and came back believing it never had, it could sign a second, different ledger at N
— exactly what peers detect as Byzantine. So the sequence is written to disk, and fsynced,
*before* the validation leaves the node. One small file in the data directory, replaced
atomically (write, fsync, rename, fsync the directory): a SIGKILL at any instant leaves either the
old value or the new one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Final

FILE_NAME: Final = "validator_state.json"


class ValidatorState:
    """The persisted largest validated sequence of one validator's data directory."""

    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / FILE_NAME
        self._largest = self._load()

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
        return self._largest

    def record(self, seq: int) -> None:
        """Durably remember that we validated ``seq`` (blocking: a file write and two fsyncs).
        Call before sending the validation."""
        if seq <= self._largest:
            return
        tmp = self._path.with_suffix(".tmp")
        with tmp.open("w") as file:
            json.dump({"largest_validated_seq": seq}, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, self._path)
        directory = os.open(self._path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        self._largest = seq
