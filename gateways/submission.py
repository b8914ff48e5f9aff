"""Submitting a batch of one account's transactions and waiting for all of them: consecutive
Sequences, signed locally, submitted together, each followed to its final result (the XRPL's
reliable transaction submission, as xpay.client.submit_and_wait does it for one).

Used by the gateway's setup and by the demo and market maker, where one account has several
independent things to do at once and each would otherwise wait a ledger for the one before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from xpay.client import APIMethods, Transaction, TransactionFailed, TransactionRecord, Wallet


async def submit_batch(client: APIMethods, wallet: Wallet, transactions: Sequence[Transaction], *,
                       check: bool = True) -> list[TransactionRecord]:
    """Sign `transactions` (all from `wallet`'s account) with consecutive Sequences, submit them,
    and return their validated records in order. With `check`, a result other than tesSUCCESS
    raises TransactionFailed (after every transaction has reached its final result)."""
    if not transactions:
        return []
    first = await client.autofill(transactions[0])
    assert first.sequence is not None
    signed = [wallet.sign(first)]
    for offset, transaction in enumerate(transactions[1:], start=1):
        signed.append(wallet.sign(transaction.with_fields(
            fee=first.fee, sequence=first.sequence + offset, last_ledger_sequence=first.last_ledger_sequence,
            network_id=first.network_id,
        )))
    tasks = []
    async with asyncio.TaskGroup() as group:
        for item in signed:
            tasks.append(group.create_task(client.submit_and_wait(item, check=False)))
    records = [task.result() for task in tasks]
    if check:
        for record in records:
            if not record.succeeded:
                raise TransactionFailed(record.engine_result or "unknown", tx_hash=record.hash, validated=True,
                                        ledger_index=record.ledger_index, meta=record.meta)
    return records


__all__ = ["submit_batch"]
