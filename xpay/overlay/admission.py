"""Admission: what a frame must pass before the node sees it.

In order, cheapest first, so junk costs as little CPU as possible:

1. it decodes (`MalformedEnvelope` otherwise);
2. it is for our network (the XRPL's NetworkID: rippled refuses peers of another network);
3. it is not our own frame coming back (a broker echoes publishers' own messages);
4. a proposal or validation comes from a validator on our UNL (rippled's consensus ignores
   untrusted positions and validations) — checked before the signature, so untrusted spam is
   never verified;
5. the Ed25519 signature of the sender over the frame verifies;
6. the (sender, sequence) pair is new — checked after the signature, so a forger cannot poison a
   sender's replay window with a sequence far in the future.

Each refusal increments its own counter in `OverlayStats` and returns None; nothing raises.
What is admitted is counted by the caller (`received` for node traffic; presence frames are
the transport's own and not counted there).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Final

from xpay.overlay.envelope import UNL_ONLY, Envelope, decode, signing_data_of
from xpay.overlay.errors import MalformedEnvelope
from xpay.overlay.stats import OverlayStats
from xpay.protocol.ids import NodeID

Verifier = Callable[[bytes, bytes, bytes], bool]
"""`verify(public_key, message, signature) -> bool`, as xpay.crypto provides it."""

REPLAY_WINDOW: Final = 1024
"""How far behind a sender's newest sequence a frame may arrive and still be accepted once.
Frames reorder (QoS 0 and QoS 1 topics, a jittery link), but never by a thousand of one
sender's frames; anything older is refused as a replay."""

MAX_UNTRUSTED_SENDERS: Final = 10_000
"""Anyone may send transactions and requests, and keys are free: the replay windows of senders
outside the UNL live in a bounded LRU table. Evicting one only lets its old frames through
once more, which de-duplication further up (transaction IDs) absorbs."""


class SequenceWindow:
    """The anti-replay window of one sender (RFC 4303's sliding bitmap): the newest sequence
    seen, and a bitmap of which of the `size` sequences below it have been seen."""

    __slots__ = ("_mask", "_seen", "_size", "highest")

    def __init__(self, size: int = REPLAY_WINDOW) -> None:
        self._size = size
        self._mask = (1 << size) - 1
        self.highest = -1
        self._seen = 0

    def first_sighting(self, sequence: int) -> bool:
        """True exactly once per sequence inside the window; False for repeats and for
        sequences too old to tell."""
        if sequence > self.highest:
            shift = sequence - self.highest
            # A restarted sender jumps ahead by ~1e18 (its sequence starts from the clock):
            # compare before shifting so the shift never builds a huge integer.
            self._seen = ((self._seen << shift) | 1) & self._mask if shift < self._size else 1
            self.highest = sequence
            return True
        offset = self.highest - sequence
        if offset >= self._size:
            return False
        bit = 1 << offset
        if self._seen & bit:
            return False
        self._seen |= bit
        return True


class DuplicateFilter:
    """Replay windows for every sender: kept for UNL validators, LRU-bounded for the rest."""

    __slots__ = ("_max_untrusted", "_trusted", "_unl", "_untrusted", "_window")

    def __init__(
        self,
        unl: frozenset[NodeID],
        *,
        window: int = REPLAY_WINDOW,
        max_untrusted: int = MAX_UNTRUSTED_SENDERS,
    ) -> None:
        self._unl = unl
        self._window = window
        self._max_untrusted = max_untrusted
        self._trusted: dict[bytes, SequenceWindow] = {}
        self._untrusted: OrderedDict[bytes, SequenceWindow] = OrderedDict()

    def first_sighting(self, sender: bytes, sequence: int) -> bool:
        if sender in self._unl:
            window = self._trusted.get(sender)
            if window is None:
                window = self._trusted[sender] = SequenceWindow(self._window)
            return window.first_sighting(sequence)
        window = self._untrusted.get(sender)
        if window is None:
            window = self._untrusted[sender] = SequenceWindow(self._window)
            if len(self._untrusted) > self._max_untrusted:
                self._untrusted.popitem(last=False)
        else:
            self._untrusted.move_to_end(sender)
        return window.first_sighting(sequence)


class Admission:
    """Decode, filter, verify and de-duplicate incoming frames for one node."""

    __slots__ = ("_duplicates", "_network_id", "_own_id", "_stats", "_unl", "_verify")

    def __init__(
        self,
        *,
        network_id: int,
        own_id: bytes,
        unl: Iterable[bytes],
        verify: Verifier,
        stats: OverlayStats,
        window: int = REPLAY_WINDOW,
        max_untrusted: int = MAX_UNTRUSTED_SENDERS,
    ) -> None:
        self._network_id = network_id
        self._own_id = bytes(own_id)
        self._unl: frozenset[NodeID] = frozenset(NodeID(bytes(n)) for n in unl)
        self._verify = verify
        self._stats = stats
        self._duplicates = DuplicateFilter(self._unl, window=window, max_untrusted=max_untrusted)

    @property
    def unl(self) -> frozenset[NodeID]:
        return self._unl

    def admit(self, wire: bytes, *, deduplicate: bool = True) -> Envelope | None:
        """The verified envelope, or None (counted) when the frame must be dropped.

        `deduplicate=False` is for presence frames, which are ordered by sequence instead
        (latest wins) and legitimately re-delivered by a broker as retained messages.
        """
        stats = self._stats
        try:
            envelope = decode(wire)
        except MalformedEnvelope:
            stats.dropped_malformed += 1
            return None
        if envelope.network_id != self._network_id:
            stats.dropped_wrong_network += 1
            return None
        sender = envelope.sender
        if sender == self._own_id:
            return None
        if envelope.kind in UNL_ONLY and sender not in self._unl:
            stats.dropped_untrusted += 1
            return None
        if not self._verify(sender, signing_data_of(wire), envelope.signature):
            stats.dropped_bad_signature += 1
            return None
        if deduplicate and not self._duplicates.first_sighting(sender, envelope.sequence):
            stats.dropped_duplicate += 1
            return None
        return envelope
