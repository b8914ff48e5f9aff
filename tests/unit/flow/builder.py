"""Ledgers built directly with the ledger verbs, for testing the payment engine in isolation.

`LedgerBuilder` writes accounts, trust lines and offers straight into a sandbox over a genesis
ledger's open view (no transactions, no fees), the way rippled's tests would after `env.close()`.
Amounts are given as text, in the units rippled's jtx tests use: `xrp(10)` is 10 XRP,
`b.iou("USD", gw, "1.5")` is 1.5 USD issued by gw.
"""

from __future__ import annotations

from hashlib import sha256

from xpay.amounts import XRP_ISSUE, Issue, STAmount, XRPAmount, currency_from_code
from xpay.amounts.arithmetic import get_rate
from xpay.ledger import keylet
from xpay.ledger.directory import dir_add, dir_entries
from xpay.ledger.entries import AccountRoot, DirectoryNode, Offer, RippleState
from xpay.ledger.ledger import genesis_ledger
from xpay.ledger.payment_sandbox import PaymentSandbox
from xpay.ledger.transfers import describe_owner_dir
from xpay.ledger.views import Fees, Sandbox
from xpay.protocol.flags import (
    lsfDefaultRipple,
    lsfHighNoRipple,
    lsfHighReserve,
    lsfLowNoRipple,
    lsfLowReserve,
)
from xpay.protocol.ids import ACCOUNT_ONE, AccountID, Hash256

# rippled's unit-test fee schedule: 10 drops, 200 XRP reserve, 50 XRP per object.
TEST_FEES = Fees(XRPAmount(10), XRPAmount(200_000_000), XRPAmount(50_000_000))
GENESIS = AccountID(sha256(b"genesis").digest()[:20])


def account_id(name: str) -> AccountID:
    return AccountID(sha256(name.encode()).digest()[:20])


def xrp(amount: float | int | str) -> STAmount:
    """XRP given in whole XRP (as rippled's jtx XRP(n)); decimals allowed for drops."""
    text = str(amount)
    whole, _, frac = text.partition(".")
    drops = int(whole) * 1_000_000 + (int((frac + "000000")[:6]) if frac else 0)
    return STAmount.from_drops(drops)


def drops(n: int) -> STAmount:
    return STAmount.from_drops(n)


