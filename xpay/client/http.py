"""Client: the API over HTTP JSON-RPC, as rippled serves it (`POST /`).

A request is `{"method": m, "params": [{...}]}`; the answer is `{"result": {...}}` with
`"status": "success"`, or rippled's error object (`error`, `error_code`, `error_message`,
`"status": "error"`) which becomes an RPCError. rippled answers RPC errors with HTTP 200; a 4xx or
5xx with an error object in it is read the same way, anything else is an UnexpectedResponse.

Use it as an async context manager, which owns the HTTP session:

    async with Client("http://127.0.0.1:5005") as client:
        info = await client.server_info()
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any, Final, Self

import aiohttp
import orjson

from xpay.client.autofill import AutofillPolicy
from xpay.client.errors import ClientError, ConnectionLost, RPCError, UnexpectedResponse
from xpay.client.methods import API_VERSION, DEFAULT_POLL_INTERVAL, APIMethods

DEFAULT_TIMEOUT: Final = 30.0
"""Seconds for one request, connection included."""


class Client(APIMethods):
    """rippled's JSON-RPC over HTTP, typed (see APIMethods for the methods)."""

    def __init__(
        self,
        url: str,
        *,
        api_version: int = API_VERSION,
        timeout: float = DEFAULT_TIMEOUT,
        admin_token: str | None = None,
        autofill_policy: AutofillPolicy | None = None,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
    ) -> None:
        super().__init__(api_version=api_version, autofill_policy=autofill_policy, poll_interval=poll_interval)
        self.url = url
        self.timeout = timeout
        self._headers = {"Content-Type": "application/json"}
        if admin_token is not None:
            self._headers["Authorization"] = f"Bearer {admin_token}"
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise ClientError("this Client is already open")
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def request(self, method: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        session = self._session
        if session is None:
            raise ClientError("use the Client inside `async with Client(url) as client:`")
        body = {"method": method, "params": [{**(params or {}), "api_version": self.api_version}]}
        try:
            async with session.post(self.url, data=orjson.dumps(body), headers=self._headers) as response:
                status = response.status
                payload = await response.read()
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise ConnectionLost(f"{method}: {self.url} unreachable: {error or type(error).__name__}") from error
        try:
            answer = orjson.loads(payload)
        except orjson.JSONDecodeError:
            raise UnexpectedResponse(f"{method}: HTTP {status}, not JSON: {payload[:200]!r}") from None
        result = answer.get("result") if isinstance(answer, dict) else None
        if not isinstance(result, dict):
            raise UnexpectedResponse(f"{method}: HTTP {status}, no result object: {payload[:200]!r}")
        if result.get("status") == "error" or "error" in result:
            raise RPCError.from_result(result, method=method)
        if status != 200:
            raise UnexpectedResponse(f"{method}: HTTP {status} with a successful result")
        return result
