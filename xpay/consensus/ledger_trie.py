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

    def branch_support(self, ledger: LedgerT) -> int:
        """How many validators' latest validation is for this ledger or a descendant (zero for
        a ledger that is neither in the tree nor an ancestor of it)."""
        node = self._nodes.get(ledger.id)
        if node is not None:
            return node.branch
        root = self._root
        if root is None:
            return 0
        # Above the root (or above branches under a virtual root): an ancestor of every
        # ledger below, or unrelated.
        tops = [root] if root.id is not None else root.children
        return sum(
            top.branch
            for top in tops
            if ledger.seq < top.seq and self._witness(top).ancestor(ledger.seq) == ledger.id
        )

    def get_preferred(self, largest_issued: int) -> PreferredLedger | None:
        """The preferred ledger (see the module docstring), or None when the tree is empty or
        no ledger past genesis (or past a virtual root) is preferred: then a node keeps its
        own ledger. ``largest_issued`` is the largest sequence we have validated ourselves:
        validators behind it count as uncommitted."""
        curr = self._root
        if curr is None:
            return None
        support = sorted(self._seq_support.items())
        index = 0
        uncommitted = 0
        if curr.id is not None:
            # rippled walks from genesis: along the root's ancestry every supported ledger
            # is below, and only validators behind ``largest_issued`` count as uncommitted.
            # If they are all behind it, nothing past genesis is preferred.
            limit = max(curr.seq, largest_issued)
            while index < len(support) and support[index][0] < limit:
                uncommitted += support[index][1]
                index += 1
            if uncommitted and curr.branch <= uncommitted:
                return None
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
        parent = curr.parent
        if parent is not None and parent.id is not None:
            parent_id: Hash256 | None = parent.id
        else:
            # The root (or a branch top) has no parent node: ask its ancestry.
            parent_id = self._witness(curr).ancestor(curr.seq - 1)
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
        # The ledger joins below the top of a branch: the root, or one of the branches under
        # a virtual root. Move that top down to the common ancestor, then attach again.
        tops = [root] if root.id is not None else list(root.children)
        for top in tops:
            if self._lower(top, ledger):
                existing = self._nodes.get(ledger.id)
                return existing if existing is not None else self._attach(ledger)
        # No known common ancestor: hang the ledger under a virtual root.
        virtual = root
        if virtual.id is not None:
            virtual = _Node(None, -1, None)
            top = self._extend_down(root)
            virtual.children.append(top)
            virtual.branch = top.branch
            top.parent = virtual
            self._root = virtual
        # Start the branch at the ledger's oldest known ancestor: ties between branches are
        # broken on the ID of a branch's first ledger.
        first = ledger.seq
        while first > 0 and ledger.ancestor(first - 1) is not None:
            first -= 1
        parent = virtual
        for seq in range(first, ledger.seq + 1):
            node_id = ledger.id if seq == ledger.seq else ledger.ancestor(seq)
            assert node_id is not None
            node = _Node(node_id, seq, parent)
            parent.children.append(node)
            self._nodes[node_id] = node
            parent = node
        return parent

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

    def _witness(self, top: _Node) -> LedgerT:
        """A supported ledger in ``top``'s subtree: it knows the ancestry of ``top``."""
        stack = [top]
        while stack:
            node = stack.pop()
            if node.tip and node.id is not None:
                return self._ledgers[node.id]
            stack.extend(node.children)
        raise AssertionError("every subtree in the tree has support")

    def _extend_down(self, top: _Node) -> _Node:
        """Prefix ``top`` with the chain of its known ancestors; return the oldest."""
        witness = self._witness(top)
        first = top.seq
        while first > 0 and witness.ancestor(first - 1) is not None:
            first -= 1
        if first == top.seq:
            return top
        oldest: _Node | None = None
        parent: _Node | None = None
        for seq in range(first, top.seq):
            node_id = witness.ancestor(seq)
            assert node_id is not None
            node = _Node(node_id, seq, parent)
            node.branch = top.branch
            if parent is not None:
                parent.children.append(node)
            else:
                oldest = node
            self._nodes[node_id] = node
            parent = node
        assert oldest is not None and parent is not None
        parent.children.append(top)
        top.parent = parent
        return oldest

    def _lower(self, top: _Node, ledger: LedgerT) -> bool:
        """Extend ``top`` (the root, or a branch under the virtual root) down to its common
        ancestor with ``ledger``; return False when that ancestor is unknown."""
        assert top.id is not None
        witness = self._witness(top)
        common: Hash256 | None = None
        seq = min(ledger.seq, top.seq)
        while seq >= 0:
            ours = ledger.id if seq == ledger.seq else ledger.ancestor(seq)
            theirs = witness.ancestor(seq)
            if ours is None or theirs is None:
                return False
            if ours == theirs:
                common = ours
                break
            seq -= 1
        if common is None or seq == top.seq:
            # Unknown, or ``top`` itself with a gap in the ledger's known ancestry.
            return False
        # A new top at `seq`, then the chain down to the old top.
        new_top = _Node(common, seq, top.parent)
        self._nodes[common] = new_top
        parent = new_top
        for between in range(seq + 1, top.seq):
            between_id = witness.ancestor(between)
            assert between_id is not None
            node = _Node(between_id, between, parent)
            parent.children.append(node)
            self._nodes[between_id] = node
            parent = node
        if top.parent is None:
            self._root = new_top
        else:
            siblings = top.parent.children
            siblings[siblings.index(top)] = new_top
        parent.children.append(top)
        top.parent = parent
        walk: _Node | None = parent
        while walk is not None and walk is not new_top.parent:
            walk.branch = top.branch
            walk = walk.parent
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
