"""The `Overlay` contract, one suite run over both transports: the in-process hub and MQTT on a
private mosquitto. Anything the node may rely on is asserted here, for both.

Waiting is always on events: `receive()` under `asyncio.timeout`, or `wait_until` on the
overlay's counters. "Nothing else arrived" is proved with a marker frame sent afterwards on the
same path: when the marker is the next thing received, nothing was in between.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Protocol

import aiomqtt
import pytest

from tests.support.mosquitto import Broker
from tests.unit.overlay.nodes import node_key
from xpay.crypto import NodeKey
from xpay.overlay import (
    Envelope,
    Hub,
    MessageKind,
    MqttConfig,
    MqttOverlay,
    Overlay,
    OverlayClosed,
    ReplyTo,
    RequestTimeout,
    Topics,
    seal,
)

NETWORK = 21
WAIT = 10.0  # generous bound for events that come in milliseconds; never reached on success


class Network(Protocol):
    """A transport under test: makes overlays and can put raw bytes on the medium."""

    def overlay(self, key: NodeKey, unl: Iterable[bytes]) -> Overlay: ...

    async def inject(self, kind: MessageKind, wire: bytes) -> None: ...


@dataclass
class HubNetwork:
    hub: Hub

    def overlay(self, key: NodeKey, unl: Iterable[bytes]) -> Overlay:
        return self.hub.overlay(key, unl=unl, network_id=NETWORK)

    async def inject(self, kind: MessageKind, wire: bytes) -> None:
        self.hub.inject(wire)


@dataclass
class MqttNetwork:
    broker: Broker

    def overlay(self, key: NodeKey, unl: Iterable[bytes]) -> Overlay:
        return MqttOverlay(key, unl=unl, network_id=NETWORK, config=MqttConfig(url=self.broker.url))

    async def inject(self, kind: MessageKind, wire: bytes) -> None:
        # A raw client, as a Byzantine node would use; QoS 1 so the broker has routed the frame
        # before we go on (mosquitto routes a PUBLISH before it acknowledges it).
        async with aiomqtt.Client("127.0.0.1", self.broker.port) as client:
            await client.publish(Topics(NETWORK).broadcast(kind), wire, qos=1)


@pytest.fixture(
    params=[
        "inprocess",
        pytest.param("mqtt", marks=[pytest.mark.mqtt, pytest.mark.integration]),
    ]
)
def network(request: pytest.FixtureRequest) -> Network:
    if request.param == "inprocess":
        return HubNetwork(Hub(seed=5))
    broker: Broker = request.getfixturevalue("mosquitto")
    return MqttNetwork(broker)


KEYS = [node_key(i) for i in range(1, 6)]
A, B, C, D, OUTSIDER = KEYS
UNL = [k.node_id for k in (A, B, C, D)]


async def started(stack: AsyncExitStack, network: Network, *keys: NodeKey) -> list[Overlay]:
    return [await stack.enter_async_context(network.overlay(k, UNL)) for k in keys]


async def next_message(overlay: Overlay) -> Envelope:
    async with asyncio.timeout(WAIT):
        return await overlay.receive()


async def until(overlay: Overlay, predicate: Callable[[], bool]) -> None:
    async with asyncio.timeout(WAIT):
        await overlay.wait_until(predicate)


@pytest.fixture
async def stack() -> AsyncIterator[AsyncExitStack]:
    async with AsyncExitStack() as s:
        yield s


async def test_broadcast_reaches_every_other_node_exactly_once_and_not_the_sender(
    network: Network, stack: AsyncExitStack
) -> None:
    a, b, c = await started(stack, network, A, B, C)
    await a.broadcast(MessageKind.TRANSACTIONS, b"tx-batch-1")
    for receiver in (b, c):
        got = await next_message(receiver)
        assert (got.kind, got.payload, got.sender, got.network_id) == (
            MessageKind.TRANSACTIONS, b"tx-batch-1", A.node_id, NETWORK,
        )
    # A marker from the same sender on the same topic: it comes next, so no copy came between.
    await a.broadcast(MessageKind.TRANSACTIONS, b"marker")
    for receiver in (b, c):
        assert (await next_message(receiver)).payload == b"marker"
    # The sender's first message is b's, not its own broadcasts echoed back.
    await b.broadcast(MessageKind.TRANSACTIONS, b"from-b")
    got = await next_message(a)
    assert (got.sender, got.payload) == (B.node_id, b"from-b")
    await until(c, lambda: c.stats.received == 3)  # c gets b's broadcast too
    assert a.stats.received == 1 and b.stats.received == 2
    assert a.stats.sent == 2


async def test_messages_iterates_in_order_and_ends_when_the_overlay_closes(
    network: Network,
) -> None:
    async with network.overlay(A, UNL) as a, network.overlay(B, UNL) as b:
        for i in range(5):
            await a.broadcast(MessageKind.VALIDATION, b"v%d" % i)
        seen: list[bytes] = []
        async with asyncio.timeout(WAIT):
            async for envelope in b.messages():
                seen.append(envelope.payload)
                if len(seen) == 5:
                    break
        assert seen == [b"v0", b"v1", b"v2", b"v3", b"v4"]
    # After close the stream ends instead of hanging, and receive() says why.
    assert [e async for e in b.messages()] == []
    with pytest.raises(OverlayClosed):
        await b.receive()


def frame(key: NodeKey, kind: MessageKind, payload: bytes, sequence: int = 7, network_id: int = NETWORK) -> bytes:
    return seal(key, network_id=network_id, kind=kind, sequence=sequence, payload=payload)[1]


def flip(wire: bytes, index: int) -> bytes:
    return wire[:index] + bytes([wire[index] ^ 0x01]) + wire[index + 1 :]


TAMPERINGS: dict[str, Callable[[bytes], bytes]] = {
    "payload": lambda w: flip(w, len(w) - 64 - 1),
    "signature": lambda w: flip(w, len(w) - 1),
    "sequence": lambda w: flip(w, 15),
    "sender": lambda w: w[:16] + D.node_id + w[49:],
}


@pytest.mark.parametrize("field", sorted(TAMPERINGS))
async def test_tampered_frame_is_dropped_and_counted_as_bad_signature(
    network: Network, stack: AsyncExitStack, field: str
) -> None:
    (b,) = await started(stack, network, B)
    good = frame(C, MessageKind.TRANSACTIONS, b"pay 10 XPY")
    await network.inject(MessageKind.TRANSACTIONS, TAMPERINGS[field](good))
    await until(b, lambda: b.stats.dropped_bad_signature == 1)
    await network.inject(MessageKind.TRANSACTIONS, good)
    got = await next_message(b)
    assert got.payload == b"pay 10 XPY"
    assert b.stats.received == 1 and b.stats.dropped_bad_signature == 1


async def test_garbage_is_dropped_as_malformed_and_the_receive_loop_survives(
    network: Network, stack: AsyncExitStack
) -> None:
    (b,) = await started(stack, network, B)
    good = frame(C, MessageKind.TRANSACTIONS, b"tx")
    for junk in (b"", b"\x00" * 3, b"not an envelope at all" * 10, good[:-1], good + b"\x00"):
        await network.inject(MessageKind.TRANSACTIONS, junk)
    await until(b, lambda: b.stats.dropped_malformed == 5)
    await network.inject(MessageKind.TRANSACTIONS, good)
    assert (await next_message(b)).payload == b"tx"


async def test_frame_for_another_network_is_dropped(
    network: Network, stack: AsyncExitStack
) -> None:
    (b,) = await started(stack, network, B)
    await network.inject(MessageKind.TRANSACTIONS, frame(C, MessageKind.TRANSACTIONS, b"x", network_id=NETWORK + 1))
    await until(b, lambda: b.stats.dropped_wrong_network == 1)
    await network.inject(MessageKind.TRANSACTIONS, frame(C, MessageKind.TRANSACTIONS, b"y"))
    assert (await next_message(b)).payload == b"y"


async def test_untrusted_proposals_and_validations_are_dropped_but_its_transactions_accepted(
    network: Network, stack: AsyncExitStack
) -> None:
    (b,) = await started(stack, network, B)
    outsider = await stack.enter_async_context(network.overlay(OUTSIDER, UNL))
    await outsider.broadcast(MessageKind.PROPOSAL, b"my position")
    await outsider.broadcast(MessageKind.VALIDATION, b"my validation")
    await outsider.broadcast(MessageKind.TRANSACTIONS, b"my transactions")
    got = await next_message(b)
    assert (got.sender, got.kind, got.payload) == (
        OUTSIDER.node_id, MessageKind.TRANSACTIONS, b"my transactions",
    )
    await until(b, lambda: b.stats.dropped_untrusted == 2)
    assert b.stats.received == 1
    # Requests from anyone are answered too.
    b.serve(MessageKind.GET_TX_SET, lambda request: b"the set")
    reply = await outsider.request(MessageKind.GET_TX_SET, b"hash", peer=B.node_id, timeout=WAIT)
    assert reply.payload == b"the set"


async def test_duplicate_frame_is_delivered_once(network: Network, stack: AsyncExitStack) -> None:
    (b,) = await started(stack, network, B)
    wire = frame(C, MessageKind.VALIDATION, b"validation of ledger 5", sequence=100)
    await network.inject(MessageKind.VALIDATION, wire)
    await network.inject(MessageKind.VALIDATION, wire)
    await until(b, lambda: b.stats.dropped_duplicate == 1)
    assert (await next_message(b)).payload == b"validation of ledger 5"
    # An older sequence than the newest seen, but never seen itself, still gets through once.
    await network.inject(MessageKind.VALIDATION, frame(C, MessageKind.VALIDATION, b"late", sequence=99))
    assert (await next_message(b)).payload == b"late"
    assert b.stats.received == 2 and b.stats.dropped_duplicate == 1


async def test_request_to_one_peer_is_answered_by_that_peer(
    network: Network, stack: AsyncExitStack
) -> None:
    a, b, c = await started(stack, network, A, B, C)
    b.serve(MessageKind.GET_LEDGER, lambda request: b"B has " + request.payload)
    c.serve(MessageKind.GET_LEDGER, lambda request: b"C has " + request.payload)
    for peer, expected in ((B, b"B has L7"), (C, b"C has L7")):
        reply = await a.request(MessageKind.GET_LEDGER, b"L7", peer=peer.node_id, timeout=WAIT)
        assert (reply.sender, reply.kind, reply.payload) == (peer.node_id, MessageKind.LEDGER, expected)
        assert reply.reply_to is not None and reply.reply_to.requester == A.node_id


async def test_request_to_anyone_is_answered_by_a_node_that_serves_it(
    network: Network, stack: AsyncExitStack
) -> None:
    a, b, c = await started(stack, network, A, B, C)

    async def answer(request: Envelope) -> bytes:
        await asyncio.sleep(0)  # async handlers are awaited
        return b"set " + request.payload

    c.serve(MessageKind.GET_TX_SET, answer)
    reply = await a.request(MessageKind.GET_TX_SET, b"H1", timeout=WAIT)
    assert (reply.sender, reply.kind, reply.payload) == (C.node_id, MessageKind.TX_SET, b"set H1")
    await until(b, lambda: b.stats.requests_unserved == 1)
    assert c.stats.requests_served == 1


async def test_request_with_no_server_times_out_with_the_named_error(
    network: Network, stack: AsyncExitStack
) -> None:
    a, b = await started(stack, network, A, B)
    b.serve(MessageKind.GET_LEDGER, lambda request: None)  # serves, but has nothing to say
    with pytest.raises(RequestTimeout, match="no TX_SET reply to GET_TX_SET"):
        await a.request(MessageKind.GET_TX_SET, b"H", timeout=0.2)
    with pytest.raises(TimeoutError):  # RequestTimeout is a TimeoutError too
        await a.request(MessageKind.GET_LEDGER, b"L", peer=B.node_id, timeout=0.2)
    with pytest.raises(RequestTimeout):  # a peer that is not there
        await a.request(MessageKind.GET_LEDGER, b"L", peer=D.node_id, timeout=0.2)


async def test_handler_error_is_counted_and_the_request_goes_unanswered(
    network: Network, stack: AsyncExitStack
) -> None:
    a, b = await started(stack, network, A, B)

    def broken(request: Envelope) -> bytes:
        raise RuntimeError("bug in the handler")

    b.serve(MessageKind.GET_LEDGER, broken)
    with pytest.raises(RequestTimeout):
        await a.request(MessageKind.GET_LEDGER, b"L", peer=B.node_id, timeout=0.3)
    assert b.stats.handler_errors == 1
    b.serve(MessageKind.GET_LEDGER, lambda request: b"fixed")
    assert (await a.request(MessageKind.GET_LEDGER, b"L", peer=B.node_id, timeout=WAIT)).payload == b"fixed"


async def test_forged_or_misdirected_replies_do_not_answer_a_request(
    network: Network, stack: AsyncExitStack
) -> None:
    a, b = await started(stack, network, A, B)
    asked: asyncio.Future[Envelope] = asyncio.get_running_loop().create_future()
    release = asyncio.Event()

    async def slow(request: Envelope) -> bytes:
        asked.set_result(request)
        await release.wait()
        return b"real"

    b.serve(MessageKind.GET_LEDGER, slow)
    pending = asyncio.ensure_future(a.request(MessageKind.GET_LEDGER, b"L", peer=B.node_id, timeout=WAIT))
    async with asyncio.timeout(WAIT):
        request = await asked
    # Validly signed replies to A's request number, but from a node A did not ask...
    forged = seal(
        C, network_id=NETWORK, kind=MessageKind.LEDGER, sequence=1, payload=b"forged",
        reply_to=ReplyTo(A.node_id, request.sequence),
    )[1]
    # ...and from the right node, but naming another requester.
    misdirected = seal(
        B, network_id=NETWORK, kind=MessageKind.LEDGER, sequence=1, payload=b"misdirected",
        reply_to=ReplyTo(D.node_id, request.sequence),
    )[1]
    await network.inject(MessageKind.LEDGER, forged)
    await network.inject(MessageKind.LEDGER, misdirected)
    await until(a, lambda: a.stats.replies_unmatched == 2)
    assert not pending.done()
    release.set()
    async with asyncio.timeout(WAIT):
        reply = await pending
    assert (reply.sender, reply.payload) == (B.node_id, b"real")


async def test_peers_reflects_who_is_online(network: Network, stack: AsyncExitStack) -> None:
    a, b = await started(stack, network, A, B)
    async with network.overlay(C, UNL) as c:
        await until(a, lambda: a.peers() == {B.node_id, C.node_id})
        await until(c, lambda: c.peers() == {A.node_id, B.node_id})
    await until(a, lambda: a.peers() == {B.node_id})
    await until(b, lambda: b.peers() == {A.node_id})


async def test_request_in_flight_fails_with_overlay_closed_when_the_overlay_closes(
    network: Network,
) -> None:
    async with network.overlay(A, UNL) as a:
        request = asyncio.ensure_future(a.request(MessageKind.GET_LEDGER, b"L", timeout=WAIT))
        await until(a, lambda: a.stats.sent == 1)
    with pytest.raises(OverlayClosed):
        await request


async def test_request_and_presence_kinds_cannot_be_broadcast(
    network: Network, stack: AsyncExitStack
) -> None:
    (a,) = await started(stack, network, A)
    for kind in (MessageKind.GET_LEDGER, MessageKind.GET_TX_SET, MessageKind.PRESENCE):
        with pytest.raises(ValueError):
            await a.broadcast(kind, b"x")
    with pytest.raises(ValueError):
        a.serve(MessageKind.PROPOSAL, lambda request: b"x")
    with pytest.raises(ValueError):
        await a.request(MessageKind.TRANSACTIONS, b"x")
    with pytest.raises(ValueError):
        await a.request(MessageKind.GET_LEDGER, b"x", peer=A.node_id)
    assert a.stats.sent == 0
