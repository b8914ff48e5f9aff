"""Reliable transaction submission: submit, then follow validated ledgers until the outcome is
final (the XRPL's "Reliable Transaction Submission" and "Finality of Results").

A result is final when the transaction is in a validated ledger (tesSUCCESS or a tec code), when
the node refused it as malformed (tem: it can never succeed), or when a validated ledger has
reached its LastLedgerSequence without it: rippled refuses a transaction whose
LastLedgerSequence is below the ledger being built (tefMAX_LEDGER), so it can never appear in a
later ledger. Every other preliminary result (ter, tef, tel, and tes / tec in the open ledger) can
still change, so it is only reported with the final answer.

After each newly validated ledger the transaction is looked up by hash with `tx`, over the
ledgers it could be in; when the node says it did not hold all of them (`searched_all` false)
the absence proves nothing yet and the lookup is repeated. A connection that drops while
submitting leads to resubmitting the same signed blob, which is safe: it has one hash and one
sequence, so it can be applied at most once.
"""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from typing import Final, Protocol, TypeVar

from xpay.client.errors import (
    ConnectionLost,
    InvalidInput,
    MalformedTransaction,
    RPCError,
    TransactionExpired,
    TransactionFailed,
)
from xpay.client.results import SubmitResult, TransactionRecord
from xpay.client.transactions.transaction import Transaction
from xpay.client.wallet import SignedTransaction, Wallet

MAX_TX_RANGE: Final = 1000
"""rippled's `tx` accepts at most this many ledgers between min_ledger and max_ledger."""
INCONCLUSIVE_RETRY: Final = 0.1
"""Seconds before asking again when the node has not yet stored the ledgers it validated."""
INCONCLUSIVE_POLLS: Final = 50
"""After this many quick retries, ask again only when another ledger is validated (a node
missing part of the history may never be able to answer; the caller's timeout bounds that)."""


class ValidatedLedgers(Protocol):
    """A view of the validated ledgers as they come."""

    async def latest(self) -> int:
        """The newest validated ledger's index now."""
        ...

    async def wait_beyond(self, index: int) -> int:
        """Wait until a ledger newer than `index` is validated; its index."""
        ...


T = TypeVar("T", bound=Transaction)


class SubmissionNode(Protocol):
    """What reliable submission asks of a client (APIMethods provides it)."""

    poll_interval: float

    async def autofill(self, transaction: T) -> T: ...

    async def submit(self, transaction: SignedTransaction | str) -> SubmitResult: ...

    async def tx(self, tx_hash: str, *, min_ledger: int | None = None, max_ledger: int | None = None) -> TransactionRecord: ...

    def watch_validated_ledgers(self) -> AbstractAsyncContextManager[ValidatedLedgers]: ...


def is_final_preliminary(engine_result: str) -> bool:
    """A preliminary result that is final on its own: tem, malformed (it can never succeed)."""
    return engine_result.startswith("tem")


async def _lookup(methods: SubmissionNode, tx_hash: str, first: int, last: int) -> tuple[TransactionRecord | None, bool]:
    """(the validated record or None, whether its absence is conclusive over first..last)."""
    try:
        record = await methods.tx(tx_hash, min_ledger=first, max_ledger=last)
    except RPCError as error:
        if error.name != "txnNotFound":
            raise
        searched_all = error.result.get("searched_all")
        # A node that does not report searched_all is taken at its word (older rippled).
        return None, searched_all is not False
    if record.validated:
        return record, True
    return None, False


async def submit_and_wait(
    methods: SubmissionNode,
    transaction: Transaction | SignedTransaction,
    wallet: Wallet | None,
    *,
    check: bool,
) -> TransactionRecord:
    """See APIMethods.submit_and_wait."""
    if isinstance(transaction, Transaction):
        if wallet is None:
            raise InvalidInput("a Wallet is needed to sign the transaction", field="wallet")
        signed = wallet.sign(await methods.autofill(transaction))
    elif isinstance(transaction, SignedTransaction):
        signed = transaction
    else:
        raise InvalidInput(f"cannot submit a {type(transaction).__name__}")
    last = signed.last_ledger_sequence
    if last is None:
        raise MalformedTransaction(
            "without LastLedgerSequence a transaction's failure is never final: set it (autofill does)",
            field="LastLedgerSequence",
        )

    async with methods.watch_validated_ledgers() as ledgers:
        seen = await ledgers.latest()
        first = max(1, min(seen + 1, last), last - MAX_TX_RANGE + 1)
        preliminary: SubmitResult | None = None
        submitted = attempted = False
        inconclusive = 0
        while True:
            # Submit once even when it is already too late, so the error can say what the node
            # answered (tefMAX_LEDGER); resubmit after a lost connection only while it can help.
            if not submitted and (not attempted or seen < last):
                attempted = True
                try:
                    preliminary = await methods.submit(signed)
                    submitted = True
                except ConnectionLost:
                    pass  # resubmit once the connection is back: same blob, same hash
                else:
                    if is_final_preliminary(preliminary.engine_result):
                        raise TransactionFailed(
                            preliminary.engine_result,
                            engine_result_code=preliminary.engine_result_code,
                            engine_result_message=preliminary.engine_result_message,
                            tx_hash=signed.hash,
                        )
            try:
                record, conclusive = await _lookup(methods, signed.hash, first, last)
            except ConnectionLost:
                record, conclusive = None, False
            if record is not None:
                break
            if seen >= last:
                if conclusive:
                    raise TransactionExpired(
                        signed.hash,
                        last_ledger_sequence=last,
                        validated_ledger_index=seen,
                        preliminary_result=preliminary.engine_result if preliminary else None,
                    )
                inconclusive += 1
                if inconclusive <= INCONCLUSIVE_POLLS:
                    await asyncio.sleep(INCONCLUSIVE_RETRY)
                    continue
            try:
                seen = await ledgers.wait_beyond(seen)
            except ConnectionLost:
                await asyncio.sleep(methods.poll_interval)

    if check and not record.succeeded:
        raise TransactionFailed(
            record.engine_result or "unknown",
            tx_hash=record.hash,
            validated=True,
            ledger_index=record.ledger_index,
            meta=record.meta,
        )
    return record
