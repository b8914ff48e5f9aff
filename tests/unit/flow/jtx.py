"""rippled jtx idioms on top of tests.support.env.Env, for restating rippled's own tests.

rippled's unit-test ledgers charge 10 drops per transaction with a 200 XRP account reserve and
50 XRP per owned object; `rippled_env()` builds an Env with that schedule. `env.trust` in jtx
refunds the TrustSet fee (`jtx_trust` does the same), while `env(trust(...))` does not (use
Env.trust). Balances are compared from the holder's side, since xpay's test accounts have other
IDs than rippled's (so the low/high order of a line, and the sign of its raw Balance, differ).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.support.env import IOU, XRP, Account, Env, drops
from xpay.amounts import STAmount, XRPAmount
from xpay.ledger import keylet
from xpay.ledger.entries import Offer
from xpay.ledger.views import Fees
from xpay.protocol.ids import XRP_CURRENCY
from xpay.protocol.transaction_types import TransactionType

RIPPLED_TEST_FEES = Fees(XRPAmount(10), XRPAmount(200_000_000), XRPAmount(50_000_000))
FEE = 10


def rippled_env() -> Env:
    return Env(fees=RIPPLED_TEST_FEES, check_signatures=False)


def reserve(env: Env, count: int) -> STAmount:
    """The account reserve with `count` owned objects (rippled's accountReserve)."""
    return STAmount.from_drops(env.fees.account_reserve(count).drops)


def plus(*amounts: STAmount | int) -> STAmount:
    """Sum of XRP amounts; an int is drops."""
    total = 0
    for a in amounts:
        total += a if isinstance(a, int) else a.mantissa
    return STAmount.from_drops(total)


def jtx_trust(env: Env, account: Account, limit: STAmount, **fields: Any) -> None:
    """rippled's Env::trust: set the line, then refund the fee from the master."""
    env.trust(account, limit, **fields)
    env.pay(env.master, account, drops(env.fees.base.drops))


def rate(env: Env, gw: Account, multiplier: str) -> None:
    """rippled's jtx rate(gw, 1.25): set the gateway's TransferRate to uint32(1e9 * multiplier)
    computed in double precision, as jtx does; so rate(gw, 1.005) is 1004999999, not 1005000000
    (rippled's expected balances depend on it)."""
    value = int(1_000_000_000 * float(Decimal(multiplier)))
    env({"TransactionType": TransactionType.AccountSet, "Account": gw, "TransferRate": value})


def quality_percent(percent: int) -> int:
    """rippled's jtx qualityInPercent / qualityOutPercent: uint32((percent / 100) * 1e9) in
    double precision."""
    return int((percent / 100) * 1_000_000_000)


def offer_cancel(env: Env, account: Account, sequence: int, *, expect: str = "tesSUCCESS") -> None:
    env({"TransactionType": TransactionType.OfferCancel, "Account": account, "OfferSequence": sequence}, expect=expect)


def offers(env: Env, who: Account) -> list[tuple[STAmount, STAmount]]:
    """(TakerPays, TakerGets) of the account's offers, in owner-directory order."""
    return [(o.taker_pays, o.taker_gets) for o in env.offers(who)]


def is_offer(env: Env, who: Account, taker_pays: STAmount, taker_gets: STAmount) -> bool:
    return (taker_pays, taker_gets) in offers(env, who)


def offer_entry(env: Env, who: Account, sequence: int) -> Offer | None:
    return env.open.read(keylet.offer(env._id(who), sequence))


def book(iou: IOU | None) -> dict[str, bytes]:
    """A path step through the book into `iou` (rippled's ~USD), or into XRP for None."""
    if iou is None:
        return {"currency": XRP_CURRENCY}
    return {"currency": iou.issue.currency, "issuer": iou.issue.account}


def acct(env: Env, who: Account) -> dict[str, bytes]:
    """A path step through an account."""
    return {"account": env._id(who)}


def xrp_balance(env: Env, who: Account) -> STAmount:
    return env.balance(who)


def none_line(env: Env, who: Account, iou: IOU) -> bool:
    """rippled's balance(who, USD(none)): no trust line at all."""
    return env.open.read(keylet.line(env._id(who), iou.issue.account, iou.issue.currency)) is None


__all__ = ["FEE", "IOU", "XRP", "drops"]
