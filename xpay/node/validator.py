"""A networked node: a validator (or a tracking node) that agrees on ledgers with its peers, as
rippled's ``Application`` with ``NetworkOPs`` driving ``RCLConsensus``.

``ValidatorNode`` is an async context manager that owns, and tears down in order, everything one
node runs:

    store -> overlay -> store writer -> ledger master -> consensus loops -> API server

(leaving stops them in the reverse order: API, consensus, ledger master and writer, overlay,
store). The consensus loops live in one ``asyncio.TaskGroup``:

* the **heartbeat** (rippled's ``NetworkOPs::processHeartbeatTimer``): every
  ``ledger_granularity_ms`` it calls ``Consensus.timer_entry`` — unless the node has no peer, in
  which case it is *disconnected* and the round waits (a lone node would close ledgers nobody
  else builds). A node that just joined listens for a moment before its first round, so a
  restarted validator learns how far the network is ahead before it proposes anything;
* the **dispatcher**: every verified envelope from the overlay — proposals and validations to the
  round, relayed transactions to the open ledger;
* the transaction **relay**, the adaptor's **outbox**, its **jobs** (building ledgers, marking
  them validated), and the **acquirers** of transaction sets and ledgers.

A failure in any loop stops the node (the ``stop`` event is set and the error is re-raised when
the node is left), rather than leaving a half-working validator on the network.

Server state (rippled's ``OperatingMode``, as server_info reports it): ``disconnected`` (no
peers), ``connected`` (listening before the first round), ``syncing`` (the network builds on a
ledger we are still acquiring), ``tracking`` (we switched to the network's ledger but are behind
it), ``full`` (in step; a tracking node, or a validator not proposing this round) and
``proposing``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Literal

from xpay.api.facade import NodeStatus, ServerStatusEvent, SubmitOutcome
from xpay.api.server import ApiConfig, ApiServer
from xpay.codec import decode_account_id, decode_node_public
from xpay.consensus import ConsensusMode, ConsensusParms, ConsensusPhase
from xpay.crypto import NodeKey
from xpay.ledger.ledger import Ledger, genesis_ledger
from xpay.ledger.views import Fees
from xpay.node.config import (
    DEFAULT_FEES,
    DEFAULT_MAX_LEDGER_TRANSACTIONS,
    DEFAULT_MAX_QUEUED_TRANSACTIONS,
    DEFAULT_NETWORK_ID,
    NodeConfig,
)
from xpay.node.consensus_adaptor import RCLConsensusAdaptor, network_time_ms
from xpay.node.consensus_ledger import ANCESTRY_WINDOW, RCLCxLedger
from xpay.node.ledger_master import LedgerMaster
from xpay.node.peer_messages import PeerMessageError, decode_transactions, decode_validation
from xpay.node.relay import TransactionRelay
from xpay.node.service import NodeService
from xpay.node.standalone import DataDirMismatch
from xpay.node.validator_state import ValidatorState
from xpay.overlay import Hub, MessageKind, MqttConfig, MqttOverlay, Overlay
from xpay.protocol.ids import Hash256, NodeID
from xpay.store.ledger_store import LedgerStore
from xpay.store.writer import LedgerWriter

Transport = Literal["inproc", "mqtt"]

NETWORK_MIN_CONSENSUS_MS: Final = 100
NETWORK_AV_MIN_CONSENSUS_TIME_MS: Final = 2000

DEFAULT_GENESIS_CLOSE_TIME: Final = 1
"""Close time of ledger 1 when the configuration names none. Every validator of a network must
build the same genesis ledger, so it cannot be "now" (rippled's genesis ledger has close time 0;
xpay's NodeConfig reserves 0 for "the node's clock")."""


def network_parms(close_interval: float) -> ConsensusParms:
    """Consensus timing for validators on one broker or LAN, closing a ledger every
    ``close_interval`` seconds (see ``xpay.consensus.parms`` for what each value does).

    Measured with ``bench/settlement.py`` (5 validator processes, 100 payments/s, one broker):

    * ``ledger_min_consensus_ms`` 100 (core: 150): proposals and the sets pushed with them cross
      the broker in milliseconds, so after 100 ms every peer's initial position is in and the
      first dispute votes are cast; the round then accepts on the next timer pass that sees
      80 % agreement.
    * ``av_min_consensus_time_ms`` 2000 (core: 500): the avalanche thresholds rise at fractions
      of this expected round time. With 500 ms the 50 % -> 65 % step fell at 250 ms, inside the
      window where validators accept; a validator that accepted just before it and one that
      re-voted just after it built different ledgers (seen: a two-way split, ~10 s to heal).
      With 2 s, a normal round settles every dispute at 50 % and the steps only break real
      deadlocks.
    * ``ledger_min_close_ms`` half the interval (core: 200): the adaptor closes ledgers on a
      close-to-close cadence (``RCLConsensusAdaptor.cadence_ms``); when a round ran long, the
      next one still stays open long enough for relayed transactions to reach every validator
      (fewer disputes) instead of closing almost at once.
    """
    interval = round(close_interval * 1000)
    return ConsensusParms(
        close_interval_ms=interval,
        idle_interval_ms=interval,
        ledger_min_consensus_ms=NETWORK_MIN_CONSENSUS_MS,
        ledger_min_close_ms=max(200, interval // 2),
        av_min_consensus_time_ms=NETWORK_AV_MIN_CONSENSUS_TIME_MS,
    )


@dataclass(frozen=True, slots=True)
class ValidatorConfig:
    """Everything a networked node is told at start."""

    data_dir: Path
    node_seed: str
    """The seed (sEd…) of the node key that signs its messages (and validations)."""
    unl: tuple[str, ...]
    """The trusted validators' node public keys (n…); our own may be listed."""
    genesis_account: str
    """The classic address holding every drop at ledger 1."""
    validating: bool = True
    """False: a tracking node, which follows the network without proposing or validating."""
    network_id: int = DEFAULT_NETWORK_ID
    fees: Fees = DEFAULT_FEES
    genesis_close_time: int = DEFAULT_GENESIS_CLOSE_TIME
    close_interval: float = 1.0
    """Seconds between ledger closes (see ``network_parms``)."""
    transport: Transport = "inproc"
    mqtt: MqttConfig | None = None
    api: ApiConfig | None = None
    parms: ConsensusParms | None = None
    """Overrides every consensus parameter (close_interval is then ignored)."""
    listen: float | None = None
    """Seconds to listen before the first round (default: one and a half close intervals)."""
    max_ledger_transactions: int = DEFAULT_MAX_LEDGER_TRANSACTIONS
    """Transactions the open ledger admits (load shedding: beyond them a submission answers
    terQUEUED, see ``xpay.node.open_ledger``; a relayed one is queued or left to the peers'
    proposals)."""
    max_queued_transactions: int = DEFAULT_MAX_QUEUED_TRANSACTIONS

    def node_key(self) -> NodeKey:
        return NodeKey.from_seed(self.node_seed)

    def unl_ids(self) -> frozenset[NodeID]:
        return frozenset(NodeID(decode_node_public(key)) for key in self.unl)

    def consensus_parms(self) -> ConsensusParms:
        if self.parms is not None:
            return self.parms
        return network_parms(self.close_interval)

    def node_config(self) -> NodeConfig:
        return NodeConfig(
            data_dir=self.data_dir,
            genesis_seed="",
            network_id=self.network_id,
            fees=self.fees,
            standalone=False,
            close_interval=self.close_interval,
            max_ledger_transactions=self.max_ledger_transactions,
            max_queued_transactions=self.max_queued_transactions,
        )


@dataclass(frozen=True, slots=True)
class ValidatorEndpoints:
    """Where a running node listens and who it is."""

    json_rpc: str | None
    websocket: str | None
    port: int | None
    node_public_key: str
    validating: bool
    ledger_seq: int
    resumed: bool


def open_network_chain(store: LedgerStore, config: ValidatorConfig) -> tuple[Ledger, bool]:
    """The ledger to start from: the last validated one in the store, or the network's genesis
    ledger (the same bytes on every validator: fixed account, fees and close time)."""
    recorded_network = store.get_info("network_id")
    recorded_genesis = store.get_info("genesis_account")
    if recorded_network is not None and int(recorded_network) != config.network_id:
        raise DataDirMismatch(f"{store.path} holds network {recorded_network}, not {config.network_id}")
    if recorded_genesis is not None and recorded_genesis != config.genesis_account:
        raise DataDirMismatch(f"{store.path} was created with genesis account {recorded_genesis}")
    ledger = store.load_last_validated()
    if ledger is not None:
        return ledger, True
    genesis = genesis_ledger(
        decode_account_id(config.genesis_account), config.fees, close_time=config.genesis_close_time
    )
    store.write_ledger(genesis, None, validated=True)
    store.put_info("network_id", str(config.network_id))
    store.put_info("genesis_account", config.genesis_account)
    return genesis, False


def stored_ancestry(store: LedgerStore, ledger: Ledger) -> RCLCxLedger:
    """``ledger`` with the hashes of the stored ancestors that link to it (up to the window)."""
    hashes: list[Hash256] = []
    expected = ledger.header.parent_hash
    seq = ledger.seq - 1
    while seq >= 1 and len(hashes) < ANCESTRY_WINDOW:
        stored = store.ledger(seq)
        if stored is None or stored.hash != expected:
            break
        hashes.append(Hash256(stored.hash))
        expected = stored.header.parent_hash
        seq -= 1
    hashes.reverse()
    if not hashes and ledger.seq > 1:
        return RCLCxLedger.without_history(ledger)
    return RCLCxLedger(ledger, tuple(hashes))


@dataclass(slots=True)
class NetworkState:
    """What the heartbeat knows about the node's place in the network."""

    connected_since: int | None = None
    started: bool = False
    heartbeats: int = 0
    malformed: int = 0
    relayed_in: int = 0
    disconnections: int = 0
    server_state: str = "connected"


class ValidatorService(NodeService):
    """The API's NodeFacade for a networked node: server state from consensus, and local
    submissions relayed to peers."""

    def __init__(
        self,
        config: NodeConfig,
        master: LedgerMaster,
        store: LedgerStore,
        stop: asyncio.Event,
        node_key: NodeKey,
        node: ValidatorNode,
    ) -> None:
        super().__init__(config, master, store, stop, node_key)
        self._node = node
        self._began = time.monotonic()

    def status(self) -> NodeStatus:
        node = self._node
        last = node.adaptor.last_close
        return NodeStatus(
            server_state=node.server_state(),
            load_factor=1,
            peers=len(node.overlay.peers()),
            uptime=int(time.monotonic() - self._began),
            queued_commands=node.master.queued_commands,
            last_close_proposers=last.proposers,
            last_close_converge_time_ms=last.converge_time_ms,
            validation_quorum=node.adaptor.consensus.validations.quorum,
        )

    async def submit(self, tx_blob: bytes) -> SubmitOutcome:
        outcome = await super().submit(tx_blob)
        if outcome.applied or outcome.kept or outcome.queued:
            # Queued transactions are relayed too (as rippled does): peers queue them as well,
            # so every validator's next open ledger draws on the same transactions.
            self._node.relay.relay(tx_blob, outcome.tx_id)
        return outcome


class ValidatorNode:
    """One networked node, as an async context manager (see the module docstring)."""

    def __init__(
        self, config: ValidatorConfig, *, hub: Hub | None = None, stop: asyncio.Event | None = None
    ) -> None:
        if config.transport == "inproc" and hub is None:
            raise ValueError("the in-process transport needs a Hub shared by the nodes")
        if config.transport == "mqtt" and config.mqtt is None:
            raise ValueError("the MQTT transport needs an MqttConfig")
        self.config = config
        self.stop = stop if stop is not None else asyncio.Event()
        self._hub = hub
        self.key = config.node_key()
        self.parms = config.consensus_parms()
        unl = config.unl_ids()
        self.unl = unl | {self.key.node_id} if config.validating else unl - {self.key.node_id}
        self.network = NetworkState()
        self._min_peers = 0 if self.unl <= {self.key.node_id} else 1
        listen = config.listen if config.listen is not None else 1.5 * self.parms.close_interval_ms / 1000
        self._listen_ms = round(listen * 1000)
        self._stack = contextlib.AsyncExitStack()
        self._failure: BaseException | None = None
        self.store: LedgerStore
        self.overlay: Overlay
        self.master: LedgerMaster
        self.adaptor: RCLConsensusAdaptor
        self.relay: TransactionRelay
        self.service: ValidatorService
        self.api: ApiServer | None = None
        self.resumed = False

    # --- lifecycle ------------------------------------------------------------------------------

    async def __aenter__(self) -> ValidatorNode:
        stack = self._stack
        config = self.config
        try:
            self.store = LedgerStore.open(config.data_dir)
            stack.callback(self.store.close)
            start, self.resumed = open_network_chain(self.store, config)
            state = ValidatorState(config.data_dir) if config.validating else None
            self.overlay = await stack.enter_async_context(self._make_overlay())
            node_config = config.node_config()
            writer = await stack.enter_async_context(
                LedgerWriter(self.store, max_pending=node_config.persist_queue_size)
            )
            self.master = await stack.enter_async_context(
                LedgerMaster(node_config, self.store, writer, start)
            )
            self.adaptor = RCLConsensusAdaptor(
                node_key=self.key,
                unl=self.unl,
                validator=config.validating,
                master=self.master,
                overlay=self.overlay,
                parms=self.parms,
                start=stored_ancestry(self.store, start),
                state=state,
                network_id=config.network_id,
            )
            self.adaptor.should_propose = self._should_propose
            # --close-interval is the time between ledger closes, not the open phase alone.
            self.adaptor.cadence_ms = self.parms.close_interval_ms
            self.overlay.serve(MessageKind.GET_TX_SET, self.adaptor.serve_tx_set)
            self.overlay.serve(MessageKind.GET_LEDGER, self.adaptor.serve_ledger)
            self.relay = TransactionRelay(self.overlay)
            self.adaptor.known_blob = self.relay.blob
            self.service = ValidatorService(node_config, self.master, self.store, self.stop, self.key, self)
            await stack.enter_async_context(self._loops())
            if config.api is not None:
                self.api = await stack.enter_async_context(ApiServer(self.service, config.api))
        except BaseException:
            await stack.aclose()
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._stack.__aexit__(exc_type, exc, tb)
        if self._failure is not None and exc is None:
            raise self._failure

    def _make_overlay(self) -> Overlay:
        config = self.config
        if config.transport == "inproc":
            assert self._hub is not None
            return self._hub.overlay(self.key, unl=self.unl, network_id=config.network_id)
        return MqttOverlay(self.key, unl=self.unl, network_id=config.network_id, config=config.mqtt)

    def _loops(self) -> _Loops:
        """The consensus loops in one task group, cancelled on exit."""
        return _Loops(
            [
                ("heartbeat", self._heartbeat),
                ("dispatch", self._dispatch),
                ("relay", self.relay.run),
                ("outbox", self.adaptor.outbox.run),
                ("jobs", self.adaptor.run_jobs),
                ("inbound-ledgers", self.adaptor.inbound_ledgers.run),
                ("inbound-tx-sets", self.adaptor.inbound_sets.run),
            ],
            self._guard,
        )

    async def _guard(self, name: str, loop: Callable[[], Coroutine[Any, Any, None]]) -> None:
        try:
            await loop()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            self.adaptor.log.critical("%s loop failed; stopping the node", name, exc_info=True)
            if self._failure is None:
                self._failure = error
            self.stop.set()

    def endpoints(self) -> ValidatorEndpoints:
        api = self.api
        host = self.config.api.host if self.config.api is not None else ""
        port = api.port if api is not None else None
        return ValidatorEndpoints(
            json_rpc=f"http://{host}:{port}/" if port is not None else None,
            websocket=f"ws://{host}:{port}/" if port is not None else None,
            port=port,
            node_public_key=self.key.node_public,
            validating=self.config.validating,
            ledger_seq=self.master.closed_ledger.seq,
            resumed=self.resumed,
        )

    # --- the heartbeat (NetworkOPs) ---------------------------------------------------------------

    def connected(self) -> bool:
        return len(self.overlay.peers()) >= self._min_peers

    async def _heartbeat(self) -> None:
        interval = self.parms.ledger_granularity_ms / 1000
        network = self.network
        consensus = self.adaptor.consensus
        while True:
            await asyncio.sleep(interval)
            now = network_time_ms()
            network.heartbeats += 1
            self._publish_server_state()
            if not self.connected():
                if network.connected_since is not None:
                    self.adaptor.log.warning("no peers: consensus waits until the network is back")
                    network.disconnections += 1
                network.connected_since = None
                continue
            if network.connected_since is None:
                network.connected_since = now
                if network.started and consensus.phase is not ConsensusPhase.ACCEPTED:
                    # Back from an outage: the round we were in is stale everywhere.
                    self.adaptor.start_round()
                    continue
            if not network.started:
                if now - network.connected_since < self._listen_ms:
                    continue
                network.started = True
                self.adaptor.start_round()
                continue
            consensus.timer_entry(now)

    def _publish_server_state(self) -> None:
        state = self.server_state()
        if state != self.network.server_state:
            self.adaptor.log.info("server state %s -> %s", self.network.server_state, state)
            self.network.server_state = state
            self.master.publish(ServerStatusEvent(state))

    def _behind(self) -> bool:
        """Whether trusted validators have validated ledgers beyond the one we build next."""
        next_seq = self.master.closed_ledger.seq + 1
        current = self.adaptor.consensus.validations.current(network_time_ms())
        return any(
            validation.seq > next_seq
            for node, validation in current.items()
            if node != self.key.node_id
        )

    def _should_propose(self) -> bool:
        return self.config.validating and self.connected() and not self._behind()

    def server_state(self) -> str:
        """rippled's server_state for this node (see the module docstring)."""
        if not self.connected():
            return "disconnected"
        if not self.network.started:
            return "connected"
        consensus = self.adaptor.consensus
        if consensus.mode is ConsensusMode.WRONG_LEDGER:
            return "syncing"
        if consensus.mode is ConsensusMode.SWITCHED_LEDGER or self._behind():
            return "tracking"
        if consensus.proposing:
            return "proposing"
        return "full"

    # --- the dispatcher ---------------------------------------------------------------------------

    async def _dispatch(self) -> None:
        adaptor = self.adaptor
        master = self.master
        relay = self.relay
        async for envelope in self.overlay.messages():
            try:
                kind = envelope.kind
                if kind is MessageKind.PROPOSAL:
                    adaptor.on_proposal(envelope)
                elif kind is MessageKind.VALIDATION:
                    adaptor.on_validation(decode_validation(envelope.payload, envelope.sender))
                elif kind is MessageKind.TX_SET_IDS:
                    adaptor.on_tx_set_ids(envelope)
                elif kind is MessageKind.TRANSACTIONS:
                    for _, blob in relay.received(decode_transactions(envelope.payload)):
                        if master.submit_relayed(blob):
                            self.network.relayed_in += 1
            except PeerMessageError as exc:
                self.network.malformed += 1
                adaptor.log.debug("malformed %s from %s: %s", envelope.kind.name, envelope.sender.hex()[:16], exc)


class _Loops:
    """An ``asyncio.TaskGroup`` of endless loops, as an async context manager that cancels them
    on exit (an error in the ``async with`` body propagates as itself, not wrapped)."""

    def __init__(
        self,
        loops: list[tuple[str, Callable[[], Coroutine[Any, Any, None]]]],
        guard: Callable[[str, Callable[[], Coroutine[Any, Any, None]]], Coroutine[Any, Any, None]],
    ) -> None:
        self._loops = loops
        self._guard = guard
        self._group = asyncio.TaskGroup()
        self._tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> _Loops:
        await self._group.__aenter__()
        self._tasks = [self._group.create_task(self._guard(name, loop), name=name) for name, loop in self._loops]
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for task in self._tasks:
            task.cancel()
        await self._group.__aexit__(None, None, None)


async def serve_validator(
    config: ValidatorConfig,
    stop: asyncio.Event,
    *,
    hub: Hub | None = None,
    on_ready: Callable[[ValidatorEndpoints], None] | None = None,
) -> None:
    """Run a networked node until ``stop`` is set, then shut it down in order."""
    async with ValidatorNode(config, hub=hub, stop=stop) as node:
        if on_ready is not None:
            on_ready(node.endpoints())
        await stop.wait()
