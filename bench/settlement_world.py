"""The settlement benchmark's world: gateways, market makers, bank customers, and the seeded mix
of payments they send.

The world (all keys derived from `--seed`, so a rerun builds the same accounts):

* K gateways, one currency each (USD, EUR, GBP, JPY, ...), each an issuer with DefaultRipple set,
  so its customers pay each other by rippling through it, as customers of one bank do;
* M market makers, each holding every gateway's IOU and XPY, quoting every IOU/XPY book both
  ways at a few levels around a reference rate: a cross-currency payment USD -> EUR crosses
  USD/XPY and XPY/EUR (the path `[[{"currency": "XRP"}]]`, XPY as the bridge);
* C bank customers, each with a trust line to its gateway and a balance of its IOU, and each a
  customer of one node (its bank's connection to the network).

The mix (`payment_mix`): payment i is sent by customer i mod C (so each customer's sequence chain
advances at rate / C and chains never serialise the load); a share `cross_share` pays a customer
of another gateway in that gateway's currency with a SendMax in the sender's currency (reference
rate plus a slippage margin), the rest pays a customer of the same gateway; a share `bad_share`
are deliberately unfunded (ten times the sender's balance) and must end `tecPATH_PARTIAL`. The mix
is a pure function of its inputs; `sign_mix` signs it with consecutive sequences per sender.
`World.setup_batches` lists the set-up transactions in the order they must validate.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xpay.crypto import KeyPair, sign_transaction

CURRENCIES: tuple[tuple[str, Decimal], ...] = (
    ("USD", Decimal("1")),
    ("EUR", Decimal("0.9")),
    ("GBP", Decimal("0.8")),
    ("JPY", Decimal("150")),
    ("CHF", Decimal("0.88")),
    ("CNY", Decimal("7.2")),
    ("SGD", Decimal("1.35")),
    ("INR", Decimal("83")),
)
"""Gateway currencies and their reference rate: units of the currency per XPY."""

FEE_DROPS = 10
CUSTOMER_XPY_DROPS = 100_000_000
"""Each customer's XPY: the reserve (base plus one line) and every fee of the run."""
GATEWAY_XPY_DROPS = 1_000_000_000
MAKER_XPY_DROPS = 10_000_000_000_000
"""Each market maker's XPY (10 M): what it sells for IOUs on the IOU -> XPY leg."""
CUSTOMER_BALANCE_UNITS = Decimal(1_000_000)
"""Each customer's IOU balance, in reference units (times the currency's rate)."""
MAKER_BALANCE_UNITS = Decimal(1_000_000_000)
TRUST_LIMIT = "1000000000000000"
OFFER_LEVELS = 3
SPREAD = Decimal("0.002")
"""Each level of a maker's quote is this much further from the reference rate."""
SLIPPAGE = Decimal("0.05")
"""SendMax margin over the reference conversion: covers the spreads on both books."""
MAX_UNITS = 100
"""A payment delivers 1..MAX_UNITS reference units of the destination currency."""


def derived_key(seed: int, role: str, index: int) -> KeyPair:
    """A key of the run's world: the same seed, role and index give the same account."""
    return KeyPair.from_entropy(hashlib.sha512(f"xpay bench settlement {seed} {role} {index}".encode()).digest()[:16])


def iou(currency: str, issuer: str, value: Decimal) -> dict[str, str]:
    return {"currency": currency, "issuer": issuer, "value": _value_text(value)}


def _value_text(value: Decimal) -> str:
    """An IOU value with at most 15 significant digits (STAmount keeps 16)."""
    text = format(value.quantize(Decimal(1)) if value >= 10**14 else round(value, 6).normalize(), "f")
    return text


@dataclass(frozen=True, slots=True)
class Gateway:
    key: KeyPair
    currency: str
    rate: Decimal
    """Units of the currency per XPY."""


@dataclass(frozen=True, slots=True)
class Customer:
    key: KeyPair
    gateway: int
    node: int
    """The node (bank connection) this customer submits through."""


