"""The xpay node a gateway, market maker or demo talks to: over WebSocket (requests, and the
ledger stream to follow validated ledgers) when given a ws:// URL, over HTTP JSON-RPC (following
validated ledgers by polling server_info) when given an http:// one. Both are xpay.client's; this
only picks one by the URL's scheme."""

from __future__ import annotations

from xpay.client import Client, WebSocketClient


def node_client(url: str, *, poll_interval: float = 0.05) -> Client | WebSocketClient:
    """An (unopened) client for the node at `url`: enter it with `async with`."""
    if url.startswith(("http://", "https://")):
        return Client(url, poll_interval=poll_interval)
    return WebSocketClient(url, poll_interval=poll_interval)


__all__ = ["node_client"]
