"""subscribe and unsubscribe (rippled's Subscribe.cpp / Unsubscribe.cpp), WebSocket only.

Streams: `ledger` (each validated ledger), `transactions` (each transaction of a validated
ledger), `validations` (each trusted validation received or signed), `consensus` (each phase
of the consensus round) and `server` (each change of server_state), all three silent on a
standalone node; `accounts`: the transactions that
affect the listed accounts; `books`: the transactions that touch the offers of the listed order
books (with `snapshot`, the book's offers now; with `both`, the opposite book too, answered as
asks and bids). A subscription also fixes the API version the connection's stream
messages use (the request's api_version), as rippled's InfoSub does.
"""

from __future__ import annotations

from typing import Any, Final

from xpay.amounts import Issue
from xpay.api.context import Method, RpcContext
from xpay.api.errors import RpcError, invalid_params
from xpay.api.handlers.books import BOOK_OFFERS, book_page, issue_param
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


def _books(params: dict[str, Any]) -> list[dict[str, Any]]:
    """Each requested book: its sides, and whether to take a snapshot / both directions."""
    if "books" not in params:
        return []
    values = params["books"]
    if not isinstance(values, list):
        raise invalid_params("Invalid field 'books', not array.")
    out: list[dict[str, Any]] = []
    for value in values:
        if not isinstance(value, dict):
            raise invalid_params("Invalid field 'books', not an array of objects.")
        pays = issue_param(value, "taker_pays", "srcCurMalformed", "srcIsrMalformed")
        gets = issue_param(value, "taker_gets", "dstAmtMalformed", "dstIsrMalformed")
        if pays == gets:
            raise RpcError("badMarket")
        taker = None
        if value.get("taker") is not None:
            taker = parse_account(value["taker"])
            if taker is None:
                raise RpcError("badIssuer", "Invalid field 'taker'.")
        for flag in ("snapshot", "both"):
            if flag in value and not isinstance(value[flag], bool):
                raise invalid_params(f"Invalid field '{flag}'.")
        out.append(
            {"pays": pays, "gets": gets, "taker": taker, "snapshot": value.get("snapshot", False), "both": value.get("both", False)}
        )
    return out


def _book_keys(books: list[dict[str, Any]]) -> list[tuple[Issue, Issue]]:
    keys: list[tuple[Issue, Issue]] = []
    for book in books:
        keys.append((book["pays"], book["gets"]))
        if book["both"]:
            keys.append((book["gets"], book["pays"]))
    return keys


async def subscribe(ctx: RpcContext) -> dict[str, Any]:
    subscriber = _subscriber(ctx)
    params = ctx.params
    streams = _streams(params)
    accounts = _accounts(params, "accounts")
    books = _books(params)
    subscriber.api_version = ctx.api_version
    ctx.subscriptions.subscribe(subscriber, streams, accounts, _book_keys(books))
    node = ctx.node
    out: dict[str, Any] = {}
    if "ledger" in streams:
        out.update(ledger_stream_fields(node.validated_ledger(), node.info, node.complete_ledgers()))
    for book in books:
        if not book["snapshot"]:
            continue
        # rippled's snapshot: the book as it stands in the validated ledger.
        view = node.validated_ledger()
        if book["both"]:
            out["asks"] = book_page(view, book["pays"], book["gets"], book["taker"], BOOK_OFFERS.maximum)
            out["bids"] = book_page(view, book["gets"], book["pays"], book["taker"], BOOK_OFFERS.maximum)
        else:
            out["offers"] = book_page(view, book["pays"], book["gets"], book["taker"], BOOK_OFFERS.maximum)
    return out


async def unsubscribe(ctx: RpcContext) -> dict[str, Any]:
    subscriber = _subscriber(ctx)
    params = ctx.params
    streams = _streams(params)
    accounts = _accounts(params, "accounts")
    books = _books(params)
    ctx.subscriptions.unsubscribe(subscriber, streams, accounts, _book_keys(books))
    return {}


METHODS: Final = {
    "subscribe": Method(subscribe),
    "unsubscribe": Method(unsubscribe),
}