class LedgerBuilder:
    """Accounts, lines and offers written straight into a sandbox."""

    def __init__(self, fees: Fees = TEST_FEES, close_time: int = 1000) -> None:
        self.ledger = genesis_ledger(GENESIS, fees, close_time=close_time)
        self.open = self.ledger.open_view()
        self.sb = Sandbox(self.open)
        self.names: dict[AccountID, str] = {}

    # -- amounts ------------------------------------------------------------------------------

    def issue(self, code: str, issuer: AccountID) -> Issue:
        return Issue(currency_from_code(code), issuer)

    def iou(self, code: str, issuer: AccountID, value: str | int) -> STAmount:
        return STAmount.from_value_text(str(value), self.issue(code, issuer))

    # -- writing ------------------------------------------------------------------------------

    def account(
        self,
        name: str,
        xrp_amount: STAmount,
        *,
        default_ripple: bool = True,
        flags: int = 0,
        transfer_rate: int | None = None,
    ) -> AccountID:
        acct = account_id(name)
        self.names[acct] = name
        root = AccountRoot(
            key=keylet.account(acct).key,
            account=acct,
            balance=xrp_amount.xrp(),
            sequence=1,
            flags=flags | (lsfDefaultRipple if default_ripple else 0),
            transfer_rate=transfer_rate,
        )
        self.sb.insert(root)
        return acct

    def set_account(self, acct: AccountID, **changes: object) -> None:
        root = self.sb.read(keylet.account(acct))
        assert root is not None
        self.sb.update(root._replace(**changes))

    def _bump_owner_count(self, acct: AccountID, delta: int) -> None:
        root = self.sb.read(keylet.account(acct))
        assert root is not None
        self.sb.update(root._replace(owner_count=root.owner_count + delta))

    def trust(
        self,
        holder: AccountID,
        limit: STAmount,
        *,
        balance: str = "0",
        no_ripple: bool | None = None,
        issuer_no_ripple: bool | None = None,
        quality_in: int | None = None,
        quality_out: int | None = None,
        flags: int = 0,
    ) -> RippleState:
        """A line from `holder` to limit.issue.account with `holder` holding `balance` of the
        issuer's IOUs (negative: the holder owes). NoRipple defaults follow DefaultRipple."""
        issuer = limit.issue.account
        currency = limit.issue.currency
        k = keylet.line(holder, issuer, currency)
        holder_low = holder < issuer
        low, high = (holder, issuer) if holder_low else (issuer, holder)
        neutral = Issue(currency, ACCOUNT_ONE)
        held = STAmount.from_value_text(balance, neutral)
        line_balance = held if holder_low else -held
        holder_root = self.sb.read(keylet.account(holder))
        issuer_root = self.sb.read(keylet.account(issuer))
        assert holder_root is not None and issuer_root is not None
        if no_ripple is None:
            no_ripple = not holder_root.flags & lsfDefaultRipple
        if issuer_no_ripple is None:
            issuer_no_ripple = not issuer_root.flags & lsfDefaultRipple
        f = flags | (lsfLowReserve if holder_low else lsfHighReserve)
        if no_ripple:
            f |= lsfLowNoRipple if holder_low else lsfHighNoRipple
        if issuer_no_ripple:
            f |= lsfHighNoRipple if holder_low else lsfLowNoRipple
        low_node = dir_add(self.sb, keylet.owner_dir(low), k.key, describe_owner_dir(low), preserve_order=False)
        high_node = dir_add(self.sb, keylet.owner_dir(high), k.key, describe_owner_dir(high), preserve_order=False)
        line = RippleState(
            key=k.key,
            balance=line_balance,
            low_limit=(limit.with_issue(Issue(currency, low)) if holder_low else STAmount.zero(Issue(currency, low))),
            high_limit=(STAmount.zero(Issue(currency, high)) if holder_low else limit.with_issue(Issue(currency, high))),
            flags=f,
            low_node=low_node,
            high_node=high_node,
            low_quality_in=quality_in if holder_low else None,
            low_quality_out=quality_out if holder_low else None,
            high_quality_in=None if holder_low else quality_in,
            high_quality_out=None if holder_low else quality_out,
        )
        self.sb.insert(line)
        self._bump_owner_count(holder, 1)
        return line

    def update_line(self, holder: AccountID, issuer: AccountID, code: str, **changes: object) -> None:
        line = self.sb.read(keylet.line(holder, issuer, currency_from_code(code)))
        assert line is not None
        self.sb.update(line._replace(**changes))

    def offer(
        self,
        owner: AccountID,
        taker_pays: STAmount,
        taker_gets: STAmount,
        *,
        flags: int = 0,
        expiration: int | None = None,
    ) -> Hash256:
        """Place an offer (no crossing), as OfferCreate places a remainder."""
        root = self.sb.read(keylet.account(owner))
        assert root is not None
        seq = root.sequence
        self.sb.update(root._replace(sequence=seq + 1, owner_count=root.owner_count + 1))
        k = keylet.offer(owner, seq)
        owner_node = dir_add(self.sb, keylet.owner_dir(owner), k.key, describe_owner_dir(owner), preserve_order=False)
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

        book_node = dir_add(self.sb, book_dir, k.key, describe, preserve_order=True)
        assert owner_node is not None and book_node is not None
        self.sb.insert(
            Offer(
                key=k.key,
                account=owner,
                sequence=seq,
                taker_pays=taker_pays,
                taker_gets=taker_gets,
                book_directory=book_dir.key,
                book_node=book_node,
                owner_node=owner_node,
                flags=flags,
                expiration=expiration,
            )
        )
        return k.key

    def payment_sandbox(self) -> PaymentSandbox:
        return PaymentSandbox(self.sb)


# -- reading ------------------------------------------------------------------------------------


def xrp_balance(view: Sandbox, acct: AccountID) -> int:
    root = view.read(keylet.account(acct))
    assert root is not None
    return root.balance.drops


def owner_count(view: Sandbox, acct: AccountID) -> int:
    root = view.read(keylet.account(acct))
    assert root is not None
    return root.owner_count


def line_balance(view: Sandbox, holder: AccountID, issue: Issue) -> str:
    """What `holder` holds of `issue` (negative: owes), as value text; "none" without a line."""
    line = view.read(keylet.line(holder, issue.account, issue.currency))
    if line is None:
        return "none"
    # Read the entry itself: a payment sandbox's balance hook would hide deferred credits.
    held = line.balance if holder < issue.account else -line.balance
    return held.value_text()


def offers_of(view: Sandbox, owner: AccountID) -> list[Offer]:
    out = []
    for _, key in dir_entries(view, keylet.owner_dir(owner)):
        entry = view.read_key(key)
        if isinstance(entry, Offer):
            out.append(entry)
    return out


def offer_amounts(view: Sandbox, owner: AccountID) -> list[tuple[str, str]]:
    """(TakerPays, TakerGets) value texts of every offer of `owner`, in owner-directory order."""
    return [(o.taker_pays.value_text(), o.taker_gets.value_text()) for o in offers_of(view, owner)]


XRP = XRP_ISSUE
