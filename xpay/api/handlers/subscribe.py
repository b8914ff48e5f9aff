"""subscribe and unsubscribe (rippled's Subscribe.cpp / Unsubscribe.cpp), WebSocket only.

Streams: `ledger` (each validated ledger), `transactions` (each transaction of a validated
ledger), `validations` (accepted, silent on a standalone node); `accounts`: the transactions that
affect the listed accounts. A subscription also fixes the API version the connection's stream
messages use (the request's api_version), as rippled's InfoSub does.
"""

from __future__ import annotations

from typing import Any, Final

from xpay.api.context import Method, RpcContext
from xpay.api.errors import RpcError, invalid_params
from xpay.api.params import parse_account
from xpay.api.subscriptions import STREAMS, Subscriber, ledger_stream_fields
from xpay.protocol.ids import AccountID


def _subscriber(ctx: RpcContext) -> Subscriber:
    if ctx.subscriber is None:
        raise RpcError("noEvents")
    return ctx.subscriber


def _streams(params: dict[str, Any]) -> list[str]:
    if "streams" not in params:
        return []
    streams = params["streams"]
    if not isinstance(streams, list):
        raise invalid_params("Invalid field 'streams', not array.")
    for name in streams:
        if not isinstance(name, str) or name not in STREAMS:
            raise RpcError("malformedStream")
    return streams


def _accounts(params: dict[str, Any], name: str) -> list[AccountID]:
    if name not in params:
        return []
    values = params[name]
    if not isinstance(values, list):
        raise invalid_params(f"Invalid field '{name}', not array.")
    accounts: list[AccountID] = []
    for value in values:
        account = parse_account(value)
        if account is None:
            raise RpcError("actMalformed")
        accounts.append(account)
    if not accounts:
        raise RpcError("actMalformed")
    return accounts


def _refuse_books(params: dict[str, Any]) -> None:
    if "books" in params:
        raise RpcError("notImpl", "Order book streams are not available on this node yet.")


async def subscribe(ctx: RpcContext) -> dict[str, Any]:
    subscriber = _subscriber(ctx)
    params = ctx.params
    streams = _streams(params)
    accounts = _accounts(params, "accounts")
    _refuse_books(params)
    subscriber.api_version = ctx.api_version
    ctx.subscriptions.subscribe(subscriber, streams, accounts)
    if "ledger" in streams:
        node = ctx.node
        return ledger_stream_fields(node.validated_ledger(), node.info, node.complete_ledgers())
    return {}


async def unsubscribe(ctx: RpcContext) -> dict[str, Any]:
    subscriber = _subscriber(ctx)
    params = ctx.params
    streams = _streams(params)
    accounts = _accounts(params, "accounts")
    _refuse_books(params)
    ctx.subscriptions.unsubscribe(subscriber, streams, accounts)
    return {}


METHODS: Final = {
    "subscribe": Method(subscribe),
    "unsubscribe": Method(unsubscribe),
}
