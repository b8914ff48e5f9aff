"""The MQTT transport: validators meet through a broker (mosquitto; an MQTT cluster such as
EMQX when the network spans hosts), using aiomqtt.

rippled peers hold direct TLS connections to each other and flood messages along them. Over a
broker, the broker does the flooding: each node publishes once and subscribes to the network's
topics. Frames are the overlay's signed envelopes, so the broker is trusted for delivery only,
never for content.

Topics (network id in decimal, node ids in lower-case hex, kinds by lower-case name):

    xpay/<net>/<kind>                   broadcasts (transactions, proposal, validation, status)
    xpay/<net>/req/<kind>               requests to any node that serves <kind>
    xpay/<net>/node/<node id>/<kind>    requests to one node, and replies to the requester
    xpay/<net>/status/<node id>         retained presence: "online", or the last will "offline"

Every node subscribes to all four (MQTT 5 with No Local, so the broker does not echo a node's own
publications). Requests to anyone reach every node; those without a `serve()` handler for the
kind count it as unserved and stay silent. Replies carry the request's sequence (the
correlation id) and the requester's node id inside the signed frame.

QoS per kind — the question is what losing one frame costs:
- PROPOSAL, STATUS, HAVE_SET: QoS 0. A position is re-sent every round and is stale within
  seconds; a retry after a broker hiccup would deliver old news, and QoS 1's PUBACK round trip
  is pure cost on the most frequent message.
- GET_TX_SET, GET_LEDGER: QoS 0. The requester times out and asks again (rippled's
  InboundLedger / TransactionAcquire retry on their own timers).
- TRANSACTIONS, VALIDATION, TX_SET, TX_SET_IDS, LEDGER: QoS 1. A lost transaction is missing from every
  candidate set until re-submitted; a lost validation can hold a ledger below quorum; a lost
  reply wastes a whole round trip and a timeout. Duplicates from QoS 1 retries are dropped by
  the replay window.
- PRESENCE: QoS 1, retained; the last will is QoS 1, retained.

Liveness: on every connection the node publishes a signed, retained "online" frame to its
status topic, and registers a signed "offline" frame (the next sequence) as its last will; on
a clean exit it publishes a fresh "offline" itself. Receivers keep the frame with the highest
sequence per node, so an old will never overrides a newer "online".

Reconnection: an outer loop around the aiomqtt client (its documented pattern) catches
`MqttError`, waits with capped exponential backoff and jitter, connects again, re-subscribes and
re-announces presence. While disconnected, sends fail fast and are counted (`send_failed`), and
`peers()` is empty: a node that cannot reach the broker cannot see anybody.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import ssl
from collections.abc import Callable, Iterable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from types import TracebackType
from typing import Final, Self
from urllib.parse import urlsplit

import aiomqtt
from paho.mqtt.subscribeoptions import SubscribeOptions

from xpay.crypto import verify as crypto_verify
from xpay.overlay.admission import Verifier
from xpay.overlay.endpoint import (
    DEFAULT_INBOX_SIZE,
    DEFAULT_MAX_HANDLERS,
    DEFAULT_MAX_PENDING,
    AnyServer,
    Broadcast,
    Endpoint,
    EndpointTransport,
    Route,
    ToPeer,
)
from xpay.overlay.envelope import MessageKind, Signer
from xpay.overlay.errors import OverlayConnectError
from xpay.protocol.ids import NodeID

logger = logging.getLogger(__name__)

ONLINE: Final = b"online"
OFFLINE: Final = b"offline"
MAX_TRACKED_NODES: Final = 10_000
"""Presence entries kept (anyone can announce itself; the table must stay bounded)."""

QOS: Final[dict[MessageKind, int]] = {
    MessageKind.PROPOSAL: 0,
    MessageKind.STATUS: 0,
    MessageKind.HAVE_SET: 0,
    MessageKind.GET_TX_SET: 0,
    MessageKind.GET_LEDGER: 0,
    MessageKind.TRANSACTIONS: 1,
    MessageKind.VALIDATION: 1,
    MessageKind.TX_SET: 1,
    MessageKind.TX_SET_IDS: 1,
    MessageKind.LEDGER: 1,
    MessageKind.PRESENCE: 1,
}
"""Publish QoS by kind (see the module docstring for why). Subscriptions ask for QoS 1, so
the publisher's choice is what is delivered."""


