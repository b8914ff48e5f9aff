"""Moving value and owning things: rippled's View.cpp write-side verbs.

`ripple_credit` moves an IOU balance along one trust line (creating the line, or releasing the
sender's reserve and deleting the line when it returns to its default state); `ripple_send` pays a
third party's IOUs through their issuer, charging the issuer's transfer fee; `account_send` moves
XRP or IOUs; `trust_create` / `trust_delete` manage lines and their owner-directory entries;
`adjust_owner_count`; `offer_delete`. All write into a sandbox and return a result code: a tec is
a return value, never an exception.
"""

from __future__ import annotations

from xpay.amounts import Issue, STAmount, multiply_by_rate
from xpay.amounts.xrp_amount import xrp_of
from xpay.ledger import keylet
from xpay.ledger.directory import Describe, dir_add, dir_remove
from xpay.ledger.entries import AccountRoot, DirectoryNode, Offer, RippleState
from xpay.ledger.funds import transfer_rate, with_issuer
from xpay.ledger.payment_sandbox import PaymentSandbox
from xpay.ledger.views import Sandbox
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
)
from xpay.protocol.ids import ACCOUNT_ONE, AccountID, Hash256
from xpay.protocol.ter import TER, Tec, Tef, Tes

XRP_ACCOUNT = AccountID(bytes(20))


def describe_owner_dir(owner: AccountID) -> Describe:
    def describe(node: DirectoryNode) -> DirectoryNode:
        return node._replace(owner=owner)

    return describe


def adjust_owner_count(view: Sandbox, account: AccountRoot, delta: int) -> AccountRoot:
    """The account with its OwnerCount moved by `delta` (never below zero), written to the view."""
    current = account.owner_count
    adjusted = max(0, current + delta)
    view.adjust_owner_count_hook(account.account, current, adjusted)
    account = account._replace(owner_count=adjusted)
    view.update(account)
    return account


def trust_create(
    view: Sandbox,
    *,
    src_high: bool,
    src: AccountID,
    dst: AccountID,
    key: Hash256,
    reserve_account: AccountRoot,
    auth: bool,
    no_ripple: bool,
    freeze: bool,
    balance: STAmount,
    limit: STAmount,
    quality_in: int = 0,
    quality_out: int = 0,
) -> TER:
    """Create the trust line between src and dst (rippled's trustCreate).

    The side being set is the one whose account issues `limit` (src or dst); `reserve_account`
    is that account, which pays the reserve. `balance` is from src's side.
    """
    low, high = (dst, src) if src_high else (src, dst)
    currency = balance.issue.currency
    set_dst = limit.issue.account == dst
    set_high = src_high ^ set_dst
    if reserve_account.account != (high if set_high else low):
        return Tef.tefINTERNAL
    peer = view.read(keylet.account(low if set_high else high))
    if peer is None:
        return Tec.tecNO_TARGET

    low_node = dir_add(view, keylet.owner_dir(low), key, describe_owner_dir(low), preserve_order=False)
    if low_node is None:
        return Tec.tecDIR_FULL
    high_node = dir_add(view, keylet.owner_dir(high), key, describe_owner_dir(high), preserve_order=False)
    if high_node is None:
        return Tec.tecDIR_FULL

    flags = lsfHighReserve if set_high else lsfLowReserve
    if auth:
        flags |= lsfHighAuth if set_high else lsfLowAuth
    if no_ripple:
        flags |= lsfHighNoRipple if set_high else lsfLowNoRipple
    if freeze:
        flags |= lsfHighFreeze if set_high else lsfLowFreeze
    if not peer.flags & lsfDefaultRipple:
        # The other side's default is not to ripple.
        flags |= lsfLowNoRipple if set_high else lsfHighNoRipple

    other_limit = STAmount.zero(Issue(currency, src if set_dst else dst))
    line_balance = with_issuer(-balance if set_high else balance, ACCOUNT_ONE)
    line = RippleState(
        key=key,
        balance=line_balance,
        low_limit=other_limit if set_high else limit,
        high_limit=limit if set_high else other_limit,
        flags=flags,
        low_node=low_node,
        high_node=high_node,
        low_quality_in=(quality_in or None) if not set_high else None,
        low_quality_out=(quality_out or None) if not set_high else None,
        high_quality_in=(quality_in or None) if set_high else None,
        high_quality_out=(quality_out or None) if set_high else None,
    )
    view.insert(line)
    adjust_owner_count(view, view.read(keylet.account(reserve_account.account)) or reserve_account, 1)
    view.credit_hook(src, dst, balance, STAmount.zero(balance.issue))
    return Tes.tesSUCCESS


def trust_delete(view: Sandbox, line: RippleState, low: AccountID, high: AccountID) -> TER:
    """Remove the line from both owner directories and the ledger (reserves are the caller's)."""
    if not dir_remove(view, keylet.owner_dir(low), line.low_node or 0, line.key):
        return Tef.tefBAD_LEDGER
    if not dir_remove(view, keylet.owner_dir(high), line.high_node or 0, line.key):
        return Tef.tefBAD_LEDGER
    view.erase(line)
    return Tes.tesSUCCESS


