"""Views: layered, read-through access to ledger state (rippled's ReadView, OpenView, ApplyView).

* A closed `Ledger` (xpay.ledger.ledger) is a read view: immutable.
* An `OpenView` layers the changes of whole transactions over a closed ledger: it is the open
  ledger a node applies transactions to tentatively, and the ledger being built from a consensus
  set (then `build=True`: metadata is generated and entries are threaded, as rippled does only
  when the view it applies to is not open).
* A `Sandbox` layers the changes of one transaction (or one step of one) over any view; it either
  commits into its parent (`apply()`) or is dropped. A transactor writes only into a sandbox, and
  never undoes its own writes: on a tec result the pipeline drops the sandbox and charges the fee
  in a fresh one. Metadata is derived from the top-level sandbox's diff against its base
  (xpay.ledger.metadata), never written by hand.

Entries are immutable (xpay.ledger.entries), so a sandbox shares every entry it did not change.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Iterator
from typing import Final, NamedTuple, Protocol, TypeVar

from sortedcontainers import SortedList

from xpay.amounts import STAmount, XRPAmount
from xpay.ledger import keylet as kl
from xpay.ledger.entries import DirectoryNode, Entry
from xpay.protocol.ids import AccountID, Hash256

E = TypeVar("E", bound=Entry)

# Sandbox actions (rippled's ApplyStateTable::Action).
INSERT = 1
MODIFY = 2
ERASE = 3


_ABSENT: Final = object()


class LogicError(Exception):
    """A transactor broke a view's rules (double insert, update of a missing entry): a bug."""


class Fees(NamedTuple):
    """The fee schedule in force: base fee per transaction, account reserve, reserve per object."""

    base: XRPAmount
    reserve: XRPAmount
    increment: XRPAmount

    def account_reserve(self, owner_count: int) -> XRPAmount:
        return XRPAmount(self.reserve.drops + owner_count * self.increment.drops)

    def reserve_drops(self, owner_count: int) -> int:
        """account_reserve(owner_count) in drops, for the hot paths that only compare it."""
        return self.reserve.drops + owner_count * self.increment.drops


class ReadView(Protocol):
    """What every view offers for reading."""

    @property
    def seq(self) -> int:
        """The sequence of the ledger this view is (or will become)."""
        ...

    @property
    def parent_close_time(self) -> int:
        """Close time of the parent ledger, in seconds since the XRPL epoch (2000-01-01)."""
        ...

    @property
    def fees(self) -> Fees: ...

    @property
    def open(self) -> bool:
        """True for the tentative open ledger: no metadata, no threading."""
        ...

    def read(self, k: kl.Keylet[E]) -> E | None: ...

    def read_key(self, key: bytes) -> Entry | None: ...

    def succ(self, key: bytes, last: bytes | None = None) -> bytes | None: ...

    def balance_hook(self, account: AccountID, issuer: AccountID, amount: STAmount) -> STAmount:
        """What of `amount` (a balance read from the ledger) the account may spend in this view:
        the amount itself, except in a payment sandbox (deferred credits)."""
        ...

    def owner_count_hook(self, account: AccountID, count: int) -> int: ...


def _check(k: kl.Keylet[E], entry: Entry | None) -> E | None:
    if entry is None:
        return None
    if k.type is not object and type(entry) is not k.type:
        return None
    return entry  # type: ignore[return-value]


class ApplyView(ReadView, Protocol):
    """A view that takes writes: the parent of a sandbox."""

    def raw_insert(self, entry: Entry) -> None: ...

    def raw_replace(self, entry: Entry) -> None: ...

    def raw_erase(self, entry: Entry) -> None: ...

    def raw_destroy_xrp(self, drops: int) -> None: ...


_BASE_MEMO_LIMIT = 1 << 20
"""Base answers an OpenView remembers before it starts over."""


