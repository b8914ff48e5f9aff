"""Building the next closed ledger from an agreed transaction set (rippled's BuildLedger.cpp,
applyTransactions, and CanonicalTXSet).

The set is applied in canonical order — by account XOR a salt (the set's own hash, so nobody can
choose an account that always goes first), then by sequence, then by transaction ID — in up to
three passes. The first passes are retry passes (tapRETRY): a transaction that fails with a
retry code (ter), or a tec that might succeed once others have applied, stays in the set for the
next pass. Once a pass changes nothing, or after the single retry pass rippled allows, the last
passes are final: a tec claims its fee, tem / tef / tel drop the transaction, and a ter keeps it
for the next ledger. Then the view is closed (xpay.ledger.ledger.close_ledger), hashes included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from xpay.ledger.ledger import Ledger, close_ledger
from xpay.ledger.shamap import TX_BY_ID, SHAMap
from xpay.protocol.ids import Hash256
from xpay.protocol.ter import TER, is_tef_failure, is_tel_local, is_tem_malformed
from xpay.tx.apply import apply_transaction
from xpay.tx.context import ApplyFlags
from xpay.tx.rules import Rules
from xpay.tx.signature import SignatureCache
from xpay.tx.transaction import Transaction

LEDGER_TOTAL_PASSES: Final = 3
LEDGER_RETRY_PASSES: Final = 1


def tx_set_hash(txs: Iterable[Transaction]) -> Hash256:
    """The hash of a transaction set: the root of its SHAMap of transaction blobs (what
    consensus agrees on, and the salt of its canonical order)."""
    # Each key is the transaction's ID, which is TX_ONLY's leaf hash: no need to hash again.
    tree: SHAMap[bytes] = SHAMap.build(TX_BY_ID, ((tx.id, tx.blob) for tx in txs))
    return Hash256(tree.root_hash())


def canonical_order(txs: Iterable[Transaction], salt: bytes) -> list[Transaction]:
    """rippled's CanonicalTXSet order: (account XOR salt, sequence, ID). The account is placed in
    the first 20 bytes of a zero 256-bit value before the XOR, as rippled's accountKey."""
    salt_int = int.from_bytes(salt, "big")

    def key(tx: Transaction) -> tuple[int, int, bytes]:
        return ((int.from_bytes(tx.account, "big") << 96) ^ salt_int, tx.sequence, tx.id)

    return sorted(txs, key=key)


@dataclass(slots=True)
class BuildReport:
    """What happened to each transaction of the set.

    `results`: the last result of every transaction; `applied`: IDs in the ledger, in order;
    `failed`: IDs dropped for good (tem / tef / tel, or an exception); `retriable`: transactions
    still retrying after the last pass (ter), for the next ledger's open view.
    """

    results: dict[Hash256, TER] = field(default_factory=dict)
    applied: list[Hash256] = field(default_factory=list)
    failed: list[Hash256] = field(default_factory=list)
    retriable: list[Transaction] = field(default_factory=list)


def build_ledger(
    parent: Ledger,
    txs: Iterable[Transaction],
    close_time: int,
    resolution: int,
    close_flags: int,
    rules: Rules,
    *,
    signatures: SignatureCache | None = None,
    check_signatures: bool = True,
) -> tuple[Ledger, BuildReport]:
    """The ledger after `parent` holding `txs` (rippled's buildLedger). Signatures are checked
    through `signatures` (already-seen transactions are not verified again) unless
    `check_signatures` is False (the caller verified every one)."""
    txs = list({tx.id: tx for tx in txs}.values())
    pending = canonical_order(txs, tx_set_hash(txs))
    view = parent.open_view(build=True)
    report = BuildReport()
    base_flags = ApplyFlags.tapNONE if check_signatures else ApplyFlags.tapNO_CHECK_SIGN
    certain_retry = True
    for _pass in range(LEDGER_TOTAL_PASSES):
        changes = 0
        flags = base_flags | ApplyFlags.tapRETRY if certain_retry else base_flags
        still: list[Transaction] = []
        for tx in pending:
            outcome = apply_transaction(view, tx, rules, flags, signatures)
            report.results[tx.id] = outcome.result
            if outcome.applied:
                report.applied.append(tx.id)
                changes += 1
            elif (
                is_tef_failure(outcome.result)
                or is_tem_malformed(outcome.result)
                or is_tel_local(outcome.result)
            ):
                report.failed.append(tx.id)
            else:
                still.append(tx)
        pending = still
        if not changes and not certain_retry:
            break  # a final pass made no progress
        if not changes or _pass >= LEDGER_RETRY_PASSES:
            certain_retry = False
    report.retriable = pending
    ledger = close_ledger(parent, view, close_time, resolution, close_flags)
    return ledger, report
