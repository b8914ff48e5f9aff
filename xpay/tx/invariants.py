"""Invariant checks run after every transaction, in production as in tests (rippled's
InvariantCheck.cpp and ApplyContext::checkInvariants).

Each checker sees every entry the transaction changed — `visit_entry(before, after)`, `before`
None for a created entry, `after` None for a deleted one — then `finalize(...)` says whether the
rule held (None) or why not. A failed check turns the result into tecINVARIANT_FAILED (only the
fee is charged); if even charging the fee fails them, tefINVARIANT_FAILED (nothing is applied),
as rippled's failInvariantCheck does.

rippled's checkers, for what xpay's ledger holds: TransactionFeeCheck, XRPNotCreated,
XRPBalanceChecks, AccountRootsNotDeleted, LedgerEntryTypesMatch, NoXRPTrustLines, NoBadOffers,
ValidNewAccountRoot. And two of xpay's own, which rippled's tests check from outside:
TrustLinesSane (a line's fields agree with its key and with each other) and OwnerCountsMatch
(each touched account's OwnerCount moved exactly as much as the objects it reserves for).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar, Final, Protocol

from xpay.amounts import MAX_NATIVE_DROPS
from xpay.ledger import keylet
from xpay.ledger.entries import ENTRY_TYPES, AccountRoot, DirectoryNode, Entry, Offer, RippleState
from xpay.ledger.views import ERASE, INSERT, ReadView
from xpay.protocol.flags import lsfHighReserve, lsfLowReserve
from xpay.protocol.ids import ACCOUNT_ONE, AccountID
from xpay.protocol.ter import TER, Tec, Tef, Tes
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.transaction import Transaction

ALL_TYPES: Final[frozenset[type]] = frozenset(ENTRY_TYPES.values())
_RESERVE_FLAGS: Final = lsfLowReserve | lsfHighReserve


class InvariantChecker(Protocol):
    WATCHES: ClassVar[frozenset[type]]
    """The entry types whose changes the checker is shown (the others cannot break it)."""
    FINALIZES_ALONE: ClassVar[bool]
    """True when the rule can fail with none of those entries changed (the XRP totals)."""

    def visit_entry(self, before: Entry | None, after: Entry | None) -> None: ...

    def finalize(self, tx: Transaction, result: TER, fee: int, view: ReadView) -> str | None:
        """None when the invariant holds, else what broke."""
        ...


class TransactionFeeCheck:
    """The fee charged is neither negative, nor more than all XRP, nor more than the tx's Fee."""

    WATCHES: ClassVar[frozenset[type]] = frozenset()
    FINALIZES_ALONE: ClassVar[bool] = False
    __slots__ = ()

    def visit_entry(self, before: Entry | None, after: Entry | None) -> None:
        pass

    def finalize(self, tx: Transaction, result: TER, fee: int, view: ReadView) -> str | None:
        if fee < 0:
            return f"fee paid was negative: {fee}"
        if fee > MAX_NATIVE_DROPS:
            return f"fee paid exceeds system limit: {fee}"
        if fee > tx.fee.mantissa:
            return f"fee paid is {fee}, exceeds fee specified in transaction"
        return None


class XRPNotCreated:
    """The XRP in account roots falls by exactly the fee: none is created, none lost."""

    WATCHES: ClassVar[frozenset[type]] = frozenset({AccountRoot})
    FINALIZES_ALONE: ClassVar[bool] = True
    __slots__ = ("drops",)

    def __init__(self) -> None:
        self.drops = 0

    def visit_entry(self, before: Entry | None, after: Entry | None) -> None:
        if type(before) is AccountRoot:
            self.drops -= before.balance.drops
        if type(after) is AccountRoot:
            self.drops += after.balance.drops

    def finalize(self, tx: Transaction, result: TER, fee: int, view: ReadView) -> str | None:
        if self.drops > 0:
            return f"XRP net change was positive: {self.drops}"
        if -self.drops != fee:
            return f"XRP net change of {self.drops} doesn't match fee {fee}"
        return None