class OpenView:
    """Whole transactions' changes over a closed ledger, and the transactions themselves.

    `items` maps a key to its new entry, or None where the entry was deleted. `txs` keeps each
    applied transaction's (blob, metadata blob or None) in application order.
    """

    __slots__ = (
        "_base",
        "_base_reads",
        "_base_succs",
        "_fees",
        "_inserted",
        "_parent_close_time",
        "_seq",
        "_skip",
        "build",
        "destroyed_drops",
        "items",
        "range_memo",
        "txs",
    )

    def __init__(
        self,
        base: ReadView,
        *,
        parent_close_time: int,
        build: bool = False,
    ) -> None:
        self._base = base
        self._seq = base.seq + 1
        self._parent_close_time = parent_close_time
        self._fees = base.fees
        self.build = build
        self.items: dict[bytes, Entry | None] = {}
        self.txs: dict[Hash256, tuple[bytes, bytes | None]] = {}
        self.destroyed_drops = 0
        # Keys created in this view (the base lacks them), ordered for succ().
        self._inserted: SortedList | None = None
        # succ() over keys erased here: erased key -> a later base key, every base key in between
        # being erased here too (the base never changes, so the jump stays true until a key
        # comes back; then the memo is dropped). Without it a book whose best directories were
        # consumed earlier in the ledger is walked past them one by one, at every crossing.
        self._skip: dict[bytes, bytes | None] = {}
        # The base's answers, remembered for this view's life (the base never changes): every
        # transaction reads the same hot entries (a book's best directory, its issuer, busy
        # accounts), and each base read walks down the state map, ~48 levels for book
        # directories (they share a 24-byte prefix).
        self._base_reads: dict[bytes, Entry | None] = {}
        self._base_succs: dict[bytes, bytes | None] = {}
        # Facts about one range of keys, by its 24-byte prefix (an order book: its quality
        # directories are the keys under its base's prefix), worked out by a caller from this
        # view alone and kept until a key in the range is inserted or erased here, or a
        # directory rooted in it changes (its pages may lie elsewhere). See settled_open_view.
        self.range_memo: dict[bytes, object] = {}

    @property
    def base(self) -> ReadView:
        return self._base

    @property
    def seq(self) -> int:
        return self._seq

    @property
    def parent_close_time(self) -> int:
        return self._parent_close_time

    @property
    def fees(self) -> Fees:
        return self._fees

    @property
    def open(self) -> bool:
        return not self.build

    def read(self, k: kl.Keylet[E]) -> E | None:
        key = k.key
        entry = self.items.get(key, _ABSENT)
        if entry is _ABSENT:
            entry = self._base_reads.get(key, _ABSENT)
            if entry is _ABSENT:
                entry = self._read_base(key)
        # _check, inlined: this is the hottest read there is.
        if entry is None or (k.type is not object and type(entry) is not k.type):
            return None
        return entry  # type: ignore[return-value]

    def read_key(self, key: bytes) -> Entry | None:
        if key in self.items:
            return self.items[key]
        entry = self._base_reads.get(key, _ABSENT)
        if entry is _ABSENT:
            return self._read_base(key)
        return entry  # type: ignore[return-value]

    def _read_base(self, key: bytes) -> Entry | None:
        reads = self._base_reads
        if len(reads) >= _BASE_MEMO_LIMIT:
            reads.clear()  # a view that reads most of a big state: bounded memory
        entry = reads[key] = self._base.read_key(key)
        return entry

    def _base_succ(self, key: bytes) -> bytes | None:
        succs = self._base_succs
        found = succs.get(key, _ABSENT)
        if found is _ABSENT:
            if len(succs) >= _BASE_MEMO_LIMIT:
                succs.clear()
            found = succs[key] = self._base.succ(key)
        return found  # type: ignore[return-value]

    def succ(self, key: bytes, last: bytes | None = None) -> bytes | None:
        items = self.items
        base_succ = self._base_succ
        nxt = base_succ(key)
        if nxt is not None and items.get(nxt, True) is None:
            # A run of keys erased here: follow the remembered jumps, then shorten them.
            skip = self._skip
            run = []
            while nxt is not None and items.get(nxt, True) is None:
                run.append(nxt)
                jump = skip.get(nxt, _ABSENT)
                nxt = base_succ(nxt) if jump is _ABSENT else jump  # type: ignore[assignment]
            for erased in run:
                skip[erased] = nxt
        if nxt is not None and last is not None and nxt >= last:
            nxt = None
        return _earlier(self._inserted, key, last, nxt)

    def balance_hook(self, account: AccountID, issuer: AccountID, amount: STAmount) -> STAmount:
        return amount

    def owner_count_hook(self, account: AccountID, count: int) -> int:
        return count

    def raw_insert(self, entry: Entry) -> None:
        key = entry.key
        memo = self.range_memo
        if memo:  # _forget_range, inlined: every commit into the open view comes through here
            memo.pop(entry.key[:24], None)
            if type(entry) is DirectoryNode:
                memo.pop(entry.root_index[:24], None)
        if key not in self.items:
            if self._inserted is None:
                self._inserted = SortedList()
            self._inserted.add(key)
        elif self.items[key] is None:
            self._skip.clear()  # an erased base key is back: the jumps over it are stale
        self.items[key] = entry

    def raw_replace(self, entry: Entry) -> None:
        memo = self.range_memo
        if memo:  # _forget_range, inlined: every commit into the open view comes through here
            memo.pop(entry.key[:24], None)
            if type(entry) is DirectoryNode:
                memo.pop(entry.root_index[:24], None)
        if self.items.get(entry.key, True) is None:
            self._skip.clear()
        self.items[entry.key] = entry

    def raw_erase(self, entry: Entry) -> None:
        key = entry.key
        memo = self.range_memo
        if memo:  # _forget_range, inlined: every commit into the open view comes through here
            memo.pop(entry.key[:24], None)
            if type(entry) is DirectoryNode:
                memo.pop(entry.root_index[:24], None)
        if self._inserted is not None and key in self._inserted:
            # Created and deleted within this view: the base never had it.
            self._inserted.remove(key)
            del self.items[key]
        else:
            self.items[key] = None

    def raw_destroy_xrp(self, drops: int) -> None:
        self.destroyed_drops += drops

    def tx_count(self) -> int:
        return len(self.txs)

    def add_tx(self, tx_id: Hash256, blob: bytes, meta: bytes | None) -> None:
        if tx_id in self.txs:
            raise LogicError(f"transaction {tx_id.hex()} applied twice")
        self.txs[tx_id] = (blob, meta)


