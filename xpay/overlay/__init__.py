"""The peer overlay: one interface, an in-process transport and an MQTT transport.

    from xpay.overlay import Hub, MqttOverlay, MqttConfig, MessageKind

    hub = Hub(seed=1)                                   # in-process (devnet, simulations)
    async with hub.overlay(node_key, unl=unl, network_id=n) as overlay: ...

    async with MqttOverlay(node_key, unl=unl, network_id=n,
                           config=MqttConfig(url="mqtt://127.0.0.1:1883")) as overlay:
        overlay.serve(MessageKind.GET_TX_SET, answer)
        await overlay.broadcast(MessageKind.PROPOSAL, payload)
        async for envelope in overlay.messages(): ...
        reply = await overlay.request(MessageKind.GET_LEDGER, query, peer=node_id, timeout=2)
"""

from xpay.overlay.admission import Verifier
from xpay.overlay.endpoint import ServeHandler
from xpay.overlay.envelope import (
    REPLY_KIND,
    UNL_ONLY,
    Envelope,
    MessageKind,
    ReplyTo,
    Signer,
    decode,
    seal,
)
from xpay.overlay.errors import (
    MalformedEnvelope,
    OverlayClosed,
    OverlayConnectError,
    OverlayError,
    RequestTimeout,
    TooManyRequests,
)
from xpay.overlay.inprocess import Hub, HubStats, InProcessOverlay, LinkFaults
from xpay.overlay.interface import Overlay
from xpay.overlay.mqtt import QOS, MqttConfig, MqttOverlay, Topics
from xpay.overlay.stats import OverlayStats

__all__ = [
    "QOS",
    "REPLY_KIND",
    "UNL_ONLY",
    "Envelope",
    "Hub",
    "HubStats",
    "InProcessOverlay",
    "LinkFaults",
    "MalformedEnvelope",
    "MessageKind",
    "MqttConfig",
    "MqttOverlay",
    "Overlay",
    "OverlayClosed",
    "OverlayConnectError",
    "OverlayError",
    "OverlayStats",
    "ReplyTo",
    "RequestTimeout",
    "ServeHandler",
    "Signer",
    "TooManyRequests",
    "Topics",
    "Verifier",
    "decode",
    "seal",
]
