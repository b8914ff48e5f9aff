"""rippled's JSON forms of ledgers, entries, transactions and metadata, per API version.

The codec's JSON layer gives the fields; this module adds what rippled's RPC layer adds around
them: the ledger header object (LedgerToJson's fillJson), entry `index`, transaction `hash`,
`DeliverMax` (RPC::insertDeliverMax), `delivered_amount` (RPC::insertDeliveredAmount), close
times as rippled prints them, and the CTID (RPC::encodeCTID). API version 1 keeps rippled's older
shapes (`ledger_index` as a string in a ledger object, the transaction's fields at the top level);
version 2 is what xrpl-py speaks (`tx_json`, integers).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Final

from xpay.codec import decode_native, to_json
from xpay.ledger.entries import Entry, to_fields
from xpay.ledger.ledger import CLOSE_FLAG_NO_CONSENSUS_TIME, LedgerHeader
from xpay.protocol.ter import is_tes_success
from xpay.protocol.transaction_types import TransactionType

RIPPLE_EPOCH: Final = 946_684_800
"""The XRPL's epoch (2000-01-01T00:00:00Z) in Unix seconds: network times count from here."""

_PAYMENT = int(TransactionType.Payment)
# Types whose metadata gets a synthesised delivered_amount (rippled's canHaveDeliveredAmount).
_DELIVERING_TYPES: Final = frozenset(
    {_PAYMENT, int(TransactionType.CheckCash), int(TransactionType.AccountDelete)}
)
# rippled prints delivered_amount from the Amount field for ledgers after these (the ledger and
# close time where DeliveredAmount started to be written): earlier ones say "unavailable".
_DELIVERED_AMOUNT_SINCE_LEDGER: Final = 4_594_095
_DELIVERED_AMOUNT_SINCE_TIME: Final = 446_000_000


def hex_upper(data: bytes) -> str:
    return data.hex().upper()


def unix_time(network_time: int) -> int:
    return network_time + RIPPLE_EPOCH


@lru_cache(maxsize=256)
def close_time_iso(network_time: int) -> str:
    """rippled's to_string_iso: "2000-01-01T00:00:10Z". Cached: every transaction of a ledger
    on the streams carries its ledger's close time."""
    return datetime.fromtimestamp(unix_time(network_time), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def close_time_human(network_time: int) -> str:
    """rippled's to_string(NetClock::time_point): "2000-Jan-01 00:00:10.000000000 UTC"."""
    return datetime.fromtimestamp(unix_time(network_time), UTC).strftime("%Y-%b-%d %H:%M:%S.000000000 UTC")


def ledger_index_value(seq: int, api_version: int) -> int | str:
    """A ledger object's `ledger_index`: a string before API version 2."""
    return seq if api_version > 1 else str(seq)


def ledger_header_json(header: LedgerHeader, ledger_hash: bytes, api_version: int) -> dict[str, Any]:
    """A closed ledger's header (LedgerToJson's fillJson)."""
    out: dict[str, Any] = {
        "account_hash": hex_upper(header.account_hash),
        "close_flags": header.close_flags,
        "close_time": header.close_time,
        "close_time_resolution": header.close_time_resolution,
        "closed": True,
        "ledger_hash": hex_upper(ledger_hash),
        "ledger_index": ledger_index_value(header.seq, api_version),
        "parent_close_time": header.parent_close_time,
        "parent_hash": hex_upper(header.parent_hash),
        "total_coins": str(header.total_coins),
        "transaction_hash": hex_upper(header.tx_hash),
    }
    if header.close_time:
        out["close_time_human"] = close_time_human(header.close_time)
        out["close_time_iso"] = close_time_iso(header.close_time)
        if header.close_flags & CLOSE_FLAG_NO_CONSENSUS_TIME:
            out["close_time_estimated"] = True
    return out


def open_ledger_json(seq: int, parent_hash: bytes, api_version: int) -> dict[str, Any]:
    """The open ledger's header: rippled prints only what is known before it closes."""
    return {
        "closed": False,
        "ledger_index": ledger_index_value(seq, api_version),
        "parent_hash": hex_upper(parent_hash),
    }


def entry_json(entry: Entry) -> dict[str, Any]:
    """A ledger entry as rippled prints an SLE: its fields and its `index`."""
    out = to_json(to_fields(entry))
    out["index"] = hex_upper(entry.key)
    return out


def tx_fields_json(tx_blob: bytes) -> dict[str, Any]:
    return to_json(decode_native(tx_blob))


def meta_json(meta_blob: bytes) -> dict[str, Any]:
    return to_json(decode_native(meta_blob))


def insert_deliver_max(tx_json: dict[str, Any], api_version: int) -> None:
    """rippled's insertDeliverMax: a Payment's Amount is also shown as DeliverMax; from API
    version 2 only as DeliverMax."""
    if tx_json.get("TransactionType") == "Payment" and "Amount" in tx_json:
        tx_json["DeliverMax"] = tx_json["Amount"]
        if api_version > 1:
            del tx_json["Amount"]


def delivered_amount(
    tx: dict[str, Any], meta: dict[str, Any], ledger_seq: int, close_time: int
) -> Any | None:
    """rippled's insertDeliveredAmount, over the native forms: what a successful payment
    delivered (JSON form), from its metadata's DeliveredAmount when present, else its Amount (a
    payment that is not partial delivers exactly that); None when the field does not apply."""
    if tx.get("TransactionType") not in _DELIVERING_TYPES:
        return None
    result = meta.get("TransactionResult", -1)
    if not isinstance(result, int) or not is_tes_success(result):
        return None
    delivered = meta.get("DeliveredAmount")
    if delivered is not None:
        return to_json({"DeliveredAmount": delivered})["DeliveredAmount"]
    if "Amount" in tx and (
        ledger_seq >= _DELIVERED_AMOUNT_SINCE_LEDGER or close_time > _DELIVERED_AMOUNT_SINCE_TIME
    ):
        return to_json({"Amount": tx["Amount"]})["Amount"]
    return "unavailable"


def tx_and_meta_json(
    tx_blob: bytes,
    meta_blob: bytes,
    ledger_seq: int,
    close_time: int,
    api_version: int,
    *,
    tx_fields: Mapping[str, Any] | None = None,
    meta_fields: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A transaction's JSON (with DeliverMax, without `hash`) and its metadata's JSON (with
    delivered_amount), as every history method prints them. `tx_fields` / `meta_fields`: the
    blobs' native forms, when the caller has them decoded already."""
    tx: Any = tx_fields if tx_fields is not None else decode_native(tx_blob)
    meta: Any = meta_fields if meta_fields is not None else decode_native(meta_blob)
    tx_json = to_json(tx)
    insert_deliver_max(tx_json, api_version)
    meta_out = to_json(meta)
    delivered = delivered_amount(tx, meta, ledger_seq, close_time)
    if delivered is not None:
        meta_out["delivered_amount"] = delivered
    return tx_json, meta_out


def encode_ctid(ledger_seq: int, tx_index: int, network_id: int) -> str | None:
    """rippled's encodeCTID (XLS-37 concise transaction ID), when the numbers fit."""
    if ledger_seq >= 0x0FFF_FFFF or tx_index > 0xFFFF or network_id >= 0xFFFF:
        return None
    value = ((0xC000_0000 + ledger_seq) << 32) + (tx_index << 16) + network_id
    return f"{value:016X}"
