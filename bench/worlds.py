"""Synthetic payment networks built as real ledger state, for pathfinding benches and tests.

`WorldBuilder` writes accounts, trust lines and offers straight into a sandbox over a genesis
ledger with the ledger verbs (owner directories, book directories, owner counts, reserve flags),
then closes it into a real `Ledger`: what a network would hold after its transactions, without
running them. Accounts have Ed25519 keys, so the bench can then submit real transactions.

`generate_world(seed, ...)` draws a cross-border network from a seed: countries with a currency
each and a few gateways issuing it, users holding their country's money at one or two gateways
(and some a foreign currency), market makers holding many gateways' IOUs and quoting books
between them and XRP at around the FX rates, and a few liquidity hubs rippling between the
gateways of one currency. Gateways allow rippling (DefaultRipple); users do not, as on the XRPL.
The same seed gives the same world, byte for byte.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from hashlib import sha512

from xpay.amounts import XRP_ISSUE, Issue, STAmount, XRPAmount, currency_from_code, get_rate
from xpay.crypto import KeyPair
from xpay.ledger import keylet
from xpay.ledger.directory import dir_add
from xpay.ledger.entries import AccountRoot, DirectoryNode, Offer, RippleState
from xpay.ledger.ledger import Ledger, close_ledger, genesis_ledger
from xpay.ledger.transfers import describe_owner_dir, offer_delete, trust_delete
from xpay.ledger.views import Fees, Sandbox
from xpay.protocol.flags import (
    lsfDefaultRipple,
    lsfHighAuth,
    lsfHighFreeze,
    lsfHighNoRipple,
    lsfHighReserve,
    lsfLowAuth,
    lsfLowFreeze,
    lsfLowNoRipple,
    lsfLowReserve,
    lsfRequireAuth,
)
from xpay.protocol.ids import ACCOUNT_ONE, AccountID

WORLD_FEES = Fees(XRPAmount(10), XRPAmount(10_000_000), XRPAmount(2_000_000))
"""Base fee 10 drops, reserve 10 XRP, 2 XRP per owned object (the test Env's schedule)."""
DROPS_PER_XRP = 1_000_000


def keypair(name: str) -> KeyPair:
    return KeyPair.from_entropy(sha512(name.encode()).digest()[:16])


class WorldBuilder:
    """Accounts, lines and offers written into one sandbox, closed into a ledger."""

    def __init__(self, *, fees: Fees = WORLD_FEES, close_time: int = 800_000_000, base: Ledger | None = None) -> None:
        """A new world from genesis, or (`base`) the next ledger of an existing one."""
        self.master = keypair("world master")
        self.genesis = base if base is not None else genesis_ledger(self.master.account_id, fees, close_time=close_time)
        self.open = self.genesis.open_view(build=True)
        self.sb = Sandbox(self.open)
        self.keys: dict[AccountID, KeyPair] = {self.master.account_id: self.master}
        self.names: dict[AccountID, str] = {self.master.account_id: "master"}
        self._sequences: dict[AccountID, int] = {}

    # -- accounts -----------------------------------------------------------------------------

    def account(
        self,
        name: str,
        xrp: int = 10_000,
        *,
        default_ripple: bool = False,
        require_auth: bool = False,
        transfer_rate: int | None = None,
        flags: int = 0,
    ) -> AccountID:
        """A funded account (`xrp` whole XRP), its key derived from `name`."""
        key = keypair(name)
        account = key.account_id
        if default_ripple:
            flags |= lsfDefaultRipple
        if require_auth:
            flags |= lsfRequireAuth
        self.sb.insert(
            AccountRoot(
                key=keylet.account(account).key,
                account=account,
                balance=XRPAmount(xrp * DROPS_PER_XRP),
                sequence=1,
                flags=flags,
                transfer_rate=transfer_rate,
            )
        )
        self.keys[account] = key
        self.names[account] = name
        self._sequences[account] = 1
        return account

    def set_flags(self, account: AccountID, flags: int) -> None:
        root = self.sb.read(keylet.account(account))
        assert root is not None
        self.sb.update(root._replace(flags=root.flags | flags))

    def _own(self, account: AccountID, delta: int = 1) -> None:
        root = self.sb.read(keylet.account(account))
        assert root is not None
        self.sb.update(root._replace(owner_count=root.owner_count + delta))

    # -- trust lines --------------------------------------------------------------------------

    def trust(
        self,
        holder: AccountID,
        issuer: AccountID,
        currency: str,
        limit: str,
        balance: str = "0",
        *,
        holder_no_ripple: bool | None = None,
        issuer_no_ripple: bool | None = None,
        frozen: bool = False,
        authorized: bool = False,
    ) -> RippleState:
        """`holder` trusts `issuer` for up to `limit` of `currency` and holds `balance` of it.

        NoRipple on each side follows the account's DefaultRipple unless given; `frozen`: the
        issuer froze the holder's line; `authorized`: the issuer authorised the holder."""
        cur = currency_from_code(currency)
        k = keylet.line(holder, issuer, cur)
        holder_low = holder < issuer
        low, high = (holder, issuer) if holder_low else (issuer, holder)
        held = STAmount.from_value_text(balance, Issue(cur, ACCOUNT_ONE))
        holder_root = self.sb.read(keylet.account(holder))
        issuer_root = self.sb.read(keylet.account(issuer))
        assert holder_root is not None and issuer_root is not None
        if holder_no_ripple is None:
            holder_no_ripple = not holder_root.flags & lsfDefaultRipple
        if issuer_no_ripple is None:
            issuer_no_ripple = not issuer_root.flags & lsfDefaultRipple
        flags = lsfLowReserve if holder_low else lsfHighReserve
        if holder_no_ripple:
            flags |= lsfLowNoRipple if holder_low else lsfHighNoRipple
        if issuer_no_ripple:
            flags |= lsfHighNoRipple if holder_low else lsfLowNoRipple
        if frozen:
            flags |= lsfHighFreeze if holder_low else lsfLowFreeze
        if authorized:
            flags |= lsfHighAuth if holder_low else lsfLowAuth
        low_node = dir_add(self.sb, keylet.owner_dir(low), k.key, describe_owner_dir(low), preserve_order=False)
        high_node = dir_add(self.sb, keylet.owner_dir(high), k.key, describe_owner_dir(high), preserve_order=False)
        limit_amount = STAmount.from_value_text(limit, Issue(cur, holder))
        zero_limit = STAmount.zero(Issue(cur, issuer))
        line = RippleState(
            key=k.key,
            balance=held if holder_low else -held,
            low_limit=limit_amount if holder_low else zero_limit,
            high_limit=zero_limit if holder_low else limit_amount,
            flags=flags,
            low_node=low_node,
            high_node=high_node,
        )
        self.sb.insert(line)
        self._own(holder)
        return line

    # -- offers -------------------------------------------------------------------------------

    def set_line(
        self,
        holder: AccountID,
        issuer: AccountID,
        currency: str,
        *,
        balance: str | None = None,
        limit: str | None = None,
        frozen: bool | None = None,
        holder_no_ripple: bool | None = None,
    ) -> RippleState:
        """Change an existing line: the holder's balance or limit, the issuer's freeze, the
        holder's NoRipple."""
        cur = currency_from_code(currency)
        line = self.sb.read(keylet.line(holder, issuer, cur))
        assert line is not None, "no such line"
        holder_low = holder < issuer
        if balance is not None:
            held = STAmount.from_value_text(balance, Issue(cur, ACCOUNT_ONE))
            line = line._replace(balance=held if holder_low else -held)
        if limit is not None:
            amount = STAmount.from_value_text(limit, Issue(cur, holder))
            line = line._replace(low_limit=amount) if holder_low else line._replace(high_limit=amount)
        flags = line.flags
        if frozen is not None:
            bit = lsfHighFreeze if holder_low else lsfLowFreeze
            flags = flags | bit if frozen else flags & ~bit
        if holder_no_ripple is not None:
            bit = lsfLowNoRipple if holder_low else lsfHighNoRipple
            flags = flags | bit if holder_no_ripple else flags & ~bit
        line = line._replace(flags=flags)
        self.sb.update(line)
        return line

    def delete_line(self, holder: AccountID, issuer: AccountID, currency: str) -> None:
        line = self.sb.read(keylet.line(holder, issuer, currency_from_code(currency)))
        assert line is not None, "no such line"
        trust_delete(self.sb, line, line.low_account, line.high_account)
        # Release the reserve of whichever side paid one.
        if line.flags & lsfLowReserve:
            self._own(line.low_account, -1)
        if line.flags & lsfHighReserve:
            self._own(line.high_account, -1)

    def delete_offer(self, offer: Offer) -> None:
        offer_delete(self.sb, offer)

    def offer(self, owner: AccountID, taker_pays: STAmount, taker_gets: STAmount) -> Offer:
        """A standing offer placed as OfferCreate places one (no crossing)."""
        root = self.sb.read(keylet.account(owner))
        assert root is not None
        sequence = self._sequences.get(owner, root.sequence)
        self._sequences[owner] = sequence + 1
        self.sb.update(root._replace(sequence=sequence + 1))
        key = keylet.offer(owner, sequence).key
        owner_node = dir_add(self.sb, keylet.owner_dir(owner), key, describe_owner_dir(owner), preserve_order=False)
        rate = get_rate(taker_gets, taker_pays)
        book_dir = keylet.quality(keylet.book_base(taker_pays.issue, taker_gets.issue), rate)

        def describe(node: DirectoryNode) -> DirectoryNode:
            return node._replace(
                taker_pays_currency=taker_pays.issue.currency,
                taker_pays_issuer=taker_pays.issue.account,
                taker_gets_currency=taker_gets.issue.currency,
                taker_gets_issuer=taker_gets.issue.account,
                exchange_rate=rate,
            )

        book_node = dir_add(self.sb, book_dir, key, describe, preserve_order=True)
        assert owner_node is not None and book_node is not None
        offer = Offer(
            key=key,
            account=owner,
            sequence=sequence,
            taker_pays=taker_pays,
            taker_gets=taker_gets,
            book_directory=book_dir.key,
            book_node=book_node,
            owner_node=owner_node,
        )
        self.sb.insert(offer)
        self._own(owner)
        return offer

    def close(self) -> Ledger:
        """The ledger holding everything written so far."""
        self.sb.apply()
        return close_ledger(self.genesis, self.open, self.genesis.close_time + 10)


def iou(code: str, issuer: AccountID, value: str | int | Decimal) -> STAmount:
    return STAmount.from_value_text(str(value), Issue(currency_from_code(code), issuer))


def xrp(value: int | Decimal) -> STAmount:
    return STAmount.from_drops(int(Decimal(value) * DROPS_PER_XRP))


# -- the synthetic cross-border world ----------------------------------------------------------

CURRENCIES: tuple[str, ...] = (
    "USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "CNY", "HKD", "SGD",
    "INR", "BRL", "MXN", "ZAR", "SEK", "NOK", "DKK", "PLN", "KRW", "TRY",
    "NZD", "THB", "IDR", "PHP", "MYR", "AED", "SAR", "ILS", "CZK", "HUF",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class WorldSize:
    """How big a world to draw."""

    accounts: int = 10_000
    countries: int = 20
    gateways_per_country: int = 5
    lines_per_user: int = 5
    market_makers: int = 100
    books: int = 500
    offers_per_book: int = 100
    hubs_per_country: int = 2

    def scaled(self, factor: Decimal) -> WorldSize:
        """The same shape with `factor` times the accounts, lines, books and offers."""

        def s(n: int, least: int = 1) -> int:
            return max(least, int(Decimal(n) * factor))

        return WorldSize(
            accounts=s(self.accounts, 50),
            countries=min(len(CURRENCIES), max(3, s(self.countries, 3))),
            gateways_per_country=self.gateways_per_country,
            lines_per_user=self.lines_per_user,
            market_makers=s(self.market_makers, 4),
            books=s(self.books, 6),
            offers_per_book=self.offers_per_book,
            hubs_per_country=self.hubs_per_country,
        )


@dataclass(slots=True)
class World:
    """A generated world: its ledger and who is who."""

    ledger: Ledger
    keys: dict[AccountID, KeyPair]
    names: dict[AccountID, str]
    currencies: list[str]
    gateways: dict[str, list[AccountID]]
    """Gateways by the currency they issue."""
    users: list[AccountID]
    user_currency: dict[AccountID, str]
    """A user's home currency."""
    market_makers: list[AccountID]
    hubs: list[AccountID]
    books: list[tuple[Issue, Issue]] = field(default_factory=list)
    fx: dict[str, Decimal] = field(default_factory=dict)
    """Value of one unit of each currency, in XRP."""


def generate_world(seed: int, size: WorldSize | None = None) -> World:
    """A cross-border network drawn from `seed` (see the module docstring)."""
    size = size or WorldSize()
    rng = random.Random(seed)
    b = WorldBuilder()
    currencies = list(CURRENCIES[: size.countries])
    # One unit of each currency in XRP: between 0.01 and 5 XRP, four significant digits.
    fx = {c: Decimal(rng.randint(100, 50_000)) / Decimal(10_000) for c in currencies}

    gateways: dict[str, list[AccountID]] = {}
    for c in currencies:
        gateways[c] = [
            b.account(f"{seed}:gw:{c}:{i}", 100_000, default_ripple=True, transfer_rate=_gateway_rate(rng))
            for i in range(size.gateways_per_country)
        ]
    hubs: list[AccountID] = []
    for c in currencies:
        for i in range(size.hubs_per_country):
            hub = b.account(f"{seed}:hub:{c}:{i}", 100_000, default_ripple=True)
            hubs.append(hub)
            for gw in gateways[c]:
                b.trust(hub, gw, c, "10000000", str(rng.randint(10_000, 200_000)))
    market_makers = [b.account(f"{seed}:mm:{i}", 2_000_000) for i in range(size.market_makers)]

    fixed = len(currencies) * (size.gateways_per_country + size.hubs_per_country) + size.market_makers
    users: list[AccountID] = []
    user_currency: dict[AccountID, str] = {}
    for i in range(max(0, size.accounts - fixed)):
        home = rng.choice(currencies)
        user = b.account(f"{seed}:user:{i}", rng.randint(50, 5_000))
        users.append(user)
        user_currency[user] = home
        n_lines = max(1, size.lines_per_user + rng.randint(-2, 2))
        home_gateways = rng.sample(gateways[home], min(len(gateways[home]), max(1, n_lines - 1)))
        for gw in home_gateways:
            b.trust(user, gw, home, "1000000", str(rng.randint(0, 20_000)))
        for _ in range(n_lines - len(home_gateways)):
            foreign = rng.choice(currencies)
            gw = rng.choice(gateways[foreign])
            if b.sb.read(keylet.line(user, gw, currency_from_code(foreign))) is None:
                b.trust(user, gw, foreign, "100000", str(rng.randint(0, 2_000)))

    # Market makers hold many gateways' money; books quote between gateway issues and XRP.
    issues = [Issue(currency_from_code(c), gw) for c in currencies for gw in gateways[c]]
    holdings: dict[AccountID, set[Issue]] = {mm: set() for mm in market_makers}

    def hold(mm: AccountID, issue: Issue) -> None:
        if issue.is_xrp or issue in holdings[mm]:
            return
        code = _code(issue)
        units = int(Decimal(1_000_000) / fx[code]) + 1
        b.trust(mm, issue.account, code, str(units * 100), str(units))
        holdings[mm].add(issue)

    books: list[tuple[Issue, Issue]] = []
    seen_books: set[tuple[Issue, Issue]] = set()
    while len(books) < size.books:
        if rng.random() < 0.3:
            issue = rng.choice(issues)
            pair = (issue, XRP_ISSUE) if rng.random() < 0.5 else (XRP_ISSUE, issue)
        else:
            pair = (rng.choice(issues), rng.choice(issues))
            if pair[0] == pair[1]:
                continue
        if pair in seen_books:
            continue
        seen_books.add(pair)
        books.append(pair)
    for taker_pays_issue, taker_gets_issue in books:
        makers = rng.sample(market_makers, min(len(market_makers), 4))
        for mm in makers:
            hold(mm, taker_pays_issue)
            hold(mm, taker_gets_issue)
        # rate: taker_pays units per taker_gets unit at market, plus a spread per offer.
        market = _value(taker_gets_issue, fx) / _value(taker_pays_issue, fx)
        for k in range(size.offers_per_book):
            mm = makers[k % len(makers)]
            spread = Decimal(10_000 + 5 * k + rng.randint(0, 20)) / Decimal(10_000)
            gets_units = Decimal(rng.randint(10, 1_000)) / _value(taker_gets_issue, fx)
            gets = _amount(taker_gets_issue, gets_units)
            pays = _amount(taker_pays_issue, gets_units * market * spread)
            if gets.signum() > 0 and pays.signum() > 0:
                b.offer(mm, pays, gets)
    ledger = b.close()
    return World(ledger, b.keys, b.names, currencies, gateways, users, user_currency, market_makers, hubs, books, fx)


def _gateway_rate(rng: random.Random) -> int | None:
    """Most gateways charge no transfer fee; some charge 0.1 % to 0.5 %."""
    if rng.random() < 0.7:
        return None
    return 1_000_000_000 + rng.choice((1, 2, 5)) * 1_000_000


def _code(issue: Issue) -> str:
    code = issue.currency[12:15].decode()
    return code


def _value(issue: Issue, fx: dict[str, Decimal]) -> Decimal:
    return Decimal(1) if issue.is_xrp else fx[_code(issue)]


def _amount(issue: Issue, units: Decimal) -> STAmount:
    if issue.is_xrp:
        return STAmount.from_drops(int(units * DROPS_PER_XRP))
    return STAmount.from_value_text(f"{units:.6f}", issue)
