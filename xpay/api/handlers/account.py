"""account_info, account_lines, account_objects, account_tx (rippled's AccountInfo, AccountLines,
AccountObjects and AccountTx handlers).

account_lines and account_objects walk the account's owner directory page by page (as rippled's
forEachItemAfter does), so a page costs what it returns, not the size of the directory. Their
marker is rippled's "<key of the last item returned>,<page it sits on>": the next page resumes
right after that item, and a marker whose item is gone, or belongs to someone else, is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from xpay.amounts import currency_to_code
from xpay.api.context import Method, RpcContext
from xpay.api.errors import RpcError, expected_field, invalid_field, invalid_params
from xpay.api.json_forms import close_time_iso, encode_ctid, entry_json, hex_upper, tx_and_meta_json
from xpay.api.ledger_spec import LedgerRef, select_ledger
from xpay.api.params import (
    ACCOUNT_LINES,
    ACCOUNT_OBJECTS,
    ACCOUNT_TX,
    account_param,
    bool_param,
    is_int,
    limit_param,
    parse_account,
)
from xpay.codec import encode_account_id
from xpay.ledger import keylet
from xpay.ledger.entries import AccountRoot, DirectoryNode, Entry, LedgerHashes, Offer, RippleState
from xpay.ledger.views import ReadView
from xpay.protocol import flags as f
from xpay.protocol.ids import AccountID
from xpay.store.records import AccountTxMarker, TxRecord

# rippled's account_flags (AccountInfo.cpp), the flags xpay's AccountRoot can carry.
_ACCOUNT_FLAGS: Final = (
    ("defaultRipple", f.lsfDefaultRipple),
    ("depositAuth", f.lsfDepositAuth),
    ("disableMasterKey", f.lsfDisableMaster),
    ("disallowIncomingXRP", f.lsfDisallowXRP),
    ("globalFreeze", f.lsfGlobalFreeze),
    ("noFreeze", f.lsfNoFreeze),
    ("passwordSpent", f.lsfPasswordSpent),
    ("requireAuthorization", f.lsfRequireAuth),
    ("requireDestinationTag", f.lsfRequireDestTag),
    ("disallowIncomingTrustline", f.lsfDisallowIncomingTrustline),
)

# account_objects `type` filter: rippled's short names, and the entry types xpay stores for them.
_OBJECT_TYPES: Final[dict[str, tuple[type, ...]]] = {
    "state": (RippleState,),
    "offer": (Offer,),
    "directory": (DirectoryNode,),
    "account": (AccountRoot,),
    "hashes": (LedgerHashes,),
}
_OTHER_OBJECT_TYPES: Final = frozenset(
    {
        "amendments", "amm", "bridge", "check", "credential", "delegate", "deposit_preauth", "did",
        "escrow", "fee", "mpt_issuance", "mptoken", "nft_offer", "nft_page", "nunl", "oracle",
        "payment_channel", "permissioned_domain", "signer_list", "ticket", "vault",
        "xchain_owned_claim_id", "xchain_owned_create_account_claim_id",
    }
)


def account_root(view: ReadView, account: AccountID, ref: LedgerRef) -> AccountRoot:
    """The account's root, or actNotFound (with the account and ledger, as rippled answers)."""
    root = view.read(keylet.account(account))
    if root is None:
        raise RpcError("actNotFound", account=encode_account_id(account), **ref.result_fields())
    return root


# account_info ---------------------------------------------------------------------------------


async def account_info(ctx: RpcContext) -> dict[str, Any]:
    params = ctx.params
    name = "account" if "account" in params or "ident" not in params else "ident"
    account = account_param(params, name)
    signer_lists = bool_param(params, "signer_lists")
    bool_param(params, "queue")
    ref = select_ledger(ctx)
    root = account_root(ref.state(), account, ref)
    data = entry_json(root)
    out: dict[str, Any] = {
        "account_data": data,
        "account_flags": {flag: bool(root.flags & bit) for flag, bit in _ACCOUNT_FLAGS},
        **ref.result_fields(),
    }
    if signer_lists:
        # xpay has no multi-signing: every account's signer list is empty.
        if ctx.api_version > 1:
            out["signer_lists"] = []
        else:
            data["signer_lists"] = []
    return out


