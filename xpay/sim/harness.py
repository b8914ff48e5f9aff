"""A whole simulated network, as rippled's ``csf::Sim``: a scheduler, a network, validators
trusting one another (one shared UNL), collectors, and helpers to inject transactions and
faults. Deterministic for a given ``SimConfig`` (one seeded RNG per concern).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from xpay.consensus.parms import ConsensusParms
from xpay.protocol.ids import Hash256, NodeID
from xpay.sim.byzantine import ByzantinePeer, Misbehaviour
from xpay.sim.collectors import Collectors
from xpay.sim.ledger import SimLedger, sha512_half
from xpay.sim.network import LinkProfile, Network
from xpay.sim.peer import PeerEnv, SimPeer
from xpay.sim.scheduler import Scheduler

DEFAULT_EPOCH_MS = 760_000_000_000
"""Network time at virtual time zero: an instant in 2024, ms since the XRPL epoch."""


@dataclass(frozen=True)
class SimConfig:
    validators: int = 5
    seed: int = 1
    parms: ConsensusParms = field(default_factory=ConsensusParms)
    link: LinkProfile = field(default_factory=LinkProfile)
    build_delay_ms: int = 5
    clock_skews_ms: tuple[int, ...] = ()
    """Per validator (missing ones: zero)."""
    byzantine: Mapping[int, frozenset[Misbehaviour]] = field(default_factory=dict)
    epoch_ms: int = DEFAULT_EPOCH_MS


def validator_key(index: int) -> NodeID:
    """A stable 33-byte Ed25519-style node key for validator ``index``."""
    return NodeID(b"\xed" + sha512_half(b"sim validator", index.to_bytes(4, "big")))


class Sim:
    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.scheduler = Scheduler()
        self.network = Network(self.scheduler, random.Random(config.seed), config.link)
        self._tx_rng = random.Random(config.seed * 7919 + 1)
        self._tx_counter = 0
        honest = frozenset(i for i in range(config.validators) if i not in config.byzantine)
        self.collectors = Collectors(honest)
        self.genesis = SimLedger.genesis(config.epoch_ms // 1000 - 1)
        unl = tuple(validator_key(i) for i in range(config.validators))
        self.env = PeerEnv(
            scheduler=self.scheduler,
            network=self.network,
            collectors=self.collectors,
            parms=config.parms,
            unl=unl,
            genesis=self.genesis,
            epoch_ms=config.epoch_ms,
            build_delay_ms=config.build_delay_ms,
        )
        self.peers: list[SimPeer] = []
        for i in range(config.validators):
            skew = config.clock_skews_ms[i] if i < len(config.clock_skews_ms) else 0
            rng = random.Random(config.seed * 1_000_003 + i)
            peer: SimPeer
            if i in config.byzantine:
                peer = ByzantinePeer(
                    i, unl[i], self.env, config.byzantine[i], clock_skew_ms=skew, rng=rng
                )
            else:
                peer = SimPeer(i, unl[i], self.env, clock_skew_ms=skew, rng=rng)
            self.peers.append(peer)

    @property
    def honest(self) -> list[SimPeer]:
        return [p for p in self.peers if p.index in self.collectors.honest]

    @property
    def now(self) -> int:
        return self.scheduler.now

    def start(self) -> None:
        for peer in self.peers:
            peer.start()

    # --- running -------------------------------------------------------------------------------

    def run_for(self, duration_ms: int) -> None:
        self.scheduler.run_for(duration_ms)

    def run_until_validated(self, seq: int, *, peers: Iterable[int] | None = None, limit_ms: int) -> bool:
        """Run until every listed peer (default: honest ones) fully validated ``seq``, or until
        virtual time ``limit_ms``; return whether they did."""
        watched = [self.peers[i] for i in peers] if peers is not None else self.honest
        return self.scheduler.run_while(
            lambda: any(p.validated.seq < seq for p in watched), limit_ms
        )

    # --- transactions -------------------------------------------------------------------------------

    def new_tx_id(self) -> Hash256:
        self._tx_counter += 1
        return sha512_half(b"sim tx", self._tx_counter.to_bytes(8, "big"))

    def submit(self, peer: int | None = None) -> Hash256:
        """Submit a new transaction now to ``peer`` (default: a random running honest peer)."""
        if peer is None:
            running = [p.index for p in self.honest if p.running]
            peer = self._tx_rng.choice(running)
        tx_id = self.new_tx_id()
        self.collectors.txs.on_submit(tx_id, self.scheduler.now)
        self.peers[peer].submit(tx_id)
        return tx_id

    def _submit_random(self) -> None:
        self.submit()

    def inject_txs(self, *, start_ms: int, stop_ms: int, every_ms: int, jitter_ms: int = 0) -> None:
        """Schedule one submission every ``every_ms`` (plus up to ``jitter_ms``) of virtual time
        in [start_ms, stop_ms), each to a random running honest peer."""
        when = start_ms
        while when < stop_ms:
            self.scheduler.at(when, self._submit_random)
            when += every_ms + (self._tx_rng.randint(0, jitter_ms) if jitter_ms else 0)

    # --- faults -------------------------------------------------------------------------------------

    def crash(self, peer: int) -> None:
        self.peers[peer].crash()

    def restart(self, peer: int) -> None:
        self.peers[peer].restart()

    def partition(self, *groups: Iterable[int]) -> None:
        self.network.partition(*groups)

    def heal(self) -> None:
        self.network.heal()

    def set_latency(self, peer: int, profile: LinkProfile) -> None:
        self.network.set_peer_links(peer, profile)

    def reset_links(self) -> None:
        self.network.reset_links()

    # --- checks ---------------------------------------------------------------------------------------

    def watch_invariants(self) -> None:
        """Check the fork collector after every single event, failing at the event that broke
        safety rather than at the end of the run."""

        def check() -> None:
            if self.collectors.fork.violations:
                raise AssertionError(self.collectors.fork.violations[0])

        self.scheduler.after_event.append(check)

    def validated_chains_agree(self, peers: Iterable[SimPeer] | None = None) -> bool:
        """Whether the listed peers' fully validated chains agree on every sequence they share."""
        chains = [p.validated_chain for p in (peers if peers is not None else self.honest)]
        shortest = min(len(c) for c in chains)
        return all(len({c[i].id for c in chains}) == 1 for i in range(shortest))
