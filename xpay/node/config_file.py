"""`xpay node --config FILE`: one validator or tracking node from a TOML file (rippled's
``rippled.cfg`` / ``validators.txt``, in TOML, read with the standard library's ``tomllib``).

    [node]
    seed = "sEd…"                 # the node key (signs messages and validations): keep secret
    validating = true             # false: a tracking node (follows, never proposes or validates)
    data_dir = "/var/lib/xpay"
    network_id = 21337
    close_interval = 1.0          # seconds
    genesis_account = "r…"        # holds every drop at ledger 1
    genesis_close_time = 1        # seconds since 2000-01-01; the same on every validator
    max_ledger_transactions = 500 # open-ledger cap; beyond it a submission is queued (terQUEUED)
    max_queued_transactions = 2000 # beyond these too it is refused (telCAN_NOT_QUEUE_FULL)

    [validators]
    unl = ["n9…", "n9…"]          # trusted validators' node public keys

    [overlay]
    transport = "mqtt"            # or "inproc" (only inside one process: xpay devnet)
    broker = "mqtt://127.0.0.1:1883"   # mqtts://host:8883 for TLS
    username = "…"                # optional, as are password, ca_file, cert_file, key_file
    password = "…"

    [api]
    host = "127.0.0.1"
    port = 5005
    admin_token = "…"             # optional: admin methods for non-loopback clients

    [consensus]                   # optional: any integer field of xpay.consensus.ConsensusParms
    ledger_min_consensus_ms = 150 # (close_interval sets close_interval_ms and idle_interval_ms)

    [fees]                        # optional; every validator of a network must agree
    base = 10                     # drops per transaction
    reserve = 1000000             # account reserve, drops
    increment = 200000            # reserve per owned object, drops

Brokers: mosquitto's default ``max_queued_messages`` (1000) silently drops QoS 1 messages to a
subscriber that falls behind — transactions and validations among them. Raise it on every broker
the nodes use (``max_queued_messages 100000`` in mosquitto.conf).

Unknown keys are errors (a misspelt key must not be silently ignored), reported in one line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import signal
import sys
import tomllib
from pathlib import Path
from typing import Any, Final

from xpay.amounts import XRPAmount
from xpay.api.server import ApiConfig
from xpay.codec import decode_account_id, decode_node_public
from xpay.consensus import ConsensusParms
from xpay.crypto import NodeKey
from xpay.ledger.views import Fees
from xpay.node.config import (
    DEFAULT_FEES,
    DEFAULT_MAX_LEDGER_TRANSACTIONS,
    DEFAULT_MAX_QUEUED_TRANSACTIONS,
    DEFAULT_NETWORK_ID,
)
from xpay.node.standalone import DataDirMismatch
from xpay.node.validator import (
    DEFAULT_GENESIS_CLOSE_TIME,
    ValidatorConfig,
    ValidatorEndpoints,
    serve_validator,
)
from xpay.overlay import MqttConfig, OverlayConnectError

READY_LINE: Final = "xpay node ready"
DEFAULT_BROKER: Final = "mqtt://127.0.0.1:1883"

_SECTIONS: Final = {
    "node": {
        "seed", "validating", "data_dir", "network_id", "close_interval", "genesis_account",
        "genesis_close_time", "listen", "max_ledger_transactions",
        "max_queued_transactions",
    },
    "validators": {"unl"},
    "overlay": {"transport", "broker", "username", "password", "ca_file", "cert_file", "key_file"},
    "api": {"host", "port", "admin_token"},
    "fees": {"base", "reserve", "increment"},
    "consensus": {
        parm.name
        for parm in dataclasses.fields(ConsensusParms)
        if parm.type in (int, "int")
    },
}


class ConfigError(ValueError):
    """The configuration file is unreadable or says something impossible."""


def _typed(section: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = section[key]
    if isinstance(value, bool) and kind is not bool:
        raise ConfigError(f"{where}.{key} must not be a boolean")
    if not isinstance(value, kind):
        raise ConfigError(f"{where}.{key} has the wrong type ({type(value).__name__})")
    return value


def load_config(path: Path) -> ValidatorConfig:
    """The ValidatorConfig of a TOML file; ConfigError (one line) for anything wrong."""
    try:
        raw = tomllib.loads(path.read_text())
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not TOML: {exc}") from None
    return parse_config(raw, base=path.parent)


def parse_config(raw: dict[str, Any], *, base: Path) -> ValidatorConfig:
    """The ValidatorConfig of parsed TOML; relative paths are taken from ``base``."""
    for name, section in raw.items():
        if name not in _SECTIONS:
            raise ConfigError(f"unknown section [{name}]")
        if not isinstance(section, dict):
            raise ConfigError(f"[{name}] must be a table")
        unknown = sorted(set(section) - _SECTIONS[name])
        if unknown:
            raise ConfigError(f"unknown key {name}.{unknown[0]}")
    node: dict[str, Any] = raw.get("node", {})
    for key in ("seed", "data_dir", "genesis_account"):
        if key not in node:
            raise ConfigError(f"node.{key} is required")
    seed = _typed(node, "seed", str, "node")
    try:
        NodeKey.from_seed(seed)
    except ValueError:
        raise ConfigError("node.seed is not a valid seed (sEd…)") from None
    genesis_account = _typed(node, "genesis_account", str, "node")
    try:
        decode_account_id(genesis_account)
    except ValueError:
        raise ConfigError("node.genesis_account is not a classic address (r…)") from None
    data_dir = Path(_typed(node, "data_dir", str, "node"))
    if not data_dir.is_absolute():
        data_dir = base / data_dir
    validating = _typed(node, "validating", bool, "node") if "validating" in node else True
    network_id = _typed(node, "network_id", int, "node") if "network_id" in node else DEFAULT_NETWORK_ID
    if not 0 <= network_id <= 0xFFFFFFFF:
        raise ConfigError("node.network_id must be a uint32")
    close_interval = float(_typed(node, "close_interval", (int, float), "node")) if "close_interval" in node else 1.0
    if not 0.05 <= close_interval <= 60:
        raise ConfigError("node.close_interval must lie between 0.05 and 60 seconds")
    genesis_close_time = (
        _typed(node, "genesis_close_time", int, "node")
        if "genesis_close_time" in node
        else DEFAULT_GENESIS_CLOSE_TIME
    )
    if not 1 <= genesis_close_time <= 0xFFFFFFFF:
        raise ConfigError("node.genesis_close_time must be a positive uint32")
    listen = float(_typed(node, "listen", (int, float), "node")) if "listen" in node else None
    max_ledger_transactions = (
        _typed(node, "max_ledger_transactions", int, "node")
        if "max_ledger_transactions" in node
        else DEFAULT_MAX_LEDGER_TRANSACTIONS
    )
    if max_ledger_transactions < 1:
        raise ConfigError("node.max_ledger_transactions must be at least 1")
    max_queued_transactions = (
        _typed(node, "max_queued_transactions", int, "node")
        if "max_queued_transactions" in node
        else DEFAULT_MAX_QUEUED_TRANSACTIONS
    )
    if max_queued_transactions < 0:
        raise ConfigError("node.max_queued_transactions must not be negative")

    validators: dict[str, Any] = raw.get("validators", {})
    unl_raw = _typed(validators, "unl", list, "validators") if "unl" in validators else []
    unl: list[str] = []
    for key in unl_raw:
        if not isinstance(key, str):
            raise ConfigError("validators.unl must list node public keys (n…)")
        try:
            decode_node_public(key)
        except ValueError:
            raise ConfigError(f"validators.unl: {key!r} is not a node public key (n…)") from None
        unl.append(key)
    if not unl and not validating:
        raise ConfigError("a tracking node needs validators.unl to know whom to follow")

    overlay: dict[str, Any] = raw.get("overlay", {})
    transport = _typed(overlay, "transport", str, "overlay") if "transport" in overlay else "mqtt"
    if transport != "mqtt":
        raise ConfigError('overlay.transport must be "mqtt" for a node of its own process')
    mqtt_fields = {
        key: _typed(overlay, key, str, "overlay")
        for key in ("username", "password", "ca_file", "cert_file", "key_file")
        if key in overlay
    }
    try:
        mqtt = MqttConfig(
            url=_typed(overlay, "broker", str, "overlay") if "broker" in overlay else DEFAULT_BROKER,
            **mqtt_fields,
        )
    except ValueError as exc:
        raise ConfigError(f"overlay: {exc}") from None

    api_section: dict[str, Any] = raw.get("api", {})
    api = ApiConfig(
        host=_typed(api_section, "host", str, "api") if "host" in api_section else "127.0.0.1",
        port=_typed(api_section, "port", int, "api") if "port" in api_section else 5005,
        admin_token=_typed(api_section, "admin_token", str, "api") if "admin_token" in api_section else None,
    )
    if not 0 <= api.port <= 65535:
        raise ConfigError("api.port must be a TCP port")

    fees_section: dict[str, Any] = raw.get("fees", {})
    drops = {
        key: _typed(fees_section, key, int, "fees") if key in fees_section else default.drops
        for key, default in (
            ("base", DEFAULT_FEES.base),
            ("reserve", DEFAULT_FEES.reserve),
            ("increment", DEFAULT_FEES.increment),
        )
    }
    if any(value < 0 for value in drops.values()):
        raise ConfigError("fees must not be negative")
    fees = Fees(XRPAmount(drops["base"]), XRPAmount(drops["reserve"]), XRPAmount(drops["increment"]))

    parms: ConsensusParms | None = None
    consensus: dict[str, Any] = raw.get("consensus", {})
    if consensus:
        values = {key: _typed(consensus, key, int, "consensus") for key in consensus}
        interval = round(close_interval * 1000)
        values.setdefault("close_interval_ms", interval)
        values.setdefault("idle_interval_ms", interval)
        try:
            parms = ConsensusParms(**values)
        except ValueError as exc:
            raise ConfigError(f"consensus: {exc}") from None

    return ValidatorConfig(
        data_dir=data_dir,
        node_seed=seed,
        unl=tuple(unl),
        genesis_account=genesis_account,
        validating=validating,
        network_id=network_id,
        fees=fees,
        genesis_close_time=genesis_close_time,
        close_interval=close_interval,
        transport="mqtt",
        mqtt=mqtt,
        api=api,
        parms=parms,
        listen=listen,
        max_ledger_transactions=max_ledger_transactions,
        max_queued_transactions=max_queued_transactions,
    )


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_config(config: ValidatorConfig) -> str:
    """The TOML file ``load_config`` reads back as ``config`` (MQTT transport; what
    ``xpay devnet --processes`` writes for each validator)."""
    mqtt = config.mqtt if config.mqtt is not None else MqttConfig()
    api = config.api if config.api is not None else ApiConfig(port=5005)
    lines = [
        "[node]",
        f"seed = {_toml_string(config.node_seed)}",
        f"validating = {'true' if config.validating else 'false'}",
        f"data_dir = {_toml_string(str(config.data_dir))}",
        f"network_id = {config.network_id}",
        f"close_interval = {config.close_interval!r}",
        f"genesis_account = {_toml_string(config.genesis_account)}",
        f"genesis_close_time = {config.genesis_close_time}",
    ]
    if config.listen is not None:
        lines.append(f"listen = {config.listen!r}")
    if config.max_ledger_transactions != DEFAULT_MAX_LEDGER_TRANSACTIONS:
        lines.append(f"max_ledger_transactions = {config.max_ledger_transactions}")
    if config.max_queued_transactions != DEFAULT_MAX_QUEUED_TRANSACTIONS:
        lines.append(f"max_queued_transactions = {config.max_queued_transactions}")
    lines += [
        "",
        "[validators]",
        "unl = [" + ", ".join(_toml_string(key) for key in config.unl) + "]",
        "",
        "[overlay]",
        'transport = "mqtt"',
        f"broker = {_toml_string(mqtt.url)}",
    ]
    for key in ("username", "password", "ca_file", "cert_file", "key_file"):
        value = getattr(mqtt, key)
        if value is not None:
            lines.append(f"{key} = {_toml_string(value)}")
    lines += ["", "[api]", f"host = {_toml_string(api.host)}", f"port = {api.port}"]
    if api.admin_token is not None:
        lines.append(f"admin_token = {_toml_string(api.admin_token)}")
    if config.parms is not None:
        defaults = ConsensusParms()
        lines += ["", "[consensus]"]
        for name in sorted(_SECTIONS["consensus"]):
            value = getattr(config.parms, name)
            if value != getattr(defaults, name) or name.endswith("interval_ms"):
                lines.append(f"{name} = {value}")
    fees = config.fees
    lines += [
        "",
        "[fees]",
        f"base = {fees.base.drops}",
        f"reserve = {fees.reserve.drops}",
        f"increment = {fees.increment.drops}",
        "",
    ]
    return "\n".join(lines)


# --- the command --------------------------------------------------------------------------------


def add_node_command(subparsers: Any) -> None:
    """Register `xpay node` on the CLI's subparsers."""
    parser = subparsers.add_parser(
        "node", help="run one validator or tracking node of a network (configured by a TOML file)"
    )
    parser.add_argument("--config", required=True, type=Path, help="the node's TOML configuration")
    parser.add_argument("--log-level", default="WARNING", help="Python logging level (default WARNING)")
    parser.set_defaults(func=node_command)


def print_ready(endpoints: ValidatorEndpoints) -> None:
    role = "validator" if endpoints.validating else "tracking node"
    state = f"resumed at ledger {endpoints.ledger_seq}" if endpoints.resumed else "new chain (ledger 1)"
    print(f"{READY_LINE}: {role} {endpoints.node_public_key}, {state}", flush=True)
    if endpoints.json_rpc is not None:
        print(f"  JSON-RPC:   {endpoints.json_rpc}", flush=True)
        print(f"  WebSocket:  {endpoints.websocket}", flush=True)


def node_command(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(_run(config))
    except (OSError, DataDirMismatch, OverlayConnectError, BaseExceptionGroup) as error:
        cause = error
        while isinstance(cause, BaseExceptionGroup):
            cause = cause.exceptions[0]
        if not isinstance(cause, (OSError, DataDirMismatch, OverlayConnectError)):
            raise
        print(f"xpay: error: {cause}", file=sys.stderr)
        return 1
    return 0


async def _run(config: ValidatorConfig) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await serve_validator(config, stop, on_ready=print_ready)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError, RuntimeError):
                loop.remove_signal_handler(sig)
    print("xpay node stopped", flush=True)