class XRPBalanceChecks:
    """No account's XRP balance is negative or above all the XRP there is."""

    WATCHES: ClassVar[frozenset[type]] = frozenset({AccountRoot})
    FINALIZES_ALONE: ClassVar[bool] = False
    __slots__ = ("bad",)

    def __init__(self) -> None:
        self.bad: str | None = None

    def visit_entry(self, before: Entry | None, after: Entry | None) -> None:
        if type(after) is AccountRoot:
            drops = after.balance.drops
            if drops < 0 or drops > MAX_NATIVE_DROPS:
                self.bad = f"incorrect account XRP balance: {drops}"

    def finalize(self, tx: Transaction, result: TER, fee: int, view: ReadView) -> str | None:
        return self.bad


class AccountRootsNotDeleted:
    """No account root is deleted (xpay has no AccountDelete)."""

    WATCHES: ClassVar[frozenset[type]] = frozenset({AccountRoot})
    FINALIZES_ALONE: ClassVar[bool] = False
    __slots__ = ("deleted",)

    def __init__(self) -> None:
        self.deleted = 0

    def visit_entry(self, before: Entry | None, after: Entry | None) -> None:
        if after is None and type(before) is AccountRoot:
            self.deleted += 1

    def finalize(self, tx: Transaction, result: TER, fee: int, view: ReadView) -> str | None:
        return f"an account root was deleted ({self.deleted})" if self.deleted else None


class LedgerEntryTypesMatch:
    """A modified entry keeps its type."""

    WATCHES: ClassVar[frozenset[type]] = ALL_TYPES
    FINALIZES_ALONE: ClassVar[bool] = False
    __slots__ = ("bad",)

    def __init__(self) -> None:
        self.bad = False

    def visit_entry(self, before: Entry | None, after: Entry | None) -> None:
        if before is not None and after is not None and type(before) is not type(after):
            self.bad = True

    def finalize(self, tx: Transaction, result: TER, fee: int, view: ReadView) -> str | None:
        return "ledger entry type mismatch" if self.bad else None


class NoXRPTrustLines:
    """No trust line is in XRP."""

    WATCHES: ClassVar[frozenset[type]] = frozenset({RippleState})
    FINALIZES_ALONE: ClassVar[bool] = False
    __slots__ = ("bad",)

    def __init__(self) -> None:
        self.bad = False

    def visit_entry(self, before: Entry | None, after: Entry | None) -> None:
        if type(after) is RippleState and (after.low_limit.native or after.high_limit.native):
            self.bad = True

    def finalize(self, tx: Transaction, result: TER, fee: int, view: ReadView) -> str | None:
        return "an XRP trust line was created" if self.bad else None


class NoBadOffers:
    """No offer is negative on either side, or XRP for XRP."""

    WATCHES: ClassVar[frozenset[type]] = frozenset({Offer})
    FINALIZES_ALONE: ClassVar[bool] = False
    __slots__ = ("bad",)

    def __init__(self) -> None:
        self.bad = False

    def visit_entry(self, before: Entry | None, after: Entry | None) -> None:
        if type(after) is Offer:
            pays, gets = after.taker_pays, after.taker_gets
            if pays.negative or gets.negative or (pays.native and gets.native):
                self.bad = True

    def finalize(self, tx: Transaction, result: TER, fee: int, view: ReadView) -> str | None:
        return "offer with a bad amount" if self.bad else None


class ValidNewAccountRoot:
    """At most one account is created, only by a successful Payment, with the ledger's sequence
    as its first Sequence (rippled with DeletableAccounts)."""

    WATCHES: ClassVar[frozenset[type]] = frozenset({AccountRoot})
    FINALIZES_ALONE: ClassVar[bool] = False
    __slots__ = ("created", "sequence")

    def __init__(self) -> None:
        self.created = 0
        self.sequence = 0

    def visit_entry(self, before: Entry | None, after: Entry | None) -> None:
        if before is None and type(after) is AccountRoot:
            self.created += 1
            self.sequence = after.sequence

    def finalize(self, tx: Transaction, result: TER, fee: int, view: ReadView) -> str | None:
        if not self.created:
            return None
        if self.created > 1:
            return f"multiple accounts created in a single transaction ({self.created})"
        if tx.tx_type is not TransactionType.Payment or result is not Tes.tesSUCCESS:
            return f"account root created by {tx.tx_type.name} with {result.name}"
        if self.sequence != view.seq:
            return f"account created with sequence {self.sequence}, not {view.seq}"
        return None


