"""How a validated ledger transaction is booked: the journal entries it makes, the deposit it
settles, the withdrawal it credits, and what it leaves unexplained.

One rule decides everything: the change in the issuer's obligations (its IOUs held by anyone but
its own addresses, from the transaction's metadata, per currency) must be explained, piece by
piece, by what the gateway knows:

1. the payment of a deposit the gateway signed: the deposit's amount, issued (`bank` -> `issued`);
2. a payment to the issuing or operational address carrying a customer's DestinationTag: a
   withdrawal of the amount delivered (`issued` -> `customer:<id>`); with no or an unknown tag,
   an unattributed redemption (`issued` -> `suspense`) to be returned or resolved by hand. The
   amount is metadata's delivered_amount, never the Amount field (partial payments);
3. what remains, when it is a decrease in a transaction between third parties, is the issuer's
   transfer fee, burned by the ledger from the sender's balance (`issued` -> `transfer_fees`).

Anything else — obligations that rose without a deposit (an IOU issued outside the gateway, by
someone holding the issuing key), or that moved in a transaction of the gateway's own addresses
beyond what it intended — is not booked: it becomes a LedgerException, and reconciliation, which
compares the book with the ledger, reports it.

Only tesSUCCESS transactions change balances; a failed one (a tec result, fee charged) can only
settle a deposit as failed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gateways.decimal_amounts import ARITHMETIC, value_text
from gateways.gateway.book import (
    BANK,
    ISSUED,
    SUSPENSE,
    TRANSFER_FEES,
    Booking,
    Customer,
    Deposit,
    DepositOutcome,
    JournalEntry,
    LedgerException,
    Withdrawal,
    WithdrawalStatus,
    customer_account,
)
from gateways.gateway.ledger_effects import issuer_line_changes, obligation_changes
from xpay.client import TransactionRecord


@dataclass(frozen=True, slots=True)
class GatewayAccounts:
    """Who the gateway is on the ledger."""

    issuing: str
    operational: str
    currencies: frozenset[str]

    @property
    def own(self) -> frozenset[str]:
        return frozenset({self.issuing, self.operational})


def _delivered(meta: Mapping[str, Any] | None) -> Mapping[str, Any] | str | None:
    if not meta:
        return None
    value = meta.get("delivered_amount", meta.get("DeliveredAmount"))
    return value if isinstance(value, Mapping | str) else None


def booking_for(
    record: TransactionRecord,
    accounts: GatewayAccounts,
    *,
    deposit: Deposit | None,
    customer_for_tag: Callable[[int], Customer | None],
) -> Booking:
    """The booking of one validated transaction that touched the gateway's addresses.
    `deposit` is the deposit request whose signed payment this is, if any."""
    tx_hash = record.hash
    ledger_index = record.ledger_index or 0
    tx = record.tx_json
    sender = tx.get("Account")
    if not record.succeeded:
        if deposit is not None:
            return Booking(tx_hash, ledger_index, "deposit_failed",
                           deposit=DepositOutcome(deposit.request_id, "failed", record.engine_result or "unknown"))
        return Booking(tx_hash, ledger_index, "failed")

    changes = obligation_changes(issuer_line_changes(record.meta, accounts.issuing), excluding=accounts.own)
    remaining = dict(changes)
    entries: list[JournalEntry] = []
    kind = "other"
    outcome: DepositOutcome | None = None
    withdrawal: Withdrawal | None = None

    def explain(currency: str, change: Decimal) -> None:
        remaining[currency] = ARITHMETIC.subtract(remaining.get(currency, Decimal(0)), change)

    if deposit is not None:
        kind = "deposit"
        outcome = DepositOutcome(deposit.request_id, "validated", record.engine_result or "tesSUCCESS")
        entries.append(JournalEntry(
            kind="deposit", debit=BANK, credit=ISSUED, currency=deposit.currency, amount=deposit.amount,
            customer_id=deposit.customer_id, request_id=deposit.request_id, tx_hash=tx_hash, ledger_index=ledger_index,
        ))
        explain(deposit.currency, deposit.amount)
    elif (
        record.transaction_type == "Payment"
        and tx.get("Destination") in accounts.own
        and sender not in accounts.own
    ):
        delivered = _delivered(record.meta)
        if (
            isinstance(delivered, Mapping)
            and delivered.get("issuer") in accounts.own
            and delivered.get("currency") in accounts.currencies
        ):
            currency = str(delivered["currency"])
            amount = Decimal(str(delivered["value"]))
            tag = tx.get("DestinationTag")
            customer = customer_for_tag(tag) if isinstance(tag, int) and not isinstance(tag, bool) else None
            status: WithdrawalStatus = "credited" if customer is not None else "unattributed"
            kind = "withdrawal" if customer is not None else "unattributed"
            withdrawal = Withdrawal(
                tx_hash=tx_hash, customer_id=customer.customer_id if customer else None,
                destination_tag=tag if isinstance(tag, int) else None, sender=str(sender),
                destination=str(tx.get("Destination")), currency=currency, amount=amount, status=status,
                ledger_index=ledger_index,
            )
            entries.append(JournalEntry(
                kind=kind, debit=ISSUED,
                credit=customer_account(customer.customer_id) if customer is not None else SUSPENSE,
                currency=currency, amount=amount, customer_id=customer.customer_id if customer else None,
                tx_hash=tx_hash, ledger_index=ledger_index,
            ))
            explain(currency, -amount)

    exceptions: list[LedgerException] = []
    for currency, rest in sorted(remaining.items()):
        if not rest:
            continue
        if rest < 0 and sender not in accounts.own:
            entries.append(JournalEntry(
                kind="transfer_fee", debit=ISSUED, credit=TRANSFER_FEES, currency=currency, amount=-rest,
                tx_hash=tx_hash, ledger_index=ledger_index,
            ))
            if kind == "other":
                kind = "transfer_fee"
            continue
        holders = ", ".join(sorted(
            line.holder for line in issuer_line_changes(record.meta, accounts.issuing)
            if line.currency == currency and line.holder not in accounts.own
        ))
        if rest > 0:
            what = (f"obligations rose by {value_text(rest)} {currency} with no deposit behind it "
                    f"(an IOU issued outside the gateway, by {sender}; holders: {holders})")
        else:
            what = (f"obligations fell by {value_text(-rest)} {currency} in a transaction of the gateway's own "
                    f"address {sender} that no withdrawal explains (holders: {holders})")
        exceptions.append(LedgerException(tx_hash, ledger_index, currency, rest, what))
    return Booking(tx_hash, ledger_index, kind, tuple(entries), outcome, withdrawal, tuple(exceptions))


__all__ = ["GatewayAccounts", "booking_for"]
