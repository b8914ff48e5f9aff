"""Turning a payment's paths into strands of steps, as rippled's PaySteps.cpp (toStrand/toStrands).

A path lists what lies between the sender and the receiver: accounts to ripple through and
currencies (optionally with an issuer) to convert into through an order book. The full path is
normalised first by adding what is implied:

    sender (with SendMax's currency) [, SendMax's issuer] , path ... [, an order book into the
    delivered currency] [, the delivered amount's issuer] , receiver

Then consecutive elements become steps: account -> account is a trust-line step (or an XRP
endpoint), anything -> currency is a book step, a book followed by an account that is not the
current issuer adds a trust-line step from that issuer. Each step checks itself as it is built
(loops, freezes, NoRipple, missing lines); a malformed path fails the whole payment (tem), any
other failure only drops that strand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from xpay.amounts import XRP_ISSUE, Issue, Quality
from xpay.amounts.issue import issue_from_key
from xpay.flow.book_step import make_book_step
from xpay.flow.direct_step import make_direct_step
from xpay.flow.steps import (
    Book,
    FlowException,
    OfferCrossing,
    Step,
    Strand,
    StrandContext,
    strands_equal,
)
from xpay.flow.xrp_endpoint_step import make_xrp_endpoint_step
from xpay.ledger.views import ReadView
from xpay.protocol.ids import ACCOUNT_ONE, ACCOUNT_ZERO, XRP_CURRENCY, AccountID, Currency
from xpay.protocol.ter import TER, Tef, Tem, Tes, is_tem_malformed

PathStep = Mapping[str, bytes]
"""One element of the native Paths field: some of "account", "currency", "issuer"."""


class PathElement:
    """A path element with rippled's STPathElement semantics.

    An element without an account is an offer (a conversion through a book); its currency and
    issuer name what comes out. Type bits follow the wire form: an all-zero account or issuer
    is treated as absent, a currency is present whenever it was given (XRP included).
    """

    __slots__ = ("account", "currency", "is_account", "is_offer", "issuer")

    def __init__(
        self,
        account: AccountID | None,
        currency: Currency | None,
        issuer: AccountID | None,
        *,
        is_offer: bool | None = None,
    ) -> None:
        self.account = account
        self.currency = currency
        self.issuer = issuer
        self.is_offer = account is None if is_offer is None else is_offer
        self.is_account = not self.is_offer

    def __repr__(self) -> str:
        parts = [f"{name}={value.hex()[:8]}" for name in ("account", "currency", "issuer") if (value := getattr(self, name)) is not None]
        return f"PathElement({'offer' if self.is_offer else 'account'}, {', '.join(parts)})"


def _from_wire(step: PathStep) -> PathElement | TER:
    """A path element as deserialised (zero account or issuer means "absent"); temBAD_PATH for
    an element rippled would reject before building steps."""
    raw_account = step.get("account")
    raw_currency = step.get("currency")
    raw_issuer = step.get("issuer")
    if any(k not in ("account", "currency", "issuer") for k in step):
        return Tem.temBAD_PATH
    account = AccountID(raw_account) if raw_account is not None and any(raw_account) else None
    currency = Currency(raw_currency) if raw_currency is not None else None
    issuer = AccountID(raw_issuer) if raw_issuer is not None and any(raw_issuer) else None
    if account is None and currency is None and issuer is None:
        return Tem.temBAD_PATH
    if account is not None and (currency is not None or issuer is not None):
        return Tem.temBAD_PATH
    if currency is not None and issuer is not None and (not any(currency)) != (not any(issuer)):
        return Tem.temBAD_PATH
    if issuer == ACCOUNT_ONE or account == ACCOUNT_ONE:
        return Tem.temBAD_PATH
    return PathElement(account, currency, issuer, is_offer=account is None)


def _is_xrp_account(pe: PathElement) -> bool:
    return pe.is_account and pe.account is not None and not any(pe.account)


def _to_step(
    ctx: StrandContext, e1: PathElement, e2: PathElement, cur_currency: Currency, cur_account: AccountID
) -> tuple[TER, Step | None]:
    """The step for the pair (e1, e2), given what is flowing out of e1 (rippled's toStep)."""
    if ctx.is_first and e1.is_account and e1.currency is not None and not any(e1.currency):
        assert e1.account is not None
        return make_xrp_endpoint_step(ctx, e1.account)
    if ctx.is_last and _is_xrp_account(e1) and e2.is_account:
        assert e2.account is not None
        return make_xrp_endpoint_step(ctx, e2.account)
    if e1.is_account and e2.is_account:
        assert e1.account is not None and e2.account is not None
        return make_direct_step(ctx, e1.account, e2.account, cur_currency)
    if e1.is_offer and e2.is_account:
        return Tem.temBAD_PATH, None
    out_currency = e2.currency if e2.currency is not None else cur_currency
    out_issuer = e2.issuer if e2.issuer is not None else cur_account
    cur_is_xrp = not any(cur_currency)
    out_is_xrp = not any(out_currency)
    if cur_is_xrp and out_is_xrp:
        return Tem.temBAD_PATH, None
    in_issue = _issue(cur_currency, cur_account)
    out_issue = XRP_ISSUE if out_is_xrp else _issue(out_currency, out_issuer)
    if in_issue is None or out_issue is None:
        # Currency and issuer disagree about being XRP (rippled's isConsistent).
        return Tem.temBAD_PATH, None
    return make_book_step(ctx, Book(in_issue, out_issue))


def _issue(currency: Currency, account: AccountID) -> Issue | None:
    if (currency == XRP_CURRENCY) != (account == ACCOUNT_ZERO):
        return None
    return issue_from_key(currency + account)  # shared, validated as the constructor does


def to_strand(
    view: ReadView,
    src: AccountID,
    dst: AccountID,
    deliver: Issue,
    limit_quality: Quality | None,
    send_max_issue: Issue | None,
    path: Sequence[PathStep],
    owner_pays_transfer_fee: bool,
    offer_crossing: OfferCrossing,
) -> tuple[TER, Strand]:
    """The strand for one path (the default path when `path` is empty)."""
    if not any(src) or not any(dst):
        return Tem.temBAD_PATH, []
    if (send_max_issue is not None and send_max_issue.account == ACCOUNT_ONE) or ACCOUNT_ONE in (src, dst) or deliver.account == ACCOUNT_ONE:
        return Tem.temBAD_PATH, []
    elements: list[PathElement] = []
    for raw in path:
        pe = _from_wire(raw)
        if not isinstance(pe, PathElement):
            return pe, []
        elements.append(pe)

    start = send_max_issue if send_max_issue is not None else deliver
    cur_currency = start.currency
    cur_account = XRP_ISSUE.account if start.is_xrp else src

    # The normalised path: the implied elements around the given ones.
    norm: list[PathElement] = [PathElement(src, cur_currency, cur_account, is_offer=False)]
    if (
        send_max_issue is not None
        and send_max_issue.account != src
        and (not elements or not elements[0].is_account or elements[0].account != send_max_issue.account)
    ):
        norm.append(PathElement(send_max_issue.account, None, None))
    norm.extend(elements)
    last_asset = next(pe for pe in reversed(norm) if pe.currency is not None)
    if last_asset.currency != deliver.currency or (
        offer_crossing != OfferCrossing.NO and (last_asset.issuer or ACCOUNT_ZERO) != deliver.account
    ):
        norm.append(PathElement(None, deliver.currency, deliver.account))
    back = norm[-1]
    if not ((back.is_account and back.account == deliver.account) or dst == deliver.account):
        norm.append(PathElement(deliver.account, None, None))
    back = norm[-1]
    if not back.is_account or back.account != dst:
        norm.append(PathElement(dst, None, None))
    if len(norm) < 2:
        return Tem.temBAD_PATH, []

    strand_src = norm[0].account
    strand_dst = norm[-1].account
    assert strand_src is not None and strand_dst is not None
    is_default_path = not elements
    result: Strand = []
    seen_direct: tuple[set[bytes], set[bytes]] = (set(), set())
    seen_books: set[bytes] = set()

    def ctx(is_last: bool = False) -> StrandContext:
        return StrandContext(
            view,
            result,
            strand_src,
            strand_dst,
            deliver,
            limit_quality,
            is_last,
            owner_pays_transfer_fee,
            offer_crossing,
            is_default_path,
            seen_direct,
            seen_books,
        )

    last_index = len(norm) - 2
    for i in range(len(norm) - 1):
        cur = norm[i]
        nxt = norm[i + 1]
        if cur.is_account:
            assert cur.account is not None
            cur_account = cur.account
        elif cur.issuer is not None:
            cur_account = cur.issuer
        if cur.currency is not None:
            cur_currency = cur.currency
            if not any(cur_currency):
                cur_account = ACCOUNT_ZERO
        step: Step | None
        if cur.is_offer and nxt.is_account:
            assert nxt.account is not None
            if cur_account != nxt.account and any(nxt.account):
                if not any(cur_currency):
                    if i != last_index:
                        return Tem.temBAD_PATH, []
                    ter, step = make_xrp_endpoint_step(ctx(), nxt.account)
                else:
                    ter, step = make_direct_step(ctx(), cur_account, nxt.account, cur_currency)
                if ter != Tes.tesSUCCESS:
                    return ter, []
                assert step is not None
                result.append(step)
            continue
        if not nxt.is_offer and nxt.currency is not None and nxt.currency != cur_currency:
            return Tem.temBAD_PATH, []
        ter, step = _to_step(ctx(i == last_index), cur, nxt, cur_currency, cur_account)
        if ter != Tes.tesSUCCESS:
            return ter, []
        assert step is not None
        result.append(step)

    if not _check_strand(result, src, dst, deliver, start):
        return Tem.temBAD_PATH, []
    return Tes.tesSUCCESS, result


def _check_strand(strand: Strand, src: AccountID, dst: AccountID, deliver: Issue, start: Issue) -> bool:
    """The steps chain from src to dst and end in the delivered currency (rippled's checkStrand)."""
    cur_acc = src
    cur_currency = start.currency
    cur_issuer = XRP_ISSUE.account if start.is_xrp else src
    for step in strand:
        accts = step.direct_step_accts()
        if accts is None:
            book = step.book_step_book()
            if book is None:
                raise FlowException(Tef.tefEXCEPTION, "a step should be a direct or a book step")
            accts = (book.in_.account, book.out.account)
        if accts[0] != cur_acc:
            return False
        book = step.book_step_book()
        if book is not None:
            if (cur_currency, cur_issuer) != (book.in_.currency, book.in_.account):
                return False
            cur_currency, cur_issuer = book.out.currency, book.out.account
        else:
            cur_issuer = accts[1]
        cur_acc = accts[1]
    if cur_acc != dst:
        return False
    if cur_currency != deliver.currency:
        return False
    return not (cur_issuer != deliver.account and cur_issuer != dst)


def to_strands(
    view: ReadView,
    src: AccountID,
    dst: AccountID,
    deliver: Issue,
    limit_quality: Quality | None,
    send_max_issue: Issue | None,
    paths: Sequence[Sequence[PathStep]],
    add_default_path: bool,
    owner_pays_transfer_fee: bool,
    offer_crossing: OfferCrossing,
) -> tuple[TER, list[Strand]]:
    """A strand for the default path (when allowed) and for each given path, duplicates dropped.

    A malformed path (tem) fails everything; other failures drop their strand, and the last such
    result is returned when no strand is left.
    """
    result: list[Strand] = []

    def insert(strand: Strand) -> None:
        if not any(strands_equal(strand, s) for s in result):
            result.append(strand)

    if add_default_path:
        ter, strand = to_strand(
            view, src, dst, deliver, limit_quality, send_max_issue, (), owner_pays_transfer_fee, offer_crossing
        )
        if ter != Tes.tesSUCCESS:
            if is_tem_malformed(ter) or not paths:
                return ter, []
        elif not strand:
            raise FlowException(Tef.tefEXCEPTION, "to_strand returned tesSUCCESS and an empty strand")
        else:
            insert(strand)
    elif not paths:
        return Tem.temRIPPLE_EMPTY, []

    last_fail: TER = Tes.tesSUCCESS
    for path in paths:
        ter, strand = to_strand(
            view, src, dst, deliver, limit_quality, send_max_issue, path, owner_pays_transfer_fee, offer_crossing
        )
        if ter != Tes.tesSUCCESS:
            last_fail = ter
            if is_tem_malformed(ter):
                return ter, []
        elif not strand:
            raise FlowException(Tef.tefEXCEPTION, "to_strand returned tesSUCCESS and an empty strand")
        else:
            insert(strand)
    if not result:
        return last_fail, result
    return Tes.tesSUCCESS, result
