"""Pathfinding served by a real `xpay standalone` process, driven by xrpl-py: a WebSocket
`path_find` answered at once and pushed again after every ledger close, a Payment built from
its paths and source amount that delivers, and xrpl-py's RipplePathFind over JSON-RPC and
WebSocket (rippled's PathFind / RipplePathFind, as an XRPL client library uses them).

The world: two gateways (USD, EUR) with DefaultRipple, a market maker selling EUR for USD, Alice
holding USD and Bob taking EUR. Nothing sleeps: every wait is on a message from the node.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from xrpl.asyncio.clients import AsyncJsonRpcClient, AsyncWebsocketClient
from xrpl.asyncio.transaction import autofill_and_sign, submit
from xrpl.models.amounts import IssuedCurrencyAmount
from xrpl.models.currencies import XRP, IssuedCurrency
from xrpl.models.path import PathStep
from xrpl.models.requests import (
    AccountLines,
    GenericRequest,
    PathFind,
    PathFindSubcommand,
    RipplePathFind,
)
from xrpl.models.transactions import AccountSet, AccountSetAsfFlag, OfferCreate, Payment, TrustSet
from xrpl.models.transactions.transaction import Transaction
from xrpl.wallet import Wallet

from tests.support.node_process import GENESIS, NodeProcess, keypair

pytestmark = pytest.mark.integration

WAIT = 30.0
"""Seconds to wait for a push before failing (it comes within milliseconds of a close)."""


def _wallet(name: str) -> Wallet:
    return Wallet.from_seed(keypair(name).seed)


GENESIS_WALLET = Wallet.from_seed(GENESIS.seed)
GW_USD, GW_EUR, MAKER, ALICE, BOB = (_wallet(n) for n in ("gw-usd", "gw-eur", "maker", "alice", "bob"))


def usd(value: str, issuer: Wallet = GW_USD) -> IssuedCurrencyAmount:
    return IssuedCurrencyAmount(currency="USD", issuer=issuer.address, value=value)


def eur(value: str, issuer: Wallet = GW_EUR) -> IssuedCurrencyAmount:
    return IssuedCurrencyAmount(currency="EUR", issuer=issuer.address, value=value)


@pytest.fixture
def node(tmp_path: Path) -> Iterator[NodeProcess]:
    process = NodeProcess(tmp_path / "node")
    process.start()
    yield process
    process.kill()


async def _send(client: AsyncWebsocketClient, tx: Transaction, wallet: Wallet) -> None:
    signed = await autofill_and_sign(tx, client, wallet)
    result = (await submit(signed, client)).result
    assert result["engine_result"] == "tesSUCCESS", result


async def _close(client: AsyncWebsocketClient) -> int:
    response = await client.request(GenericRequest(method="ledger_accept"))
    assert response.is_successful(), response.result
    return int(response.result["ledger_current_index"]) - 1


async def _build_world(client: AsyncWebsocketClient) -> None:
    for wallet in (GW_USD, GW_EUR, MAKER, ALICE, BOB):
        await _send(client, Payment(account=GENESIS_WALLET.address, destination=wallet.address, amount="1000000000"), GENESIS_WALLET)
    await _close(client)
    for gateway in (GW_USD, GW_EUR):
        await _send(client, AccountSet(account=gateway.address, set_flag=AccountSetAsfFlag.ASF_DEFAULT_RIPPLE), gateway)
    await _close(client)
    for wallet, limit in ((ALICE, usd("1000")), (MAKER, usd("1000")), (MAKER, eur("1000")), (BOB, eur("1000"))):
        await _send(client, TrustSet(account=wallet.address, limit_amount=limit), wallet)
    await _close(client)
    await _send(client, Payment(account=GW_USD.address, destination=ALICE.address, amount=usd("200")), GW_USD)
    await _send(client, Payment(account=GW_EUR.address, destination=MAKER.address, amount=eur("500")), GW_EUR)
    await _close(client)
    await _send(client, OfferCreate(account=MAKER.address, taker_gets=eur("100"), taker_pays=usd("110")), MAKER)
    await _close(client)


async def _next_path_find(client: AsyncWebsocketClient) -> dict[str, Any]:
    """The next path_find push (responses and other messages are skipped)."""
    async with asyncio.timeout(WAIT):
        async for message in client:
            if message.get("type") == "path_find":
                return message
    raise AssertionError("the connection ended")


def _alternative(result: dict[str, Any]) -> dict[str, Any]:
    alternatives = result["alternatives"]
    assert len(alternatives) == 1, alternatives
    found: dict[str, Any] = alternatives[0]
    return found


async def _eur_balance(client: AsyncWebsocketClient, wallet: Wallet) -> str:
    lines = (await client.request(AccountLines(account=wallet.address, ledger_index="validated"))).result["lines"]
    balances = [line["balance"] for line in lines if line["currency"] == "EUR" and line["account"] == GW_EUR.address]
    assert len(balances) == 1, lines
    return str(balances[0])


async def test_a_standing_path_find_is_pushed_after_each_close_and_its_answer_pays(node: NodeProcess) -> None:
    async with AsyncWebsocketClient(node.ws_url) as client:
        await _build_world(client)
        to_bob = eur("10", BOB)  # issuer Bob: any gateway Bob trusts
        created = await client.request(
            PathFind(
                subcommand=PathFindSubcommand.CREATE,
                source_account=ALICE.address,
                destination_account=BOB.address,
                destination_amount=to_bob,
            )
        )
        assert created.is_successful(), created.result
        assert created.result["full_reply"] is False and created.result["source_account"] == ALICE.address

        # The full answer on the current ledger, then one after every close.
        full = await _next_path_find(client)
        assert full["full_reply"] is True
        assert _alternative(full)["source_amount"] == {"currency": "USD", "issuer": ALICE.address, "value": "11"}
        await _close(client)
        assert _alternative(await _next_path_find(client))["source_amount"]["value"] == "11"

        # The maker improves its price; the push after the next close has the new cost.
        await _send(client, OfferCreate(account=MAKER.address, taker_gets=eur("100"), taker_pays=usd("105")), MAKER)
        await _close(client)
        pushed = _alternative(await _next_path_find(client))
        assert pushed["source_amount"] == {"currency": "USD", "issuer": ALICE.address, "value": "10.5"}

        # A Payment with the pushed paths and source amount delivers Bob's 10 EUR.
        paths = [[PathStep(**step) for step in path] for path in pushed["paths_computed"]]
        await _send(
            client,
            Payment(account=ALICE.address, destination=BOB.address, amount=to_bob, send_max=usd("10.5", ALICE), paths=paths),
            ALICE,
        )
        await _close(client)
        assert await _eur_balance(client, BOB) == "10"
        pushed_after_payment = await _next_path_find(client)
        assert pushed_after_payment["type"] == "path_find"

        def subcommand(name: PathFindSubcommand) -> PathFind:
            # xrpl-py's model asks for the request's fields with every subcommand; rippled reads
            # only the subcommand for status and close.
            return PathFind(subcommand=name, source_account=ALICE.address, destination_account=BOB.address, destination_amount=to_bob)

        status = await client.request(subcommand(PathFindSubcommand.STATUS))
        assert status.is_successful() and status.result["full_reply"] is True
        closed = await client.request(subcommand(PathFindSubcommand.CLOSE))
        assert closed.is_successful() and closed.result["closed"] is True
        again = await client.request(subcommand(PathFindSubcommand.CLOSE))
        assert not again.is_successful() and again.result["error"] == "noPathRequest"


async def test_xrpl_py_ripple_path_find_over_json_rpc_and_websocket(node: NodeProcess) -> None:
    async with AsyncWebsocketClient(node.ws_url) as ws:
        await _build_world(ws)
        request = RipplePathFind(
            source_account=ALICE.address,
            destination_account=BOB.address,
            destination_amount=eur("10", BOB),
            source_currencies=[IssuedCurrency(currency="USD", issuer=ALICE.address)],
        )
        over_ws = await ws.request(request)
        assert over_ws.is_successful(), over_ws.result
    over_http = await AsyncJsonRpcClient(node.url).request(request)
    assert over_http.is_successful(), over_http.result
    for result in (over_ws.result, over_http.result):
        found = _alternative(result)
        assert found["source_amount"] == {"currency": "USD", "issuer": ALICE.address, "value": "11"}
        assert found["paths_computed"] and "EUR" in result["destination_currencies"]
    # Only USD is worth anything to Alice here: asking in XRP finds nothing, and says so.
    in_xrp = await AsyncJsonRpcClient(node.url).request(
        RipplePathFind(
            source_account=ALICE.address,
            destination_account=BOB.address,
            destination_amount=eur("10", BOB),
            source_currencies=[XRP()],
        )
    )
    assert in_xrp.is_successful() and in_xrp.result["alternatives"] == []


def test_bad_path_requests_are_named_errors_never_a_server_error(node: NodeProcess) -> None:
    for params, token in (
        ({"destination_account": BOB.address, "destination_amount": "1000000"}, "srcActMissing"),
        ({"source_account": ALICE.address, "destination_account": BOB.address, "destination_amount": "1000000"}, "srcActNotFound"),
        ({"source_account": "r", "destination_account": BOB.address, "destination_amount": {"value": []}}, "srcActMalformed"),
        ({"source_account": GENESIS_WALLET.address, "destination_account": BOB.address, "destination_amount": {"currency": "EUR", "value": "1", "issuer": 7}}, "dstAmtMalformed"),
        ({"subcommand": "create"}, "noEvents"),
    ):
        method = "path_find" if "subcommand" in params else "ripple_path_find"
        body = json.dumps({"method": method, "params": [params]}).encode()
        request = urllib.request.Request(node.url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            result = json.loads(response.read())["result"]
        assert result["status"] == "error" and result["error"] == token, (params, result)
