"""The gateway's off-ledger book, in SQLite: customers, deposit and withdrawal requests, a
double-entry journal, its balances, and the ledger cursor.

The book is the bank's side of the XRPL's "issuer's obligations": every IOU the issuing address
owes on the ledger must be matched by a liability here (reconciliation compares the two). The
journal's accounts:

- `issued`        IOUs outstanding on the ledger, held by customers and others (a liability):
                  credited by a deposit, debited by a withdrawal, a transfer fee, an unattributed
                  redemption. Its balance must equal gateway_balances' obligations.
- `bank`          the money the bank received from customers to deposit (debited by deposits).
- `customer:<id>` what the bank owes a customer after a withdrawal (credited by withdrawals).
- `transfer_fees` the issuer's TransferRate income (the ledger burns the fee from the sender's
                  balance, which lowers the obligations).
- `suspense`      redemptions the gateway could not attribute (no or unknown DestinationTag).

Balances are kept as "credits minus debits" per (account, currency).

Exactly once: a ledger transaction is booked in one SQLite transaction together with the record
of its hash (`ledger_transactions`, primary key), so a transaction seen again — after a restart
from an older cursor, or from two accounts' histories — is skipped. A deposit request is keyed by
the back office's request id; the signed blob of its payment is stored before it is submitted,
so a restarted gateway resubmits the same transaction (one hash, one sequence) instead of a
second payment.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Final, Literal

from gateways.decimal_amounts import ARITHMETIC, value_text
from gateways.gateway.errors import Conflict, CustomerNotFound, GatewayError

SCHEMA_VERSION: Final = "1"
FIRST_DESTINATION_TAG: Final = 1000
"""Customers' DestinationTags start here; lower tags are the gateway's own (0: internal
transfers between its addresses)."""

ISSUED: Final = "issued"
BANK: Final = "bank"
TRANSFER_FEES: Final = "transfer_fees"
SUSPENSE: Final = "suspense"


def customer_account(customer_id: str) -> str:
    """The journal account of what the bank owes a customer off the ledger."""
    return f"customer:{customer_id}"


CustomerStatus = Literal["pending", "approved"]
DepositStatus = Literal["received", "submitted", "validated", "failed"]
WithdrawalStatus = Literal["credited", "unattributed"]

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS customers (
    customer_id TEXT PRIMARY KEY,
    address TEXT NOT NULL UNIQUE,
    destination_tag INTEGER NOT NULL UNIQUE,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved')),
    created_at TEXT NOT NULL,
    approved_at TEXT
);
CREATE TABLE IF NOT EXISTS freezes (
    customer_id TEXT NOT NULL REFERENCES customers (customer_id),
    currency TEXT NOT NULL,
    frozen INTEGER NOT NULL,
    tx_hash TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (customer_id, currency)
);
CREATE TABLE IF NOT EXISTS deposits (
    request_id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (customer_id),
    currency TEXT NOT NULL,
    amount TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('received', 'submitted', 'validated', 'failed')),
    tx_hash TEXT,
    tx_blob TEXT,
    last_ledger_sequence INTEGER,
    submissions INTEGER NOT NULL DEFAULT 0,
    engine_result TEXT,
    ledger_index INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deposits_by_hash ON deposits (tx_hash);
CREATE INDEX IF NOT EXISTS deposits_by_status ON deposits (status);
CREATE TABLE IF NOT EXISTS deposit_transactions (
    tx_hash TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES deposits (request_id)
);
CREATE TABLE IF NOT EXISTS withdrawals (
    tx_hash TEXT PRIMARY KEY,
    customer_id TEXT REFERENCES customers (customer_id),
    destination_tag INTEGER,
    sender TEXT NOT NULL,
    destination TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('credited', 'unattributed')),
    ledger_index INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS withdrawals_by_customer ON withdrawals (customer_id);
CREATE TABLE IF NOT EXISTS ledger_transactions (
    tx_hash TEXT PRIMARY KEY,
    ledger_index INTEGER NOT NULL,
    kind TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS journal (
    entry_id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    debit TEXT NOT NULL,
    credit TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount TEXT NOT NULL,
    customer_id TEXT,
    request_id TEXT,
    tx_hash TEXT,
    ledger_index INTEGER,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS journal_by_tx ON journal (tx_hash);
CREATE TABLE IF NOT EXISTS balances (
    account TEXT NOT NULL,
    currency TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (account, currency)
);
CREATE TABLE IF NOT EXISTS exceptions (
    exception_id INTEGER PRIMARY KEY AUTOINCREMENT,
    tx_hash TEXT NOT NULL,
    ledger_index INTEGER NOT NULL,
    currency TEXT NOT NULL,
    amount TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (tx_hash, currency)
);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


# --- values ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Customer:
    customer_id: str
    address: str
    destination_tag: int
    name: str
    status: CustomerStatus
    frozen: frozenset[str]
    """Currencies whose trust line the bank froze."""
    created_at: str
    approved_at: str | None

    @property
    def approved(self) -> bool:
        return self.status == "approved"

    def to_json(self) -> dict[str, object]:
        return {
            "customer_id": self.customer_id,
            "address": self.address,
            "destination_tag": self.destination_tag,
            "name": self.name,
            "status": self.status,
            "frozen": sorted(self.frozen),
            "created_at": self.created_at,
            "approved_at": self.approved_at,
        }


@dataclass(frozen=True, slots=True)
class Deposit:
    request_id: str
    customer_id: str
    currency: str
    amount: Decimal
    status: DepositStatus
    tx_hash: str | None
    tx_blob: str | None
    last_ledger_sequence: int | None
    submissions: int
    engine_result: str | None
    ledger_index: int | None
    created_at: str
    updated_at: str

    @property
    def final(self) -> bool:
        return self.status in ("validated", "failed")

    def to_json(self) -> dict[str, object]:
        return {
            "request_id": self.request_id,
            "customer_id": self.customer_id,
            "currency": self.currency,
            "amount": value_text(self.amount),
            "status": self.status,
            "tx_hash": self.tx_hash,
            "engine_result": self.engine_result,
            "ledger_index": self.ledger_index,
            "submissions": self.submissions,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True, slots=True)
class Withdrawal:
    tx_hash: str
    customer_id: str | None
    destination_tag: int | None
    sender: str
    destination: str
    currency: str
    amount: Decimal
    status: WithdrawalStatus
    ledger_index: int
    created_at: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "tx_hash": self.tx_hash,
            "customer_id": self.customer_id,
            "destination_tag": self.destination_tag,
            "sender": self.sender,
            "destination": self.destination,
            "currency": self.currency,
            "amount": value_text(self.amount),
            "status": self.status,
            "ledger_index": self.ledger_index,
            "created_at": self.created_at,
        }


@dataclass(frozen=True, slots=True)
class JournalEntry:
    kind: str
    debit: str
    credit: str
    currency: str
    amount: Decimal
    customer_id: str | None = None
    request_id: str | None = None
    tx_hash: str | None = None
    ledger_index: int | None = None
    entry_id: int | None = None
    created_at: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "entry_id": self.entry_id,
            "kind": self.kind,
            "debit": self.debit,
            "credit": self.credit,
            "currency": self.currency,
            "amount": value_text(self.amount),
            "customer_id": self.customer_id,
            "request_id": self.request_id,
            "tx_hash": self.tx_hash,
            "ledger_index": self.ledger_index,
            "created_at": self.created_at,
        }


@dataclass(frozen=True, slots=True)
class LedgerException:
    """A change to the issuer's obligations that no deposit, withdrawal or transfer fee explains
    (an IOU issued outside the gateway): not booked, reported by reconciliation."""

    tx_hash: str
    ledger_index: int
    currency: str
    amount: Decimal
    """The unexplained change in obligations (positive: more owed)."""
    description: str

    def to_json(self) -> dict[str, object]:
        return {
            "tx_hash": self.tx_hash,
            "ledger_index": self.ledger_index,
            "currency": self.currency,
            "amount": value_text(self.amount),
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class DepositOutcome:
    """What a validated ledger says about a deposit's payment."""

    request_id: str
    status: Literal["validated", "failed"]
    engine_result: str


