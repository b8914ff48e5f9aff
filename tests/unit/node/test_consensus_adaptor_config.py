"""Configuring networked nodes: the TOML file of `xpay node --config` (read back exactly as
written, every mistake a one-line error) and the devnet's deterministic validators."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from xpay.api.server import ApiConfig
from xpay.cli import main
from xpay.consensus import ConsensusParms
from xpay.crypto import KeyPair, NodeKey
from xpay.node.config_file import ConfigError, load_config, parse_config, render_config
from xpay.node.devnet import (
    DEVNET_GENESIS_SEED,
    DevnetConfig,
    devnet_genesis_close_time,
    devnet_node_seed,
    devnet_validator_configs,
)
from xpay.node.validator import ValidatorConfig, network_parms
from xpay.overlay import MqttConfig

GENESIS = KeyPair.from_entropy(b"g" * 16)
KEYS = [NodeKey.from_entropy(bytes([i + 1]) * 16) for i in range(3)]


def _config(tmp_path: Path, **overrides: object) -> ValidatorConfig:
    settings: dict[str, object] = {
        "data_dir": tmp_path / "node",
        "node_seed": KEYS[0].seed,
        "unl": tuple(key.node_public for key in KEYS),
        "genesis_account": GENESIS.address,
        "transport": "mqtt",
        "mqtt": MqttConfig(url="mqtts://broker.example:8883", username="v0", password='p"w', ca_file="/ca.pem"),
        "api": ApiConfig(host="0.0.0.0", port=6006, admin_token="secret"),
        "genesis_close_time": 777,
        "close_interval": 0.5,
        **overrides,
    }
    return ValidatorConfig(**settings)  # type: ignore[arg-type]


def test_a_rendered_config_reads_back_as_the_same_config(tmp_path: Path) -> None:
    config = _config(
        tmp_path,
        parms=replace(network_parms(0.5), ledger_max_consensus_ms=3000),
        max_ledger_transactions=300,
        max_queued_transactions=0,
    )
    path = tmp_path / "node.toml"
    path.write_text(render_config(config))
    assert load_config(path) == config


def test_a_tracking_node_needs_whom_to_follow(tmp_path: Path) -> None:
    base = {"node": {"seed": KEYS[0].seed, "data_dir": "d", "genesis_account": GENESIS.address, "validating": False}}
    with pytest.raises(ConfigError, match="tracking node"):
        parse_config(base, base=tmp_path)
    follower = parse_config({**base, "validators": {"unl": [KEYS[1].node_public]}}, base=tmp_path)
    assert not follower.validating and follower.data_dir == tmp_path / "d"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"nodes": {}}, "unknown section"),
        ({"node": {"seed": "x"}}, "node.data_dir is required"),
        ({"node": {"seed": "nope", "data_dir": "d", "genesis_account": "r"}}, "node.seed"),
        ({"node": {"seed": KEYS[0].seed, "data_dir": "d", "genesis_account": "rNope"}}, "genesis_account"),
        ({"node": {"seed": KEYS[0].seed, "data_dir": "d", "genesis_account": GENESIS.address, "colour": 1}}, "node.colour"),
        ({"node": {"seed": KEYS[0].seed, "data_dir": "d", "genesis_account": GENESIS.address, "network_id": True}}, "boolean"),
        ({"node": {"seed": KEYS[0].seed, "data_dir": "d", "genesis_account": GENESIS.address, "close_interval": 0}}, "close_interval"),
        ({"node": {"seed": KEYS[0].seed, "data_dir": "d", "genesis_account": GENESIS.address, "max_ledger_transactions": 0}}, "max_ledger_transactions"),
        ({"node": {"seed": KEYS[0].seed, "data_dir": "d", "genesis_account": GENESIS.address, "max_queued_transactions": -1}}, "max_queued_transactions"),
        ({"node": {"seed": KEYS[0].seed, "data_dir": "d", "genesis_account": GENESIS.address}, "validators": {"unl": ["n9bad"]}}, "node public key"),
        ({"node": {"seed": KEYS[0].seed, "data_dir": "d", "genesis_account": GENESIS.address}, "overlay": {"transport": "inproc"}}, "transport"),
        ({"node": {"seed": KEYS[0].seed, "data_dir": "d", "genesis_account": GENESIS.address}, "overlay": {"broker": "http://x"}}, "overlay"),
        ({"node": {"seed": KEYS[0].seed, "data_dir": "d", "genesis_account": GENESIS.address}, "api": {"port": 70000}}, "api.port"),
        ({"node": {"seed": KEYS[0].seed, "data_dir": "d", "genesis_account": GENESIS.address}, "fees": {"base": -1}}, "fees"),
        ({"node": {"seed": KEYS[0].seed, "data_dir": "d", "genesis_account": GENESIS.address}, "consensus": {"min_consensus_pct": 0}}, "consensus"),
        ({"node": {"seed": KEYS[0].seed, "data_dir": "d", "genesis_account": GENESIS.address}, "consensus": {"avalanche_cutoffs": 1}}, "consensus.avalanche_cutoffs"),
    ],
)
def test_every_config_mistake_is_a_one_line_error(raw: dict[str, object], message: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        parse_config(raw, base=tmp_path)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)


def test_xpay_node_reports_a_bad_file_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[node\n")
    assert main(["node", "--config", str(path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("xpay: error:") and "not TOML" in error and error.count("\n") == 1
    assert main(["node", "--config", str(tmp_path / "missing.toml")]) == 2


def test_devnet_validators_are_deterministic_per_genesis_seed(tmp_path: Path) -> None:
    config = DevnetConfig(data_dir=tmp_path, validators=3, tracking=1, base_port=7000)
    first = devnet_validator_configs(config)
    again = devnet_validator_configs(config)
    assert first == again
    assert [c.node_seed for c in first] == [devnet_node_seed(DEVNET_GENESIS_SEED, i) for i in range(4)]
    assert len({c.node_seed for c in first}) == 4
    assert [c.api.port for c in first if c.api is not None] == [7000, 7001, 7002, 7003]
    assert [c.validating for c in first] == [True, True, True, False]
    assert all(c.unl == first[0].unl and len(c.unl) == 3 for c in first)
    other = devnet_validator_configs(replace(config, genesis_seed=GENESIS.seed, data_dir=tmp_path / "o"))
    assert {c.node_seed for c in other}.isdisjoint(c.node_seed for c in first)
    assert devnet_genesis_close_time(tmp_path) == first[0].genesis_close_time > 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"validators": 0}, "--validators"),
        ({"close_interval": 100.0}, "--close-interval"),
        ({"processes": True}, "--processes"),
        ({"base_port": 65534}, "--base-port"),
        ({"network_id": -1}, "--network-id"),
        ({"broker": "tcp://x"}, "broker URL"),
    ],
)
def test_impossible_devnets_are_refused(overrides: dict[str, object], message: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=message):
        DevnetConfig(data_dir=tmp_path, **overrides)  # type: ignore[arg-type]


def test_network_timing_keeps_the_cores_invariants() -> None:
    for interval in (0.05, 0.25, 1.0, 5.0):
        parms = network_parms(interval)
        assert parms.close_interval_ms == parms.idle_interval_ms == round(interval * 1000)
        assert parms.ledger_min_consensus_ms < parms.ledger_max_consensus_ms
        assert isinstance(parms, ConsensusParms)
