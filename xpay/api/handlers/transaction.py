"""tx, submit, sign, wallet_propose (rippled's Tx.cpp, Submit.cpp, SignHandler.cpp,
TransactionSign.cpp and WalletPropose.cpp).

Signing on the server (sign, and submit with a secret) is admin-only, as rippled makes it: the
secret travels to the node. The node autofills what rippled's transactionPreProcess fills: the
Sequence from the open ledger, the Fee (the base fee: xpay has no fee escalation),
SigningPubKey, and NetworkID on networks above 1024. Only Ed25519 keys exist in xpay.
"""

from __future__ import annotations

import hashlib
from typing import Any, Final

from xpay.amounts.errors import AmountError
from xpay.api.context import Method, RpcContext
from xpay.api.errors import RpcError, expected_field, invalid_field, invalid_params, missing_field
from xpay.api.facade import TransactionRejected
from xpay.api.json_forms import (
    close_time_iso,
    encode_ctid,
    hex_upper,
    insert_deliver_max,
    tx_and_meta_json,
    tx_fields_json,
)
from xpay.api.params import bool_param, is_int, parse_account
from xpay.codec import encode_account_public, to_json
from xpay.codec.errors import CodecError
from xpay.crypto import KeyPair, sign_transaction
from xpay.ledger import keylet
from xpay.protocol.ter import engine_result_message, ter_from_code
from xpay.store.records import TxRecord
from xpay.tx.rules import LEGACY_NETWORK_ID_MAX

MAX_TX_RANGE: Final = 1000
"""rippled's tx: at most this many ledgers between min_ledger and max_ledger."""


# tx ---------------------------------------------------------------------------------------------


def _decode_ctid(value: Any) -> tuple[int, int, int]:
    if not isinstance(value, str) or len(value) != 16 or not value.isascii():
        raise invalid_params("invalidParams")
    try:
        number = int(value, 16)
    except ValueError:
        raise invalid_params("invalidParams") from None
    if number >> 60 != 0xC:
        raise invalid_params("invalidParams")
    return (number >> 32) & 0x0FFF_FFFF, (number >> 16) & 0xFFFF, number & 0xFFFF


def _find_by_ctid(ctx: RpcContext, value: Any) -> TxRecord | None:
    seq, index, network = _decode_ctid(value)
    if network != ctx.node.info.network_id:
        raise RpcError(
            "wrongNetwork",
            f"Wrong network. You should submit this request to a node running on NetworkID: {network}",
        )
    for record in ctx.node.ledger_transactions(seq):
        if record.tx_index == index:
            return record
    return None


def _searched_all(ctx: RpcContext) -> bool | None:
    params = ctx.params
    if "min_ledger" not in params or "max_ledger" not in params:
        return None
    low, high = params["min_ledger"], params["max_ledger"]
    if not is_int(low) or not is_int(high) or low < 0 or high < 0:
        raise RpcError("invalidLgrRange")
    if high < low:
        raise RpcError("invalidLgrRange")
    if high - low > MAX_TX_RANGE:
        raise RpcError("excessiveLgrRange")
    span = ctx.node.complete_ledgers()
    return span is not None and span[0] <= low and high <= span[1]


async def tx(ctx: RpcContext) -> dict[str, Any]:
    params = ctx.params
    if "transaction" in params and "ctid" in params:
        raise invalid_params("invalidParams")
    binary = bool_param(params, "binary")
    searched_all = _searched_all(ctx)
    if "transaction" in params:
        value = params["transaction"]
        if not isinstance(value, str) or len(value) != 64:
            raise RpcError("notImpl")  # rippled's answer to a hash that does not parse
        try:
            tx_id = bytes.fromhex(value)
        except ValueError:
            raise RpcError("notImpl") from None
        record = ctx.node.transaction(tx_id)
    elif "ctid" in params:
        record = _find_by_ctid(ctx, params["ctid"])
    else:
        raise invalid_params("invalidParams")
    if record is None:
        if searched_all is not None:
            raise RpcError("txnNotFound", searched_all=searched_all)
        raise RpcError("txnNotFound")
    return _tx_response(ctx, record, binary)


