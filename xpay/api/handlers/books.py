"""account_offers and book_offers (rippled's AccountOffers.cpp and NetworkOPs::getBookPage).

An order book is a range of ledger keys: its quality directories share the book's base and
carry the quality in their low 64 bits, so the book is read best quality first by walking `succ`
from the base, and within a quality in the order the offers were placed. book_offers reports
each offer with what its owner can actually deliver: the owner's funds (an issuer's own IOUs are
unlimited), less what the owner's earlier offers in the book would already take, less the
issuer's transfer fee when the taker is not the issuer — rippled's taker_gets_funded /
taker_pays_funded for an offer that is only partly funded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from xpay.amounts import (
    PARITY_RATE,
    Issue,
    STAmount,
    amount_from_quality,
    currency_from_code,
    divide_by_rate,
    multiply,
    multiply_by_rate,
)
from xpay.amounts.errors import AmountError
from xpay.api.context import Method, RpcContext
from xpay.api.errors import RpcError, expected_field, invalid_field, invalid_params, missing_field
from xpay.api.handlers.account import account_root, owner_items, owner_page
from xpay.api.json_forms import entry_json
from xpay.api.ledger_spec import select_ledger
from xpay.api.params import (
    ACCOUNT_OFFERS,
    LimitRange,
    account_param,
    is_int,
    limit_param,
    parse_account,
)
from xpay.codec import encode_account_id, to_json
from xpay.ledger import keylet
from xpay.ledger.directory import dir_entries
from xpay.ledger.entries import DirectoryNode, Offer
from xpay.ledger.funds import account_funds, transfer_rate
from xpay.ledger.views import ReadView
from xpay.protocol.ids import XRP_CURRENCY, AccountID

BOOK_OFFERS: Final = LimitRange(1, 60, 100)
"""rippled's bookOffers tuning: at most 100 offers per page for a non-admin."""
_QUALITY_SPAN: Final = 1 << 64


def _amount_json(amount: STAmount) -> Any:
    return to_json({"Amount": amount})["Amount"]


def offer_json(offer: Offer) -> dict[str, Any]:
    """One offer as account_offers prints it (rippled's appendOfferJson)."""
    out: dict[str, Any] = {
        "flags": offer.flags,
        "quality": amount_from_quality(keylet.quality_of(offer.book_directory)).value_text(),
        "seq": offer.sequence,
        "taker_gets": _amount_json(offer.taker_gets),
        "taker_pays": _amount_json(offer.taker_pays),
    }
    if offer.expiration is not None:
        out["expiration"] = offer.expiration
    return out


async def account_offers(ctx: RpcContext) -> dict[str, Any]:
    params = ctx.params
    account = account_param(params)
    limit = limit_param(params, ACCOUNT_OFFERS, ctx.admin)
    ref = select_ledger(ctx)
    view = ref.state()
    account_root(view, account, ref)
    offers, marker = owner_page(owner_items(view, account, params.get("marker")), Offer, limit)
    out: dict[str, Any] = {
        "account": encode_account_id(account),
        "offers": [offer_json(offer) for offer in offers if isinstance(offer, Offer)],
        **ref.result_fields(),
    }
    if "limit" in params:
        out["limit"] = limit
    if marker is not None:
        out["marker"] = marker
    return out


# book_offers -----------------------------------------------------------------------------------


def issue_param(params: dict[str, Any], name: str, currency_error: str, issuer_error: str) -> Issue:
    """A book side {"currency", "issuer"} (rippled's book_offers / subscribe books parsing)."""
    if name not in params:
        raise missing_field(name)
    side = params[name]
    if not isinstance(side, dict):
        raise invalid_params(f"Invalid field '{name}', not object.")
    currency_text = side.get("currency")
    if not isinstance(currency_text, str):
        raise RpcError(currency_error, f"Invalid field '{name}.currency', not string.")
    try:
        currency = currency_from_code(currency_text, allow_xrp=True)
    except (AmountError, TypeError):
        raise RpcError(currency_error, f"Invalid field '{name}.currency', bad currency.") from None
    issuer_text = side.get("issuer")
    if currency == XRP_CURRENCY:
        if issuer_text is not None and parse_account(issuer_text) != bytes(20):
            raise RpcError(issuer_error, f"Unneeded field '{name}.issuer' for XRP currency specification.")
        return Issue(currency, AccountID(bytes(20)))
    issuer = parse_account(issuer_text)
    if issuer is None or not any(issuer):
        raise RpcError(issuer_error, f"Invalid field '{name}.issuer', bad issuer.")
    return Issue(currency, issuer)


