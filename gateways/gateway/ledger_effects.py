"""What a validated transaction did to an issuer's trust lines, read from its metadata.

A trust line (RippleState) keeps one Balance, seen from its low account: positive when the low
account holds the high account's IOUs, negative when the high account holds the low account's
(rippled's RippleState). For the lines of an issuer, that gives each holder's balance of the
issuer's currency before and after the transaction: PreviousFields.Balance (absent: unchanged)
and FinalFields.Balance for a ModifiedNode, nothing and NewFields.Balance for a CreatedNode,
PreviousFields / FinalFields and zero for a DeletedNode (a line is deleted only once empty).

The sum of the holders' changes is the change in what the issuer owes: every IOU movement touches
the issuer's lines (IOUs ripple through their issuer), so these changes are the whole story, as
the XRPL's "Robustly Monitoring for Payments" advises (rather than trusting a payment's Amount,
which a partial payment does not deliver).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gateways.decimal_amounts import ARITHMETIC


@dataclass(frozen=True, slots=True)
class LineChange:
    """A holder's balance of the issuer's currency changed by `change` (positive: received)."""

    holder: str
    currency: str
    change: Decimal


def _balance(fields: Mapping[str, Any] | None) -> Decimal | None:
    if not fields:
        return None
    balance = fields.get("Balance")
    if not isinstance(balance, Mapping) or not isinstance(balance.get("value"), str):
        return None
    return Decimal(balance["value"])


def _party(fields: Mapping[str, Any], name: str) -> str | None:
    limit = fields.get(name)
    if isinstance(limit, Mapping) and isinstance(limit.get("issuer"), str):
        return str(limit["issuer"])
    return None


def issuer_line_changes(meta: Mapping[str, Any] | None, issuer: str) -> tuple[LineChange, ...]:
    """The changes, per holder and currency, of the balances of `issuer`'s IOUs in a
    transaction's metadata (rippled's JSON form). Lines between two other accounts are ignored."""
    if not meta:
        return ()
    totals: dict[tuple[str, str], Decimal] = {}
    for wrapper in meta.get("AffectedNodes", ()):
        if not isinstance(wrapper, Mapping):
            continue
        for kind, node in wrapper.items():
            if not isinstance(node, Mapping) or node.get("LedgerEntryType") != "RippleState":
                continue
            final = node.get("FinalFields") or node.get("NewFields") or {}
            low, high = _party(final, "LowLimit"), _party(final, "HighLimit")
            if issuer not in (low, high) or low == high:
                continue
            holder = high if low == issuer else low
            assert holder is not None
            balance_field = final.get("Balance")
            if not isinstance(balance_field, Mapping) or not isinstance(balance_field.get("currency"), str):
                continue
            currency = str(balance_field["currency"])
            if kind == "CreatedNode":
                before, after = Decimal(0), _balance(node.get("NewFields")) or Decimal(0)
            elif kind == "ModifiedNode":
                after = _balance(node.get("FinalFields")) or Decimal(0)
                previous = _balance(node.get("PreviousFields"))
                before = after if previous is None else previous
            elif kind == "DeletedNode":
                final_balance = _balance(node.get("FinalFields")) or Decimal(0)
                previous = _balance(node.get("PreviousFields"))
                before, after = (final_balance if previous is None else previous), Decimal(0)
            else:
                continue
            delta = ARITHMETIC.subtract(after, before)
            if low == issuer:
                delta = -delta  # the balance is the low side's (the issuer's): the holder's is its negation
            if delta:
                key = (holder, currency)
                totals[key] = ARITHMETIC.add(totals.get(key, Decimal(0)), delta)
    return tuple(LineChange(holder, currency, change) for (holder, currency), change in sorted(totals.items()) if change)


def obligation_changes(changes: tuple[LineChange, ...], *, excluding: frozenset[str]) -> dict[str, Decimal]:
    """Per currency, the change in what the issuer owes to holders other than `excluding` (its
    own operational addresses, whose balances gateway_balances lists apart)."""
    out: dict[str, Decimal] = {}
    for line in changes:
        if line.holder in excluding:
            continue
        out[line.currency] = ARITHMETIC.add(out.get(line.currency, Decimal(0)), line.change)
    return {currency: value for currency, value in out.items() if value}


def transaction_index(meta: Mapping[str, Any] | None) -> int:
    """The transaction's position in its ledger (metadata's TransactionIndex)."""
    if meta:
        value = meta.get("TransactionIndex")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return 0


__all__ = ["LineChange", "issuer_line_changes", "obligation_changes", "transaction_index"]