def _tx_response(ctx: RpcContext, record: TxRecord, binary: bool) -> dict[str, Any]:
    api_version = ctx.api_version
    out: dict[str, Any]
    if binary:
        if api_version > 1:
            out = {"tx_blob": hex_upper(record.tx_blob), "meta_blob": hex_upper(record.meta_blob)}
        else:
            out = {"tx": hex_upper(record.tx_blob), "meta": hex_upper(record.meta_blob)}
    else:
        tx_json, meta_json = tx_and_meta_json(
            record.tx_blob, record.meta_blob, record.ledger_seq, record.close_time, api_version
        )
        tx_json["date"] = record.close_time
        if api_version > 1:
            out = {"tx_json": tx_json, "meta": meta_json}
        else:
            out = tx_json
            out["meta"] = meta_json
    out["hash"] = hex_upper(record.tx_id)
    out["ledger_hash"] = hex_upper(record.ledger_hash)
    if api_version > 1:
        if record.validated:
            out["ledger_index"] = record.ledger_seq
            out["close_time_iso"] = close_time_iso(record.close_time)
    else:
        out["inLedger"] = record.ledger_seq
        out["ledger_index"] = record.ledger_seq
        if binary:
            out["date"] = record.close_time
    out["validated"] = record.validated
    ctid = encode_ctid(record.ledger_seq, record.tx_index, ctx.node.info.network_id)
    if ctid is not None:
        out["ctid"] = ctid
    return out


# Keys from request parameters --------------------------------------------------------------------

_SECRET_FIELDS: Final = ("secret", "seed", "seed_hex", "passphrase")


def keypair_param(params: dict[str, Any], *, required: bool = True) -> KeyPair | None:
    """The key pair of the request's secret / seed / seed_hex / passphrase (rippled's
    RPC::keypairForSignature, Ed25519 only)."""
    given = [name for name in _SECRET_FIELDS if name in params]
    if not given:
        if required:
            raise missing_field("secret")
        return None
    if len(given) > 1:
        raise invalid_params("Exactly one of the following must be specified: passphrase, secret, seed or seed_hex")
    key_type = params.get("key_type", "ed25519")
    if key_type != "ed25519":
        raise RpcError("badKeyType")
    name = given[0]
    value = params[name]
    if not isinstance(value, str):
        raise expected_field(name, "string")
    try:
        if name == "seed_hex":
            entropy = bytes.fromhex(value)
            return KeyPair.from_entropy(entropy)
        if name == "passphrase":
            # rippled's generateSeed: the seed is the first 128 bits of SHA-512Half(passphrase).
            return KeyPair.from_entropy(hashlib.sha512(value.encode()).digest()[:16])
        return KeyPair.from_seed(value)
    except (CodecError, ValueError):
        raise RpcError("badSeed") from None


# sign / submit -----------------------------------------------------------------------------------


def sign_request(ctx: RpcContext) -> tuple[bytes, dict[str, Any]]:
    """Autofill and sign the request's tx_json with its secret: (blob, signed tx_json)."""
    params = ctx.params
    if "tx_json" not in params:
        raise missing_field("tx_json")
    given = params["tx_json"]
    if not isinstance(given, dict):
        raise invalid_params("Invalid field 'tx_json', not object.")
    keypair = keypair_param(params)
    assert keypair is not None
    tx_json = dict(given)
    if "TransactionType" not in tx_json:
        raise missing_field("tx_json.TransactionType")
    if "Account" not in tx_json:
        raise RpcError("srcActMissing", "Missing field 'tx_json.Account'.")
    account = parse_account(tx_json["Account"])
    if account is None:
        raise RpcError("srcActMalformed", "Invalid field 'tx_json.Account'.")

    node = ctx.node
    root = node.current_view().read(keylet.account(account))
    if "Sequence" not in tx_json:
        if root is None:
            raise RpcError("srcActNotFound")
        tx_json["Sequence"] = root.sequence
    if "Fee" not in tx_json:
        tx_json["Fee"] = str(node.info.fees.base.drops)
    network_id = node.info.network_id
    if "NetworkID" not in tx_json and network_id > LEGACY_NETWORK_ID_MAX:
        tx_json["NetworkID"] = network_id
    if keypair.account_id != account and (root is None or root.regular_key != keypair.account_id):
        raise RpcError("badSecret")
    try:
        blob_hex, tx_hash = sign_transaction(tx_json, keypair)
    except (CodecError, AmountError, ValueError, TypeError) as error:
        raise invalid_params(f"Invalid field 'tx_json': {error}") from None
    blob = bytes.fromhex(blob_hex)
    signed = tx_fields_json(blob)
    signed["hash"] = tx_hash
    return blob, signed