class TrustLinesSane:
    """Every trust line written is well formed: its low and high accounts are in order and its
    key is theirs, balance and limits are in one currency, the balance's issuer is the neutral
    ACCOUNT_ONE, and the limits are not negative."""

    WATCHES: ClassVar[frozenset[type]] = frozenset({RippleState})
    FINALIZES_ALONE: ClassVar[bool] = False
    __slots__ = ("bad",)

    def __init__(self) -> None:
        self.bad: str | None = None

    def visit_entry(self, before: Entry | None, after: Entry | None) -> None:
        if type(after) is not RippleState:
            return
        low, high = after.low_limit, after.high_limit
        currency = after.balance.issue.currency
        if after.balance.native or after.balance.issue.account != ACCOUNT_ONE:
            self.bad = "trust line balance is not in the neutral issuer"
        elif low.issue.currency != currency or high.issue.currency != currency:
            self.bad = "trust line limits and balance disagree on the currency"
        elif not low.issue.account < high.issue.account:
            self.bad = "trust line accounts out of order"
        elif low.negative or high.negative:
            self.bad = "negative trust line limit"
        elif keylet.line(low.issue.account, high.issue.account, currency).key != after.key:
            self.bad = "trust line stored under another line's key"

    def finalize(self, tx: Transaction, result: TER, fee: int, view: ReadView) -> str | None:
        return self.bad


class OwnerCountsMatch:
    """Each account's OwnerCount moves by exactly the number of objects it reserves for that
    the transaction created, deleted or started / stopped reserving for (trust lines with its
    reserve flag, its offers)."""

    WATCHES: ClassVar[frozenset[type]] = frozenset({AccountRoot, RippleState, Offer})
    FINALIZES_ALONE: ClassVar[bool] = False
    __slots__ = ("delta",)

    def __init__(self) -> None:
        self.delta: dict[AccountID, int] = {}
        """Per account: OwnerCount change minus reserved-object change (0 when they agree)."""

    def _add(self, account: AccountID, amount: int) -> None:
        delta = self.delta
        delta[account] = delta.get(account, 0) + amount

    def _side(self, entry: Entry, sign: int) -> None:
        """`sign` * this entry's contribution: its owner count for a root (counted), minus one
        for each account it is reserved for (objects)."""
        if isinstance(entry, AccountRoot):
            if entry.owner_count:
                self._add(entry.account, sign * entry.owner_count)
        elif isinstance(entry, RippleState):
            flags = entry.flags
            if flags & lsfLowReserve:
                self._add(entry.low_account, -sign)
            if flags & lsfHighReserve:
                self._add(entry.high_account, -sign)
        elif isinstance(entry, Offer):
            self._add(entry.account, -sign)

    def visit_entry(self, before: Entry | None, after: Entry | None) -> None:
        # The common changes leave nothing to count: a balance moved on a line, an account's
        # balance or sequence changed.
        if isinstance(before, RippleState) and isinstance(after, RippleState):
            if not (before.flags ^ after.flags) & _RESERVE_FLAGS:
                return
        elif (
            isinstance(before, AccountRoot)
            and isinstance(after, AccountRoot)
            and before.owner_count == after.owner_count
        ):
            return
        # Each side on its own: a changed entry type is LedgerEntryTypesMatch's to report.
        if before is not None:
            self._side(before, -1)
        if after is not None:
            self._side(after, 1)

    def finalize(self, tx: Transaction, result: TER, fee: int, view: ReadView) -> str | None:
        wrong = sorted(account for account, delta in self.delta.items() if delta)
        if wrong:
            account = wrong[0]
            return f"owner count of {account.hex().upper()} and its objects moved apart by {self.delta[account]}"
        return None


