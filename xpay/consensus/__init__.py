"""The generic consensus round (no I/O, no ledger knowledge), as rippled's ``Consensus<Adaptor>``.

Federated Byzantine agreement as the XRP Ledger does it: every validator trusts a UNL; each
round closes the open ledger, exchanges positions (transaction-set ID + close time) with the
trusted validators, settles disputed transactions with thresholds rising 50 -> 65 -> 70 -> 95 %,
agrees on a rounded close time, and accepts once 80 % of the proposers hold our position. A
ledger is *fully validated* once ceil(80 %) of the UNL signed validations for it.

Modules: ``parms`` (ConsensusParms), ``ledger_timing`` (close-time bins), ``proposal``
(Proposal), ``disputed_tx`` (DisputedTx), ``decisions`` (close / consensus checks),
``consensus_types`` (phases, modes, states, ConsensusResult, the ledger and tx-set
Protocols), ``adaptor`` (the Adaptor Protocol), ``ledger_trie`` and ``validations``
(Validations: quorum, full validation, preferred ledger, conflicts), ``consensus`` (the round).

Integrator's guide (for ``xpay/node``)
--------------------------------------
Times: ``now`` is always the node's network clock in **milliseconds since the XRPL epoch**
(2000-01-01T00:00:00Z), so ``now // 1000`` is an XRPL close time in seconds. It must not go
backwards. Everything else is an integer too (no floats anywhere in this package).

1. Implement ``Adaptor`` (``xpay.consensus.adaptor``) over real ledgers and the overlay:
   ``node_id``, ``validator``, ``unl()`` (include your own key when you validate),
   ``acquire_ledger`` / ``acquire_tx_set`` (return what you hold, else start a fetch and
   return None; repeated calls must not re-request), ``has_open_transactions``,
   ``open_queue_full``, ``on_close`` (our initial tx set from the open ledger),
   ``on_accept`` (build the ledger from ``result.txns`` with ``result.close_time``,
   ``result.close_resolution``, ``result.close_agree``; if ``result.validate`` sign a
   ``Validation`` of it, broadcast it and pass it to ``got_validation``; then
   ``start_round``), ``propose`` (sign and broadcast), ``share_tx_set``, ``share_tx``,
   ``on_mode_change``. Ledgers must satisfy ``ConsensusLedger`` (``ancestor(seq)`` over
   at least the previous 256 ledgers: the skip list) and tx sets ``TxSet``.
2. Create ``Consensus(adaptor, ConsensusParms(), validated=(seq, id), largest_issued_seq=n)``
   with your newest fully validated ledger and the largest sequence you ever validated,
   both persisted across restarts.
3. Call ``start_round(now, last_closed_ledger)`` once, then ``timer_entry(now)`` every
   ``parms.ledger_granularity_ms`` (50 ms). Verify signatures first, then feed
   ``peer_proposal(now, proposal)`` (relay it if that returns True), ``got_tx_set(now, set)``
   and ``got_validation(now, validation)`` (relay when it returns ``ValStatus.CURRENT``;
   ``CONFLICTING`` flags a Byzantine validator, recorded in ``validations.conflicts``).
4. Read ``consensus.validated`` / ``consensus.validations.latest_fully_validated()`` for the
   newest fully validated ledger, ``phase`` / ``mode`` for server state.

Signing, message formats and timers are the node's; the core sees node IDs and hashes only.
"""

from xpay.consensus.adaptor import Adaptor
from xpay.consensus.consensus import Consensus
from xpay.consensus.consensus_types import (
    CloseTimes,
    ConsensusLedger,
    ConsensusMode,
    ConsensusPhase,
    ConsensusResult,
    ConsensusState,
    TxSet,
)
from xpay.consensus.disputed_tx import DisputedTx
from xpay.consensus.ledger_timing import (
    LEDGER_DEFAULT_TIME_RESOLUTION,
    LEDGER_GENESIS_TIME_RESOLUTION,
    accepted_close_time,
    eff_close_time,
    get_next_ledger_time_resolution,
    round_close_time,
)
from xpay.consensus.ledger_trie import LedgerTrie, PreferredLedger
from xpay.consensus.parms import AvalancheState, ConsensusParms
from xpay.consensus.proposal import SEQ_JOIN, SEQ_LEAVE, Proposal
from xpay.consensus.validations import (
    Validation,
    ValidationConflict,
    Validations,
    ValStatus,
    quorum_for,
)

__all__ = [
    "LEDGER_DEFAULT_TIME_RESOLUTION",
    "LEDGER_GENESIS_TIME_RESOLUTION",
    "SEQ_JOIN",
    "SEQ_LEAVE",
    "Adaptor",
    "AvalancheState",
    "CloseTimes",
    "Consensus",
    "ConsensusLedger",
    "ConsensusMode",
    "ConsensusParms",
    "ConsensusPhase",
    "ConsensusResult",
    "ConsensusState",
    "DisputedTx",
    "LedgerTrie",
    "PreferredLedger",
    "Proposal",
    "TxSet",
    "ValStatus",
    "Validation",
    "ValidationConflict",
    "Validations",
    "accepted_close_time",
    "eff_close_time",
    "get_next_ledger_time_resolution",
    "quorum_for",
    "round_close_time",
]
