"""The back office's REST API of a gateway (aiohttp), JSON in and out.

    GET  /health                               the gateway's addresses and ledger cursor
    POST /customers                            {"customer_id", "address", "name"?}: onboard
    GET  /customers                            every customer
    GET  /customers/{id}                       a customer, its trust lines and book totals
    POST /customers/{id}/approve               approve (authorise its trust lines under RequireAuth)
    POST /customers/{id}/freeze                {"currency"}: freeze its trust line
    POST /customers/{id}/unfreeze              {"currency"}
    POST /deposits                             {"request_id", "customer_id", "currency", "amount",
                                                "wait_seconds"?}: 200 when final, 202 while paying
    GET  /deposits/{request_id}                a deposit's state     GET /deposits?customer_id=
    GET  /withdrawals/{tx_hash}                a withdrawal's state  GET /withdrawals?customer_id=
    GET  /balances                             obligations on the ledger and the book's accounts
    GET  /reconcile                            the reconciliation report (200, "matches" says)
    GET  /journal?tx_hash=&customer_id=        journal entries

Every error is `{"error": name, "message": text, "field"?: name}` with a 4xx status (5xx only when
the node is unreachable, 503, or refuses a transaction, 502) — never a traceback. Amounts are
decimal strings ("100.25"); a JSON number with a fraction is refused (it is a float, already
rounded). Unknown fields are refused, so a typo is an error rather than a silently missing value.
With a token configured, every request needs `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal
from types import TracebackType
from typing import Any, Final, Self

from aiohttp import web

from gateways.decimal_amounts import AmountInputError, parse_value
from gateways.gateway.config import ApiSettings
from gateways.gateway.errors import GatewayError, InvalidRequest, LedgerRefused, NodeUnavailable
from gateways.gateway.service import GatewayService
from xpay.client import ClientError, TransactionFailed

_log = logging.getLogger(__name__)

MAX_BODY_BYTES: Final = 64 * 1024
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _json_response(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda value: json.dumps(value, sort_keys=True))


def _error(name: str, message: str, status: int, field: str | None = None) -> web.Response:
    body: dict[str, Any] = {"error": name, "message": message}
    if field is not None:
        body["field"] = field
    return _json_response(body, status)


async def _body(request: web.Request, *, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """The request's JSON object, with exactly the fields allowed."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise InvalidRequest(f"the body is larger than {MAX_BODY_BYTES} bytes")
    raw = await request.read()
    if not raw.strip():
        data: Any = {}
    else:
        try:
            data = json.loads(raw, parse_float=lambda text: float(text))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise InvalidRequest(f"the body is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise InvalidRequest("the body must be a JSON object")
    for name in required:
        if name not in data:
            raise InvalidRequest("missing (required)", field=name)
    unknown = sorted(set(data) - set(required) - set(optional))
    if unknown:
        raise InvalidRequest(f"unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}", field=unknown[0])
    return data


def _string(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        raise InvalidRequest(f"expected a string, not {type(value).__name__}", field=name)
    return value


def _amount(data: dict[str, Any], name: str) -> Decimal:
    try:
        return parse_value(data.get(name), field=name)
    except AmountInputError as error:
        raise InvalidRequest(str(error).removeprefix(f"{name}: "), field=name) from None


def _query(request: web.Request, allowed: tuple[str, ...]) -> dict[str, str]:
    unknown = sorted(set(request.query) - set(allowed))
    if unknown:
        raise InvalidRequest(f"unknown query parameter: {', '.join(unknown)}", field=unknown[0])
    return {name: request.query[name] for name in allowed if name in request.query}


class GatewayApi:
    """The REST API over a running GatewayService, as an async context manager (it listens
    while entered)."""

    def __init__(self, gateway: GatewayService, settings: ApiSettings) -> None:
        self.gateway = gateway
        self.settings = settings
        self.app = web.Application(middlewares=[self._errors, self._auth], client_max_size=MAX_BODY_BYTES)
        self._runner: web.AppRunner | None = None
        self.port = 0
        routes = [
            web.get("/health", self.health),
            web.post("/customers", self.register),
            web.get("/customers", self.customers),
            web.get("/customers/{customer_id}", self.customer),
            web.post("/customers/{customer_id}/approve", self.approve),
            web.post("/customers/{customer_id}/freeze", self.freeze),
            web.post("/customers/{customer_id}/unfreeze", self.unfreeze),
            web.post("/deposits", self.deposit),
            web.get("/deposits", self.deposits),
            web.get("/deposits/{request_id}", self.deposit_status),
            web.get("/withdrawals", self.withdrawals),
            web.get("/withdrawals/{tx_hash}", self.withdrawal),
            web.get("/balances", self.balances),
            web.get("/reconcile", self.reconcile),
            web.get("/journal", self.journal),
        ]
        self.app.add_routes(routes)

    async def __aenter__(self) -> Self:
        runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.settings.host, self.settings.port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else self.settings.port
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.port}/"

    # --- middleware ----------------------------------------------------------------------------

    @web.middleware
    async def _errors(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except GatewayError as error:
            return _json_response(error.to_json(), error.status)
        except TransactionFailed as error:
            refused = LedgerRefused(str(error), details={"engine_result": error.engine_result})
            return _json_response(refused.to_json(), refused.status)
        except ClientError as error:
            unavailable = NodeUnavailable(f"the xpay node: {error}")
            return _json_response(unavailable.to_json(), unavailable.status)
        except web.HTTPNotFound:
            return _error("notFound", f"no such resource: {request.method} {request.path}", 404)
        except web.HTTPMethodNotAllowed as error:
            return _error("methodNotAllowed", f"{request.method} is not allowed on {request.path} "
                          f"(allowed: {', '.join(sorted(error.allowed_methods))})", 405)
        except web.HTTPRequestEntityTooLarge:
            return _error("invalidRequest", f"the body is larger than {MAX_BODY_BYTES} bytes", 413)
        except web.HTTPException as error:
            return _error("httpError", error.reason, error.status)

    @web.middleware
    async def _auth(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        token = self.settings.token
        if token is not None:
            given = request.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return _error("unauthorized", "this API needs `Authorization: Bearer <token>`", 401)
        return await handler(request)

    # --- handlers ------------------------------------------------------------------------------

    async def health(self, request: web.Request) -> web.Response:
        _query(request, ())
        gateway = self.gateway
        return _json_response({
            "status": "ok",
            "name": gateway.config.name,
            "issuing_address": gateway.config.issuing.address,
            "operational_address": gateway.config.operational.address,
            "currencies": list(gateway.config.currencies),
            "ledger_cursor": gateway.book.cursor(),
        })

    async def register(self, request: web.Request) -> web.Response:
        data = await _body(request, required=("customer_id", "address"), optional=("name",))
        existed = self.gateway.book.customer(data["customer_id"]) if isinstance(data["customer_id"], str) else None
        customer = await self.gateway.register_customer(
            _string(data, "customer_id"), _string(data, "address"), _string(data, "name") if "name" in data else ""
        )
        return _json_response(customer.to_json(), 200 if existed is not None else 201)

    async def customers(self, request: web.Request) -> web.Response:
        _query(request, ())
        return _json_response({"customers": [c.to_json() for c in self.gateway.book.customers()]})

    async def customer(self, request: web.Request) -> web.Response:
        _query(request, ())
        return _json_response(await self.gateway.customer_view(request.match_info["customer_id"]))

    async def approve(self, request: web.Request) -> web.Response:
        await _body(request, required=())
        customer = await self.gateway.approve_customer(request.match_info["customer_id"])
        return _json_response(customer.to_json())

    async def freeze(self, request: web.Request) -> web.Response:
        return await self._set_frozen(request, True)

    async def unfreeze(self, request: web.Request) -> web.Response:
        return await self._set_frozen(request, False)

    async def _set_frozen(self, request: web.Request, frozen: bool) -> web.Response:
        data = await _body(request, required=("currency",))
        customer = await self.gateway.set_frozen(request.match_info["customer_id"], _string(data, "currency"), frozen)
        return _json_response(customer.to_json())

    async def deposit(self, request: web.Request) -> web.Response:
        data = await _body(request, required=("request_id", "customer_id", "currency", "amount"),
                           optional=("wait_seconds",))
        wait: float | None = None
        if "wait_seconds" in data:
            raw = data["wait_seconds"]
            if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 <= raw <= 300:
                raise InvalidRequest("expected a number of seconds in 0..300", field="wait_seconds")
            wait = float(raw)
        deposit = await self.gateway.deposit(
            _string(data, "request_id"), _string(data, "customer_id"), _string(data, "currency"),
            _amount(data, "amount"), wait=wait,
        )
        return _json_response(deposit.to_json(), 200 if deposit.final else 202)

    async def deposits(self, request: web.Request) -> web.Response:
        query = _query(request, ("customer_id",))
        return _json_response({"deposits": [d.to_json() for d in self.gateway.deposits(query.get("customer_id"))]})

    async def deposit_status(self, request: web.Request) -> web.Response:
        _query(request, ())
        return _json_response(self.gateway.deposit_status(request.match_info["request_id"]).to_json())

    async def withdrawals(self, request: web.Request) -> web.Response:
        query = _query(request, ("customer_id",))
        items = self.gateway.withdrawals(query.get("customer_id"))
        return _json_response({"withdrawals": [w.to_json() for w in items], "ledger_cursor": self.gateway.book.cursor()})

    async def withdrawal(self, request: web.Request) -> web.Response:
        _query(request, ())
        return _json_response(self.gateway.withdrawal(request.match_info["tx_hash"]).to_json())

    async def balances(self, request: web.Request) -> web.Response:
        _query(request, ())
        return _json_response(await self.gateway.balances())

    async def reconcile(self, request: web.Request) -> web.Response:
        _query(request, ())
        report = await self.gateway.reconcile()
        return _json_response(report.to_json())

    async def journal(self, request: web.Request) -> web.Response:
        query = _query(request, ("tx_hash", "customer_id"))
        entries = self.gateway.book.journal(tx_hash=query.get("tx_hash"), customer_id=query.get("customer_id"))
        return _json_response({"entries": [entry.to_json() for entry in entries]})


__all__ = ["MAX_BODY_BYTES", "GatewayApi"]
