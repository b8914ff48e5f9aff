"""A test ledger environment in the style of rippled's jtx `Env`.

    env = Env()                                  # genesis from the master seed, network 21337
    alice, bob, gw = env.account("alice"), env.account("bob"), env.account("gw")
    USD = env.iou(gw, "USD")
    env.fund(XRP(1000), alice, bob, gw)          # pays from the master, sets DefaultRipple
    env.trust(alice, USD(100))
    env.pay(gw, alice, USD(50))
    env.pay(alice, bob, XRP(2000), expect="tecUNFUNDED_PAYMENT")
    env.close()                                  # builds the closed ledger from the set
    assert env.balance(alice, USD) == USD(50)

Every transaction is autofilled (Sequence, Fee, NetworkID), really signed with the account's
key (or `signer=`), and goes through the real pipeline: applied to the open ledger when
submitted (what `expect` checks), then, at `close()`, the whole set is rebuilt into a closed
ledger with xpay.tx.build.build_ledger, metadata and hashes included. Transactions are native
field dicts (xpay.codec.native); account fields may be given as KeyPairs, names or addresses,
and a dict in rippled's JSON form (addresses and amount strings) is accepted too.

Accounts come from a passphrase as rippled's `wallet_propose passphrase=… key_type=ed25519`
does (the seed is the first 16 bytes of SHA-512(passphrase)), so they are the same in every run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from xpay.amounts import XRP_ISSUE, Issue, STAmount, XRPAmount, currency_from_code
from xpay.codec import decode_account_id, from_json, to_json
from xpay.codec.native import decode_native
from xpay.crypto import KeyPair
from xpay.ledger import keylet
from xpay.ledger.directory import dir_entries
from xpay.ledger.entries import AccountRoot, Entry, Offer, RippleState
from xpay.ledger.funds import with_issuer
from xpay.ledger.keylet import Keylet
from xpay.ledger.ledger import Ledger, genesis_ledger
from xpay.ledger.views import Fees, OpenView
from xpay.protocol.flags import asfDefaultRipple
from xpay.protocol.ids import AccountID, Hash256
from xpay.protocol.ter import TER, ter_from_name
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.apply import ApplyResult, apply_transaction
from xpay.tx.build import BuildReport, build_ledger
from xpay.tx.rules import Rules
from xpay.tx.signature import SignatureCache
from xpay.tx.transaction import Transaction, signing_data

DROPS_PER_XRP = 1_000_000
DEFAULT_FEES = Fees(XRPAmount(10), XRPAmount(10 * DROPS_PER_XRP), XRPAmount(2 * DROPS_PER_XRP))
"""Base fee 10 drops, reserve 10 XRP, 2 XRP per owned object."""
DEFAULT_NETWORK_ID = 21_337
GENESIS_CLOSE_TIME = 800_000_000
CLOSE_INTERVAL = 10

Account = KeyPair | str
_ACCOUNT_FIELDS = ("Account", "Destination", "RegularKey")


def XRP(amount: int | str) -> STAmount:
    """`amount` XRP (an int, or a decimal string such as "0.5") in drops."""
    whole, _, fraction = str(amount).partition(".")
    if len(fraction) > 6:
        raise ValueError(f"{amount} XRP is not a whole number of drops")
    drops = int(whole) * DROPS_PER_XRP + int((fraction or "0").ljust(6, "0"))
    return STAmount.from_drops(-drops if str(amount).startswith("-") and drops > 0 else drops)


def drops(amount: int) -> STAmount:
    return STAmount.from_drops(amount)


def passphrase_keypair(passphrase: str) -> KeyPair:
    """rippled's generateSeed(passphrase) (first 16 bytes of SHA-512), as an Ed25519 key."""
    return KeyPair.from_entropy(hashlib.sha512(passphrase.encode()).digest()[:16])


class IOU:
    """An issued currency: `USD(50)` is 50 USD issued by the gateway."""

    def __init__(self, currency: str, issuer: KeyPair) -> None:
        self.currency = currency
        self.issuer = issuer
        self.issue = Issue(currency_from_code(currency), issuer.account_id)

    def __call__(self, value: int | str) -> STAmount:
        return STAmount.from_value_text(str(value), self.issue)

    def __repr__(self) -> str:
        return f"IOU({self.currency}/{self.issuer.address})"


class EnvError(AssertionError):
    """A transaction's result was not the one the test expected."""