@dataclass(frozen=True, slots=True)
class MqttConfig:
    """How to reach the broker.

    url: `mqtt://host[:port]` (1883) or `mqtts://host[:port]` (8883, TLS); user:password@ in
    the URL is accepted when username / password are not given. ca_file verifies the broker
    (system CAs if None); cert_file / key_file authenticate this node with a client
    certificate. client_id defaults to one derived from the network and node id.
    """

    url: str = "mqtt://127.0.0.1:1883"
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    client_id: str | None = None
    keepalive: int = 30
    connect_timeout: float = 10.0
    publish_timeout: float = 5.0
    reconnect_initial: float = 0.1
    reconnect_max: float = 10.0
    incoming_queue_size: int = 10_000
    """aiomqtt's incoming queue (unbounded by default); the oldest frame is dropped when full."""
    outgoing_queue_size: int = 10_000

    def __post_init__(self) -> None:
        self.address()  # a bad URL fails at construction, not at connection time
        if self.keepalive < 1 or self.incoming_queue_size < 1 or self.outgoing_queue_size < 1:
            raise ValueError("keepalive and queue sizes must be positive")
        if not 0 < self.reconnect_initial <= self.reconnect_max:
            raise ValueError("need 0 < reconnect_initial <= reconnect_max")
        if self.key_file is not None and self.cert_file is None:
            raise ValueError("key_file needs cert_file")

    def address(self) -> BrokerAddress:
        """The parsed URL (credentials from the config win over those in the URL)."""
        parts = urlsplit(self.url)
        if parts.scheme not in ("mqtt", "mqtts"):
            raise ValueError(f"broker URL must be mqtt://host:port or mqtts://host:port: {self.url!r}")
        if not parts.hostname:
            raise ValueError(f"broker URL has no host: {self.url!r}")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError(f"broker URL must not have a path, query or fragment: {self.url!r}")
        try:
            port = parts.port
        except ValueError:
            raise ValueError(f"broker URL has a bad port: {self.url!r}") from None
        tls = parts.scheme == "mqtts"
        return BrokerAddress(
            host=parts.hostname,
            port=port if port is not None else (8883 if tls else 1883),
            tls=tls,
            username=self.username if self.username is not None else parts.username,
            password=self.password if self.password is not None else parts.password,
        )


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None

    def __str__(self) -> str:
        # Never the password: this string goes into logs and error messages.
        user = f"{self.username}@" if self.username else ""
        return f"{'mqtts' if self.tls else 'mqtt'}://{user}{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class Topics:
    """The topic names of one network."""

    network_id: int

    @property
    def root(self) -> str:
        return f"xpay/{self.network_id}"

    def broadcast(self, kind: MessageKind) -> str:
        return f"{self.root}/{kind.name.lower()}"

    def any_server(self, kind: MessageKind) -> str:
        return f"{self.root}/req/{kind.name.lower()}"

    def node(self, node_id: bytes, kind: MessageKind) -> str:
        return f"{self.root}/node/{node_id.hex()}/{kind.name.lower()}"

    def status(self, node_id: bytes) -> str:
        return f"{self.root}/status/{node_id.hex()}"

    @property
    def status_prefix(self) -> str:
        return f"{self.root}/status/"

    def subscriptions(self, own_id: bytes) -> list[str]:
        return [
            f"{self.root}/+",
            f"{self.root}/req/+",
            f"{self.root}/node/{own_id.hex()}/+",
            f"{self.root}/status/+",
        ]

    def route(self, route: Route, kind: MessageKind) -> str:
        match route:
            case Broadcast():
                return self.broadcast(kind)
            case AnyServer():
                return self.any_server(kind)
            case ToPeer(node_id=node_id):
                return self.node(node_id, kind)


