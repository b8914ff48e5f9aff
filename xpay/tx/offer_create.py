"""OfferCreate: cross the books, then place what is left (rippled's CreateOffer.cpp, flow crossing).

An offer says: the owner gives TakerGets for TakerPays. Placing it first *crosses* it against
the opposite book at the new offer's price or better: the payment engine is run with the owner
as both source and destination, spending TakerGets to buy TakerPays (owner pays the transfer
fees, the trust line limit of the owner does not apply, and when neither side is XRP a second
strand auto-bridges through XRP). What is not filled is placed in the book at the offer's
original rate, time-ordered within its quality, and in the owner's directory, for one more
owner reserve.

Flags: tfPassive (cross only strictly better offers), tfImmediateOrCancel (never place a
remainder; tecKILLED when nothing crossed), tfFillOrKill (all or nothing: tecKILLED), tfSell
(spend all of TakerGets even if that buys more than TakerPays). OfferSequence cancels an older
offer of the owner first (cancel-replace). Expiration in the past: tecEXPIRED. The issuers'
TickSize rounds the offer's rate. A remainder the owner cannot reserve for is not placed
(tecINSUF_RESERVE_OFFER unless something crossed).
"""

from __future__ import annotations

from typing import Final

from xpay.amounts import (
    BAD_CURRENCY,
    MAX_NATIVE_DROPS,
    QUALITY_ONE,
    XRP_ISSUE,
    Issue,
    Quality,
    STAmount,
    composed_quality,
    div_round_strict,
    divide,
    divide_round,
    mul_round,
    multiply,
    multiply_round,
)
from xpay.amounts.arithmetic import get_rate
from xpay.flow import flow
from xpay.flow.book_tip import tip_quality
from xpay.flow.steps import Book
from xpay.ledger import keylet
from xpay.ledger.directory import dir_add
from xpay.ledger.entries import DirectoryNode, Offer
from xpay.ledger.funds import account_funds, is_global_frozen, transfer_rate
from xpay.ledger.payment_sandbox import PaymentSandbox
from xpay.ledger.transfers import adjust_owner_count, describe_owner_dir, offer_delete
from xpay.ledger.views import ReadView, Sandbox
from xpay.protocol.flags import (
    lsfHighAuth,
    lsfHighDeepFreeze,
    lsfLowAuth,
    lsfLowDeepFreeze,
    lsfPassive,
    lsfRequireAuth,
    lsfSell,
    tfFillOrKill,
    tfHybrid,
    tfImmediateOrCancel,
    tfOfferCreateMask,
    tfPassive,
    tfSell,
)
from xpay.protocol.ids import XRP_CURRENCY, AccountID, Hash256
from xpay.protocol.ter import TER, NotTEC, Tec, Tef, Tel, Tem, Ter, Tes
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.context import ApplyContext, ApplyFlags, Outcome, PreclaimContext, PreflightContext
from xpay.tx.transactor import Transactor

MAX_TICK_SIZE: Final = 16
_IOU_SELL_DELIVER_MANTISSA: Final = (10**16 - 1) // 2
"""tfSell buys as much as it can: half the largest IOU value (room for a 200 % transfer fee)."""
_MAX_IOU_EXPONENT: Final = 80


def has_expired(view: ReadView, expiration: int | None) -> bool:
    """The expiration is not after the parent ledger's close time (rippled's hasExpired)."""
    return expiration is not None and view.parent_close_time >= expiration


# -- preflight ---------------------------------------------------------------------------------


def _is_legal_net(amount: STAmount) -> bool:
    return not amount.native or amount.mantissa <= MAX_NATIVE_DROPS


def preflight(ctx: PreflightContext) -> NotTEC:
    fields = ctx.tx.fields
    if "DomainID" in fields:
        return Tem.temDISABLED  # permissioned DEX is not part of xpay
    pays = fields["TakerPays"]
    gets = fields["TakerGets"]
    if type(pays) is not STAmount or type(gets) is not STAmount:
        return Tem.temDISABLED  # MPT amounts
    flags = ctx.tx.flags
    if flags & tfHybrid:
        return Tem.temINVALID_FLAG  # hybrid offers need a domain
    if flags & tfImmediateOrCancel and flags & tfFillOrKill:
        return Tem.temINVALID_FLAG
    if fields.get("Expiration") == 0:
        return Tem.temBAD_EXPIRATION
    if fields.get("OfferSequence") == 0:
        return Tem.temBAD_SEQUENCE
    if not _is_legal_net(pays) or not _is_legal_net(gets):
        return Tem.temBAD_AMOUNT
    if pays.native and gets.native:
        return Tem.temBAD_OFFER  # XRP for XRP
    if pays.signum() <= 0 or gets.signum() <= 0:
        return Tem.temBAD_OFFER
    if pays.issue == gets.issue:
        return Tem.temREDUNDANT
    if BAD_CURRENCY in (pays.issue.currency, gets.issue.currency):
        return Tem.temBAD_CURRENCY
    return Tes.tesSUCCESS


