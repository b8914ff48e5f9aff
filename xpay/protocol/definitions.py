"""The XRPL's protocol definitions (`definitions.json`), loaded once as package data.

`definitions.json` is the table rippled publishes through its `server_definitions` method and the
XRPL client libraries ship: types and their codes, fields with their nth and flags, transaction
and ledger entry types, result codes and flags. Everything in `xpay.protocol` and `xpay.codec`
that names an XRPL type, field or code is derived from it (or, for the static enum modules,
generated from it and checked against it by a test).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from typing import Any, Final


def _load() -> Mapping[str, Any]:
    text = resources.files(__package__).joinpath("definitions.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


DEFINITIONS: Final[Mapping[str, Any]] = _load()
"""The parsed `definitions.json`: TYPES, FIELDS, TRANSACTION_TYPES, LEDGER_ENTRY_TYPES,
TRANSACTION_RESULTS, TRANSACTION_FLAGS, LEDGER_ENTRY_FLAGS, ACCOUNT_SET_FLAGS and the formats."""