def drop_oldest_queue(on_overflow: Callable[[], None]) -> type[asyncio.Queue[aiomqtt.Message]]:
    """A queue class for aiomqtt's `queue_type`: bounded by its maxsize, dropping (and
    counting) the oldest message when full. aiomqtt itself would drop the newest, silently
    except for a log line."""

    class DropOldestQueue(asyncio.Queue[aiomqtt.Message]):
        def put_nowait(self, item: aiomqtt.Message) -> None:
            if self.full():
                self.get_nowait()
                on_overflow()
            super().put_nowait(item)

    return DropOldestQueue


class MqttOverlay(EndpointTransport):
    """One node's `Overlay` through an MQTT broker."""

    def __init__(
        self,
        signer: Signer,
        *,
        unl: Iterable[bytes],
        verify: Verifier = crypto_verify,
        network_id: int = 0,
        config: MqttConfig | None = None,
        inbox_size: int = DEFAULT_INBOX_SIZE,
        max_handlers: int = DEFAULT_MAX_HANDLERS,
        max_pending: int = DEFAULT_MAX_PENDING,
        first_sequence: int | None = None,
    ) -> None:
        self._endpoint = Endpoint(
            signer=signer,
            network_id=network_id,
            unl=unl,
            verify=verify,
            link=self,
            inbox_size=inbox_size,
            max_handlers=max_handlers,
            max_pending=max_pending,
            first_sequence=first_sequence,
        )
        self.config = config if config is not None else MqttConfig()
        self._address = self.config.address()
        self.topics = Topics(network_id)
        self._status_topic = self.topics.status(self.node_id)
        self._client: aiomqtt.Client | None = None
        self._live: set[NodeID] = set()
        self._presence_sequence: dict[NodeID, int] = {}
        self._queue_type = drop_oldest_queue(self._count_ingress_overflow)
        self._tls_context: ssl.SSLContext | None = None
        self._stack: AsyncExitStack | None = None
        self._runner: asyncio.Task[None] | None = None
        self._ready: asyncio.Future[None] | None = None
        self._jitter = random.Random()

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        """Connect (raising `OverlayConnectError` if the first attempt fails), subscribe,
        announce presence; from then on reconnect on our own."""
        if self._stack is not None:
            raise RuntimeError("this overlay is already running")
        self._tls_context = self._make_tls_context()
        stack = AsyncExitStack()
        task_group = await stack.enter_async_context(asyncio.TaskGroup())
        self._endpoint.start(task_group)
        ready = self._ready = asyncio.get_running_loop().create_future()
        self._runner = task_group.create_task(
            self._run(), name=f"overlay-mqtt-{self.node_id.hex()[:10]}"
        )
        try:
            try:
                # aiomqtt gives up on a missing CONNACK after connect_timeout and reports it;
                # this outer bound only catches a TCP connect that hangs longer still.
                async with asyncio.timeout(self.config.connect_timeout + 1.0):
                    await ready
            except TimeoutError:
                raise OverlayConnectError(
                    f"no answer from MQTT broker at {self._address} within "
                    f"{self.config.connect_timeout} s"
                ) from None
        except BaseException:
            self._endpoint.close()
            self._runner.cancel()
            await stack.aclose()
            raise
        self._stack = stack
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        stack, self._stack = self._stack, None
        if stack is None:
            return
        client = self._client
        if client is not None:
            # Say goodbye ourselves: a clean DISCONNECT does not fire the last will.
            _, wire = self._endpoint.seal(MessageKind.PRESENCE, OFFLINE)
            with contextlib.suppress(aiomqtt.MqttError):
                await client.publish(
                    self._status_topic, wire, qos=1, retain=True,
                    timeout=self.config.publish_timeout,
                )
        self._endpoint.close()
        if self._runner is not None:
            self._runner.cancel()
        await stack.aclose()

    def peers(self) -> frozenset[NodeID]:
        """Nodes whose latest presence frame says "online" (empty while we are disconnected)."""
        return frozenset(self._live)

    @property
    def connected(self) -> bool:
        return self._client is not None

    # -- sending ---------------------------------------------------------------------------

    async def transmit(self, route: Route, kind: MessageKind, wire: bytes) -> bool:
        client = self._client
        if client is None:
            return False
        try:
            await client.publish(
                self.topics.route(route, kind),
                wire,
                qos=QOS.get(kind, 1),
                timeout=self.config.publish_timeout,
            )
        except aiomqtt.MqttError as exc:
            logger.debug("publish of %s failed: %s", kind.name, exc)
            return False
        return True

    # -- the connection loop ---------------------------------------------------------------

    async def _run(self) -> None:
        assert self._ready is not None
        delay = self.config.reconnect_initial
        while True:
            _, online = self._endpoint.seal(MessageKind.PRESENCE, ONLINE)
            _, will = self._endpoint.seal(MessageKind.PRESENCE, OFFLINE)
            client = self._new_client(will)
            joined = False
            try:
                async with client:
                    await self._join(client, online)
                    joined = True
                    delay = self.config.reconnect_initial
                    if not self._ready.done():
                        self._ready.set_result(None)
                    async for message in client.messages:
                        self._on_message(message)
            except aiomqtt.MqttError as exc:
                if not self._ready.done():
                    self._ready.set_exception(self._connect_error(exc))
                    return
                logger.warning(
                    "MQTT broker %s: %s; reconnecting in %.2f s", self._address, exc, delay
                )
            finally:
                self._client = None
                self._live.clear()
                if joined:
                    self._endpoint.stats.disconnects += 1
                else:
                    _close_abandoned_socket(client)
                self._endpoint.monitor.notify()
            # Jitter (half the delay, at random) keeps a restarted broker from being hit by every
            # node at the same instant.
            await asyncio.sleep(delay * (0.5 + 0.5 * self._jitter.random()))
            delay = min(delay * 2, self.config.reconnect_max)

    async def _join(self, client: aiomqtt.Client, online: bytes) -> None:
        options = SubscribeOptions(qos=1, noLocal=True)
        topics = self.topics.subscriptions(self.node_id)
        granted = await client.subscribe([(topic, options) for topic in topics])
        refused = [t for t, code in zip(topics, granted, strict=True) if _is_failure(code)]
        if refused:
            raise aiomqtt.MqttError(f"broker refused subscriptions to {', '.join(refused)}")
        await client.publish(self._status_topic, online, qos=1, retain=True)
        self._client = client
        self._endpoint.stats.connects += 1
        self._endpoint.monitor.notify()

    def _new_client(self, will: bytes) -> aiomqtt.Client:
        address = self._address
        client = aiomqtt.Client(
            address.host,
            address.port,
            username=address.username,
            password=address.password,
            identifier=self.config.client_id or self._default_client_id(),
            protocol=aiomqtt.ProtocolVersion.V5,
            will=aiomqtt.Will(self._status_topic, will, qos=1, retain=True),
            keepalive=self.config.keepalive,
            timeout=self.config.connect_timeout,
            queue_type=self._queue_type,
            max_queued_incoming_messages=self.config.incoming_queue_size,
            max_queued_outgoing_messages=self.config.outgoing_queue_size,
            tls_context=self._tls_context,
        )
        # aiomqtt logs a warning per publish beyond 10 awaiting their PUBACK; concurrent QoS 1
        # broadcasts are normal here, bounded by the outgoing queue instead.
        client.pending_calls_threshold = self.config.outgoing_queue_size
        return client

    def _default_client_id(self) -> str:
        # 23 characters: the longest client id every MQTT 3.1.1 broker must accept.
        return f"xpay{self.network_id % 1000}-{self.node_id.hex()[2:18]}"

    def _make_tls_context(self) -> ssl.SSLContext | None:
        if not self._address.tls:
            return None
        try:
            context = ssl.create_default_context(cafile=self.config.ca_file)
            if self.config.cert_file is not None:
                context.load_cert_chain(self.config.cert_file, self.config.key_file)
        except (OSError, ssl.SSLError) as exc:
            raise OverlayConnectError(f"TLS setup for {self._address} failed: {exc}") from exc
        context.sslsocket_class = _ClosingSSLSocket
        return context

    def _connect_error(self, exc: aiomqtt.MqttError) -> OverlayConnectError:
        if isinstance(exc, aiomqtt.MqttCodeError) and exc.rc is not None:
            return OverlayConnectError(
                f"MQTT broker at {self._address} refused the connection: {exc} "
                "(check the username, password or client certificate)"
            )
        if str(exc) == "Operation timed out":  # aiomqtt's words for a missing CONNACK
            return OverlayConnectError(
                f"MQTT broker at {self._address} did not accept the connection within "
                f"{self.config.connect_timeout} s (no CONNACK: not an MQTT broker, overloaded, "
                "or it dropped us for a missing or unknown TLS client certificate)"
            )
        return OverlayConnectError(f"cannot connect to MQTT broker at {self._address}: {exc}")

    # -- receiving -------------------------------------------------------------------------

    def _count_ingress_overflow(self) -> None:
        self._endpoint.stats.ingress_overflow += 1

    def _on_message(self, message: aiomqtt.Message) -> None:
        payload = message.payload
        if not isinstance(payload, bytes):
            self._endpoint.stats.dropped_malformed += 1
            return
        topic = message.topic.value
        if topic.startswith(self.topics.status_prefix):
            self._on_presence(topic, payload)
        else:
            self._endpoint.deliver(payload)

    def _on_presence(self, topic: str, wire: bytes) -> None:
        envelope = self._endpoint.admit_unordered(wire)
        if envelope is None:
            return
        sender = envelope.sender
        if (
            envelope.kind is not MessageKind.PRESENCE
            or envelope.payload not in (ONLINE, OFFLINE)
            or topic[len(self.topics.status_prefix) :] != sender.hex()
        ):
            self._endpoint.stats.dropped_malformed += 1
            return
        last = self._presence_sequence.get(sender)
        if last is not None and envelope.sequence <= last:
            return  # an older frame (a will that fired after a newer "online", a replay)
        if last is None and len(self._presence_sequence) >= MAX_TRACKED_NODES:
            oldest = next(iter(self._presence_sequence))
            del self._presence_sequence[oldest]
            self._live.discard(oldest)
        self._presence_sequence[sender] = envelope.sequence
        if envelope.payload == ONLINE:
            self._live.add(sender)
        else:
            self._live.discard(sender)
        self._endpoint.monitor.notify()