# -- preclaim ----------------------------------------------------------------------------------


def check_accept_asset(view: ReadView, flags: ApplyFlags, account: AccountID, issue: Issue) -> TER:
    """May `account` hold `issue` (what the taker will pay it)? rippled's checkAcceptAsset: the
    issuer must exist, authorise the account when it requires authorisation, and the line must
    not be deep-frozen. In a retry pass the missing pieces are ter (they may yet appear)."""
    retry = bool(flags & ApplyFlags.tapRETRY)
    issuer = view.read(keylet.account(issue.account))
    if issuer is None:
        return Ter.terNO_ACCOUNT if retry else Tec.tecNO_ISSUER
    if issue.account == account:
        return Tes.tesSUCCESS  # an account can always hold its own IOUs
    line = view.read(keylet.line(account, issue.account, issue.currency))
    if issuer.flags & lsfRequireAuth:
        if line is None:
            return Ter.terNO_LINE if retry else Tec.tecNO_LINE
        auth = lsfLowAuth if account > issue.account else lsfHighAuth
        if not line.flags & auth:
            return Ter.terNO_AUTH if retry else Tec.tecNO_AUTH
    if line is not None and line.flags & (lsfLowDeepFreeze | lsfHighDeepFreeze):
        return Tec.tecFROZEN
    return Tes.tesSUCCESS


def preclaim(ctx: PreclaimContext) -> TER:
    view = ctx.view
    tx = ctx.tx
    fields = tx.fields
    pays: STAmount = fields["TakerPays"]
    gets: STAmount = fields["TakerGets"]
    creator = view.read(keylet.account(tx.account))
    if creator is None:
        return Ter.terNO_ACCOUNT
    if is_global_frozen(view, pays.issue.account) or is_global_frozen(view, gets.issue.account):
        return Tec.tecFROZEN
    if account_funds(view, tx.account, gets, zero_if_frozen=True).signum() <= 0:
        return Tec.tecUNFUNDED_OFFER  # an offer must be at least partly funded
    cancel_sequence = fields.get("OfferSequence")
    if cancel_sequence is not None and creator.sequence <= cancel_sequence:
        return Tem.temBAD_SEQUENCE
    if has_expired(view, fields.get("Expiration")):
        return Tec.tecEXPIRED
    if not pays.native:
        return check_accept_asset(view, ctx.flags, tx.account, pays.issue)
    return Tes.tesSUCCESS


# -- crossing ----------------------------------------------------------------------------------


