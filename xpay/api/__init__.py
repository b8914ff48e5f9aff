"""JSON-RPC and WebSocket API in rippled's dialect, over a small node facade."""
