"""server_info, server_state, fee, ping, stop: the server's own state (rippled's NetworkOPs
getServerInfo, Fee1.cpp, Ping.cpp, Stop.cpp).

xpay has no fee escalation (no TxQ): the open ledger costs the base fee, load factors are 1 (256
in server_state's fee-level units), and the queue is always empty. Amounts in XRP
(`base_fee_xrp` ...) are JSON numbers as rippled prints them; they are computed from integer drops
for display only.
"""

from __future__ import annotations

import time
from typing import Any, Final

from xpay.api.context import Method, RpcContext
from xpay.api.json_forms import RIPPLE_EPOCH
from xpay.ledger.ledger import Ledger

LOAD_BASE: Final = 256
"""rippled's fee-level unit for one reference transaction at no load."""
EXPECTED_LEDGER_SIZE: Final = 1000
MAX_QUEUE_SIZE: Final = 2000


def complete_ledgers_text(ctx: RpcContext) -> str:
    span = ctx.node.complete_ledgers()
    if span is None:
        return "empty"
    first, last = span
    return str(first) if first == last else f"{first}-{last}"


def _age(ledger: Ledger) -> int:
    now = int(time.time()) - RIPPLE_EPOCH
    return max(0, now - ledger.close_time)


def _xrp(drops: int) -> float:
    # Display only (rippled prints these as JSON numbers); ledger arithmetic never sees it.
    return drops / 1_000_000


def _common(ctx: RpcContext) -> dict[str, Any]:
    node = ctx.node
    info = node.info
    status = node.status()
    out: dict[str, Any] = {
        "build_version": info.build_version,
        "complete_ledgers": complete_ledgers_text(ctx),
        "io_latency_ms": 1,
        "jq_trans_overflow": "0",
        "last_close": {
            # Display only (rippled prints seconds as a JSON number).
            "converge_time_s": status.last_close_converge_time_ms / 1000,
            "proposers": status.last_close_proposers,
        },
        "network_id": info.network_id,
        "peer_disconnects": "0",
        "peer_disconnects_resources": "0",
        "peers": status.peers,
        "pubkey_node": info.node_public_key,
        "server_state": status.server_state,
        "server_state_duration_us": str(status.uptime * 1_000_000),
        "time": time.strftime("%Y-%b-%d %H:%M:%S.000000 UTC", time.gmtime()),
        "uptime": status.uptime,
        "validation_quorum": status.validation_quorum,
    }
    if info.standalone:
        out["standalone"] = True
    return out


async def server_info(ctx: RpcContext) -> dict[str, Any]:
    node = ctx.node
    fees = node.info.fees
    validated = node.validated_ledger()
    info = _common(ctx)
    info["load_factor"] = node.status().load_factor
    info["validated_ledger"] = {
        "age": _age(validated),
        "base_fee_xrp": _xrp(fees.base.drops),
        "hash": validated.hash.hex().upper(),
        "reserve_base_xrp": _xrp(fees.reserve.drops),
        "reserve_inc_xrp": _xrp(fees.increment.drops),
        "seq": validated.seq,
    }
    return {"info": info}


async def server_state(ctx: RpcContext) -> dict[str, Any]:
    node = ctx.node
    fees = node.info.fees
    validated = node.validated_ledger()
    state = _common(ctx)
    state["load_base"] = LOAD_BASE
    state["load_factor"] = LOAD_BASE * node.status().load_factor
    state["load_factor_fee_escalation"] = LOAD_BASE
    state["load_factor_fee_queue"] = LOAD_BASE
    state["load_factor_fee_reference"] = LOAD_BASE
    state["load_factor_server"] = LOAD_BASE
    state["validated_ledger"] = {
        "base_fee": fees.base.drops,
        "close_time": validated.close_time,
        "hash": validated.hash.hex().upper(),
        "reserve_base": fees.reserve.drops,
        "reserve_inc": fees.increment.drops,
        "seq": validated.seq,
    }
    return {"state": state}


async def fee(ctx: RpcContext) -> dict[str, Any]:
    """rippled's fee method (Fee1.cpp / TxQ::doRPC) without escalation: every level is the
    reference level, so the open ledger costs the base fee."""
    node = ctx.node
    base = node.info.fees.base.drops
    view = node.current_view()
    return {
        "current_ledger_size": str(len(node.open_ledger_transactions())),
        "current_queue_size": "0",
        "drops": {
            "base_fee": str(base),
            "median_fee": str(base * 500),
            "minimum_fee": str(base),
            "open_ledger_fee": str(base),
        },
        "expected_ledger_size": str(EXPECTED_LEDGER_SIZE),
        "ledger_current_index": view.seq,
        "levels": {
            "median_level": str(LOAD_BASE * 500),
            "minimum_level": str(LOAD_BASE),
            "open_ledger_level": str(LOAD_BASE),
            "reference_level": str(LOAD_BASE),
        },
        "max_queue_size": str(MAX_QUEUE_SIZE),
    }


async def ping(ctx: RpcContext) -> dict[str, Any]:
    return {"role": "admin"} if ctx.admin else {}


async def stop(ctx: RpcContext) -> dict[str, Any]:
    ctx.node.request_stop()
    return {"message": "xpay server stopping"}


METHODS: Final = {
    "server_info": Method(server_info),
    "server_state": Method(server_state),
    "fee": Method(fee),
    "ping": Method(ping),
    "stop": Method(stop, admin=True),
}
