"""The API over real sockets: rippled's JSON-RPC and WebSocket envelopes, transport-level bad
input (never a 500, never a changed ledger), admin access, and subscription streams."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support.node_process import GENESIS, in_process_node, keypair, payment, sign
from xpay.api.server import ApiConfig
from xpay.node.standalone import StandaloneNode

pytestmark = pytest.mark.integration

ALICE = keypair("alice")
BOB = keypair("bob")


@asynccontextmanager
async def served(tmp_path: Path, **api: Any) -> AsyncIterator[tuple[StandaloneNode, aiohttp.ClientSession, str]]:
    async with (
        in_process_node(tmp_path, api=ApiConfig(port=0, **api)) as node,
        aiohttp.ClientSession() as http,
    ):
        yield node, http, node.endpoints().json_rpc


async def _post(http: aiohttp.ClientSession, url: str, body: Any, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    async with http.post(url, data=data, **kwargs) as response:
        return response.status, json.loads(await response.read())


async def test_json_rpc_envelopes_are_rippled_s(tmp_path: Path) -> None:
    async with served(tmp_path) as (_, http, url):
        status, body = await _post(http, url, {"method": "ledger_current", "params": [{}]})
        assert status == 200 and body == {"result": {"ledger_current_index": 2, "status": "success"}}
        status, body = await _post(http, url, {"method": "account_info", "params": [{"account": "rBAD"}]})
        assert status == 200
        assert body["result"] == {
            "error": "actMalformed",
            "error_code": 35,
            "error_message": "Account malformed.",
            "request": {"account": "rBAD", "command": "account_info"},
            "status": "error",
        }
        status, body = await _post(http, url, {"method": "server_info"})  # no params at all
        assert status == 200 and body["result"]["info"]["network_id"] == 21337


BAD_BODIES: list[tuple[bytes, int, str]] = [
    (b"not json", 400, "jsonInvalid"),
    (b"{", 400, "jsonInvalid"),
    (b"[]", 400, "invalidParams"),  # an empty batch
    (b'"text"', 400, "invalidParams"),
    (b"{}", 400, "commandMissing"),
    (b'{"method": "ping", "params": {"a": 1}}', 400, "invalidParams"),
    (b'{"method": "ping", "params": [1]}', 400, "invalidParams"),
    (b'{"method": "ping", "params": [{}, {}]}', 400, "invalidParams"),
    (b'{"method": ["ping"]}', 200, "unknownCmd"),
    (b'{"method": "submit", "params": [{"tx_blob": "00"}]}', 200, "invalidTransaction"),
    (b'{"method": "account_info", "params": [{"account": null}]}', 200, "invalidParams"),
    (b"\xff\xfe\x00garbage", 400, "jsonInvalid"),
]


async def test_bad_bodies_get_json_errors_and_change_nothing(tmp_path: Path) -> None:
    async with served(tmp_path, max_body_bytes=4096) as (node, http, url):
        before = (node.master.closed_ledger.hash, dict(node.master.open.view.items))
        for body, status, token in BAD_BODIES:
            got_status, got = await _post(http, url, body)
            assert (got_status, got["result"]["error"]) == (status, token), body
            assert got["result"]["status"] == "error"
        status, got = await _post(http, url, b'{"method": "ping", "pad": "' + b"x" * 5000 + b'"}')
        assert status == 413 and got["result"]["error"] == "invalidParams"
        async with http.put(url, data=b"{}") as response:
            assert response.status == 405 and json.loads(await response.read())["result"]["status"] == "error"
        async with http.post(url + "nowhere", data=b"{}") as response:
            assert response.status == 404 and json.loads(await response.read())["result"]["error"] == "unknownCmd"
        async with http.get(url) as response:
            assert response.status == 400 and json.loads(await response.read())["result"]["status"] == "error"
        assert (node.master.closed_ledger.hash, dict(node.master.open.view.items)) == before


async def test_a_json_rpc_batch_answers_each_request_in_order(tmp_path: Path) -> None:
    async with served(tmp_path) as (node, http, url):
        good = [payment(GENESIS, who.address, "25000000", seq) for seq, who in enumerate((ALICE, BOB), start=1)]
        batch = [
            {"method": "submit", "params": [{"tx_blob": good[0][0]}]},
            {"method": "submit", "params": [{"tx_blob": "00"}]},  # malformed: its own error
            7,  # not a request
            {"params": [{}]},  # no method
            {"method": "submit", "params": [{"tx_blob": good[1][0]}]},
            {"method": "ledger_current"},
        ]
        status, answers = await _post(http, url, batch)
        assert status == 200 and isinstance(answers, list) and len(answers) == len(batch)
        results = [answer["result"] for answer in answers]
        assert results[0]["engine_result"] == "tesSUCCESS" and results[0]["tx_json"]["hash"] == good[0][1]
        assert results[1]["error"] == "invalidTransaction" and results[1]["status"] == "error"
        assert results[2]["error"] == "invalidParams" and results[3]["error"] == "commandMissing"
        assert results[4]["engine_result"] == "tesSUCCESS" and results[4]["tx_json"]["hash"] == good[1][1]
        assert results[5] == {"ledger_current_index": 2, "status": "success"}
        # Both good payments are in the open ledger, in the batch's order; the bad ones left no trace.
        assert [tx.id.hex().upper() for tx in node.master.open.transactions()] == [good[0][1], good[1][1]]


async def test_an_oversize_batch_is_refused_whole(tmp_path: Path) -> None:
    async with served(tmp_path, max_batch=3) as (node, http, url), http.ws_connect(url) as ws:
        blobs = [payment(GENESIS, ALICE.address, "25000000", seq)[0] for seq in range(1, 5)]
        status, body = await _post(http, url, [{"method": "submit", "params": [{"tx_blob": b}]} for b in blobs])
        assert status == 400 and body["result"]["error"] == "invalidParams" and body["result"]["status"] == "error"
        assert "at most 3" in body["result"]["error_message"]
        await ws.send_json([{"id": i, "command": "submit", "tx_blob": b} for i, b in enumerate(blobs)])
        refused = await ws.receive_json()
        assert refused["error"] == "invalidParams" and refused["type"] == "response" and "at most 3" in refused["error_message"]
        await ws.send_json([])
        assert (await ws.receive_json())["error"] == "invalidParams"
        assert node.master.open.transactions() == []  # nothing of either batch was applied
        await ws.send_json({"id": 1, "command": "ping"})
        assert (await ws.receive_json())["status"] == "success"  # the connection carries on


async def test_a_websocket_batch_is_one_message_answered_by_one_array(tmp_path: Path) -> None:
    async with served(tmp_path) as (node, http, url), http.ws_connect(url) as ws:
        signed = [payment(GENESIS, ALICE.address, "25000000", seq) for seq in range(1, 4)]
        batch: list[Any] = [{"id": seq, "command": "submit", "tx_blob": blob} for seq, (blob, _) in enumerate(signed, 1)]
        batch.insert(1, {"id": "bad", "command": "submit", "tx_blob": "zz"})
        batch.insert(2, "not a request")
        batch.append({"id": "v2", "api_version": 2})
        await ws.send_json(batch)
        answers = await ws.receive_json()
        assert isinstance(answers, list) and len(answers) == len(batch)
        assert [a.get("id") for a in answers] == [1, "bad", None, 2, 3, "v2"]
        assert all(a["type"] == "response" for a in answers)
        assert [answers[i]["result"]["engine_result"] for i in (0, 3, 4)] == ["tesSUCCESS"] * 3
        assert answers[1]["error"] == "invalidParams" and answers[1]["request"]["id"] == "bad"
        assert answers[2]["error"] == "invalidParams" and answers[2]["status"] == "error"
        assert answers[5]["error"] == "missingCommand"
        # Sequences 1, 2, 3 applied in the batch's order (a reordering would have held one).
        assert [tx.id.hex().upper() for tx in node.master.open.transactions()] == [h for _, h in signed]


async def test_admin_methods_need_loopback_or_the_token(tmp_path: Path) -> None:
    async with served(tmp_path, loopback_is_admin=False, admin_token="s3cret") as (node, http, url):
        _, body = await _post(http, url, {"method": "ledger_accept"})
        assert body["result"]["error"] == "noPermission"
        _, body = await _post(http, url, {"method": "ledger_accept"}, headers={"Authorization": "Bearer wrong"})
        assert body["result"]["error"] == "noPermission"
        _, body = await _post(http, url, {"method": "ledger_accept"}, headers={"Authorization": "Bearer s3cret"})
        assert body["result"] == {"ledger_current_index": 3, "status": "success"}
        assert node.master.validated_ledger.seq == 2


async def test_websocket_requests_answer_with_their_id(tmp_path: Path) -> None:
    async with served(tmp_path) as (_, http, url), http.ws_connect(url) as ws:
        await ws.send_json({"id": 7, "command": "ledger_current"})
        assert await ws.receive_json() == {
            "id": 7, "result": {"ledger_current_index": 2}, "status": "success", "type": "response"
        }
        await ws.send_json({"id": "x", "command": "account_info", "account": "bad", "api_version": 2})
        error = await ws.receive_json()
        assert error["id"] == "x" and error["error"] == "actMalformed" and error["status"] == "error"
        assert error["type"] == "response" and error["request"]["account"] == "bad" and error["api_version"] == 2
        await ws.send_str("{nope")
        invalid = await ws.receive_json()
        assert invalid["error"] == "jsonInvalid" and invalid["status"] == "error"
        await ws.send_json({"id": 9, "api_version": 2})
        assert (await ws.receive_json())["error"] == "missingCommand"
        await ws.send_json({"id": 10, "command": "ping"})
        assert (await ws.receive_json())["id"] == 10  # the connection survived it all


async def test_an_oversized_websocket_message_closes_the_connection(tmp_path: Path) -> None:
    async with served(tmp_path, max_body_bytes=2048) as (node, http, url), http.ws_connect(url) as ws:
        await ws.send_str(json.dumps({"command": "ping", "pad": "x" * 4096}))
        message = await ws.receive()
        assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
        assert node.master.closed_ledger.seq == 1


async def _next_of_type(ws: aiohttp.ClientWebSocketResponse, kind: str) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = await ws.receive_json()
        if message.get("type") == kind:
            return message


async def test_subscribers_see_the_ledger_close_and_their_transaction_validated(tmp_path: Path) -> None:
    async with served(tmp_path) as (node, http, url), http.ws_connect(url) as ws, http.ws_connect(url) as ws1:
        await ws.send_json(
            {"id": 1, "command": "subscribe", "streams": ["ledger"], "accounts": [ALICE.address], "api_version": 2}
        )
        subscribed = await ws.receive_json()
        assert subscribed["status"] == "success" and subscribed["result"]["ledger_index"] == 1
        assert subscribed["result"]["validated_ledgers"] == "1" and subscribed["result"]["network_id"] == 21337
        await ws1.send_json({"id": 1, "command": "subscribe", "streams": ["transactions"]})
        assert (await ws1.receive_json())["result"] == {}

        blob, tx_hash = payment(GENESIS, ALICE.address, "25000000", 1)
        other, _ = payment(GENESIS, BOB.address, "25000000", 2)
        _, submitted = await _post(http, url, {"method": "submit", "params": [{"tx_blob": blob}]})
        assert submitted["result"]["engine_result"] == "tesSUCCESS"
        await _post(http, url, {"method": "submit", "params": [{"tx_blob": other}]})
        _, accepted = await _post(http, url, {"method": "ledger_accept"})
        assert accepted["result"]["ledger_current_index"] == 3

        closed = await _next_of_type(ws, "ledgerClosed")
        assert closed["ledger_index"] == 2 and closed["txn_count"] == 2
        assert closed["ledger_hash"] == node.master.validated_ledger.hash.hex().upper()
        assert closed["validated_ledgers"] == "1-2"
        tx = await _next_of_type(ws, "transaction")
        assert tx["hash"] == tx_hash and tx["validated"] is True and tx["status"] == "closed"
        assert tx["engine_result"] == "tesSUCCESS" and tx["ledger_index"] == 2
        assert tx["tx_json"]["Destination"] == ALICE.address and tx["meta"]["delivered_amount"] == "25000000"

        # The transactions stream (API version 1 here) carries both payments.
        seen = {(await _next_of_type(ws1, "transaction"))["transaction"]["hash"] for _ in range(2)}
        assert tx_hash in seen and len(seen) == 2

        await ws.send_json({"id": 2, "command": "unsubscribe", "accounts": [ALICE.address], "streams": ["ledger"]})
        assert (await ws.receive_json())["result"] == {}
        assert node.api is not None and node.api.subscriptions.subscriber_count == 1


async def test_a_subscriber_that_cannot_keep_up_is_disconnected(tmp_path: Path) -> None:
    async with served(tmp_path, ws_send_queue=2) as (node, http, url), http.ws_connect(url) as ws:
        await ws.send_json({"id": 1, "command": "subscribe", "streams": ["transactions", "ledger"]})
        assert (await ws.receive_json())["status"] == "success"
        for seq, who in enumerate((ALICE, BOB, keypair("carol")), start=1):
            blob, _ = payment(GENESIS, who.address, "25000000", seq)
            await _post(http, url, {"method": "submit", "params": [{"tx_blob": blob}]})
        # One close publishes four messages at once: more than the queue holds.
        await _post(http, url, {"method": "ledger_accept"})
        while True:
            message = await ws.receive()
            if message.type != aiohttp.WSMsgType.TEXT:
                break
        assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        assert ws.close_code == 1008
        assert node.api is not None and node.api.subscriptions.subscriber_count == 0
        # The node itself carries on.
        _, body = await _post(http, url, {"method": "ledger_current"})
        assert body["result"]["ledger_current_index"] == 3


async def test_book_subscribers_get_a_snapshot_and_the_book_s_transactions(tmp_path: Path) -> None:
    gw = keypair("gw")
    usd = {"currency": "USD", "issuer": gw.address}
    async with served(tmp_path) as (_, http, url), http.ws_connect(url) as ws:
        for seq, who in enumerate((ALICE, gw), start=1):
            blob, _ = payment(GENESIS, who.address, "90000000", seq)
            await _post(http, url, {"method": "submit", "params": [{"tx_blob": blob}]})
        await _post(http, url, {"method": "ledger_accept"})
        await ws.send_json(
            {"id": 1, "command": "subscribe", "api_version": 2,
             "books": [{"taker_pays": usd, "taker_gets": {"currency": "XRP"}, "snapshot": True, "both": True}]}
        )
        answer = await ws.receive_json()
        assert answer["status"] == "success" and answer["result"] == {"asks": [], "bids": []}

        offer, offer_hash = sign(
            {"TransactionType": "OfferCreate", "Account": ALICE.address, "Fee": "10", "Sequence": 2,
             "TakerGets": "10000000", "TakerPays": {**usd, "value": "5"}},
            ALICE,
        )
        _, submitted = await _post(http, url, {"method": "submit", "params": [{"tx_blob": offer}]})
        assert submitted["result"]["engine_result"] == "tesSUCCESS"
        await _post(http, url, {"method": "ledger_accept"})
        heard = await _next_of_type(ws, "transaction")
        assert heard["hash"] == offer_hash and heard["validated"] is True

        await ws.send_json(
            {"id": 2, "command": "subscribe", "books": [{"taker_pays": usd, "taker_gets": {"currency": "XRP"}, "snapshot": True}]}
        )
        snapshot = await ws.receive_json()
        [listed] = snapshot["result"]["offers"]
        assert listed["Account"] == ALICE.address and listed["TakerGets"] == "10000000"
        await ws.send_json({"id": 3, "command": "subscribe", "books": [{"taker_pays": usd, "taker_gets": usd}]})
        assert (await ws.receive_json())["error"] == "badMarket"


async def test_pipelined_submits_on_one_websocket_reach_the_ledger_in_order(tmp_path: Path) -> None:
    """Sequences 1..N sent back to back without waiting: had any two been swapped on the way to
    the ledger master, one would answer terPRE_SEQ."""
    async with served(tmp_path) as (node, http, url), http.ws_connect(url) as ws:
        count = 150
        for seq in range(1, count + 1):
            blob, _ = payment(GENESIS, keypair(f"pipe{seq % 7}").address, "20000000", seq)
            await ws.send_json({"id": seq, "command": "submit", "tx_blob": blob})
        answers = [await ws.receive_json() for _ in range(count)]
        assert sorted(a["id"] for a in answers) == list(range(1, count + 1))
        assert {a["result"]["engine_result"] for a in answers} == {"tesSUCCESS"}
        assert len(node.master.open.transactions()) == count