class Env:
    """A ledger chain from genesis, an open ledger, and helpers to drive them."""

    def __init__(
        self,
        *,
        network_id: int = DEFAULT_NETWORK_ID,
        fees: Fees = DEFAULT_FEES,
        master: str = "masterpassphrase",
        features: frozenset[str] = frozenset(),
        check_signatures: bool = True,
    ) -> None:
        self.rules = Rules(network_id, features)
        self.fees = fees
        self.master = passphrase_keypair(master)
        self._accounts: dict[str, KeyPair] = {master: self.master}
        self._by_id: dict[bytes, KeyPair] = {self.master.account_id: self.master}
        self.ledger: Ledger = genesis_ledger(self.master.account_id, fees, close_time=GENESIS_CLOSE_TIME)
        self.history: list[Ledger] = [self.ledger]
        self.signatures = SignatureCache()
        self.check_signatures = check_signatures
        self.open: OpenView = self.ledger.open_view()
        self.open_txs: list[Transaction] = []
        """Transactions in the open ledger (tes or claimed tec), in the order applied."""
        self.open_results: dict[Hash256, TER] = {}
        self.held: list[Transaction] = []
        """Transactions that got a retry code: offered again in the next set (as a node keeps
        its locally submitted transactions)."""
        self.last_report: BuildReport | None = None

    # --- accounts and amounts -------------------------------------------------------------

    def account(self, name: str) -> KeyPair:
        """The account of a name (created on first use; not funded)."""
        keypair = self._accounts.get(name)
        if keypair is None:
            keypair = self._accounts[name] = passphrase_keypair(name)
            self._by_id[keypair.account_id] = keypair
        return keypair

    def _keypair(self, who: Account) -> KeyPair:
        return self.account(who) if isinstance(who, str) else who

    def _id(self, who: Account | bytes) -> AccountID:
        if isinstance(who, bytes):
            return AccountID(who)
        return self._keypair(who).account_id

    def iou(self, issuer: Account, currency: str) -> IOU:
        return IOU(currency, self._keypair(issuer))

    # --- submitting -------------------------------------------------------------------------

    def tx(self, fields: Mapping[str, Any], *, signer: KeyPair | None = None) -> Transaction:
        """Autofill and sign a transaction (native fields; KeyPairs / names for accounts; a field
        given as None is left out even if it would be autofilled)."""
        native = self._native(fields)
        account = AccountID(native["Account"])
        native.setdefault("Fee", STAmount.from_drops(self.fees.base.drops))
        if "Sequence" not in native:
            root = self.open.read(keylet.account(account))
            native["Sequence"] = root.sequence if root is not None else 0
        if self.rules.requires_network_id:
            native.setdefault("NetworkID", self.rules.network_id)
        for name in [n for n, v in native.items() if v is None]:
            del native[name]  # None asks for an autofilled field to be left out
        key = signer if signer is not None else self._by_id.get(account)
        if key is None:
            raise ValueError("no key known for the account: pass signer=")
        native["SigningPubKey"] = key.public_key
        native.pop("TxnSignature", None)
        native["TxnSignature"] = key.sign(signing_data(native))
        return Transaction.from_fields(native)

    def _native(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        if isinstance(fields.get("TransactionType"), str):
            return from_json(fields)
        native = dict(fields)
        for name in _ACCOUNT_FIELDS:
            value = native.get(name)
            if isinstance(value, KeyPair):
                native[name] = value.account_id
            elif isinstance(value, str):
                native[name] = (
                    decode_account_id(value) if value.startswith("r") and len(value) > 24 else self.account(value).account_id
                )
        return native

    def submit(self, tx: Transaction) -> ApplyResult:
        """Apply a transaction to the open ledger, as a node does on receiving it."""
        outcome = apply_transaction(self.open, tx, self.rules, signatures=self.signatures)
        self.open_results[tx.id] = outcome.result
        if outcome.applied:
            self.open_txs.append(tx)
        elif -99 <= outcome.result <= -1:
            self.held.append(tx)
        return outcome

    def __call__(
        self,
        fields: Mapping[str, Any],
        *,
        expect: str | TER = "tesSUCCESS",
        signer: KeyPair | None = None,
    ) -> ApplyResult:
        """Sign and submit; raise EnvError unless the open ledger's result is `expect`."""
        tx = self.tx(fields, signer=signer)
        outcome = self.submit(tx)
        wanted = ter_from_name(expect) if isinstance(expect, str) else expect
        if outcome.result != wanted:
            raise EnvError(f"{tx.tx_type.name}: got {outcome.result.name}, expected {wanted.name}")
        return outcome

    def fund(self, amount: STAmount, *accounts: Account, default_ripple: bool = True) -> None:
        """Pay `amount` from the master to each account, as jtx's fund: the fee of the
        DefaultRipple AccountSet it then submits is paid on top, so the balance is `amount`."""
        for who in accounts:
            extra = self.fees.base.drops if default_ripple else 0
            self.pay(self.master, who, STAmount.from_drops(amount.mantissa + extra))
            if default_ripple:
                self({"TransactionType": TransactionType.AccountSet, "Account": who, "SetFlag": asfDefaultRipple})

    def trust(self, account: Account, limit: STAmount, *, flags: int = 0, expect: str | TER = "tesSUCCESS", **fields: Any) -> ApplyResult:
        tx = {"TransactionType": TransactionType.TrustSet, "Account": account, "LimitAmount": limit, **fields}
        if flags:
            tx["Flags"] = flags
        return self(tx, expect=expect)

    def pay(self, src: Account, dst: Account, amount: STAmount, *, expect: str | TER = "tesSUCCESS", signer: KeyPair | None = None, **fields: Any) -> ApplyResult:
        tx = {"TransactionType": TransactionType.Payment, "Account": src, "Destination": dst, "Amount": amount, **fields}
        return self(tx, expect=expect, signer=signer)

    def offer(self, account: Account, taker_pays: STAmount, taker_gets: STAmount, *, flags: int = 0, expect: str | TER = "tesSUCCESS", **fields: Any) -> ApplyResult:
        tx = {"TransactionType": TransactionType.OfferCreate, "Account": account, "TakerPays": taker_pays, "TakerGets": taker_gets, **fields}
        if flags:
            tx["Flags"] = flags
        return self(tx, expect=expect)

    def close(self) -> Ledger:
        """Build the next closed ledger from the open ledger's set (and held transactions),
        then open a new ledger over it and re-apply whatever is still retrying."""
        txs = self.open_txs + self.held
        close_time = self.ledger.close_time + CLOSE_INTERVAL
        ledger, report = build_ledger(
            self.ledger,
            txs,
            close_time,
            CLOSE_INTERVAL,
            0,
            self.rules,
            signatures=self.signatures,
            check_signatures=self.check_signatures,
        )
        self.ledger = ledger
        self.history.append(ledger)
        self.last_report = report
        self.open = ledger.open_view()
        self.open_txs, self.open_results, self.held = [], {}, []
        for tx in report.retriable:
            self.submit(tx)
        return ledger

    # --- checking that failures change nothing ---------------------------------------------

    @contextmanager
    def expect_no_change(self) -> Iterator[None]:
        """The block must leave the open ledger exactly as it was (tem / tef / tel / ter)."""
        items, txs, burned = dict(self.open.items), dict(self.open.txs), self.open.destroyed_drops
        yield
        assert self.open.items == items, f"ledger changed: {sorted(k.hex() for k in _diff(items, self.open.items))}"
        assert self.open.txs == txs, "a transaction was recorded"
        assert self.open.destroyed_drops == burned, "XRP was burned"

    @contextmanager
    def expect_fee_only(self, who: Account, fee: int | None = None) -> Iterator[None]:
        """The block must change nothing but `who`'s balance (less the fee) and sequence (one
        more): a claimed tec."""
        fee = self.fees.base.drops if fee is None else fee
        items, burned = dict(self.open.items), self.open.destroyed_drops
        before = self.root(who)
        assert before is not None
        yield
        after = self.root(who)
        assert after is not None
        assert after == before._replace(balance=XRPAmount(before.balance.drops - fee), sequence=before.sequence + 1)
        changed = _diff(items, self.open.items)
        assert changed == {keylet.account(self._id(who)).key}, f"more than the account changed: {[k.hex() for k in changed]}"
        assert self.open.destroyed_drops == burned + fee

    # --- reading ----------------------------------------------------------------------------

    def le(self, k: Keylet[Any]) -> Entry | None:
        """The entry at a keylet in the open ledger."""
        return self.open.read(k)

    def root(self, who: Account) -> AccountRoot | None:
        return self.open.read(keylet.account(self._id(who)))

    def seq(self, who: Account) -> int:
        root = self.root(who)
        assert root is not None, "no such account"
        return root.sequence

    def balance(self, who: Account, issue: Issue | IOU = XRP_ISSUE) -> STAmount:
        """XRP in drops, or the account's balance of an IOU (its side of the trust line, with
        the IOU's issuer; zero without a line)."""
        if isinstance(issue, IOU):
            issue = issue.issue
        account = self._id(who)
        if issue.is_xrp:
            root = self.root(who)
            return STAmount.from_drops(root.balance.drops if root is not None else 0)
        line = self.open.read(keylet.line(account, issue.account, issue.currency))
        if line is None:
            return STAmount.zero(issue)
        balance = line.balance if account < issue.account else -line.balance
        return with_issuer(balance, issue.account)

    def line(self, a: Account, b: Account, currency: str) -> RippleState | None:
        return self.open.read(keylet.line(self._id(a), self._id(b), currency_from_code(currency)))

    def owner_count(self, who: Account) -> int:
        root = self.root(who)
        return root.owner_count if root is not None else 0

    def owned(self, who: Account) -> list[Entry]:
        """Everything in the account's owner directory."""
        entries = []
        for _page, key in dir_entries(self.open, keylet.owner_dir(self._id(who))):
            entry = self.open.read_key(key)
            assert entry is not None, "owner directory names a missing entry"
            entries.append(entry)
        return entries

    def offers(self, who: Account) -> list[Offer]:
        return [e for e in self.owned(who) if isinstance(e, Offer)]

    def meta(self, tx_id: Hash256, ledger: Ledger | None = None) -> dict[str, Any]:
        """A closed transaction's metadata, in rippled's JSON form."""
        ledger = ledger or self.ledger
        item = ledger.txs.get(tx_id)
        if item is None:
            raise KeyError(f"transaction {tx_id.hex()} is not in ledger {ledger.seq}")
        return to_json(decode_native(item[1]))


def _diff(before: Mapping[bytes, Any], after: Mapping[bytes, Any]) -> set[bytes]:
    return {k for k in before.keys() | after.keys() if before.get(k, _MISSING) != after.get(k, _MISSING)}


_MISSING = object()
