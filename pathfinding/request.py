"""A path request: parsing, validation and the search per source currency (rippled's
PathRequest).

Both RPC forms share it: `ripple_path_find` asks once, `path_find` keeps asking on every closed
ledger (pathfinding.path_find). A request names the sender, the receiver and what is to arrive
(or -1: "as much as possible", with an optional SendMax); optionally the currencies the sender
is willing to spend. For each source issue the search runs (pathfinding.pathfinder), the best
paths are chosen, and the engine is run once more over the chosen set (plus the default path)
to state what the sender would pay: one *alternative* per source issue that can deliver.

Errors are rippled's: a malformed or missing parameter, an unknown account, SendMax without -1.
They are raised as `PathRequestError(token)` with rippled's error token (srcActNotFound,
dstAmtMalformed, ...), which the API renders; "no path" is not an error but an empty list of
alternatives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from pathfinding.budget import FLOW_STEPS, SearchBudget
from pathfinding.index import PathIndex
from pathfinding.path import Path, paths_to_json
from pathfinding.path_table import MAX_SEARCH_LEVEL
from pathfinding.pathfinder import Pathfinder, largest_amount, minus_one
from pathfinding.ripple_calc import ripple_calculate, trial_sandbox
from xpay.amounts import (
    BAD_CURRENCY,
    XRP_ISSUE,
    AmountError,
    Issue,
    STAmount,
    currency_from_code,
    currency_to_code,
)
from xpay.codec import CodecError, decode_account_id, encode_account_id, field_to_json
from xpay.ledger import keylet
from xpay.protocol.ids import ACCOUNT_ZERO, XRP_CURRENCY, AccountID, Currency
from xpay.protocol.ter import Tec, Ter, Tes

MAX_PATHS: Final = 4
"""Paths kept per alternative (rippled's PathRequest::max_paths_); a Payment may carry six."""
MAX_SOURCE_CURRENCIES: Final = 18
"""source_currencies may name at most this many (rippled's RPC::Tuning::max_src_cur)."""
MAX_AUTO_SOURCE_CURRENCIES: Final = 88
"""Currencies tried when the request names none (rippled's max_auto_src_cur)."""


class PathRequestError(Exception):
    """A request rippled would refuse, with rippled's error token (rpcErrorString names)."""

    def __init__(self, token: str, message: str | None = None) -> None:
        super().__init__(message or token)
        self.token = token
        self.message = message


@dataclass(frozen=True, slots=True)
class SearchLevels:
    """How deep to search (rippled's [path_search_fast], [path_search], [path_search_max]).

    `fast`: the first, quick answer to a new path_find; `normal`: ripple_path_find, and each
    full update of a path_find; `max`: how deep a path_find that keeps finding nothing may go,
    one level per ledger. See pathfinding.path_table for what each level adds.
    """

    fast: int = 2
    normal: int = 4
    max: int = 6

    def __post_init__(self) -> None:
        if not 0 <= self.fast <= self.max or not 0 <= self.normal <= self.max:
            raise ValueError(f"search levels must satisfy 0 <= fast, normal <= max: {self}")


@dataclass(frozen=True, slots=True)
class PathRequestParams:
    """A parsed request (rippled's PathRequest::parseJson)."""

    src: AccountID
    dst: AccountID
    dst_amount: STAmount
    """As asked: -1 of the issue for "as much as possible"."""
    send_max: STAmount | None
    source_issues: tuple[Issue, ...]
    """The issues named by source_currencies (adjusted to SendMax), in (currency, issuer) order;
    empty when the request named none."""
    convert_all: bool
    request_id: Any = None
    search_level: int | None = None
    """xpay's `search_level` parameter: search this deep (capped at the node's maximum)
    instead of the node's normal level. rippled has no such parameter; it ignores it."""


def _account(params: Mapping[str, Any], name: str, missing: str, malformed: str) -> AccountID:
    if name not in params:
        raise PathRequestError(missing)
    try:
        return decode_account_id(params[name])
    except CodecError:
        raise PathRequestError(malformed) from None


def amount_from_json(value: Any) -> STAmount:
    """An amount in the API's JSON form, negative values allowed (rippled's amountFromJson):
    drops as a string or integer, or {"currency", "value", "issuer"} (no issuer for XRP).
    Raises AmountError or CodecError."""
    if isinstance(value, bool):
        raise AmountError("an amount is not a boolean")
    if isinstance(value, int):
        return STAmount.from_drops(value)
    if isinstance(value, str):
        return STAmount.from_value_text(value, XRP_ISSUE)
    if not isinstance(value, Mapping) or not set(value) <= {"currency", "value", "issuer"}:
        raise AmountError("an amount is drops or an object with currency, value and issuer")
    code = value.get("currency")
    text = value.get("value")
    if not isinstance(code, str) or not isinstance(text, str | int) or isinstance(text, bool):
        raise AmountError("an amount needs a currency and a value")
    currency = currency_from_code(code, allow_xrp=True)
    issuer_text = value.get("issuer")
    if currency == XRP_CURRENCY:
        if issuer_text is not None:
            issuer = decode_account_id(issuer_text)
            if any(issuer):
                raise AmountError("XRP has no issuer")
        return STAmount.from_value_text(str(text), XRP_ISSUE)
    if issuer_text is None:
        raise AmountError("an issued amount needs an issuer")
    return STAmount.from_value_text(str(text), Issue(currency, decode_account_id(issuer_text)))


def amount_to_json(amount: STAmount) -> Any:
    return field_to_json("Amount", amount)


def parse_request(params: Mapping[str, Any]) -> PathRequestParams:
    """Check and read a request's parameters, rippled's way and with its error tokens."""
    if not isinstance(params, Mapping):
        raise PathRequestError("invalidParams")
    src = _account(params, "source_account", "srcActMissing", "srcActMalformed")
    dst = _account(params, "destination_account", "dstActMissing", "dstActMalformed")
    if "destination_amount" not in params:
        raise PathRequestError("dstAmtMissing")
    try:
        dst_amount = amount_from_json(params["destination_amount"])
    except (AmountError, CodecError):
        raise PathRequestError("dstAmtMalformed") from None
    convert_all = dst_amount == minus_one(dst_amount.issue)
    if dst_amount.issue.currency == BAD_CURRENCY or (not convert_all and dst_amount.signum() <= 0):
        raise PathRequestError("dstAmtMalformed")

    send_max: STAmount | None = None
    if "send_max" in params:
        if not convert_all:
            # SendMax only makes sense when asking for as much as possible.
            raise PathRequestError("dstAmtMalformed")
        try:
            send_max = amount_from_json(params["send_max"])
        except (AmountError, CodecError):
            raise PathRequestError("sendMaxMalformed") from None
        if send_max.issue.currency == BAD_CURRENCY or (
            send_max.signum() <= 0 and send_max != minus_one(send_max.issue)
        ):
            raise PathRequestError("sendMaxMalformed")

    issues: set[Issue] = set()
    if "source_currencies" in params:
        listed = params["source_currencies"]
        if not isinstance(listed, list) or not 0 < len(listed) <= MAX_SOURCE_CURRENCIES:
            raise PathRequestError("srcCurMalformed")
        for item in listed:
            currency, issuer = _source_currency(item, src)
            if send_max is None:
                issues.add(_issue(currency, issuer))
            elif currency == send_max.issue.currency:
                # With SendMax, only its currency counts, and the issuers must agree.
                sm_issuer = send_max.issue.account
                if issuer != src and sm_issuer != src and issuer != sm_issuer:
                    raise PathRequestError("srcIsrMalformed")
                chosen = issuer if issuer != src else (sm_issuer if sm_issuer != src else src)
                issues.add(_issue(currency, chosen))
    if "domain" in params:
        raise PathRequestError("notSupported", "permissioned domains are not supported by xpay")
    level = params.get("search_level")
    if level is not None and (type(level) is not int or not 0 <= level <= MAX_SEARCH_LEVEL):
        raise PathRequestError("invalidParams", f"search_level must be an integer from 0 to {MAX_SEARCH_LEVEL}")
    return PathRequestParams(
        src=src,
        dst=dst,
        dst_amount=dst_amount,
        send_max=send_max,
        source_issues=tuple(sorted(issues)),
        convert_all=convert_all,
        request_id=params.get("id"),
        search_level=level,
    )


def _issue(currency: Currency, issuer: AccountID) -> Issue:
    return XRP_ISSUE if currency == XRP_CURRENCY else Issue(currency, issuer)


def _source_currency(item: Any, src: AccountID) -> tuple[Currency, AccountID]:
    """One source_currencies entry: (currency, issuer); the issuer defaults to the sender."""
    if not isinstance(item, Mapping) or not isinstance(item.get("currency"), str):
        raise PathRequestError("srcCurMalformed")
    try:
        currency = currency_from_code(item["currency"], allow_xrp=True)
    except AmountError:
        raise PathRequestError("srcCurMalformed") from None
    issuer = ACCOUNT_ZERO
    if "issuer" in item:
        try:
            issuer = decode_account_id(item["issuer"])
        except CodecError:
            raise PathRequestError("srcIsrMalformed") from None
    if currency == XRP_CURRENCY:
        if any(issuer):
            raise PathRequestError("srcCurMalformed")
    elif not any(issuer):
        issuer = src
    return currency, issuer


def validate(index: PathIndex, request: PathRequestParams) -> None:
    """The request against the ledger (rippled's isValid): the sender must exist; a receiver
    that does not can only be sent XRP, at least the reserve."""
    ledger = index.ledger
    if ledger.read(keylet.account(request.src)) is None:
        raise PathRequestError("srcActNotFound")
    dst_root = ledger.read(keylet.account(request.dst))
    if dst_root is None:
        if not request.dst_amount.native:
            # Only XRP can be sent to an account that does not exist (yet).
            raise PathRequestError("actNotFound")
        if not request.convert_all and request.dst_amount < STAmount.from_xrp(ledger.fees.reserve):
            raise PathRequestError("dstAmtMalformed")


def find_alternatives(
    index: PathIndex,
    request: PathRequestParams,
    level: int,
    budget: SearchBudget,
    *,
    legacy: bool,
    context: dict[Issue, list[Path]] | None = None,
) -> list[dict[str, Any]]:
    """One alternative per source issue that can deliver (rippled's PathRequest::findPaths).

    `context` holds the paths chosen last time per source issue (a standing path_find): they
    compete with the new ones, and the new choice is written back. `legacy` adds the empty
    `paths_canonical` ripple_path_find answers carry.
    """
    src = request.src
    dst = request.dst
    issues = list(request.source_issues)
    if not issues and request.send_max is not None:
        issues = [request.send_max.issue]
    if not issues:
        same_account = src == dst
        for currency in index.source_currencies(src, include_xrp=True):
            if same_account and currency == request.dst_amount.issue.currency:
                continue
            if len(issues) >= MAX_AUTO_SOURCE_CURRENCIES:
                raise PathRequestError("internal", "too many source currencies")
            issues.append(_issue(currency, src))
        issues.sort()
    if context is None:
        context = {}

    dst_amount = largest_amount(request.dst_amount) if request.convert_all else request.dst_amount
    pathfinders: dict[Currency, Pathfinder | None] = {}
    alternatives: list[dict[str, Any]] = []
    for issue in issues:
        # One search per currency, shared by the issuers of that currency (rippled).
        if issue.currency not in pathfinders:
            search = Pathfinder(index, src, dst, issue.currency, None, dst_amount, request.send_max, budget)
            if search.find_paths(level):
                search.compute_path_ranks(MAX_PATHS)
                pathfinders[issue.currency] = search
            else:
                pathfinders[issue.currency] = None  # no path can exist in this currency
        pathfinder = pathfinders[issue.currency]
        if pathfinder is None:
            continue
        paths, full_liquidity = pathfinder.get_best_paths(MAX_PATHS, context.get(issue, []), issue.account)
        context[issue] = paths

        if any(issue.account):
            source_account = issue.account
        elif issue.currency == XRP_CURRENCY:
            source_account = ACCOUNT_ZERO
        else:
            source_account = src
        max_amount = request.send_max if request.send_max is not None else minus_one(_issue(issue.currency, source_account))
        # The estimate is made even past the budget (one run per source issue): charged, not
        # refused, so the steps spent tell the whole cost.
        budget.spend(FLOW_STEPS)
        rc = ripple_calculate(
            trial_sandbox(index.ledger),
            max_amount,
            dst_amount,
            dst,
            src,
            paths,
            partial_payment=request.convert_all,
        )
        if (
            not request.convert_all
            and full_liquidity is not None
            and rc.result in (Ter.terNO_LINE, Tec.tecPATH_PARTIAL)
        ):
            # The chosen paths fall short: try again with the one that could carry it all.
            paths = [*paths, full_liquidity]
            rc = ripple_calculate(trial_sandbox(index.ledger), max_amount, dst_amount, dst, src, paths)
        if request.convert_all and len(paths) > 1:
            # xpay, not rippled: the engine runs strands best-first by an upper bound of their
            # quality, and an unfunded offer at the top of a book can make a poor strand look
            # best and spend the whole SendMax before the good one runs. The most liquid path
            # alone is the answer whenever it delivers more than the set.
            alone = ripple_calculate(
                trial_sandbox(index.ledger), max_amount, dst_amount, dst, src, paths[:1], partial_payment=True
            )
            if alone.result == Tes.tesSUCCESS and (rc.result != Tes.tesSUCCESS or alone.actual_out > rc.actual_out):
                paths = paths[:1]
                context[issue] = paths
                rc = alone
        if rc.result != Tes.tesSUCCESS:
            continue
        source_amount = rc.actual_in
        if not source_amount.native:
            source_amount = source_amount.with_issue(Issue(source_amount.issue.currency, source_account))
        entry: dict[str, Any] = {
            "paths_computed": paths_to_json(paths),
            "source_amount": amount_to_json(source_amount),
        }
        if request.convert_all:
            entry["destination_amount"] = amount_to_json(rc.actual_out)
        if legacy:
            entry["paths_canonical"] = []
        alternatives.append(entry)
    return alternatives


def ripple_path_find(
    index: PathIndex,
    params: Mapping[str, Any],
    *,
    levels: SearchLevels | None = None,
    budget: SearchBudget | None = None,
) -> dict[str, Any]:
    """The `ripple_path_find` method over the index's ledger, in rippled's result shape:

        {"alternatives": [{"paths_computed": [...], "source_amount": ...,
                           "paths_canonical": [], ["destination_amount": ...]}, ...],
         "destination_account": ..., "destination_amount": ..., "destination_currencies": [...],
         "source_account": ..., "full_reply": true, ["id": ...]}

    The search runs at the node's normal level, or at the request's `search_level` (an xpay
    extension: deeper on request, up to the node's maximum). Raises PathRequestError with
    rippled's token for a bad request. The API adds "status" and,
    when the request named a ledger, the ledger fields (rippled's lookupLedger); for such a
    ledger, pass an index of it (PathIndex(ledger) builds one).
    """
    levels = levels or SearchLevels()
    budget = budget or SearchBudget()
    request = parse_request(params)
    validate(index, request)
    result: dict[str, Any] = {
        "destination_currencies": [
            currency_to_code(c) for c in index.dest_currencies(request.dst, include_xrp=True)
        ],
        "source_account": encode_account_id(request.src),
        "destination_account": encode_account_id(request.dst),
        "destination_amount": amount_to_json(request.dst_amount),
        "full_reply": True,
    }
    if request.request_id is not None:
        result["id"] = request.request_id
    level = levels.normal if request.search_level is None else min(request.search_level, levels.max)
    result["alternatives"] = find_alternatives(index, request, level, budget, legacy=True)
    return result

