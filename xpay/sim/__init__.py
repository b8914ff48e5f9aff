"""Consensus simulation in virtual time, as rippled's ``csf`` (src/test/csf): it runs the real
``xpay.consensus`` core, unchanged, between simulated validators.

Modules: ``scheduler`` (virtual clock, event heap ordered by time then sequence), ``network``
(per-link delay, jitter, loss, duplication; partitions; peers down), ``ledger`` (toy ledgers and
transaction sets), ``messages``, ``peer`` (a validator implementing the consensus adaptor, with
crash and restart), ``byzantine`` (conflicting proposals, conflicting validations, garbage),
``collectors`` (fork checker, liveness, round statistics, transaction tracking), ``harness``
(``Sim``/``SimConfig``: a whole network with helpers for transactions and faults).

Every random choice comes from an RNG seeded from ``SimConfig.seed``; a run is a pure function
of its configuration. ``python -m xpay.sim`` prints round statistics for a long honest run.
"""

from xpay.sim.byzantine import ByzantinePeer, Misbehaviour
from xpay.sim.collectors import Collectors, Summary
from xpay.sim.harness import Sim, SimConfig, validator_key
from xpay.sim.ledger import SimLedger, SimTxSet
from xpay.sim.network import LinkProfile, Network
from xpay.sim.peer import SimPeer
from xpay.sim.scheduler import Scheduler

__all__ = [
    "ByzantinePeer",
    "Collectors",
    "LinkProfile",
    "Misbehaviour",
    "Network",
    "Scheduler",
    "Sim",
    "SimConfig",
    "SimLedger",
    "SimPeer",
    "SimTxSet",
    "Summary",
    "validator_key",
]