def flow_cross(
    psb: PaymentSandbox,
    account: AccountID,
    taker_in: STAmount,
    taker_out: STAmount,
    flags: int,
) -> tuple[TER, STAmount, STAmount, frozenset[Hash256]]:
    """Cross the books for the taker side (in = TakerGets spent, out = TakerPays bought).

    Returns the result, what is left of the offer (in, out) — unchanged when nothing could
    cross — and the offers found unusable (rippled's CreateOffer::flowCross)."""
    in_start_balance = account_funds(psb, account, taker_in, zero_if_frozen=True)
    if in_start_balance.signum() <= 0:
        # Fees can leave the taker nothing above its reserve: it cannot cross.
        return Tec.tecUNFUNDED_OFFER, taker_in, taker_out, frozenset()

    # The gateway takes its transfer fee without the taker's consent: allow for it in SendMax.
    gateway_rate = None
    send_max = taker_in
    if not send_max.native and account != send_max.issue.account:
        rate = transfer_rate(psb, send_max.issue.account)
        if rate.value != QUALITY_ONE:
            gateway_rate = rate
            send_max = multiply_round(taker_in, rate, True)

    # The engine compares qualities with the fee included: so does the threshold.
    threshold = Quality.from_amounts(taker_out, send_max)
    if flags & tfPassive:
        threshold = threshold.increment()  # only strictly better offers
    if send_max > in_start_balance:
        send_max = in_start_balance

    # The default path, and through XRP when neither side is XRP (auto-bridging).
    bridged = not taker_in.native and not taker_out.native
    if not _may_cross(psb, taker_in, taker_out, threshold, bridged):
        # No book (nor bridge) can reach the threshold: the engine would run no strand and
        # leave the offer as it is. Skip it, with exactly that outcome.
        return Tes.tesSUCCESS, taker_in, taker_out, frozenset()
    paths: list[list[dict[str, bytes]]] = []
    if bridged:
        paths.append([{"currency": XRP_CURRENCY}])

    sell = bool(flags & tfSell)
    deliver = taker_out
    if sell:
        # Selling: take as much as the offer's TakerGets can buy.
        if deliver.native:
            # rippled asks for all the XRP there is (10**17 drops). The reverse pass credits
            # that to the taker before the books limit it, and a balance above 10**17 drops
            # cannot be read back here (rippled's unchecked STAmount can). Asking only for the
            # XRP held by others changes nothing: no more can be bought.
            taker = psb.read(keylet.account(account))
            held = taker.balance.drops if taker is not None else 0
            deliver = STAmount.from_drops(MAX_NATIVE_DROPS - held)
        else:
            deliver = STAmount(_IOU_SELL_DELIVER_MANTISSA, _MAX_IOU_EXPONENT, taker_out.issue)

    result = flow(
        psb,
        deliver,
        account,
        account,
        paths,
        default_path=True,
        partial_payment=not flags & tfFillOrKill,
        owner_pays_transfer_fee=True,
        offer_crossing=True,
        limit_quality=threshold,
        send_max=send_max,
        offer_crossing_sell=sell,
    )
    # Stale offers found on the way go, whatever happened.
    for key in sorted(result.removable_offers):
        offer = psb.read_key(key)
        if type(offer) is Offer:
            offer_delete(psb, offer)

    after_in, after_out = taker_in, taker_out
    if result.result == Tes.tesSUCCESS:
        taker_in_balance = account_funds(psb, account, taker_in, zero_if_frozen=True)
        if taker_in_balance.signum() <= 0:
            # Crossing used up the funds: nothing is placed.
            after_in, after_out = STAmount.zero(taker_in.issue), STAmount.zero(taker_out.issue)
        else:
            rate_amount = Quality.from_amounts(taker_out, taker_in).rate()
            if sell:
                # Reduce what is sold by what was spent, net of the gateway's fee; the rate
                # (and so the quality) of the placed remainder is the offer's own.
                spent = result.actual_in
                if gateway_rate is not None:
                    spent = divide_round(result.actual_in, gateway_rate, True, taker_in.issue)
                after_in = after_in - spent
                if after_in.signum() < 0:
                    after_in = STAmount.zero(taker_in.issue)
                # Rounding down keeps the remainder no better than its book.
                after_out = div_round_strict(after_in, rate_amount, taker_out.issue, False)
            else:
                after_out = after_out - result.actual_out
                if after_out.signum() < 0:
                    after_out = STAmount.zero(taker_out.issue)
                after_in = mul_round(after_out, rate_amount, taker_in.issue, True)
    return Tes.tesSUCCESS, after_in, after_out, result.removable_offers


def _may_cross(psb: PaymentSandbox, taker_in: STAmount, taker_out: STAmount, threshold: Quality, bridged: bool) -> bool:
    """Could any crossing strand run? The engine runs a strand only when its quality upper
    bound, the tip of its book (or the two tips of the bridge, composed), reaches the threshold;
    the trust-line steps of a crossing strand are 1:1."""
    tip = tip_quality(psb, Book(taker_in.issue, taker_out.issue))
    if tip is not None and tip >= threshold:
        return True
    if bridged:
        first = tip_quality(psb, Book(taker_in.issue, XRP_ISSUE))
        if first is not None:
            second = tip_quality(psb, Book(XRP_ISSUE, taker_out.issue))
            if second is not None and composed_quality(first, second) >= threshold:
                return True
    return False


# -- apply -------------------------------------------------------------------------------------


def _tick_size(view: ReadView, issue: Issue) -> int:
    if issue.is_xrp:
        return MAX_TICK_SIZE
    issuer = view.read(keylet.account(issue.account))
    if issuer is None or issuer.tick_size is None:
        return MAX_TICK_SIZE
    return min(MAX_TICK_SIZE, issuer.tick_size)


