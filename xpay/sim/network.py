"""A simulated network in virtual time, as rippled's ``csf::BasicNetwork`` with faults.

Every pair of peers is linked (validators on one broker or LAN form a full mesh). A link has a
one-way delay, a jitter drawn from the simulation's seeded RNG, a loss rate and a duplication
rate, each changeable at any time. Links deliver in order (TCP and MQTT are FIFO per
connection): a message never overtakes an earlier one on the same link. Partitions split the
peers into groups that cannot reach each other until healed; a peer that is down (crashed)
receives nothing. Messages already in flight when a partition starts are delivered; messages
to a peer that is down when they arrive are lost.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from xpay.sim.scheduler import Scheduler

Receiver = Callable[[int, object], None]


@dataclass(frozen=True, slots=True)
class LinkProfile:
    """Behaviour of one direction of a link. Rates are in per mille (1/1000)."""

    delay_ms: int = 10
    jitter_ms: int = 5
    loss_per_mille: int = 0
    duplicate_per_mille: int = 0


@dataclass(slots=True)
class NetworkStats:
    sent: int = 0
    delivered: int = 0
    lost: int = 0
    partitioned: int = 0
    to_down_peer: int = 0
    duplicated: int = 0


class Network:
    """Peers, addressed by integer index, joined by faulty FIFO links."""

    def __init__(self, scheduler: Scheduler, rng: random.Random, default: LinkProfile) -> None:
        self._scheduler = scheduler
        self._rng = rng
        self._default = default
        self._receivers: dict[int, Receiver] = {}
        self._profiles: dict[tuple[int, int], LinkProfile] = {}
        self._last_delivery: dict[tuple[int, int], int] = {}
        self._group: dict[int, int] = {}
        self._down: set[int] = set()
        self.stats = NetworkStats()

    def register(self, peer: int, receiver: Receiver) -> None:
        self._receivers[peer] = receiver

    @property
    def peers(self) -> list[int]:
        return sorted(self._receivers)

    # --- faults ------------------------------------------------------------------------------

    def set_link(self, a: int, b: int, profile: LinkProfile) -> None:
        """Set both directions of the link between ``a`` and ``b``."""
        self._profiles[(a, b)] = profile
        self._profiles[(b, a)] = profile

    def set_peer_links(self, peer: int, profile: LinkProfile) -> None:
        """Set every link touching ``peer``."""
        for other in self._receivers:
            if other != peer:
                self.set_link(peer, other, profile)

    def reset_links(self) -> None:
        """Every link back to the default profile."""
        self._profiles.clear()

    def partition(self, *groups: Iterable[int]) -> None:
        """Split the peers: only peers in the same group reach each other. Peers not named
        form one more group."""
        self._group = {}
        for index, group in enumerate(groups):
            for peer in group:
                self._group[peer] = index + 1

    def heal(self) -> None:
        self._group = {}

    def set_down(self, peer: int, down: bool) -> None:
        if down:
            self._down.add(peer)
        else:
            self._down.discard(peer)

    def is_down(self, peer: int) -> bool:
        return peer in self._down

    def reachable(self, src: int, dst: int) -> bool:
        return self._group.get(src, 0) == self._group.get(dst, 0)

    # --- sending -----------------------------------------------------------------------------

    def send(self, src: int, dst: int, message: object) -> None:
        """Send ``message`` from ``src`` to ``dst`` over their link."""
        stats = self.stats
        stats.sent += 1
        if src in self._down:
            return
        if not self.reachable(src, dst):
            stats.partitioned += 1
            return
        profile = self._profiles.get((src, dst), self._default)
        rng = self._rng
        if profile.loss_per_mille and rng.randrange(1000) < profile.loss_per_mille:
            stats.lost += 1
            return
        self._schedule(src, dst, message, profile)
        if profile.duplicate_per_mille and rng.randrange(1000) < profile.duplicate_per_mille:
            stats.duplicated += 1
            self._schedule(src, dst, message, profile)

    def broadcast(self, src: int, message: object, exclude: Iterable[int] = ()) -> None:
        """Send ``message`` from ``src`` to every other peer not in ``exclude``."""
        skip = set(exclude)
        skip.add(src)
        for dst in self._receivers:
            if dst not in skip:
                self.send(src, dst, message)

    def _schedule(self, src: int, dst: int, message: object, profile: LinkProfile) -> None:
        delay = profile.delay_ms
        if profile.jitter_ms:
            delay += self._rng.randint(0, profile.jitter_ms)
        key = (src, dst)
        when = max(self._scheduler.now + delay, self._last_delivery.get(key, 0))
        self._last_delivery[key] = when
        receiver = self._receivers[dst]

        def deliver() -> None:
            if dst in self._down:
                self.stats.to_down_peer += 1
                return
            self.stats.delivered += 1
            receiver(src, message)

        self._scheduler.at(when, deliver)
