"""Paying deposits: the operational address's payment of a customer's IOUs, at most once per
deposit request, whatever fails and whenever the gateway restarts.

For each deposit request the payer:

1. signs a Payment from the operational address (Sequence from its own counter, so concurrent
   deposits do not wait for each other; SendMax covering the issuer's TransferRate, which applies
   because the operational address is not the issuer) and stores the signed blob and hash in the
   book *before* submitting it;
2. submits it and follows validated ledgers until its result is final (xpay.client's
   submit_and_wait). Submitting the same blob again is safe: one hash, one Sequence, applied at
   most once. A restarted gateway resubmits the stored blob rather than signing a new payment;
3. if a validated ledger passes the payment's LastLedgerSequence without it, the payment can
   never be applied (rippled refuses it, tefMAX_LEDGER), so only then is a new one signed;
4. waits for the ledger follower to have booked the ledger holding it: the follower, which books
   every ledger transaction of the gateway, settles the deposit (validated, or failed with its
   tec result) in the same SQLite transaction as the journal entry.

The operational address's float is topped up from the issuing address when it cannot cover a
deposit (the XRPL's issuing -> operational "refill").
"""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal
from typing import Final

from gateways.decimal_amounts import ARITHMETIC, round_to_amount, value_text
from gateways.gateway.book import Book, Deposit
from gateways.gateway.config import GatewayConfig
from gateways.gateway.follower import LedgerFollower
from gateways.gateway.issuer_setup import hot_line_shortfall
from xpay.client import (
    APIMethods,
    ClientError,
    Payment,
    SignedTransaction,
    TransactionExpired,
    TransactionFailed,
    iou,
)

_log = logging.getLogger(__name__)

MAX_SIGNINGS: Final = 5
"""Payments signed for one deposit before it is given up as failed (each expired unapplied)."""
RETRY_DELAY: Final = 0.5
"""Seconds before trying again after the node could not be reached."""
INTERNAL_TAG: Final = 0
"""The DestinationTag of transfers between the gateway's own addresses."""


class DepositPayer:
    """Pays deposit requests from the operational address (see the module doc)."""

    def __init__(self, client: APIMethods, book: Book, config: GatewayConfig, follower: LedgerFollower,
                 issuing_lock: asyncio.Lock) -> None:
        self._client = client
        self._book = book
        self._config = config
        self._follower = follower
        self._issuing_lock = issuing_lock
        self._sequence_lock = asyncio.Lock()
        self._next_sequence: int | None = None

    async def settle(self, request_id: str) -> Deposit:
        """Pay the deposit until its outcome is final (validated, or failed); its final record.
        Retries while the node cannot be reached; cancellation leaves it resumable."""
        while True:
            deposit = self._book.deposit(request_id)
            assert deposit is not None, request_id
            if deposit.final:
                return deposit
            try:
                await self._attempt(deposit)
            except ClientError as error:
                if isinstance(error, TransactionFailed) and not error.validated:
                    # The node refused the payment as malformed (tem): it can never succeed.
                    self._book.deposit_failed(request_id, error.engine_result)
                    continue
                _log.warning("deposit %s: %s; trying again in %.1f s", request_id, error, RETRY_DELAY)
                self._next_sequence = None
                await asyncio.sleep(RETRY_DELAY)

    async def _attempt(self, deposit: Deposit) -> None:
        if deposit.tx_blob is None:
            if deposit.submissions >= MAX_SIGNINGS:
                self._book.deposit_failed(deposit.request_id, "expired")
                return
            deposit = await self._sign(deposit)
        assert deposit.tx_blob is not None and deposit.tx_hash is not None
        signed = SignedTransaction.from_blob(deposit.tx_blob)
        try:
            record = await self._client.submit_and_wait(signed, check=False)
        except TransactionExpired:
            # Conclusive: a validated ledger passed its LastLedgerSequence without it.
            _log.info("deposit %s: payment %s expired unapplied; signing a new one", deposit.request_id, signed.hash)
            self._next_sequence = None
            self._book.deposit_expired(deposit.request_id, signed.hash)
            return
        assert record.ledger_index is not None
        await self._follower.wait_for(record.ledger_index)
        if not self._book.is_booked(record.hash):
            # The follower's account_tx did not list it (it should): book it from this record.
            self._follower.book_record(record)

    async def _sign(self, deposit: Deposit) -> Deposit:
        """Sign the deposit's payment with the operational address's next Sequence and store it."""
        customer = self._book.require_customer(deposit.customer_id)
        cold = self._config.issuing.address
        send_max = round_to_amount(ARITHMETIC.multiply(deposit.amount, self._config.fee_multiplier), up=True)
        await self._ensure_float(deposit.currency, send_max)
        payment = Payment(
            account=self._config.operational.address,
            destination=customer.address,
            amount=iou(value_text(deposit.amount), deposit.currency, cold),
            send_max=None if send_max == deposit.amount else iou(value_text(send_max), deposit.currency, cold),
            destination_tag=customer.destination_tag,
        )
        async with self._sequence_lock:
            if self._next_sequence is None:
                info = await self._client.account_info(self._config.operational.address, ledger_index="current")
                self._next_sequence = info.sequence
            filled = await self._client.autofill(payment.with_fields(sequence=self._next_sequence))
            signed = self._config.operational.sign(filled)
            assert filled.last_ledger_sequence is not None
            stored = self._book.deposit_signed(deposit.request_id, signed.hash, signed.tx_blob,
                                               filled.last_ledger_sequence)
            self._next_sequence += 1
        _log.info("deposit %s: signed payment %s (sequence %d)", deposit.request_id, signed.hash, filled.sequence)
        return stored

    async def _ensure_float(self, currency: str, needed: Decimal) -> None:
        """Top the operational address up from the issuing address when its balance, less what
        signed deposits not yet validated will take, cannot cover `needed`."""
        operational = self._config.operational.address
        cold = self._config.issuing.address
        async with self._issuing_lock:
            balance = Decimal(0)
            async for line in self._client.account_lines(operational, peer=cold, ledger_index="validated"):
                if line.currency == currency:
                    balance = line.balance
            pending = sum(
                (ARITHMETIC.multiply(d.amount, self._config.fee_multiplier)
                 for d in self._book.deposits(open_only=True) if d.currency == currency and d.status == "submitted"),
                Decimal(0),
            )
            available = ARITHMETIC.subtract(balance, pending)
            refill = hot_line_shortfall(available, needed, self._config.hot_float)
            if refill <= 0:
                return
            refill = min(refill, ARITHMETIC.subtract(self._config.hot_limit, balance))
            if refill <= 0:
                return
            _log.info("refilling the operational address with %s %s", value_text(refill), currency)
            await self._client.submit_and_wait(
                Payment(account=cold, destination=operational,
                        amount=iou(value_text(round_to_amount(refill, up=False)), currency, cold),
                        destination_tag=INTERNAL_TAG),
                self._config.issuing,
            )


__all__ = ["INTERNAL_TAG", "MAX_SIGNINGS", "DepositPayer"]
