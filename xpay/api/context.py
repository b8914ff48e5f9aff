"""What a method handler gets: the node, the request's parameters, who is asking and how."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xpay.api.facade import NodeFacade

if TYPE_CHECKING:
    from xpay.api.subscriptions import Subscriber, Subscriptions


@dataclass(slots=True)
class RpcContext:
    """One request: rippled's RPC::JsonContext."""

    node: NodeFacade
    params: dict[str, Any]
    method: str
    api_version: int
    admin: bool
    subscriptions: Subscriptions
    subscriber: Subscriber | None = None
    """The WebSocket connection that sent the request (None over JSON-RPC)."""


Handler = Callable[[RpcContext], Awaitable[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class Method:
    """A method of the API: its handler and whether only an admin may call it."""

    handler: Handler
    admin: bool = False
