"""The settlement benchmark's check of itself (`--check`): after the run, every payment the report
counts as validated is asked for again (`tx`, JSON) on the node it was submitted to (or, when
that node has gone since, on one that answers), and must be there validated, with the result and
in the ledger the stream reported; no hash may be counted twice. Payments the report does not
count as validated are asked for too: one found validated after all is reported
(`validated_unseen`: the report under-counts it) but does not fail the check, which guards
against counting what did not happen.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from typing import Any

from bench.settlement_load import NodeConnection, PaymentRecord, connect_reachable

CHUNK = 500
"""Requests in flight per node."""
PROBLEMS_KEPT = 20


async def _lookup(connection: NodeConnection, hashes: Sequence[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for start in range(0, len(hashes), CHUNK):
        futures = [
            await connection.request_later("tx", transaction=h, binary=False)
            for h in hashes[start : start + CHUNK]
        ]
        out += await asyncio.gather(*futures)
    return out


def _ignore(_node: int, _message: dict[str, Any], _at: float) -> None:
    return None


async def check_records(ws_urls: Sequence[str], records: Sequence[PaymentRecord]) -> dict[str, Any]:
    """The check's outcome: ok, how many were checked, counts of each kind of problem, and the
    first few problems in words."""
    problems: list[str] = []
    kinds: Counter[str] = Counter()
    counted = [r for r in records if r.outcome() == "validated"]
    hashes = [r.hash for r in counted]
    if len(set(hashes)) != len(hashes):
        kinds["counted_twice"] += len(hashes) - len(set(hashes))
        problems.append("a hash is counted as validated more than once")
    by_node: dict[int, list[PaymentRecord]] = {}
    for record in records:
        by_node.setdefault(record.node, []).append(record)
    unseen = 0
    async with connect_reachable(ws_urls, _ignore) as connections:
        if not connections:
            raise RuntimeError("check: no node answers")
        # A node that has gone since (stopped, crashed) is replaced by one that answers: every
        # node keeps the validated history.
        fallback = next(iter(connections.values()))
        answers = await asyncio.gather(
            *(_lookup(connections.get(node, fallback), [r.hash for r in mine]) for node, mine in by_node.items())
        )
    for mine, node_answers in zip(by_node.values(), answers):
        for record, answer in zip(mine, node_answers):
            result = answer.get("result", {}) if answer.get("status") == "success" else {}
            validated = result.get("validated") is True
            ledger_result = result.get("meta", {}).get("TransactionResult") if validated else None
            ledger_index = result.get("ledger_index") if validated else None
            if record.validated_result is None:
                if validated:
                    unseen += 1
                continue
            problem = None
            if not validated:
                problem = "not_in_validated_ledger"
            elif ledger_result != record.validated_result:
                problem = "result_differs"
            elif ledger_index is None or int(ledger_index) != record.ledger_index:
                problem = "ledger_differs"
            if problem is not None:
                kinds[problem] += 1
                if len(problems) < PROBLEMS_KEPT:
                    problems.append(
                        f"{record.hash}: reported {record.validated_result} in ledger {record.ledger_index}, "
                        f"node {record.node} says validated={validated} {ledger_result} in {ledger_index} "
                        f"({answer.get('error', '')})"
                    )
    return {
        "ok": not kinds,
        "checked": len(records),
        "checked_validated": sum(1 for r in records if r.validated_result is not None),
        "problems": dict(kinds),
        "examples": problems,
        "validated_unseen": unseen,
    }