CHECKERS: Final[tuple[type[InvariantChecker], ...]] = (
    TransactionFeeCheck,
    XRPNotCreated,
    XRPBalanceChecks,
    AccountRootsNotDeleted,
    LedgerEntryTypesMatch,
    NoXRPTrustLines,
    NoBadOffers,
    ValidNewAccountRoot,
    TrustLinesSane,
    OwnerCountsMatch,
)
"""Every invariant, run after every transaction."""


# Per entry type, the positions in CHECKERS of the checkers that watch it: most changes are
# account roots and directory pages, which half the checkers have nothing to say about.
_WATCHERS: Final[dict[type, tuple[int, ...]]] = {
    t: tuple(i for i, cls in enumerate(CHECKERS) if t in cls.WATCHES) for t in ALL_TYPES
}


_ALWAYS: Final[tuple[int, ...]] = tuple(i for i, cls in enumerate(CHECKERS) if not cls.WATCHES or cls.FINALIZES_ALONE)
"""Checkers that must finalize even when no entry of theirs changed (the fee, XRP totals)."""


def invariant_failures(
    tx: Transaction,
    result: TER,
    fee: int,
    base: ReadView,
    changes: Iterable[tuple[bytes, int, Entry]],
) -> list[str]:
    """What the transaction's changes (key, action, entry) over `base` broke; empty if nothing.
    `base` is the view the changes apply to: `before` comes from there. A checker is only built
    once an entry it watches changed (one that sees nothing has nothing to report), except the
    few whose rule holds for the transaction as a whole."""
    checkers: dict[int, InvariantChecker] = {i: CHECKERS[i]() for i in _ALWAYS}
    watchers = _WATCHERS
    read = base.read_key
    for key, action, entry in changes:
        before = None if action == INSERT else read(key)
        after = None if action == ERASE else entry
        kind = type(entry)
        if before is not None and type(before) is not kind:
            # A changed type: every checker of either type sees it (and LedgerEntryTypesMatch
            # reports it).
            positions = tuple(sorted(set(watchers[kind]) | set(watchers.get(type(before), ()))))
        else:
            positions = watchers[kind]
        for i in positions:
            checker = checkers.get(i)
            if checker is None:
                checker = checkers[i] = CHECKERS[i]()
            checker.visit_entry(before, after)
    failures = []
    for i in sorted(checkers):
        checker = checkers[i]
        failure = checker.finalize(tx, result, fee, base)
        if failure is not None:
            failures.append(f"{type(checker).__name__}: {failure}")
    return failures


_UNDECIDED: Final = None


