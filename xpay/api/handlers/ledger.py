"""ledger, ledger_closed, ledger_current, ledger_entry, ledger_accept (rippled's LedgerHandler,
LedgerClosed, LedgerCurrent, LedgerEntry and LedgerAccept)."""

from __future__ import annotations

from typing import Any, Final

from xpay.amounts import currency_from_code
from xpay.amounts.errors import AmountError
from xpay.api.context import Method, RpcContext
from xpay.api.errors import RpcError, invalid_params
from xpay.api.facade import NotStandalone
from xpay.api.json_forms import (
    close_time_iso,
    entry_json,
    hex_upper,
    ledger_header_json,
    open_ledger_json,
    tx_and_meta_json,
    tx_fields_json,
)
from xpay.api.ledger_spec import LedgerRef, select_ledger
from xpay.api.params import bool_param, is_int, parse_account
from xpay.ledger import keylet
from xpay.ledger.entries import Entry
from xpay.ledger.ledger import serialize_entry
from xpay.protocol.ids import AccountID


def _expanded_tx(
    ref: LedgerRef, tx_id: bytes, blob: bytes, meta: bytes, api_version: int, binary: bool
) -> dict[str, Any]:
    """One transaction of a closed ledger, expanded (LedgerToJson's fillJsonTx)."""
    assert ref.header is not None and ref.hash is not None
    if binary:
        out: dict[str, Any] = {"tx_blob": hex_upper(blob)}
        if api_version > 1:
            out["hash"] = hex_upper(tx_id)
            out["meta_blob"] = hex_upper(meta)
        else:
            out["meta"] = hex_upper(meta)
        return out
    tx_json, meta_json = tx_and_meta_json(blob, meta, ref.seq, ref.header.close_time, api_version)
    if api_version > 1:
        out = {"tx_json": tx_json, "meta": meta_json, "hash": hex_upper(tx_id)}
        out["ledger_hash"] = hex_upper(ref.hash)
        out["validated"] = ref.validated
        if ref.validated:
            out["ledger_index"] = ref.seq
            out["close_time_iso"] = close_time_iso(ref.header.close_time)
        return out
    tx_json["hash"] = hex_upper(tx_id)
    tx_json["metaData"] = meta_json
    return tx_json


def _closed_transactions(ctx: RpcContext, ref: LedgerRef, expand: bool, binary: bool) -> list[Any]:
    if ref.ledger is not None:
        txs = list(ref.ledger.transactions())
    else:
        txs = sorted((r.tx_id, r.tx_blob, r.meta_blob) for r in ctx.node.ledger_transactions(ref.seq))
    if not expand:
        return [hex_upper(tx_id) for tx_id, _, _ in txs]
    return [_expanded_tx(ref, tx_id, blob, meta, ctx.api_version, binary) for tx_id, blob, meta in txs]


def _open_transactions(ctx: RpcContext, expand: bool, binary: bool) -> list[Any]:
    txs = ctx.node.open_ledger_transactions()
    if not expand:
        return [hex_upper(tx_id) for tx_id, _ in txs]
    out: list[Any] = []
    for tx_id, blob in txs:
        if binary:
            item: dict[str, Any] = {"tx_blob": hex_upper(blob)}
            if ctx.api_version > 1:
                item["hash"] = hex_upper(tx_id)
            out.append(item)
        elif ctx.api_version > 1:
            out.append({"tx_json": tx_fields_json(blob), "hash": hex_upper(tx_id), "validated": False})
        else:
            tx_json = tx_fields_json(blob)
            tx_json["hash"] = hex_upper(tx_id)
            out.append(tx_json)
    return out


async def ledger(ctx: RpcContext) -> dict[str, Any]:
    params = ctx.params
    transactions = bool_param(params, "transactions")
    expand = bool_param(params, "expand")
    binary = bool_param(params, "binary")
    full = bool_param(params, "full")
    accounts = bool_param(params, "accounts")
    if (full or accounts) and not ctx.admin:
        raise RpcError("noPermission")
    ref = select_ledger(ctx)
    if ref.is_open:
        parent = ctx.node.closed_ledger()
        body = open_ledger_json(ref.seq, parent.hash, ctx.api_version)
        if transactions or full:
            body["transactions"] = _open_transactions(ctx, expand or full, binary)
        return {"ledger": body, "ledger_current_index": ref.seq, "validated": False}
    assert ref.header is not None and ref.hash is not None
    body = ledger_header_json(ref.header, ref.hash, ctx.api_version)
    if transactions or full:
        body["transactions"] = _closed_transactions(ctx, ref, expand or full, binary)
    if accounts or full:
        if ref.ledger is None:
            raise RpcError("lgrNotFound", "ledgerNotFound")
        body["accountState"] = [
            {"hash": hex_upper(key), "tx_blob": hex_upper(serialize_entry(entry))} if binary else entry_json(entry)
            for key, entry in ref.ledger.state.items()
        ]
    return {"ledger": body, **ref.result_fields()}


