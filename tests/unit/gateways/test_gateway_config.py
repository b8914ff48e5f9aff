"""Loading a gateway's TOML configuration: every value checked, every error naming its key,
never echoing a seed; paths relative to the file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from gateways.gateway.config import GatewayConfig, load_gateway_config, websocket_url
from gateways.toml_config import ConfigError
from xpay.client import Wallet

COLD, HOT = Wallet.generate(), Wallet.generate()
GOOD = f"""
name = "US Bank"
currencies = ["USD", "EUR"]
book = "books/us.sqlite"

[node]
url = "http://127.0.0.1:5005/"

[issuing]
seed = "{COLD.seed}"
transfer_rate = 1002000000
require_auth = true

[operational]
seed = "{HOT.seed}"
limit = "500000"
float = "20000"

[deposits]
max_amount = "25000"
wait_seconds = 5

[api]
port = 9090
token = "t0ken"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gateway.toml"
    path.write_text(text)
    return path


def test_a_good_file_gives_every_setting(tmp_path: Path) -> None:
    config = load_gateway_config(write(tmp_path, GOOD))
    assert (config.name, config.currencies, config.transfer_rate, config.require_auth) == (
        "US Bank", ("USD", "EUR"), 1_002_000_000, True)
    assert config.require_destination_tag, "RequireDest is on unless turned off"
    assert config.issuing.address == COLD.address and config.operational.address == HOT.address
    assert (config.hot_limit, config.hot_float, config.max_deposit) == (
        Decimal(500_000), Decimal(20_000), Decimal(25_000))
    assert config.book_path == tmp_path / "books" / "us.sqlite"
    assert (config.api.port, config.api.token, config.deposit_wait) == (9090, "t0ken", 5.0)
    assert config.fee_multiplier == Decimal("1.002")
    assert config.websocket_url == "ws://127.0.0.1:5005/"
    assert "t0ken" not in repr(config) and COLD.seed not in repr(config)
    assert not (tmp_path / "books").exists(), "loading a configuration creates nothing"


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        (f'seed = "{COLD.seed}"', 'seed = "sEdBad"', "issuing.seed"),
        (f'seed = "{HOT.seed}"', "seed = 12", "operational.seed"),
        ("transfer_rate = 1002000000", "transfer_rate = 999999999", "issuing.transfer_rate"),
        ("transfer_rate = 1002000000", 'transfer_rate = "1.002"', "issuing.transfer_rate"),
        ("require_auth = true", 'require_auth = "yes"', "issuing.require_auth"),
        ('limit = "500000"', 'limit = "-1"', "operational.limit"),
        ('float = "20000"', 'float = "600000"', "operational.float"),
        ('currencies = ["USD", "EUR"]', 'currencies = ["USD", "USD"]', "currencies"),
        ('currencies = ["USD", "EUR"]', "currencies = []", "currencies"),
        ('currencies = ["USD", "EUR"]', 'currencies = ["US"]', "currencies[0]"),
        ('url = "http://127.0.0.1:5005/"', 'url = "127.0.0.1:5005"', "node.url"),
        ("wait_seconds = 5", "wait_seconds = 0", "deposits.wait_seconds"),
        ("port = 9090", 'port = "9090"', "api.port"),
        ("[api]", "[apis]", "unknown setting"),
        ('name = "US Bank"', 'name = "US Bank"\ncolour = "blue"', "unknown setting: colour"),
        ('book = "books/us.sqlite"', "", "book: missing"),
    ],
)
def test_a_bad_value_is_an_error_naming_its_key(tmp_path: Path, old: str, new: str, named: str) -> None:
    assert old in GOOD
    with pytest.raises(ConfigError) as refused:
        load_gateway_config(write(tmp_path, GOOD.replace(old, new, 1)))
    message = str(refused.value)
    assert named in message
    assert COLD.seed not in message and HOT.seed not in message


def test_the_same_seed_for_both_addresses_is_refused() -> None:
    with pytest.raises(ConfigError, match="operational address must differ"):
        GatewayConfig(name="x", node_url="ws://h:1/", issuing=COLD, operational=COLD, currencies=("USD",),
                      book_path=Path("b"))


def test_websocket_url_follows_the_http_url() -> None:
    assert websocket_url("https://node.example:443/") == "wss://node.example:443/"
    assert websocket_url("ws://h:1/") == "ws://h:1/"