@dataclass(frozen=True, slots=True)
class World:
    seed: int
    gateways: tuple[Gateway, ...]
    makers: tuple[KeyPair, ...]
    customers: tuple[Customer, ...]

    @classmethod
    def build(cls, seed: int, gateways: int, makers: int, customers: int, nodes: int) -> World:
        if not 1 <= gateways <= len(CURRENCIES):
            raise ValueError(f"--gateways must lie between 1 and {len(CURRENCIES)}")
        if customers < 2 * gateways:
            raise ValueError("--accounts must give every gateway at least two customers")
        gws = tuple(
            Gateway(derived_key(seed, "gateway", g), CURRENCIES[g][0], CURRENCIES[g][1]) for g in range(gateways)
        )
        mms = tuple(derived_key(seed, "maker", m) for m in range(makers))
        # Customer i banks with gateway i mod K and submits through node (i // K) mod N, so both
        # the currencies and the nodes are spread evenly over consecutive senders.
        custs = tuple(
            Customer(derived_key(seed, "customer", i), i % gateways, (i // gateways) % nodes) for i in range(customers)
        )
        return cls(seed, gws, mms, custs)

    def accounts(self) -> list[KeyPair]:
        return [g.key for g in self.gateways] + list(self.makers) + [c.key for c in self.customers]

    def customer_balance(self, customer: Customer) -> Decimal:
        return CUSTOMER_BALANCE_UNITS * self.gateways[customer.gateway].rate

    def setup_batches(self, genesis: KeyPair) -> list[list[dict[str, Any]]]:
        """Unsigned transactions without Sequence, batch by batch: each batch may be submitted
        at once, and must validate before the next."""
        funding: list[dict[str, Any]] = []
        amounts = (
            [GATEWAY_XPY_DROPS] * len(self.gateways)
            + [MAKER_XPY_DROPS] * len(self.makers)
            + [CUSTOMER_XPY_DROPS] * len(self.customers)
        )
        for account, drops in zip(self.accounts(), amounts):
            funding.append(_tx("Payment", genesis, Destination=account.address, Amount=str(drops)))
        # DefaultRipple before any line to the gateway exists: a line takes the issuer's
        # NoRipple default when it is created.
        settings = [_tx("AccountSet", g.key, SetFlag=8) for g in self.gateways]  # asfDefaultRipple
        lines: list[dict[str, Any]] = []
        for c in self.customers:
            gw = self.gateways[c.gateway]
            lines.append(_tx("TrustSet", c.key, LimitAmount=iou(gw.currency, gw.key.address, Decimal(TRUST_LIMIT))))
        for maker in self.makers:
            for gw in self.gateways:
                lines.append(_tx("TrustSet", maker, LimitAmount=iou(gw.currency, gw.key.address, Decimal(TRUST_LIMIT))))
        issuing: list[dict[str, Any]] = []
        for c in self.customers:
            gw = self.gateways[c.gateway]
            issuing.append(_tx("Payment", gw.key, Destination=c.key.address,
                               Amount=iou(gw.currency, gw.key.address, self.customer_balance(c))))
        for maker in self.makers:
            for gw in self.gateways:
                issuing.append(_tx("Payment", gw.key, Destination=maker.address,
                                   Amount=iou(gw.currency, gw.key.address, MAKER_BALANCE_UNITS * gw.rate)))
        offers: list[dict[str, Any]] = []
        books = len(self.gateways) * OFFER_LEVELS
        xpy_per_offer = MAKER_XPY_DROPS // 2 // books
        for maker in self.makers:
            for gw in self.gateways:
                for level in range(OFFER_LEVELS):
                    margin = SPREAD * (level + 1)
                    xpy = Decimal(xpy_per_offer) / Decimal(1_000_000)
                    # The maker buys the IOU with XPY (a payer's IOU -> XPY leg) below the rate...
                    offers.append(_tx("OfferCreate", maker, TakerGets=str(xpy_per_offer),
                                      TakerPays=iou(gw.currency, gw.key.address, xpy * gw.rate * (1 + margin))))
                    # ... and sells the IOU for XPY (the XPY -> receiver's IOU leg) above it.
                    units = MAKER_BALANCE_UNITS * gw.rate / 2 / OFFER_LEVELS
                    offers.append(_tx("OfferCreate", maker, TakerGets=iou(gw.currency, gw.key.address, units),
                                      TakerPays=str(int(units / gw.rate * (1 + margin) * 1_000_000))))
        return [funding, settings, lines, issuing, offers]


def _tx(kind: str, account: KeyPair, **fields: Any) -> dict[str, Any]:
    return {"TransactionType": kind, "Account": account.address, "Fee": str(FEE_DROPS), **fields}


@dataclass(frozen=True, slots=True)
class PlannedPayment:
    """One payment of the mix, before signing."""

    index: int
    kind: str
    """`same` (same gateway), `cross` (another currency, through XPY) or `bad` (unfunded)."""
    pair: str
    """Source and destination currency, e.g. `USD->EUR`."""
    sender: int
    """Index of the sending customer."""
    node: int
    tx_json: dict[str, Any]


def payment_mix(world: World, total: int, seed: int, cross_share: float, bad_share: float = 0.0) -> list[PlannedPayment]:
    """`total` payments, a pure function of the arguments (see the module docstring)."""
    if not 0.0 <= cross_share <= 1.0 or not 0.0 <= bad_share <= 1.0:
        raise ValueError("--cross-share and --bad-share must lie between 0 and 1")
    rng = random.Random(seed)
    by_gateway: list[list[int]] = [[] for _ in world.gateways]
    for index, c in enumerate(world.customers):
        by_gateway[c.gateway].append(index)
    others = [[i for i in range(len(world.customers)) if world.customers[i].gateway != g] for g in range(len(world.gateways))]
    out: list[PlannedPayment] = []
    for number in range(total):
        sender_index = number % len(world.customers)
        sender = world.customers[sender_index]
        src = world.gateways[sender.gateway]
        roll = rng.random()
        bad = rng.random() < bad_share
        units = Decimal(rng.randint(1, MAX_UNITS))
        if bad:
            kind = "bad"
            receiver = _other(rng, by_gateway[sender.gateway], sender_index)
            dst = src
            fields: dict[str, Any] = {"Amount": iou(dst.currency, dst.key.address, world.customer_balance(sender) * 10)}
        elif roll < cross_share and others[sender.gateway]:
            kind = "cross"
            receiver = rng.choice(others[sender.gateway])
            dst = world.gateways[world.customers[receiver].gateway]
            send_max = units * src.rate * (1 + SLIPPAGE)
            fields = {
                "Amount": iou(dst.currency, dst.key.address, units * dst.rate),
                "SendMax": iou(src.currency, src.key.address, send_max),
                "Paths": [[{"currency": "XRP"}]],
            }
        else:
            kind = "same"
            receiver = _other(rng, by_gateway[sender.gateway], sender_index)
            dst = src
            fields = {"Amount": iou(dst.currency, dst.key.address, units * dst.rate)}
        tx = _tx("Payment", sender.key, Destination=world.customers[receiver].key.address, **fields)
        out.append(PlannedPayment(number, kind, f"{src.currency}->{dst.currency}", sender_index, sender.node, tx))
    return out


def _other(rng: random.Random, candidates: list[int], not_this: int) -> int:
    while True:
        choice = rng.choice(candidates)
        if choice != not_this:
            return choice


def sign_mix(
    world: World, mix: Sequence[PlannedPayment], sequences: Sequence[int], network_id: int
) -> list[tuple[str, str]]:
    """(blob, hash) per planned payment, each sender's sequences consecutive from `sequences`
    (the next sequence of each customer, by index)."""
    next_seq = list(sequences)
    out: list[tuple[str, str]] = []
    for planned in mix:
        sender = world.customers[planned.sender]
        tx = {**planned.tx_json, "Sequence": next_seq[planned.sender], "NetworkID": network_id}
        next_seq[planned.sender] += 1
        out.append(sign_transaction(tx, sender.key))
    return out