# Walking the owner directory -----------------------------------------------------------------


def _parse_marker(value: Any) -> tuple[bytes, int]:
    if not isinstance(value, str):
        raise expected_field("marker", "string")
    key_hex, sep, page_text = value.partition(",")
    if not sep or len(key_hex) != 64 or not page_text.isascii() or not page_text.isdigit():
        raise invalid_field("marker")
    try:
        key = bytes.fromhex(key_hex)
    except ValueError:
        raise invalid_field("marker") from None
    return key, int(page_text)


def _related(entry: Entry, account: AccountID) -> bool:
    """rippled's isRelatedToAccount: the marker's entry belongs to this account."""
    if isinstance(entry, RippleState):
        return account in (entry.low_account, entry.high_account)
    if isinstance(entry, Offer):
        return entry.account == account
    return False


def owner_items(view: ReadView, account: AccountID, marker: Any) -> Iterator[tuple[int, Entry]]:
    """(page, entry) for every item of the owner directory, after the marker's item when one is
    given (rippled's forEachItemAfter)."""
    root = keylet.owner_dir(account).key
    page = 0
    after: bytes | None = None
    if marker is not None:
        after, page = _parse_marker(marker)
        entry = view.read_key(after)
        if entry is None or not _related(entry, account):
            raise invalid_field("marker")
    while True:
        node = view.read(keylet.page(root, page))
        if node is None:
            if after is not None:
                raise invalid_field("marker")
            return
        for key in node.indexes:
            if after is not None:
                if key == after:
                    after = None
                continue
            entry = view.read_key(key)
            if entry is not None:
                yield page, entry
        if after is not None:
            raise invalid_field("marker")  # the marker's item is not on the page it names
        page = node.index_next or 0
        if page == 0:
            return


def owner_page(
    items: Iterator[tuple[int, Entry]], keep: type | tuple[type, ...], limit: int, extra: Any = None
) -> tuple[list[Entry], str | None]:
    """Up to `limit` entries of the wanted types, and the marker for the rest (if any)."""
    out: list[Entry] = []
    last_page = 0
    for page, entry in items:
        if not isinstance(entry, keep) or (extra is not None and not extra(entry)):
            continue
        if len(out) == limit:
            last = out[-1]
            return out, f"{hex_upper(last.key)},{last_page}"
        out.append(entry)
        last_page = page
    return out, None


# account_lines ----------------------------------------------------------------------------------


def line_json(line: RippleState, account: AccountID) -> dict[str, Any]:
    """One trust line from `account`'s side (rippled's PathFindTrustLine / addLine)."""
    low = line.low_account == account
    balance = line.balance if low else -line.balance
    own_limit, peer_limit = (line.low_limit, line.high_limit) if low else (line.high_limit, line.low_limit)
    quality_in = (line.low_quality_in if low else line.high_quality_in) or 0
    quality_out = (line.low_quality_out if low else line.high_quality_out) or 0
    own = (f.lsfLowAuth, f.lsfLowNoRipple, f.lsfLowFreeze)
    peer = (f.lsfHighAuth, f.lsfHighNoRipple, f.lsfHighFreeze)
    if not low:
        own, peer = peer, own
    flags = line.flags
    out: dict[str, Any] = {
        "account": encode_account_id(line.high_account if low else line.low_account),
        "balance": balance.value_text(),
        "currency": currency_to_code(line.currency),
        "limit": own_limit.value_text(),
        "limit_peer": peer_limit.value_text(),
        "quality_in": quality_in,
        "quality_out": quality_out,
    }
    # rippled names a flag only when it is set.
    if flags & own[0]:
        out["authorized"] = True
    if flags & peer[0]:
        out["peer_authorized"] = True
    if flags & own[1]:
        out["no_ripple"] = True
    if flags & peer[1]:
        out["no_ripple_peer"] = True
    if flags & own[2]:
        out["freeze"] = True
    if flags & peer[2]:
        out["freeze_peer"] = True
    return out


