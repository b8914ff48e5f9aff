"""The XRPL's SHAMap: a radix-16 Merkle trie keyed by 256-bit keys, persistent and incremental.

rippled keeps ledger state and each ledger's transactions in a SHAMap: inner nodes have sixteen
branches selected by successive nibbles of the key; a leaf sits at the shallowest depth where no
other leaf shares its branch, so an inner node never has a single leaf as its only descendant
(except the root, which is always an inner node). Hashes:

* inner node: SHA-512Half("MIN\\0" + the 16 child hashes, 32 zero bytes for an empty branch);
* account-state leaf: SHA-512Half("MLN\\0" + entry bytes + key);
* transaction-with-metadata leaf: SHA-512Half("SND\\0" + VL(tx) + VL(meta) + key);
* transaction-only leaf (a consensus transaction set): SHA-512Half("TXN\\0" + tx), the tx ID;
* an empty map hashes to 32 zero bytes.

Here a map is immutable. `apply()` returns a new map that shares every untouched subtree with its
parent (path copying), so each closed ledger keeps its own state at the cost of the paths that
changed, and only those paths are rehashed. Leaves hold the caller's item (a ledger entry, or a
transaction blob with its metadata) and serialise it lazily through the map's `LeafKind`, once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from hashlib import sha512
from typing import Any, Generic, TypeVar

T = TypeVar("T")

ZERO_HASH = bytes(32)
_INNER_PREFIX = b"MIN\x00"


def _half(data: bytes) -> bytes:
    return sha512(data).digest()[:32]


@dataclass(frozen=True, slots=True)
class LeafKind(Generic[T]):
    """How the leaves of one kind of map are hashed: `leaf_hash(key, item) -> 32 bytes`."""

    name: str
    leaf_hash: Callable[[bytes, T], bytes]


class _Leaf:
    __slots__ = ("hash", "item", "key")

    def __init__(self, key: bytes, item: Any) -> None:
        self.key = key
        self.item = item
        self.hash: bytes | None = None


class _Inner:
    __slots__ = ("children", "edit", "hash", "jump")

    def __init__(self, children: list[_Inner | _Leaf | None], edit: object) -> None:
        self.children = children
        self.hash: bytes | None = None
        # The batch that owns this node: a node created by the current batch is mutated in place
        # (Clojure's transients); any other node is copied before it changes.
        self.edit = edit
        # Where a chain of single-child inner nodes starting here ends (see _jump): cached like
        # `hash`, and reset with it whenever the subtree changes.
        self.jump: _Jump | None = None


# A chain of inner nodes that each have one child, all inner, from depth d to depth e: keys
# under it share the nibbles d..e-1 (those of `ref`, any key below), and `target` (at depth e)
# is the first node with a choice. Book directories share a 24-byte prefix, so their leaves sit
# under such a chain some 45 levels long; lookups jump it in one step, hashing still walks it.
_Jump = tuple[int, "_Inner", bytes]
_NOT_A_CHAIN: Any = (0, None, b"")


def _nibble(key: bytes, depth: int) -> int:
    byte = key[depth >> 1]
    return (byte >> 4) if not depth & 1 else (byte & 0x0F)


_MIN_CHAIN = 4
"""Chains shorter than this are walked level by level: jumping them would not pay."""


def _jump(node: _Inner, depth: int) -> _Jump:
    """The chain starting at `node` (at `depth`), computed once and cached on the node:
    _NOT_A_CHAIN unless at least _MIN_CHAIN levels have a single inner child each."""
    found = node.jump
    if found is not None:
        return found
    end = depth
    target = node
    while True:
        only: _Inner | _Leaf | None = None
        for child in target.children:
            if child is not None:
                if only is not None:
                    only = None
                    break
                only = child
        if only is None or type(only) is not _Inner:
            break
        target = only
        end += 1
    if end - depth < _MIN_CHAIN:
        node.jump = _NOT_A_CHAIN
        return _NOT_A_CHAIN  # type: ignore[no-any-return]
    found = node.jump = (end, target, _first(target))
    return found


def _prefix_cmp(key: bytes, ref: bytes, start: int, end: int) -> int:
    """Compare the nibbles start..end-1 of two keys: -1, 0 or 1."""
    lo = start >> 1
    hi = end >> 1
    if start & 1:
        a, b = key[lo] & 0x0F, ref[lo] & 0x0F
        if a != b:
            return -1 if a < b else 1
        lo += 1
    if lo < hi:
        a_bytes, b_bytes = key[lo:hi], ref[lo:hi]
        if a_bytes != b_bytes:
            return -1 if a_bytes < b_bytes else 1
    if end & 1:
        a, b = key[hi] >> 4, ref[hi] >> 4
        if a != b:
            return -1 if a < b else 1
    return 0


class SHAMap(Generic[T]):
    """An immutable SHAMap. Reads are O(depth); `apply` path-copies; `root_hash` is cached."""

    __slots__ = ("_count", "_kind", "_root")

    def __init__(self, kind: LeafKind[T], root: _Inner | None = None, count: int = 0) -> None:
        self._kind = kind
        self._root = root if root is not None else _Inner([None] * 16, None)
        self._count = count

    @property
    def kind(self) -> LeafKind[T]:
        return self._kind

    def __len__(self) -> int:
        return self._count

    def get(self, key: bytes) -> T | None:
        node: _Inner | _Leaf | None = self._root
        depth = 0
        while node is not None:
            if type(node) is _Leaf:
                return node.item if node.key == key else None
            jump = node.jump  # type: ignore[union-attr]
            if jump is None:
                jump = _jump(node, depth)  # type: ignore[arg-type]
            if jump is not _NOT_A_CHAIN:
                end, target, ref = jump
                if _prefix_cmp(key, ref, depth, end):
                    return None  # the key leaves the chain: nothing of it is here
                node, depth = target, end
            byte = key[depth >> 1]
            node = node.children[(byte >> 4) if not depth & 1 else (byte & 0x0F)]  # type: ignore[union-attr]
            depth += 1
        return None

    def __contains__(self, key: bytes) -> bool:
        return self.get(key) is not None

    def apply(self, changes: Iterable[tuple[bytes, T | None]]) -> SHAMap[T]:
        """A new map with `changes` applied: (key, item) sets, (key, None) deletes.

        Deleting a missing key raises KeyError: a caller that deletes what is not there has a bug.
        """
        edit = object()
        root = self._root
        root = _Inner(list(root.children), edit)
        count = self._count
        for key, item in changes:
            if item is None:
                if not _delete(root, key, 0, edit):
                    raise KeyError(key.hex())
                count -= 1
            elif _insert(root, key, item, 0, edit):
                count += 1
        return SHAMap(self._kind, root, count)

    @classmethod
    def build(cls, kind: LeafKind[T], items: Iterable[tuple[bytes, T]]) -> SHAMap[T]:
        """A new map holding `items` (distinct keys): SHAMap(kind).apply(items), built in one
        pass over the items grouped by nibble rather than one descent per item (a closed
        ledger's transaction tree, a transaction set)."""
        edit = object()
        leaves = [_Leaf(key, item) for key, item in items]
        keys = {leaf.key for leaf in leaves}
        if len(keys) != len(leaves):
            # Repeated keys: the later item wins, as apply() would have it.
            return SHAMap(kind).apply((leaf.key, leaf.item) for leaf in leaves)
        root = _Inner([None] * 16, edit)
        if leaves:
            _fill(root, leaves, 0, edit)
        return SHAMap(kind, root, len(leaves))

    def root_hash(self) -> bytes:
        return _hash(self._root, self._kind.leaf_hash) if self._count else ZERO_HASH

    def items(self) -> Iterator[tuple[bytes, T]]:
        """Every (key, item) in ascending key order."""
        stack: list[_Inner | _Leaf | None] = [self._root]
        while stack:
            node = stack.pop()
            if node is None:
                continue
            if type(node) is _Leaf:
                yield node.key, node.item
            else:
                stack.extend(reversed(node.children))  # type: ignore[union-attr]

    def keys(self) -> Iterator[bytes]:
        for key, _ in self.items():
            yield key

    def succ(self, key: bytes, last: bytes | None = None) -> bytes | None:
        """The first key strictly greater than `key` (and below `last`, when given), as rippled's succ()."""
        # Iterative: book directories share a 24-byte prefix, so their leaves sit under a chain
        # of ~48 inner nodes, and the payment engine looks for a book's best one at every step.
        node: _Inner = self._root
        depth = 0
        path: list[tuple[_Inner, int]] = []
        found: bytes | None = None
        while True:
            jump = node.jump
            if jump is None:
                jump = _jump(node, depth)
            if jump is not _NOT_A_CHAIN:
                end, target, ref = jump
                order = _prefix_cmp(key, ref, depth, end)
                if order < 0:
                    found = _first(target)  # everything under the chain is after the key
                    break
                if order > 0:
                    break  # everything under the chain is before the key: look further up
                # The chain's nodes have no other children: none to come back to.
                node, depth = target, end
            byte = key[depth >> 1]
            branch = (byte >> 4) if not depth & 1 else (byte & 0x0F)
            child = node.children[branch]
            path.append((node, branch))
            if child is None:
                break
            if type(child) is _Leaf:
                if child.key > key:
                    found = child.key
                break
            node = child  # type: ignore[assignment]
            depth += 1
        if found is None:
            # Everything under the path so far is <= key: the answer is the first key under the
            # nearest later sibling, deepest level first.
            for inner, branch in reversed(path):
                children = inner.children
                for i in range(branch + 1, 16):
                    later = children[i]
                    if later is not None:
                        found = _first(later)
                        break
                if found is not None:
                    break
        if found is None or (last is not None and found >= last):
            return None
        return found


def _fill(node: _Inner, leaves: list[_Leaf], depth: int, edit: object) -> None:
    """Place `leaves` (two or more, or the root's) under `node`, at `depth`: a branch with one
    leaf takes it, a branch with more gets an inner node, as inserting them one by one would."""
    groups: list[list[_Leaf] | None] = [None] * 16
    shift = 4 if not depth & 1 else 0
    i = depth >> 1
    for leaf in leaves:
        branch = (leaf.key[i] >> shift) & 0x0F
        group = groups[branch]
        if group is None:
            groups[branch] = [leaf]
        else:
            group.append(leaf)
    children = node.children
    for branch, group in enumerate(groups):
        if group is None:
            continue
        if len(group) == 1:
            children[branch] = group[0]
        else:
            inner = _Inner([None] * 16, edit)
            children[branch] = inner
            _fill(inner, group, depth + 1, edit)


def _insert(node: _Inner, key: bytes, item: Any, depth: int, edit: object) -> bool:
    """Insert or replace under `node` (already owned by `edit`). True if the key is new."""
    while True:
        node.hash = None
        node.jump = None
        branch = _nibble(key, depth)
        child = node.children[branch]
        if child is None:
            node.children[branch] = _Leaf(key, item)
            return True
        if type(child) is _Leaf:
            if child.key == key:
                node.children[branch] = _Leaf(key, item)
                return False
            # Split: push both leaves down until their nibbles differ.
            inner = _Inner([None] * 16, edit)
            node.children[branch] = inner
            d = depth + 1
            while _nibble(key, d) == _nibble(child.key, d):
                deeper = _Inner([None] * 16, edit)
                inner.children[_nibble(key, d)] = deeper
                inner = deeper
                d += 1
            inner.children[_nibble(key, d)] = _Leaf(key, item)
            inner.children[_nibble(child.key, d)] = child
            return True
        assert type(child) is _Inner
        if child.edit is not edit:
            child = _Inner(list(child.children), edit)
            node.children[branch] = child
        node = child
        depth += 1


def _delete(node: _Inner, key: bytes, depth: int, edit: object) -> bool:
    """Delete `key` under `node` (owned by `edit`), collapsing inner nodes left with one leaf."""
    node.hash = None
    node.jump = None
    branch = _nibble(key, depth)
    child = node.children[branch]
    if child is None:
        return False
    if type(child) is _Leaf:
        if child.key != key:
            return False
        node.children[branch] = None
        return True
    assert type(child) is _Inner
    if child.edit is not edit:
        child = _Inner(list(child.children), edit)
        node.children[branch] = child
    if not _delete(child, key, depth + 1, edit):
        return False
    # Collapse: an inner node whose only descendant is one leaf is replaced by that leaf.
    only: _Inner | _Leaf | None = None
    for c in child.children:
        if c is not None:
            if only is not None or type(c) is _Inner:
                return True
            only = c
    node.children[branch] = only
    return True


def _hash(node: _Inner, leaf_hash: Callable[[bytes, Any], bytes]) -> bytes:
    h = node.hash
    if h is not None:
        return h
    parts = [_INNER_PREFIX]
    for child in node.children:
        if child is None:
            parts.append(ZERO_HASH)
        elif type(child) is _Leaf:
            ch = child.hash
            if ch is None:
                ch = child.hash = leaf_hash(child.key, child.item)
            parts.append(ch)
        else:
            parts.append(_hash(child, leaf_hash))  # type: ignore[arg-type]
    h = node.hash = _half(b"".join(parts))
    return h


def _first(node: _Inner | _Leaf) -> bytes:
    while type(node) is _Inner:
        jump = node.jump
        if jump is not None and jump is not _NOT_A_CHAIN:
            node = jump[1]
        for child in node.children:
            if child is not None:
                node = child
                break
    assert type(node) is _Leaf
    return node.key


# Leaf kinds ---------------------------------------------------------------------------------


def _vl(data: bytes) -> bytes:
    """The XRPL's variable-length prefix (1 to 3 bytes)."""
    n = len(data)
    if n <= 192:
        return bytes((n,))
    if n <= 12480:
        n -= 193
        return bytes((193 + (n >> 8), n & 0xFF))
    n -= 12481
    return bytes((241 + (n >> 16), (n >> 8) & 0xFF, n & 0xFF))


def state_leaf_kind(serialize: Callable[[T], bytes]) -> LeafKind[T]:
    """Account-state leaves: MLN\\0 + serialised entry + key."""

    def leaf_hash(key: bytes, item: T) -> bytes:
        return _half(b"MLN\x00" + serialize(item) + key)

    return LeafKind("state", leaf_hash)


def _tx_meta_hash(key: bytes, item: tuple[bytes, bytes]) -> bytes:
    tx, meta = item
    return _half(b"".join((b"SND\x00", _vl(tx), tx, _vl(meta), meta, key)))


def _tx_only_hash(key: bytes, item: bytes) -> bytes:
    return _half(b"TXN\x00" + item)


TX_WITH_META: LeafKind[tuple[bytes, bytes]] = LeafKind("tx+meta", _tx_meta_hash)
"""A closed ledger's transaction tree: item = (tx blob, metadata blob), key = tx ID."""

TX_ONLY: LeafKind[bytes] = LeafKind("tx", _tx_only_hash)
"""A consensus transaction set: item = tx blob, key = tx ID."""


def _tx_id_hash(key: bytes, item: bytes) -> bytes:
    return key


TX_BY_ID: LeafKind[bytes] = LeafKind("tx", _tx_id_hash)
"""TX_ONLY for items whose key is known to be their transaction ID (SHA-512Half("TXN\\0" +
blob), computed when the transaction was decoded): the leaf hash is the key itself, the same
value TX_ONLY would compute again from the blob."""