class Sandbox:
    """One transaction's (or one step's) changes over a parent view; commit with `apply()`.

    `items` maps a key to (action, entry): INSERT (new here), MODIFY (exists in the parent, changed
    here), ERASE (exists in the parent, deleted here; the entry is its last value).
    """

    __slots__ = (
        "_base",
        "_chain",
        "_fees",
        "_inserted",
        "_open",
        "_parent",
        "_parent_close_time",
        "_reshaped",
        "_seq",
        "destroyed_drops",
        "items",
    )

    def __init__(self, parent: ApplyView | Sandbox) -> None:
        self._parent = parent
        self.items: dict[bytes, tuple[int, Entry]] = {}
        self.destroyed_drops = 0
        # Keys with action INSERT, ordered for succ(); created on the first insert. A plain
        # sorted list while small (a transaction inserts a few entries), a SortedList beyond.
        self._inserted: list[bytes] | SortedList | None = None
        # True once an entry was inserted or erased here, or a directory changed: until then
        # the view under the sandbox answers for every key range and directory
        # (settled_open_view).
        self._reshaped = False
        # The items of this sandbox and of every sandbox under it, nearest first, and the view
        # under them all: a read looks through the dicts in turn (the payment engine reads
        # through three or four sandboxes, many times per transaction). The dicts are changed
        # in place, never replaced, so the chain stays true. And what the parent says of the
        # ledger, which never changes while the sandbox lives: reading the fees is not a walk
        # down every sandbox of a payment.
        if isinstance(parent, Sandbox):
            self._chain: tuple[dict[bytes, tuple[int, Entry]], ...] = (self.items, *parent._chain)
            self._base: ApplyView = parent._base
            self._seq: int = parent._seq
            self._parent_close_time: int = parent._parent_close_time
            self._fees: Fees = parent._fees
            self._open: bool = parent._open
        else:
            self._chain = (self.items,)
            self._base = parent
            self._seq = parent.seq
            self._parent_close_time = parent.parent_close_time
            self._fees = parent.fees
            self._open = parent.open

    def _track_insert(self, key: bytes) -> None:
        inserted = self._inserted
        if inserted is None:
            self._inserted = [key]
        elif type(inserted) is list:
            insort(inserted, key)
            if len(inserted) > _SMALL_SORTED:
                self._inserted = SortedList(inserted)
        else:
            inserted.add(key)  # type: ignore[union-attr]

    def _untrack_insert(self, key: bytes) -> None:
        assert self._inserted is not None
        self._inserted.remove(key)

    @property
    def parent(self) -> ApplyView | Sandbox:
        return self._parent

    @property
    def seq(self) -> int:
        return self._seq

    @property
    def parent_close_time(self) -> int:
        return self._parent_close_time

    @property
    def fees(self) -> Fees:
        return self._fees

    @property
    def open(self) -> bool:
        return self._open

    # Reads ----------------------------------------------------------------------------------

    def read(self, k: kl.Keylet[E]) -> E | None:
        key = k.key
        for items in self._chain:
            item = items.get(key)
            if item is not None:
                if item[0] == ERASE:
                    return None
                entry = item[1]  # _check, inlined
                if k.type is not object and type(entry) is not k.type:
                    return None
                return entry  # type: ignore[return-value]
        return self._base.read(k)

    def read_key(self, key: bytes) -> Entry | None:
        for items in self._chain:
            item = items.get(key)
            if item is not None:
                return None if item[0] == ERASE else item[1]
        return self._base.read_key(key)

    def exists(self, k: kl.Keylet[E]) -> bool:
        return self.read(k) is not None

    def succ(self, key: bytes, last: bytes | None = None) -> bytes | None:
        # Every sandbox of the chain, then the view under them: the view's successor is checked
        # against each sandbox from the bottom up (not erased there; no earlier key inserted
        # there), without a call per sandbox. A sandbox that erased the candidate answers by
        # the definition (_succ_here), the sandboxes above it carrying on from its answer.
        chain: list[Sandbox] = []
        view: ApplyView | Sandbox = self
        while isinstance(view, Sandbox):
            chain.append(view)
            view = view._parent
        nxt = self._base.succ(key, last)
        for layer in reversed(chain):
            if nxt is not None:
                item = layer.items.get(nxt)
                if item is not None and item[0] == ERASE:
                    nxt = layer._succ_here(key, last)
                    continue
            if layer._inserted:
                nxt = _earlier(layer._inserted, key, last, nxt)
        return nxt

    def _succ_here(self, key: bytes, last: bytes | None) -> bytes | None:
        """succ() by its definition: the parent's successors, skipping those erased here, and
        the first key inserted here if that comes earlier."""
        items = self.items
        nxt: bytes | None = key
        while True:
            nxt = self._parent.succ(nxt, last)  # type: ignore[arg-type]
            if nxt is None:
                break
            item = items.get(nxt)
            if item is None or item[0] != ERASE:
                break
        return _earlier(self._inserted, key, last, nxt)

    def balance_hook(self, account: AccountID, issuer: AccountID, amount: STAmount) -> STAmount:
        return amount

    def owner_count_hook(self, account: AccountID, count: int) -> int:
        return count

    def credit_hook(self, sender: AccountID, receiver: AccountID, amount: STAmount, pre_credit_balance: STAmount) -> None:
        """Called on every balance change: a payment sandbox records deferred credits here."""

    def adjust_owner_count_hook(self, account: AccountID, current: int, new: int) -> None:
        """Called on every owner count change: a payment sandbox records the maximum here."""

    # Writes (rippled's ApplyView: insert / update / erase) -----------------------------------

    def insert(self, entry: Entry) -> None:
        self._reshaped = True
        key = entry.key
        item = self.items.get(key)
        if item is None:
            if self._parent.read_key(key) is not None:
                raise LogicError(f"insert: {type(entry).__name__} {key.hex()} already exists")
            self.items[key] = (INSERT, entry)
            self._track_insert(key)
        elif item[0] == ERASE:
            self.items[key] = (MODIFY, entry)
        else:
            raise LogicError(f"insert: {type(entry).__name__} {key.hex()} already exists")

    def update(self, entry: Entry) -> None:
        if type(entry) is DirectoryNode:
            self._reshaped = True
        key = entry.key
        item = self.items.get(key)
        if item is None:
            # The caller read the entry from this view to change it, so the parent has it; the
            # metadata pass (which reads the original) catches a caller that did not.
            self.items[key] = (MODIFY, entry)
        elif item[0] == ERASE:
            raise LogicError(f"update: {type(entry).__name__} {key.hex()} was erased")
        else:
            self.items[key] = (item[0], entry)

    def erase(self, entry: Entry) -> None:
        self._reshaped = True
        key = entry.key
        item = self.items.get(key)
        if item is None:
            if self._parent.read_key(key) is None:
                raise LogicError(f"erase: {type(entry).__name__} {key.hex()} does not exist")
            self.items[key] = (ERASE, entry)
        elif item[0] == INSERT:
            del self.items[key]
            self._untrack_insert(key)
        elif item[0] == MODIFY:
            self.items[key] = (ERASE, entry)
        else:
            raise LogicError(f"erase: {type(entry).__name__} {key.hex()} erased twice")

    def destroy_xrp(self, drops: int) -> None:
        """Burn drops (the fee): they leave the ledger's total coins when the ledger closes."""
        self.destroyed_drops += drops

    # The parent side of a nested sandbox ------------------------------------------------------

    def raw_insert(self, entry: Entry) -> None:
        self._reshaped = True
        item = self.items.get(entry.key)
        if item is None:
            self.items[entry.key] = (INSERT, entry)
            self._track_insert(entry.key)
        elif item[0] == ERASE:
            self.items[entry.key] = (MODIFY, entry)
        else:
            raise LogicError(f"raw_insert: {entry.key.hex()} already present")

    def raw_replace(self, entry: Entry) -> None:
        if type(entry) is DirectoryNode:
            self._reshaped = True
        item = self.items.get(entry.key)
        if item is None:
            self.items[entry.key] = (MODIFY, entry)
        elif item[0] == ERASE:
            raise LogicError(f"raw_replace: {entry.key.hex()} was erased")
        else:
            self.items[entry.key] = (item[0], entry)

    def raw_erase(self, entry: Entry) -> None:
        self._reshaped = True
        item = self.items.get(entry.key)
        if item is None or item[0] == MODIFY:
            self.items[entry.key] = (ERASE, entry)
        elif item[0] == INSERT:
            del self.items[entry.key]
            self._untrack_insert(entry.key)
        else:
            raise LogicError(f"raw_erase: {entry.key.hex()} erased twice")

    def raw_destroy_xrp(self, drops: int) -> None:
        self.destroyed_drops += drops

    def apply(self) -> None:
        """Commit every change into the parent, then forget them (the sandbox may be reused)."""
        parent = self._parent
        if type(parent) is Sandbox or isinstance(parent, Sandbox):
            # raw_insert / raw_replace / raw_erase, inlined: a payment commits a sandbox into
            # another several times per transaction.
            if self._reshaped:
                parent._reshaped = True
            into = parent.items
            for key, mine in self.items.items():
                action, entry = mine
                theirs = into.get(key)
                if action == MODIFY:
                    if theirs is None:
                        into[key] = mine
                    elif theirs[0] == ERASE:
                        raise LogicError(f"raw_replace: {key.hex()} was erased")
                    elif theirs[0] == MODIFY:
                        into[key] = mine
                    else:
                        into[key] = (theirs[0], entry)
                elif action == INSERT:
                    if theirs is None:
                        into[key] = mine
                        parent._track_insert(key)
                    elif theirs[0] == ERASE:
                        into[key] = (MODIFY, entry)
                    else:
                        raise LogicError(f"raw_insert: {key.hex()} already present")
                elif theirs is None or theirs[0] == MODIFY:
                    into[key] = mine
                elif theirs[0] == INSERT:
                    del into[key]
                    parent._untrack_insert(key)
                else:
                    raise LogicError(f"raw_erase: {key.hex()} erased twice")
            if self.destroyed_drops:
                parent.destroyed_drops += self.destroyed_drops
        else:
            for action, entry in self.items.values():
                if action == INSERT:
                    parent.raw_insert(entry)
                elif action == MODIFY:
                    parent.raw_replace(entry)
                else:
                    parent.raw_erase(entry)
            if self.destroyed_drops:
                parent.raw_destroy_xrp(self.destroyed_drops)
        self.discard()

    def discard(self) -> None:
        self.items.clear()  # in place: sandboxes over this one hold the dict in their chain
        self.destroyed_drops = 0
        self._inserted = None
        self._reshaped = False

    def changes(self) -> Iterator[tuple[bytes, int, Entry]]:
        """(key, action, entry) for every change, in key order (metadata's order)."""
        for key in sorted(self.items):
            action, entry = self.items[key]
            yield key, action, entry


def settled_open_view(view: ReadView) -> OpenView | None:
    """The open view under `view` when every sandbox in between (if any) neither inserted nor
    erased an entry nor changed a directory: then what it says of any key range and any
    directory is what `view` says, and facts about a range worked out from it may be kept in
    its `range_memo` (they stay true until it changes the range, which drops them). None when
    `view` is not (over) an open view, or a sandbox on the way changed the shape of things."""
    while isinstance(view, Sandbox):
        if view._reshaped:
            return None
        view = view._parent
    return view if type(view) is OpenView else None


_SMALL_SORTED = 256
"""A sandbox keeps its inserted keys in a plain sorted list up to this many."""


def _earlier(
    inserted: list[bytes] | SortedList | None, key: bytes, last: bytes | None, nxt: bytes | None
) -> bytes | None:
    """The lower of the parent's successor `nxt` and this layer's first inserted key after `key`."""
    if inserted:
        i = bisect_right(inserted, key) if type(inserted) is list else inserted.bisect_right(key)  # type: ignore[union-attr]
        if i < len(inserted):
            mine: bytes = inserted[i]
            if (last is None or mine < last) and (nxt is None or mine < nxt):
                return mine
    return nxt