async def sign(ctx: RpcContext) -> dict[str, Any]:
    blob, tx_json = sign_request(ctx)
    insert_deliver_max(tx_json, ctx.api_version)
    return {"tx_blob": hex_upper(blob), "tx_json": tx_json}


def _blob_param(params: dict[str, Any]) -> bytes:
    value = params["tx_blob"]
    if not isinstance(value, str):
        raise invalid_field("tx_blob")
    try:
        blob = bytes.fromhex(value)
    except ValueError:
        raise RpcError("invalidParams") from None
    if not blob:
        raise RpcError("invalidParams")
    return blob


async def submit(ctx: RpcContext) -> dict[str, Any]:
    """Apply a signed blob (or, admin only, sign tx_json with a secret first) to the open ledger
    and report the preliminary result (rippled's doSubmit)."""
    params = ctx.params
    if "tx_blob" in params:
        blob = _blob_param(params)
        tx_json: dict[str, Any] | None = None
    else:
        if not ctx.admin:
            raise RpcError("noPermission")
        blob, tx_json = sign_request(ctx)
    try:
        outcome = await ctx.node.submit(blob)
    except TransactionRejected as rejected:
        raise RpcError("invalidTransaction", error_exception=rejected.reason) from None
    if tx_json is None:
        tx_json = to_json(outcome.tx_fields)
        tx_json["hash"] = hex_upper(outcome.tx_id)
    insert_deliver_max(tx_json, ctx.api_version)
    result = ter_from_code(outcome.engine_result)
    out: dict[str, Any] = {
        "accepted": outcome.applied or outcome.broadcast or outcome.queued or outcome.kept,
        "applied": outcome.applied,
        "broadcast": outcome.broadcast,
        "engine_result": result.name,
        "engine_result_code": int(result),
        "engine_result_message": engine_result_message(int(result)),
        "kept": outcome.kept,
        "open_ledger_cost": str(outcome.open_ledger_cost),
        "queued": outcome.queued,
        "tx_blob": hex_upper(blob),
        "tx_json": tx_json,
        "validated_ledger_index": outcome.validated_ledger_index,
    }
    if outcome.account_sequence_next is not None:
        out["account_sequence_next"] = outcome.account_sequence_next
    if outcome.account_sequence_available is not None:
        out["account_sequence_available"] = outcome.account_sequence_available
    return out


# wallet_propose ----------------------------------------------------------------------------------


async def wallet_propose(ctx: RpcContext) -> dict[str, Any]:
    keypair = keypair_param(ctx.params, required=False) or KeyPair.generate()
    return {
        "account_id": keypair.address,
        "key_type": "ed25519",
        "master_seed": keypair.seed,
        "master_seed_hex": hex_upper(keypair.seed_entropy),
        "public_key": encode_account_public(keypair.public_key),
        "public_key_hex": hex_upper(keypair.public_key),
    }


METHODS: Final = {
    "tx": Method(tx),
    "submit": Method(submit),
    "sign": Method(sign, admin=True),
    "wallet_propose": Method(wallet_propose, admin=True),
}