@dataclass(frozen=True, slots=True)
class Booking:
    """Everything one validated ledger transaction means for the book, applied atomically."""

    tx_hash: str
    ledger_index: int
    kind: str
    entries: tuple[JournalEntry, ...] = ()
    deposit: DepositOutcome | None = None
    withdrawal: Withdrawal | None = None
    exceptions: tuple[LedgerException, ...] = ()


class BookMismatch(GatewayError):
    """The book file belongs to another issuing address."""

    name = "bookMismatch"


# --- the book ----------------------------------------------------------------------------------


class Book:
    """The SQLite book of one gateway. Every method is one SQLite transaction."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, path: Path, issuing_address: str) -> Book:
        """Open (or create) the book at `path` for the gateway whose issuing address is
        `issuing_address`; BookMismatch if it was created for another."""
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA foreign_keys=ON")
            connection.executescript(_SCHEMA)
            book = cls(connection, path)
            with book._transaction():
                recorded = book._meta("issuing_address")
                if recorded is None:
                    book._set_meta("issuing_address", issuing_address)
                    book._set_meta("schema_version", SCHEMA_VERSION)
                elif recorded != issuing_address:
                    raise BookMismatch(f"{path} is the book of issuing address {recorded}, not {issuing_address}")
        except BaseException:
            connection.close()
            raise
        return book

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # --- customers -----------------------------------------------------------------------------

    def register_customer(self, customer_id: str, address: str, name: str) -> tuple[Customer, bool]:
        """Register a customer with the next free DestinationTag; (customer, created). The same
        registration again returns the existing customer; another address for the id, or the
        address under another id, is a Conflict and changes nothing."""
        with self._transaction() as db:
            existing = self.customer(customer_id)
            if existing is not None:
                if existing.address != address:
                    raise Conflict(
                        f"customer {customer_id!r} is registered with address {existing.address}",
                        field="address",
                    )
                return existing, False
            other = db.execute("SELECT customer_id FROM customers WHERE address = ?", (address,)).fetchone()
            if other is not None:
                raise Conflict(f"address {address} belongs to customer {other[0]!r}", field="address")
            row = db.execute("SELECT MAX(destination_tag) FROM customers").fetchone()
            tag = max(FIRST_DESTINATION_TAG, (row[0] or 0) + 1)
            db.execute(
                "INSERT INTO customers (customer_id, address, destination_tag, name, status, created_at) "
                "VALUES (?, ?, ?, ?, 'pending', ?)",
                (customer_id, address, tag, name, _now()),
            )
        customer = self.customer(customer_id)
        assert customer is not None
        return customer, True

    def _customer_from_row(self, row: Sequence[object]) -> Customer:
        customer_id = str(row[0])
        frozen = frozenset(
            str(currency)
            for (currency,) in self._db.execute(
                "SELECT currency FROM freezes WHERE customer_id = ? AND frozen = 1", (customer_id,)
            )
        )
        return Customer(
            customer_id=customer_id,
            address=str(row[1]),
            destination_tag=int(row[2]),  # type: ignore[call-overload]
            name=str(row[3]),
            status=str(row[4]),  # type: ignore[arg-type]
            frozen=frozen,
            created_at=str(row[5]),
            approved_at=None if row[6] is None else str(row[6]),
        )

    _CUSTOMER_COLUMNS: Final = "customer_id, address, destination_tag, name, status, created_at, approved_at"

    def customer(self, customer_id: str) -> Customer | None:
        row = self._db.execute(
            f"SELECT {self._CUSTOMER_COLUMNS} FROM customers WHERE customer_id = ?", (customer_id,)
        ).fetchone()
        return None if row is None else self._customer_from_row(row)

    def require_customer(self, customer_id: str) -> Customer:
        customer = self.customer(customer_id)
        if customer is None:
            raise CustomerNotFound(f"no customer {customer_id!r}", field="customer_id")
        return customer

    def customer_by_tag(self, destination_tag: int) -> Customer | None:
        row = self._db.execute(
            f"SELECT {self._CUSTOMER_COLUMNS} FROM customers WHERE destination_tag = ?", (destination_tag,)
        ).fetchone()
        return None if row is None else self._customer_from_row(row)

    def customer_by_address(self, address: str) -> Customer | None:
        row = self._db.execute(
            f"SELECT {self._CUSTOMER_COLUMNS} FROM customers WHERE address = ?", (address,)
        ).fetchone()
        return None if row is None else self._customer_from_row(row)

    def customers(self) -> list[Customer]:
        rows = self._db.execute(f"SELECT {self._CUSTOMER_COLUMNS} FROM customers ORDER BY destination_tag").fetchall()
        return [self._customer_from_row(row) for row in rows]

    def approve_customer(self, customer_id: str) -> Customer:
        with self._transaction() as db:
            self.require_customer(customer_id)
            db.execute(
                "UPDATE customers SET status = 'approved', approved_at = COALESCE(approved_at, ?) WHERE customer_id = ?",
                (_now(), customer_id),
            )
        return self.require_customer(customer_id)

    def set_frozen(self, customer_id: str, currency: str, frozen: bool, tx_hash: str | None) -> Customer:
        with self._transaction() as db:
            self.require_customer(customer_id)
            db.execute(
                "INSERT INTO freezes (customer_id, currency, frozen, tx_hash, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (customer_id, currency) DO UPDATE SET frozen = excluded.frozen, "
                "tx_hash = excluded.tx_hash, updated_at = excluded.updated_at",
                (customer_id, currency, int(frozen), tx_hash, _now()),
            )
        return self.require_customer(customer_id)

    # --- deposits ------------------------------------------------------------------------------

    _DEPOSIT_COLUMNS: Final = (
        "request_id, customer_id, currency, amount, status, tx_hash, tx_blob, last_ledger_sequence, "
        "submissions, engine_result, ledger_index, created_at, updated_at"
    )

    @staticmethod
    def _deposit_from_row(row: Sequence[object]) -> Deposit:
        return Deposit(
            request_id=str(row[0]),
            customer_id=str(row[1]),
            currency=str(row[2]),
            amount=Decimal(str(row[3])),
            status=str(row[4]),  # type: ignore[arg-type]
            tx_hash=None if row[5] is None else str(row[5]),
            tx_blob=None if row[6] is None else str(row[6]),
            last_ledger_sequence=None if row[7] is None else int(row[7]),  # type: ignore[call-overload]
            submissions=int(row[8]),  # type: ignore[call-overload]
            engine_result=None if row[9] is None else str(row[9]),
            ledger_index=None if row[10] is None else int(row[10]),  # type: ignore[call-overload]
            created_at=str(row[11]),
            updated_at=str(row[12]),
        )

    def deposit(self, request_id: str) -> Deposit | None:
        row = self._db.execute(
            f"SELECT {self._DEPOSIT_COLUMNS} FROM deposits WHERE request_id = ?", (request_id,)
        ).fetchone()
        return None if row is None else self._deposit_from_row(row)

    def deposit_for_transaction(self, tx_hash: str) -> Deposit | None:
        """The deposit whose payment this is, including an earlier signed attempt that was
        replaced (any transaction the gateway ever signed for it)."""
        row = self._db.execute(
            f"SELECT {', '.join('d.' + c.strip() for c in self._DEPOSIT_COLUMNS.split(','))} "
            "FROM deposit_transactions t JOIN deposits d ON d.request_id = t.request_id WHERE t.tx_hash = ?",
            (tx_hash,),
        ).fetchone()
        return None if row is None else self._deposit_from_row(row)

    def deposits(self, *, customer_id: str | None = None, open_only: bool = False) -> list[Deposit]:
        query = f"SELECT {self._DEPOSIT_COLUMNS} FROM deposits"
        clauses: list[str] = []
        params: list[object] = []
        if customer_id is not None:
            clauses.append("customer_id = ?")
            params.append(customer_id)
        if open_only:
            clauses.append("status IN ('received', 'submitted')")
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        rows = self._db.execute(query + " ORDER BY created_at, request_id", params).fetchall()
        return [self._deposit_from_row(row) for row in rows]

    def create_deposit(self, request_id: str, customer_id: str, currency: str, amount: Decimal) -> tuple[Deposit, bool]:
        """Record a deposit request; (deposit, created). The same request id with the same
        customer, currency and amount returns the existing request (a retry); with different
        ones it is a Conflict and changes nothing."""
        with self._transaction() as db:
            existing = self.deposit(request_id)
            if existing is not None:
                same = (existing.customer_id, existing.currency, existing.amount) == (customer_id, currency, amount)
                if not same:
                    raise Conflict(
                        f"request {request_id!r} was made for {value_text(existing.amount)} {existing.currency} "
                        f"to customer {existing.customer_id!r}",
                        field="request_id",
                    )
                return existing, False
            now = _now()
            db.execute(
                "INSERT INTO deposits (request_id, customer_id, currency, amount, status, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, 'received', ?, ?)",
                (request_id, customer_id, currency, value_text(amount), now, now),
            )
        created = self.deposit(request_id)
        assert created is not None
        return created, True

    def deposit_signed(self, request_id: str, tx_hash: str, tx_blob: str, last_ledger_sequence: int) -> Deposit:
        """Store the signed payment of a deposit before it is submitted."""
        with self._transaction() as db:
            db.execute(
                "UPDATE deposits SET status = 'submitted', tx_hash = ?, tx_blob = ?, last_ledger_sequence = ?, "
                "submissions = submissions + 1, updated_at = ? WHERE request_id = ? AND status = 'received'",
                (tx_hash, tx_blob, last_ledger_sequence, _now(), request_id),
            )
            db.execute(
                "INSERT OR IGNORE INTO deposit_transactions (tx_hash, request_id) VALUES (?, ?)", (tx_hash, request_id)
            )
        deposit = self.deposit(request_id)
        assert deposit is not None
        return deposit

    def deposit_expired(self, request_id: str, tx_hash: str) -> Deposit:
        """The signed payment `tx_hash` can never be in a validated ledger (its LastLedgerSequence
        passed): the request goes back to `received`, to be signed again."""
        with self._transaction() as db:
            db.execute(
                "UPDATE deposits SET status = 'received', tx_hash = NULL, tx_blob = NULL, last_ledger_sequence = NULL, "
                "updated_at = ? WHERE request_id = ? AND tx_hash = ? AND status = 'submitted'",
                (_now(), request_id, tx_hash),
            )
        deposit = self.deposit(request_id)
        assert deposit is not None
        return deposit

    def deposit_failed(self, request_id: str, engine_result: str) -> Deposit:
        """A deposit that will not be paid (the node refused its payment as malformed, or it was
        signed too many times without getting in)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE deposits SET status = 'failed', engine_result = ?, updated_at = ? "
                "WHERE request_id = ? AND status IN ('received', 'submitted')",
                (engine_result, _now(), request_id),
            )
        deposit = self.deposit(request_id)
        assert deposit is not None
        return deposit

    # --- withdrawals ---------------------------------------------------------------------------

    @staticmethod
    def _withdrawal_from_row(row: Sequence[object]) -> Withdrawal:
        return Withdrawal(
            tx_hash=str(row[0]),
            customer_id=None if row[1] is None else str(row[1]),
            destination_tag=None if row[2] is None else int(row[2]),  # type: ignore[call-overload]
            sender=str(row[3]),
            destination=str(row[4]),
            currency=str(row[5]),
            amount=Decimal(str(row[6])),
            status=str(row[7]),  # type: ignore[arg-type]
            ledger_index=int(row[8]),  # type: ignore[call-overload]
            created_at=str(row[9]),
        )

    _WITHDRAWAL_COLUMNS: Final = (
        "tx_hash, customer_id, destination_tag, sender, destination, currency, amount, status, ledger_index, created_at"
    )

    def withdrawal(self, tx_hash: str) -> Withdrawal | None:
        row = self._db.execute(
            f"SELECT {self._WITHDRAWAL_COLUMNS} FROM withdrawals WHERE tx_hash = ?", (tx_hash.upper(),)
        ).fetchone()
        return None if row is None else self._withdrawal_from_row(row)

    def withdrawals(self, *, customer_id: str | None = None) -> list[Withdrawal]:
        if customer_id is None:
            rows = self._db.execute(
                f"SELECT {self._WITHDRAWAL_COLUMNS} FROM withdrawals ORDER BY ledger_index, tx_hash"
            ).fetchall()
        else:
            rows = self._db.execute(
                f"SELECT {self._WITHDRAWAL_COLUMNS} FROM withdrawals WHERE customer_id = ? ORDER BY ledger_index, tx_hash",
                (customer_id,),
            ).fetchall()
        return [self._withdrawal_from_row(row) for row in rows]

    # --- the ledger follower's bookings --------------------------------------------------------

    def cursor(self) -> int | None:
        """The last ledger whose transactions are all booked (None: nothing followed yet)."""
        value = self._meta("ledger_cursor")
        return None if value is None else int(value)

    def set_cursor(self, ledger_index: int) -> None:
        with self._transaction():
            current = self.cursor()
            if current is None or ledger_index > current:
                self._set_meta("ledger_cursor", str(ledger_index))

    def is_booked(self, tx_hash: str) -> bool:
        row = self._db.execute("SELECT 1 FROM ledger_transactions WHERE tx_hash = ?", (tx_hash,)).fetchone()
        return row is not None

    def book(self, booking: Booking) -> bool:
        """Apply a booking atomically, once: False (and nothing written) when its transaction was
        booked before."""
        with self._transaction() as db:
            if self.is_booked(booking.tx_hash):
                return False
            db.execute(
                "INSERT INTO ledger_transactions (tx_hash, ledger_index, kind) VALUES (?, ?, ?)",
                (booking.tx_hash, booking.ledger_index, booking.kind),
            )
            for entry in booking.entries:
                self._post(entry)
            outcome = booking.deposit
            if outcome is not None:
                db.execute(
                    "UPDATE deposits SET status = ?, engine_result = ?, ledger_index = ?, tx_hash = ?, updated_at = ? "
                    "WHERE request_id = ? AND status != 'validated'",
                    (outcome.status, outcome.engine_result, booking.ledger_index, booking.tx_hash, _now(),
                     outcome.request_id),
                )
            withdrawal = booking.withdrawal
            if withdrawal is not None:
                db.execute(
                    f"INSERT INTO withdrawals ({self._WITHDRAWAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (withdrawal.tx_hash, withdrawal.customer_id, withdrawal.destination_tag, withdrawal.sender,
                     withdrawal.destination, withdrawal.currency, value_text(withdrawal.amount), withdrawal.status,
                     withdrawal.ledger_index, _now()),
                )
            for exception in booking.exceptions:
                db.execute(
                    "INSERT OR IGNORE INTO exceptions (tx_hash, ledger_index, currency, amount, description, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (exception.tx_hash, exception.ledger_index, exception.currency, value_text(exception.amount),
                     exception.description, _now()),
                )
        return True

    def _post(self, entry: JournalEntry) -> None:
        """One journal line and its two balance updates (inside the caller's transaction)."""
        if entry.amount <= 0:
            raise ValueError(f"a journal entry moves a positive amount, not {entry.amount}")
        self._db.execute(
            "INSERT INTO journal (kind, debit, credit, currency, amount, customer_id, request_id, tx_hash, "
            "ledger_index, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry.kind, entry.debit, entry.credit, entry.currency, value_text(entry.amount), entry.customer_id,
             entry.request_id, entry.tx_hash, entry.ledger_index, _now()),
        )
        self._move(entry.credit, entry.currency, entry.amount)
        self._move(entry.debit, entry.currency, -entry.amount)

    def _move(self, account: str, currency: str, delta: Decimal) -> None:
        current = self.balance(account, currency)
        new = ARITHMETIC.add(current, delta)
        self._db.execute(
            "INSERT INTO balances (account, currency, value) VALUES (?, ?, ?) "
            "ON CONFLICT (account, currency) DO UPDATE SET value = excluded.value",
            (account, currency, value_text(new) if new != 0 else "0"),
        )

    # --- reading the journal -------------------------------------------------------------------

    def balance(self, account: str, currency: str) -> Decimal:
        """Credits minus debits of a journal account in a currency."""
        row = self._db.execute(
            "SELECT value FROM balances WHERE account = ? AND currency = ?", (account, currency)
        ).fetchone()
        return Decimal(0) if row is None else Decimal(str(row[0]))

    def balances(self) -> dict[tuple[str, str], Decimal]:
        rows = self._db.execute("SELECT account, currency, value FROM balances ORDER BY account, currency")
        return {(str(account), str(currency)): Decimal(str(value)) for account, currency, value in rows}

    def journal(self, *, tx_hash: str | None = None, customer_id: str | None = None) -> list[JournalEntry]:
        query = (
            "SELECT entry_id, kind, debit, credit, currency, amount, customer_id, request_id, tx_hash, ledger_index, "
            "created_at FROM journal"
        )
        clauses: list[str] = []
        params: list[object] = []
        if tx_hash is not None:
            clauses.append("tx_hash = ?")
            params.append(tx_hash.upper())
        if customer_id is not None:
            clauses.append("customer_id = ?")
            params.append(customer_id)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        rows = self._db.execute(query + " ORDER BY entry_id", params).fetchall()
        return [
            JournalEntry(
                entry_id=int(row[0]), kind=str(row[1]), debit=str(row[2]), credit=str(row[3]), currency=str(row[4]),
                amount=Decimal(str(row[5])), customer_id=row[6], request_id=row[7], tx_hash=row[8],
                ledger_index=row[9], created_at=str(row[10]),
            )
            for row in rows
        ]

    def exceptions(self) -> list[LedgerException]:
        rows = self._db.execute(
            "SELECT tx_hash, ledger_index, currency, amount, description FROM exceptions ORDER BY exception_id"
        ).fetchall()
        return [
            LedgerException(str(row[0]), int(row[1]), str(row[2]), Decimal(str(row[3])), str(row[4])) for row in rows
        ]


__all__ = [
    "BANK",
    "FIRST_DESTINATION_TAG",
    "ISSUED",
    "SUSPENSE",
    "TRANSFER_FEES",
    "Book",
    "BookMismatch",
    "Booking",
    "Customer",
    "CustomerStatus",
    "Deposit",
    "DepositOutcome",
    "DepositStatus",
    "JournalEntry",
    "LedgerException",
    "Withdrawal",
    "WithdrawalStatus",
    "customer_account",
]
