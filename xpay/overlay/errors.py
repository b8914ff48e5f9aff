"""The overlay's named failures.

Each is raised at the overlay's boundary and nowhere inside a receive loop: a receive loop counts
and drops what it cannot use (rippled's PeerImp charges the peer a fee and drops the message; it
never lets one bad frame stop the peer), so these errors only reach callers of `request()`,
`__aenter__` and `decode()`.
"""

from __future__ import annotations


class OverlayError(Exception):
    """Base of every error the overlay raises on purpose."""


class MalformedEnvelope(OverlayError, ValueError):
    """Bytes that are not a well-formed envelope; `offset` is where decoding gave up."""

    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(f"malformed envelope at byte {offset}: {reason}")
        self.reason = reason
        self.offset = offset


class RequestTimeout(OverlayError, TimeoutError):
    """No peer answered a request within its timeout."""


class OverlayClosed(OverlayError):
    """The overlay was closed while a caller was waiting on it."""


class OverlayConnectError(OverlayError, ConnectionError):
    """The transport could not join the network (broker unreachable, credentials refused, TLS)."""


class TooManyRequests(OverlayError):
    """More requests are in flight than the overlay allows; the caller should back off."""
