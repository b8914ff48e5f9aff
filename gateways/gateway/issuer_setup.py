"""Configuring a gateway's addresses on the ledger, as the XRPL's gateway guide lays it out.

Issuing address (cold wallet):
- DefaultRipple, so that customers' balances can ripple through the issuer to each other (without
  it, every new trust line to the issuer would have NoRipple on the issuer's side and customers
  could not pay one another);
- TransferRate, the issuer's fee on transfers between third parties (0 / 1e9: none);
- RequireAuth when configured: customers' trust lines hold nothing until the bank authorises them
  (TrustSet tfSetfAuth). rippled only lets an account turn it on while it owns nothing
  (tecOWNERS), so it is set before any trust line exists;
- RequireDest when configured: payments to it must carry a DestinationTag (tecDST_TAG_NEEDED),
  which is how a withdrawal names its customer.

Operational address (hot wallet): a trust line to the issuing address for each currency, up to the
configured limit, with NoRipple on its side (it is not a gateway); authorised by the issuing
address under RequireAuth; RequireDest like the issuing address.

`configure_addresses` reads the current settings and submits only what differs, so running it on
every start is harmless and a gateway whose settings were changed by hand is put back.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gateways.decimal_amounts import value_text
from gateways.gateway.config import QUALITY_ONE, GatewayConfig
from gateways.gateway.errors import GatewayError, NotPermitted
from gateways.submission import submit_batch
from xpay.client import (
    AccountInfo,
    AccountSet,
    AccountSetAsfFlag,
    APIMethods,
    RPCError,
    Transaction,
    TrustSet,
    TrustSetFlag,
    iou,
)
from xpay.protocol import flags as f


class NotFunded(GatewayError):
    """An address of the gateway does not exist on the ledger yet."""

    status = 503
    name = "notFunded"


@dataclass(frozen=True, slots=True)
class SetupStep:
    """A setting the gateway changed on the ledger."""

    account: str
    description: str
    tx_hash: str


async def account_info(client: APIMethods, address: str, role: str) -> AccountInfo:
    try:
        return await client.account_info(address, ledger_index="validated")
    except RPCError as error:
        if error.name == "actNotFound":
            raise NotFunded(
                f"the {role} address {address} is not funded on the ledger: send it XPY for its reserve first"
            ) from None
        raise


def _normal_rate(rate: int) -> int:
    return 0 if rate in (0, QUALITY_ONE) else rate


def issuing_changes(config: GatewayConfig, info: AccountInfo) -> list[tuple[str, Transaction]]:
    """The AccountSets that bring the issuing address to the configuration."""
    address = config.issuing.address
    flags = info.flags
    out: list[tuple[str, Transaction]] = []

    def toggle(wanted: bool, flag: int, asf: AccountSetAsfFlag, name: str) -> None:
        has = bool(flags & flag)
        if wanted and not has:
            out.append((f"set {name}", AccountSet(account=address, set_flag=asf)))
        elif has and not wanted:
            out.append((f"clear {name}", AccountSet(account=address, clear_flag=asf)))

    if config.require_auth and not flags & f.lsfRequireAuth and info.owner_count:
        raise NotPermitted(
            f"RequireAuth can only be turned on while the issuing address owns nothing, and {address} owns "
            f"{info.owner_count} ledger objects (rippled answers tecOWNERS)",
            field="issuing.require_auth",
        )
    toggle(config.require_auth, f.lsfRequireAuth, AccountSetAsfFlag.asfRequireAuth, "RequireAuth")
    toggle(True, f.lsfDefaultRipple, AccountSetAsfFlag.asfDefaultRipple, "DefaultRipple")
    toggle(config.require_destination_tag, f.lsfRequireDestTag, AccountSetAsfFlag.asfRequireDest, "RequireDest")
    current_rate = info.raw.get("account_data", {}).get("TransferRate", 0)
    if _normal_rate(int(current_rate)) != _normal_rate(config.transfer_rate):
        out.append((f"TransferRate {config.transfer_rate}",
                    AccountSet(account=address, transfer_rate=_normal_rate(config.transfer_rate))))
    return out


async def configure_addresses(client: APIMethods, config: GatewayConfig) -> list[SetupStep]:
    """Bring both addresses to the configuration (see the module doc); the steps taken."""
    issuing, operational = config.issuing, config.operational
    issuing_info = await account_info(client, issuing.address, "issuing")
    operational_info = await account_info(client, operational.address, "operational")
    steps: list[SetupStep] = []

    async def run(wallet_label: str, changes: list[tuple[str, Transaction]]) -> None:
        if not changes:
            return
        wallet = issuing if wallet_label == "issuing" else operational
        records = await submit_batch(client, wallet, [tx for _, tx in changes])
        steps.extend(SetupStep(wallet.address, what, record.hash) for (what, _), record in zip(changes, records))

    # The issuing address first: RequireAuth must be on before the operational line exists.
    await run("issuing", issuing_changes(config, issuing_info))

    operational_changes: list[tuple[str, Transaction]] = []
    has_dest = bool(operational_info.flags & f.lsfRequireDestTag)
    if config.require_destination_tag and not has_dest:
        operational_changes.append(("set RequireDest",
                                    AccountSet(account=operational.address, set_flag=AccountSetAsfFlag.asfRequireDest)))
    elif has_dest and not config.require_destination_tag:
        operational_changes.append(("clear RequireDest",
                                    AccountSet(account=operational.address, clear_flag=AccountSetAsfFlag.asfRequireDest)))
    lines = {line.currency: line async for line in client.account_lines(operational.address, peer=issuing.address,
                                                                         ledger_index="validated")}
    for currency in config.currencies:
        line = lines.get(currency)
        if line is None or line.limit != config.hot_limit or not line.no_ripple:
            operational_changes.append((
                f"trust {value_text(config.hot_limit)} {currency}",
                TrustSet(account=operational.address, limit_amount=iou(value_text(config.hot_limit), currency,
                                                                       issuing.address),
                         flags=TrustSetFlag.tfSetNoRipple),
            ))
    await run("operational", operational_changes)

    if config.require_auth:
        issuer_view = {line.currency: line async for line in client.account_lines(
            issuing.address, peer=operational.address, ledger_index="validated")}
        authorisations: list[tuple[str, Transaction]] = [
            (f"authorise the operational {currency} line", authorise_line(issuing.address, operational.address, currency))
            for currency in config.currencies
            if not (issuer_view.get(currency) and issuer_view[currency].authorized)
        ]
        await run("issuing", authorisations)
    return steps


def authorise_line(issuing: str, holder: str, currency: str) -> TrustSet:
    """The issuer's TrustSet that authorises `holder` to hold its `currency` (tfSetfAuth; the
    issuer's own limit on the line stays 0). It creates the line if the holder has none yet."""
    return TrustSet(account=issuing, limit_amount=iou("0", currency, holder), flags=TrustSetFlag.tfSetfAuth)


def freeze_line(issuing: str, holder: str, currency: str, frozen: bool) -> TrustSet:
    """The issuer's TrustSet that freezes (tfSetFreeze) or unfreezes (tfClearFreeze) a holder's
    line: a frozen holder can only send the IOU back to the issuer."""
    return TrustSet(account=issuing, limit_amount=iou("0", currency, holder),
                    flags=TrustSetFlag.tfSetFreeze if frozen else TrustSetFlag.tfClearFreeze)


def hot_line_shortfall(balance: Decimal, needed: Decimal, target: Decimal) -> Decimal:
    """How much the issuing address sends the operational address so that it can pay `needed`:
    up to the float `target`, or to `needed` if that is more; 0 when it has enough."""
    if balance >= needed:
        return Decimal(0)
    return max(target, needed) - balance


__all__ = [
    "NotFunded",
    "SetupStep",
    "account_info",
    "authorise_line",
    "configure_addresses",
    "freeze_line",
    "hot_line_shortfall",
    "issuing_changes",
]
