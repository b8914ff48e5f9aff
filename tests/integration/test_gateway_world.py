"""The world the gateway, market-maker and demo integration tests run in, and checks of it.

`network` is a real `xpay devnet` process (four validators reaching consensus over the in-process
overlay, a ledger every 0.25 s), started once for every module that uses it; each test makes its own accounts,
funded from the genesis account, so tests share the network but not state. The helpers build a
gateway's configuration with fresh addresses, onboard customers, and snapshot a book and the
ledger so a test can show that a refused request changed neither.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gateways.gateway import ApiSettings, GatewayConfig, GatewayService
from gateways.submission import submit_batch
from tests.support.node_process import GENESIS, NETWORK_ID
from xpay.client import APIMethods, Payment, TrustSet, Wallet, WebSocketClient, iou, xrp

pytestmark = pytest.mark.integration

GENESIS_WALLET = Wallet.from_seed(GENESIS.seed)
CLOSE_INTERVAL = 0.25
START_TIMEOUT = 60.0
_ENDPOINT = re.compile(r"validator (\d+): \S+\s+JSON-RPC (\S+)\s+WebSocket (\S+)")


@dataclass
class DevnetProcess:
    """`xpay devnet` as a real OS process, its endpoints read from what it prints when ready."""

    data_dir: Path
    validators: int = 4
    process: subprocess.Popen[str] | None = None
    json_rpc: list[str] = field(default_factory=list)
    websocket: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Validator 0's WebSocket."""
        return self.websocket[0]

    def start(self) -> None:
        log = self.data_dir.with_suffix(".log").open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "xpay.cli", "devnet", "--validators", str(self.validators),
             "--close-interval", str(CLOSE_INTERVAL), "--base-port", "0", "--data-dir", str(self.data_dir),
             "--genesis-seed", GENESIS.seed, "--network-id", str(NETWORK_ID)],
            stdout=subprocess.PIPE, stderr=log, text=True,
        )
        log.close()
        assert self.process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            ready = bool(selector.select(timeout=START_TIMEOUT))
        if ready:
            # The ready block is printed at once: read it line by line (the first read may have
            # buffered all of it, so the selector would not wake again).
            while time.monotonic() < deadline:
                line = self.process.stdout.readline()
                if not line:
                    raise RuntimeError(f"xpay devnet exited with {self.process.wait()}")
                match = _ENDPOINT.search(line)
                if match:
                    self.json_rpc.append(match.group(2))
                    self.websocket.append(match.group(3))
                if line.strip().startswith("genesis seed:"):
                    assert len(self.websocket) == self.validators
                    return
        self.process.kill()
        raise RuntimeError("xpay devnet was not ready in time")

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(timeout=30)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None
        return status


_shared: DevnetProcess | None = None
_users = 0


@pytest.fixture(scope="session")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevnetProcess]:
    """One devnet for every module that uses it (each module that imports this fixture gets its
    own session-scoped copy of it; they share the process, which the last one stops)."""
    global _shared, _users
    if _shared is None:
        _shared = DevnetProcess(tmp_path_factory.mktemp("devnet") / "net")
        _shared.start()
    _users += 1
    try:
        yield _shared
    finally:
        _users -= 1
        if _users == 0:
            devnet, _shared = _shared, None
            assert devnet.stop() == 0


@pytest.fixture
async def client(network: DevnetProcess) -> AsyncIterator[WebSocketClient]:
    async with WebSocketClient(network.url, poll_interval=0.02) as opened:
        yield opened


async def fund(client: APIMethods, *wallets: Wallet, amount: str = "1000") -> None:
    """Pay each wallet `amount` XPY from the genesis account, in one batch."""
    await submit_batch(client, GENESIS_WALLET, [
        Payment(account=GENESIS_WALLET.address, destination=wallet.address, amount=xrp(amount)) for wallet in wallets
    ])


def gateway_config(network: DevnetProcess, directory: Path, **overrides: Any) -> GatewayConfig:
    """A gateway with fresh issuing and operational addresses (not funded yet), issuing USD with a
    0.2 % transfer fee and RequireAuth, its book in `directory`."""
    settings: dict[str, Any] = {
        "name": "Test Bank",
        "node_url": network.url,
        "issuing": Wallet.generate(),
        "operational": Wallet.generate(),
        "currencies": ("USD",),
        "book_path": directory / "book.sqlite",
        "transfer_rate": 1_002_000_000,
        "require_auth": True,
        "hot_float": Decimal(10_000),
        "deposit_wait": 30.0,
        "api": ApiSettings(port=0),
        **overrides,
    }
    return GatewayConfig(**settings)


async def funded_gateway_config(client: APIMethods, network: DevnetProcess, directory: Path,
                                *customers: Wallet, **overrides: Any) -> GatewayConfig:
    """gateway_config, with its two addresses and `customers` funded."""
    config = gateway_config(network, directory, **overrides)
    await fund(client, config.issuing, config.operational, *customers)
    return config


