"""RPC errors in rippled's dialect: the tokens, numbers and default messages of ErrorCodes.cpp.

A handler raises `RpcError(...)` with rippled's token; one middleware (xpay.api.server) renders it
in the transport's error shape. Clients match on the token (`actNotFound`), some on the number
(`error_code`: 19), so both are rippled's. `invalidTransaction` is rippled's odd one out: the
submit handler writes it with an `error_exception` text and no code, and so does xpay.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

ERROR_INFO: Final[Mapping[str, tuple[int, str]]] = {
    "badSyntax": (1, "Syntax error."),
    "json_rpc": (2, "JSON-RPC transport error."),
    "forbidden": (3, "Bad credentials."),
    "wrongNetwork": (4, "Wrong network."),
    "noPermission": (6, "You don't have permission for this command."),
    "noEvents": (7, "Current transport does not support events."),
    "tooBusy": (9, "The server is too busy to help you now."),
    "slowDown": (10, "You are placing too much load on the server."),
    "highFee": (11, "Current transaction fee exceeds your limit."),
    "notEnabled": (12, "Not enabled in configuration."),
    "notReady": (13, "Not ready to handle this request."),
    "noClosed": (15, "Closed ledger is unavailable."),
    "noCurrent": (16, "Current ledger is unavailable."),
    "noNetwork": (17, "Not synced to the network."),
    "notSynced": (18, "Not synced to the network."),
    "actNotFound": (19, "Account not found."),
    "lgrNotFound": (21, "Ledger not found."),
    "lgrNotValidated": (22, "Ledger not validated."),
    "masterDisabled": (23, "Master key is disabled."),
    "txnNotFound": (29, "Transaction not found."),
    "invalidHotWallet": (30, "Invalid hotwallet."),
    "invalidParams": (31, "Invalid parameters."),
    "unknownCmd": (32, "Unknown method."),
    "noPathRequest": (33, "No pathfinding request in progress."),
    "actMalformed": (35, "Account malformed."),
    "badIssuer": (41, "Issuer account malformed."),
    "badMarket": (42, "No such market."),
    "badSecret": (43, "Secret does not match account."),
    "badSeed": (44, "Disallowed seed."),
    "commandMissing": (47, "Missing command entry."),
    "dstActMalformed": (48, "Destination account is malformed."),
    "dstActMissing": (49, "Destination account not provided."),
    "dstActNotFound": (50, "Destination account not found."),
    "dstAmtMalformed": (51, "Destination amount/currency/issuer is malformed."),
    "dstAmtMissing": (52, "Destination amount/currency/issuer is missing."),
    "dstIsrMalformed": (53, "Destination issuer is malformed."),
    "lgrIdxsInvalid": (57, "Ledger indexes invalid."),
    "lgrIdxMalformed": (58, "Ledger index malformed."),
    "publicMalformed": (62, "Public key is malformed."),
    "signingMalformed": (63, "Signing of transaction is malformed."),
    "sendMaxMalformed": (64, "SendMax amount malformed."),
    "srcActMalformed": (65, "Source account is malformed."),
    "srcActMissing": (66, "Source account not provided."),
    "srcActNotFound": (67, "Source account not found."),
    "srcCurMalformed": (69, "Source currency is malformed."),
    "srcIsrMalformed": (70, "Source issuer is malformed."),
    "malformedStream": (71, "Stream malformed."),
    "internal": (73, "Internal error."),
    "notImpl": (74, "Not implemented."),
    "notSupported": (75, "Operation not supported."),
    "badKeyType": (76, "Bad key type."),
    "dbDeserialization": (77, "Database deserialization error."),
    "excessiveLgrRange": (78, "Ledger range exceeds 1000."),
    "invalidLgrRange": (79, "Ledger range is invalid."),
    "objectNotFound": (92, "The requested object was not found."),
    "issueMalformed": (93, "Issue is malformed."),
    "entryNotFound": (98, "Entry not found."),
    "unexpectedLedgerType": (99, "Unexpected ledger type."),
    # rippled answers a bad api_version with this token (ServerHandler); the number is
    # invalidParams', as the request's parameters are what is wrong.
    "invalid_API_version": (31, "API version must be an integer between 1 and 2."),
}

NO_CODE_ERRORS: Final[Mapping[str, str | None]] = {
    "invalidTransaction": None,
    "jsonInvalid": "Unable to parse the request as JSON.",
    "missingCommand": "Missing command entry.",
    "notStandAlone": "Operation valid in standalone mode only.",
}
"""Errors rippled writes as a bare token, without a number (submit's invalidTransaction comes
with `error_exception`; the message given here, if any, is xpay's)."""


class RpcError(Exception):
    """An RPC error with rippled's token; `message` overrides the default message, `extra`
    adds fields to the error object (rippled's `error_exception`, `searched_all`, ...)."""

    def __init__(self, token: str, message: str | None = None, **extra: Any) -> None:
        if token not in ERROR_INFO and token not in NO_CODE_ERRORS:
            raise ValueError(f"unknown RPC error token {token!r}")
        self.token = token
        self.message = message
        self.extra = extra
        super().__init__(f"{token}: {message or ''}")

    def fields(self) -> dict[str, Any]:
        """The error's fields as rippled writes them: error, error_code, error_message, extras."""
        out: dict[str, Any] = {"error": self.token}
        info = ERROR_INFO.get(self.token)
        if info is not None:
            out["error_code"] = info[0]
            out["error_message"] = self.message if self.message is not None else info[1]
        else:
            message = self.message if self.message is not None else NO_CODE_ERRORS[self.token]
            if message is not None:
                out["error_message"] = message
        out.update(self.extra)
        return out


def invalid_params(message: str) -> RpcError:
    return RpcError("invalidParams", message)


def missing_field(name: str) -> RpcError:
    """rippled's missing_field_error."""
    return RpcError("invalidParams", f"Missing field '{name}'.")


def invalid_field(name: str) -> RpcError:
    """rippled's invalid_field_error."""
    return RpcError("invalidParams", f"Invalid field '{name}'.")


def expected_field(name: str, kind: str) -> RpcError:
    """rippled's expected_field_error: "Invalid field 'limit', not unsigned integer."."""
    return RpcError("invalidParams", f"Invalid field '{name}', not {kind}.")
