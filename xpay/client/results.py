"""Typed views of rippled's answers: what a query, a submission or a stream message says.

Each view reads the fields a bank or market maker acts on, checks their types, and keeps the whole
answer in `raw` for the rest. Amounts become STAmounts, value texts exact Decimals. API versions 1
and 2 are both read (version 2 moved a transaction's fields under `tx_json`, renamed a Payment's
Amount to DeliverMax, and moved `hash` and `ledger_index` to the top). A field that is missing or
of the wrong type is an UnexpectedResponse naming it: the node did not answer in rippled's shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xpay.amounts import STAmount
from xpay.client.amount import amount_from_json, value_decimal
from xpay.client.errors import InvalidInput, UnexpectedResponse
from xpay.client.path import Path, paths_from_json

Raw = Mapping[str, Any]


# --- reading fields ------------------------------------------------------------------------------


def _missing(what: str, name: str, value: Any = None) -> UnexpectedResponse:
    if value is None:
        return UnexpectedResponse(f"{what}: no {name!r} in the answer")
    return UnexpectedResponse(f"{what}: {name!r} is {value!r:.80}")


def _obj(raw: Any, what: str) -> Raw:
    if not isinstance(raw, Mapping):
        raise UnexpectedResponse(f"{what}: expected an object, got {type(raw).__name__}")
    return raw


def _int(raw: Raw, name: str, what: str) -> int:
    value = raw.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)  # rippled prints some counters as strings (fee's levels and sizes)
    raise _missing(what, name, value)


def _signed_int(raw: Raw, name: str, what: str) -> int:
    value = raw.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _missing(what, name, value)


def _opt_int(raw: Raw, name: str, what: str) -> int | None:
    return None if raw.get(name) is None else _int(raw, name, what)


def _str(raw: Raw, name: str, what: str) -> str:
    value = raw.get(name)
    if isinstance(value, str):
        return value
    raise _missing(what, name, value)


def _opt_str(raw: Raw, name: str, what: str) -> str | None:
    return None if raw.get(name) is None else _str(raw, name, what)


def _bool(raw: Raw, name: str) -> bool:
    return raw.get(name) is True


def _amount(raw: Raw, name: str, what: str) -> STAmount:
    try:
        return amount_from_json(raw.get(name), field=name)
    except InvalidInput as error:
        raise UnexpectedResponse(f"{what}: {error}") from None


def _opt_amount(raw: Raw, name: str, what: str) -> STAmount | None:
    return None if raw.get(name) is None else _amount(raw, name, what)


def _decimal(raw: Raw, name: str, what: str) -> Decimal:
    try:
        return value_decimal(raw.get(name), field=name)
    except InvalidInput as error:
        raise UnexpectedResponse(f"{what}: {error}") from None


def _ledger_index(raw: Raw) -> int | None:
    """The ledger an answer is about: ledger_index (closed), or ledger_current_index (open)."""
    for name in ("ledger_index", "ledger_current_index"):
        value = raw.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
    return None


# --- accounts ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """account_info: an account's AccountRoot (rippled's AccountInfo.cpp)."""

    account: str
    balance: STAmount
    """XRP, in drops."""
    sequence: int
    """The Sequence the account's next transaction must have."""
    owner_count: int
    flags: int
    regular_key: str | None
    ledger_index: int | None
    validated: bool
    raw: Raw = field(compare=False, repr=False)

    @classmethod
    def from_result(cls, result: Raw) -> AccountInfo:
        what = "account_info"
        data = _obj(result.get("account_data"), f"{what}.account_data")
        return cls(
            account=_str(data, "Account", what),
            balance=_amount(data, "Balance", what),
            sequence=_int(data, "Sequence", what),
            owner_count=_int(data, "OwnerCount", what),
            flags=_int(data, "Flags", what),
            regular_key=_opt_str(data, "RegularKey", what),
            ledger_index=_ledger_index(result),
            validated=_bool(result, "validated"),
            raw=result,
        )


