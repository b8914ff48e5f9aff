"""MQTT transport configuration, topic names and the bounded aiomqtt queue (no broker needed)."""

from __future__ import annotations

import asyncio

import aiomqtt
import pytest

from tests.unit.overlay.nodes import node_key
from xpay.overlay import QOS, MessageKind, MqttConfig, Topics
from xpay.overlay.endpoint import ANY_SERVER, BROADCAST, ToPeer
from xpay.overlay.mqtt import drop_oldest_queue


def test_broker_url_forms() -> None:
    plain = MqttConfig(url="mqtt://broker.example").address()
    assert (plain.host, plain.port, plain.tls) == ("broker.example", 1883, False)
    tls = MqttConfig(url="mqtts://broker.example").address()
    assert (tls.port, tls.tls) == (8883, True)
    custom = MqttConfig(url="mqtt://alice:s3cret@10.0.0.5:2883").address()
    assert (custom.host, custom.port, custom.username, custom.password) == ("10.0.0.5", 2883, "alice", "s3cret")
    explicit = MqttConfig(url="mqtt://alice:s3cret@h:1", username="bob", password="pw").address()
    assert (explicit.username, explicit.password) == ("bob", "pw")


def test_broker_address_never_prints_the_password() -> None:
    address = MqttConfig(url="mqtt://alice:s3cret@h:1884").address()
    assert str(address) == "mqtt://alice@h:1884"


@pytest.mark.parametrize(
    "url",
    ["http://h:1883", "h:1883", "mqtt://", "mqtt://h:1883/topic", "mqtt://h:notaport", "mqtt://h:1?x=1"],
)
def test_bad_broker_urls_fail_at_construction(url: str) -> None:
    with pytest.raises(ValueError):
        MqttConfig(url=url)


def test_bad_options_fail_at_construction() -> None:
    with pytest.raises(ValueError):
        MqttConfig(key_file="k.pem")
    with pytest.raises(ValueError):
        MqttConfig(reconnect_initial=5, reconnect_max=1)
    with pytest.raises(ValueError):
        MqttConfig(incoming_queue_size=0)


def test_topics_per_network_kind_and_node() -> None:
    topics = Topics(21)
    node = node_key(1).node_id
    assert topics.broadcast(MessageKind.PROPOSAL) == "xpay/21/proposal"
    assert topics.any_server(MessageKind.GET_TX_SET) == "xpay/21/req/get_tx_set"
    assert topics.node(node, MessageKind.TX_SET) == f"xpay/21/node/{node.hex()}/tx_set"
    assert topics.status(node) == f"xpay/21/status/{node.hex()}"
    assert topics.route(BROADCAST, MessageKind.VALIDATION) == "xpay/21/validation"
    assert topics.route(ANY_SERVER, MessageKind.GET_LEDGER) == "xpay/21/req/get_ledger"
    assert topics.route(ToPeer(node), MessageKind.LEDGER) == topics.node(node, MessageKind.LEDGER)
    # The broadcast wildcard matches broadcasts only, never requests, node topics or presence.
    broadcast_filter = aiomqtt.Topic("xpay/21/proposal")
    assert broadcast_filter.matches(topics.subscriptions(node)[0])
    for other in ("xpay/21/req/get_ledger", topics.node(node, MessageKind.LEDGER), topics.status(node)):
        assert not aiomqtt.Topic(other).matches(topics.subscriptions(node)[0])


def test_every_kind_has_a_qos_and_stale_kinds_use_qos_0() -> None:
    assert set(QOS) == set(MessageKind)
    assert QOS[MessageKind.PROPOSAL] == 0
    assert QOS[MessageKind.VALIDATION] == QOS[MessageKind.TRANSACTIONS] == 1


async def test_aiomqtt_queue_drops_the_oldest_and_counts_it() -> None:
    overflows: list[int] = []
    queue = drop_oldest_queue(lambda: overflows.append(1))(maxsize=2)
    messages = [aiomqtt.Message("t", b"%d" % i, 0, False, i, None) for i in range(5)]
    for message in messages:
        queue.put_nowait(message)
    assert len(overflows) == 3
    assert [(await queue.get()).payload for _ in range(2)] == [b"3", b"4"]
    assert queue.empty()
    assert isinstance(queue, asyncio.Queue)
