"""Keylets: where each ledger entry lives, computed as the XRPL computes them (rippled's Indexes.cpp).

A key is SHA-512Half of a two-byte namespace followed by the identifying data. A `Keylet` carries
the key and the entry type found there, so `view.read(keylet.account(a))` is typed
`AccountRoot | None`.
"""

from __future__ import annotations

from functools import lru_cache
from hashlib import sha512
from typing import Generic, TypeVar

from xpay.amounts import Issue
from xpay.ledger.entries import (
    AccountRoot,
    DirectoryNode,
    Entry,
    FeeSettings,
    LedgerHashes,
    Offer,
    RippleState,
)
from xpay.protocol.ids import AccountID, Currency, Hash256

E = TypeVar("E", bound=Entry)

# LedgerNameSpace (rippled's Indexes.cpp), as the two bytes that open the hashed data.
_ACCOUNT = b"\x00a"
_DIR_NODE = b"\x00d"
_TRUST_LINE = b"\x00r"
_OFFER = b"\x00o"
_OWNER_DIR = b"\x00O"
_BOOK_DIR = b"\x00B"
_SKIP_LIST = b"\x00s"
_FEE_SETTINGS = b"\x00e"


class Keylet(Generic[E]):
    """A ledger key and the type of entry expected there."""

    __slots__ = ("key", "type")

    def __init__(self, type_: type[E], key: bytes) -> None:
        self.type = type_
        self.key = Hash256(key)

    def __repr__(self) -> str:
        return f"Keylet({self.type.__name__}, {self.key.hex().upper()})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Keylet) and other.key == self.key and other.type is self.type

    def __hash__(self) -> int:
        return hash(self.key)


def _half(data: bytes) -> bytes:
    return sha512(data).digest()[:32]


# The keylets every transaction asks for again and again (its accounts, their lines, their
# directories) are memoised: a cache hit costs a tenth of a SHA-512. Bounded, and the values
# are immutable, so sharing them is safe.
_CACHE_SIZE = 1 << 15


@lru_cache(maxsize=_CACHE_SIZE)
def account(account_id: AccountID) -> Keylet[AccountRoot]:
    return Keylet(AccountRoot, _half(_ACCOUNT + account_id))


@lru_cache(maxsize=_CACHE_SIZE)
def line(a: AccountID, b: AccountID, currency: Currency) -> Keylet[RippleState]:
    """The trust line between two accounts in one currency (the order of a and b does not matter)."""
    low, high = (a, b) if a < b else (b, a)
    return Keylet(RippleState, _half(_TRUST_LINE + low + high + currency))


def offer(owner: AccountID, sequence: int) -> Keylet[Offer]:
    return Keylet(Offer, _half(_OFFER + owner + sequence.to_bytes(4, "big")))


@lru_cache(maxsize=_CACHE_SIZE)
def owner_dir(owner: AccountID) -> Keylet[DirectoryNode]:
    return Keylet(DirectoryNode, _half(_OWNER_DIR + owner))


def page(root: bytes, index: int) -> Keylet[DirectoryNode]:
    """Page `index` of the directory rooted at `root` (page 0 is the root itself)."""
    if index == 0:
        return Keylet(DirectoryNode, root)
    return Keylet(DirectoryNode, _half(_DIR_NODE + root + index.to_bytes(8, "big")))


_BOOK_BASES: dict[bytes, bytes] = {}


def book_base(taker_pays: Issue, taker_gets: Issue) -> bytes:
    """The first key of a book's directories (quality zero): rippled's getBookBase.

    Memoised by the two issues' bytes (a dict keyed by bytes: an lru_cache would hash and
    compare the Issue objects through their Python methods)."""
    memo_key = taker_pays.key + taker_gets.key
    base = _BOOK_BASES.get(memo_key)
    if base is None:
        h = _half(
            _BOOK_DIR
            + taker_pays.currency
            + taker_gets.currency
            + taker_pays.account
            + taker_gets.account
        )
        base = h[:24] + bytes(8)
        if len(_BOOK_BASES) >= _CACHE_SIZE:
            _BOOK_BASES.clear()
        _BOOK_BASES[memo_key] = base
    return base


def quality(base: bytes, rate: int) -> Keylet[DirectoryNode]:
    """The book directory for one quality: the book's base with its low 64 bits set to the rate."""
    return Keylet(DirectoryNode, base[:24] + rate.to_bytes(8, "big"))


def quality_of(directory_key: bytes) -> int:
    """The quality (rate) a book directory's key encodes: rippled's getQuality."""
    return int.from_bytes(directory_key[24:], "big")


def fees() -> Keylet[FeeSettings]:
    return Keylet(FeeSettings, _half(_FEE_SETTINGS))


def skip() -> Keylet[LedgerHashes]:
    return Keylet(LedgerHashes, _half(_SKIP_LIST))


def unchecked(key: bytes) -> Keylet[Entry]:
    """A key whose entry type is not known in advance (metadata, ledger_entry by index)."""
    return Keylet(object, key)  # type: ignore[arg-type]