def _place(
    sb: Sandbox,
    account: AccountID,
    sequence: int,
    pays: STAmount,
    gets: STAmount,
    rate: int,
    flags: int,
    expiration: int | None,
) -> TER:
    """Put the offer in its owner's directory and its book (at `rate`, time-ordered), and in
    the ledger."""
    offer_key = keylet.offer(account, sequence).key
    owner_node = dir_add(sb, keylet.owner_dir(account), offer_key, describe_owner_dir(account), preserve_order=False)
    if owner_node is None:
        return Tec.tecDIR_FULL
    creator = sb.read(keylet.account(account))
    if creator is None:
        return Tef.tefINTERNAL
    adjust_owner_count(sb, creator, 1)
    book_dir = keylet.quality(keylet.book_base(pays.issue, gets.issue), rate)

    def describe(node: DirectoryNode) -> DirectoryNode:
        return node._replace(
            taker_pays_currency=pays.issue.currency,
            taker_pays_issuer=pays.issue.account,
            taker_gets_currency=gets.issue.currency,
            taker_gets_issuer=gets.issue.account,
            exchange_rate=rate,
        )

    book_node = dir_add(sb, book_dir, offer_key, describe, preserve_order=True)
    if book_node is None:
        return Tec.tecDIR_FULL
    offer_flags = (lsfPassive if flags & tfPassive else 0) | (lsfSell if flags & tfSell else 0)
    sb.insert(
        Offer(  # type: ignore[call-arg, unused-ignore]
            key=offer_key,
            account=account,
            sequence=sequence,
            taker_pays=pays,
            taker_gets=gets,
            book_directory=book_dir.key,
            book_node=book_node,
            owner_node=owner_node,
            flags=offer_flags,
            expiration=expiration,
        )
    )
    return Tes.tesSUCCESS


def do_apply(ctx: ApplyContext) -> TER | Outcome:
    """rippled's CreateOffer::applyGuts, writing into the transaction's sandbox. Where rippled
    keeps a second sandbox for a killed offer (only the removal of stale offers survives), the
    pipeline does the same from the Outcome: a tec drops every change but the fee, then deletes
    `removable_offers`."""
    sb = ctx.view
    tx = ctx.tx
    fields = tx.fields
    account = tx.account
    flags = tx.flags
    pays: STAmount = fields["TakerPays"]
    gets: STAmount = fields["TakerGets"]
    expiration: int | None = fields.get("Expiration")
    cancel_sequence: int | None = fields.get("OfferSequence")
    # The offer's rate is fixed now: crossing changes its amounts, never its place in the book.
    rate = get_rate(gets, pays)

    result: TER = Tes.tesSUCCESS
    if cancel_sequence is not None:
        # Not finding the offer to cancel is fine: it may have been taken or removed.
        old = sb.read(keylet.offer(account, cancel_sequence))
        if old is not None:
            result = offer_delete(sb, old)

    if has_expired(sb, expiration):
        return Tec.tecEXPIRED

    crossed = False
    if result == Tes.tesSUCCESS:
        tick = min(_tick_size(sb, pays.issue), _tick_size(sb, gets.issue))
        if tick < MAX_TICK_SIZE:
            tick_rate = Quality.from_amounts(gets, pays).round(tick).rate()
            # Round the side that is not exact, as if the offer executed slightly better.
            if flags & tfSell:
                pays = multiply(gets, tick_rate, pays.issue)
            else:
                gets = divide(pays, tick_rate, gets.issue)
            if not gets or not pays:
                return result  # rounded to nothing
            rate = get_rate(gets, pays)

        psb = PaymentSandbox(sb)
        result, left_in, left_out, removable = flow_cross(psb, account, gets, pays, flags)
        psb.apply()
        if result == Tec.tecFAILED_PROCESSING and sb.open:
            result = Tel.telFAILED_PROCESSING
        if result != Tes.tesSUCCESS:
            return result
        crossed = left_in != gets or left_out != pays
        if left_in.signum() < 0 or left_out.signum() < 0:
            return Tef.tefINTERNAL
        if not left_in or not left_out:
            return result  # fully crossed
        pays, gets = left_out, left_in
    else:
        removable = frozenset()

    if result != Tes.tesSUCCESS:
        return result
    if flags & tfFillOrKill:
        # Not entirely filled: nothing happened, except that stale offers go.
        return Outcome(Tec.tecKILLED, removable_offers=removable)
    if flags & tfImmediateOrCancel:
        if not crossed:
            return Outcome(Tec.tecKILLED, removable_offers=removable)
        return Tes.tesSUCCESS

    creator = sb.read(keylet.account(account))
    if creator is None:
        return Tef.tefINTERNAL
    reserve = sb.fees.account_reserve(creator.owner_count + 1).drops
    if ctx.prior_balance.drops < reserve:
        # The owner could not afford the reserve before this transaction: what crossed stands,
        # but no offer is placed.
        return Tes.tesSUCCESS if crossed else Tec.tecINSUF_RESERVE_OFFER

    return _place(sb, account, tx.sequence, pays, gets, rate, flags, expiration)


TRANSACTOR: Final = Transactor(
    name="OfferCreate",
    tx_type=TransactionType.OfferCreate,
    flags_mask=tfOfferCreateMask,
    preflight=preflight,
    preclaim=preclaim,
    do_apply=do_apply,
)
