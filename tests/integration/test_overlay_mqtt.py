"""What only the MQTT transport does: last will, broker outages, credentials, TLS, queues.

Every test runs against a private mosquitto (the `mosquitto` fixture, or one configured here
for passwords and TLS), never the machine's broker on 1883.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiomqtt
import pytest

from tests.support.mosquitto import Broker
from tests.support.ports import free_port
from tests.unit.overlay.nodes import node_key
from xpay.overlay import (
    MessageKind,
    MqttConfig,
    MqttOverlay,
    OverlayConnectError,
    Topics,
    seal,
)
from xpay.overlay.mqtt import OFFLINE, ONLINE

pytestmark = [pytest.mark.mqtt, pytest.mark.integration]

NETWORK = 33
WAIT = 10.0
A, B, C, X = (node_key(i) for i in (11, 12, 13, 14))
UNL = [k.node_id for k in (A, B, C, X)]


def overlay(broker_url: str, key: object = A, **options: object) -> MqttOverlay:
    config_options = {k: v for k, v in options.items() if k in MqttConfig.__dataclass_fields__}
    overlay_options = {k: v for k, v in options.items() if k not in config_options}
    return MqttOverlay(
        key,  # type: ignore[arg-type]
        unl=UNL,
        network_id=NETWORK,
        config=MqttConfig(url=broker_url, **config_options),  # type: ignore[arg-type]
        **overlay_options,  # type: ignore[arg-type]
    )


async def until(node: MqttOverlay, predicate: Callable[[], bool]) -> None:
    async with asyncio.timeout(WAIT):
        await node.wait_until(predicate)


CHILD = """
import asyncio, sys
from xpay.crypto import NodeKey
from xpay.overlay import MqttConfig, MqttOverlay

async def main():
    key = NodeKey.from_entropy(bytes.fromhex(sys.argv[1]))
    config = MqttConfig(url=sys.argv[2])
    async with MqttOverlay(key, unl=[], network_id=int(sys.argv[3]), config=config):
        print("online", flush=True)
        await asyncio.Event().wait()

