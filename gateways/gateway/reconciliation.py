"""Reconciliation: what the issuing address owes on the ledger against the book's liabilities.

The XRPL's gateway guide asks an issuer to compare, as of each ledger, its obligations on the
ledger (gateway_balances of the issuing address, its operational addresses named as hot wallets)
with the funds it holds for them outside, and to stop moving money until any difference is
explained. Here the comparison is per currency, at one validated ledger — the one the book is
complete up to (the follower's cursor) — between:

- on the ledger: the sum of the balances the issuing address owes on its trust lines, operational
  addresses excepted (account_lines: each line's balance is exact), frozen lines included (they are
  still owed, though rippled's gateway_balances lists them apart from its `obligations`);
- in the book: the balance of the `issued` journal account, which adds up the exact changes of
  those lines.

gateway_balances' own total is reported beside it: the node adds the lines with STAmount
arithmetic, 16 significant digits, so with many lines of long fractions its last digit can differ
from the exact sum; the comparison uses the exact one.

A mismatch is reported precisely: the currency, both figures and their difference, the
transactions that changed the obligations in ways the book could not explain (LedgerExceptions:
an IOU issued outside the gateway names its transaction, ledger and holders), and the holders of
the issuer's IOUs that are not customers of the bank.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gateways.decimal_amounts import ARITHMETIC, value_text
from gateways.gateway.book import ISSUED, Book, LedgerException
from xpay.client import APIMethods, GatewayBalances


@dataclass(frozen=True, slots=True)
class CurrencyReconciliation:
    currency: str
    on_ledger: Decimal
    """The exact sum of the holders' balances (frozen ones included)."""
    in_book: Decimal
    """The `issued` account's balance."""

    gateway_balances: Decimal | None = None
    """gateway_balances' obligations plus frozen balances (16-digit arithmetic), for reference."""

    @property
    def difference(self) -> Decimal:
        """On the ledger minus in the book (positive: the ledger owes more than the book knows)."""
        return ARITHMETIC.subtract(self.on_ledger, self.in_book)

    @property
    def matches(self) -> bool:
        return self.difference == 0

    def to_json(self) -> dict[str, object]:
        return {
            "currency": self.currency,
            "on_ledger": value_text(self.on_ledger),
            "in_book": value_text(self.in_book),
            "difference": value_text(self.difference),
            "matches": self.matches,
            "gateway_balances": None if self.gateway_balances is None else value_text(self.gateway_balances),
        }


@dataclass(frozen=True, slots=True)
class UnknownHolder:
    """An account holding the issuer's IOUs that is not a customer of the bank."""

    address: str
    currency: str
    balance: Decimal

    def to_json(self) -> dict[str, object]:
        return {"address": self.address, "currency": self.currency, "balance": value_text(self.balance)}


@dataclass(frozen=True, slots=True)
class ReconciliationReport:
    ledger_index: int
    currencies: tuple[CurrencyReconciliation, ...]
    exceptions: tuple[LedgerException, ...]
    unknown_holders: tuple[UnknownHolder, ...]
    operational_balances: dict[str, Decimal]

    @property
    def matches(self) -> bool:
        return all(item.matches for item in self.currencies)

    def to_json(self) -> dict[str, object]:
        return {
            "ledger_index": self.ledger_index,
            "matches": self.matches,
            "currencies": [item.to_json() for item in self.currencies],
            "exceptions": [item.to_json() for item in self.exceptions],
            "unknown_holders": [item.to_json() for item in self.unknown_holders],
            "operational_balances": {c: value_text(v) for c, v in sorted(self.operational_balances.items())},
        }

    def summary(self) -> str:
        """One line per currency, for logs and the command line."""
        lines = []
        for item in self.currencies:
            mark = "matches" if item.matches else f"MISMATCH by {value_text(item.difference)}"
            lines.append(f"{item.currency}: ledger {value_text(item.on_ledger)} / book {value_text(item.in_book)}: {mark}")
        return "; ".join(lines)


def on_ledger_totals(balances: GatewayBalances, currencies: tuple[str, ...]) -> dict[str, Decimal]:
    totals = {currency: balances.obligations.get(currency, Decimal(0)) for currency in currencies}
    for items in balances.frozen_balances.values():
        for item in items:
            if item.currency in totals:
                totals[item.currency] = ARITHMETIC.add(totals[item.currency], item.value)
    return totals


async def reconcile(client: APIMethods, book: Book, *, issuing: str, operational: str,
                    currencies: tuple[str, ...], ledger_index: int) -> ReconciliationReport:
    """Compare the ledger at `ledger_index` (the book's cursor) with the book."""
    exact = {currency: Decimal(0) for currency in currencies}
    unknown: list[UnknownHolder] = []
    async for line in client.account_lines(issuing, ledger_index=ledger_index):
        if line.currency not in exact or line.peer == operational or line.balance >= 0:
            continue
        owed = -line.balance
        exact[line.currency] = ARITHMETIC.add(exact[line.currency], owed)
        if book.customer_by_address(line.peer) is None:
            unknown.append(UnknownHolder(line.peer, line.currency, owed))
    balances = await client.gateway_balances(issuing, hotwallets=[operational], ledger_index=ledger_index)
    reported = on_ledger_totals(balances, currencies)
    rows = tuple(
        CurrencyReconciliation(currency, exact[currency], book.balance(ISSUED, currency), reported[currency])
        for currency in currencies
    )
    operational_balances = {
        item.currency: item.value for item in balances.balances.get(operational, ()) if item.currency in currencies
    }
    return ReconciliationReport(ledger_index, rows, tuple(book.exceptions()), tuple(unknown), operational_balances)


__all__ = ["CurrencyReconciliation", "ReconciliationReport", "UnknownHolder", "on_ledger_totals", "reconcile"]