def ripple_credit(view: Sandbox, sender: AccountID, receiver: AccountID, amount: STAmount) -> TER:
    """Move an IOU balance one hop, along the sender–receiver line (one of them is the issuer,
    or the issuer is ACCOUNT_ONE for a line's own balance)."""
    currency = amount.issue.currency
    sender_high = sender > receiver
    k = keylet.line(sender, receiver, currency)
    line = view.read(k)
    if line is None:
        receiver_root = view.read(keylet.account(receiver))
        if receiver_root is None:
            return Tef.tefINTERNAL
        return trust_create(
            view,
            src_high=sender_high,
            src=sender,
            dst=receiver,
            key=k.key,
            reserve_account=receiver_root,
            auth=False,
            no_ripple=not receiver_root.flags & lsfDefaultRipple,
            freeze=False,
            balance=with_issuer(amount, ACCOUNT_ONE),
            limit=STAmount.zero(Issue(currency, receiver)),
        )

    balance = -line.balance if sender_high else line.balance  # in the sender's terms
    view.credit_hook(sender, receiver, amount, balance)
    before = balance
    balance = balance - with_issuer(amount, ACCOUNT_ONE)
    flags = line.flags
    delete = False
    sender_reserve = lsfHighReserve if sender_high else lsfLowReserve
    sender_no_ripple = lsfHighNoRipple if sender_high else lsfLowNoRipple
    sender_freeze = lsfHighFreeze if sender_high else lsfLowFreeze
    receiver_reserve = lsfLowReserve if sender_high else lsfHighReserve
    if before.signum() > 0 and balance.signum() <= 0 and flags & sender_reserve:
        sender_root = view.read(keylet.account(sender))
        assert sender_root is not None
        sender_limit = line.high_limit if sender_high else line.low_limit
        quality_in = line.high_quality_in if sender_high else line.low_quality_in
        quality_out = line.high_quality_out if sender_high else line.low_quality_out
        if (
            bool(flags & sender_no_ripple) != bool(sender_root.flags & lsfDefaultRipple)
            and not flags & sender_freeze
            and not sender_limit
            and not quality_in
            and not quality_out
        ):
            # The sender's side is back to its default: release its reserve, maybe delete the line.
            adjust_owner_count(view, sender_root, -1)
            flags &= ~sender_reserve
            delete = not balance and not flags & receiver_reserve
    line = line._replace(balance=-balance if sender_high else balance, flags=flags)
    if delete:
        view.update(line)  # the deleted node's FinalFields show the zeroed balance
        low, high = (receiver, sender) if sender_high else (sender, receiver)
        return trust_delete(view, line, low, high)
    view.update(line)
    return Tes.tesSUCCESS


def ripple_send(view: Sandbox, sender: AccountID, receiver: AccountID, amount: STAmount) -> tuple[TER, STAmount]:
    """Send IOUs; through the issuer (charging its transfer fee) when neither party issues them.
    Returns the result and what the sender was actually debited."""
    issuer = amount.issue.account
    if sender == issuer or receiver == issuer or issuer == ACCOUNT_ONE:
        return ripple_credit(view, sender, receiver, amount), amount
    actual = multiply_by_rate(amount, transfer_rate(view, issuer))
    result = ripple_credit(view, issuer, receiver, amount)
    if result == Tes.tesSUCCESS:
        result = ripple_credit(view, sender, issuer, actual)
    return result, actual


def account_send(view: Sandbox, sender: AccountID, receiver: AccountID, amount: STAmount) -> TER:
    """Move XRP between two accounts, or IOUs as `ripple_send`. Nothing to send, or a sender
    paying itself, is a no-op (rippled's accountSend checks this before either branch)."""
    if not amount or sender == receiver:
        return Tes.tesSUCCESS
    if not amount.native:
        return ripple_send(view, sender, receiver, amount)[0]
    drops = amount.mantissa
    if sender != XRP_ACCOUNT:
        src = view.read(keylet.account(sender))
        if src is None:
            return Tef.tefINTERNAL
        if src.balance.drops < drops:
            return Tec.tecFAILED_PROCESSING
        if isinstance(view, PaymentSandbox):  # the one view that records credits
            view.credit_hook(sender, XRP_ACCOUNT, amount, STAmount.from_xrp(src.balance))
        view.update(src._replace(balance=xrp_of(src.balance.drops - drops)))
    if receiver != XRP_ACCOUNT:
        dst = view.read(keylet.account(receiver))
        if dst is None:
            return Tef.tefINTERNAL
        if isinstance(view, PaymentSandbox):
            view.credit_hook(XRP_ACCOUNT, receiver, amount, STAmount.from_xrp(-dst.balance))
        view.update(dst._replace(balance=xrp_of(dst.balance.drops + drops)))
    return Tes.tesSUCCESS


def offer_delete(view: Sandbox, offer: Offer) -> TER:
    """Remove an offer from its owner's directory and its book, release its reserve, erase it."""
    if not dir_remove(view, keylet.owner_dir(offer.account), offer.owner_node, offer.key):
        return Tef.tefBAD_LEDGER
    if not dir_remove(view, keylet.page(offer.book_directory, 0), offer.book_node, offer.key):
        return Tef.tefBAD_LEDGER
    owner = view.read(keylet.account(offer.account))
    if owner is not None:
        adjust_owner_count(view, owner, -1)
    view.erase(offer)
    return Tes.tesSUCCESS
