"""The gateway service: a bank's issuing and operational addresses, its book, and the back office's
operations on them — onboarding, approval, deposits, withdrawals, balances, reconciliation, freeze.

    async with GatewayService(config) as gateway:
        customer = await gateway.register_customer("alice", "r…")
        await gateway.approve_customer("alice")              # tfSetfAuth under RequireAuth
        deposit = await gateway.deposit("req-1", "alice", "USD", Decimal("100"))
        report = await gateway.reconcile()

On entering, the service connects to the node (WebSocket for the ledger stream, or HTTP with
polling), checks that both addresses exist, opens the book, brings the addresses' settings to the
configuration, catches up with the ledger from the book's cursor, resumes deposits a previous run
left unfinished, and starts following validated ledgers. Leaving stops all of it; nothing is left
half-written (every book change is one SQLite transaction).

Every operation checks its request completely before changing anything: a refused request
(GatewayError) leaves the book and the ledger as they were.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from decimal import Decimal
from types import TracebackType
from typing import Any, Final, Self

from gateways.decimal_amounts import ARITHMETIC, value_text
from gateways.gateway.book import (
    ISSUED,
    SUSPENSE,
    TRANSFER_FEES,
    Book,
    Customer,
    Deposit,
    Withdrawal,
    customer_account,
)
from gateways.gateway.bookkeeping import GatewayAccounts
from gateways.gateway.config import GatewayConfig
from gateways.gateway.deposits import DepositPayer
from gateways.gateway.errors import (
    CustomerNotFound,
    GatewayError,
    InvalidRequest,
    LedgerRefused,
    NotPermitted,
    RequestNotFound,
    UnknownCurrency,
)
from gateways.gateway.follower import LedgerFollower
from gateways.gateway.issuer_setup import (
    SetupStep,
    account_info,
    authorise_line,
    configure_addresses,
    freeze_line,
)
from gateways.gateway.reconciliation import ReconciliationReport, on_ledger_totals, reconcile
from gateways.node_client import node_client
from gateways.submission import submit_batch
from xpay.client import (
    APIMethods,
    InvalidInput,
    RPCError,
    TransactionFailed,
    TrustLine,
    account_id,
)

_log = logging.getLogger(__name__)

_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
"""Customer and request ids: what a back office can put in a URL path unescaped."""


def check_id(value: object, field: str) -> str:
    if not isinstance(value, str) or not _ID_PATTERN.fullmatch(value):
        raise InvalidRequest(
            f"{value!r:.80} is not an id (1 to 64 letters, digits and . _ : -, starting with a letter or digit)",
            field=field,
        )
    return value


class GatewayService:
    """One bank's gateway (see the module doc)."""

    def __init__(self, config: GatewayConfig) -> None:
        self.config = config
        self.accounts = GatewayAccounts(config.issuing.address, config.operational.address,
                                        frozenset(config.currencies))
        self.setup_steps: list[SetupStep] = []
        self._client: APIMethods | None = None
        self._book: Book | None = None
        self._follower: LedgerFollower | None = None
        self._payer: DepositPayer | None = None
        self._stack = contextlib.AsyncExitStack()
        self._group: asyncio.TaskGroup | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._settling: dict[str, asyncio.Event] = {}
        self._issuing_lock = asyncio.Lock()

    # --- lifecycle -----------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        stack = self._stack
        try:
            client = node_client(self.config.node_url)
            await stack.enter_async_context(client)
            self._client = client
            await account_info(client, self.config.issuing.address, "issuing")
            await account_info(client, self.config.operational.address, "operational")
            book = Book.open(self.config.book_path, self.config.issuing.address)
            stack.callback(book.close)
            self._book = book
            self.setup_steps = await configure_addresses(client, self.config)
            for step in self.setup_steps:
                _log.info("%s: %s (%s)", step.account, step.description, step.tx_hash)
            self._follower = LedgerFollower(client, book, self.accounts)
            self._payer = DepositPayer(client, book, self.config, self._follower, self._issuing_lock)
            await self._follower.sync()
            group = asyncio.TaskGroup()
            await group.__aenter__()
            self._group = group
            stack.push_async_exit(self._stop_tasks)
            self._spawn(self._follower.run(), "ledger-follower")
            for deposit in book.deposits(open_only=True):
                self._start_settling(deposit.request_id)
        except BaseException:
            await stack.aclose()
            raise
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self._stack.aclose()

    async def _stop_tasks(self, *_: object) -> None:
        for task in list(self._tasks):
            task.cancel()
        group, self._group = self._group, None
        if group is not None:
            await group.__aexit__(None, None, None)

    def _spawn(self, coroutine: Any, name: str) -> asyncio.Task[Any]:
        assert self._group is not None, "the gateway is not running"
        task = self._group.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @property
    def client(self) -> APIMethods:
        assert self._client is not None, "use the GatewayService inside `async with`"
        return self._client

    @property
    def book(self) -> Book:
        assert self._book is not None, "use the GatewayService inside `async with`"
        return self._book

    @property
    def follower(self) -> LedgerFollower:
        assert self._follower is not None, "use the GatewayService inside `async with`"
        return self._follower

    # --- checks shared by the operations -------------------------------------------------------

    def _currency(self, currency: object) -> str:
        if not isinstance(currency, str):
            raise InvalidRequest(f"expected a currency code, not {currency!r:.40}", field="currency")
        if currency not in self.config.currencies:
            raise UnknownCurrency(
                f"{self.config.name} issues {', '.join(self.config.currencies)}, not {currency!r:.40}", field="currency"
            )
        return currency

    async def _customer_line(self, customer: Customer, currency: str) -> TrustLine | None:
        async for line in self.client.account_lines(customer.address, peer=self.config.issuing.address,
                                                    ledger_index="validated"):
            if line.currency == currency:
                return line
        return None

    # --- onboarding ----------------------------------------------------------------------------

    async def register_customer(self, customer_id: str, address: str, name: str = "") -> Customer:
        """Register a bank customer's XRPL address; it gets its own DestinationTag (for
        withdrawals) and waits for approval. Registering again with the same address is a no-op."""
        check_id(customer_id, "customer_id")
        if not isinstance(name, str) or len(name) > 200:
            raise InvalidRequest("the name is text of at most 200 characters", field="name")
        try:
            account_id(address, field="address")
        except InvalidInput as error:
            raise InvalidRequest(error.reason, field="address") from None
        if address in self.accounts.own:
            raise InvalidRequest(f"{address} is one of the gateway's own addresses", field="address")
        customer, _ = self.book.register_customer(customer_id, address, name)
        return customer

    async def approve_customer(self, customer_id: str) -> Customer:
        """The bank approves a customer: under RequireAuth the issuing address authorises the
        customer's trust lines (tfSetfAuth, creating them if the customer has none yet); from then
        on deposits are paid to it. Approving again is a no-op."""
        customer = self.book.require_customer(check_id(customer_id, "customer_id"))
        if customer.approved:
            return customer
        if self.config.require_auth:
            try:
                await self.client.account_info(customer.address, ledger_index="validated")
            except RPCError as error:
                if error.name == "actNotFound":
                    raise NotPermitted(
                        f"{customer.address} is not funded on the ledger yet, so its trust line cannot be authorised",
                        field="customer_id",
                    ) from None
                raise
            async with self._issuing_lock:
                authorised = {line.currency for line in [
                    line async for line in self.client.account_lines(
                        self.config.issuing.address, peer=customer.address, ledger_index="validated")
                ] if line.authorized}
                missing = [c for c in self.config.currencies if c not in authorised]
                if missing:
                    try:
                        await submit_batch(self.client, self.config.issuing, [
                            authorise_line(self.config.issuing.address, customer.address, currency)
                            for currency in missing
                        ])
                    except TransactionFailed as error:
                        raise LedgerRefused(f"authorising the trust line failed: {error.engine_result}",
                                            details={"engine_result": error.engine_result}) from None
        return self.book.approve_customer(customer_id)

    # --- deposits ------------------------------------------------------------------------------

    async def deposit(self, request_id: str, customer_id: str, currency: str, amount: Decimal, *,
                      wait: float | None = None) -> Deposit:
        """Deposit: the bank has credited the customer's money to the gateway, which now pays the
        customer `amount` of its IOU. Idempotent on `request_id`: the same request again returns
        the first one's state and never pays twice; the same id with other values is a Conflict.
        Waits up to `wait` seconds (the configured deposit_wait by default) for the outcome to be
        final; the deposit carries on in the background after that."""
        check_id(request_id, "request_id")
        check_id(customer_id, "customer_id")
        currency = self._currency(currency)
        if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
            raise InvalidRequest(f"{amount!r:.40} is not a positive amount", field="amount")
        existing = self.book.deposit(request_id)
        if existing is None:
            await self._check_new_deposit(customer_id, currency, amount)
        deposit, _ = self.book.create_deposit(request_id, customer_id, currency, amount)
        if not deposit.final:
            done = self._start_settling(request_id)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.config.deposit_wait if wait is None else wait):
                    await done.wait()
        final = self.book.deposit(request_id)
        assert final is not None
        return final

    async def _check_new_deposit(self, customer_id: str, currency: str, amount: Decimal) -> None:
        customer = self.book.customer(customer_id)
        if customer is None:
            raise CustomerNotFound(f"no customer {customer_id!r}", field="customer_id")
        if not customer.approved:
            raise NotPermitted(f"customer {customer_id!r} is not approved yet", field="customer_id")
        if currency in customer.frozen:
            raise NotPermitted(f"customer {customer_id!r}'s {currency} line is frozen", field="customer_id")
        if amount > self.config.max_deposit:
            raise NotPermitted(
                f"{value_text(amount)} {currency} is above the deposit limit of {value_text(self.config.max_deposit)}",
                field="amount",
            )
        line = await self._customer_line(customer, currency)
        if line is None:
            raise NotPermitted(
                f"customer {customer_id!r} ({customer.address}) has no {currency} trust line to "
                f"{self.config.issuing.address}: it must trust the issuer first (TrustSet)",
                field="customer_id",
            )
        if self.config.require_auth and not line.peer_authorized:
            raise NotPermitted(f"customer {customer_id!r}'s {currency} line is not authorised", field="customer_id")
        if line.freeze_peer:
            raise NotPermitted(f"customer {customer_id!r}'s {currency} line is frozen on the ledger",
                               field="customer_id")
        room = ARITHMETIC.subtract(line.limit, line.balance)
        if amount > room:
            raise NotPermitted(
                f"customer {customer_id!r}'s {currency} trust line has room for {value_text(room)} "
                f"(limit {value_text(line.limit)}, balance {value_text(line.balance)}), not {value_text(amount)}",
                field="amount",
            )

    def _start_settling(self, request_id: str) -> asyncio.Event:
        done = self._settling.get(request_id)
        if done is None:
            done = asyncio.Event()
            self._settling[request_id] = done
            self._spawn(self._settle(request_id, done), f"deposit {request_id}")
        return done

    async def _settle(self, request_id: str, done: asyncio.Event) -> None:
        assert self._payer is not None
        try:
            await self._payer.settle(request_id)
        finally:
            done.set()
            self._settling.pop(request_id, None)

    def deposit_status(self, request_id: str) -> Deposit:
        deposit = self.book.deposit(check_id(request_id, "request_id"))
        if deposit is None:
            raise RequestNotFound(f"no deposit request {request_id!r}", field="request_id")
        return deposit

    def deposits(self, customer_id: str | None = None) -> list[Deposit]:
        if customer_id is not None:
            self.book.require_customer(check_id(customer_id, "customer_id"))
        return self.book.deposits(customer_id=customer_id)

    # --- withdrawals ---------------------------------------------------------------------------

    def withdrawal(self, tx_hash: str) -> Withdrawal:
        if not isinstance(tx_hash, str) or not re.fullmatch(r"[0-9A-Fa-f]{64}", tx_hash):
            raise InvalidRequest(f"{tx_hash!r:.80} is not a transaction hash (64 hex digits)", field="tx_hash")
        withdrawal = self.book.withdrawal(tx_hash)
        if withdrawal is None:
            raise RequestNotFound(
                f"no withdrawal in transaction {tx_hash.upper()} (booked up to ledger {self.book.cursor()})",
                field="tx_hash",
            )
        return withdrawal

    def withdrawals(self, customer_id: str | None = None) -> list[Withdrawal]:
        if customer_id is not None:
            self.book.require_customer(check_id(customer_id, "customer_id"))
        return self.book.withdrawals(customer_id=customer_id)

    # --- freeze --------------------------------------------------------------------------------

    async def set_frozen(self, customer_id: str, currency: str, frozen: bool) -> Customer:
        """Freeze (or unfreeze) a customer's trust line: the issuing address's TrustSet with
        tfSetFreeze / tfClearFreeze. A frozen customer can only send the IOU back to the issuer;
        deposits to it are refused."""
        customer = self.book.require_customer(check_id(customer_id, "customer_id"))
        currency = self._currency(currency)
        line = await self._customer_line(customer, currency)
        if line is None:
            raise NotPermitted(f"customer {customer_id!r} has no {currency} trust line to freeze", field="customer_id")
        tx_hash: str | None = None
        if line.freeze_peer != frozen:
            async with self._issuing_lock:
                record = await self.client.submit_and_wait(
                    freeze_line(self.config.issuing.address, customer.address, currency, frozen),
                    self.config.issuing, check=False,
                )
            if not record.succeeded:
                raise LedgerRefused(f"the TrustSet was refused: {record.engine_result}",
                                    details={"engine_result": record.engine_result, "tx_hash": record.hash})
            tx_hash = record.hash
        return self.book.set_frozen(customer_id, currency, frozen, tx_hash)

    # --- views ---------------------------------------------------------------------------------

    async def customer_view(self, customer_id: str) -> dict[str, Any]:
        """A customer, its trust lines to the issuer (validated ledger), and its book totals."""
        customer = self.book.require_customer(check_id(customer_id, "customer_id"))
        lines = [line async for line in self.client.account_lines(
            customer.address, peer=self.config.issuing.address, ledger_index="validated")]
        deposited: dict[str, Decimal] = {}
        for deposit in self.book.deposits(customer_id=customer_id):
            if deposit.status == "validated":
                deposited[deposit.currency] = ARITHMETIC.add(deposited.get(deposit.currency, Decimal(0)), deposit.amount)
        withdrawn: dict[str, Decimal] = {}
        for withdrawal in self.book.withdrawals(customer_id=customer_id):
            withdrawn[withdrawal.currency] = ARITHMETIC.add(withdrawn.get(withdrawal.currency, Decimal(0)),
                                                            withdrawal.amount)
        return {
            **customer.to_json(),
            "lines": [
                {
                    "currency": line.currency,
                    "balance": value_text(line.balance),
                    "limit": value_text(line.limit),
                    "authorized": line.peer_authorized,
                    "frozen": line.freeze_peer,
                }
                for line in lines if line.currency in self.config.currencies
            ],
            "book": {
                currency: {
                    "deposited": value_text(deposited.get(currency, Decimal(0))),
                    "withdrawn": value_text(withdrawn.get(currency, Decimal(0))),
                    "owed_by_bank": value_text(self.book.balance(customer_account(customer_id), currency)),
                }
                for currency in self.config.currencies
            },
        }

    async def balances(self) -> dict[str, Any]:
        """Per currency: the ledger's obligations (at the book's cursor) and the book's accounts."""
        ledger_index = await self.follower.sync()
        gateway = await self.client.gateway_balances(self.config.issuing.address,
                                                     hotwallets=[self.config.operational.address],
                                                     ledger_index=ledger_index)
        totals = on_ledger_totals(gateway, self.config.currencies)
        hot = {item.currency: item.value for item in gateway.balances.get(self.config.operational.address, ())}
        return {
            "ledger_index": ledger_index,
            "issuing_address": self.config.issuing.address,
            "operational_address": self.config.operational.address,
            "currencies": {
                currency: {
                    "obligations_on_ledger": value_text(totals[currency]),
                    "issued_in_book": value_text(self.book.balance(ISSUED, currency)),
                    "operational_float": value_text(hot.get(currency, Decimal(0))),
                    "transfer_fees": value_text(self.book.balance(TRANSFER_FEES, currency)),
                    "suspense": value_text(self.book.balance(SUSPENSE, currency)),
                }
                for currency in self.config.currencies
            },
        }

    async def reconcile(self) -> ReconciliationReport:
        """Book everything validated so far, then compare the ledger's obligations at that
        ledger with the book (see gateways.gateway.reconciliation)."""
        ledger_index = await self.follower.sync()
        report = await reconcile(self.client, self.book, issuing=self.config.issuing.address,
                                 operational=self.config.operational.address, currencies=self.config.currencies,
                                 ledger_index=ledger_index)
        if not report.matches:
            _log.error("reconciliation at ledger %d: %s", ledger_index, report.summary())
        return report


__all__ = ["GatewayError", "GatewayService", "check_id"]
