"""Path search over a read view: graph, search, ranking by xpay.flow, exhaustive reference.

The node-facing entry point is `pathfinding.engine.PathfindingEngine` (the index kept per closed
ledger, ripple_path_find, path_find); `pathfinding.request.ripple_path_find` is the same method as
a function of an index. Errors are `pathfinding.request.PathRequestError` with rippled's tokens.
"""
