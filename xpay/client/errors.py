"""The SDK's exceptions: rippled's RPC errors by name, engine results by name, and the SDK's own
failures (bad input caught before sending, a transaction that expired, a lost connection).

Every exception the SDK raises on purpose is a `ClientError`. An RPC error carries rippled's token
(`actNotFound`), number (19) and message, as rippled's ErrorCodes.cpp names them; a transaction
that did not succeed carries its engine result (`tecPATH_DRY`) as TER.cpp names it. Callers match
on those names, never on message text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ClientError(Exception):
    """Base class of everything the SDK raises on purpose."""


class InvalidInput(ClientError, ValueError):
    """Bad input caught locally, before anything was sent: a malformed address, amount, currency
    or field value. `field` names the XRPL field when there is one (`Amount`, `Destination`)."""

    def __init__(self, reason: str, *, field: str | None = None) -> None:
        self.reason = reason
        self.field = field
        super().__init__(f"{field}: {reason}" if field else reason)


class MalformedTransaction(InvalidInput):
    """A transaction the SDK refuses to build or sign, because a node would refuse it too.

    `result` is the result code a node would answer (rippled's preflight: `temBAD_AMOUNT`,
    `temINVALID_FLAG`, `telBAD_DOMAIN`, ...) where there is one, so a caller can tell this apart
    from the same failure reported by the node.
    """

    def __init__(self, reason: str, *, field: str | None = None, result: str | None = None) -> None:
        self.result = result
        super().__init__(reason, field=field)
        if result is not None:
            self.args = (f"{self.args[0]} ({result})",)


class RPCError(ClientError):
    """An error answer from the node, as rippled writes it: `error` (the token, here `name`),
    `error_code` and `error_message`. `result` keeps the whole error object (rippled adds fields
    such as `searched_all` or `error_exception`)."""

    def __init__(
        self,
        name: str,
        code: int | None = None,
        message: str | None = None,
        *,
        method: str | None = None,
        result: Mapping[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.code = code
        self.message = message
        self.method = method
        self.result: Mapping[str, Any] = result if result is not None else {}
        text = name if code is None else f"{name} ({code})"
        if message:
            text = f"{text}: {message}"
        if method:
            text = f"{method}: {text}"
        super().__init__(text)

    @classmethod
    def from_result(cls, result: Mapping[str, Any], *, method: str | None = None) -> RPCError:
        """The error in a rippled error result (`{"error": ..., "error_code": ..., ...}`)."""
        name = result.get("error")
        code = result.get("error_code")
        message = result.get("error_message")
        exception = result.get("error_exception")
        if not isinstance(message, str):
            message = exception if isinstance(exception, str) else None
        return cls(
            name if isinstance(name, str) else "unknownError",
            code if isinstance(code, int) and not isinstance(code, bool) else None,
            message,
            method=method,
            result=result,
        )


class UnexpectedResponse(ClientError):
    """The node answered something that is not rippled's shape for the method asked (a missing
    field, a body that is not JSON, an HTTP error without an RPC error in it)."""


class ConnectionLost(ClientError, ConnectionError):
    """The request could not be completed over the transport: the node could not be reached, or
    the connection dropped before the answer came. A request that was sent may or may not have
    been executed (resubmitting a signed transaction is safe: it has one hash)."""


class FeeTooHigh(ClientError):
    """Autofill would set a fee above the caller's limit (rippled's `highFee` for server-side
    signing)."""

    def __init__(self, fee_drops: int, max_fee_drops: int) -> None:
        self.fee_drops = fee_drops
        self.max_fee_drops = max_fee_drops
        super().__init__(
            f"the network asks {fee_drops} drops for a transaction, above the limit of "
            f"{max_fee_drops} drops"
        )


class TransactionFailed(ClientError):
    """A transaction did not succeed: its final result in a validated ledger is not tesSUCCESS
    (a `tec` code: the fee was charged), or the node refused it outright with a result that is
    final on its own (a `tem` code: malformed, it can never succeed).

    `validated` says which: True when `engine_result` is the result recorded in a validated
    ledger, False when it is the node's preliminary answer to the submission.
    """

    def __init__(
        self,
        engine_result: str,
        *,
        engine_result_code: int | None = None,
        engine_result_message: str | None = None,
        tx_hash: str | None = None,
        validated: bool = False,
        ledger_index: int | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> None:
        self.engine_result = engine_result
        self.engine_result_code = engine_result_code
        self.engine_result_message = engine_result_message
        self.tx_hash = tx_hash
        self.validated = validated
        self.ledger_index = ledger_index
        self.meta = meta
        where = f"in validated ledger {ledger_index}" if validated else "on submission"
        text = f"transaction {tx_hash or '?'} failed {where}: {engine_result}"
        if engine_result_message:
            text = f"{text} ({engine_result_message})"
        super().__init__(text)


class TransactionExpired(ClientError, TimeoutError):
    """A validated ledger reached the transaction's LastLedgerSequence without including it: the
    transaction can never be included in any ledger (rippled refuses it with tefMAX_LEDGER past
    that sequence), so its failure is final.

    `preliminary_result` is what the node answered when it was submitted (`tefMAX_LEDGER` when it
    was already too late, `terPRE_SEQ` when it waited for an earlier sequence, ...).
    """

    def __init__(
        self,
        tx_hash: str,
        *,
        last_ledger_sequence: int,
        validated_ledger_index: int,
        preliminary_result: str | None,
    ) -> None:
        self.tx_hash = tx_hash
        self.last_ledger_sequence = last_ledger_sequence
        self.validated_ledger_index = validated_ledger_index
        self.preliminary_result = preliminary_result
        super().__init__(
            f"transaction {tx_hash} expired: validated ledger {validated_ledger_index} reached its "
            f"LastLedgerSequence {last_ledger_sequence} without it "
            f"(preliminary result {preliminary_result or 'unknown'})"
        )


class SubscriptionOverflow(ClientError):
    """A subscription's queue filled up because its consumer did not keep up; the subscription
    ended rather than let memory grow (as a node disconnects a slow WebSocket subscriber)."""