class _ClosingSSLSocket(ssl.SSLSocket):
    """paho-mqtt (2.x) drops the socket without closing it when the TLS handshake fails (an
    unknown CA, a wrong host name), which leaks a file descriptor on every reconnection attempt
    to a misconfigured broker; this socket closes itself instead."""

    def do_handshake(self, block: bool = False) -> None:
        try:
            super().do_handshake(block)
        except BaseException:
            self.close()
            raise


def _close_abandoned_socket(client: aiomqtt.Client) -> None:
    """aiomqtt (2.5) leaves paho's socket open, and registered with the event loop, when a
    connection attempt fails or is cancelled after the TCP connect (no CONNACK in time, shutdown
    while connecting). Close it the way paho does on a normal disconnect, which also runs
    aiomqtt's socket-close hook (reader removed, housekeeping task cancelled). Both names are
    private, hence the guard: if they change, we are back to aiomqtt's own behaviour."""
    paho = getattr(client, "_client", None)
    close = getattr(paho, "_sock_close", None)
    if paho is not None and callable(close) and paho.socket() is not None:
        close()


def _is_failure(code: object) -> bool:
    # MQTT 5 answers SUBSCRIBE with ReasonCodes; 3.1.1 with integers, 0x80 meaning refused.
    if isinstance(code, int):
        return code >= 0x80
    is_failure = getattr(code, "is_failure", False)
    return bool(is_failure)
