"""Generates the static enum modules of `xpay.protocol` from `definitions.json`.

The result codes, transaction types and ledger entry types are written out as ordinary Python
modules — not built at import time — so that a type checker sees every name (`Tec.tecPATH_DRY`,
`TransactionType.Payment`). A unit test renders them again and fails when a module is stale.

Run `python -m xpay.protocol.generate` after replacing `definitions.json`.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from xpay.protocol.definitions import DEFINITIONS

HEADER = '"""{doc}\n\nGenerated from definitions.json by `python -m xpay.protocol.generate`: do not edit.\n"""\n'

TER_CLASSES: tuple[tuple[str, str, str], ...] = (
    ("Tel", "tel", "Local error: the transaction was not applied and not relayed (-399..-300)."),
    ("Tem", "tem", "Malformed: the transaction can never succeed as written (-299..-200)."),
    ("Tef", "tef", "Failure: not applied and not retried, e.g. a past sequence (-199..-100)."),
    ("Ter", "ter", "Retry: may succeed later, e.g. after a missing account is funded (-99..-1)."),
    ("Tes", "tes", "Success (0)."),
    ("Tec", "tec", "Claimed: applied only to charge the fee and use the sequence (100..255)."),
)


def _enum_body(members: Mapping[str, int]) -> str:
    lines = [f"    {name} = {code}" for name, code in sorted(members.items(), key=lambda kv: kv[1])]
    return "\n".join(lines) + "\n"


def render_ter_codes() -> str:
    """The result-code module: one IntEnum per class, names and numbers as rippled's TER.h."""
    results: Mapping[str, int] = DEFINITIONS["TRANSACTION_RESULTS"]
    out = [
        HEADER.format(doc="XRPL transaction result codes (rippled's TER), one IntEnum per class.")
    ]
    out.append("\nfrom __future__ import annotations\n\nfrom enum import IntEnum\n")
    for class_name, prefix, doc in TER_CLASSES:
        members = {name: code for name, code in results.items() if name.startswith(prefix)}
        out.append(f'\n\nclass {class_name}(IntEnum):\n    """{doc}"""\n\n')
        out.append(_enum_body(members))
    return "".join(out)


def render_transaction_types() -> str:
    """The TransactionType module (rippled's TxType)."""
    types: Mapping[str, int] = DEFINITIONS["TRANSACTION_TYPES"]
    out = [HEADER.format(doc="XRPL transaction types (rippled's TxType) and their codes.")]
    out.append("\nfrom __future__ import annotations\n\nfrom enum import IntEnum\n")
    out.append(
        '\n\nclass TransactionType(IntEnum):\n    """The `TransactionType` field\'s values."""\n\n'
    )
    out.append(_enum_body(types))
    return "".join(out)


def render_ledger_entry_types() -> str:
    """The LedgerEntryType module (rippled's LedgerEntryType)."""
    types: Mapping[str, int] = DEFINITIONS["LEDGER_ENTRY_TYPES"]
    out = [
        HEADER.format(doc="XRPL ledger entry types (rippled's LedgerEntryType) and their codes.")
    ]
    out.append("\nfrom __future__ import annotations\n\nfrom enum import IntEnum\n")
    out.append(
        '\n\nclass LedgerEntryType(IntEnum):\n    """The `LedgerEntryType` field\'s values."""\n\n'
    )
    out.append(_enum_body(types))
    return "".join(out)


def render_all() -> dict[str, str]:
    """File name -> rendered text, for every generated module."""
    return {
        "ter_codes.py": render_ter_codes(),
        "transaction_types.py": render_transaction_types(),
        "ledger_entry_types.py": render_ledger_entry_types(),
    }


def main() -> int:
    here = Path(__file__).parent
    for name, text in render_all().items():
        (here / name).write_text(text, encoding="utf-8")
        print(f"wrote {here / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
