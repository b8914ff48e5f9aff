"""The gateway's errors: what a back-office request or a configuration file did wrong, by name.

Every error the gateway raises on purpose carries a short name (`customerNotFound`), an HTTP
status for the REST API, a human message, and the request field it is about when there is one.
The REST API renders them all through one middleware as `{"error", "message", "field"}`; the
command line prints the message on one line. None of them is raised after the gateway changed
anything: a request that fails, fails before it touches the book or the ledger.
"""

from __future__ import annotations

from typing import Any, ClassVar


class GatewayError(Exception):
    """Base class: a request the gateway refuses, or cannot complete."""

    status: ClassVar[int] = 400
    name: ClassVar[str] = "badRequest"

    def __init__(self, message: str, *, field: str | None = None, details: dict[str, Any] | None = None) -> None:
        self.message = message
        self.field = field
        self.details = details or {}
        super().__init__(f"{field}: {message}" if field else message)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"error": self.name, "message": self.message}
        if self.field is not None:
            out["field"] = self.field
        if self.details:
            out.update(self.details)
        return out


class InvalidRequest(GatewayError):
    """A request that is malformed: a missing or mistyped field, a bad address or amount."""

    name = "invalidRequest"


class UnknownCurrency(GatewayError):
    """A currency this gateway does not issue."""

    name = "unknownCurrency"


class CustomerNotFound(GatewayError):
    status = 404
    name = "customerNotFound"


class RequestNotFound(GatewayError):
    status = 404
    name = "requestNotFound"


class Conflict(GatewayError):
    """A request id (or customer id, or address) already used with other values: the earlier
    request stands, this one changed nothing."""

    status = 409
    name = "conflict"


class NotPermitted(GatewayError):
    """A well-formed request the gateway will not carry out in the customer's current state (not
    approved, frozen, no trust line, a trust line limit too low, an amount above the limit)."""

    status = 422
    name = "notPermitted"


class LedgerRefused(GatewayError):
    """The ledger refused a transaction the gateway submitted (its final result is named)."""

    status = 502
    name = "ledgerRefused"


class NodeUnavailable(GatewayError):
    """The xpay node could not be reached or answered out of shape."""

    status = 503
    name = "nodeUnavailable"


__all__ = [
    "Conflict",
    "CustomerNotFound",
    "GatewayError",
    "InvalidRequest",
    "LedgerRefused",
    "NodeUnavailable",
    "NotPermitted",
    "RequestNotFound",
    "UnknownCurrency",
]
