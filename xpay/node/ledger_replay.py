"""Rebuilding a ledger a peer sent, and proving it is the one we asked for (rippled's
``LedgerReplayer`` / ``InboundLedger`` checks, reduced to what a broker-connected node needs).

A node asks for a ledger by hash. The hash commits to the header (SHA-512Half("LWR\\0" + header)),
and the header commits to the transaction tree (``tx_hash``) and the state tree
(``account_hash``). So nothing a peer sends has to be trusted:

* **replay** — the peer sends the header and the transactions with their metadata; we check the
  header hashes to the requested hash and the transactions to ``tx_hash``, then apply them to the
  parent we already hold in the order their metadata gives (``TransactionIndex``: the order they
  applied in, whatever passes the build took), close the view with the header's close time,
  resolution and flags, and require the result to hash to the requested hash. Signatures are
  not checked again: a ledger whose hash we know was built from transactions its validators
  checked (rippled's replay skips them too).
* **snapshot** — for a node too far behind to replay every ledger: the header, the
  transactions and every state entry; the state tree is rebuilt and must hash to
  ``account_hash``.

Anything that does not check out raises ``LedgerMismatch``; the caller asks another peer.
"""

from __future__ import annotations

from collections.abc import Iterable

from xpay.codec import decode_native
from xpay.ledger.entries import Entry, from_fields
from xpay.ledger.ledger import STATE_LEAVES, Ledger, close_ledger, serialize_entry
from xpay.ledger.shamap import TX_WITH_META, SHAMap
from xpay.node.peer_messages import LedgerData, LedgerMode, encode_ledger_data
from xpay.node.tx_set import transaction_id
from xpay.protocol.ids import Hash256
from xpay.tx.apply import apply_transaction
from xpay.tx.context import ApplyFlags
from xpay.tx.rules import Rules
from xpay.tx.transaction import MalformedTransaction, Transaction


class LedgerMismatch(ValueError):
    """What a peer sent does not rebuild the ledger that was asked for."""


def ledger_data(ledger: Ledger, mode: LedgerMode) -> bytes:
    """The LEDGER reply that lets a peer rebuild ``ledger`` (the serving side)."""
    transactions = ((blob, meta) for _, blob, meta in ledger.transactions())
    state: Iterable[tuple[bytes, bytes]] = ()
    if mode is LedgerMode.SNAPSHOT:
        state = ((key, serialize_entry(entry)) for key, entry in ledger.state.items())
    return encode_ledger_data(Hash256(ledger.hash), mode, ledger.header, transactions, state)


def _check_header(data: LedgerData, wanted: Hash256) -> SHAMap[tuple[bytes, bytes]]:
    """The transaction tree, once the header and the transactions are proven."""
    if data.ledger_hash != wanted or data.header.hash() != wanted:
        raise LedgerMismatch(f"the header sent does not hash to {wanted.hex()}")
    txs: SHAMap[tuple[bytes, bytes]] = SHAMap(TX_WITH_META)
    txs = txs.apply((transaction_id(blob), (blob, meta)) for blob, meta in data.transactions)
    if txs.root_hash() != data.header.tx_hash:
        raise LedgerMismatch("the transactions sent do not match the header's transaction hash")
    return txs


def replay_ledger(parent: Ledger, data: LedgerData, wanted: Hash256, rules: Rules) -> Ledger:
    """The ledger ``wanted``, rebuilt by applying the transactions sent to ``parent``."""
    header = data.header
    _check_header(data, wanted)
    if header.parent_hash != parent.hash or header.seq != parent.seq + 1:
        raise LedgerMismatch(f"ledger {wanted.hex()} is not a child of {parent!r}")
    ordered: list[tuple[int, Transaction]] = []
    for blob, meta_blob in data.transactions:
        try:
            tx = Transaction.from_blob(blob)
            index = decode_native(meta_blob).get("TransactionIndex")
        except (MalformedTransaction, ValueError) as exc:
            raise LedgerMismatch(f"undecodable transaction or metadata: {exc}") from None
        if not isinstance(index, int):
            raise LedgerMismatch("a transaction's metadata has no TransactionIndex")
        ordered.append((index, tx))
    ordered.sort(key=lambda item: item[0])
    view = parent.open_view(build=True)
    for _, tx in ordered:
        outcome = apply_transaction(view, tx, rules, ApplyFlags.tapNO_CHECK_SIGN)
        if not outcome.applied:
            raise LedgerMismatch(f"{tx!r} did not apply on replay ({outcome.result.name})")
    ledger = close_ledger(
        parent, view, header.close_time, header.close_time_resolution, header.close_flags
    )
    if ledger.hash != wanted:
        raise LedgerMismatch(f"replaying ledger {header.seq} gave another ledger")
    return ledger


def ledger_from_snapshot(data: LedgerData, wanted: Hash256) -> Ledger:
    """The ledger ``wanted``, rebuilt from a state snapshot."""
    if data.mode is not LedgerMode.SNAPSHOT:
        raise LedgerMismatch("a snapshot was asked for, not a replay")
    txs = _check_header(data, wanted)
    entries: list[tuple[bytes, Entry]] = []
    try:
        for key, blob in data.state:
            entries.append((key, from_fields(key, decode_native(blob))))
    except (ValueError, KeyError, TypeError) as exc:
        raise LedgerMismatch(f"an undecodable state entry: {exc}") from None
    state: SHAMap[Entry] = SHAMap(STATE_LEAVES)
    state = state.apply(entries)
    if state.root_hash() != data.header.account_hash:
        raise LedgerMismatch("the state sent does not match the header's account hash")
    try:
        return Ledger(data.header, state, txs)
    except ValueError as exc:
        raise LedgerMismatch(str(exc)) from None