async def ledger_closed(ctx: RpcContext) -> dict[str, Any]:
    closed = ctx.node.closed_ledger()
    return {"ledger_hash": hex_upper(closed.hash), "ledger_index": closed.seq}


async def ledger_current(ctx: RpcContext) -> dict[str, Any]:
    return {"ledger_current_index": ctx.node.current_view().seq}


async def ledger_accept(ctx: RpcContext) -> dict[str, Any]:
    try:
        await ctx.node.ledger_accept()
    except NotStandalone:
        raise RpcError("notStandAlone") from None
    return {"ledger_current_index": ctx.node.current_view().seq}


# ledger_entry --------------------------------------------------------------------------------


def _malformed(what: str = "malformedRequest") -> RpcError:
    return invalid_params(what)


def _hex_key(value: Any) -> bytes:
    if not isinstance(value, str) or len(value) != 64:
        raise _malformed()
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise _malformed() from None


def _address(value: Any, what: str = "malformedAddress") -> AccountID:
    account = parse_account(value)
    if account is None:
        raise _malformed(what)
    return account


def _uint(value: Any) -> int:
    if not is_int(value) or not 0 <= value <= 0xFFFFFFFF:
        raise _malformed()
    return int(value)


def _ripple_state_key(value: Any) -> bytes:
    if not isinstance(value, dict):
        raise _malformed()
    accounts = value.get("accounts")
    currency = value.get("currency")
    if not isinstance(accounts, list) or len(accounts) != 2 or not isinstance(currency, str):
        raise _malformed()
    if not all(isinstance(a, str) for a in accounts):
        raise _malformed()
    first = _address(accounts[0])
    second = _address(accounts[1])
    if first == second:
        raise _malformed()
    try:
        code = currency_from_code(currency)
    except (AmountError, TypeError):
        raise _malformed("malformedCurrency") from None
    return keylet.line(first, second, code).key


def _offer_key(value: Any) -> bytes:
    if isinstance(value, str):
        return _hex_key(value)
    if not isinstance(value, dict) or "account" not in value or "seq" not in value:
        raise _malformed()
    return keylet.offer(_address(value["account"]), _uint(value["seq"])).key


def _directory_key(value: Any) -> bytes:
    if isinstance(value, str):
        return _hex_key(value)
    if not isinstance(value, dict):
        raise _malformed()
    sub_index = _uint(value.get("sub_index", 0))
    if "dir_root" in value:
        if "owner" in value:
            raise _malformed("mayNotSpecifyBothDirRootAndOwner")
        root = _hex_key(value["dir_root"])
    elif "owner" in value:
        root = keylet.owner_dir(_address(value["owner"], "malformedOwner")).key
    else:
        raise _malformed("missingOwnerOrDirRoot")
    return keylet.page(root, sub_index).key


_SELECTORS: Final = {
    "index": _hex_key,
    "account_root": lambda v: keylet.account(_address(v)).key,
    "ripple_state": _ripple_state_key,
    "state": _ripple_state_key,
    "offer": _offer_key,
    "directory": _directory_key,
}


async def ledger_entry(ctx: RpcContext) -> dict[str, Any]:
    params = ctx.params
    binary = bool_param(params, "binary")
    key: bytes | None = None
    for name, select in _SELECTORS.items():
        if name in params:
            key = select(params[name])
            break
    if key is None:
        raise invalid_params("No ledger_entry params provided.")
    ref = select_ledger(ctx)
    entry: Entry | None = ref.state().read_key(key)
    if entry is None:
        raise RpcError("entryNotFound", **ref.result_fields())
    out: dict[str, Any] = {"index": hex_upper(key), **ref.result_fields()}
    if binary:
        out["node_binary"] = hex_upper(serialize_entry(entry))
    else:
        out["node"] = entry_json(entry)
    return out


METHODS: Final = {
    "ledger": Method(ledger),
    "ledger_closed": Method(ledger_closed),
    "ledger_current": Method(ledger_current),
    "ledger_entry": Method(ledger_entry),
    "ledger_accept": Method(ledger_accept, admin=True),
}
