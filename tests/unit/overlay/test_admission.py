"""Admission: the replay window against a reference model, trust, and the order of checks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.unit.overlay.nodes import node_key
from xpay.crypto import verify
from xpay.overlay import MessageKind, seal
from xpay.overlay.admission import Admission, DuplicateFilter, SequenceWindow
from xpay.overlay.stats import OverlayStats

ME, PEER, OUTSIDER = node_key(1), node_key(2), node_key(3)


@given(
    window=st.integers(1, 70),
    sequences=st.lists(st.integers(0, 300), max_size=200),
)
def test_sequence_window_accepts_each_sequence_once_within_the_window(
    window: int, sequences: list[int]
) -> None:
    """Reference model: a set of everything seen and the highest; accept a sequence iff it was
    never seen and lies within `window` of the highest seen so far."""
    real = SequenceWindow(window)
    seen: set[int] = set()
    highest = -1
    for sequence in sequences:
        expected = sequence not in seen and sequence > highest - window
        assert real.first_sighting(sequence) is expected, (sequence, highest)
        if expected:
            seen.add(sequence)
            highest = max(highest, sequence)


def test_sequence_window_survives_a_restart_jump() -> None:
    window = SequenceWindow(1024)
    assert window.first_sighting(5)
    assert window.first_sighting(1_795_000_000_000_000_000)  # restarted from the clock
    assert not window.first_sighting(1_795_000_000_000_000_000)
    assert not window.first_sighting(6)  # far behind: treated as a replay


def test_duplicate_filter_bounds_untrusted_senders_but_never_forgets_the_unl() -> None:
    trusted = PEER.node_id
    filter_ = DuplicateFilter(frozenset({trusted}), max_untrusted=3)
    assert filter_.first_sighting(trusted, 1)
    for n in range(10):
        assert filter_.first_sighting(bytes([0xED, n]) + bytes(31), 1)
    assert not filter_.first_sighting(trusted, 1)
    # The oldest untrusted windows were evicted (bounded memory); the newest remain.
    assert filter_.first_sighting(bytes([0xED, 0]) + bytes(31), 1)
    assert not filter_.first_sighting(bytes([0xED, 9]) + bytes(31), 1)


class CountingVerify:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, public_key: bytes, message: bytes, signature: bytes) -> bool:
        self.calls += 1
        return verify(public_key, message, signature)


def admission(verifier: CountingVerify) -> tuple[Admission, OverlayStats]:
    stats = OverlayStats()
    return (
        Admission(network_id=7, own_id=ME.node_id, unl=[ME.node_id, PEER.node_id], verify=verifier, stats=stats),
        stats,
    )


def wire(key: object, kind: MessageKind, sequence: int = 1, network_id: int = 7) -> bytes:
    return seal(key, network_id=network_id, kind=kind, sequence=sequence, payload=b"p")[1]  # type: ignore[arg-type]


def test_untrusted_proposals_are_refused_before_their_signature_is_checked() -> None:
    verifier = CountingVerify()
    gate, stats = admission(verifier)
    assert gate.admit(wire(OUTSIDER, MessageKind.PROPOSAL)) is None
    assert gate.admit(wire(OUTSIDER, MessageKind.VALIDATION, 2)) is None
    assert stats.dropped_untrusted == 2 and verifier.calls == 0
    envelope = gate.admit(wire(OUTSIDER, MessageKind.TRANSACTIONS, 3))
    assert envelope is not None and envelope.sender == OUTSIDER.node_id
    assert gate.admit(wire(PEER, MessageKind.PROPOSAL)) is not None


def test_own_frames_and_other_networks_are_dropped_without_verifying() -> None:
    verifier = CountingVerify()
    gate, stats = admission(verifier)
    assert gate.admit(wire(ME, MessageKind.TRANSACTIONS)) is None
    assert gate.admit(wire(PEER, MessageKind.TRANSACTIONS, network_id=8)) is None
    assert stats.dropped_wrong_network == 1 and verifier.calls == 0
    assert stats.dropped_duplicate == 0 and stats.dropped_bad_signature == 0


def test_a_forged_future_sequence_cannot_poison_the_replay_window() -> None:
    gate, stats = admission(CountingVerify())
    real = wire(PEER, MessageKind.VALIDATION, sequence=10)
    forged = bytearray(wire(PEER, MessageKind.VALIDATION, sequence=10**12))
    forged[-1] ^= 1  # bad signature
    assert gate.admit(bytes(forged)) is None
    assert stats.dropped_bad_signature == 1
    assert gate.admit(real) is not None  # not pushed out of the window by the forgery
    assert gate.admit(real) is None and stats.dropped_duplicate == 1


def test_presence_admission_skips_deduplication() -> None:
    gate, stats = admission(CountingVerify())
    frame = wire(PEER, MessageKind.PRESENCE)
    assert gate.admit(frame, deduplicate=False) is not None
    assert gate.admit(frame, deduplicate=False) is not None
    assert stats.dropped_duplicate == 0
