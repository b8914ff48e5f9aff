"""xrpl-py's AsyncWebsocketClient against a real `xpay standalone` node: its async autofill,
signing and submit over one WebSocket, its subscribe, and the stream messages it receives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from xrpl.asyncio.account import get_balance
from xrpl.asyncio.clients import AsyncWebsocketClient
from xrpl.asyncio.transaction import autofill_and_sign, submit
from xrpl.models.amounts import IssuedCurrencyAmount
from xrpl.models.requests import AccountLines, GenericRequest, StreamParameter, Subscribe, Tx
from xrpl.models.transactions import AccountSet, AccountSetAsfFlag, Payment, TrustSet
from xrpl.models.transactions.transaction import Transaction
from xrpl.wallet import Wallet

from tests.support.node_process import GENESIS, NodeProcess, keypair

pytestmark = pytest.mark.integration


@pytest.fixture
def node(tmp_path: Path) -> Iterator[NodeProcess]:
    process = NodeProcess(tmp_path / "node")
    process.start()
    yield process
    process.kill()


async def _send(client: AsyncWebsocketClient, tx: Transaction, wallet: Wallet) -> str:
    signed = await autofill_and_sign(tx, client, wallet)
    result = (await submit(signed, client)).result
    assert result["engine_result"] == "tesSUCCESS", result
    return signed.get_hash()


async def _close(client: AsyncWebsocketClient) -> int:
    response = await client.request(GenericRequest(method="ledger_accept"))
    assert response.is_successful(), response.result
    return int(response.result["ledger_current_index"]) - 1


async def _until(client: AsyncWebsocketClient, wanted: int) -> list[dict[str, Any]]:
    """The next `wanted` stream messages (xrpl-py's iterator also yields the responses)."""
    messages: list[dict[str, Any]] = []
    async for message in client:
        if message.get("type") == "response":
            continue
        messages.append(message)
        if len(messages) == wanted:
            return messages
    raise AssertionError("the stream ended")


async def test_xrpl_py_websocket_client_submits_and_hears_the_streams(node: NodeProcess) -> None:
    genesis = Wallet.from_seed(GENESIS.seed)
    alice, gw = Wallet.from_seed(keypair("alice").seed), Wallet.from_seed(keypair("gw").seed)
    async with AsyncWebsocketClient(node.ws_url) as client:
        subscribed = await client.request(Subscribe(streams=[StreamParameter.LEDGER], accounts=[alice.address]))
        assert subscribed.is_successful() and subscribed.result["ledger_index"] == 1

        funding = await _send(client, Payment(account=genesis.address, destination=alice.address, amount="80000000"), genesis)
        await _send(client, Payment(account=genesis.address, destination=gw.address, amount="80000000"), genesis)
        seq = await _close(client)
        closed, transaction = await _until(client, 2)
        assert closed["type"] == "ledgerClosed" and closed["ledger_index"] == seq and closed["txn_count"] == 2
        assert transaction["type"] == "transaction" and transaction["validated"] is True
        assert transaction["hash"] == funding and transaction["engine_result"] == "tesSUCCESS"
        assert await get_balance(alice.address, client) == 80_000_000

        await _send(client, AccountSet(account=gw.address, set_flag=AccountSetAsfFlag.ASF_DEFAULT_RIPPLE), gw)
        usd = IssuedCurrencyAmount(currency="USD", issuer=gw.address, value="500")
        await _send(client, TrustSet(account=alice.address, limit_amount=usd), alice)
        await _close(client)
        issue = await _send(
            client,
            Payment(account=gw.address, destination=alice.address, amount=IssuedCurrencyAmount(currency="USD", issuer=gw.address, value="42")),
            gw,
        )
        await _close(client)
        messages = await _until(client, 4)  # two ledgers, each with one of alice's transactions
        heard = [m["hash"] for m in messages if m["type"] == "transaction"]
        assert heard[-1] == issue and len(heard) == 2

        lines = (await client.request(AccountLines(account=alice.address, ledger_index="validated"))).result["lines"]
        assert lines[0]["balance"] == "42" and lines[0]["account"] == gw.address
        found = (await client.request(Tx(transaction=issue))).result
        assert found["validated"] is True and found["meta"]["delivered_amount"]["value"] == "42"