async def trust(client: APIMethods, wallet: Wallet, config: GatewayConfig, limit: str = "10000",
                currency: str = "USD") -> None:
    await client.submit_and_wait(
        TrustSet(account=wallet.address, limit_amount=iou(limit, currency, config.issuing.address)), wallet)


async def onboard(client: APIMethods, gateway: GatewayService, customer_id: str, wallet: Wallet, *,
                  limit: str = "10000") -> int:
    """Trust line, registration and approval; the customer's DestinationTag."""
    await trust(client, wallet, gateway.config, limit)
    customer = await gateway.register_customer(customer_id, wallet.address, customer_id.title())
    await gateway.approve_customer(customer_id)
    return customer.destination_tag


def book_snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a book (for "nothing changed" checks)."""
    if not path.exists():
        return {}
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {table: sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in tables}


async def ledger_snapshot(client: APIMethods, config: GatewayConfig, *others: str) -> dict[str, Any]:
    """The gateway's addresses' sequences and obligations, and other accounts' lines, now."""
    index = await client.validated_ledger_index()
    snapshot: dict[str, Any] = {}
    for address in (config.issuing.address, config.operational.address, *others):
        info = await client.account_info(address, ledger_index=index)
        lines = [(line.peer, line.currency, line.balance, line.limit, line.freeze, line.freeze_peer)
                 async for line in client.account_lines(address, ledger_index=index)]
        snapshot[address] = (info.sequence, info.owner_count, info.flags, sorted(lines, key=repr))
    return snapshot


@asynccontextmanager
async def running_gateway(config: GatewayConfig) -> AsyncIterator[GatewayService]:
    async with GatewayService(config) as gateway:
        yield gateway


def rpc(url: str, method: str, **params: Any) -> dict[str, Any]:
    """A JSON-RPC call from synchronous test code; the `result` object."""
    body = json.dumps({"method": method, "params": [params]}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, Any] = json.loads(response.read())["result"]
    return result


def kill(process: subprocess.Popen[str]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


# --- the world itself ----------------------------------------------------------------------------


async def test_the_devnet_validates_ledgers_and_funds_accounts_from_genesis(client: WebSocketClient) -> None:
    wallet = Wallet.generate()
    before = await client.validated_ledger_index()
    await fund(client, wallet, amount="25")
    info = await client.account_info(wallet.address, ledger_index="validated")
    assert info.balance == xrp("25")
    assert info.ledger_index is not None and info.ledger_index > before


async def test_a_gateway_configures_its_addresses_once_and_is_idempotent_on_restart(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    config = await funded_gateway_config(client, network, tmp_path)
    async with running_gateway(config) as gateway:
        steps = [step.description for step in gateway.setup_steps]
    assert steps == ["set RequireAuth", "set DefaultRipple", "set RequireDest", "TransferRate 1002000000",
                     "set RequireDest", "trust 1000000000 USD", "authorise the operational USD line"]
    info = await client.account_info(config.issuing.address, ledger_index="validated")
    assert info.raw["account_flags"]["defaultRipple"] and info.raw["account_flags"]["requireAuthorization"]
    assert info.raw["account_data"]["TransferRate"] == 1_002_000_000
    (line,) = [line async for line in client.account_lines(config.operational.address, ledger_index="validated")]
    assert (line.peer, line.currency, line.limit, line.peer_authorized) == (
        config.issuing.address, "USD", Decimal(1_000_000_000), True)
    async with running_gateway(config) as again:
        assert again.setup_steps == [], "a second start finds every setting in place"


async def test_a_customers_line_is_authorised_only_when_the_bank_approves(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    alice, carol = Wallet.generate(), Wallet.generate()
    config = await funded_gateway_config(client, network, tmp_path, alice, carol)
    async with running_gateway(config) as gateway:
        await onboard(client, gateway, "alice", alice)
        await gateway.deposit("w1", "alice", "USD", Decimal(10))
        await trust(client, carol, config)
        pending = await gateway.register_customer("carol", carol.address, "Carol")
        assert pending.status == "pending"
        (line,) = [line async for line in client.account_lines(carol.address, ledger_index="validated")]
        assert not line.peer_authorized, "registered but not approved: not authorised"
        # Under RequireAuth nobody can pay Carol the bank's USD before the bank approves her.
        refused = await client.submit_and_wait(
            Payment(account=alice.address, destination=carol.address, amount=iou("1", "USD", config.issuing.address),
                    send_max=iou("1.002", "USD", config.issuing.address)), alice, check=False)
        assert refused.engine_result != "tesSUCCESS"
        approved = await gateway.approve_customer("carol")
        assert approved.status == "approved" and approved.approved_at is not None
        (line,) = [line async for line in client.account_lines(carol.address, ledger_index="validated")]
        assert line.peer_authorized
        paid = await client.submit_and_wait(
            Payment(account=alice.address, destination=carol.address, amount=iou("1", "USD", config.issuing.address),
                    send_max=iou("1.002", "USD", config.issuing.address)), alice)
        assert paid.succeeded
        assert (await gateway.approve_customer("carol")) == approved, "approving again changes nothing"
