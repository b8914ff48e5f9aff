"""ripple_path_find and path_find (rippled's RipplePathFind.cpp and PathFind.cpp).

`ripple_path_find` asks once: the alternatives for delivering `destination_amount` from
`source_account` to `destination_account`, each with its paths (`paths_computed`) and what the
sender would spend (`source_amount`). Without a ledger it is answered on the latest validated
ledger, which the pathfinding index follows, in rippled's result shape and without ledger fields
(as rippled's default answer); a request that names a closed ledger (`ledger_index`,
`ledger_hash`) is answered on it, with that ledger's fields (rippled's lookupLedger). The open
ledger is not searched: the index is built from closed ledgers.

`path_find` (WebSocket only) keeps a request standing: `create` answers at once with a quick
search and then the node pushes `{"type": "path_find", ...}` after every ledger until `close`,
another `create`, or the connection ends; `status` repeats the last answer.

Both take xpay's optional `search_level` (deeper on request, capped at the node's maximum). A
node without pathfinding answers notSupported, as rippled does with PATH_SEARCH_MAX = 0.
"""

from __future__ import annotations

from typing import Any, Final

from xpay.api.context import Method, RpcContext
from xpay.api.errors import RpcError
from xpay.api.ledger_spec import select_ledger
from xpay.api.pathfinding_service import PathfindingService

_LEDGER_PARAMS: Final = ("ledger", "ledger_index", "ledger_hash")


def _service(ctx: RpcContext) -> PathfindingService:
    service = ctx.subscriptions.pathfinding
    if service is None:
        raise RpcError("notSupported", "Pathfinding is not enabled on this node.")
    return service


async def ripple_path_find(ctx: RpcContext) -> dict[str, Any]:
    service = _service(ctx)
    params = ctx.params
    if not any(name in params for name in _LEDGER_PARAMS):
        return await service.ripple_path_find(params, admin=ctx.admin)
    ref = select_ledger(ctx)
    if ref.is_open:
        raise RpcError(
            "notSupported", "ripple_path_find searches closed ledgers: name a closed one, or none for the latest validated."
        )
    if ref.ledger is None:
        raise RpcError("lgrNotFound", "ledgerNotFound")
    result = await service.ripple_path_find(params, ledger=ref.ledger, admin=ctx.admin)
    result.update(ref.result_fields())
    return result


async def path_find(ctx: RpcContext) -> dict[str, Any]:
    service = _service(ctx)
    if not isinstance(ctx.params.get("subcommand"), str):
        raise RpcError("invalidParams")
    if ctx.subscriber is None:
        raise RpcError("noEvents")
    ctx.subscriber.api_version = ctx.api_version
    return await service.path_find(ctx.subscriber, ctx.params)


METHODS: Final = {
    "ripple_path_find": Method(ripple_path_find),
    "path_find": Method(path_find),
}