async def account_lines(ctx: RpcContext) -> dict[str, Any]:
    params = ctx.params
    account = account_param(params)
    peer: AccountID | None = None
    if params.get("peer") is not None:
        peer = parse_account(params["peer"])
        if peer is None:
            raise RpcError("actMalformed")
    limit = limit_param(params, ACCOUNT_LINES, ctx.admin)
    ignore_default = bool_param(params, "ignore_default")
    ref = select_ledger(ctx)
    view = ref.state()
    account_root(view, account, ref)

    def wanted(entry: Entry) -> bool:
        assert isinstance(entry, RippleState)
        if peer is not None and peer not in (entry.low_account, entry.high_account):
            return False
        if ignore_default:
            # Lines this account holds no reserve for are in their default state on its side.
            reserve = f.lsfLowReserve if entry.low_account == account else f.lsfHighReserve
            return bool(entry.flags & reserve)
        return True

    lines, marker = owner_page(owner_items(view, account, params.get("marker")), RippleState, limit, wanted)
    out: dict[str, Any] = {
        "account": encode_account_id(account),
        "lines": [line_json(line, account) for line in lines if isinstance(line, RippleState)],
        **ref.result_fields(),
    }
    if marker is not None:
        out["limit"] = limit
        out["marker"] = marker
    return out


# account_objects --------------------------------------------------------------------------------


async def account_objects(ctx: RpcContext) -> dict[str, Any]:
    params = ctx.params
    account = account_param(params)
    limit = limit_param(params, ACCOUNT_OBJECTS, ctx.admin)
    keep: tuple[type, ...] = (RippleState, Offer)
    if params.get("type") is not None:
        name = params["type"]
        if not isinstance(name, str) or (name not in _OBJECT_TYPES and name not in _OTHER_OBJECT_TYPES):
            raise invalid_field("type")
        keep = _OBJECT_TYPES.get(name, ())
    deletion_blockers_only = bool_param(params, "deletion_blockers_only")
    if deletion_blockers_only:
        # rippled: trust lines and offers do not block AccountDelete's deletion of the account
        # (they are deleted with it); xpay stores no blockers.
        keep = ()
    ref = select_ledger(ctx)
    view = ref.state()
    account_root(view, account, ref)
    objects, marker = owner_page(owner_items(view, account, params.get("marker")), keep, limit)
    out: dict[str, Any] = {
        "account": encode_account_id(account),
        "account_objects": [entry_json(entry) for entry in objects],
        **ref.result_fields(),
    }
    if "limit" in params:
        out["limit"] = limit
    if marker is not None:
        out["marker"] = marker
    return out


# account_tx -------------------------------------------------------------------------------------


def _ledger_bound(params: dict[str, Any], name: str) -> int | None:
    """ledger_index_min / ledger_index_max: an integer, -1 (or absent) meaning no bound."""
    if name not in params:
        return None
    value = params[name]
    if not is_int(value):
        raise invalid_field(name)
    return None if value < 0 else int(value)


def _tx_marker(value: Any) -> AccountTxMarker:
    if (
        not isinstance(value, dict)
        or not is_int(value.get("ledger"))
        or not is_int(value.get("seq"))
        or not 0 <= value["ledger"] <= 0xFFFF_FFFF
        or not 0 <= value["seq"] <= 0xFFFF_FFFF
    ):
        raise invalid_params(
            "invalid marker. Provide ledger index via ledger field, and transaction sequence "
            "number via seq field"
        )
    return AccountTxMarker(ledger_seq=int(value["ledger"]), tx_index=int(value["seq"]))


