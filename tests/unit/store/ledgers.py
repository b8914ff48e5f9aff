"""Real closed ledgers for store tests, built with the ledger layer's own primitives.

Each "payment" moves XRP between account roots in a sandbox, burns the fee, derives its metadata
with xpay.ledger.metadata and is recorded in a build view, exactly as a transactor's changes would
be; the transaction blob is a really signed Payment. The transaction engine is not involved, so
the store is tested on its own.
"""

from __future__ import annotations

from xpay.amounts import STAmount, XRPAmount
from xpay.codec import encode_native, to_json, transaction_id
from xpay.crypto import KeyPair, sign_transaction
from xpay.ledger import keylet
from xpay.ledger.entries import AccountRoot
from xpay.ledger.ledger import Ledger, close_ledger, genesis_ledger
from xpay.ledger.metadata import build_metadata
from xpay.ledger.views import Fees, OpenView, Sandbox
from xpay.protocol.ids import AccountID, Hash256

FEES = Fees(XRPAmount(10), XRPAmount(1_000_000), XRPAmount(200_000))
GENESIS = KeyPair.from_entropy(bytes(range(16)))
FEE = 10


def keypair(n: int) -> KeyPair:
    return KeyPair.from_entropy(bytes([n]) * 16)


def genesis() -> Ledger:
    return genesis_ledger(GENESIS.account_id, FEES, close_time=700_000_000)


def pay(view: OpenView, src: KeyPair, dst: AccountID, drops: int) -> Hash256:
    """Apply an XRP payment from `src` to `dst` (created when missing) into the build view."""
    root = view.read(keylet.account(src.account_id))
    assert root is not None
    tx_json = to_json(
        {
            "TransactionType": 0,
            "Account": src.account_id,
            "Destination": dst,
            "Amount": STAmount.from_drops(drops),
            "Fee": STAmount.from_drops(FEE),
            "Sequence": root.sequence,
            "Flags": 0,
            "NetworkID": 21337,
        }
    )
    blob_hex, _ = sign_transaction(tx_json, src)
    blob = bytes.fromhex(blob_hex)
    tx_id = transaction_id(blob)
    sandbox = Sandbox(view)
    sandbox.update(root._replace(balance=XRPAmount(root.balance.drops - drops - FEE), sequence=root.sequence + 1))
    sandbox.destroy_xrp(FEE)
    dst_root = sandbox.read(keylet.account(dst))
    if dst_root is None:
        sandbox.insert(
            AccountRoot(key=keylet.account(dst).key, account=dst, balance=XRPAmount(drops), sequence=view.seq)
        )
    else:
        sandbox.update(dst_root._replace(balance=XRPAmount(dst_root.balance.drops + drops)))
    meta, writes = build_metadata(view, list(sandbox.changes()), tx_id, view.seq, 0, view.tx_count())
    for entry in writes:
        if sandbox.read_key(entry.key) is None:
            sandbox.insert(entry)
        else:
            sandbox.update(entry)
    sandbox.apply()
    view.add_tx(tx_id, blob, encode_native(meta))
    return tx_id


def next_ledger(parent: Ledger, payments: list[tuple[KeyPair, AccountID, int]]) -> Ledger:
    view = parent.open_view(build=True)
    for src, dst, drops in payments:
        pay(view, src, dst, drops)
    return close_ledger(parent, view, parent.close_time + 10)


def chain(length: int, per_ledger: int = 3) -> list[Ledger]:
    """Genesis then `length` ledgers; every ledger pays a few fresh and old accounts."""
    ledgers = [genesis()]
    for i in range(length):
        payments = [(GENESIS, keypair(1 + (i * per_ledger + j) % 40).account_id, 50_000_000) for j in range(per_ledger)]
        ledgers.append(next_ledger(ledgers[-1], payments))
    return ledgers
