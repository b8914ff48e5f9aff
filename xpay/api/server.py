"""The API server: JSON-RPC (`POST /`) and WebSocket (`GET /` with an upgrade) on one port, in
rippled's envelopes (rippled's ServerHandler).

JSON-RPC: `{"method": m, "params": [{...}]}` -> `{"result": {..., "status": "success"}}`, or the
error object with `"status": "error"` and the request echoed. HTTP status 200 either way, as
rippled answers RPC errors; transport failures (a body that is not JSON, larger than the limit, a
wrong path or HTTP method) get a 4xx with the same JSON shape. Nothing answers 500.

WebSocket: `{"id": i, "command": m, ...}` -> `{"id": i, "result": {...}, "status": "success",
"type": "response"}` or `{"id": i, "error": ..., "request": {...}, "status": "error",
"type": "response"}`; stream messages arrive on the same socket. Requests on one connection run
concurrently (bounded), and reach the node in the order they arrived: a handler does not await
before handing a command to the node. Each connection has a bounded send queue; a subscriber
that falls behind is disconnected.

Batches: a JSON array of requests — in one WebSocket message, or as one JSON-RPC body — is
answered by one JSON array of the answers, in the same order (JSON-RPC 2.0's batch; rippled's
ServerHandler takes an array body the same way). The elements reach the node in array order, so
a client can send a thousand signed payments in one frame and pay the frame, the parse and the
response's write once. An element that is not a request answers with its own error (a JSON-RPC
element with rippled's error body, a WebSocket element with the error envelope) and changes
nothing; the others proceed. An empty batch, or one larger than `ApiConfig.max_batch`, is refused
whole with `invalidParams` and nothing is executed.

Admin methods are served to loopback clients, and to any client that presents the configured
admin token (`Authorization: Bearer <token>`).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Final

import orjson
from aiohttp import WSMsgType, web

from xpay.api.dispatch import execute
from xpay.api.errors import RpcError
from xpay.api.facade import NodeFacade
from xpay.api.pathfinding_service import PathfindingService, PathfindingServiceConfig
from xpay.api.subscriptions import (
    CLOSE,
    DEFAULT_SEND_QUEUE,
    DEFAULT_SEND_QUEUE_BYTES,
    SLOW_CONSUMER_CLOSE_CODE,
    Subscriber,
    Subscriptions,
    dumps,
)

_log = logging.getLogger(__name__)

LOOPBACK: Final = frozenset({"127.0.0.1", "::1"})
GOING_AWAY: Final = 1001
_TCP_CORK: Final = getattr(socket, "TCP_CORK", None)
CORK_BURST: Final = 16
"""Messages waiting behind the one taken that make a burst worth corking the socket for (two
setsockopt calls; responses trickling one or two at a time are written as they come)."""


@dataclass(frozen=True, slots=True)
class ApiConfig:
    """Where the API listens and its limits."""

    host: str = "127.0.0.1"
    port: int = 0
    """0 picks a free port (see ApiServer.port)."""
    admin_token: str | None = None
    loopback_is_admin: bool = True
    max_body_bytes: int = 4 << 20
    """Largest JSON-RPC body and WebSocket message accepted (a signed transaction is ~300 bytes,
    a submit request ~600 bytes of JSON: a full batch of them fits)."""
    ws_send_queue: int = DEFAULT_SEND_QUEUE
    """Messages queued to one WebSocket before it counts as a slow consumer."""
    ws_send_queue_bytes: int = DEFAULT_SEND_QUEUE_BYTES
    """Bytes queued to one WebSocket before it counts as a slow consumer (a validated ledger's
    transactions are queued at once: this must hold a busy ledger's worth)."""
    ws_inflight: int = 256
    """Requests one WebSocket connection may have in progress at once (a batch counts as one)."""
    max_batch: int = 2_000
    """Most requests in one batch (a JSON array of requests); larger batches are refused whole.
    2,000 signed payments are ~1.2 MB of JSON: keep `max_body_bytes` above what this admits."""
    pathfinding: PathfindingServiceConfig | None = field(default_factory=PathfindingServiceConfig)
    """ripple_path_find and path_find (None: not served, rippled's PATH_SEARCH_MAX = 0)."""


def _error_body(error: RpcError, request: Any = None) -> dict[str, Any]:
    result = error.fields()
    if request is not None:
        result["request"] = request
    result["status"] = "error"
    return result


def _socket_of(request: web.Request) -> Any:
    """The connection's TCP socket (asyncio's TransportSocket), when it can be corked."""
    transport = request.transport
    sock = transport.get_extra_info("socket") if transport is not None else None
    if _TCP_CORK is None or sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return None
    return sock


def _cork(sock: Any, on: bool) -> bool:
    """Linux's TCP_CORK: hold partial segments until uncorked (False where it cannot be set)."""
    try:
        sock.setsockopt(socket.IPPROTO_TCP, _TCP_CORK, 1 if on else 0)
    except OSError:
        return False
    return True


def _json(body: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(body), status=status, content_type="application/json")


class ApiServer:
    """The aiohttp application for one node, as an async context manager."""

    def __init__(self, node: NodeFacade, config: ApiConfig) -> None:
        self.node = node
        self.config = config
        self.pathfinding = None if config.pathfinding is None else PathfindingService(node, config.pathfinding)
        self.subscriptions = Subscriptions(lambda: node.info, self.pathfinding)
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self._unlisten: Callable[[], None] | None = None

    # Lifecycle ---------------------------------------------------------------------------------

    async def __aenter__(self) -> ApiServer:
        app = web.Application(client_max_size=self.config.max_body_bytes, middlewares=[self._errors])
        app.router.add_post("/", self._json_rpc)
        app.router.add_get("/", self._websocket)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, self.config.host, self.config.port)
        await self._site.start()
        self._unlisten = self.node.add_listener(self.subscriptions.on_event)
        if self.pathfinding is not None:
            await self.pathfinding.start()  # the index warms up in the background
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._unlisten is not None:
            self._unlisten()
        for ws in list(self._sockets):
            await ws.close(code=GOING_AWAY, message=b"server stopping")
        if self._runner is not None:
            await self._runner.cleanup()
        if self.pathfinding is not None:
            await self.pathfinding.stop()

    @property
    def port(self) -> int:
        assert self._site is not None and self._runner is not None
        for address in self._runner.addresses:
            return int(address[1])
        raise RuntimeError("the API server is not listening")

    def _is_admin(self, request: web.Request) -> bool:
        token = self.config.admin_token
        if token is not None:
            given = request.headers.get("Authorization", "")
            if given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
                return True
        return self.config.loopback_is_admin and request.remote in LOOPBACK

    # The one renderer of transport-level failures ------------------------------------------

    @web.middleware
    async def _errors(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPRequestEntityTooLarge:
            error = RpcError("invalidParams", f"Request body larger than {self.config.max_body_bytes} bytes.")
            return _json({"result": _error_body(error)}, status=413)
        except web.HTTPException as http:
            if http.status < 400:
                raise
            token = "unknownCmd" if http.status in (404, 405) else "invalidParams"
            error = RpcError(token, f"HTTP {http.status}: {http.reason}")
            return _json({"result": _error_body(error)}, status=http.status)
        except (asyncio.CancelledError, ConnectionResetError):
            raise
        except Exception:
            _log.exception("API transport failure on %s %s", request.method, request.path)
            return _json({"result": _error_body(RpcError("internal"))})

    # JSON-RPC -------------------------------------------------------------------------------

    async def _json_rpc(self, request: web.Request) -> web.Response:
        body = await request.read()
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            return _json({"result": _error_body(RpcError("jsonInvalid"))}, status=400)
        admin = self._is_admin(request)
        if isinstance(payload, list):
            refused = self._batch_refusal(payload)
            if refused is not None:
                return _json({"result": _error_body(refused)}, status=400)
            answers = await asyncio.gather(*(self._rpc_answer(item, admin) for item in payload))
            return _json([answer for _, answer in answers])
        status, answer = await self._rpc_answer(payload, admin)
        return _json(answer, status=status)

    def _batch_refusal(self, batch: list[Any]) -> RpcError | None:
        """Why a batch is refused whole (empty, or larger than the limit), or None."""
        if not batch:
            return RpcError("invalidParams", "A batch holds at least one request.")
        if len(batch) > self.config.max_batch:
            return RpcError(
                "invalidParams", f"A batch holds at most {self.config.max_batch} requests, not {len(batch)}."
            )
        return None

    async def _rpc_answer(self, payload: Any, admin: bool) -> tuple[int, dict[str, Any]]:
        """One JSON-RPC request's answer body and the HTTP status it would have alone."""
        if not isinstance(payload, dict):
            error = RpcError("invalidParams", "A JSON-RPC request is a JSON object.")
            return 400, {"result": _error_body(error)}
        method = payload.get("method")
        if method is None:
            return 400, {"result": _error_body(RpcError("commandMissing"), payload)}
        raw_params = payload.get("params", [{}])
        if (
            not isinstance(raw_params, list)
            or len(raw_params) > 1
            or (raw_params and not isinstance(raw_params[0], dict))
        ):
            error = RpcError("invalidParams", "params unparseable")
            return 400, {"result": _error_body(error, payload)}
        params: dict[str, Any] = dict(raw_params[0]) if raw_params else {}
        ok, result = await execute(self.node, self.subscriptions, method, params, admin=admin)
        if ok:
            result["status"] = "success"
        else:
            result["request"] = {**params, "command": method}
            result["status"] = "error"
        return 200, {"result": result}

    # WebSocket ------------------------------------------------------------------------------

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=self.config.max_body_bytes)
        if not ws.can_prepare(request).ok:
            error = RpcError("invalidParams", "GET / is the WebSocket endpoint; JSON-RPC is POST /.")
            return _json({"result": _error_body(error)}, status=400)
        await ws.prepare(request)
        admin = self._is_admin(request)
        subscriber = Subscriber(
            max_queue=self.config.ws_send_queue,
            max_bytes=self.config.ws_send_queue_bytes,
            remote=request.remote or "",
        )
        inflight = asyncio.Semaphore(self.config.ws_inflight)
        self._sockets.add(ws)
        try:
            async with asyncio.TaskGroup() as group:
                writer = group.create_task(self._ws_writer(ws, subscriber, _socket_of(request)))
                requests: set[asyncio.Task[None]] = set()
                async for message in ws:
                    if message.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                        break
                    await inflight.acquire()
                    task = group.create_task(self._ws_request(message.data, subscriber, admin, inflight))
                    requests.add(task)
                    task.add_done_callback(requests.discard)
                # The peer closed (or was closed): nobody is left to answer.
                for task in (writer, *requests):
                    task.cancel()
        finally:
            self.subscriptions.remove(subscriber)
            self._sockets.discard(ws)
        return ws

    async def _ws_writer(
        self, ws: web.WebSocketResponse, subscriber: Subscriber, sock: Any
    ) -> None:
        """Drain the connection's queue. A burst (a validated ledger's transactions) is written
        with the socket corked, so the kernel sends full segments instead of one per message:
        each message is still its own WebSocket frame."""
        queue = subscriber.queue
        while True:
            message = await subscriber.next()
            corked = sock is not None and queue.qsize() >= CORK_BURST and _cork(sock, True)
            try:
                while True:
                    if message is CLOSE:
                        await ws.close(code=SLOW_CONSUMER_CLOSE_CODE, message=b"slow consumer")
                        return
                    await ws.send_str(message)
                    if not corked or queue.empty():
                        break
                    message = await subscriber.next()
            except ConnectionResetError:
                return
            finally:
                if corked:
                    _cork(sock, False)

    async def _ws_request(self, data: str | bytes, subscriber: Subscriber, admin: bool, inflight: asyncio.Semaphore) -> None:
        try:
            try:
                payload = orjson.loads(data)
            except orjson.JSONDecodeError:
                text = data if isinstance(data, str) else data.decode("utf-8", "replace")
                await subscriber.send(
                    dumps(
                        {
                            "error": "jsonInvalid",
                            "error_message": "Unable to parse the request as JSON.",
                            "status": "error",
                            "type": "error",
                            "value": text[:1024],
                        }
                    )
                )
                return
            if isinstance(payload, list):
                refused = self._batch_refusal(payload)
                if refused is not None:
                    await subscriber.send(dumps({**_error_body(refused), "type": "response"}))
                    return
                # Each element's coroutine reaches the node before the next starts (gather
                # starts them in order), so the batch applies in array order.
                answers = await asyncio.gather(*(self._ws_answer(item, subscriber, admin) for item in payload))
                await subscriber.send(dumps(answers))
                return
            await subscriber.send(dumps(await self._ws_answer(payload, subscriber, admin)))
        finally:
            inflight.release()

    async def _ws_answer(self, payload: Any, subscriber: Subscriber, admin: bool) -> dict[str, Any]:
        """One WebSocket request's response envelope."""
        if not isinstance(payload, dict):
            return {**_error_body(RpcError("invalidParams", "A request is a JSON object.")), "type": "response"}
        command = payload.get("command", payload.get("method"))
        if command is None or (
            "command" in payload and "method" in payload and payload["command"] != payload["method"]
        ):
            token = "missingCommand" if payload.get("api_version") == 2 else "unknownCmd"
            ok, result = False, RpcError(token).fields()
        else:
            ok, result = await execute(
                self.node, self.subscriptions, command, payload, admin=admin, subscriber=subscriber
            )
        envelope: dict[str, Any] = {}
        if "id" in payload:
            envelope["id"] = payload["id"]
        if ok:
            envelope["result"] = result
            envelope["status"] = "success"
        else:
            envelope.update(result)
            envelope["request"] = payload
            envelope["status"] = "error"
        envelope["type"] = "response"
        if "api_version" in payload:
            envelope["api_version"] = payload["api_version"]
        return envelope