def _history_json(ctx: RpcContext, record: TxRecord, binary: bool) -> dict[str, Any]:
    """One transaction of account_tx (AccountTx.cpp's populateJsonResponse)."""
    api_version = ctx.api_version
    if binary:
        out: dict[str, Any] = {"tx_blob": hex_upper(record.tx_blob), "ledger_index": record.ledger_seq}
        out["meta_blob" if api_version > 1 else "meta"] = hex_upper(record.meta_blob)
        out["validated"] = True
        return out
    tx_json, meta_json = tx_and_meta_json(
        record.tx_blob, record.meta_blob, record.ledger_seq, record.close_time, api_version
    )
    tx_json["date"] = record.close_time
    if api_version > 1:
        return {
            "close_time_iso": close_time_iso(record.close_time),
            "hash": hex_upper(record.tx_id),
            "ledger_hash": hex_upper(record.ledger_hash),
            "ledger_index": record.ledger_seq,
            "meta": meta_json,
            "tx_json": tx_json,
            "validated": True,
        }
    tx_json["hash"] = hex_upper(record.tx_id)
    tx_json["inLedger"] = record.ledger_seq
    tx_json["ledger_index"] = record.ledger_seq
    ctid = encode_ctid(record.ledger_seq, record.tx_index, ctx.node.info.network_id)
    if ctid is not None:
        tx_json["ctid"] = ctid
    return {"meta": meta_json, "tx": tx_json, "validated": True}


async def account_tx(ctx: RpcContext) -> dict[str, Any]:
    params = ctx.params
    v2 = ctx.api_version > 1
    for name in ("binary", "forward"):
        if name in params and not isinstance(params[name], bool):
            raise invalid_field(name)
    limit = limit_param(params, ACCOUNT_TX, ctx.admin)
    binary = bool(params.get("binary", False))
    forward = bool(params.get("forward", False))
    account = account_param(params)
    has_range = "ledger_index_min" in params or "ledger_index_max" in params
    has_ledger = "ledger_index" in params or "ledger_hash" in params
    if v2 and has_range and has_ledger:
        raise invalid_params("invalidParams")

    span = ctx.node.complete_ledgers()
    if span is None:
        raise RpcError("notSynced" if v2 else "lgrIdxsInvalid")
    first, last = span
    if has_range or not has_ledger:
        low = _ledger_bound(params, "ledger_index_min")
        high = _ledger_bound(params, "ledger_index_max")
        if v2 and ((high is not None and high > last) or (low is not None and low != 0 and low < first)):
            raise RpcError("lgrIdxMalformed")
        min_seq = max(first, low) if low is not None else first
        max_seq = min(last, high) if high is not None else last
        if max_seq < min_seq:
            raise RpcError("invalidLgrRange" if v2 else "lgrIdxsInvalid")
    else:
        ref = select_ledger(ctx)
        if ref.is_open or not ref.validated or not first <= ref.seq <= last:
            raise RpcError("lgrNotValidated")
        min_seq = max_seq = ref.seq

    marker = _tx_marker(params["marker"]) if "marker" in params else None
    page = ctx.node.account_transactions(
        account, min_seq, max_seq, forward=forward, limit=limit, marker=marker
    )
    out: dict[str, Any] = {
        "account": params["account"],
        "ledger_index_min": min_seq,
        "ledger_index_max": max_seq,
        "limit": limit,
        "transactions": [_history_json(ctx, record, binary) for record in page.transactions],
        "validated": True,
    }
    if page.marker is not None:
        out["marker"] = {"ledger": page.marker.ledger_seq, "seq": page.marker.tx_index}
    return out


METHODS: Final = {
    "account_info": Method(account_info),
    "account_lines": Method(account_lines),
    "account_objects": Method(account_objects),
    "account_tx": Method(account_tx),
}
