"""gateway_balances and noripple_check: what an issuer owes, and trust-line settings an issuer or
a user should fix (rippled's GatewayBalances.cpp and NoRippleCheck.cpp)."""

from __future__ import annotations

from typing import Any, Final

from xpay.amounts import STAmount, currency_to_code
from xpay.api.context import Method, RpcContext
from xpay.api.errors import RpcError, invalid_field, missing_field
from xpay.api.handlers.account import account_root
from xpay.api.ledger_spec import select_ledger
from xpay.api.params import NO_RIPPLE_CHECK, account_param, bool_param, limit_param, parse_account
from xpay.codec import encode_account_id
from xpay.ledger import keylet
from xpay.ledger.directory import dir_entries
from xpay.ledger.entries import RippleState
from xpay.ledger.views import ReadView
from xpay.protocol import flags as f
from xpay.protocol.ids import AccountID


def _lines(view: ReadView, account: AccountID) -> list[RippleState]:
    out: list[RippleState] = []
    for _, key in dir_entries(view, keylet.owner_dir(account)):
        entry = view.read_key(key)
        if isinstance(entry, RippleState):
            out.append(entry)
    return out


def _hot_wallets(value: Any) -> set[AccountID]:
    items = value if isinstance(value, list) else [value]
    out: set[AccountID] = set()
    for item in items:
        account = parse_account(item)
        if account is None:
            raise RpcError("invalidHotWallet")
        out.add(account)
    return out


def _amount_list(amounts: list[STAmount]) -> list[dict[str, str]]:
    return [{"currency": currency_to_code(a.issue.currency), "value": a.value_text()} for a in amounts]


async def gateway_balances(ctx: RpcContext) -> dict[str, Any]:
    """Per currency, what the gateway owes its customers (obligations), what its hot wallets
    hold, what it holds itself (assets), and what it froze (rippled's GatewayBalances)."""
    params = ctx.params
    account = account_param(params)
    hot = _hot_wallets(params["hotwallet"]) if params.get("hotwallet") is not None else set()
    ref = select_ledger(ctx)
    view = ref.state()
    account_root(view, account, ref)

    obligations: dict[str, STAmount] = {}
    hot_balances: dict[AccountID, list[STAmount]] = {}
    assets: dict[AccountID, list[STAmount]] = {}
    frozen: dict[AccountID, list[STAmount]] = {}
    for line in _lines(view, account):
        low = line.low_account == account
        balance = line.balance if low else -line.balance  # the gateway's side: negative = owed
        peer = line.high_account if low else line.low_account
        own_freeze = f.lsfLowFreeze if low else f.lsfHighFreeze
        if peer in hot:
            hot_balances.setdefault(peer, []).append(-balance)
        elif balance.signum() > 0:
            assets.setdefault(peer, []).append(balance)
        elif line.flags & own_freeze:
            frozen.setdefault(peer, []).append(-balance)
        elif balance.signum() < 0:
            code = currency_to_code(line.currency)
            owed = -balance
            # Every line's balance uses the neutral issuer, so amounts of one currency add up.
            obligations[code] = owed if code not in obligations else obligations[code] + owed

    out: dict[str, Any] = {"account": encode_account_id(account), **ref.result_fields()}
    if obligations:
        out["obligations"] = {code: amount.value_text() for code, amount in sorted(obligations.items())}
    for name, table in (("balances", hot_balances), ("assets", assets), ("frozen_balances", frozen)):
        if table:
            out[name] = {encode_account_id(peer): _amount_list(amounts) for peer, amounts in table.items()}
    return out


async def noripple_check(ctx: RpcContext) -> dict[str, Any]:
    """The problems with an account's DefaultRipple and NoRipple settings for its role, and the
    transactions that fix them (rippled's NoRippleCheck)."""
    params = ctx.params
    account = account_param(params)
    if "role" not in params:
        raise missing_field("role")
    role = params["role"]
    if role not in ("gateway", "user"):
        raise invalid_field("role")
    gateway = role == "gateway"
    limit = limit_param(params, NO_RIPPLE_CHECK, ctx.admin)
    want_transactions = bool_param(params, "transactions")
    ref = select_ledger(ctx)
    view = ref.state()
    root = account_root(view, account, ref)
    address = encode_account_id(account)
    fee = str(ctx.node.info.fees.base.drops)
    sequence = root.sequence
    problems: list[str] = []
    transactions: list[dict[str, Any]] = []

    default_ripple = bool(root.flags & f.lsfDefaultRipple)
    if gateway and not default_ripple:
        problems.append("You should immediately set your default ripple flag")
        transactions.append(
            {"TransactionType": "AccountSet", "Account": address, "Fee": fee, "Sequence": sequence,
             "SetFlag": f.asfDefaultRipple}
        )
        sequence += 1
    elif not gateway and default_ripple:
        problems.append(
            "You appear to have set your default ripple flag even though you are not a gateway. "
            "This is not recommended unless you are experimenting"
        )
        transactions.append(
            {"TransactionType": "AccountSet", "Account": address, "Fee": fee, "Sequence": sequence,
             "ClearFlag": f.asfDefaultRipple}
        )
        sequence += 1

    for line in _lines(view, account)[:limit]:
        low = line.low_account == account
        no_ripple = bool(line.flags & (f.lsfLowNoRipple if low else f.lsfHighNoRipple))
        peer = encode_account_id(line.high_account if low else line.low_account)
        code = currency_to_code(line.currency)
        if no_ripple and gateway:
            problems.append(f"You should clear the no ripple flag on your {code} line to {peer}")
        elif not no_ripple and not gateway:
            problems.append(f"You should probably set the no ripple flag on your {code} line to {peer}")
        else:
            continue
        own_limit = line.low_limit if low else line.high_limit
        transactions.append(
            {
                "TransactionType": "TrustSet",
                "Account": address,
                "Fee": fee,
                "Sequence": sequence,
                "Flags": f.tfClearNoRipple if no_ripple else f.tfSetNoRipple,
                "LimitAmount": {"currency": code, "issuer": peer, "value": own_limit.value_text()},
            }
        )
        sequence += 1

    out: dict[str, Any] = {"problems": problems, **ref.result_fields()}
    if want_transactions:
        out["transactions"] = transactions
    return out


METHODS: Final = {
    "gateway_balances": Method(gateway_balances),
    "noripple_check": Method(noripple_check),
}