def invariants_hold(
    tx: Transaction,
    result: TER,
    fee: int,
    base: ReadView,
    items: Mapping[bytes, tuple[int, Entry]],
) -> bool | None:
    """Every checker above, fused into one pass over a sandbox's `items` (key -> (action,
    entry)): True when they all hold, False when one fails, None (undecided) for a change this
    pass does not model — an entry whose type differs from the one it replaces — which the
    checkers themselves then judge.

    The same rules as the classes, visited as they visit (see each one): the checkers run after
    every transaction, and building ten checkers and calling each on every entry costs more
    than most transactions. `invariant_failures` stays the reference; a property test holds the
    two to the same verdict.
    """
    if fee < 0 or fee > MAX_NATIVE_DROPS or fee > tx.fee.mantissa:  # TransactionFeeCheck
        return False
    read = base.read_key
    drops = 0  # XRPNotCreated
    created = 0  # ValidNewAccountRoot
    created_seq = 0
    owners: dict[AccountID, int] | None = None  # OwnerCountsMatch: account -> delta
    for key, (action, entry) in items.items():
        kind = type(entry)
        if kind is DirectoryNode and action != INSERT:
            # Only LedgerEntryTypesMatch watches directories: the one thing to check is the type.
            if type(read(key)) is not DirectoryNode:
                return _UNDECIDED
            continue
        before = None if action == INSERT else read(key)
        if before is not None and type(before) is not kind:
            return _UNDECIDED
        after = None if action == ERASE else entry
        if kind is AccountRoot:
            if before is not None:
                drops -= before.balance.drops  # type: ignore[union-attr]
                if after is None:
                    return False  # AccountRootsNotDeleted
            if after is not None:
                balance = after.balance.drops  # type: ignore[union-attr]
                if balance < 0 or balance > MAX_NATIVE_DROPS:
                    return False  # XRPBalanceChecks
                drops += balance
                if before is None:
                    created += 1  # ValidNewAccountRoot
                    created_seq = after.sequence  # type: ignore[union-attr]
            if before is None or after is None or before.owner_count != after.owner_count:  # type: ignore[union-attr]
                if owners is None:
                    owners = {}
                for side, sign in ((before, -1), (after, 1)):
                    if side is not None and side.owner_count:  # type: ignore[union-attr]
                        account = side.account  # type: ignore[union-attr]
                        owners[account] = owners.get(account, 0) + sign * side.owner_count  # type: ignore[union-attr]
        elif kind is RippleState:
            if after is not None:
                line: RippleState = after  # type: ignore[assignment]
                low, high, held = line.low_limit, line.high_limit, line.balance
                if low.native or high.native:
                    return False  # NoXRPTrustLines
                currency = held.issue.currency
                if (  # TrustLinesSane
                    held.native
                    or held.issue.account != ACCOUNT_ONE
                    or low.issue.currency != currency
                    or high.issue.currency != currency
                    or not low.issue.account < high.issue.account
                    or low.mantissa < 0
                    or high.mantissa < 0
                    or keylet.line(low.issue.account, high.issue.account, currency).key != line.key
                ):
                    return False
            if before is None or after is None or (before.flags ^ after.flags) & _RESERVE_FLAGS:
                if owners is None:
                    owners = {}
                for side, sign in ((before, -1), (after, 1)):
                    if side is not None:
                        flags = side.flags
                        if flags & lsfLowReserve:
                            account = side.low_account  # type: ignore[union-attr]
                            owners[account] = owners.get(account, 0) - sign
                        if flags & lsfHighReserve:
                            account = side.high_account  # type: ignore[union-attr]
                            owners[account] = owners.get(account, 0) - sign
        elif kind is Offer:
            if after is not None:
                pays, gets = after.taker_pays, after.taker_gets  # type: ignore[union-attr]
                if pays.mantissa < 0 or gets.mantissa < 0 or (pays.native and gets.native):
                    return False  # NoBadOffers
            if before is None or after is None or before.account != after.account:  # type: ignore[union-attr]
                if owners is None:
                    owners = {}
                for side, sign in ((before, -1), (after, 1)):
                    if side is not None:
                        account = side.account  # type: ignore[union-attr]
                        owners[account] = owners.get(account, 0) - sign
        elif kind not in ALL_TYPES:
            return _UNDECIDED
    if drops > 0 or -drops != fee:  # XRPNotCreated
        return False
    if created:  # ValidNewAccountRoot
        if created > 1 or tx.tx_type is not TransactionType.Payment or result is not Tes.tesSUCCESS:
            return False
        if created_seq != base.seq:
            return False
    return owners is None or not any(owners.values())


def check_invariants(
    tx: Transaction,
    result: TER,
    fee: int,
    base: ReadView,
    changes: Mapping[bytes, tuple[int, Entry]] | Iterable[tuple[bytes, int, Entry]],
) -> TER:
    """rippled's ApplyContext::checkInvariants over the transaction's changes — a sandbox's
    items (key -> (action, entry)), or (key, action, entry) triples: `result` if every
    invariant holds, else tecINVARIANT_FAILED — or tefINVARIANT_FAILED when the result already
    was an invariant failure (charging just the fee broke them too)."""
    if type(changes) is not dict and not isinstance(changes, Mapping):
        changes = {key: (action, entry) for key, action, entry in changes}
    verdict = invariants_hold(tx, result, fee, base, changes)
    if verdict is None:
        unsorted = ((key, action, entry) for key, (action, entry) in changes.items())
        verdict = not invariant_failures(tx, result, fee, base, unsorted)
    if verdict:
        return result
    if result in (Tec.tecINVARIANT_FAILED, Tef.tefINVARIANT_FAILED):
        return Tef.tefINVARIANT_FAILED
    return Tec.tecINVARIANT_FAILED