def book_offers_of(view: ReadView, taker_pays: Issue, taker_gets: Issue) -> Iterator[Offer]:
    """The book's offers, best quality first, oldest first within a quality."""
    base = keylet.book_base(taker_pays, taker_gets)
    end = (int.from_bytes(base, "big") + _QUALITY_SPAN).to_bytes(32, "big")
    key: bytes | None = base
    while True:
        key = view.succ(key, end)  # type: ignore[arg-type]
        if key is None:
            return
        for _, offer_key in dir_entries(view, keylet.Keylet(DirectoryNode, key)):
            offer = view.read(keylet.Keylet(Offer, offer_key))
            if offer is not None:
                yield offer


def book_page(
    view: ReadView, taker_pays: Issue, taker_gets: Issue, taker: AccountID | None, limit: int
) -> list[dict[str, Any]]:
    """The top `limit` offers with their funding (rippled's getBookPage)."""
    rate = transfer_rate(view, taker_gets.account) if not taker_gets.is_xrp else PARITY_RATE
    balances: dict[AccountID, STAmount] = {}
    out: list[dict[str, Any]] = []
    for offer in book_offers_of(view, taker_pays, taker_gets):
        if len(out) == limit:
            break
        owner = offer.account
        gets, pays = offer.taker_gets, offer.taker_pays
        first_of_owner = False
        if not gets.native and gets.issue.account == owner:
            funds = gets  # an issuer's own IOUs: always funded
        elif owner in balances:
            funds = balances[owner]
        else:
            funds = account_funds(view, owner, gets, zero_if_frozen=True)
            first_of_owner = True
        offer_rate = PARITY_RATE
        funds_limit = funds
        if rate != PARITY_RATE and taker != taker_gets.account and taker_gets.account != owner:
            offer_rate = rate
            funds_limit = divide_by_rate(funds, rate)
        item = entry_json(offer)
        dir_rate = amount_from_quality(keylet.quality_of(offer.book_directory))
        if funds_limit >= gets:
            gets_funded = gets
        else:
            gets_funded = funds_limit
            pays_funded = multiply(gets_funded, dir_rate, pays.issue)
            item["taker_gets_funded"] = _amount_json(gets_funded)
            item["taker_pays_funded"] = _amount_json(pays_funded if pays_funded < pays else pays)
        owner_pays = gets_funded if offer_rate == PARITY_RATE else min(funds, multiply_by_rate(gets_funded, offer_rate))
        balances[owner] = funds - owner_pays
        if first_of_owner:
            item["owner_funds"] = funds.value_text()
        item["quality"] = dir_rate.value_text()
        out.append(item)
    return out


async def book_offers(ctx: RpcContext) -> dict[str, Any]:
    params = ctx.params
    taker_pays = issue_param(params, "taker_pays", "srcCurMalformed", "srcIsrMalformed")
    taker_gets = issue_param(params, "taker_gets", "dstAmtMalformed", "dstIsrMalformed")
    taker: AccountID | None = None
    if params.get("taker") is not None:
        taker = parse_account(params["taker"])
        if taker is None:
            raise invalid_field("taker")
    if taker_pays == taker_gets:
        raise RpcError("badMarket")
    if "limit" in params and (not is_int(params["limit"]) or params["limit"] < 0):
        raise expected_field("limit", "unsigned integer")
    limit = limit_param(params, BOOK_OFFERS, ctx.admin) if params.get("limit") else BOOK_OFFERS.default
    ref = select_ledger(ctx)
    offers = book_page(ref.state(), taker_pays, taker_gets, taker, limit)
    return {"offers": offers, **ref.result_fields()}


METHODS: Final = {
    "account_offers": Method(account_offers),
    "book_offers": Method(book_offers),
}
