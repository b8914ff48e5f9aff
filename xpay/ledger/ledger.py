"""Closed ledgers: header, state map and transaction map (rippled's Ledger and LedgerHeader).

A `Ledger` is immutable and is itself a read view. The next ledger is built in an `OpenView` over
it and closed with `close_ledger`, which path-copies the state map (the parent keeps its own) and
hashes only what changed. The header and its hash are the XRPL's: SHA-512Half of "LWR\\0" and the
header fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from hashlib import sha512
from typing import NamedTuple, TypeVar

from xpay.amounts import STAmount, XRPAmount
from xpay.ledger import keylet as kl
from xpay.ledger.entries import AccountRoot, Entry, FeeSettings, serialize
from xpay.ledger.shamap import TX_WITH_META, SHAMap, state_leaf_kind
from xpay.ledger.views import Fees, OpenView
from xpay.protocol.ids import AccountID, Hash256

E = TypeVar("E", bound=Entry)

INITIAL_DROPS = 100_000_000_000 * 1_000_000
"""All the XPY there will ever be: 100 billion, in drops, held by the genesis account."""

GENESIS_SEQ = 1
DEFAULT_CLOSE_RESOLUTION = 10
CLOSE_FLAG_NO_CONSENSUS_TIME = 0x01
"""sLCF_NoConsensusTime: the validators did not agree on a close time."""


def serialize_entry(entry: Entry) -> bytes:
    """The entry's XRPL binary form: encode_native(to_fields(entry)), from its field pieces."""
    return serialize(entry)


STATE_LEAVES = state_leaf_kind(serialize_entry)


