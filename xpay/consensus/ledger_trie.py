"""Ancestry tree of validated ledgers and the preferred-branch rule, as rippled's ``LedgerTrie``.

Every trusted validator's latest validation supports one ledger (its *tip support*) and, through
it, every ancestor of that ledger (*branch support*). When validators disagree about history,
the tree forks, and a node must decide which branch to build on: the *preferred* ledger.

The rule (rippled's ``LedgerTrie::getPreferred``): walk down from the common ancestor of all
supported ledgers. At each step towards sequence ``s``, validators whose latest validation is
for a sequence below ``s`` (or below the largest sequence we ourselves validated) have not
committed to any ledger at ``s`` yet; they are *uncommitted* and could still back any child.
We step into the child with the most branch support only if its lead over the runner-up
(plus one when it also wins the tie-break on ledger ID) exceeds the uncommitted support —
that is, only if no possible future validations could make another child win. Otherwise the
current ledger is the preferred one.

Why this rule and not a simpler one (say, "the ledger with the most validations"): it is the one
whose safety argument the XRPL relies on. A branch is only abandoned once the others have
support that the uncommitted validators cannot overturn, so honest validators never leave a
branch that a quorum could still fully validate; with quorum 80 % of one shared UNL and fewer
than 20 % Byzantine validators, two quorums intersect in an honest validator, and no two
conflicting ledgers can both be fully validated. The simpler rule can flip-flop between
branches while validations are in flight.

Unlike rippled's compressed trie (spans of ledgers), this tree keeps one node per ledger, and
its root moves: it is always the common ancestor of the supported ledgers, so a walk visits
only the few ledgers between the oldest and the newest current validation. Ancestry comes from
``ConsensusLedger.ancestor``; ledgers whose common ancestor is unknown (more than the ancestry
window apart) hang under a virtual root with no ID, and no ledger is preferred there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic

from xpay.consensus.consensus_types import LedgerT
from xpay.protocol.ids import Hash256


@dataclass(frozen=True, slots=True)
class PreferredLedger:
    """A ledger chosen by ``LedgerTrie.get_preferred``: sequence, ID and parent ID."""

    seq: int
    id: Hash256
    parent_id: Hash256 | None


class _Node:
    """One ledger in the tree. ``id`` is None only for a virtual root."""

    __slots__ = ("branch", "children", "id", "parent", "seq", "tip")

    def __init__(self, ledger_id: Hash256 | None, seq: int, parent: _Node | None) -> None:
        self.id = ledger_id
        self.seq = seq
        self.parent = parent
        self.children: list[_Node] = []
        self.tip = 0
        self.branch = 0


class LedgerTrie(Generic[LedgerT]):
    """Support for recent validated ledgers along their ancestry."""

    __slots__ = ("_ledgers", "_nodes", "_root", "_seq_support")

    def __init__(self) -> None:
        self._root: _Node | None = None
        self._nodes: dict[Hash256, _Node] = {}
        # Ledgers with tip support: they know the ancestry of every node in the tree.
        self._ledgers: dict[Hash256, LedgerT] = {}
        # Tip support per sequence, for the uncommitted count.
        self._seq_support: dict[int, int] = {}

    # --- queries ----------------------------------------------------------------------------

    @property
    def empty(self) -> bool:
        return self._root is None

    def tip_support(self, ledger_id: Hash256) -> int:
        """How many validators' latest validation is for exactly this ledger."""
        node = self._nodes.get(ledger_id)
        return node.tip if node is not None else 0

    def branch_support(self, ledger_id: Hash256) -> int:
        """How many validators' latest validation is for this ledger or a descendant (zero for
        a ledger outside the tree)."""
        node = self._nodes.get(ledger_id)
        return node.branch if node is not None else 0

    def get_preferred(self, largest_issued: int) -> PreferredLedger | None:
        """The preferred ledger (see the module docstring), or None when the tree is empty or
        the choice stops at a virtual root. ``largest_issued`` is the largest sequence we have
        validated ourselves: validators behind it count as uncommitted."""
        curr = self._root
        if curr is None:
            return None
        support = sorted(self._seq_support.items())
        index = 0
        uncommitted = 0
        while curr.children:
            limit = max(curr.seq + 1, largest_issued)
            while index < len(support) and support[index][0] < limit:
                uncommitted += support[index][1]
                index += 1
            children = curr.children
            if len(children) == 1:
                best = children[0]
                margin = best.branch
            else:
                best, second = _two_best(children)
                margin = best.branch - second.branch
                # The tie-break winner (larger ID) needs one vote less to stay ahead.
                if (best.id or b"") > (second.id or b""):
                    margin += 1
            if margin > uncommitted or uncommitted == 0:
                curr = best
            else:
                break
        if curr.id is None:
            return None
        parent_id = curr.parent.id if curr.parent is not None else None
        return PreferredLedger(curr.seq, curr.id, parent_id)

    # --- updates ----------------------------------------------------------------------------

    def insert(self, ledger: LedgerT, count: int = 1) -> None:
        """Add ``count`` tip support for ``ledger`` (rippled's ``LedgerTrie::insert``)."""
        node = self._nodes.get(ledger.id)
        if node is None:
            node = self._attach(ledger)
        node.tip += count
        self._ledgers[ledger.id] = ledger
        walk: _Node | None = node
        while walk is not None:
            walk.branch += count
            walk = walk.parent
        self._seq_support[ledger.seq] = self._seq_support.get(ledger.seq, 0) + count

    def remove(self, ledger_id: Hash256, count: int = 1) -> bool:
        """Take away up to ``count`` tip support from a ledger; return whether it had any
        (rippled's ``LedgerTrie::remove``). Unsupported leaves are pruned and the root moves
        down to the new common ancestor."""
        node = self._nodes.get(ledger_id)
        if node is None or node.tip == 0:
            return False
        count = min(count, node.tip)
        node.tip -= count
        remaining = self._seq_support[node.seq] - count
        if remaining:
            self._seq_support[node.seq] = remaining
        else:
            del self._seq_support[node.seq]
        if node.tip == 0:
            del self._ledgers[ledger_id]
        walk: _Node | None = node
        while walk is not None:
            walk.branch -= count
            walk = walk.parent
        self._prune(node)
        return True

    def check_invariants(self) -> bool:
        """Branch support is tip support plus the children's; per-sequence support matches;
        every node is indexed; the root is a common ancestor with support, or absent."""
        root = self._root
        if root is None:
            return not self._nodes and not self._seq_support and not self._ledgers
        expected_seq: dict[int, int] = {}
        indexed = 0
        stack = [root]
        while stack:
            node = stack.pop()
            if node.id is not None:
                indexed += 1
                if self._nodes.get(node.id) is not node:
                    return False
            if node.tip:
                expected_seq[node.seq] = expected_seq.get(node.seq, 0) + node.tip
            if node.branch != node.tip + sum(child.branch for child in node.children):
                return False
            if node is not root and node.branch == 0:
                return False
            for child in node.children:
                if child.parent is not node or child.seq <= node.seq:
                    return False
                stack.append(child)
        return indexed == len(self._nodes) and expected_seq == self._seq_support

    # --- internals --------------------------------------------------------------------------

    def _attach(self, ledger: LedgerT) -> _Node:
        """Create the nodes that connect ``ledger`` to the tree; return its node."""
        root = self._root
        if root is None:
            node = _Node(ledger.id, ledger.seq, None)
            self._root = node
            self._nodes[ledger.id] = node
            return node
        # Usually the parent (or a recent ancestor) is already in the tree.
        for seq in range(ledger.seq - 1, root.seq - 1, -1):
            ancestor_id = ledger.ancestor(seq)
            if ancestor_id is None:
                break
            found = self._nodes.get(ancestor_id)
            if found is not None:
                return self._grow(found, ledger)
        if root.id is not None and self._lower_root(ledger):
            existing = self._nodes.get(ledger.id)
            if existing is not None:
                return existing
            return self._attach(ledger)
        # No known common ancestor: hang the ledger under a virtual root.
        virtual = self._root
        assert virtual is not None
        if virtual.id is not None:
            virtual = _Node(None, -1, None)
            virtual.children.append(root)
            virtual.branch = root.branch
            root.parent = virtual
            self._root = virtual
        node = _Node(ledger.id, ledger.seq, virtual)
        virtual.children.append(node)
        self._nodes[ledger.id] = node
        return node

    def _grow(self, parent: _Node, ledger: LedgerT) -> _Node:
        """Add the chain of ``ledger``'s ancestors after ``parent``, then ``ledger`` itself."""
        for seq in range(parent.seq + 1, ledger.seq + 1):
            ledger_id = ledger.id if seq == ledger.seq else ledger.ancestor(seq)
            assert ledger_id is not None, "ancestry is contiguous within the window"
            node = _Node(ledger_id, seq, parent)
            parent.children.append(node)
            self._nodes[ledger_id] = node
            parent = node
        return parent

    def _lower_root(self, ledger: LedgerT) -> bool:
        """Move the root down to the common ancestor of the tree and ``ledger``; return False
        when that ancestor is unknown."""
        root = self._root
        assert root is not None and root.id is not None
        witness = next(iter(self._ledgers.values()))  # any supported ledger descends from root
        common: Hash256 | None = None
        seq = min(ledger.seq, root.seq)
        while seq >= 0:
            ours = ledger.id if seq == ledger.seq else ledger.ancestor(seq)
            theirs = witness.ancestor(seq)
            if ours is None or theirs is None:
                return False
            if ours == theirs:
                common = ours
                break
            seq -= 1
        if common is None or seq == root.seq:
            # Unknown, or the root itself with a gap in the ledger's known ancestry.
            return False
        # New root at `seq`, then the chain down to the old root.
        new_root = _Node(common, seq, None)
        self._nodes[common] = new_root
        parent = new_root
        for between in range(seq + 1, root.seq):
            between_id = witness.ancestor(between)
            assert between_id is not None
            node = _Node(between_id, between, parent)
            parent.children.append(node)
            self._nodes[between_id] = node
            parent = node
        parent.children.append(root)
        root.parent = parent
        walk: _Node | None = parent
        while walk is not None:
            walk.branch = root.branch
            walk = walk.parent
        self._root = new_root
        return True

    def _prune(self, node: _Node) -> None:
        """Drop unsupported leaves from ``node`` upwards, then move the root down while it has
        no tip support and a single child."""
        while node.tip == 0 and not node.children and node.parent is not None:
            parent = node.parent
            parent.children.remove(node)
            if node.id is not None:
                del self._nodes[node.id]
            node = parent
        root = self._root
        while root is not None and root.tip == 0 and len(root.children) <= 1:
            if root.id is not None:
                del self._nodes[root.id]
            if not root.children:
                root = None
                break
            root = root.children[0]
            root.parent = None
        self._root = root


def _tie_key(node: _Node) -> tuple[int, bytes]:
    return node.branch, node.id if node.id is not None else b""


def _two_best(children: list[_Node]) -> tuple[_Node, _Node]:
    """The two children with the most branch support, ties broken by the larger ledger ID."""
    first, second = sorted(children, key=_tie_key, reverse=True)[:2]
    return first, second