asyncio.run(main())
"""


async def test_last_will_marks_a_killed_node_offline(mosquitto: Broker) -> None:
    async with overlay(mosquitto.url, A) as a:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", CHILD, (14).to_bytes(16, "big").hex(), mosquitto.url, str(NETWORK),
            stdout=asyncio.subprocess.PIPE,
        )
        try:
            assert child.stdout is not None
            async with asyncio.timeout(WAIT):
                assert await child.stdout.readline() == b"online\n"
            await until(a, lambda: X.node_id in a.peers())
            child.kill()  # SIGKILL: no DISCONNECT, the broker fires the last will
            await child.wait()
            await until(a, lambda: X.node_id not in a.peers())
        finally:
            if child.returncode is None:
                child.kill()
                await child.wait()
        # A node that joins later reads the retained will: X is offline, A is online.
        async with overlay(mosquitto.url, C) as c:
            await until(c, lambda: A.node_id in c.peers())
            assert X.node_id not in c.peers()


async def test_clients_reconnect_after_a_broker_restart_and_traffic_flows_again(
    mosquitto: Broker,
) -> None:
    fast = {"reconnect_initial": 0.05, "reconnect_max": 0.4}
    async with overlay(mosquitto.url, A, **fast) as a, overlay(mosquitto.url, B, **fast) as b:
        b.serve(MessageKind.GET_LEDGER, lambda request: b"ledger " + request.payload)
        await until(a, lambda: B.node_id in a.peers())

        await asyncio.to_thread(mosquitto.stop)
        await until(a, lambda: not a.connected and a.stats.disconnects == 1)
        await until(b, lambda: not b.connected and b.stats.disconnects == 1)
        assert a.peers() == frozenset()  # cut off from the broker, a sees nobody
        await a.broadcast(MessageKind.TRANSACTIONS, b"during the outage")
        assert a.stats.send_failed == 1  # fails fast and is counted; never raises

        await asyncio.to_thread(mosquitto.start)
        await until(a, lambda: a.stats.connects == 2)
        await until(b, lambda: b.stats.connects == 2)
        await until(a, lambda: B.node_id in a.peers())  # presence re-announced
        await a.broadcast(MessageKind.TRANSACTIONS, b"after the restart")
        async with asyncio.timeout(WAIT):
            assert (await b.receive()).payload == b"after the restart"
        reply = await a.request(MessageKind.GET_LEDGER, b"9", peer=B.node_id, timeout=WAIT)
        assert reply.payload == b"ledger 9"


async def test_connecting_to_a_closed_port_is_a_clear_error() -> None:
    url = f"mqtt://127.0.0.1:{free_port()}"
    with pytest.raises(OverlayConnectError, match=r"cannot connect to MQTT broker at mqtt://127\.0\.0\.1:\d+: .*refused"):
        async with overlay(url):
            pass


async def test_a_broker_that_never_answers_times_out_clearly_and_the_socket_is_closed() -> None:
    hung_up = asyncio.Event()

    async def silent_broker(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # swallow CONNECT, never send CONNACK, wait for the client to go
        writer.close()
        await writer.wait_closed()
        hung_up.set()

    server = await asyncio.start_server(silent_broker, "127.0.0.1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        with pytest.raises(OverlayConnectError, match=r"MQTT broker at .* did not accept the connection within 0.3 s \(no CONNACK"):
            async with overlay(f"mqtt://127.0.0.1:{port}", connect_timeout=0.3):
                pass
        async with asyncio.timeout(WAIT):
            await hung_up.wait()  # the client closed its socket: nothing leaked


@pytest.fixture
def broker_dir() -> Iterator[Path]:
    """A directory mosquitto can read after dropping root for its own user (pytest's tmp_path
    is private to the test user, so a password file or key there would be unreadable)."""
    path = Path(tempfile.mkdtemp(prefix="xpay-overlay-broker-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def password_broker(broker_dir: Path) -> Iterator[Broker]:
    """A private mosquitto that only lets `validator` / `right-password` in."""
    passwd = shutil.which("mosquitto_passwd")
    if passwd is None:
        pytest.skip("mosquitto_passwd is not installed: apt-get install mosquitto")
    password_file = broker_dir / "passwords"
    subprocess.run([passwd, "-c", "-b", str(password_file), "validator", "right-password"], check=True)
    password_file.chmod(0o644)
    port = free_port()
    conf = broker_dir / "auth.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {password_file}\n"
        "persistence false\n"
    )
    broker = Broker(port=port, conf=conf)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


async def test_wrong_credentials_are_a_clear_error_and_right_ones_connect(
    password_broker: Broker,
) -> None:
    url = password_broker.url
    with pytest.raises(OverlayConnectError, match=r"refused the connection.*(?i:bad user name or password|not authori[sz]ed)"):
        async with overlay(url, username="validator", password="wrong-password"):
            pass
    with pytest.raises(OverlayConnectError, match=r"refused the connection.*(?i:not authori[sz]ed)"):
        async with overlay(url):  # anonymous
            pass
    async with overlay(url, username="validator", password="right-password") as a:
        assert a.connected and a.stats.connects == 1


@dataclass(frozen=True)
class TlsBroker:
    broker: Broker
    mutual_port: int
    """A second listener that also requires a client certificate signed by the CA."""
    ca: Path
    client_cert: Path
    client_key: Path


@pytest.fixture
def tls_broker(broker_dir: Path) -> Iterator[TlsBroker]:
    """A private mosquitto with two TLS listeners, certificates from a throwaway CA."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed: apt-get install openssl")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], check=True, capture_output=True, cwd=broker_dir)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=xpay test CA")
    (broker_dir / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for name, subject in (("server", "/CN=127.0.0.1"), ("client", "/CN=validator")):
        run("req", *ec, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", subject)
        run("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", f"{name}.crt", "-days", "1", "-extfile", "san.ext")
    for path in broker_dir.iterdir():
        path.chmod(0o644)
    port, mutual_port = free_port(), free_port()
    tls_files = (
        f"cafile {broker_dir / 'ca.crt'}\ncertfile {broker_dir / 'server.crt'}\n"
        f"keyfile {broker_dir / 'server.key'}\n"
    )
    conf = broker_dir / "tls.conf"
    # The mutual listener comes first: mosquitto opens listeners in order, so once `port`
    # accepts connections (what Broker.start waits for) both are up.
    conf.write_text(
        f"per_listener_settings false\nallow_anonymous true\npersistence false\n"
        f"listener {mutual_port} 127.0.0.1\n{tls_files}require_certificate true\n"
        f"listener {port} 127.0.0.1\n{tls_files}"
    )
    broker = Broker(port=port, conf=conf)
    broker.start()
    try:
        yield TlsBroker(
            broker, mutual_port, broker_dir / "ca.crt", broker_dir / "client.crt", broker_dir / "client.key"
        )
    finally:
        broker.stop()


async def test_mqtts_with_the_brokers_ca_connects_and_without_it_is_refused(
    tls_broker: TlsBroker,
) -> None:
    url = f"mqtts://127.0.0.1:{tls_broker.broker.port}"
    ca = str(tls_broker.ca)
    async with overlay(url, A, ca_file=ca) as a, overlay(url, B, ca_file=ca) as b:
        await a.broadcast(MessageKind.VALIDATION, b"over TLS")
        async with asyncio.timeout(WAIT):
            assert (await b.receive()).payload == b"over TLS"
    with pytest.raises(OverlayConnectError, match=r"(?i:certificate verify failed)"):
        async with overlay(url, A):  # system CAs do not know our throwaway CA
            pass
    with pytest.raises(OverlayConnectError, match="TLS setup"):
        async with overlay(url, A, ca_file=str(tls_broker.ca.parent / "missing.crt")):
            pass


async def test_a_broker_requiring_client_certificates_admits_only_nodes_with_one(
    tls_broker: TlsBroker,
) -> None:
    url = f"mqtts://127.0.0.1:{tls_broker.mutual_port}"
    ca = str(tls_broker.ca)
    async with overlay(
        url, A, ca_file=ca, cert_file=str(tls_broker.client_cert), key_file=str(tls_broker.client_key)
    ) as a:
        assert a.connected
    # TLS 1.3 reports a missing client certificate only after the handshake, and aiomqtt then
    # waits out its CONNACK timeout: keep it short here.
    with pytest.raises(OverlayConnectError, match="no CONNACK"):
        async with overlay(url, A, ca_file=ca, connect_timeout=0.5):
            pass


async def test_full_inbox_drops_the_oldest_and_counts_the_overflow(mosquitto: Broker) -> None:
    async with overlay(mosquitto.url, A) as a, overlay(mosquitto.url, B, inbox_size=5) as b:
        for i in range(20):
            await a.broadcast(MessageKind.TRANSACTIONS, b"%d" % i)
        await until(b, lambda: b.stats.received == 20)  # b's node is not reading meanwhile
        assert b.stats.queue_overflow == 15
        async with asyncio.timeout(WAIT):
            assert [(await b.receive()).payload for _ in range(5)] == [b"%d" % i for i in range(15, 20)]


async def test_presence_is_ordered_by_sequence_and_bound_to_its_topic(mosquitto: Broker) -> None:
    topics = Topics(NETWORK)

    def presence(state: bytes, sequence: int) -> bytes:
        return seal(X, network_id=NETWORK, kind=MessageKind.PRESENCE, sequence=sequence, payload=state)[1]

    async with overlay(mosquitto.url, A) as a, aiomqtt.Client("127.0.0.1", mosquitto.port) as raw:
        await raw.publish(topics.status(X.node_id), presence(ONLINE, 5), qos=1)
        await until(a, lambda: X.node_id in a.peers())
        await raw.publish(topics.status(X.node_id), presence(OFFLINE, 6), qos=1)
        await until(a, lambda: X.node_id not in a.peers())
        # A replay of the older "online" does not bring X back...
        await raw.publish(topics.status(X.node_id), presence(ONLINE, 5), qos=1)
        # ...and X's frame on another node's status topic is refused.
        await raw.publish(topics.status(C.node_id), presence(ONLINE, 7), qos=1)
        await until(a, lambda: a.stats.dropped_malformed == 1)
        assert X.node_id not in a.peers() and C.node_id not in a.peers()