@dataclass(frozen=True, slots=True)
class TrustLine:
    """One line of account_lines, seen from the account asked about (rippled's AccountLines):
    a positive balance means the account holds the peer's currency, a negative one that the
    peer holds the account's."""

    peer: str
    currency: str
    balance: Decimal
    limit: Decimal
    """The most of the peer's currency the account is willing to hold."""
    limit_peer: Decimal
    quality_in: int
    quality_out: int
    no_ripple: bool
    no_ripple_peer: bool
    authorized: bool
    peer_authorized: bool
    freeze: bool
    freeze_peer: bool
    raw: Raw = field(compare=False, repr=False)

    @classmethod
    def from_json(cls, line: Any) -> TrustLine:
        what = "account_lines.lines[]"
        line = _obj(line, what)
        return cls(
            peer=_str(line, "account", what),
            currency=_str(line, "currency", what),
            balance=_decimal(line, "balance", what),
            limit=_decimal(line, "limit", what),
            limit_peer=_decimal(line, "limit_peer", what),
            quality_in=_opt_int(line, "quality_in", what) or 0,
            quality_out=_opt_int(line, "quality_out", what) or 0,
            no_ripple=_bool(line, "no_ripple"),
            no_ripple_peer=_bool(line, "no_ripple_peer"),
            authorized=_bool(line, "authorized"),
            peer_authorized=_bool(line, "peer_authorized"),
            freeze=_bool(line, "freeze"),
            freeze_peer=_bool(line, "freeze_peer"),
            raw=line,
        )


@dataclass(frozen=True, slots=True)
class AccountOffer:
    """One offer of account_offers (rippled's AccountOffers)."""

    seq: int
    """The Sequence of the OfferCreate that placed it: what OfferCancel names."""
    flags: int
    taker_gets: STAmount
    taker_pays: STAmount
    quality: str
    expiration: int | None
    raw: Raw = field(compare=False, repr=False)

    @classmethod
    def from_json(cls, offer: Any) -> AccountOffer:
        what = "account_offers.offers[]"
        offer = _obj(offer, what)
        return cls(
            seq=_int(offer, "seq", what),
            flags=_int(offer, "flags", what),
            taker_gets=_amount(offer, "taker_gets", what),
            taker_pays=_amount(offer, "taker_pays", what),
            quality=_str(offer, "quality", what),
            expiration=_opt_int(offer, "expiration", what),
            raw=offer,
        )


@dataclass(frozen=True, slots=True)
class BookOffer:
    """One offer of book_offers: the Offer ledger entry, plus what its owner can actually fund
    (rippled's OrderBookDB / NetworkOPs::getBookPage)."""

    account: str
    sequence: int
    taker_gets: STAmount
    taker_pays: STAmount
    quality: str
    owner_funds: str | None
    taker_gets_funded: STAmount | None
    """Present when the owner cannot fund the whole offer."""
    taker_pays_funded: STAmount | None
    index: str | None
    raw: Raw = field(compare=False, repr=False)

    @classmethod
    def from_json(cls, offer: Any) -> BookOffer:
        what = "book_offers.offers[]"
        offer = _obj(offer, what)
        return cls(
            account=_str(offer, "Account", what),
            sequence=_int(offer, "Sequence", what),
            taker_gets=_amount(offer, "TakerGets", what),
            taker_pays=_amount(offer, "TakerPays", what),
            quality=str(offer.get("quality", "")),
            owner_funds=_opt_str(offer, "owner_funds", what),
            taker_gets_funded=_opt_amount(offer, "taker_gets_funded", what),
            taker_pays_funded=_opt_amount(offer, "taker_pays_funded", what),
            index=_opt_str(offer, "index", what),
            raw=offer,
        )


@dataclass(frozen=True, slots=True)
class CurrencyBalance:
    currency: str
    value: Decimal


@dataclass(frozen=True, slots=True)
class GatewayBalances:
    """gateway_balances: what an issuer owes, by currency, and to whom (rippled's
    GatewayBalances.cpp). `obligations` excludes the hot wallets, whose balances are listed in
    `balances`."""

    account: str
    obligations: Mapping[str, Decimal]
    balances: Mapping[str, tuple[CurrencyBalance, ...]]
    assets: Mapping[str, tuple[CurrencyBalance, ...]]
    frozen_balances: Mapping[str, tuple[CurrencyBalance, ...]]
    ledger_index: int | None
    validated: bool
    raw: Raw = field(compare=False, repr=False)

    @classmethod
    def from_result(cls, result: Raw) -> GatewayBalances:
        what = "gateway_balances"
        obligations_raw = _obj(result.get("obligations", {}), f"{what}.obligations")
        obligations = {
            currency: _decimal(obligations_raw, currency, what) for currency in obligations_raw
        }

        def per_account(name: str) -> dict[str, tuple[CurrencyBalance, ...]]:
            table = _obj(result.get(name, {}), f"{what}.{name}")
            out: dict[str, tuple[CurrencyBalance, ...]] = {}
            for address, items in table.items():
                if not isinstance(items, list):
                    raise _missing(what, name, items)
                out[address] = tuple(
                    CurrencyBalance(_str(_obj(item, what), "currency", what), _decimal(item, "value", what))
                    for item in items
                )
            return out

        return cls(
            account=_str(result, "account", what),
            obligations=obligations,
            balances=per_account("balances"),
            assets=per_account("assets"),
            frozen_balances=per_account("frozen_balances"),
            ledger_index=_ledger_index(result),
            validated=_bool(result, "validated"),
            raw=result,
        )


