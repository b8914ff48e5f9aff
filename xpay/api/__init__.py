"""JSON-RPC and WebSocket API in rippled's dialect, over a small node facade."""

from xpay.api.errors import RpcError
from xpay.api.facade import (
    EventListener,
    LedgerClosedEvent,
    NodeBusy,
    NodeEvent,
    NodeFacade,
    NodeInfo,
    NodeStatus,
    NotStandalone,
    SubmitOutcome,
    TransactionEvent,
    TransactionRejected,
)
from xpay.api.server import ApiConfig, ApiServer

__all__ = [
    "ApiConfig",
    "ApiServer",
    "EventListener",
    "LedgerClosedEvent",
    "NodeBusy",
    "NodeEvent",
    "NodeFacade",
    "NodeInfo",
    "NodeStatus",
    "NotStandalone",
    "RpcError",
    "SubmitOutcome",
    "TransactionEvent",
    "TransactionRejected",
]
