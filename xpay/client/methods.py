"""rippled's API methods, typed, over any transport: HTTP JSON-RPC (Client) and WebSocket
(WebSocketClient) implement `request`, this class everything above it.

Queries return the typed views of xpay.client.results; the ones rippled pages with a `marker`
(account_lines, account_objects, account_offers, account_tx) are async iterators that fetch the
next page when the caller gets to it. Every request names its API version (2 unless the client
was made with another), so answers have one shape.

Arguments are checked before anything is sent (a malformed address is an InvalidInput here, not
an actMalformed from the node); everything the node refuses is an RPCError with rippled's name.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Final, Literal, TypeAlias, TypeVar

from xpay.amounts import Issue, STAmount
from xpay.client.amount import account_id, amount_to_json, issue_to_json
from xpay.client.autofill import AutofillPolicy, autofill
from xpay.client.errors import InvalidInput, UnexpectedResponse
from xpay.client.reliable_submission import ValidatedLedgers, submit_and_wait
from xpay.client.results import (
    AccountInfo,
    AccountOffer,
    BookOffer,
    FeeInfo,
    GatewayBalances,
    LedgerInfo,
    PathFindResult,
    ServerInfo,
    SubmitResult,
    TransactionRecord,
    TrustLine,
)
from xpay.client.transactions.transaction import Transaction
from xpay.client.wallet import SignedTransaction, Wallet

LedgerSpec: TypeAlias = int | Literal["validated", "closed", "current"]
"""A ledger by index, or by rippled's shortcut names."""
API_VERSION: Final = 2
DEFAULT_POLL_INTERVAL: Final = 0.25
"""Seconds between server_info polls while waiting for a ledger over HTTP."""

T = TypeVar("T", bound=Transaction)
Item = TypeVar("Item")


def _ledger_params(ledger_index: LedgerSpec | None) -> dict[str, Any]:
    if ledger_index is None:
        return {}
    if isinstance(ledger_index, bool) or not (
        (isinstance(ledger_index, int) and ledger_index > 0) or ledger_index in ("validated", "closed", "current")
    ):
        raise InvalidInput(
            f"{ledger_index!r} is not a ledger index nor validated / closed / current", field="ledger_index"
        )
    return {"ledger_index": ledger_index}


def _page_size(page_size: int | None) -> dict[str, Any]:
    if page_size is None:
        return {}
    if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
        raise InvalidInput(f"{page_size!r} is not a positive page size", field="limit")
    return {"limit": page_size}


def _address(value: str, field: str) -> str:
    account_id(value, field=field)
    return value


def _hash(value: str, field: str) -> str:
    if not isinstance(value, str) or len(value) != 64:
        raise InvalidInput(f"{value!r:.80} is not a 64-hex-digit hash", field=field)
    try:
        bytes.fromhex(value)
    except ValueError:
        raise InvalidInput(f"{value!r} is not a 64-hex-digit hash", field=field) from None
    return value.upper()