class LedgerHeader(NamedTuple):
    """The XRPL's ledger header; `hash()` is the ledger hash."""

    seq: int
    total_coins: int
    parent_hash: Hash256
    tx_hash: Hash256
    account_hash: Hash256
    parent_close_time: int
    close_time: int
    close_time_resolution: int
    close_flags: int

    def to_bytes(self) -> bytes:
        return (
            self.seq.to_bytes(4, "big")
            + self.total_coins.to_bytes(8, "big")
            + self.parent_hash
            + self.tx_hash
            + self.account_hash
            + self.parent_close_time.to_bytes(4, "big")
            + self.close_time.to_bytes(4, "big")
            + bytes((self.close_time_resolution, self.close_flags))
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> LedgerHeader:
        if len(data) != 118:
            raise ValueError(f"a ledger header is 118 bytes, not {len(data)}")
        return cls(
            seq=int.from_bytes(data[0:4], "big"),
            total_coins=int.from_bytes(data[4:12], "big"),
            parent_hash=Hash256(data[12:44]),
            tx_hash=Hash256(data[44:76]),
            account_hash=Hash256(data[76:108]),
            parent_close_time=int.from_bytes(data[108:112], "big"),
            close_time=int.from_bytes(data[112:116], "big"),
            close_time_resolution=data[116],
            close_flags=data[117],
        )

    def hash(self) -> Hash256:
        return Hash256(sha512(b"LWR\x00" + self.to_bytes()).digest()[:32])


class Ledger:
    """A closed ledger: immutable, and a read view of its own state."""

    __slots__ = ("_fees", "hash", "header", "state", "txs")

    def __init__(self, header: LedgerHeader, state: SHAMap[Entry], txs: SHAMap[tuple[bytes, bytes]]) -> None:
        self.header = header
        self.state = state
        self.txs = txs
        self.hash = header.hash()
        fee_entry = state.get(kl.fees().key)
        if not isinstance(fee_entry, FeeSettings):
            raise ValueError("a ledger must hold its FeeSettings")
        self._fees = Fees(fee_entry.base_fee_drops, fee_entry.reserve_base_drops, fee_entry.reserve_increment_drops)

    def __repr__(self) -> str:
        return f"Ledger(seq={self.seq}, hash={self.hash.hex().upper()[:16]}…)"

    # ReadView ---------------------------------------------------------------------------------

    @property
    def seq(self) -> int:
        return self.header.seq

    @property
    def parent_close_time(self) -> int:
        return self.header.parent_close_time

    @property
    def close_time(self) -> int:
        return self.header.close_time

    @property
    def fees(self) -> Fees:
        return self._fees

    @property
    def open(self) -> bool:
        return False

    def read(self, k: kl.Keylet[E]) -> E | None:
        entry = self.state.get(k.key)
        if entry is None or (k.type is not object and type(entry) is not k.type):
            return None
        return entry  # type: ignore[return-value]

    def read_key(self, key: bytes) -> Entry | None:
        return self.state.get(key)

    def succ(self, key: bytes, last: bytes | None = None) -> bytes | None:
        return self.state.succ(key, last)

    def balance_hook(self, account: AccountID, issuer: AccountID, amount: STAmount) -> STAmount:
        return amount

    def owner_count_hook(self, account: AccountID, count: int) -> int:
        return count

    # Building the next ledger -----------------------------------------------------------------

    def open_view(self, *, build: bool = False) -> OpenView:
        """A view for the next ledger: the open ledger (`build=False`) or one being built from an
        agreed transaction set (`build=True`: metadata and threading, as a closed ledger needs)."""
        return OpenView(self, parent_close_time=self.header.close_time, build=build)

    def transactions(self) -> Iterator[tuple[Hash256, bytes, bytes]]:
        """(tx ID, blob, metadata blob) in key order."""
        for key, (blob, meta) in self.txs.items():
            yield Hash256(key), blob, meta


def close_ledger(
    parent: Ledger,
    view: OpenView,
    close_time: int,
    close_time_resolution: int = DEFAULT_CLOSE_RESOLUTION,
    close_flags: int = 0,
) -> Ledger:
    """The ledger that `view` (built over `parent`) becomes once closed at `close_time`."""
    if view.base is not parent:
        raise ValueError("the view was not built over this parent")
    state = parent.state.apply(view.items.items())
    txs = SHAMap.build(TX_WITH_META, ((tx_id, (blob, meta or b"")) for tx_id, (blob, meta) in view.txs.items()))
    header = LedgerHeader(
        seq=view.seq,
        total_coins=parent.header.total_coins - view.destroyed_drops,
        parent_hash=parent.hash,
        tx_hash=Hash256(txs.root_hash()),
        account_hash=Hash256(state.root_hash()),
        parent_close_time=parent.header.close_time,
        close_time=close_time,
        close_time_resolution=close_time_resolution,
        close_flags=close_flags,
    )
    return Ledger(header, state, txs)


def genesis_ledger(
    genesis_account: AccountID,
    fees: Fees,
    *,
    close_time: int = 0,
) -> Ledger:
    """Ledger 1: the genesis account holding every drop, and the fee schedule."""
    account = AccountRoot(
        key=kl.account(genesis_account).key,
        account=genesis_account,
        balance=XRPAmount(INITIAL_DROPS),
        sequence=1,
    )
    fee_settings = FeeSettings(
        key=kl.fees().key,
        base_fee_drops=fees.base,
        reserve_base_drops=fees.reserve,
        reserve_increment_drops=fees.increment,
    )
    state: SHAMap[Entry] = SHAMap(STATE_LEAVES)
    state = state.apply([(account.key, account), (fee_settings.key, fee_settings)])
    txs: SHAMap[tuple[bytes, bytes]] = SHAMap(TX_WITH_META)
    header = LedgerHeader(
        seq=GENESIS_SEQ,
        total_coins=INITIAL_DROPS,
        parent_hash=Hash256(bytes(32)),
        tx_hash=Hash256(txs.root_hash()),
        account_hash=Hash256(state.root_hash()),
        parent_close_time=0,
        close_time=close_time,
        close_time_resolution=DEFAULT_CLOSE_RESOLUTION,
        close_flags=0,
    )
    return Ledger(header, state, txs)
