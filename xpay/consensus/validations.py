"""Trusted validations: full validation, the preferred ledger, and Byzantine detection, as
rippled's ``Validations`` (Validations.h).

After building a ledger, each validator signs a *validation* naming the ledger's ID and sequence.
A ledger is **fully validated** once validations for it arrive from a quorum of the UNL: 80 % of
the listed validators, rounded up (4 of 5, 5 of 6). Only validations from keys on our UNL count;
others are ignored (``ValStatus.UNTRUSTED``).

This class keeps, per validator, its *current* (latest) validation, which feeds the ancestry
tree (``LedgerTrie``) that decides the **preferred ledger** a node should build on, and, per
ledger, the validations naming it, which decide full validation.

Byzantine detection: an honest validator signs at most one validation per sequence. Two
validations from one validator naming different ledgers at one sequence are *conflicting*: the
second is answered with ``ValStatus.CONFLICTING``, the pair is recorded in ``conflicts``, and
**neither** counts any more — the first one's vote is withdrawn from its ledger and from the
tree, and any further validation from that validator for that sequence is refused. (rippled
only refuses the second; withdrawing the first as well keeps a two-faced validator from
counting on the side that happened to hear it first. A ledger already declared fully validated
stays so: with fewer than 20 % Byzantine validators the honest ones alone reach quorum.)
A validator's validations must also come with increasing sequences (``BAD_SEQ`` otherwise).

Times are milliseconds of the network clock, passed in by the caller.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import Enum
from typing import Generic

from xpay.consensus.consensus_types import LedgerT, NodeIdT
from xpay.consensus.ledger_trie import LedgerTrie
from xpay.consensus.parms import ConsensusParms
from xpay.protocol.ids import Hash256

FULLY_VALIDATED_HISTORY = 256
"""How many sequences of fully validated ledgers (below the newest) stay queryable."""


class ValStatus(Enum):
    """Outcome of adding a validation (rippled's ``ValStatus``, plus ``UNTRUSTED``)."""

    CURRENT = "current"
    """New, trusted, and stored."""
    STALE = "stale"
    """Signed too long ago or too far in the future, or older than the validator's current one."""
    BAD_SEQ = "badSeq"
    """Not above a sequence this validator already validated."""
    MULTIPLE = "multiple"
    """A repeat of a validation we already hold (a relay or a resend)."""
    CONFLICTING = "conflicting"
    """A second, different ledger for one sequence from one validator: Byzantine or broken."""
    UNTRUSTED = "untrusted"
    """From a key outside our UNL: ignored."""


@dataclass(frozen=True, slots=True)
class Validation(Generic[NodeIdT]):
    """A validator's signed statement that it built ledger ``ledger_id`` at ``seq``.

    ``sign_time`` is the signer's network clock in milliseconds. ``full`` is false for a
    *partial* validation (the signer did not propose in the round): such validations steer
    the preferred ledger but never count towards quorum, as in rippled.
    """

    ledger_id: Hash256
    seq: int
    sign_time: int
    node_id: NodeIdT
    full: bool = True


@dataclass(frozen=True, slots=True)
class ValidationConflict(Generic[NodeIdT]):
    """Two validations from one validator for different ledgers at one sequence."""

    node_id: NodeIdT
    seq: int
    first: Hash256
    second: Hash256
    detected_at: int


@dataclass(frozen=True, slots=True)
class _Current(Generic[NodeIdT]):
    validation: Validation[NodeIdT]
    seen: int


def quorum_for(unl_size: int, quorum_pct: int) -> int:
    """``ceil(unl_size * quorum_pct / 100)`` in integers; at least one."""
    return max(1, (unl_size * quorum_pct + 99) // 100)


class Validations(Generic[LedgerT, NodeIdT]):
    """Validations from the UNL, by validator, by ledger and by sequence."""

    def __init__(
        self,
        parms: ConsensusParms,
        unl: Collection[NodeIdT],
        acquire: Callable[[Hash256], LedgerT | None],
    ) -> None:
        """``acquire`` returns a ledger we hold, or None after starting to fetch it (rippled's
        ``Adaptor::acquire``); it is called again later for ledgers still missing, so it must
        be cheap to repeat."""
        self._parms = parms
        self._unl: frozenset[NodeIdT] = frozenset(unl)
        self._acquire = acquire
        self._current: dict[NodeIdT, _Current[NodeIdT]] = {}
        self._by_ledger: dict[Hash256, dict[NodeIdT, Validation[NodeIdT]]] = {}
        self._by_seq: dict[tuple[NodeIdT, int], Validation[NodeIdT]] = {}
        self._conflicted: set[tuple[NodeIdT, int]] = set()
        # (first seen, ledger id or None, by-seq key or None), oldest first, for expiry.
        self._expiry: deque[tuple[int, Hash256 | None, tuple[NodeIdT, int] | None]] = deque()
        # Largest sequence each validator validated, and when (rippled's SeqEnforcer).
        self._seq_enforcers: dict[NodeIdT, tuple[int, int]] = {}
        self._largest_issued = 0
        self._trie: LedgerTrie[LedgerT] = LedgerTrie()
        # The ledger each validator's current validation is accounted for in the tree.
        self._last_ledger: dict[NodeIdT, LedgerT] = {}
        # Ledgers being fetched, with the validators whose current validation names them.
        self._acquiring: dict[tuple[int, Hash256], list[NodeIdT]] = {}
        self._acquiring_since: dict[tuple[int, Hash256], int] = {}
        self._fully_validated: dict[int, Hash256] = {}
        self._latest_fully_validated: tuple[int, Hash256] | None = None
        self.conflicts: list[ValidationConflict[NodeIdT]] = []
        """Every conflicting pair detected, oldest first."""
        self.forks: list[tuple[int, Hash256, Hash256]] = []
        """Two ledgers reaching quorum at one sequence: (seq, first, second). Impossible while
        fewer than 20 % of the UNL are Byzantine; recorded, never resolved here."""

    # --- the UNL ------------------------------------------------------------------------------

    @property
    def unl(self) -> frozenset[NodeIdT]:
        return self._unl

    @property
    def quorum(self) -> int:
        """Validations needed to fully validate a ledger."""
        return quorum_for(len(self._unl), self._parms.validation_quorum_pct)

    def set_unl(self, unl: Collection[NodeIdT]) -> None:
        """Change the trusted validators (rippled's ``trustChanged``): validations from keys
        that left the UNL stop counting."""
        new = frozenset(unl)
        removed = self._unl - new
        self._unl = new
        for node in [n for n in self._current if n in removed]:
            self._drop_current(node)
        for votes in self._by_ledger.values():
            for node in [n for n in votes if n in removed]:
                del votes[node]

    # --- adding -------------------------------------------------------------------------------

    def is_current(self, now: int, sign_time: int, seen_time: int) -> bool:
        """Whether a validation still describes its validator's state (rippled's ``isCurrent``):
        signed neither too long ago nor too far ahead of our clock, and first seen recently."""
        parms = self._parms
        return (
            now - parms.validation_current_wall_ms < sign_time < now + parms.validation_current_early_ms
            and seen_time > now - parms.validation_current_local_ms
        )

    def add(self, now: int, validation: Validation[NodeIdT]) -> ValStatus:
        """Store a validation received at ``now`` and return what it was (rippled's ``add``)."""
        node = validation.node_id
        if node not in self._unl:
            return ValStatus.UNTRUSTED
        if not self.is_current(now, validation.sign_time, now):
            return ValStatus.STALE
        key = (node, validation.seq)
        if key in self._conflicted:
            return ValStatus.CONFLICTING
        prior = self._by_seq.get(key)
        if prior is not None:
            if prior.ledger_id != validation.ledger_id:
                self._record_conflict(now, prior, validation)
                return ValStatus.CONFLICTING
            return ValStatus.MULTIPLE
        # Remembered by sequence before the ordering check, as rippled does, so that even a
        # validation refused below exposes a later, different one for the same sequence.
        self._by_seq[key] = validation
        self._expiry.append((now, None, key))
        enforcer = self._seq_enforcers.get(node)
        if (
            enforcer is not None
            and now <= enforcer[1] + self._parms.validation_set_expires_ms
            and validation.seq <= enforcer[0]
        ):
            return ValStatus.BAD_SEQ
        self._seq_enforcers[node] = (validation.seq, now)
        if validation.full:
            votes = self._by_ledger.get(validation.ledger_id)
            if votes is None:
                votes = self._by_ledger[validation.ledger_id] = {}
                self._expiry.append((now, validation.ledger_id, None))
            votes[node] = validation
            # Only votes naming the same sequence count together: a Byzantine validator must
            # not get a real ledger recorded as fully validated at a sequence it made up.
            agreeing = sum(1 for vote in votes.values() if vote.seq == validation.seq)
            if agreeing >= self.quorum:
                self._mark_fully_validated(validation.seq, validation.ledger_id)
        current = self._current.get(node)
        if current is not None and validation.sign_time <= current.validation.sign_time:
            return ValStatus.STALE
        self._current[node] = _Current(validation, now)
        self._update_trie(now, node, validation, current.validation if current else None)
        return ValStatus.CURRENT

    def can_validate_seq(self, seq: int) -> bool:
        """Whether we may sign a validation for ``seq``, recording it if so: an honest validator
        validates each sequence at most once, in increasing order (rippled's
        ``canValidateSeq``)."""
        if seq <= self._largest_issued:
            return False
        self._largest_issued = seq
        return True

    @property
    def largest_issued(self) -> int:
        """The largest sequence we validated ourselves."""
        return self._largest_issued

    def restore_largest_issued(self, seq: int) -> None:
        """After a restart: the largest sequence we validated before (from persistent storage)."""
        self._largest_issued = max(self._largest_issued, seq)

    def expire(self, now: int) -> None:
        """Forget per-ledger and per-sequence validations first seen more than
        ``validation_set_expires_ms`` ago, and stale current validations."""
        horizon = now - self._parms.validation_set_expires_ms
        expiry = self._expiry
        while expiry and expiry[0][0] < horizon:
            _, ledger_id, seq_key = expiry.popleft()
            if ledger_id is not None:
                self._by_ledger.pop(ledger_id, None)
            if seq_key is not None:
                self._by_seq.pop(seq_key, None)
                self._conflicted.discard(seq_key)
        self._flush(now)

    # --- full validation ----------------------------------------------------------------------

    def num_trusted_for_ledger(self, ledger_id: Hash256) -> int:
        """How many trusted, non-conflicting full validations name this ledger (with the
        sequence most of them give it)."""
        return len(self.validators_for_ledger(ledger_id))

    def validators_for_ledger(self, ledger_id: Hash256) -> list[NodeIdT]:
        """The trusted validators whose counted validations name this ledger, with the
        sequence most of them give it."""
        votes = self._by_ledger.get(ledger_id)
        if not votes:
            return []
        by_seq: dict[int, list[NodeIdT]] = {}
        for node, vote in votes.items():
            by_seq.setdefault(vote.seq, []).append(node)
        return max(by_seq.values(), key=len)

    def is_fully_validated(self, ledger_id: Hash256) -> bool:
        return ledger_id in self._fully_validated.values()

    def fully_validated(self, seq: int) -> Hash256 | None:
        """The ledger that reached quorum at ``seq``, if any (recent sequences only)."""
        return self._fully_validated.get(seq)

    def latest_fully_validated(self) -> tuple[int, Hash256] | None:
        """(sequence, ID) of the newest ledger that reached quorum."""
        return self._latest_fully_validated

    # --- the preferred ledger -----------------------------------------------------------------

    def get_preferred(self, now: int, curr: LedgerT) -> tuple[int, Hash256] | None:
        """The (sequence, ID) of the ledger to build on, given our working ledger ``curr``
        (rippled's ``Validations::getPreferred``), or None without trusted validations.

        A ledger ahead of ours is preferred whether or not it descends from ours; a ledger at
        or behind ours only if it is on another branch; and when the preferred ledger is the
        child of ours we keep ours, since we may be about to build that very child.
        """
        self._flush(now)
        self._check_acquired(now)
        preferred = self._trie.get_preferred(self._largest_issued)
        if preferred is None and not self._trie.empty:
            # Support is too spread out (or too far behind us) to prefer any branch: stay.
            return curr.seq, curr.id
        if preferred is None:
            # Nothing acquired yet: go with the ledger most validators are waiting for — but
            # only once a quorum of them names it. (rippled takes any majority here; then one
            # Byzantine validation of an invented ledger, arriving before any other, sends
            # every fresh node after a ledger that does not exist.)
            if not self._acquiring:
                return None
            (seq, ledger_id), waiting = max(
                self._acquiring.items(), key=lambda item: (len(item[1]), item[0][1])
            )
            if len(waiting) < self.quorum:
                return None
            return seq, ledger_id
        if preferred.seq == curr.seq + 1 and preferred.parent_id == curr.id:
            return curr.seq, curr.id
        if preferred.seq > curr.seq:
            return preferred.seq, preferred.id
        ours = curr.ancestor(preferred.seq)
        if ours is not None and ours != preferred.id:
            return preferred.seq, preferred.id
        # Same chain, or too far back to tell: stay.
        return curr.seq, curr.id

    def get_preferred_id(self, now: int, curr: LedgerT, min_valid_seq: int) -> Hash256:
        """The ID of the preferred ledger if its sequence is at least ``min_valid_seq``
        (never go back behind our fully validated ledger), else ``curr``'s."""
        preferred = self.get_preferred(now, curr)
        if preferred is not None and preferred[0] >= min_valid_seq:
            return preferred[1]
        return curr.id

    def nodes_after(self, now: int, ledger: LedgerT) -> int:
        """How many trusted validators' current validation is for a descendant of ``ledger``:
        they have moved on past it (rippled's ``getNodesAfter``)."""
        self._flush(now)
        self._check_acquired(now)
        count = 0
        for node, current in self._current.items():
            validation = current.validation
            if validation.seq <= ledger.seq or not validation.full:
                continue
            built = self._last_ledger.get(node)
            if (
                built is not None
                and built.id == validation.ledger_id
                and built.ancestor(ledger.seq) == ledger.id
            ):
                count += 1
        return count

    def laggards(self, now: int, seq: int) -> tuple[int, int]:
        """(laggards, offline) among the UNL: validators whose latest validation, seen within
        ``validation_freshness_ms``, is for a sequence below ``seq``, and validators with no
        such fresh validation (rippled's ``laggards`` and the "offline" remainder)."""
        fresh_after = now - self._parms.validation_freshness_ms
        laggards = 0
        offline = 0
        for node in self._unl:  # set order is irrelevant: only counts come out
            current = self._current.get(node)
            if current is None or current.seen <= fresh_after:
                offline += 1
            elif current.validation.seq < seq:
                laggards += 1
        return laggards, offline

    def pending_support(self, now: int, max_seq: int) -> int:
        """How many trusted validators' current validations name a ledger at ``max_seq`` or
        below that we do not hold yet: support the preferred-ledger choice cannot see."""
        self._check_acquired(now)
        return sum(len(nodes) for (seq, _), nodes in self._acquiring.items() if seq <= max_seq)

    def current(self, now: int) -> dict[NodeIdT, Validation[NodeIdT]]:
        """Every trusted validator's current validation."""
        self._flush(now)
        return {node: current.validation for node, current in self._current.items()}

    @property
    def trie(self) -> LedgerTrie[LedgerT]:
        """The ancestry tree (read it, do not change it)."""
        return self._trie

    # --- internals ----------------------------------------------------------------------------

    def _mark_fully_validated(self, seq: int, ledger_id: Hash256) -> None:
        known = self._fully_validated.get(seq)
        if known is not None:
            if known != ledger_id:
                self.forks.append((seq, known, ledger_id))
            return
        self._fully_validated[seq] = ledger_id
        latest = self._latest_fully_validated
        if latest is None or seq > latest[0]:
            self._latest_fully_validated = (seq, ledger_id)
            floor = seq - FULLY_VALIDATED_HISTORY
            for old in [s for s in self._fully_validated if s < floor]:
                del self._fully_validated[old]

    def _record_conflict(
        self, now: int, first: Validation[NodeIdT], second: Validation[NodeIdT]
    ) -> None:
        node = first.node_id
        self.conflicts.append(
            ValidationConflict(node, first.seq, first.ledger_id, second.ledger_id, now)
        )
        self._conflicted.add((node, first.seq))
        votes = self._by_ledger.get(first.ledger_id)
        if votes is not None and votes.get(node) == first:
            del votes[node]
        current = self._current.get(node)
        if current is not None and current.validation.seq == first.seq:
            self._drop_current(node)

    def _drop_current(self, node: NodeIdT) -> None:
        current = self._current.pop(node, None)
        if current is None:
            return
        validation = current.validation
        self._stop_waiting(node, (validation.seq, validation.ledger_id))
        # Unlike rippled, also withdraw an older ledger still standing in for one being
        # acquired: a validator without a current validation supports nothing.
        built = self._last_ledger.pop(node, None)
        if built is not None:
            self._trie.remove(built.id)

    def _flush(self, now: int) -> None:
        """Drop current validations that are no longer current (rippled's ``current``)."""
        stale = [
            node
            for node, current in self._current.items()
            if not self.is_current(now, current.validation.sign_time, current.seen)
        ]
        for node in stale:
            self._drop_current(node)

    def _update_trie(
        self,
        now: int,
        node: NodeIdT,
        validation: Validation[NodeIdT],
        prior: Validation[NodeIdT] | None,
    ) -> None:
        """Account for a validator's new current validation in the tree; until its ledger is
        acquired, the validator's previous ledger keeps its support (rippled's ``updateTrie``),
        but only for ``validation_freshness_ms`` (see ``_check_acquired``)."""
        if prior is not None:
            self._stop_waiting(node, (prior.seq, prior.ledger_id))
        self._check_acquired(now)
        key = (validation.seq, validation.ledger_id)
        waiting = self._acquiring.get(key)
        if waiting is not None:
            waiting.append(node)
            return
        ledger = self._acquire(validation.ledger_id)
        if ledger is None:
            self._acquiring[key] = [node]
            self._acquiring_since[key] = now
            return
        self._move_support(node, ledger)

    def _stop_waiting(self, node: NodeIdT, key: tuple[int, Hash256]) -> None:
        waiting = self._acquiring.get(key)
        if waiting is not None and node in waiting:
            waiting.remove(node)
            if not waiting:
                del self._acquiring[key]
                del self._acquiring_since[key]

    def _move_support(self, node: NodeIdT, ledger: LedgerT) -> None:
        old = self._last_ledger.get(node)
        if old is not None:
            self._trie.remove(old.id)
        self._last_ledger[node] = ledger
        self._trie.insert(ledger)

    def _check_acquired(self, now: int) -> None:
        """Move validators whose ledgers have arrived into the tree (rippled's
        ``checkAcquired``).

        Unlike rippled, a validator whose newest ledger cannot be fetched within
        ``validation_freshness_ms`` loses the support it kept for its previous ledger: a
        Byzantine validator naming invented ledgers would otherwise stand forever on an old
        ledger, counting as uncommitted at every later sequence and holding an evenly split
        network apart.
        """
        if not self._acquiring:
            return
        arrived: list[tuple[tuple[int, Hash256], LedgerT]] = []
        overdue = now - self._parms.validation_freshness_ms
        for key, nodes in self._acquiring.items():
            ledger = self._acquire(key[1])
            if ledger is not None:
                arrived.append((key, ledger))
            elif self._acquiring_since[key] < overdue:
                for node in nodes:
                    old = self._last_ledger.pop(node, None)
                    if old is not None:
                        self._trie.remove(old.id)
        for key, ledger in arrived:
            del self._acquiring_since[key]
            for node in self._acquiring.pop(key):
                self._move_support(node, ledger)
