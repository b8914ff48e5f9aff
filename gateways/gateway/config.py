"""The gateway's configuration: a bank's issuing and operational addresses and their settings.

Modelled on the XRPL's "Become an XRP Ledger Gateway" / issuing-and-operational-addresses guide:

- the **issuing address** (cold wallet) issues the bank's currencies. It has DefaultRipple set (so
  customers' balances can ripple through it to each other), optionally a TransferRate (a fee the
  ledger charges when its IOUs move between third parties), optionally RequireAuth (a customer's
  trust line holds nothing until the bank authorises it, tfSetfAuth), and RequireDest (payments
  to it must carry a DestinationTag: that is how a withdrawal names the customer);
- the **operational address** (hot wallet) holds a float of the issuer's IOUs, trusted up to a
  limit, and pays the customers' deposits out of it, so the issuing key signs as little as
  possible.

The file is TOML:

    name = "US Bank"
    currencies = ["USD"]
    book = "usbank.sqlite"            # relative to this file

    [node]
    url = "ws://127.0.0.1:5005/"      # the xpay node's WebSocket (ledger stream and requests)

    [issuing]
    seed = "sEd…"
    transfer_rate = 1002000000        # XRPL TransferRate: 1e9 = no fee, 1.002e9 = 0.2 %
    require_auth = true
    require_destination_tag = true

    [operational]
    seed = "sEd…"
    limit = "1000000000"              # the hot wallet's trust line limit per currency
    float = "100000"                  # topped up to this from the issuing address when short

    [deposits]
    max_amount = "1000000"
    wait_seconds = 30                 # how long POST /deposits waits for validation before 202

    [api]
    host = "127.0.0.1"
    port = 8080
    token = "…"                       # optional: then every request needs "Authorization: Bearer …"

Everything is checked before anything is opened or sent (`load_gateway_config`); an unknown key
is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from gateways.toml_config import ConfigError, Table, check_node_url, load_toml
from xpay.amounts import AmountError, currency_from_code
from xpay.client import Wallet

QUALITY_ONE: Final = 1_000_000_000
"""A TransferRate of no fee (rippled's QUALITY_ONE)."""
MAX_TRANSFER_RATE: Final = 2 * QUALITY_ONE
"""rippled refuses a TransferRate above 100 % (temBAD_TRANSFER_RATE)."""
MAX_DESTINATION_TAG: Final = 0xFFFFFFFF


def websocket_url(url: str) -> str:
    """The WebSocket URL of a node given by either of its URLs (xpay serves both on one port)."""
    parts = urlsplit(url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    return parts._replace(scheme=scheme).geturl()


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """Where the back-office REST API listens."""

    host: str = "127.0.0.1"
    port: int = 8080
    """0 picks a free port."""
    token: str | None = field(default=None, repr=False)
    """When set, every request must present `Authorization: Bearer <token>`."""


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """Everything a gateway is told at start."""

    name: str
    node_url: str
    issuing: Wallet
    operational: Wallet
    currencies: tuple[str, ...]
    book_path: Path
    transfer_rate: int = 0
    """The XRPL TransferRate (billionths): 0 or 1,000,000,000 for none, up to 2,000,000,000."""
    require_auth: bool = False
    require_destination_tag: bool = True
    hot_limit: Decimal = Decimal("1000000000")
    hot_float: Decimal = Decimal("100000")
    max_deposit: Decimal = Decimal("1000000")
    deposit_wait: float = 30.0
    api: ApiSettings = field(default_factory=ApiSettings)

    def __post_init__(self) -> None:
        check_node_url(self.node_url, "node.url")
        if not self.currencies:
            raise ConfigError("currencies: name at least one currency")
        for index, code in enumerate(self.currencies):
            check_currency(code, f"currencies[{index}]")
        if len(set(self.currencies)) != len(self.currencies):
            raise ConfigError("currencies: a currency is listed twice")
        check_transfer_rate(self.transfer_rate, "issuing.transfer_rate")
        if self.issuing.address == self.operational.address:
            raise ConfigError("operational.seed: the operational address must differ from the issuing address")
        if self.hot_float > self.hot_limit:
            raise ConfigError(f"operational.float: {self.hot_float} is above operational.limit {self.hot_limit}")
        if not 0 <= self.api.port <= 65535:
            raise ConfigError(f"api.port: {self.api.port} is not a TCP port")

    @property
    def websocket_url(self) -> str:
        return websocket_url(self.node_url)

    @property
    def fee_multiplier(self) -> Decimal:
        """What a third party's transfer of 1 unit costs its sender (1 when there is no fee)."""
        if self.transfer_rate in (0, QUALITY_ONE):
            return Decimal(1)
        return Decimal(self.transfer_rate) / QUALITY_ONE


def check_currency(code: object, key: str) -> str:
    if not isinstance(code, str):
        raise ConfigError(f"{key}: expected a currency code, not {code!r:.40}")
    try:
        currency_from_code(code)
    except AmountError as error:
        raise ConfigError(f"{key}: {error}") from None
    return code


def check_transfer_rate(rate: object, key: str) -> int:
    if isinstance(rate, bool) or not isinstance(rate, int):
        raise ConfigError(
            f"{key}: expected an integer TransferRate (1000000000 = no fee, 1002000000 = 0.2 %), not {rate!r:.40}"
        )
    if rate != 0 and not QUALITY_ONE <= rate <= MAX_TRANSFER_RATE:
        raise ConfigError(
            f"{key}: {rate} is not 0 or {QUALITY_ONE}..{MAX_TRANSFER_RATE} (no fee .. 100 %), as the XRPL requires"
        )
    return rate


def load_gateway_config(path: Path) -> GatewayConfig:
    """The configuration in the TOML file at `path` (see the module docstring); ConfigError naming
    the first bad or unknown key."""
    root = Table(load_toml(path), "")
    base = path.parent
    name = root.string("name", "gateway")
    currencies = root.strings("currencies")
    book = Path(root.string("book"))
    node = root.table("node")
    node_url = check_node_url(node.string("url"), node.key("url"))
    node.finish()

    issuing = root.table("issuing")
    issuing_wallet = issuing.wallet("seed")
    transfer_rate = check_transfer_rate(issuing.raw("transfer_rate", 0), issuing.key("transfer_rate"))
    require_auth = issuing.boolean("require_auth", False)
    require_tag = issuing.boolean("require_destination_tag", True)
    issuing.finish()

    operational = root.table("operational")
    operational_wallet = operational.wallet("seed")
    hot_limit = operational.decimal("limit", Decimal("1000000000"))
    hot_float = operational.decimal("float", Decimal("100000"))
    operational.finish()

    deposits = root.table("deposits", required=False)
    max_deposit = deposits.decimal("max_amount", Decimal("1000000"))
    wait = deposits.seconds("wait_seconds", 30.0)
    deposits.finish()

    api = root.table("api", required=False)
    token = api.optional_string("token")
    settings = ApiSettings(
        host=api.string("host", "127.0.0.1"),
        port=api.integer("port", 8080, low=0, high=65535),
        token=token,
    )
    api.finish()
    root.finish()
    return GatewayConfig(
        name=name,
        node_url=node_url,
        issuing=issuing_wallet,
        operational=operational_wallet,
        currencies=currencies,
        book_path=book if book.is_absolute() else base / book,
        transfer_rate=transfer_rate,
        require_auth=require_auth,
        require_destination_tag=require_tag,
        hot_limit=hot_limit,
        hot_float=hot_float,
        max_deposit=max_deposit,
        deposit_wait=wait,
        api=settings,
    )


__all__ = [
    "MAX_TRANSFER_RATE",
    "QUALITY_ONE",
    "ApiSettings",
    "GatewayConfig",
    "check_currency",
    "check_node_url",
    "check_transfer_rate",
    "load_gateway_config",
    "websocket_url",
]