class APIMethods(ABC):
    """The typed API. Subclasses supply `request` (and may supply a better ledger watch)."""

    def __init__(self, *, api_version: int = API_VERSION, autofill_policy: AutofillPolicy | None = None,
                 poll_interval: float = DEFAULT_POLL_INTERVAL) -> None:
        if api_version not in (1, 2):
            raise InvalidInput(f"API version {api_version!r}: xpay speaks 1 and 2", field="api_version")
        self.api_version = api_version
        self.autofill_policy = autofill_policy or AutofillPolicy()
        self.poll_interval = poll_interval
        self._network_id: int | None = None
        self._network_id_known = False

    @abstractmethod
    async def request(self, method: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Call `method` with `params`; the result object, or RPCError with rippled's name."""

    def _forget_server(self) -> None:
        """Forget what was learnt about the server (after reconnecting, it may be another)."""
        self._network_id_known = False
        self._network_id = None

    # --- server ------------------------------------------------------------------------------

    async def server_info(self) -> ServerInfo:
        return ServerInfo.from_result(await self.request("server_info"))

    async def fee(self) -> FeeInfo:
        return FeeInfo.from_result(await self.request("fee"))

    async def network_id(self) -> int | None:
        """The node's network ID (server_info), asked once per connection."""
        if not self._network_id_known:
            self._network_id = (await self.server_info()).network_id
            self._network_id_known = True
        return self._network_id

    async def ledger(self, ledger_index: LedgerSpec = "validated", *, transactions: bool = False,
                     expand: bool = False) -> LedgerInfo:
        params: dict[str, Any] = {**_ledger_params(ledger_index), "transactions": transactions, "expand": expand}
        return LedgerInfo.from_result(await self.request("ledger", params))

    async def ledger_current(self) -> int:
        """The index of the open ledger."""
        result = await self.request("ledger_current")
        value = result.get("ledger_current_index")
        if not isinstance(value, int):
            raise UnexpectedResponse(f"ledger_current: ledger_current_index is {value!r}")
        return value

    async def ledger_accept(self) -> int:
        """Close the open ledger now (admin, standalone nodes only: rippled's ledger_accept);
        returns the index of the new open ledger."""
        result = await self.request("ledger_accept")
        value = result.get("ledger_current_index")
        if not isinstance(value, int):
            raise UnexpectedResponse(f"ledger_accept: ledger_current_index is {value!r}")
        return value

    # --- accounts ----------------------------------------------------------------------------

    async def account_info(self, account: str, *, ledger_index: LedgerSpec | None = None) -> AccountInfo:
        params = {"account": _address(account, "account"), **_ledger_params(ledger_index)}
        return AccountInfo.from_result(await self.request("account_info", params))

    def account_lines(self, account: str, *, peer: str | None = None, ledger_index: LedgerSpec | None = None,
                      page_size: int | None = None) -> AsyncIterator[TrustLine]:
        """The account's trust lines (with one peer, when given), page by page."""
        params: dict[str, Any] = {"account": _address(account, "account"), **_ledger_params(ledger_index),
                                  **_page_size(page_size)}
        if peer is not None:
            params["peer"] = _address(peer, "peer")
        return self._paged("account_lines", params, "lines", TrustLine.from_json)

    def account_objects(self, account: str, *, type: str | None = None, ledger_index: LedgerSpec | None = None,
                        page_size: int | None = None) -> AsyncIterator[Mapping[str, Any]]:
        """The ledger entries the account owns (of one rippled `type`: "state", "offer", ...),
        as rippled's JSON objects, page by page."""
        params: dict[str, Any] = {"account": _address(account, "account"), **_ledger_params(ledger_index),
                                  **_page_size(page_size)}
        if type is not None:
            params["type"] = type
        return self._paged("account_objects", params, "account_objects", _as_object)

    def account_offers(self, account: str, *, ledger_index: LedgerSpec | None = None,
                       page_size: int | None = None) -> AsyncIterator[AccountOffer]:
        params = {"account": _address(account, "account"), **_ledger_params(ledger_index), **_page_size(page_size)}
        return self._paged("account_offers", params, "offers", AccountOffer.from_json)

    def account_tx(self, account: str, *, ledger_index_min: int = -1, ledger_index_max: int = -1,
                   forward: bool = False, page_size: int | None = None) -> AsyncIterator[TransactionRecord]:
        """The account's transactions in validated ledgers, newest first (oldest first with
        forward=True), page by page (-1: from the earliest / to the latest available)."""
        for name, value in (("ledger_index_min", ledger_index_min), ("ledger_index_max", ledger_index_max)):
            if isinstance(value, bool) or not isinstance(value, int) or value < -1:
                raise InvalidInput(f"{value!r} is not a ledger index or -1", field=name)
        params = {"account": _address(account, "account"), "ledger_index_min": ledger_index_min,
                  "ledger_index_max": ledger_index_max, "forward": bool(forward), **_page_size(page_size)}
        return self._paged("account_tx", params, "transactions", TransactionRecord.from_account_tx_entry,
                           pin_ledger=False)

    async def gateway_balances(self, account: str, *, hotwallets: Iterable[str] = (),
                               ledger_index: LedgerSpec | None = None) -> GatewayBalances:
        params: dict[str, Any] = {"account": _address(account, "account"), **_ledger_params(ledger_index)}
        wallets = [_address(wallet, "hotwallet") for wallet in hotwallets]
        if wallets:
            params["hotwallet"] = wallets
        return GatewayBalances.from_result(await self.request("gateway_balances", params))

    # --- the exchange ------------------------------------------------------------------------

    async def book_offers(self, taker_gets: Issue, taker_pays: Issue, *, taker: str | None = None,
                          limit: int | None = None, ledger_index: LedgerSpec | None = None) -> list[BookOffer]:
        """The offers of one order book, best rate first: those giving `taker_gets` for
        `taker_pays` (rippled's book_offers)."""
        for name, value in (("taker_gets", taker_gets), ("taker_pays", taker_pays)):
            if not isinstance(value, Issue):
                raise InvalidInput(f"expected an Issue (issue('USD', 'r…')), not {type(value).__name__}", field=name)
        params: dict[str, Any] = {"taker_gets": issue_to_json(taker_gets), "taker_pays": issue_to_json(taker_pays),
                                  **_ledger_params(ledger_index), **_page_size(limit)}
        if taker is not None:
            params["taker"] = _address(taker, "taker")
        result = await self.request("book_offers", params)
        offers = result.get("offers")
        if not isinstance(offers, list):
            raise UnexpectedResponse(f"book_offers: offers is {offers!r:.80}")
        return [BookOffer.from_json(offer) for offer in offers]

    async def ripple_path_find(self, source_account: str, destination_account: str,
                               destination_amount: STAmount, *, send_max: STAmount | None = None,
                               source_currencies: Iterable[Issue] = (),
                               ledger_index: LedgerSpec | None = None) -> PathFindResult:
        """Paths from the source to deliver `destination_amount` (rippled's ripple_path_find)."""
        if type(destination_amount) is not STAmount or (send_max is not None and type(send_max) is not STAmount):
            raise InvalidInput("amounts are STAmounts (drops(), xrp() or iou())", field="destination_amount")
        params: dict[str, Any] = {
            "source_account": _address(source_account, "source_account"),
            "destination_account": _address(destination_account, "destination_account"),
            "destination_amount": amount_to_json(destination_amount),
            **_ledger_params(ledger_index),
        }
        if send_max is not None:
            params["send_max"] = amount_to_json(send_max)
        currencies = [issue_to_json(currency) for currency in source_currencies]
        if currencies:
            params["source_currencies"] = currencies
        return PathFindResult.from_result(await self.request("ripple_path_find", params))

    # --- transactions ------------------------------------------------------------------------

    async def tx(self, tx_hash: str, *, min_ledger: int | None = None, max_ledger: int | None = None) -> TransactionRecord:
        """A transaction by hash; RPCError txnNotFound when the node has none (with a ledger
        range, its `result["searched_all"]` says whether the node holds every ledger in it)."""
        params: dict[str, Any] = {"transaction": _hash(tx_hash, "transaction"), "binary": False}
        if min_ledger is not None and max_ledger is not None:
            params["min_ledger"] = min_ledger
            params["max_ledger"] = max_ledger
        return TransactionRecord.from_tx_result(await self.request("tx", params))

    async def autofill(self, transaction: T, policy: AutofillPolicy | None = None) -> T:
        """Fill in Fee, Sequence, LastLedgerSequence and NetworkID from the node's state."""
        return await autofill(self, transaction, policy or self.autofill_policy)

    async def submit(self, transaction: SignedTransaction | str) -> SubmitResult:
        """Submit a signed transaction (or a signed blob in hex) and return the node's
        preliminary result, which is not final: see submit_and_wait."""
        blob = transaction.tx_blob if isinstance(transaction, SignedTransaction) else transaction
        if not isinstance(blob, str):
            raise InvalidInput("submit takes a SignedTransaction or a hex blob", field="tx_blob")
        return SubmitResult.from_result(await self.request("submit", {"tx_blob": blob}))

    async def sign_and_submit(self, transaction: Transaction, wallet: Wallet) -> tuple[SignedTransaction, SubmitResult]:
        """Autofill what is missing, sign locally, submit; do not wait for validation."""
        signed = wallet.sign(await self.autofill(transaction))
        return signed, await self.submit(signed)

    async def submit_and_wait(self, transaction: Transaction | SignedTransaction, wallet: Wallet | None = None, *,
                              check: bool = True, timeout: float | None = None) -> TransactionRecord:
        """Submit and follow the validated ledgers until the transaction is in one (its record,
        with metadata) or can no longer be (TransactionExpired, once a validated ledger reaches
        its LastLedgerSequence). A builder is autofilled and signed with `wallet` first.

        With `check` (the default), a final result other than tesSUCCESS raises
        TransactionFailed; so does a preliminary tem result. `timeout` (seconds) bounds the wait
        regardless (TimeoutError).
        """
        if timeout is None:
            return await submit_and_wait(self, transaction, wallet, check=check)
        async with asyncio.timeout(timeout):
            return await submit_and_wait(self, transaction, wallet, check=check)

    # --- following validated ledgers ---------------------------------------------------------

    async def validated_ledger_index(self) -> int:
        """The newest validated ledger's index (server_info)."""
        index = (await self.server_info()).validated_ledger_index
        if index is None:
            raise UnexpectedResponse("server_info: no validated_ledger.seq")
        return index

    def watch_validated_ledgers(self) -> AbstractAsyncContextManager[ValidatedLedgers]:
        """Follow validated ledgers by polling server_info (a WebSocket client follows the ledger
        stream instead)."""
        return _polling_watch(self)

    # --- paging ------------------------------------------------------------------------------

    async def _paged(self, method: str, params: dict[str, Any], key: str, parse: Callable[[Any], Item], *,
                     pin_ledger: bool = True) -> AsyncIterator[Item]:
        """Yield the items of every page of a marker-paged method. After the first page the
        request names the ledger the first page came from, so the pages form one snapshot
        (rippled's markers are only meaningful within one ledger)."""
        request = dict(params)
        while True:
            result = await self.request(method, request)
            items = result.get(key)
            if not isinstance(items, list):
                raise UnexpectedResponse(f"{method}: {key} is {items!r:.80}")
            for item in items:
                yield parse(item)
            marker = result.get("marker")
            if marker is None:
                return
            request["marker"] = marker
            index = result.get("ledger_index")
            if pin_ledger and isinstance(index, int) and not isinstance(index, bool):
                request["ledger_index"] = index


class _PolledLedgers:
    def __init__(self, methods: APIMethods) -> None:
        self._methods = methods

    async def latest(self) -> int:
        return await self._methods.validated_ledger_index()

    async def wait_beyond(self, index: int) -> int:
        while True:
            latest = await self._methods.validated_ledger_index()
            if latest > index:
                return latest
            await asyncio.sleep(self._methods.poll_interval)


@asynccontextmanager
async def _polling_watch(methods: APIMethods) -> AsyncIterator[ValidatedLedgers]:
    yield _PolledLedgers(methods)


def _as_object(item: Any) -> Mapping[str, Any]:
    if not isinstance(item, Mapping):
        raise UnexpectedResponse(f"expected an object, got {item!r:.80}")
    return item


__all__ = ["API_VERSION", "APIMethods", "LedgerSpec"]