# --- transactions --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """submit: the node's preliminary result of applying the transaction to its open ledger
    (rippled's Submit.cpp). Not final: only a validated ledger is."""

    engine_result: str
    engine_result_code: int
    engine_result_message: str
    hash: str
    accepted: bool | None
    applied: bool | None
    queued: bool | None
    kept: bool | None
    broadcast: bool | None
    validated_ledger_index: int | None
    account_sequence_next: int | None
    raw: Raw = field(compare=False, repr=False)

    @classmethod
    def from_result(cls, result: Raw) -> SubmitResult:
        what = "submit"
        tx_json = _obj(result.get("tx_json", {}), f"{what}.tx_json")

        def flag(name: str) -> bool | None:
            value = result.get(name)
            return value if isinstance(value, bool) else None

        return cls(
            engine_result=_str(result, "engine_result", what),
            engine_result_code=_signed_int(result, "engine_result_code", what),
            engine_result_message=str(result.get("engine_result_message", "")),
            hash=str(tx_json.get("hash", "")).upper(),
            accepted=flag("accepted"),
            applied=flag("applied"),
            queued=flag("queued"),
            kept=flag("kept"),
            broadcast=flag("broadcast"),
            validated_ledger_index=_opt_int(result, "validated_ledger_index", what),
            account_sequence_next=_opt_int(result, "account_sequence_next", what),
            raw=result,
        )


@dataclass(frozen=True, slots=True)
class TransactionRecord:
    """A transaction in a ledger, with its metadata: what `tx`, `account_tx`, the transaction
    streams and submit_and_wait return. `engine_result` is the result recorded in the metadata
    (final when `validated`)."""

    hash: str
    ledger_index: int | None
    validated: bool
    engine_result: str | None
    tx_json: Raw = field(compare=False)
    meta: Raw | None = field(compare=False)
    date: int | None = None
    raw: Raw = field(default_factory=dict, compare=False, repr=False)

    @property
    def succeeded(self) -> bool:
        return self.engine_result == "tesSUCCESS"

    @property
    def transaction_type(self) -> str | None:
        value = self.tx_json.get("TransactionType")
        return value if isinstance(value, str) else None

    @property
    def delivered_amount(self) -> STAmount | None:
        """What a Payment actually delivered (metadata's delivered_amount): with partial payments
        it may be less than Amount. None when unknown."""
        if self.meta is None:
            return None
        value = self.meta.get("delivered_amount", self.meta.get("DeliveredAmount"))
        if value is None or value == "unavailable":
            return None
        try:
            return amount_from_json(value, field="delivered_amount")
        except InvalidInput as error:
            raise UnexpectedResponse(str(error)) from None

    @property
    def affected_nodes(self) -> tuple[Raw, ...]:
        if self.meta is None:
            return ()
        nodes = self.meta.get("AffectedNodes", ())
        return tuple(node for node in nodes if isinstance(node, Mapping))

    @classmethod
    def _build(cls, raw: Raw, tx_json: Raw, meta: Any, hash_value: Any, ledger_index: Any, what: str) -> TransactionRecord:
        if not isinstance(hash_value, str):
            raise _missing(what, "hash", hash_value)
        meta_obj = meta if isinstance(meta, Mapping) else None
        result = meta_obj.get("TransactionResult") if meta_obj is not None else None
        if not isinstance(ledger_index, int) or isinstance(ledger_index, bool):
            ledger_index = None
        date = tx_json.get("date", raw.get("date"))
        return cls(
            hash=hash_value.upper(),
            ledger_index=ledger_index,
            validated=_bool(raw, "validated"),
            engine_result=result if isinstance(result, str) else raw.get("engine_result"),
            tx_json=tx_json,
            meta=meta_obj,
            date=date if isinstance(date, int) and not isinstance(date, bool) else None,
            raw=raw,
        )

    @classmethod
    def from_tx_result(cls, result: Raw) -> TransactionRecord:
        """The answer of `tx` (API v1: the transaction's fields at the top; v2: under tx_json)."""
        what = "tx"
        if "tx_json" in result:
            tx_json = _obj(result["tx_json"], f"{what}.tx_json")
            hash_value = result.get("hash", tx_json.get("hash"))
        else:
            tx_json = {k: v for k, v in result.items() if k[:1].isupper()}
            hash_value = result.get("hash")
        ledger_index = result.get("ledger_index", result.get("inLedger", tx_json.get("ledger_index")))
        return cls._build(result, tx_json, result.get("meta"), hash_value, ledger_index, what)

    @classmethod
    def from_account_tx_entry(cls, entry: Any) -> TransactionRecord:
        """One entry of account_tx's `transactions` (v1: `tx`; v2: `tx_json` and `hash`)."""
        what = "account_tx.transactions[]"
        entry = _obj(entry, what)
        if "tx_json" in entry:
            tx_json = _obj(entry["tx_json"], what)
            hash_value = entry.get("hash", tx_json.get("hash"))
            ledger_index = entry.get("ledger_index", tx_json.get("ledger_index"))
        else:
            tx_json = _obj(entry.get("tx"), what)
            hash_value = tx_json.get("hash")
            ledger_index = tx_json.get("ledger_index", entry.get("ledger_index"))
        return cls._build(entry, tx_json, entry.get("meta"), hash_value, ledger_index, what)

    @classmethod
    def from_stream(cls, message: Raw) -> TransactionRecord:
        """A `transaction` message of the transactions, accounts or books streams."""
        what = "transaction stream"
        if "tx_json" in message:
            tx_json = _obj(message["tx_json"], what)
            hash_value = message.get("hash", tx_json.get("hash"))
        else:
            tx_json = _obj(message.get("transaction"), what)
            hash_value = tx_json.get("hash")
        return cls._build(message, tx_json, message.get("meta"), hash_value, message.get("ledger_index"), what)


# --- ledgers and the server ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LedgerInfo:
    """`ledger`: a ledger's header, and its transactions when asked for (rippled's LedgerHandler)."""

    ledger_index: int
    ledger_hash: str | None
    """None for the open ledger, which has no hash yet."""
    parent_hash: str | None
    close_time: int | None
    closed: bool
    validated: bool
    transactions: tuple[Any, ...]
    raw: Raw = field(compare=False, repr=False)

    @classmethod
    def from_result(cls, result: Raw) -> LedgerInfo:
        what = "ledger"
        ledger = _obj(result.get("ledger"), f"{what}.ledger")
        index = _ledger_index(ledger)
        if index is None:
            index = _ledger_index(result)
        if index is None:
            raise _missing(what, "ledger_index")
        transactions = ledger.get("transactions", [])
        return cls(
            ledger_index=index,
            ledger_hash=_opt_str(result, "ledger_hash", what) or _opt_str(ledger, "ledger_hash", what),
            parent_hash=_opt_str(ledger, "parent_hash", what),
            close_time=_opt_int(ledger, "close_time", what),
            closed=_bool(ledger, "closed"),
            validated=_bool(result, "validated"),
            transactions=tuple(transactions) if isinstance(transactions, list) else (),
            raw=result,
        )


@dataclass(frozen=True, slots=True)
class LedgerClosed:
    """A message of the `ledger` stream: a ledger was validated (rippled's pubLedger). The
    subscribe answer for the stream has the same fields, for the latest ledger."""

    ledger_index: int
    ledger_hash: str
    ledger_time: int
    fee_base: int
    reserve_base: int
    reserve_inc: int
    txn_count: int | None
    validated_ledgers: str | None
    network_id: int | None
    raw: Raw = field(compare=False, repr=False)

    @classmethod
    def from_stream(cls, message: Raw) -> LedgerClosed:
        what = "ledger stream"
        return cls(
            ledger_index=_int(message, "ledger_index", what),
            ledger_hash=_str(message, "ledger_hash", what),
            ledger_time=_int(message, "ledger_time", what),
            fee_base=_int(message, "fee_base", what),
            reserve_base=_int(message, "reserve_base", what),
            reserve_inc=_int(message, "reserve_inc", what),
            txn_count=_opt_int(message, "txn_count", what),
            validated_ledgers=_opt_str(message, "validated_ledgers", what),
            network_id=_opt_int(message, "network_id", what),
            raw=message,
        )


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """server_info (rippled's NetworkOPs::getServerInfo): what autofill and submit_and_wait need,
    and the rest in `raw`."""

    build_version: str
    server_state: str
    complete_ledgers: str
    network_id: int | None
    validated_ledger_index: int | None
    validated_ledger_hash: str | None
    standalone: bool
    raw: Raw = field(compare=False, repr=False)

    @classmethod
    def from_result(cls, result: Raw) -> ServerInfo:
        what = "server_info"
        info = _obj(result.get("info"), f"{what}.info")
        validated = info.get("validated_ledger")
        validated = validated if isinstance(validated, Mapping) else {}
        return cls(
            build_version=str(info.get("build_version", "")),
            server_state=str(info.get("server_state", "")),
            complete_ledgers=str(info.get("complete_ledgers", "")),
            network_id=_opt_int(info, "network_id", what),
            validated_ledger_index=_opt_int(validated, "seq", what),
            validated_ledger_hash=_opt_str(validated, "hash", what),
            standalone=_bool(info, "standalone"),
            raw=result,
        )


@dataclass(frozen=True, slots=True)
class FeeInfo:
    """fee (rippled's TxQ::doRPC): the cost of a reference transaction, in drops, now."""

    base_fee: int
    median_fee: int
    minimum_fee: int
    open_ledger_fee: int
    ledger_current_index: int
    current_ledger_size: int | None
    current_queue_size: int | None
    expected_ledger_size: int | None
    max_queue_size: int | None
    raw: Raw = field(compare=False, repr=False)

    @classmethod
    def from_result(cls, result: Raw) -> FeeInfo:
        what = "fee"
        drops_ = _obj(result.get("drops"), f"{what}.drops")
        return cls(
            base_fee=_int(drops_, "base_fee", what),
            median_fee=_int(drops_, "median_fee", what),
            minimum_fee=_int(drops_, "minimum_fee", what),
            open_ledger_fee=_int(drops_, "open_ledger_fee", what),
            ledger_current_index=_int(result, "ledger_current_index", what),
            current_ledger_size=_opt_int(result, "current_ledger_size", what),
            current_queue_size=_opt_int(result, "current_queue_size", what),
            expected_ledger_size=_opt_int(result, "expected_ledger_size", what),
            max_queue_size=_opt_int(result, "max_queue_size", what),
            raw=result,
        )


# --- paths ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PathAlternative:
    """One way to pay: the paths, and what the sender would spend on them."""

    source_amount: STAmount
    paths: tuple[Path, ...]


@dataclass(frozen=True, slots=True)
class PathFindResult:
    """ripple_path_find (rippled's RipplePathFind): alternatives to deliver an amount."""

    alternatives: tuple[PathAlternative, ...]
    destination_account: str | None
    destination_currencies: tuple[str, ...]
    raw: Raw = field(compare=False, repr=False)

    @classmethod
    def from_result(cls, result: Raw) -> PathFindResult:
        what = "ripple_path_find"
        alternatives = []
        for item in result.get("alternatives", []):
            item = _obj(item, f"{what}.alternatives[]")
            try:
                paths = paths_from_json(item.get("paths_computed", []))
            except InvalidInput as error:
                raise UnexpectedResponse(f"{what}: {error}") from None
            alternatives.append(PathAlternative(_amount(item, "source_amount", what), paths))
        currencies = result.get("destination_currencies", [])
        return cls(
            alternatives=tuple(alternatives),
            destination_account=_opt_str(result, "destination_account", what),
            destination_currencies=tuple(c for c in currencies if isinstance(c, str)),
            raw=result,
        )


__all__ = [
    "AccountInfo",
    "AccountOffer",
    "BookOffer",
    "CurrencyBalance",
    "FeeInfo",
    "GatewayBalances",
    "LedgerClosed",
    "LedgerInfo",
    "PathAlternative",
    "PathFindResult",
    "ServerInfo",
    "SubmitResult",
    "TransactionRecord",
]
