"""Bad requests to a gateway's back-office API get a clear JSON error — the right status, an error
name, a message, the field — and change nothing: the book's every row and the ledger (the
gateway's addresses and the customers' lines) are the same before and after the whole table."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from gateways.gateway import GatewayApi, GatewayService
from gateways.gateway.config import ApiSettings
from tests.integration.test_gateway_world import (
    DevnetProcess,
    book_snapshot,
    client,
    funded_gateway_config,
    ledger_snapshot,
    network,
    onboard,
)
from xpay.client import Wallet, WebSocketClient

pytestmark = pytest.mark.integration
__all__ = ["client", "network"]  # fixtures used by this module

OTHER = Wallet.generate().address
HASH = "AB" * 32


def bad_requests(issuing: str, alice: str) -> list[tuple[str, str, Any, int, str, str | None]]:
    """(method, path, body, status, error, field): a body that is a str is sent as raw bytes."""
    deposit = {"request_id": "d-new", "customer_id": "alice", "currency": "USD", "amount": "10"}
    return [
        ("POST", "customers", {}, 400, "invalidRequest", "customer_id"),
        ("POST", "customers", {"customer_id": "has space", "address": OTHER}, 400, "invalidRequest", "customer_id"),
        ("POST", "customers", {"customer_id": "zed", "address": "rNotAnAddress"}, 400, "invalidRequest", "address"),
        ("POST", "customers", {"customer_id": "zed", "address": OTHER, "nmae": "Zed"}, 400, "invalidRequest", "nmae"),
        ("POST", "customers", {"customer_id": "zed", "address": issuing}, 400, "invalidRequest", "address"),
        ("POST", "customers", {"customer_id": "alice", "address": OTHER}, 409, "conflict", "address"),
        ("POST", "customers", {"customer_id": "zed", "address": alice}, 409, "conflict", "address"),
        ("POST", "customers", {"customer_id": 7, "address": OTHER}, 400, "invalidRequest", "customer_id"),
        ("POST", "customers/nobody/approve", None, 404, "customerNotFound", "customer_id"),
        ("POST", "deposits", {k: v for k, v in deposit.items() if k != "amount"}, 400, "invalidRequest", "amount"),
        ("POST", "deposits", {**deposit, "amount": 12.5}, 400, "invalidRequest", "amount"),
        ("POST", "deposits", {**deposit, "amount": "-5"}, 400, "invalidRequest", "amount"),
        ("POST", "deposits", {**deposit, "amount": "0"}, 400, "invalidRequest", "amount"),
        ("POST", "deposits", {**deposit, "amount": "lots"}, 400, "invalidRequest", "amount"),
        ("POST", "deposits", {**deposit, "amount": "NaN"}, 400, "invalidRequest", "amount"),
        ("POST", "deposits", {**deposit, "amount": "1.23456789012345678"}, 400, "invalidRequest", "amount"),
        ("POST", "deposits", {**deposit, "currency": "EUR"}, 400, "unknownCurrency", "currency"),
        ("POST", "deposits", {**deposit, "customer_id": "nobody"}, 404, "customerNotFound", "customer_id"),
        ("POST", "deposits", {**deposit, "customer_id": "pending"}, 422, "notPermitted", "customer_id"),
        ("POST", "deposits", {**deposit, "amount": "9999.5"}, 422, "notPermitted", "amount"),
        ("POST", "deposits", {**deposit, "amount": "6000"}, 422, "notPermitted", "amount"),
        ("POST", "deposits", {**deposit, "request_id": "bad id!"}, 400, "invalidRequest", "request_id"),
        ("POST", "deposits", {**deposit, "request_id": "ok-1", "amount": "11"}, 409, "conflict", "request_id"),
        ("POST", "deposits", {**deposit, "wait_seconds": -1}, 400, "invalidRequest", "wait_seconds"),
        ("POST", "deposits", {**deposit, "memo": "x"}, 400, "invalidRequest", "memo"),
        ("POST", "deposits", "{not json", 400, "invalidRequest", None),
        ("POST", "deposits", "[1, 2]", 400, "invalidRequest", None),
        ("GET", "deposits/unknown-request", None, 404, "requestNotFound", "request_id"),
        ("GET", "deposits?customer_id=nobody", None, 404, "customerNotFound", "customer_id"),
        ("GET", "deposits?bogus=1", None, 400, "invalidRequest", "bogus"),
        ("GET", "withdrawals/not-a-hash", None, 400, "invalidRequest", "tx_hash"),
        ("GET", f"withdrawals/{HASH}", None, 404, "requestNotFound", "tx_hash"),
        ("POST", "customers/alice/freeze", {"currency": "EUR"}, 400, "unknownCurrency", "currency"),
        ("POST", "customers/alice/freeze", {}, 400, "invalidRequest", "currency"),
        ("POST", "customers/pending/freeze", {"currency": "USD"}, 422, "notPermitted", "customer_id"),
        ("GET", "customers/nobody", None, 404, "customerNotFound", "customer_id"),
        ("GET", "nowhere", None, 404, "notFound", None),
        ("DELETE", "deposits", None, 405, "methodNotAllowed", None),
    ]


async def test_bad_requests_get_clear_json_errors_and_change_nothing(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    alice, pending = Wallet.generate(), Wallet.generate()
    config = await funded_gateway_config(client, network, tmp_path, alice, pending, max_deposit=Decimal(5000))
    async with GatewayService(config) as gateway, GatewayApi(gateway, config.api) as api:
        await onboard(client, gateway, "alice", alice)
        await gateway.register_customer("pending", pending.address)
        assert (await gateway.deposit("ok-1", "alice", "USD", Decimal(10))).status == "validated"
        book_before = book_snapshot(config.book_path)
        ledger_before = await ledger_snapshot(client, config, alice.address, pending.address)
        seen: list[tuple[str, str, int, str, str | None]] = []
        async with aiohttp.ClientSession() as http:
            for method, path, body, *_ in bad_requests(config.issuing.address, alice.address):
                kwargs: dict[str, Any] = {}
                if isinstance(body, str):
                    kwargs["data"] = body.encode()
                elif body is not None:
                    kwargs["json"] = body
                async with http.request(method, api.url + path, **kwargs) as response:
                    assert response.content_type == "application/json", (method, path)
                    answer = await response.json()
                    seen.append((method, path, response.status, answer.get("error"), answer.get("field")))
                    assert isinstance(answer.get("message"), str) and answer["message"], (method, path, answer)
        expected = [(m, p, s, e, f) for m, p, _, s, e, f in bad_requests(config.issuing.address, alice.address)]
        assert seen == expected
        assert book_snapshot(config.book_path) == book_before
        assert await ledger_snapshot(client, config, alice.address, pending.address) == ledger_before


@pytest.mark.slow
async def test_with_a_token_every_request_must_present_it(
    client: WebSocketClient, network: DevnetProcess, tmp_path: Path
) -> None:
    config = await funded_gateway_config(client, network, tmp_path, api=ApiSettings(port=0, token="s3cret"))
    async with GatewayService(config) as gateway, GatewayApi(gateway, config.api) as api, aiohttp.ClientSession() as http:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret"}):
            async with http.post(f"{api.url}customers", headers=headers,
                                 json={"customer_id": "zed", "address": OTHER}) as response:
                assert response.status == 401
                assert (await response.json())["error"] == "unauthorized"
        assert gateway.book.customers() == []
        async with http.get(f"{api.url}health", headers={"Authorization": "Bearer s3cret"}) as response:
            assert response.status == 200
            health = await response.json()
        assert (health["issuing_address"], health["currencies"]) == (config.issuing.address, ["USD"])
