"""One request, from method name to result or error: rippled's RPC::doCommand.

This is where every failure of a request becomes rippled's error object — an RpcError raised by
a handler, a bad api_version, an unknown method, a non-admin calling an admin method, and any
exception a handler should not have raised (logged, answered "internal": never a stack trace, and
never a changed ledger, as nothing is applied outside the ledger master's own checks). The
transports (xpay.api.server) only wrap the outcome in their envelopes.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Final

from xpay.api.context import Method, RpcContext
from xpay.api.errors import RpcError
from xpay.api.facade import NodeBusy, NodeFacade
from xpay.api.handlers import account, books, gateway, ledger, paths, server, subscribe, transaction
from xpay.api.params import is_int
from xpay.api.subscriptions import Subscriber, Subscriptions

_log = logging.getLogger(__name__)

METHODS: Final[dict[str, Method]] = {
    **server.METHODS,
    **ledger.METHODS,
    **account.METHODS,
    **books.METHODS,
    **paths.METHODS,
    **gateway.METHODS,
    **transaction.METHODS,
    **subscribe.METHODS,
}

API_VERSIONS: Final = (1, 2)
DEFAULT_API_VERSION: Final = 1
"""rippled's default when a request names none (xrpl-py asks for 2)."""


def api_version_of(params: dict[str, Any]) -> int:
    value = params.get("api_version", DEFAULT_API_VERSION)
    if not is_int(value) or value not in API_VERSIONS:
        raise RpcError("invalid_API_version")
    return int(value)


async def execute(
    node: NodeFacade,
    subscriptions: Subscriptions,
    method_name: Any,
    params: dict[str, Any],
    *,
    admin: bool,
    subscriber: Subscriber | None = None,
) -> tuple[bool, dict[str, Any]]:
    """(True, result) or (False, error fields) for one request."""
    try:
        if not isinstance(method_name, str):
            raise RpcError("unknownCmd")
        method = METHODS.get(method_name)
        if method is None:
            raise RpcError("unknownCmd")
        api_version = api_version_of(params)
        if method.admin and not admin:
            raise RpcError("noPermission")
        ctx = RpcContext(
            node=node,
            params=params,
            method=method_name,
            api_version=api_version,
            admin=admin,
            subscriptions=subscriptions,
            subscriber=subscriber,
        )
        return True, await method.handler(ctx)
    except RpcError as error:
        return False, error.fields()
    except NodeBusy:
        return False, RpcError("tooBusy").fields()
    except asyncio.CancelledError:
        raise
    except Exception:
        _log.exception("%s raised on %r", method_name, params)
        return False, RpcError("internal").fields()
